"""Ticket timelines: the input of the SLA engine, from §3.3 JSON or from stored events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from operator import attrgetter
from typing import Any, NamedTuple

from halt_desk.domain.errors import InvalidTimeline
from halt_desk.domain.events import (
    FIRST_RESPONSE_CHANNELS,
    TICKET_EVENT_TYPES,
    Event,
    parse_instant,
)


class TimelineEvent(NamedTuple):
    """One event of a ticket as the clocks see it; `position` is its place in the input.

    A NamedTuple rather than a frozen dataclass: it is built once per event on the hot
    path of `sla check`, and a tuple is several times cheaper to construct.
    """

    type: str
    at: datetime
    ts: float
    position: int
    channel: str | None = None
    priority: str | None = None
    impact: str | None = None
    urgency: str | None = None
    granted: bool | None = None

    @property
    def field(self) -> str:
        """How error messages name this event."""
        return f"events[{self.position}]"


class TicketTimeline(NamedTuple):
    """A reported ticket and its events in time order (ties keep their given order).

    A NamedTuple, like `TimelineEvent`: `sla check` makes one per ticket, and a tuple is
    made several times faster than a frozen dataclass.
    """

    id: str
    reported_at: datetime
    priority: str | None
    impact: str | None
    urgency: str | None
    security: bool
    events: tuple[TimelineEvent, ...]
    #: `reported_at` as a UTC epoch, the engine's unit
    reported_ts: float


@dataclass(frozen=True, slots=True)
class TimelineDocument:
    """A parsed §3.3 input document."""

    profile: str | None
    now: datetime | None
    tickets: tuple[TicketTimeline, ...]


#: Event types whose only clock-relevant facts are their type and moment.
_PLAIN_TYPES: frozenset[str] = TICKET_EVENT_TYPES - {
    "first_response",
    "priority_changed",
    "uplift_decided",
}
_new_tuple = tuple.__new__
_by_ts = attrgetter("ts")


def _text(raw: Mapping[str, Any], key: str, ticket: str | None, where: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InvalidTimeline(ticket, where, f"expected a non-empty string, got {value!r}")
    return value


def _instant(value: object, ticket: str | None, where: str) -> datetime:
    """Fast path of `parse_instant` for the engine's input, with the ticket in the message."""
    try:
        parsed = datetime.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        try:
            return parse_instant(value, where)
        except ValueError as exc:
            raise InvalidTimeline(ticket, where, str(exc).split(": ", 1)[1]) from None
    if parsed.tzinfo is None:  # fromisoformat gives a fixed offset whenever one is written
        raise InvalidTimeline(ticket, where, f"{value!r} has no UTC offset")
    return parsed


#: ISO text → (instant, UTC epoch) of the moments parsed lately. Timelines repeat their
#: moments (a ticket's events, tickets of one busy minute), and a look-up costs a twentieth
#: of parsing the text and asking its `timestamp()`; cleared whenever it is full.
_INSTANTS: dict[str, tuple[datetime, float]] = {}
_INSTANTS_MAX = 1 << 17


def _instant_ts(value: object, ticket: str | None, where: str) -> tuple[datetime, float]:
    """`_instant(value)` and its UTC epoch, from `_INSTANTS` when it was seen lately."""
    if type(value) is str:
        known = _INSTANTS.get(value)
        if known is not None:
            return known
    at = _instant(value, ticket, where)
    known = (at, at.timestamp())
    if type(value) is str:
        if len(_INSTANTS) >= _INSTANTS_MAX:
            _INSTANTS.clear()
        _INSTANTS[value] = known
    return known


def _event(raw: object, ticket: str, index: int, reported_ts: float) -> TimelineEvent:
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise InvalidTimeline(ticket, f"events[{index}]", "expected a JSON object")
    event_type = raw.get("type")
    if type(event_type) is not str or event_type not in TICKET_EVENT_TYPES:
        problem = f"unknown event type {event_type!r}"
        raise InvalidTimeline(ticket, f"events[{index}].type", problem)
    value = raw.get("at")
    # `_instant_ts` inline, its look-up first: this runs for every event of every ticket
    known = _INSTANTS.get(value) if type(value) is str else None
    if known is None:
        known = _instant_ts(value, ticket, f"events[{index}].at")
    at, ts = known
    if ts >= reported_ts and event_type in _PLAIN_TYPES:
        # Most events carry no field a clock reads: the tuple directly rather than through
        # the NamedTuple's Python-level constructor.
        return _new_tuple(TimelineEvent, (event_type, at, ts, index, None, None, None, None, None))
    return _checked_event(event_type, at, ts, raw, ticket, index, reported_ts)


def _checked_event(
    event_type: str,
    at: datetime,
    ts: float,
    raw: Mapping[str, Any],
    ticket: str,
    index: int,
    reported_ts: float,
) -> TimelineEvent:
    """The clock's view of one event of a known type at an aware `at` (UTC epoch `ts`);
    `raw` holds its fields."""
    if event_type in _PLAIN_TYPES and ts >= reported_ts:
        return _new_tuple(TimelineEvent, (event_type, at, ts, index, None, None, None, None, None))
    if ts < reported_ts:
        problem = f"{event_type} at {at.isoformat()} is before reported_at"
        raise InvalidTimeline(ticket, f"events[{index}].at", problem)
    # Only the fields a clock reads are checked; `data` may carry more (DESIGN §3.4).
    if event_type == "first_response":
        channel = raw.get("channel")
        if channel not in FIRST_RESPONSE_CHANNELS:
            allowed = ", ".join(sorted(FIRST_RESPONSE_CHANNELS))
            raise InvalidTimeline(
                ticket, f"events[{index}].channel", f"{channel!r} is not one of {allowed}"
            )
        return TimelineEvent(event_type, at, ts, index, channel)
    if event_type == "priority_changed":
        where = f"events[{index}]"
        priority = _text(raw, "priority", ticket, f"{where}.priority")
        impact = _text(raw, "impact", ticket, f"{where}.impact")
        urgency = _text(raw, "urgency", ticket, f"{where}.urgency")
        if priority is None and (impact is None or urgency is None):
            raise InvalidTimeline(
                ticket, f"{where}.priority", "missing (give priority, or impact and urgency)"
            )
        return TimelineEvent(event_type, at, ts, index, None, priority, impact, urgency)
    if event_type == "uplift_decided":
        granted = raw.get("granted")
        if not isinstance(granted, bool):
            raise InvalidTimeline(ticket, f"events[{index}].granted", "must be true or false")
        return TimelineEvent(event_type, at, ts, index, granted=granted)
    return TimelineEvent(event_type, at, ts, index)


def parse_ticket(raw: object, where: str) -> TicketTimeline:
    """One ticket of a §3.3 document; raises InvalidTimeline naming the ticket and field."""
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise InvalidTimeline(None, where, "expected a JSON object")
    ticket_id = raw.get("id")
    if type(ticket_id) is not str:
        ticket_id = _raw_id(raw)
    if not ticket_id:
        raise InvalidTimeline(None, f"{where}.id", "missing or not a string")
    reported_at, reported_ts = _instant_ts(raw.get("reported_at"), ticket_id, "reported_at")
    priority = raw.get("priority")
    if type(priority) is str and priority and "impact" not in raw and "urgency" not in raw:
        impact = urgency = None  # `_ticket_priority` of a ticket that gives only a priority
    else:
        priority, impact, urgency = _ticket_priority(raw, ticket_id)
    security = raw.get("security", False)
    if not isinstance(security, bool):
        raise InvalidTimeline(ticket_id, "security", "must be true or false")
    raw_events = raw.get("events", [])
    if not isinstance(raw_events, list):
        raise InvalidTimeline(ticket_id, "events", "expected a list")
    events: list[TimelineEvent] = []
    append, known_instant = events.append, _INSTANTS.get
    for index, item in enumerate(raw_events):
        # `_event`'s fast path inline (a plain event at a moment seen lately: most events);
        # anything else goes through `_event`, which checks it and names what is wrong
        if type(item) is dict:
            event_type, value = item.get("type"), item.get("at")
            if type(event_type) is str and event_type in _PLAIN_TYPES and type(value) is str:
                known = known_instant(value)
                if known is not None and known[1] >= reported_ts:
                    fields = (event_type, known[0], known[1], index, None, None, None, None, None)
                    append(_new_tuple(TimelineEvent, fields))
                    continue
        append(_event(item, ticket_id, index, reported_ts))
    events.sort(key=_by_ts)
    return TicketTimeline(
        id=ticket_id,
        reported_at=reported_at,
        priority=priority,
        impact=impact,
        urgency=urgency,
        security=security,
        events=tuple(events),
        reported_ts=reported_ts,
    )


def _ticket_priority(
    raw: Mapping[str, Any], ticket_id: str
) -> tuple[str | None, str | None, str | None]:
    """Priority, impact and urgency of a report: a priority, or impact and urgency."""
    priority = _text(raw, "priority", ticket_id, "priority")
    impact = _text(raw, "impact", ticket_id, "impact")
    urgency = _text(raw, "urgency", ticket_id, "urgency")
    if priority is None and (impact is None or urgency is None):
        raise InvalidTimeline(
            ticket_id, "priority", "missing (give priority, or impact and urgency)"
        )
    return priority, impact, urgency


@dataclass(frozen=True, slots=True)
class DocumentHeader:
    """A §3.3 document checked down to its ticket list; tickets are parsed one by one."""

    profile: str | None
    now: datetime | None
    tickets: Sequence[object]


def _raw_id(item: object) -> str | None:
    ticket_id = item.get("id") if isinstance(item, Mapping) else None
    if isinstance(ticket_id, int) and not isinstance(ticket_id, bool):
        return str(ticket_id)
    return ticket_id if isinstance(ticket_id, str) else None


def parse_header(raw: object) -> DocumentHeader:
    """Profile, `now` and the ticket list of a §3.3 document; ticket ids must be unique."""
    if not isinstance(raw, Mapping):
        raise InvalidTimeline(None, "document", "expected a JSON object with 'tickets'")
    profile = raw.get("profile")
    if profile is not None and not isinstance(profile, str):
        raise InvalidTimeline(None, "profile", "expected a profile name")
    now = None if raw.get("now") is None else _instant(raw.get("now"), None, "now")
    raw_tickets = raw.get("tickets")
    if not isinstance(raw_tickets, list):
        raise InvalidTimeline(None, "tickets", "missing or not a list")
    seen: set[str] = set()
    for item in raw_tickets:
        ticket_id = _raw_id(item)
        if ticket_id is None:
            continue  # parse_ticket names the problem with its position
        if ticket_id in seen:
            raise InvalidTimeline(ticket_id, "id", "appears more than once")
        seen.add(ticket_id)
    return DocumentHeader(profile=profile, now=now, tickets=raw_tickets)


def parse_document(raw: object) -> TimelineDocument:
    """The whole §3.3 input, every ticket parsed."""
    header = parse_header(raw)
    tickets = tuple(parse_ticket(item, f"tickets[{i}]") for i, item in enumerate(header.tickets))
    return TimelineDocument(profile=header.profile, now=header.now, tickets=tickets)


def timeline_from_events(ticket_id: str, events: Sequence[Event]) -> TicketTimeline:
    """The timeline of a stored ticket: its `ticket_reported` plus every later event.

    The same timeline, and the same errors, as `parse_ticket` gives for the §3.3 document
    of these events (report fields from the report's data; each later event's data with
    its type and `at`), built without writing that document out and parsing it back: a
    pull folds thousands of tickets.
    """
    reported = [e for e in events if e.type == "ticket_reported"]
    if not reported:
        raise InvalidTimeline(ticket_id, "ticket_reported", "the ticket has no report event")
    report = min(reported, key=lambda e: e.at)
    if not ticket_id:
        raise InvalidTimeline(None, f"ticket:{ticket_id}.id", "missing or not a string")
    reported_at = _stored_instant(report.at, ticket_id, "reported_at")
    data = report.data
    priority, impact, urgency = _ticket_priority(data, ticket_id)
    reported_ts = reported_at.timestamp()
    timeline_events: list[TimelineEvent] = []
    index = 0
    for event in events:
        event_type = event.type
        if event is report or event_type == "ticket_reported":
            continue
        if type(event_type) is not str or event_type not in TICKET_EVENT_TYPES:
            problem = f"unknown event type {event_type!r}"
            raise InvalidTimeline(ticket_id, f"events[{index}].type", problem)
        at = _stored_instant(event.at, ticket_id, f"events[{index}].at")
        timeline_events.append(
            _checked_event(
                event_type, at, at.timestamp(), event.data, ticket_id, index, reported_ts
            )
        )
        index += 1
    timeline_events.sort(key=_by_ts)
    return TicketTimeline(
        id=ticket_id,
        reported_at=reported_at,
        priority=priority,
        impact=impact,
        urgency=urgency,
        security=bool(data.get("security", False)),
        events=tuple(timeline_events),
        reported_ts=reported_ts,
    )


def _stored_instant(at: datetime, ticket: str, where: str) -> datetime:
    """`at` as `datetime.fromisoformat(at.isoformat())` gives it: a fixed UTC offset."""
    if type(at.tzinfo) is timezone:
        return at
    return _instant(at.isoformat(), ticket, where)
