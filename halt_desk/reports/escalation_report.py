"""Escalations in the reports (issue 23, seed 003 §2.4.3 C): the escalation streams of an
organisation carried in an export, folded back by `domain.escalations`, and the figures the
scorecard shows of them.

In an export: `"escalations": [{"id": "ESC-…", "events": [{"type", "at", "actor", …data}]}]`
— every escalation stream of the organisation with its events up to the export's `now`
(suggestions that were never registered included; the reader leaves them out).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.escalations import LEVELS, Action, EscalationState, fold_escalation
from halt_desk.domain.events import Event, parse_instant
from halt_desk.reports.errors import InvalidExport
from halt_desk.reports.month import Month
from halt_desk.reports.sources import EventSource, EventsSource, StoreSource

_PREFIX = "escalation:"
#: Statuses of a corrective action that is still to be done.
OPEN_ACTION_STATUSES = ("open", "in_progress")


# ---------------------------------------------------------------------------- export
def _streams(source: EventSource) -> Mapping[str, Sequence[Event]]:
    if isinstance(source, EventsSource):
        return {s: e for s, e in source._streams.items() if s.startswith(_PREFIX)}
    if isinstance(source, StoreSource):
        store = source._store
        return dict(store.events_for_streams(store.streams_of_kind("escalation")))
    return {}


def escalation_documents(source: EventSource, org: str, now: datetime) -> list[dict[str, Any]]:
    """The escalation streams of `org` up to `now`, as export documents (by id)."""
    found = []
    for stream, events in sorted(_streams(source).items()):
        upto = [e for e in events if e.at <= now]
        try:
            state = fold_escalation(upto)
        except HaltDeskError:  # a stream the store or central accepted always folds
            continue
        if state is None or state.org != org:
            continue
        found.append(
            {
                "id": stream[len(_PREFIX) :],
                "events": [
                    {**e.data, "type": e.type, "at": e.at.isoformat(), "actor": e.actor}
                    for e in upto
                ],
            }
        )
    return found


def read_escalations(raw: Any, source: str) -> tuple[EscalationState, ...]:
    """The registered escalations of an export's `escalations` (absent: none)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InvalidExport(source, "escalations", "expected a list")
    states = []
    for index, item in enumerate(raw):
        where = f"escalations[{index}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            raise InvalidExport(source, where, "expected an object with an id")
        stream = f"{_PREFIX}{item['id']}"
        events = []
        try:
            for number, event in enumerate(item.get("events") or ()):
                data = {k: v for k, v in event.items() if k not in ("type", "at", "actor")}
                at = parse_instant(event.get("at"), f"{where}.events[{number}].at")
                kind, actor = str(event.get("type")), str(event.get("actor") or "")
                events.append(Event(f"{stream}#{number}", stream, kind, at, actor, data))
            state = fold_escalation(events)
        except (HaltDeskError, ValueError, AttributeError) as exc:
            raise InvalidExport(source, where, str(exc)) from None
        if state is not None and state.registered_at is not None:
            states.append(state)
    return tuple(sorted(states, key=lambda s: (s.registered_at, s.id)))


# ---------------------------------------------------------------------------- figures
@dataclass(frozen=True, slots=True)
class OpenAction:
    """A corrective action still to be done: improvement potential."""

    escalation: str
    action: Action

    def overdue(self, today: date) -> bool:
        return self.action.due < today


def in_period(state: EscalationState, start: datetime, end: datetime) -> bool:
    """Registered before `end` and not closed before `start`: it ran in [start, end)."""
    registered = state.registered_at
    return (
        registered is not None
        and registered < end
        and (state.closed_at is None or state.closed_at >= start)
    )


def per_level(states: Sequence[EscalationState]) -> dict[str, int]:
    counts = dict.fromkeys(LEVELS, 0)
    for state in states:
        if state.level in counts:
            counts[state.level] += 1
    return counts


def open_actions(states: Sequence[EscalationState]) -> tuple[OpenAction, ...]:
    """Every action still open or in progress, by due date."""
    found = [
        OpenAction(state.id, action)
        for state in states
        for action in state.actions.values()
        if action.status in OPEN_ACTION_STATUSES
    ]
    return tuple(sorted(found, key=lambda a: (a.action.due, a.escalation, a.action.action)))


def level_at(state: EscalationState, moment: datetime) -> str | None:
    """The level the escalation had at `moment` (None before its registration)."""
    level = None
    for at, value, _ in state.levels:
        if at <= moment:
            level = value
    return level


@dataclass(frozen=True, slots=True)
class TrendMonth:
    """Escalations of one month: registered and closed in it, open at its end."""

    month: Month
    registered: int
    closed: int
    open_at_end: int


@dataclass(frozen=True, slots=True)
class MonthOverview:
    """The SLR's escalation overview of one month (seed 003 §2.4.3 C)."""

    #: Escalations that ran in the month, by registration.
    ran: tuple[EscalationState, ...]
    #: Per level (the level at the month's end, or at `now`): still open / closed in it.
    open_per_level: Mapping[str, int]
    closed_per_level: Mapping[str, int]
    trend: tuple[TrendMonth, ...]
    #: Every corrective action of the escalations that ran in the month, by due date.
    actions: tuple[tuple[str, Action], ...]


def month_overview(
    states: Sequence[EscalationState], month: Month, tz: tzinfo, now: datetime, months: int = 6
) -> MonthOverview:
    """The overview of `month` with a trend over `months` months ending with it."""
    start, end = month.start(tz), month.end(tz)
    moment = min(end, now)
    ran = tuple(s for s in states if in_period(s, start, moment))
    open_per_level, closed_per_level = dict.fromkeys(LEVELS, 0), dict.fromkeys(LEVELS, 0)
    for state in ran:
        closed = state.closed_at is not None and state.closed_at < moment
        level = level_at(state, state.closed_at if closed and state.closed_at else moment)
        if level in LEVELS:
            (closed_per_level if closed else open_per_level)[level] += 1
    trend = []
    for back in range(months - 1, -1, -1):
        m = month.shifted(-back)
        m_start, m_end = m.start(tz), min(m.end(tz), now)
        trend.append(
            TrendMonth(
                month=m,
                registered=sum(
                    1 for s in states if s.registered_at and m_start <= s.registered_at < m_end
                ),
                closed=sum(1 for s in states if s.closed_at and m_start <= s.closed_at < m_end),
                open_at_end=sum(
                    1
                    for s in states
                    if s.registered_at
                    and s.registered_at < m_end
                    and (s.closed_at is None or s.closed_at >= m_end)
                ),
            )
        )
    actions = sorted(
        ((s.id, a) for s in ran for a in s.actions.values()),
        key=lambda item: (item[1].due, item[0], item[1].action),
    )
    return MonthOverview(ran, open_per_level, closed_per_level, tuple(trend), tuple(actions))
