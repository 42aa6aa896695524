"""The event: the one unit of change (DESIGN §3.2), its streams and vocabulary (§3.4)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from halt_desk.domain.errors import InvalidEvent

#: Event types of a ticket stream `ticket:<id>`. The clock types are those of DESIGN §3.3.
CLOCK_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "first_response",
        "status_update",
        "priority_changed",
        "waiting_on_user",
        "resumed",
        "onsite_requested",
        "onsite_arrival",
        "workaround",
        "swap_requested",
        "swap_delivered",
        "emergency_workplace",
        "productive_again",
        "resolved",
        # {reason}: a resolved ticket opens again; the clocks `resolved` stopped resume
        # (the time in between counts as a pause, see clocks.py)
        "reopened",
    }
)
TICKET_EVENT_TYPES: frozenset[str] = CLOCK_EVENT_TYPES | {
    "ticket_reported",
    "uplift_decided",
    "assigned",
    # An edit after intake: {changes: {field: new value}, reason, previous: {field: old}}.
    "ticket_updated",
    "comment",
    "csat_recorded",
    "closed",
    # A person's choice on a sync conflict (two concurrent edits of one field).
    "conflict_resolved",
}
#: The delivery state of a mail about the ticket, recorded by central alone (issue 20):
#: {kind, to, message_id, reason}.
MAIL_EVENT_TYPES: frozenset[str] = frozenset({"mail_queued", "mail_sent", "mail_failed"})
#: {message_id, kind, to}: a person asks central to send a mail of the ticket again (a copy
#: with a Message-ID of its own); recorded in the desk like any action, offline too.
MAIL_RESEND = "mail_resend_requested"
TICKET_EVENT_TYPES = TICKET_EVENT_TYPES | MAIL_EVENT_TYPES | {MAIL_RESEND}
DEVICE_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "device_registered",
        "readiness_checked",
        "device_reserved",
        "device_released",
        "device_shipped",
        "device_issued_onsite",
        "device_delivered",
        "device_return_shipped",
        "device_received",
        "device_sanitised",
        "device_returned_to_lessor",
        "device_retired",
        # The employee's own (broken) device, taken back in a swap (DESIGN §2.6).
        "device_taken_back",
        "device_diagnosed",
        "device_repaired",
        "device_returned_to_owner",
    }
)
#: Reference data travels as events too, one stream per record.
REFERENCE_EVENT_TYPES: dict[str, frozenset[str]] = {
    "org": frozenset({"organisation_registered", "organisation_updated"}),
    "employee": frozenset({"employee_registered", "employee_updated"}),
    "location": frozenset({"location_registered", "location_updated"}),
    "depot": frozenset({"depot_registered", "depot_updated"}),
    # The provider's people and customers' regie users by their user name (the `actor` of
    # their events): {name (display name), role, email, org (a bound user's organisation)}.
    "staff": frozenset({"staff_registered", "staff_updated"}),
    # A contract profile published by an admin: data {"toml": the profile's TOML text}.
    "profile": frozenset({"profile_registered", "profile_updated"}),
}
#: A loaner swap `swap:<swap id>` (DESIGN §2.6): its plan (ticket, mode, depot, home
#: address), the courier status of each leg, and its closing. The loaner's own moves stay on
#: its device stream; the clocks stay on the ticket.
SWAP_EVENT_TYPES: frozenset[str] = frozenset(
    {"swap_opened", "swap_updated", "shipment_status", "swap_closed"}
)
#: Buffer stock of one depot `stock:<depot id>`: a recorded mitigation of a shortage.
STOCK_EVENT_TYPES: frozenset[str] = frozenset({"stock_mitigation"})
#: The escalation register of an organisation, stream `escalation:<id>` (issue 23, seed 003
#: §2.4.3): registration, level, informing, the formal request, meetings, the action list,
#: weekly updates and the closing evaluation; suggestions by the triggers and their dismissal.
#: Fields and rules: `domain.escalations`.
ESCALATION_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "escalation_registered",
        "escalation_level_changed",
        "escalation_informed",
        "escalation_request_sent",
        "escalation_meeting_held",
        "escalation_action_added",
        "escalation_action_updated",
        "escalation_update",
        "escalation_closed",
        "escalation_suggested",
        "escalation_suggestion_dismissed",
    }
)
STREAM_EVENT_TYPES: dict[str, frozenset[str]] = {
    "ticket": TICKET_EVENT_TYPES,
    "device": DEVICE_EVENT_TYPES,
    "swap": SWAP_EVENT_TYPES,
    "stock": STOCK_EVENT_TYPES,
    "escalation": ESCALATION_EVENT_TYPES,
    **REFERENCE_EVENT_TYPES,
}
FIRST_RESPONSE_CHANNELS: frozenset[str] = frozenset({"phone", "email", "portal", "onsite"})
#: The form `uuid.uuid4()` writes; any other spelling `uuid.UUID` accepts is checked by it.
_CANONICAL_UUID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z"
).match


def parse_instant(value: object, field_name: str) -> datetime:
    """An ISO-8601 time with UTC offset; raises ValueError naming `field_name` otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"{field_name}: expected an ISO-8601 time with UTC offset, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{field_name}: {value!r} is not an ISO-8601 time") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"{field_name}: {value!r} has no UTC offset")
    return parsed


def split_stream(stream: str) -> tuple[str, str]:
    """`ticket:T1` → (`ticket`, `T1`); raises ValueError for an unknown kind or empty key."""
    kind, sep, key = stream.partition(":")
    if not sep or not key or kind not in STREAM_EVENT_TYPES:
        known = ", ".join(f"{k}:<id>" for k in STREAM_EVENT_TYPES)
        raise ValueError(f"stream {stream!r} is not one of {known}")
    return kind, key


@dataclass(frozen=True, slots=True)
class Event:
    """One recorded action. `at` is the time the user saw; `data` holds the type's fields."""

    id: str
    stream: str
    type: str
    at: datetime
    actor: str
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def stream_kind(self) -> str:
        return self.stream.partition(":")[0]

    @property
    def stream_key(self) -> str:
        return self.stream.partition(":")[2]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "stream": self.stream,
            "type": self.type,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "data": dict(self.data),
        }

    def content_key(self) -> str:
        """Canonical text of the content, to tell a duplicate from a reused id."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: object) -> Event:
        """Validates the wire format of DESIGN §3.2; raises InvalidEvent naming the field.

        Runs for every event of a pull (100,000 in a first sync), so the usual case takes
        cheap checks first — a canonical lower-case UUID, a plain dict — and only an unusual
        value goes through the general check that also words the error.
        """
        if type(raw) is not dict and not isinstance(raw, Mapping):
            raise InvalidEvent(None, "event", "expected a JSON object")
        event_id = raw.get("id")
        if type(event_id) is not str and not isinstance(event_id, str):
            raise InvalidEvent(None, "id", "missing or not a string")
        if _CANONICAL_UUID(event_id) is None:
            try:
                uuid.UUID(event_id)
            except ValueError:
                raise InvalidEvent(event_id, "id", f"{event_id!r} is not a UUID") from None
        stream = raw.get("stream")
        if type(stream) is not str and not isinstance(stream, str):
            raise InvalidEvent(event_id, "stream", "missing or not a string")
        kind, sep, key = stream.partition(":")
        if not sep or not key or kind not in STREAM_EVENT_TYPES:
            try:
                kind, _ = split_stream(stream)
            except ValueError as exc:
                raise InvalidEvent(event_id, "stream", str(exc)) from None
        event_type = raw.get("type")
        if not isinstance(event_type, str) or event_type not in STREAM_EVENT_TYPES[kind]:
            raise InvalidEvent(
                event_id, "type", f"unknown event type {event_type!r} for a {kind} stream"
            )
        try:
            at = parse_instant(raw.get("at"), "at")
        except ValueError as exc:
            raise InvalidEvent(event_id, "at", str(exc).removeprefix("at: ")) from None
        actor = raw.get("actor")
        if not isinstance(actor, str) or not actor.strip():
            raise InvalidEvent(event_id, "actor", "missing or empty")
        data = raw.get("data", {})
        if type(data) is not dict and not isinstance(data, Mapping):
            raise InvalidEvent(event_id, "data", "expected a JSON object")
        return cls(event_id, stream, event_type, at, actor, dict(data))


#: How deeply `data` may nest. The changes feed answers each event inside a page, and the
#: API's JSON encoder gives up beyond 255 levels in all: deeper data, once accepted, would
#: break the feed for every client. Real event data is flat or nearly so.
MAX_DATA_DEPTH = 64
_TOO_DEEP = f"nested more than {MAX_DATA_DEPTH} levels deep"


def check_storable(event: Event) -> str:
    """Raises InvalidEvent for what a database or a JSON answer cannot carry; returns the
    data's JSON text (UTF-8, the size central stores, for domain.limits).

    A NUL character is valid JSON (`\\u0000`), but PostgreSQL's text columns cannot hold
    it; a lone surrogate (`\\ud800`) is valid JSON too, but no UTF-8 text can hold it.
    Python's JSON reader (the API's, for a body its fast path leaves to the route) also
    takes `NaN`, `Infinity` and numbers like `1e400`, which no JSON answer may carry,
    and data of any depth, which the answer's encoder refuses beyond MAX_DATA_DEPTH.
    The central checks every event it is sent, so such an event is refused with a
    reason instead of failing a group commit, or being stored and then breaking the
    changes feed for every client. Inside `data` a NUL is harmless (stored escaped).
    """
    for name, value in (("stream", event.stream), ("actor", event.actor)):
        if "\x00" in value:
            raise InvalidEvent(event.id, name, "contains a NUL character")
        _check_unicode(event.id, name, value)
    try:
        text = json.dumps(event.data, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise InvalidEvent(event.id, "data", "contains NaN or an infinite number") from None
    except RecursionError:
        raise InvalidEvent(event.id, "data", _TOO_DEEP) from None
    # Nesting n levels deep takes n opening brackets: data with fewer needs no walk.
    brackets = text.count("{") + text.count("[")
    if brackets > MAX_DATA_DEPTH and _too_deep(event.data, MAX_DATA_DEPTH):
        raise InvalidEvent(event.id, "data", _TOO_DEEP)
    _check_unicode(event.id, "data", text)
    return text


def _too_deep(value: object, levels_left: int) -> bool:
    """Whether `value` (decoded JSON) nests more than `levels_left` objects or arrays deep."""
    if isinstance(value, Mapping):
        children: Any = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return False
    if levels_left == 0:
        return True
    return any(_too_deep(child, levels_left - 1) for child in children)


def _check_unicode(event_id: str, field: str, text: str) -> None:
    if not is_unicode(text):
        raise InvalidEvent(event_id, field, "contains a lone surrogate (not Unicode text)")


def is_unicode(text: str) -> bool:
    """Whether `text` is Unicode text (UTF-8 can hold it): not so with a lone surrogate,
    which a JSON escape such as `\\ud800` gives."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def new_event(
    stream: str, event_type: str, at: datetime, actor: str, data: Mapping[str, Any] | None = None
) -> Event:
    """A fresh event with a random UUID, validated like one that arrives over the wire."""
    event = Event(
        id=str(uuid.uuid4()),
        stream=stream,
        type=event_type,
        at=at,
        actor=actor,
        data=dict(data or {}),
    )
    return Event.from_json(event.to_json())


def event_text(event: Event, key: str) -> str | None:
    """An optional text field of `event.data`: None if missing, null or blank; InvalidEvent
    naming the field if it is not text."""
    value = event.data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidEvent(event.id, f"data.{key}", f"expected text, got {value!r}")
    return value if value.strip() else None


def required_text(event: Event, key: str) -> str:
    """A text field of `event.data` that must be there and not blank."""
    value = event_text(event, key)
    if value is None:
        raise InvalidEvent(event.id, f"data.{key}", "missing or empty")
    return value
