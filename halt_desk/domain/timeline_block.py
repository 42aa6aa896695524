"""A block of §3.3 tickets straight from JSON bytes to timelines, for `sla check`.

`msgspec` decodes the tickets into typed structs in one C call: no dict per ticket and
event, no key strings, a third less time than a generic parse plus `parse_ticket`'s reads.
Only the ordinary shape is taken this way (a string id, a true/false `security` if any,
events that are objects); for anything else `parse_block` answers None and the caller
parses the block the general way, which checks everything and names every problem.
Numbers are never read here, so a number that two JSON parsers read differently (a very
large integer) cannot change an answer: an id that is not a string sends the block back,
and so does any text this decoder refuses (the general parser then judges it).
"""

from __future__ import annotations

from typing import Any, Final

import msgspec

from halt_desk.domain.events import FIRST_RESPONSE_CHANNELS
from halt_desk.domain.timeline import (
    _INSTANTS,
    _PLAIN_TYPES,
    TicketTimeline,
    TimelineEvent,
    _by_ts,
    _event,
    _instant_ts,
    _ticket_priority,
)
from halt_desk.domain.timeline_raw import EVENT_FIELDS, RawEvent, RawTicket, decode

_UNSET: Final = msgspec.UNSET
_new_tuple: Final = tuple.__new__


def decode_block(data: bytes) -> list[RawTicket] | None:
    """The tickets of a JSON list as typed structs; None when the bytes are not such a list
    (or this decoder refuses them: the general parser then judges)."""
    try:
        return decode(data)
    except (msgspec.DecodeError, RecursionError):  # also a ValidationError (not a list of
        return None  # objects, …) and nesting as deep as the general parser's limit


def parse_block(data: bytes) -> list[TicketTimeline] | None:
    """The timelines of a JSON list of tickets, as `parse_ticket` gives them; None when the
    bytes are not such a list or a ticket is not of the ordinary shape (see the module's
    note). Raises InvalidTimeline for a bad moment, priority or event, as `parse_ticket`
    does."""
    tickets = decode_block(data)
    if tickets is None:
        return None
    timelines: list[TicketTimeline] = []
    for raw in tickets:
        timeline = timeline_of(raw)
        if timeline is None:
            return None
        timelines.append(timeline)
    return timelines


def timeline_of(raw: RawTicket) -> TicketTimeline | None:
    """`parse_ticket` of one decoded ticket; None when it is not of the ordinary shape."""
    ticket_id, priority, security = raw.id, raw.priority, raw.security
    if (
        type(ticket_id) is not str
        or not ticket_id
        or (security is not _UNSET and type(security) is not bool)
    ):
        return None
    if type(priority) is str and priority and raw.impact is _UNSET and raw.urgency is _UNSET:
        impact = urgency = None  # a priority alone (most tickets)
    else:
        given = {"priority": priority, "impact": raw.impact, "urgency": raw.urgency}
        report = {key: value for key, value in given.items() if value is not _UNSET}
        priority, impact, urgency = _ticket_priority(report, ticket_id)
    reported = None if raw.reported_at is _UNSET else raw.reported_at
    reported_at, reported_ts = _instant_ts(reported, ticket_id, "reported_at")
    raw_events = raw.events
    events: list[TimelineEvent] = []
    if not isinstance(raw_events, msgspec.UnsetType):
        append, known_instant = events.append, _INSTANTS.get
        for index, item in enumerate(raw_events):
            # `parse_ticket`'s fast path: a plain event (or a first response on a known channel)
            # at a moment seen lately
            event_type, value = item.type, item.at
            if type(event_type) is str and type(value) is str:
                if event_type in _PLAIN_TYPES:
                    channel = None
                elif event_type == "first_response":  # one in nearly every ticket
                    channel = item.channel
                    if type(channel) is not str or channel not in FIRST_RESPONSE_CHANNELS:
                        channel = _UNSET  # `_event` names the problem
                else:
                    channel = _UNSET
                if channel is not _UNSET:
                    known = known_instant(value)
                    if known is None:  # a moment not seen lately (a bad one raises here)
                        known = _instant_ts(value, ticket_id, f"events[{index}].at")
                else:
                    known = None
                if known is not None and known[1] >= reported_ts:
                    at, ts = known
                    fields = (event_type, at, ts, index, channel, None, None, None, None)
                    append(_new_tuple(TimelineEvent, fields))
                    continue
            append(_event(_fields(item), ticket_id, index, reported_ts))
        events.sort(key=_by_ts)
    # every field by position: tuple.__new__ rather than the NamedTuple's constructor
    secure = security is True
    made = (ticket_id, reported_at, priority, impact, urgency, secure, tuple(events), reported_ts)
    return _new_tuple(TicketTimeline, made)


def _fields(item: RawEvent) -> dict[str, Any]:
    """The event as the dict of its given fields (what `_event` reads)."""
    return {name: value for name in EVENT_FIELDS if (value := getattr(item, name)) is not _UNSET}
