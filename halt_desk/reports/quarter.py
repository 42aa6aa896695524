"""The scorecard's quarter: `2027-Q1` is January to March 2027, in the contract's time zone.

A ticket belongs to the quarter in which it was reported (as in the monthly report, see
`month.py`); its clocks are evaluated at the scorecard's `now`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from halt_desk.reports.errors import ReportError
from halt_desk.reports.month import Month

_QUARTER = re.compile(r"^(\d{4})-[Qq](\d)$")


class InvalidQuarter(ReportError):
    """A quarter that is not written YYYY-Qn (n 1–4), or that has not begun yet."""

    def __init__(self, value: str, problem: str) -> None:
        self.value = value
        self.problem = problem
        super().__init__(f"--quarter {value!r}: {problem}")


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    """A calendar quarter, e.g. `Quarter(2027, 1)`; `str()` gives `2027-Q1`."""

    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """`YYYY-Qn`; raises InvalidQuarter for anything else."""
        match = _QUARTER.match(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise InvalidQuarter(str(text), "expected a quarter written YYYY-Qn, e.g. 2027-Q1")
        year, quarter = int(match.group(1)), int(match.group(2))
        if not 1 <= quarter <= 4:
            raise InvalidQuarter(text, f"there is no quarter Q{quarter} (Q1 to Q4)")
        if not 2000 <= year <= 2100:
            raise InvalidQuarter(text, "the year must lie between 2000 and 2100")
        return cls(year, quarter)

    def __str__(self) -> str:
        return f"{self.year:04d}-Q{self.quarter}"

    @property
    def months(self) -> tuple[Month, Month, Month]:
        first = Month(self.year, 3 * self.quarter - 2)
        return (first, first.shifted(1), first.shifted(2))

    def start(self, tz: tzinfo) -> datetime:
        return self.months[0].start(tz)

    def end(self, tz: tzinfo) -> datetime:
        """Midnight at the start of the next quarter in `tz` (exclusive end)."""
        return self.months[-1].end(tz)

    def check_begun(self, now: datetime, tz: tzinfo) -> None:
        if self.start(tz) > now:
            raise InvalidQuarter(
                str(self), f"the quarter has not begun yet (now is {now:%Y-%m-%d})"
            )
