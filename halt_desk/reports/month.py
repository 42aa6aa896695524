"""The report month: which tickets belong to it and the moment they are evaluated at.

A ticket belongs to the month in which it was *reported*, in the time zone of its
organisation's contract profile. Its clocks are evaluated at the moment the report is
made (`now`, pinned with `--now` and carried in an export as its `now`), not at the end
of the month: a ticket reported on the last afternoon is judged on how it actually ended,
instead of being left "running" and counted in no month at all. Events after that
moment are not used. The buffer stock is read at the end of the month (or at `now`,
when that comes first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from halt_desk.domain.messages import Msg
from halt_desk.i18n import Words
from halt_desk.reports.errors import InvalidMonth

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month, e.g. `Month(2027, 1)`; `str()` gives `2027-01`."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """`YYYY-MM`; raises InvalidMonth for anything else."""
        match = _MONTH.match(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise InvalidMonth(str(text), "expected a month written YYYY-MM, e.g. 2027-01")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise InvalidMonth(
                text,
                f"there is no month {month:02d}",
                Words.of(Msg.MONTH_DOES_NOT_EXIST, month=f"{month:02d}"),
            )
        if not 2000 <= year <= 2100:
            raise InvalidMonth(
                text,
                "the year must lie between 2000 and 2100",
                Words.of(Msg.MONTH_YEAR_OUT_OF_RANGE),
            )
        return cls(year, month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def shifted(self, months: int) -> Month:
        """The month `months` later (negative: earlier)."""
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def start(self, tz: tzinfo) -> datetime:
        """Midnight at the start of the month's first day in `tz`."""
        return datetime(self.year, self.month, 1, tzinfo=tz)

    def end(self, tz: tzinfo) -> datetime:
        """Midnight at the start of the next month in `tz` (exclusive end)."""
        return self.shifted(1).start(tz)

    def contains(self, instant: datetime, tz: tzinfo) -> bool:
        local = instant.astimezone(tz)
        return (local.year, local.month) == (self.year, self.month)

    def check_begun(self, now: datetime, tz: tzinfo) -> None:
        """Raises InvalidMonth if the month lies wholly after `now`."""
        if self.start(tz) > now:
            raise InvalidMonth(
                str(self),
                f"the month has not begun yet (now is {now:%Y-%m-%d})",
                Words.of(Msg.MONTH_NOT_BEGUN, month=str(self)),
            )
