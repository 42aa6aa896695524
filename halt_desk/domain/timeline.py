"""Ticket timelines: the input of the SLA engine, from §3.3 JSON or from stored events."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from halt_desk.domain.errors import InvalidTimeline
from halt_desk.domain.events import (
    FIRST_RESPONSE_CHANNELS,
    TICKET_EVENT_TYPES,
    Event,
    parse_instant,
)


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One event of a ticket as the clocks see it. `field` names it in error messages."""

    type: str
    at: datetime
    ts: float
    field: str
    channel: str | None = None
    priority: str | None = None
    impact: str | None = None
    urgency: str | None = None
    granted: bool | None = None


@dataclass(frozen=True, slots=True)
class TicketTimeline:
    """A reported ticket and its events in time order (ties keep their given order)."""

    id: str
    reported_at: datetime
    priority: str | None
    impact: str | None
    urgency: str | None
    security: bool
    events: tuple[TimelineEvent, ...]


@dataclass(frozen=True, slots=True)
class TimelineDocument:
    """A parsed §3.3 input document."""

    profile: str | None
    now: datetime | None
    tickets: tuple[TicketTimeline, ...]


def _text(raw: Mapping[str, Any], key: str, ticket: str | None, where: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InvalidTimeline(ticket, where, f"expected a non-empty string, got {value!r}")
    return value


def _event(raw: object, ticket: str, where: str, reported_ts: float) -> TimelineEvent:
    if not isinstance(raw, Mapping):
        raise InvalidTimeline(ticket, where, "expected a JSON object")
    event_type = raw.get("type")
    if not isinstance(event_type, str) or event_type not in TICKET_EVENT_TYPES:
        raise InvalidTimeline(ticket, f"{where}.type", f"unknown event type {event_type!r}")
    try:
        at = parse_instant(raw.get("at"), f"{where}.at")
    except ValueError as exc:
        raise InvalidTimeline(ticket, f"{where}.at", str(exc).split(": ", 1)[1]) from None
    ts = at.timestamp()
    if ts < reported_ts:
        problem = f"{event_type} at {at.isoformat()} is before reported_at"
        raise InvalidTimeline(ticket, f"{where}.at", problem)
    channel = _text(raw, "channel", ticket, f"{where}.channel")
    if event_type == "first_response" and channel not in FIRST_RESPONSE_CHANNELS:
        raise InvalidTimeline(
            ticket,
            f"{where}.channel",
            f"{channel!r} is not one of {', '.join(sorted(FIRST_RESPONSE_CHANNELS))}",
        )
    priority = _text(raw, "priority", ticket, f"{where}.priority")
    impact = _text(raw, "impact", ticket, f"{where}.impact")
    urgency = _text(raw, "urgency", ticket, f"{where}.urgency")
    if (
        event_type == "priority_changed"
        and priority is None
        and (impact is None or urgency is None)
    ):
        raise InvalidTimeline(
            ticket, f"{where}.priority", "missing (give priority, or impact and urgency)"
        )
    granted: bool | None = None
    if event_type == "uplift_decided":
        value = raw.get("granted")
        if not isinstance(value, bool):
            raise InvalidTimeline(ticket, f"{where}.granted", "must be true or false")
        granted = value
    return TimelineEvent(
        type=event_type,
        at=at,
        ts=ts,
        field=where,
        channel=channel,
        priority=priority,
        impact=impact,
        urgency=urgency,
        granted=granted,
    )


def parse_ticket(raw: object, where: str) -> TicketTimeline:
    """One ticket of a §3.3 document; raises InvalidTimeline naming the ticket and field."""
    if not isinstance(raw, Mapping):
        raise InvalidTimeline(None, where, "expected a JSON object")
    ticket_id = raw.get("id")
    if isinstance(ticket_id, int) and not isinstance(ticket_id, bool):
        ticket_id = str(ticket_id)
    if not isinstance(ticket_id, str) or not ticket_id:
        raise InvalidTimeline(None, f"{where}.id", "missing or not a string")
    try:
        reported_at = parse_instant(raw.get("reported_at"), "reported_at")
    except ValueError as exc:
        raise InvalidTimeline(ticket_id, "reported_at", str(exc).split(": ", 1)[1]) from None
    priority = _text(raw, "priority", ticket_id, "priority")
    impact = _text(raw, "impact", ticket_id, "impact")
    urgency = _text(raw, "urgency", ticket_id, "urgency")
    if priority is None and (impact is None or urgency is None):
        raise InvalidTimeline(
            ticket_id, "priority", "missing (give priority, or impact and urgency)"
        )
    security = raw.get("security", False)
    if not isinstance(security, bool):
        raise InvalidTimeline(ticket_id, "security", "must be true or false")
    raw_events = raw.get("events", [])
    if not isinstance(raw_events, list):
        raise InvalidTimeline(ticket_id, "events", "expected a list")
    reported_ts = reported_at.timestamp()
    events = [
        _event(item, ticket_id, f"events[{index}]", reported_ts)
        for index, item in enumerate(raw_events)
    ]
    events.sort(key=lambda e: e.ts)
    return TicketTimeline(
        id=ticket_id,
        reported_at=reported_at,
        priority=priority,
        impact=impact,
        urgency=urgency,
        security=security,
        events=tuple(events),
    )


def parse_document(raw: object) -> TimelineDocument:
    """The whole §3.3 input; every ticket is checked before anything is evaluated."""
    if not isinstance(raw, Mapping):
        raise InvalidTimeline(None, "document", "expected a JSON object with 'tickets'")
    profile = raw.get("profile")
    if profile is not None and not isinstance(profile, str):
        raise InvalidTimeline(None, "profile", "expected a profile name")
    now: datetime | None = None
    if raw.get("now") is not None:
        try:
            now = parse_instant(raw.get("now"), "now")
        except ValueError as exc:
            raise InvalidTimeline(None, "now", str(exc).split(": ", 1)[1]) from None
    raw_tickets = raw.get("tickets")
    if not isinstance(raw_tickets, list):
        raise InvalidTimeline(None, "tickets", "missing or not a list")
    tickets = [parse_ticket(item, f"tickets[{i}]") for i, item in enumerate(raw_tickets)]
    seen: set[str] = set()
    for ticket in tickets:
        if ticket.id in seen:
            raise InvalidTimeline(ticket.id, "id", "appears more than once")
        seen.add(ticket.id)
    return TimelineDocument(profile=profile, now=now, tickets=tuple(tickets))


def timeline_from_events(ticket_id: str, events: Sequence[Event]) -> TicketTimeline:
    """The timeline of a stored ticket: its `ticket_reported` plus every later event."""
    reported = [e for e in events if e.type == "ticket_reported"]
    if not reported:
        raise InvalidTimeline(ticket_id, "ticket_reported", "the ticket has no report event")
    report = min(reported, key=lambda e: e.at)
    data = report.data
    raw: dict[str, Any] = {
        "id": ticket_id,
        "reported_at": report.at.isoformat(),
        "priority": data.get("priority"),
        "impact": data.get("impact"),
        "urgency": data.get("urgency"),
        "security": bool(data.get("security", False)),
        "events": [
            {**dict(e.data), "type": e.type, "at": e.at.isoformat()}
            for e in events
            if e is not report and e.type != "ticket_reported"
        ],
    }
    return parse_ticket(raw, f"ticket:{ticket_id}")
