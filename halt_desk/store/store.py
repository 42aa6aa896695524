"""The local cache: `Store.record_event()` is the one way to change state on this machine.

An event, its outbox row and the projections it changes are written in one SQLite
transaction (BEGIN IMMEDIATE), so the timeline, the outbox and the clocks never disagree.
Reads use deferred transactions and never wait for a writer (WAL).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from halt_desk.domain.clocks import TicketStatus
from halt_desk.domain.conflicts import STATUS_FIELD, conflict_field, field_value
from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.profiles import Profile
from halt_desk.domain.swaps import HOME_ADDRESS_KEYS, redacted
from halt_desk.paths import user_data_dir
from halt_desk.store.engine import (
    create_store_engine,
    read_only,
    repeatable,
    report_disk_errors,
)
from halt_desk.store.errors import EventConflict, UnknownConflict, UnknownStream
from halt_desk.store.models import (
    REFERENCE_MODELS,
    Base,
    ConflictRow,
    DeviceRow,
    Employee,
    EventRow,
    Organisation,
    OutboxRow,
    SyncCursor,
    TicketRow,
)
from halt_desk.store.projections import (
    FOLDED_FIRST,
    REFUSED,
    Clock,
    TicketValues,
    event_from_row,
    fold_events,
    fold_order,
    fold_stream,
    forget_preloaded,
    load_projection_rows,
    published_profile,
    stream_events,
    utc_us,
    write_ticket_rows,
)
from halt_desk.store.schema import upgrade_schema

log = logging.getLogger(__name__)

CACHE_FILE_NAME = "cache.sqlite3"
OPEN_STATUSES: tuple[str, ...] = (TicketStatus.OPEN.value, TicketStatus.WAITING.value)
#: Ids per IN (...) clause; well under SQLite's bound-parameter limit.
_CHUNK = 500
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
#: What `record()` adds to `data` (not copied when an event is recorded again by choice).
_STAMP_FIELDS = frozenset({"device_at", "clock_offset_ms", "base_seq"})


def default_path() -> Path:
    """Where the cache lives unless told otherwise: the user's data folder."""
    return user_data_dir() / CACHE_FILE_NAME


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


@dataclass(frozen=True, slots=True)
class TicketView:
    """The projection row of one ticket (a snapshot; clocks evaluated at its last fold)."""

    id: str
    org: str
    caller: str | None
    summary: str | None
    category: str | None
    channel: str | None
    priority: str
    uplift: bool
    status: str
    reported_at: datetime
    next_due: datetime | None
    assignee: str | None
    resolved_at: datetime | None
    mttr_business_minutes: int | None
    mttp_business_minutes: int | None
    mttp_wall_minutes: int | None
    within_norm: bool | None
    updated_at: datetime

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @classmethod
    def from_row(cls, row: TicketRow) -> TicketView:
        return cls(
            id=row.id,
            org=row.org,
            caller=row.caller,
            summary=row.summary,
            category=row.category,
            channel=row.channel,
            priority=row.priority,
            uplift=row.uplift,
            status=row.status,
            reported_at=datetime.fromisoformat(row.reported_at),
            next_due=_time(row.next_due),
            assignee=row.assignee,
            resolved_at=_time(row.resolved_at),
            mttr_business_minutes=row.mttr_business_minutes,
            mttp_business_minutes=row.mttp_business_minutes,
            mttp_wall_minutes=row.mttp_wall_minutes,
            within_norm=row.within_norm,
            updated_at=datetime.fromisoformat(row.updated_at),
        )


@dataclass(frozen=True, slots=True)
class DeviceView:
    """The projection row of one device."""

    asset_tag: str
    serial: str | None
    model: str | None
    type: str | None
    org: str | None
    depot: str | None
    state: str
    updated_at: datetime

    @classmethod
    def from_row(cls, row: DeviceRow) -> DeviceView:
        return cls(
            asset_tag=row.asset_tag,
            serial=row.serial,
            model=row.model,
            type=row.type,
            org=row.org,
            depot=row.depot,
            state=row.state,
            updated_at=datetime.fromisoformat(row.updated_at),
        )


class RecordingClock(Protocol):
    """What `Store.record` needs of a clock: the device time the user sees, and the last
    known offset of central's clock from it (central − device)."""

    def device_now(self) -> datetime: ...

    def offset(self) -> timedelta: ...


@dataclass(frozen=True, slots=True)
class RejectedEvent:
    """An event recorded here that central refused, with central's reason."""

    event: Event
    reason: str
    rejected_at: datetime


@dataclass(frozen=True, slots=True)
class ConflictView:
    """Two concurrent edits of one field of a ticket: ours and another client's."""

    id: str
    ticket: str
    field: str
    local_event: Event
    remote_event: Event
    status: str  # open | resolved
    detected_at: datetime
    resolved_by: str | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True, slots=True)
class ClockOffset:
    """The last measured offset of central's clock from this machine's (central − device)."""

    offset: timedelta
    measured_at: datetime


def _validated(event: Event) -> Event:
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


def _is_dismissal(row: EventRow) -> bool:
    return row.type == "comment" and json.loads(row.data).get("kind") == "refused_event_dismissed"


def _difference(stored: Event, offered: Event) -> str:
    old, new = stored.to_json(), offered.to_json()
    fields = [key for key in new if old.get(key) != new.get(key)]
    return ", ".join(f"{key} differs" for key in fields) or "content differs"


def _redacted_copy(stored: Event, offered: Event) -> bool:
    """True if `offered` is `stored` with its home-address fields left out (central redacts
    them for users who may not see them, DESIGN §2.6)."""
    if not HOME_ADDRESS_KEYS & stored.data.keys():
        return False
    same = {**stored.to_json(), "data": redacted(stored.data)}
    return json.dumps(same, sort_keys=True) == json.dumps(offered.to_json(), sort_keys=True)


#: How `data` is stored: keys sorted, non-ASCII kept. One encoder for every event, as
#: `json.dumps` with options builds a new one per call (a pull stores 100,000 events).
_encode_data = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode


def _data_text(event: Event) -> str:
    return _encode_data(dict(event.data))


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


#: Stream kinds whose events never change a row of the ticket list.
_KINDS_OUTSIDE_TICKET_ROWS = frozenset({"device", "swap", "stock", "depot", "location"})


class Store:
    """The local SQLite cache of one user. Safe to share between threads; each call uses
    its own session. Open with `Store.open()`, close with `close()` or a `with` block."""

    def __init__(
        self,
        path: Path,
        engine: Engine,
        clock: Clock,
        backup: Path | None,
        recording_clock: RecordingClock | None = None,
    ) -> None:
        self._path = path
        self._engine = engine
        self._reader = read_only(engine)
        self._repeatable = repeatable(engine)
        self._clock = clock
        self._backup = backup
        self._recording_clock = recording_clock

    @classmethod
    def open(
        cls,
        path: Path | None = None,
        *,
        clock: Clock | None = None,
        recording_clock: RecordingClock | None = None,
    ) -> Store:
        """Opens (creating or migrating) the cache at `path`, default `default_path()`.

        `clock` gives the moment ticket clocks are evaluated at (default: the system time).
        `recording_clock` stamps events made with `record()` (device time + offset to
        central; default: the system time, no offset).
        Raises SchemaTooNew, without touching the file, if a newer HALT Desk wrote it.
        """
        target = Path(path) if path is not None else default_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        engine = create_store_engine(target)
        report_disk_errors(engine, target)
        try:
            backup = upgrade_schema(target, engine)
        except BaseException:
            engine.dispose()
            raise
        log.debug("opened the local cache %s", target.name)
        store = cls(target, engine, clock or _utc_now, backup, recording_clock)
        try:
            store._fold_unknown_overdue()
        except BaseException:
            engine.dispose()
            raise
        return store

    @property
    def path(self) -> Path:
        return self._path

    @property
    def backup_path(self) -> Path | None:
        """The copy made before this open migrated the file, if it did."""
        return self._backup

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ sessions

    @contextmanager
    def _write(self, *, repeatable: bool = False) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE): committed on success, else rolled back.
        `repeatable`: only what central can send again (see `engine.repeatable`)."""
        engine = self._repeatable if repeatable else self._engine
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self._reader) as session, session.begin():
            yield session

    # ------------------------------------------------------------------ writing

    def record_event(self, event: Event) -> bool:
        """Stores a local event with its outbox row and updates its projection, atomically.

        True if the event is new; False if the same id with the same content was stored
        before (nothing changes). Raises EventConflict if the id is stored with other
        content, InvalidEvent for a malformed event, UnknownStream / InvalidTimeline if the
        projection cannot take it; then nothing of it is stored.
        """
        event = _validated(event)
        with self._write() as session:
            if not self._insert(session, [event], origin="local"):
                log.debug("event %s was already stored", event.id)
                return False
            self._fold(session, {event.stream}, frozenset({event.id}))
            self._settle_conflicts(session, [event])
        log.debug("recorded event %s (%s on a %s stream)", event.id, event.type, event.stream_kind)
        return True

    def record_events(self, events: Iterable[Event], *, bulk: bool = False) -> int:
        """Records local events; returns how many were new.

        Default: one transaction per event, as `record_event`. `bulk=True`: all in one
        transaction (for loading demo data fast); any failure then stores none of them.
        """
        if not bulk:
            return sum(self.record_event(event) for event in events)
        batch = [_validated(event) for event in events]
        with self._write() as session:
            new = self._insert(session, batch, origin="local")
            self._fold(session, {event.stream for event in new}, frozenset(e.id for e in new))
            self._settle_conflicts(session, new)
        log.info("recorded %d new of %d events in one transaction", len(new), len(batch))
        return len(new)

    def record(
        self,
        stream: str,
        event_type: str,
        actor: str,
        data: Mapping[str, Any] | None = None,
        *,
        clock: RecordingClock | None = None,
    ) -> Event:
        """Records a new event of this user now, stamped for sync; returns it.

        `at` is the device time plus the last known offset to central's clock, so SLA clocks
        run on central's time; `data` keeps what the user saw (`device_at`), that offset
        (`clock_offset_ms`) and the sync cursor at this moment (`base_seq`: every central
        event up to it had been seen, which tells a concurrent edit from an informed one).
        Nothing of it is rewritten later, so a re-sent event has the same content.
        """
        with self._write() as session:
            event = self._stamped(session, stream, event_type, actor, data, clock)
            self._insert(session, [event], origin="local")
            self._fold(session, {event.stream}, frozenset({event.id}))
            self._settle_conflicts(session, [event])
        log.debug("recorded event %s (%s on a %s stream)", event.id, event.type, event.stream_kind)
        return event

    def stamped_event(
        self,
        stream: str,
        event_type: str,
        actor: str,
        data: Mapping[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> Event:
        """A new event of this user, stamped for sync exactly as `record` stamps it, but not
        stored: for an action that records several events in one transaction
        (`record_events(..., bulk=True)`). `at`, when given, is the moment on central's time
        (the app's clock); the device time is then `at` minus the known offset."""
        with self._read() as session:
            return self._stamped(session, stream, event_type, actor, data, None, at)

    def _stamped(
        self,
        session: Session,
        stream: str,
        event_type: str,
        actor: str,
        data: Mapping[str, Any] | None,
        clock: RecordingClock | None,
        at: datetime | None = None,
    ) -> Event:
        clock = clock or self._recording_clock
        offset = clock.offset() if clock is not None else timedelta(0)
        if at is not None:
            device_at = at - offset
        elif clock is not None:
            device_at = clock.device_now()
        else:
            device_at = self._clock()
        if device_at.tzinfo is None:
            raise InvalidEvent(None, "at", "the device clock gave a time without UTC offset")
        offset_ms = round(offset / timedelta(milliseconds=1))
        stamped = {
            **dict(data or {}),
            "device_at": device_at.isoformat(),
            "clock_offset_ms": offset_ms,
            "base_seq": self._cursor(session),
        }
        at = device_at + timedelta(milliseconds=offset_ms)
        return new_event(stream, event_type, at, actor, stamped)

    @staticmethod
    def _cursor(session: Session) -> int:
        return int(session.scalar(select(SyncCursor.last_seq).where(SyncCursor.id == 1)) or 0)

    def ingest_remote(
        self, events_with_seq: Iterable[tuple[int, Event]], *, parsed: bool = False
    ) -> int:
        """Stores events pulled from central as `(seq, event)` pairs, in one transaction.

        No outbox rows; origin 'remote'. An event already here (our own, sent earlier)
        gets its `seq` and leaves the outbox. Projections are folded (central's order),
        edits that were concurrent with one of ours on the same ticket field become
        conflict records, and the sync cursor moves to the highest seq seen, all in the
        same transaction. Returns the number of new events. `parsed=True`: the events were
        just built by `Event.from_json` from central's JSON (no second check needed).
        """
        if parsed:
            batch = list(events_with_seq)
        else:
            batch = [(seq, _validated(event)) for seq, event in events_with_seq]
        if not batch:
            return 0
        # Repeatable: lost to a power cut, the page and its cursor go together, and the
        # next pull fetches the page again.
        with self._write(repeatable=True) as session:
            seqs = {event.id: seq for seq, event in batch}
            events = [event for _, event in batch]
            known = self._existing(session, events)
            # Our own events came back: they get central's seq and leave the outbox.
            connection = session.connection()
            with_seq = [
                {"seq": seqs[key], "id": key} for key, (_, seq) in known.items() if seq is None
            ]
            if with_seq:
                connection.exec_driver_sql("UPDATE events SET seq = :seq WHERE id = :id", with_seq)
            for chunk in _chunks(list(known)):
                session.execute(delete(OutboxRow).where(OutboxRow.event_id.in_(chunk)))
            streams = list(dict.fromkeys(event.stream for event in events))
            seen_before = self._streams_with_events(session, streams)
            stored = {key: event for key, (event, _) in known.items()}
            new = self._insert(session, events, "remote", seqs, stored)
            # A stream with no event stored before this page folds from the page alone:
            # all of its events are confirmed ones, and the fold order is their seq.
            fresh: dict[str, list[Event]] = {}
            for event in sorted(new, key=lambda e: seqs[e.id]):
                if event.stream not in seen_before:
                    fresh.setdefault(event.stream, []).append(event)
            self._fold(session, {event.stream for event in new}, fresh=fresh)
            self._detect_conflicts(session, new, seqs)
            self._settle_conflicts(session, new)
            top = max(seqs.values())
            session.execute(
                update(SyncCursor)
                .where(SyncCursor.id == 1, SyncCursor.last_seq < top)
                .values(last_seq=top, updated_at=_utc_now().isoformat())
            )
        log.info("ingested %d new of %d remote events (up to seq %d)", len(new), len(batch), top)
        return len(new)

    def _detect_conflicts(
        self, session: Session, remote: Sequence[Event], seqs: Mapping[str, int]
    ) -> None:
        """Conflict records for each new remote ticket event that edits a field one of our
        events edited concurrently: neither had seen the other when it was recorded."""
        candidates = [e for e in remote if e.stream_kind == "ticket"]
        if not candidates:
            return
        streams = sorted({e.stream for e in candidates})
        ours: dict[str, list[tuple[Event, int, int | None]]] = {}
        for chunk in _chunks(streams):
            rows = session.scalars(
                select(EventRow)
                .outerjoin(OutboxRow, OutboxRow.event_id == EventRow.id)
                .where(
                    EventRow.stream.in_(chunk),
                    EventRow.origin == "local",
                    EventRow.base_seq.is_not(None),
                    or_(OutboxRow.event_id.is_(None), OutboxRow.status.not_in(REFUSED)),
                )
                .order_by(EventRow.local_order)
            )
            for row in rows:
                assert row.base_seq is not None
                ours.setdefault(row.stream, []).append((event_from_row(row), row.base_seq, row.seq))
        if not ours:
            return
        now = _utc_now().isoformat()
        found: list[dict[str, Any]] = []
        for theirs in candidates:
            seq = seqs[theirs.id]
            base = theirs.data.get("base_seq")
            # Without a base (another kind of client) it is taken to have seen all before it.
            their_base = base if isinstance(base, int) and not isinstance(base, bool) else seq - 1
            for mine, my_base, my_seq in ours.get(theirs.stream, ()):
                saw_theirs = my_base >= seq
                they_saw_mine = my_seq is not None and my_seq <= their_base
                if saw_theirs or they_saw_mine:
                    continue
                field = conflict_field(mine, theirs)
                if field is None:
                    continue
                found.append(
                    {
                        "id": str(uuid.uuid4()),
                        "ticket": theirs.stream_key,
                        "field": field,
                        "local_event_id": mine.id,
                        "remote_event_id": theirs.id,
                        "status": "open",
                        "detected_at": now,
                    }
                )
        if found:
            session.execute(insert(ConflictRow).prefix_with("OR IGNORE"), found)
            log.info("%d sync conflict(s) found", len(found))

    @staticmethod
    def _settle_conflicts(session: Session, events: Sequence[Event]) -> None:
        """Marks the conflicts that `conflict_resolved` events settle (by their event pair,
        so a resolution recorded on another client settles ours too)."""
        for event in events:
            if event.type != "conflict_resolved":
                continue
            pair = event.data.get("events")
            if not isinstance(pair, list) or len(pair) != 2:
                continue
            first, second = (str(item) for item in pair)
            session.execute(
                update(ConflictRow)
                .where(
                    or_(
                        and_(
                            ConflictRow.local_event_id == first,
                            ConflictRow.remote_event_id == second,
                        ),
                        and_(
                            ConflictRow.local_event_id == second,
                            ConflictRow.remote_event_id == first,
                        ),
                    ),
                    ConflictRow.status == "open",
                )
                .values(status="resolved", resolved_by=event.id)
            )

    def _fold_unknown_overdue(self) -> int:
        """Folds again the open tickets folded before `overdue` was kept (schema 0004), once:
        until then reminders would have to evaluate every one of them. Returns how many."""
        unknown = select(TicketRow.id).where(
            TicketRow.overdue.is_(None), TicketRow.status.in_(OPEN_STATUSES)
        )
        with self._read() as session:
            if session.scalar(unknown.limit(1)) is None:
                return 0
        with self._write() as session:
            ids = list(session.scalars(unknown))
            self._fold(session, {f"ticket:{ticket_id}" for ticket_id in ids})
        log.info("folded %d open tickets again for their overdue state", len(ids))
        return len(ids)

    def refresh_tickets(self) -> int:
        """Evaluates the clocks of every open ticket again at the current time (the stored
        `next_due`, `status` and `within_norm` are snapshots). Returns the number folded."""
        with self._write() as session:
            ids = list(
                session.scalars(select(TicketRow.id).where(TicketRow.status.in_(OPEN_STATUSES)))
            )
            self._fold(session, {f"ticket:{ticket_id}" for ticket_id in ids})
        return len(ids)

    @staticmethod
    def _existing(session: Session, events: Sequence[Event]) -> dict[str, tuple[Event, int | None]]:
        """The events among `events` stored already (by id), each with its central seq."""
        found: dict[str, tuple[Event, int | None]] = {}
        ids = list(dict.fromkeys(event.id for event in events))
        connection = session.connection()
        parse_time, parse_data = datetime.fromisoformat, json.loads
        for chunk in _chunks(ids):
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

    @staticmethod
    def _streams_with_events(session: Session, streams: Sequence[str]) -> set[str]:
        """Those of `streams` that have at least one stored event."""
        found: set[str] = set()
        for chunk in _chunks(streams):
            found.update(
                session.scalars(
                    select(EventRow.stream).where(EventRow.stream.in_(chunk)).distinct()
                )
            )
        return found

    def _insert(
        self,
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
            else {key: event for key, (event, _) in self._existing(session, events).items()}
        )
        next_order = (session.scalar(select(func.max(EventRow.local_order))) or 0) + 1
        recorded_at = _utc_now().isoformat()
        base_seq = self._cursor(session) if origin == "local" else None
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
            connection = session.connection()
            connection.exec_driver_sql(_INSERT_EVENT, event_rows)
            if origin == "local":
                outbox = [{"event_id": row[0], "created": recorded_at} for row in event_rows]
                connection.execute(insert(Base.metadata.tables["outbox"]), outbox)
        return new

    def _fold(
        self,
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
        moment = self._clock()

        def now() -> datetime:
            """One moment for the whole batch: the clock is read once, not per ticket."""
            return moment

        ordered = sorted(streams, key=fold_order)
        references = [s for s in ordered if s.partition(":")[0] in FOLDED_FIRST]
        dependants: set[str] = set()
        for stream in references:
            dependants |= fold_stream(session, stream, now, fresh.get(stream), strict)
        # Tickets look up their organisation: reference rows must be in the database first.
        session.flush()
        others = [s for s in ordered if s.partition(":")[0] not in FOLDED_FIRST]
        others += sorted(dependants - streams)
        # Per chunk: the events and rows in a few queries, no autoflush per stream, and the
        # rows out in one batched statement (loading demo data is mostly this loop).
        for chunk in _chunks(others):
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

    # ------------------------------------------------------------------ outbox

    def pending_outbox(self, limit: int = 100) -> list[Event]:
        """Up to `limit` events central has not confirmed (nor rejected), oldest first."""
        columns = (EventRow.id, EventRow.stream, EventRow.type, EventRow.at, EventRow.actor)
        with self._read() as session:
            # Plain rows, no ORM objects: a push reads the outbox in large batches.
            rows = session.execute(
                select(*columns, EventRow.data)
                .join(OutboxRow, OutboxRow.event_id == EventRow.id)
                .where(OutboxRow.status == "pending")
                .order_by(EventRow.local_order)
                .limit(limit)
            )
            return [
                Event(
                    id=row.id,
                    stream=row.stream,
                    type=row.type,
                    at=datetime.fromisoformat(row.at),
                    actor=row.actor,
                    data=json.loads(row.data),
                )
                for row in rows
            ]

    def mark_sent(self, ids: Iterable[str] | Mapping[str, int | None]) -> int:
        """Removes the outbox rows of events central confirmed; returns how many. Given a
        mapping of id → central `seq`, the events also get their seq."""
        return self.apply_push_results(ids, {})

    def apply_push_results(
        self, confirmed: Iterable[str] | Mapping[str, int | None], rejected: Mapping[str, str]
    ) -> int:
        """One push's answers, in one transaction: `confirmed` events (accepted or duplicate;
        with their seq if a mapping) leave the outbox; `rejected` ones (id → central's
        reason) stay, marked rejected, and are left out of the projections. Returns the
        number of outbox rows removed."""
        seqs = dict(confirmed) if isinstance(confirmed, Mapping) else dict.fromkeys(confirmed)
        removed = 0
        with self._write() as session:
            for chunk in _chunks(list(seqs)):
                result = session.execute(delete(OutboxRow).where(OutboxRow.event_id.in_(chunk)))
                removed += int(getattr(result, "rowcount", 0) or 0)
            with_seq = [
                {"event_id": event_id, "new_seq": seq}
                for event_id, seq in seqs.items()
                if seq is not None
            ]
            if with_seq:
                session.connection().exec_driver_sql(
                    "UPDATE events SET seq = :new_seq WHERE id = :event_id AND seq IS NULL",
                    with_seq,
                )
            if rejected:
                now = _utc_now().isoformat()
                session.connection().exec_driver_sql(
                    "UPDATE outbox SET status = 'rejected', reason = :reason, "
                    "rejected_at = :now WHERE event_id = :event_id",
                    [
                        {"event_id": event_id, "reason": reason, "now": now}
                        for event_id, reason in rejected.items()
                    ],
                )
                streams = set(
                    session.scalars(select(EventRow.stream).where(EventRow.id.in_(list(rejected))))
                )
                self._fold(session, streams)
        if rejected:
            log.warning("central rejected %d event(s)", len(rejected))
        return removed

    def record_send_failure(self, ids: Iterable[str], error: str) -> None:
        """Counts a failed delivery attempt for these outbox rows and keeps the reason."""
        unique = list(dict.fromkeys(ids))
        with self._write() as session:
            for chunk in _chunks(unique):
                session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.event_id.in_(chunk))
                    .values(attempts=OutboxRow.attempts + 1, last_error=error)
                )

    def outbox_size(self) -> int:
        """Events still to be sent (rejected ones not counted)."""
        with self._read() as session:
            return int(
                session.scalar(
                    select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "pending")
                )
                or 0
            )

    def rejected_events(self) -> list[RejectedEvent]:
        """Our events central refused, oldest first, each with central's reason."""
        with self._read() as session:
            rows = session.execute(
                select(EventRow, OutboxRow.reason, OutboxRow.rejected_at)
                .join(OutboxRow, OutboxRow.event_id == EventRow.id)
                .where(OutboxRow.status == "rejected")
                .order_by(EventRow.local_order)
            ).all()
            return [
                RejectedEvent(
                    event_from_row(row),
                    reason or "",
                    datetime.fromisoformat(rejected_at) if rejected_at else _utc_now(),
                )
                for row, reason, rejected_at in rows
            ]

    def dismiss_rejected(self, event_id: str, actor: str, note: str = "") -> Event | None:
        """A person saw a refused event and chose not to send it again: it stays stored (and
        out of the folds, as refused), leaves the list of refused events, and the choice is
        recorded on the ticket as a `comment` (kind `refused_event_dismissed`, with central's
        reason) in the same transaction. Returns that comment (None for a non-ticket event,
        or for a refused dismissal itself).
        Raises UnknownStream if `event_id` is not a refused event of this cache."""
        with self._write() as session:
            row = session.execute(
                select(EventRow, OutboxRow)
                .join(OutboxRow, OutboxRow.event_id == EventRow.id)
                .where(EventRow.id == event_id, OutboxRow.status == "rejected")
            ).first()
            if row is None:
                raise UnknownStream(event_id, "not an event central refused here")
            event_row, outbox_row = row
            outbox_row.status = "dismissed"
            if not event_row.stream.startswith("ticket:") or _is_dismissal(event_row):
                return None  # a refused dismissal is not recorded again: no endless chain
            data = {
                "kind": "refused_event_dismissed",
                "event": event_row.id,
                "event_type": event_row.type,
                "reason": outbox_row.reason or "",
                "text": note.strip() or f"{event_row.type} niet opnieuw verstuurd",
            }
            comment = self._stamped(session, event_row.stream, "comment", actor, data, None)
            self._insert(session, [comment], origin="local")
            self._fold(session, {comment.stream}, frozenset({comment.id}))
        return comment

    def send_again(self, ids: Iterable[str]) -> int:
        """Puts rejected events back in the outbox (after the cause was fixed); returns how
        many. They take part in the projections again."""
        unique = list(dict.fromkeys(ids))
        with self._write() as session:
            result = session.execute(
                update(OutboxRow)
                .where(OutboxRow.event_id.in_(unique), OutboxRow.status == "rejected")
                .values(status="pending", reason=None, rejected_at=None)
            )
            streams = set(session.scalars(select(EventRow.stream).where(EventRow.id.in_(unique))))
            self._fold(session, streams)
        return int(getattr(result, "rowcount", 0) or 0)

    def last_pulled_seq(self) -> int:
        """The highest central `seq` pulled so far (0 before the first pull)."""
        with self._read() as session:
            return self._cursor(session)

    # ------------------------------------------------------------------ clock offset

    def clock_offset(self) -> ClockOffset | None:
        """The last measured offset to central's clock, or None before the first contact."""
        with self._read() as session:
            row = session.get(SyncCursor, 1)
            if row is None or row.clock_offset_ms is None or row.clock_measured_at is None:
                return None
            return ClockOffset(
                timedelta(milliseconds=row.clock_offset_ms),
                datetime.fromisoformat(row.clock_measured_at),
            )

    def save_clock_offset(self, offset: timedelta, measured_at: datetime) -> None:
        """Keeps the offset measured at a contact with central (survives restarts)."""
        if measured_at.tzinfo is None:
            raise InvalidEvent(None, "measured_at", "a time without UTC offset")
        with self._write(repeatable=True) as session:  # measured again at the next contact
            session.execute(
                update(SyncCursor)
                .where(SyncCursor.id == 1)
                .values(
                    clock_offset_ms=round(offset / timedelta(milliseconds=1)),
                    clock_measured_at=measured_at.isoformat(),
                )
            )

    # ------------------------------------------------------------------ conflicts

    def conflicts(self, open_only: bool = False) -> list[ConflictView]:
        """Concurrent edits found while pulling, oldest first."""
        query = select(ConflictRow).order_by(ConflictRow.detected_at, ConflictRow.id)
        if open_only:
            query = query.where(ConflictRow.status == "open")
        with self._read() as session:
            rows = list(session.scalars(query))
            ids = {row.local_event_id for row in rows} | {row.remote_event_id for row in rows}
            events = {event.id: event for event in self._events_by_id(session, sorted(ids))}
            return [
                ConflictView(
                    id=row.id,
                    ticket=row.ticket,
                    field=row.field,
                    local_event=events[row.local_event_id],
                    remote_event=events[row.remote_event_id],
                    status=row.status,
                    detected_at=datetime.fromisoformat(row.detected_at),
                    resolved_by=row.resolved_by,
                )
                for row in rows
            ]

    @staticmethod
    def _events_by_id(session: Session, ids: Sequence[str]) -> list[Event]:
        found: list[Event] = []
        for chunk in _chunks(ids):
            found += [
                event_from_row(row)
                for row in session.scalars(select(EventRow).where(EventRow.id.in_(chunk)))
            ]
        return found

    def resolve_conflict(
        self,
        conflict_id: str,
        chosen_event_id: str,
        actor: str,
        *,
        clock: RecordingClock | None = None,
    ) -> list[Event]:
        """Records a person's choice on a conflict: a `conflict_resolved` event naming both
        events, the field and the chosen value, plus, if the ticket does not show that value
        now, the event that sets it (`assigned`, `priority_changed`, `uplift_decided`). All
        in one transaction; returns the events recorded. Raises UnknownConflict."""
        with self._write() as session:
            row = session.get(ConflictRow, conflict_id)
            if row is None:
                raise UnknownConflict(conflict_id, "no such conflict")
            if row.status != "open":
                raise UnknownConflict(conflict_id, f"already resolved by event {row.resolved_by}")
            if chosen_event_id not in (row.local_event_id, row.remote_event_id):
                raise UnknownConflict(
                    conflict_id, f"chosen event {chosen_event_id} is not one of its two events"
                )
            chosen = self._events_by_id(session, [chosen_event_id])[0]
            value = field_value(chosen)
            stream = chosen.stream
            resolution = self._stamped(
                session,
                stream,
                "conflict_resolved",
                actor,
                {
                    "conflict": conflict_id,
                    "events": sorted([row.local_event_id, row.remote_event_id]),
                    "field": row.field,
                    "value": value,
                    "chosen_event": chosen_event_id,
                },
                clock,
            )
            recorded = [resolution]
            current = [
                event
                for event in fold_events(session, [stream])[stream]
                if row.field != STATUS_FIELD and event.type == chosen.type
            ]
            if row.field != STATUS_FIELD and (not current or field_value(current[-1]) != value):
                keep = {k: v for k, v in chosen.data.items() if k not in _STAMP_FIELDS}
                recorded.append(self._stamped(session, stream, chosen.type, actor, keep, clock))
            self._insert(session, recorded, origin="local")
            self._fold(session, {stream}, frozenset(event.id for event in recorded))
            self._settle_conflicts(session, recorded)
        log.info("conflict %s resolved (%s)", conflict_id, row.field)
        return recorded

    # ------------------------------------------------------------------ reading

    def events_for(self, stream: str) -> list[Event]:
        """The events of `stream`, ordered by `at`, then by the order they were stored."""
        with self._read() as session:
            return stream_events(session, stream)

    def events_for_streams(self, streams: Sequence[str]) -> dict[str, list[Event]]:
        """The events of several streams in fold order (those central confirmed by `seq`,
        then unsent ones; rejected ones left out), in a few queries."""
        found: dict[str, list[Event]] = {}
        with self._read() as session:
            for chunk in _chunks(list(dict.fromkeys(streams))):
                found.update(fold_events(session, chunk))
        return found

    def ticket(self, ticket_id: str) -> TicketView | None:
        with self._read() as session:
            row = session.get(TicketRow, ticket_id)
            return TicketView.from_row(row) if row is not None else None

    def tickets_by_id(self, ids: Iterable[str]) -> list[TicketView]:
        """The tickets with these ids that exist, oldest report first."""
        found: list[TicketView] = []
        with self._read() as session:
            for chunk in _chunks(sorted(set(ids))):
                query = select(TicketRow).where(TicketRow.id.in_(chunk))
                found += [TicketView.from_row(row) for row in session.scalars(query)]
        return sorted(found, key=lambda t: (t.reported_at, t.id))

    def open_ticket_ids(self, due_before: datetime) -> set[str]:
        """Ids of what `tickets(open_only=True, due_before=...)` returns, without reading
        the rows: the reminders' candidates, asked for every 30 seconds."""
        query = select(TicketRow.id).where(
            TicketRow.status.in_(OPEN_STATUSES),
            or_(
                TicketRow.next_due_utc_us <= utc_us(due_before),
                TicketRow.overdue.is_not(False),
            ),
        )
        with self._read() as session:
            return set(session.scalars(query))

    def tickets(
        self, open_only: bool = False, due_before: datetime | None = None
    ) -> list[TicketView]:
        """All tickets (or the open and waiting ones), oldest report first.

        `due_before` keeps only the tickets that may need attention by then: a stored next
        deadline (snapshot of the last fold) before that moment, or a clock already overdue
        at the last fold. Deadlines only move when an event folds the ticket again, so
        this narrows tens of thousands of tickets to the few worth a live evaluation."""
        query = select(TicketRow).order_by(TicketRow.reported_at_utc_us, TicketRow.id)
        if open_only:
            query = query.where(TicketRow.status.in_(OPEN_STATUSES))
        if due_before is not None:
            query = query.where(
                or_(
                    TicketRow.next_due_utc_us <= utc_us(due_before),
                    TicketRow.overdue.is_not(False),
                )
            )
        with self._read() as session:
            return [TicketView.from_row(row) for row in session.scalars(query)]

    def change_marker(self) -> int:
        """Where the cache stands now (the newest event's `local_order`): what
        `tickets_changed_since` counts from. Read it before reading what it guards."""
        with self._read() as session:
            return int(session.scalar(select(func.max(EventRow.local_order))) or 0)

    def tickets_changed_since(self, marker: int) -> set[str] | None:
        """Ids of the tickets that got events after `marker`, or None when something every
        ticket row may depend on changed too (an organisation, an employee's name, a
        contract profile): then the whole list must be read again. Devices, swaps, stock,
        depots and locations do not change ticket rows."""
        query = select(EventRow.stream).where(EventRow.local_order > marker).distinct()
        with self._read() as session:
            streams = session.scalars(query).all()
        changed: set[str] = set()
        for stream in streams:
            kind, _, key = stream.partition(":")
            if kind == "ticket":
                changed.add(key)
            elif kind not in _KINDS_OUTSIDE_TICKET_ROWS:
                return None
        return changed

    def streams_written_since(self, marker: int) -> set[tuple[str, str]]:
        """(stream, event type) of every event stored after `marker` (`change_marker()`):
        what `halt_desk.changes` tells the screens."""
        query = select(EventRow.stream, EventRow.type).where(EventRow.local_order > marker)
        with self._read() as session:
            return {(stream, kind) for stream, kind in session.execute(query.distinct())}

    def ticket_list(self, ids: Iterable[str] | None = None) -> list[tuple[Any, ...]]:
        """Every ticket (or the ones with these ids) as a light tuple for lists of tens of
        thousands of rows: (id, org, caller id, caller name, summary, priority, uplift,
        status, reported_at, next_due, assignee), times as ISO text, oldest report first.
        One query per 500 ids, no ORM objects."""
        if ids is None:
            return [row[:-1] for row in self._ticket_list(None)]
        wanted = sorted(set(ids))
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(wanted), 500):
            found += self._ticket_list(wanted[start : start + 500])
        return [row[:-1] for row in sorted(found, key=lambda row: (row[-1], row[0]))]

    def _ticket_list(self, ids: list[str] | None) -> list[tuple[Any, ...]]:
        """Rows as `ticket_list` gives them, each with reported_at_utc_us appended."""
        query = (
            select(
                TicketRow.id,
                TicketRow.org,
                TicketRow.caller,
                Employee.name,
                TicketRow.summary,
                TicketRow.priority,
                TicketRow.uplift,
                TicketRow.status,
                TicketRow.reported_at,
                TicketRow.next_due,
                TicketRow.assignee,
                TicketRow.reported_at_utc_us,
            )
            .outerjoin(Employee, Employee.id == TicketRow.caller)
            .order_by(TicketRow.reported_at_utc_us, TicketRow.id)
        )
        if ids is not None:
            query = query.where(TicketRow.id.in_(ids))
        with self._read() as session:
            return [tuple(row) for row in session.execute(query)]

    def device(self, asset_tag: str) -> DeviceView | None:
        with self._read() as session:
            row = session.get(DeviceRow, asset_tag)
            return DeviceView.from_row(row) if row is not None else None

    def devices(self, depot: str | None = None) -> list[DeviceView]:
        query = select(DeviceRow).order_by(DeviceRow.asset_tag)
        if depot is not None:
            query = query.where(DeviceRow.depot == depot)
        with self._read() as session:
            return [DeviceView.from_row(row) for row in session.scalars(query)]

    def organisation_profile(self, org_id: str) -> str:
        """The contract profile name of an organisation; UnknownStream if it is not known."""
        with self._read() as session:
            profile = session.scalar(select(Organisation.profile).where(Organisation.id == org_id))
        if profile is None:
            raise UnknownStream(f"org:{org_id}", "organisation is not known")
        return profile

    def profile(self, name: str) -> Profile:
        """The contract profile `name` as this cache knows it: published through the changes
        feed, else built in."""
        with self._read() as session:
            return published_profile(session, name)

    def organisation_contract(self, org_id: str) -> Profile:
        """The contract profile an organisation's tickets are evaluated with."""
        return self.profile(self.organisation_profile(org_id))

    def employees(self) -> list[dict[str, Any]]:
        """The employee directory (id, name, org, email, phone, team, location, role), by
        name: small enough to hold in memory for the caller lookup."""
        query = select(
            Employee.id,
            Employee.name,
            Employee.org,
            Employee.email,
            Employee.phone,
            Employee.team,
            Employee.location,
            Employee.role,
        ).order_by(Employee.name, Employee.id)
        with self._read() as session:
            return [dict(row._mapping) for row in session.execute(query)]

    def references(self, kind: str) -> dict[str, dict[str, Any]]:
        """Every reference record of one kind (`org`, `employee`, `location`, `depot`):
        id → all its fields."""
        model = REFERENCE_MODELS.get(kind)
        if model is None:
            raise ValueError(f"{kind!r} is not a kind of reference record")
        with self._read() as session:
            return {row.id: json.loads(row.fields) for row in session.scalars(select(model))}

    def reference(self, stream: str) -> dict[str, Any] | None:
        """All fields of a reference record (`org:<id>`, `employee:<id>`, …), or None."""
        kind, _, key = stream.partition(":")
        model = REFERENCE_MODELS.get(kind)
        if model is None:
            raise ValueError(f"{stream!r} is not a reference stream")
        with self._read() as session:
            row = session.get(model, key)
            if row is None:
                return None
            fields: dict[str, Any] = json.loads(row.fields)
            return fields

    # ------------------------------------------------------------------ logistics reads

    def streams_of_kind(self, kind: str, types: Iterable[str] | None = None) -> list[str]:
        """The streams of one kind (`swap`, `device`, …) that have events, optionally only
        those with an event of one of `types`; sorted. A range scan of the stream index."""
        query = select(EventRow.stream).where(
            EventRow.stream >= f"{kind}:", EventRow.stream < f"{kind};"
        )
        if types is not None:
            query = query.where(EventRow.type.in_(sorted(set(types))))
        with self._read() as session:
            return sorted(set(session.scalars(query.distinct())))

    def device_by_serial(self, serial: str) -> DeviceView | None:
        """The device with this serial number (case-insensitive), or None."""
        with self._read() as session:
            row = session.scalars(
                select(DeviceRow).where(func.upper(DeviceRow.serial) == serial.upper()).limit(1)
            ).first()
            return DeviceView.from_row(row) if row is not None else None

    def has_event_before(self, event_type: str, moment: datetime) -> bool:
        """Whether any event of `event_type` happened at or before `moment`."""
        query = (
            select(EventRow.id)
            .where(EventRow.type == event_type, EventRow.at_utc_us <= utc_us(moment))
            .limit(1)
        )
        with self._read() as session:
            return session.scalar(query) is not None

    def purge_fields(self, event_ids: Iterable[str], keys: Iterable[str]) -> int:
        """Removes `keys` from the data of these events (personal data past its retention,
        DESIGN §2.6) and marks them `purged`; returns how many changed. Events still
        waiting in the outbox are left alone (central must get them whole first). The only
        rewrite of stored events besides `seq`; the projections are folded again."""
        unique = list(dict.fromkeys(event_ids))
        drop = frozenset(keys)
        changed = 0
        with self._write() as session:
            streams: set[str] = set()
            for chunk in _chunks(unique):
                rows = session.scalars(
                    select(EventRow)
                    .outerjoin(OutboxRow, OutboxRow.event_id == EventRow.id)
                    .where(EventRow.id.in_(chunk), OutboxRow.event_id.is_(None))
                )
                for row in rows:
                    data = json.loads(row.data)
                    if not drop & data.keys():
                        continue
                    kept = {k: v for k, v in data.items() if k not in drop}
                    kept["purged"] = sorted(drop & data.keys())
                    row.data = json.dumps(kept, sort_keys=True, ensure_ascii=False)
                    streams.add(row.stream)
                    changed += 1
            session.flush()
            self._fold(session, streams)
        if changed:
            log.info("purged personal data from %d event(s)", changed)
        return changed
