"""What the central refuses before it looks at the database: a request's limits, events
that are not valid or that its columns cannot hold; the result each event gets back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Column

from halt_desk.central.schema import devices, events, organisations, tickets
from halt_desk.domain.calendar import FIRST_YEAR, LAST_YEAR
from halt_desk.domain.clockspec import CLOCK_NAMES
from halt_desk.domain.errors import HaltDeskError, InvalidEvent, OutOfCalendarRange
from halt_desk.domain.events import Event, check_storable, event_text, is_unicode
from halt_desk.domain.limits import check_event_limits

MAX_BATCH = 1000
MAX_PAGE = 5000


class Rejected(HaltDeskError):
    """One event of a batch that cannot be accepted; the message is the `reason`."""


@dataclass(frozen=True, slots=True)
class EventResult:
    id: str | None
    status: str  # accepted | duplicate | rejected
    seq: int | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "seq": self.seq, "reason": self.reason}


def max_length(column: Column[Any]) -> int:
    """The length of a String column (the central's own schema gives every one)."""
    length = column.type.length  # type: ignore[attr-defined]
    assert isinstance(length, int)
    return length


def column_text(event: Event, key: str, column: Column[Any]) -> str | None:
    """The optional text `data[key]` of `event`, that a projection stores in `column`:
    InvalidEvent if it is not text or longer than the column (a server error otherwise,
    from SQLite for a list, from PostgreSQL for text too long)."""
    value = event_text(event, key)
    limit = max_length(column)
    if value is not None and len(value) > limit:
        raise InvalidEvent(event.id, f"data.{key}", f"longer than {limit} characters")
    return value


def check_report_fields(event: Event) -> None:
    """The fields of a ticket event that the service-level report reads and refuses when
    wrong (reports/kpi.py): accepted here, one such event made the report of its whole
    organisation fail, on every desk."""
    if event.type == "csat_recorded":
        for key in ("score", "servicedesk", "information"):  # the last two optional
            score = event.data.get(key)
            if score is None and key != "score":
                continue
            if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 10:
                raise InvalidEvent(event.id, f"data.{key}", f"{score!r} is not a score 1–10")
    elif event.type == "comment":
        clock = event.data.get("clock")
        if clock is not None and (not isinstance(clock, str) or clock not in CLOCK_NAMES):
            known = ", ".join(CLOCK_NAMES)
            raise InvalidEvent(event.id, "data.clock", f"{clock!r} is not a clock ({known})")


def _content_hash(event: Event) -> str:
    return hashlib.sha256(event.content_key().encode("utf-8")).hexdigest()


#: An event of a batch as parsed before the write lock: the event and its content hash, or
#: the `rejected` result of something that is not a valid event.
Parsed = tuple[Event | None, str, EventResult | None]


def parse_batch(raw_events: Sequence[object]) -> list[Parsed]:
    parsed: list[Parsed] = []
    latest = datetime.now(UTC) + _LATEST_AHEAD
    for raw in raw_events:
        try:
            event = Event.from_json(raw)
            check_event_limits(event.id, event.data, check_storable(event))
            _check_fits(event, latest)
        except HaltDeskError as exc:
            parsed.append((None, "", _refusal(raw, str(exc))))
        else:
            parsed.append((event, _content_hash(event), None))
    return parsed


def _refusal(raw: object, reason: str) -> EventResult:
    """The `rejected` result of something that is not a valid event, in text the answer can
    carry: a lone surrogate in its id or in the reason (which may quote what was sent)
    cannot be encoded, so the id is left out and the reason shows it escaped."""
    raw_id = raw.get("id") if isinstance(raw, Mapping) else None
    shown = raw_id if isinstance(raw_id, str) and is_unicode(raw_id) else None
    if not is_unicode(reason):
        reason = reason.encode("utf-8", "backslashreplace").decode("utf-8")
    return EventResult(shown, "rejected", None, reason)


#: How far ahead of the server clock an event's `at` may lie: `clock_ahead_seconds` is a
#: 32-bit column (about 68 years).
_LATEST_AHEAD = timedelta(seconds=2**31 - 1)
_MINUTE = timedelta(minutes=1)
_ID_LENGTH = max_length(events.c.id)
_STREAM_LENGTH = max_length(events.c.stream)
_ACTOR_LENGTH = max_length(events.c.actor)
#: The longest key of a stream kind whose key is also a projection's key (the profile's
#: name is stored with each organisation that uses it).
_KEY_LENGTHS = {
    "ticket": max_length(tickets.c.id),
    "device": max_length(devices.c.asset_tag),
    "org": max_length(organisations.c.id),
    "profile": max_length(organisations.c.profile),
}


def _check_fits(event: Event, latest: datetime) -> None:
    """Raises InvalidEvent for an event the central's columns cannot hold.

    SQLite stores text of any length, PostgreSQL refuses what is longer than its column:
    such an event failed the whole group commit there (a server error for every push in
    it). Both backends refuse the same, with the limit named. `at` must fall within the
    years the business calendar covers (as on a ticket, whose clocks need it), with an
    offset of whole minutes (ISO-8601's form; an offset with seconds and microseconds
    made `at` longer than its column), and not so far ahead that the distance overflows.
    """
    for name, value, limit in (
        ("id", event.id, _ID_LENGTH),
        ("stream", event.stream, _STREAM_LENGTH),
        ("actor", event.actor, _ACTOR_LENGTH),
    ):
        if len(value) > limit:
            raise InvalidEvent(event.id, name, f"longer than {limit} characters")
    key_limit = _KEY_LENGTHS.get(event.stream_kind)
    if key_limit is not None and len(event.stream_key) > key_limit:
        problem = f"the id after {event.stream_kind}: is at most {key_limit} characters"
        raise InvalidEvent(event.id, "stream", problem)
    at = event.at
    # Worded as the calendar words it for a ticket event.
    if at.year > LAST_YEAR:
        raise OutOfCalendarRange(f"dates after {LAST_YEAR} are not supported")
    if at.year < FIRST_YEAR:
        raise OutOfCalendarRange(f"dates before {FIRST_YEAR} are not supported")
    if at.utcoffset() % _MINUTE:  # type: ignore[operator]
        raise InvalidEvent(event.id, "at", "the UTC offset must be whole minutes")
    if at > latest:
        raise InvalidEvent(event.id, "at", "more than 68 years ahead of the server clock")
