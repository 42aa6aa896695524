"""The change figures of the service-level report (seed 003 §10.2, KPI 5 and 6): each
change ticket of an export evaluated by `domain.change_kpi`, and the two KPIs counted.
The PDF section is `change_report.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from halt_desk.domain.change_kpi import (
    CHANGE_CLOCKS,
    CHANGE_NORM,
    CHANGE_TYPES,
    CLOCK_TYPE,
    ChangeEvaluation,
    evaluate_change,
    is_change,
)
from halt_desk.domain.clocks import ClockState
from halt_desk.domain.profiles import Profile
from halt_desk.reports.errors import InvalidExport

__all__ = ["ChangeEvaluation", "ChangeKpi", "change_kpis", "read_change", "type_counts"]


# ---------------------------------------------------------------------------- reading
def read_change(
    raw: Mapping[str, Any],
    reported_at: datetime,
    profile: Profile,
    now: datetime,
    source: str,
    ticket_id: str,
) -> ChangeEvaluation | None:
    """The change clocks of an export ticket with `kind: "change"`, else None. Raises
    InvalidExport for an unknown change type or a plan without a date."""
    kind = raw.get("kind")
    if kind is None or kind == "incident":
        return None
    if not is_change(raw):
        raise InvalidExport(source, "kind", f"{kind!r} is not incident or change", ticket_id)
    change_type = raw.get("change_type")
    if change_type not in CHANGE_TYPES:
        problem = f"{change_type!r} is not one of {', '.join(CHANGE_TYPES)}"
        raise InvalidExport(source, "change_type", problem, ticket_id)
    events: list[tuple[str, datetime, Mapping[str, Any]]] = []
    for i, event in enumerate(raw.get("events") or ()):
        kind = event.get("type")
        if kind not in ("change_planned", "change_implemented"):
            continue
        if kind == "change_planned" and not _is_date(event.get("date")):
            raise InvalidExport(source, f"events[{i}].date", "expected YYYY-MM-DD", ticket_id)
        events.append((kind, datetime.fromisoformat(event["at"]), event))
    return evaluate_change(profile, str(change_type), reported_at, events, now)


def _is_date(value: object) -> bool:
    try:
        return isinstance(value, str) and len(value) == 10 and bool(date.fromisoformat(value))
    except ValueError:
        return False


# ---------------------------------------------------------------------------- figures
@dataclass(frozen=True, slots=True)
class ChangeKpi:
    """One change KPI of the month: `met` of `decided` changes of its type."""

    clock: str
    change_type: str
    changes: int
    met: int
    decided: int
    open: int
    norm: float = CHANGE_NORM

    @property
    def percent(self) -> float | None:
        return None if self.decided == 0 else 100.0 * self.met / self.decided

    @property
    def norm_met(self) -> bool | None:
        percent = self.percent
        return None if percent is None else percent >= self.norm


def change_kpis(changes: Sequence[ChangeEvaluation | None]) -> tuple[ChangeKpi, ...]:
    """KPI 5 and KPI 6 over `changes` (the `change` of each ticket; None: an incident)."""
    kpis = []
    for clock in CHANGE_CLOCKS:
        of_type = [c for c in changes if c is not None and c.change_type == CLOCK_TYPE[clock]]
        states = [c.clocks[clock].state for c in of_type]
        met = states.count(ClockState.MET)
        decided = met + states.count(ClockState.BREACHED)
        kpis.append(
            ChangeKpi(clock, CLOCK_TYPE[clock], len(of_type), met, decided, len(of_type) - decided)
        )
    return tuple(kpis)


def type_counts(changes: Sequence[ChangeEvaluation | None]) -> dict[str, int]:
    counts = dict.fromkeys(CHANGE_TYPES, 0)
    for change in changes:
        if change is not None:
            counts[change.change_type] += 1
    return counts
