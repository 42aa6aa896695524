"""The event log's write primitives shared by every job: validating an event, stamping a new
one for sync, inserting events (with outbox rows for local ones) and folding their streams."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.personal import is_redaction_of
from halt_desk.store.cache import Cache, RecordingClock
from halt_desk.store.errors import EventConflict
from halt_desk.store.projections import (
    FOLDED_FIRST,
    TicketValues,
    fold_events,
    fold_order,
    fold_stream,
    forget_preloaded,
    load_projection_rows,
    load_reference_rows,
    utc_us,
    write_ticket_rows,
)

#: Ids per IN (...) clause; well under SQLite's bound-parameter limit.
CHUNK = 500
_EVENT_COLUMNS = (
    "id",
    "stream",
    "type",
    "at",
    "at_utc_us",
    "actor",
    "data",
    "recorded_at",
    "local_order",
    "seq",
    "origin",
    "base_seq",
)
_INSERT_EVENT = (
    f"INSERT INTO events ({', '.join(_EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _EVENT_COLUMNS)})"
)
#: An outbox row with the table's defaults (pending, no attempts yet).
_INSERT_OUTBOX = "INSERT INTO outbox (event_id, created) VALUES (?, ?)"
#: What `record()` adds to `data` (not copied when an event is recorded again by choice).
STAMP_FIELDS = frozenset({"device_at", "clock_offset_ms", "base_seq"})


def utc_now() -> datetime:
    return datetime.now(UTC)


def chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    """`items` in slices of `CHUNK`, one IN (...) clause each."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def validated(event: Event) -> Event:
    """The event as it would arrive over the wire: validated, `data` made plain JSON."""
    wire = event.to_json()
    try:
        text = json.dumps(wire["data"], allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidEvent(event.id, "data", f"not plain JSON: {exc}") from None
    if not _is_plain_json(wire["data"]):
        # Tuples, non-string keys …: store what JSON makes of them, as central would.
        wire["data"] = json.loads(text)
    return Event.from_json(wire)


def _is_plain_json(value: object) -> bool:
    """True if `value` comes back from a JSON round trip unchanged (the common case)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_plain_json(item) for item in value)
    return value is None or isinstance(value, str | int | float | bool)


def _difference(stored: Event, offered: Event) -> str:
    old, new = stored.to_json(), offered.to_json()
    fields = [key for key in new if old.get(key) != new.get(key)]
    return ", ".join(f"{key} differs" for key in fields) or "content differs"


def _redacted_copy(stored: Event, offered: Event) -> bool:
    """True if `offered` is `stored` with some of its personal fields left out (central
    strips them for users who may not see them, DESIGN §2.6; domain/personal.py)."""
    if {**stored.to_json(), "data": None} != {**offered.to_json(), "data": None}:
        return False
    return is_redaction_of(stored.type, stored.data, offered.data)


#: How `data` is stored: keys sorted, non-ASCII kept. One encoder for every event, as
#: `json.dumps` with options builds a new one per call (a pull stores 100,000 events).
_encode_data = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode


def _data_text(event: Event) -> str:
    return _encode_data(dict(event.data))


def sync_cursor(session: Session) -> int:
    """The highest central `seq` pulled so far (0 before the first pull)."""
    # Plain SQL: asked in every recording transaction and for every stamped event.
    query = "SELECT last_seq FROM sync_cursor WHERE id = 1"
    return int(session.connection().exec_driver_sql(query).scalar() or 0)


def stamped(
    cache: Cache,
    session: Session,
    stream: str,
    event_type: str,
    actor: str,
    data: Mapping[str, Any] | None,
    clock: RecordingClock | None,
    at: datetime | None = None,
) -> Event:
    """A new event of this user stamped for sync (see `recording.record`); not stored."""
    clock = clock or cache.recording_clock
    offset = clock.offset() if clock is not None else timedelta(0)
    if at is not None:
        device_at = at - offset
    elif clock is not None:
        device_at = clock.device_now()
    else:
        device_at = cache.clock()
    if device_at.tzinfo is None:
        raise InvalidEvent(None, "at", "the device clock gave a time without UTC offset")
    offset_ms = round(offset / timedelta(milliseconds=1))
    fields = {
        **dict(data or {}),
        "device_at": device_at.isoformat(),
        "clock_offset_ms": offset_ms,
        "base_seq": sync_cursor(session),
    }
    at = device_at + timedelta(milliseconds=offset_ms)
    return new_event(stream, event_type, at, actor, fields)


def existing_events(
    session: Session, events: Sequence[Event]
) -> dict[str, tuple[Event, int | None]]:
    """The events among `events` stored already (by id), each with its central seq."""
    found: dict[str, tuple[Event, int | None]] = {}
    ids = list(dict.fromkeys(event.id for event in events))
    connection = session.connection()
    parse_time, parse_data = datetime.fromisoformat, json.loads
    for chunk in chunks(ids):
        # Plain SQL: a pull looks up every one of its events, almost all unknown.
        rows = connection.exec_driver_sql(
            "SELECT id, stream, type, at, actor, data, seq FROM events "
            f"WHERE id IN ({', '.join('?' * len(chunk))})",
            tuple(chunk),
        )
        for event_id, stream, event_type, at, actor, data, seq in rows:
            event = Event(event_id, stream, event_type, parse_time(at), actor, parse_data(data))
            found[event_id] = (event, seq)
    return found


def insert_events(
    session: Session,
    events: Sequence[Event],
    origin: str,
    seqs: dict[str, int] | None = None,
    known: dict[str, Event] | None = None,
) -> list[Event]:
    """Adds the events not stored yet (and their outbox rows for local ones); returns
    them. `known`: those of `events` stored already, if the caller looked them up. A
    known id with other content raises EventConflict."""
    stored = (
        dict(known)
        if known is not None
        else {key: event for key, (event, _) in existing_events(session, events).items()}
    )
    connection = session.connection()
    # Plain SQL: asked in every recording transaction (an index's last entry).
    next_order = (
        connection.exec_driver_sql("SELECT max(local_order) FROM events").scalar() or 0
    ) + 1
    recorded_at = utc_now().isoformat()
    base_seq = sync_cursor(session) if origin == "local" else None
    new: list[Event] = []
    event_rows: list[tuple[Any, ...]] = []
    redacted: list[dict[str, Any]] = []
    for event in events:
        previous = stored.get(event.id)
        if previous is not None:
            if previous.content_key() != event.content_key():
                if origin == "remote" and _redacted_copy(previous, event):
                    redacted.append({"event_id": event.id, "data": _data_text(event)})
                    continue
                raise EventConflict(event.id, _difference(previous, event))
            continue
        stored[event.id] = event
        new.append(event)
        at = event.at
        event_rows.append(
            (
                event.id,
                event.stream,
                event.type,
                at.isoformat(),
                utc_us(at),
                event.actor,
                _data_text(event),
                recorded_at,
                next_order + len(event_rows),
                seqs.get(event.id) if seqs is not None else None,
                origin,
                base_seq,
            )
        )
    if redacted:
        # Our own event came back without the home address this user may not see:
        # keep central's copy, so this cache holds no more than the user may read.
        session.connection().exec_driver_sql(
            "UPDATE events SET data = :data WHERE id = :event_id", redacted
        )
    if event_rows:
        # Plain executemany with positional rows: a pull inserts 100,000 events, and
        # SQLAlchemy's per-row parameter processing would cost more than SQLite.
        connection.exec_driver_sql(_INSERT_EVENT, event_rows)
        if origin == "local":
            outbox = [(row[0], recorded_at) for row in event_rows]
            connection.exec_driver_sql(_INSERT_OUTBOX, outbox)
    return new


def fold(
    cache: Cache,
    session: Session,
    streams: set[str],
    strict: frozenset[str] = frozenset(),
    *,
    fresh: Mapping[str, list[Event]] | None = None,
) -> None:
    """Folds the projections of `streams`, reference data first, then whatever depends
    on a changed row (tickets of an organisation whose profile changed). Events in
    `strict` (being recorded) must fit; others that do not are left out of the fold.
    `fresh`: streams whose complete event list, in fold order, the caller holds (read
    from the database otherwise)."""
    fresh = fresh or {}
    moment = cache.clock()

    def now() -> datetime:
        """One moment for the whole batch: the clock is read once, not per ticket."""
        return moment

    ordered = sorted(streams, key=fold_order)
    references = [s for s in ordered if s.partition(":")[0] in FOLDED_FIRST]
    dependants: set[str] = set()
    with session.no_autoflush:  # a flush per employee made a first pull's folds slow
        preloaded = load_reference_rows(session, references)
        try:
            for stream in references:
                dependants |= fold_stream(session, stream, now, fresh.get(stream), strict)
        finally:
            forget_preloaded(session)
        del preloaded
    # Tickets look up their organisation: reference rows must be in the database first.
    session.flush()
    others = [s for s in ordered if s.partition(":")[0] not in FOLDED_FIRST]
    others += sorted(dependants - streams)
    # Per chunk: the events and rows in a few queries, no autoflush per stream, and the
    # rows out in one batched statement (loading demo data is mostly this loop).
    for chunk in chunks(others):
        events = fold_events(session, [s for s in chunk if s not in fresh])
        events.update((s, fresh[s]) for s in chunk if s in fresh)
        ticket_rows: list[TicketValues] = []
        with session.no_autoflush:
            loaded = load_projection_rows(session, chunk)
            try:
                for stream in chunk:
                    fold_stream(session, stream, now, events[stream], strict, ticket_rows)
            finally:
                forget_preloaded(session)
        session.flush()
        write_ticket_rows(session, ticket_rows)
        del loaded
