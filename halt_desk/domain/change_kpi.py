"""Change tickets and the two change-management KPIs of seed 003 §10.2.

A change is a ticket whose `ticket_reported` has `kind: "change"` and a `change_type`
(standard, minor, major, emergency, project); `change_planned` {date: YYYY-MM-DD} records
the date the change is planned for (again when it is re-planned) and `change_implemented`
{} that it was carried out. Two clocks, read from the same contract calendar and given as
the engine's `ClockResult` (states met / breached / running / not_applicable):

* `change_planning` (KPI 5, standard changes): implemented within planning, i.e. on or
  before the date of the latest plan recorded before the implementation (the deadline is
  the end of that day in the contract's time zone: changes are often carried out in an
  evening window). A standard change implemented without any plan is breached; one not
  yet planned is running without a deadline.
* `change_first_plan` (KPI 6, minor changes): the first plan date is given back within 5
  working days after the report: the clock stops at the first `change_planned`, its
  deadline is the closing of the 5th business day after the day of the report (the same
  day-end rule as the swap's "next_day" targets).

Norms: 95 % per month for both. Major, emergency and project changes are planned "in
overleg": no clock applies to them. Change tickets are not incidents: the incident clocks
and KPIs leave them out (reports/kpi.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from halt_desk.domain.clocks import ClockResult, ClockState
from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import Profile

CHANGE_KIND: Final = "change"
CHANGE_TYPES: Final = ("standard", "minor", "major", "emergency", "project")
CHANGE_EVENT_TYPES: Final = frozenset({"change_planned", "change_implemented"})
#: The clocks of a change, in the order they are reported.
CHANGE_CLOCKS: Final = ("change_planning", "change_first_plan")
#: Which change type each clock measures (§10.2: KPI 5 and KPI 6).
CLOCK_TYPE: Final = {"change_planning": "standard", "change_first_plan": "minor"}
#: The monthly norm of both KPIs, in per cent.
CHANGE_NORM: Final = 95.0
FIRST_PLAN_WORKING_DAYS: Final = 5


def plan_date(value: object) -> date | None:
    """A plan date `YYYY-MM-DD`, or None if `value` is not one."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def is_change(data: Mapping[str, Any]) -> bool:
    """Whether the data of a `ticket_reported` (or an export ticket) is of a change."""
    return data.get("kind") == CHANGE_KIND


# ---------------------------------------------------------------------------- rules
def check_change_report(event: Event) -> None:
    """A `ticket_reported` with a `kind`: "incident" (the default) or "change" with a
    known `change_type`. Raises InvalidEvent naming the field."""
    data = event.data
    kind = data.get("kind")
    if kind is None or kind == "incident":
        if "change_type" in data:
            raise InvalidEvent(event.id, "data.change_type", "only a change has a change type")
        return
    if kind != CHANGE_KIND:
        raise InvalidEvent(event.id, "data.kind", f"{kind!r} is not incident or change")
    change_type = data.get("change_type")
    if change_type not in CHANGE_TYPES:
        known = ", ".join(CHANGE_TYPES)
        raise InvalidEvent(event.id, "data.change_type", f"{change_type!r} is not one of {known}")


def check_change_event(event: Event, history: Iterable[Event]) -> None:
    """`change_planned` and `change_implemented` only on a change ticket, a plan only with a
    date and before the implementation, one implementation. Raises InvalidEvent."""
    if event.type not in CHANGE_EVENT_TYPES:
        return
    events = list(history)
    report = next((e for e in events if e.type == "ticket_reported"), None)
    if report is None or not is_change(report.data):
        raise InvalidEvent(event.id, "type", f"{event.type} is only for a change ticket")
    if any(e.type == "change_implemented" for e in events):
        raise InvalidEvent(event.id, "type", "the change was implemented already")
    if event.type == "change_planned" and plan_date(event.data.get("date")) is None:
        raise InvalidEvent(event.id, "data.date", "expected a date YYYY-MM-DD")


# ---------------------------------------------------------------------------- clocks
@dataclass(frozen=True, slots=True)
class ChangeEvaluation:
    """One change at the evaluation moment."""

    change_type: str
    planned: date | None  # the latest plan date (before the implementation)
    first_planned_at: datetime | None
    implemented_at: datetime | None
    plans: int
    clocks: Mapping[str, ClockResult]


_NA: Final = {name: ClockResult(name, ClockState.NOT_APPLICABLE) for name in CHANGE_CLOCKS}


def evaluate_change(
    profile: Profile,
    change_type: str,
    reported_at: datetime,
    events: Iterable[tuple[str, datetime, Mapping[str, Any]]],
    now: datetime,
) -> ChangeEvaluation:
    """The change clocks of one change ticket at `now`; `events` are (type, at, data) of
    the ticket after its report, in any order (only those at or before `now` count)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    plans: list[tuple[datetime, date]] = []
    implemented: datetime | None = None
    for event_type, at, data in sorted(events, key=lambda item: item[1]):
        if at > now:
            continue
        if event_type == "change_planned" and implemented is None:
            day = plan_date(data.get("date"))
            if day is not None:
                plans.append((at, day))
        elif event_type == "change_implemented" and implemented is None:
            implemented = at
    first_at = plans[0][0] if plans else None
    planned = plans[-1][1] if plans else None
    clocks = dict(_NA)
    tz = profile.calendar.tz
    if change_type == CLOCK_TYPE["change_planning"]:
        due = None
        if planned is not None:
            due = datetime.combine(planned + timedelta(days=1), time(), tz)
        clocks["change_planning"] = _result("change_planning", due, implemented, now, tz)
    elif change_type == CLOCK_TYPE["change_first_plan"]:
        cal = profile.calendar
        day_index = cal.day_index(cal.ordinal(reported_at.timestamp()))
        due_ts = cal.instant_ts(cal.day_end_ordinal(day_index + FIRST_PLAN_WORKING_DAYS))
        due = datetime.fromtimestamp(due_ts, tz)
        clocks["change_first_plan"] = _result("change_first_plan", due, first_at, now, tz)
    return ChangeEvaluation(change_type, planned, first_at, implemented, len(plans), clocks)


def _result(
    name: str, due: datetime | None, stopped: datetime | None, now: datetime, tz: Any
) -> ClockResult:
    """Met when stopped at or before `due`; breached when stopped later, stopped without a
    deadline, or `due` passed while still open; running otherwise (compared in wall time,
    like the engine)."""
    if stopped is not None:
        met = due is not None and stopped <= due
        state = ClockState.MET if met else ClockState.BREACHED
        return ClockResult(name, state, due, stopped.astimezone(tz))
    if due is not None and now > due:
        return ClockResult(name, ClockState.BREACHED, due)
    return ClockResult(name, ClockState.RUNNING, due)


def change_type_of(events: Iterable[Event]) -> str | None:
    """The change type of a ticket from its events (None: an incident)."""
    for event in events:
        if event.type == "ticket_reported":
            return str(event.data.get("change_type")) if is_change(event.data) else None
    return None


def evaluate_change_events(
    profile: Profile, events: Iterable[Event], now: datetime
) -> ChangeEvaluation | None:
    """The change clocks of a ticket from its stored events (None: an incident), for the
    desk's ticket window and list, with the rules the report applies."""
    items = list(events)
    reports = [e for e in items if e.type == "ticket_reported"]
    # The earliest report, as the timeline and the export take it.
    report = min(reports, key=lambda e: e.at) if reports else None
    if report is None or not is_change(report.data):
        return None
    change_type = str(report.data.get("change_type"))
    steps = [(e.type, e.at, e.data) for e in items if e.type in CHANGE_EVENT_TYPES]
    return evaluate_change(profile, change_type, report.at, steps, max(now, report.at))


def change_next_due(change: ChangeEvaluation) -> datetime | None:
    """The deadline of a change clock that has not stopped (running, or breached while still
    open), as `TicketEvaluation.next_due` gives it for an incident's clocks."""
    dues = [
        c.due
        for c in change.clocks.values()
        if c.due is not None
        and c.met_at is None
        and c.state in (ClockState.RUNNING, ClockState.BREACHED)
    ]
    return min(dues) if dues else None
