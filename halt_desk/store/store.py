"""The local cache: `Store.record_event()` is the one way to change state on this machine.

An event, its outbox row and the projections it changes are written in one SQLite
transaction (BEGIN IMMEDIATE), so the timeline, the outbox and the clocks never disagree.
Reads use deferred transactions and never wait for a writer (WAL).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.orm import Session

from halt_desk.domain.clocks import TicketStatus
from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import Profile
from halt_desk.paths import user_data_dir
from halt_desk.store.engine import create_store_engine, read_only
from halt_desk.store.errors import EventConflict, UnknownStream
from halt_desk.store.models import (
    REFERENCE_MODELS,
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
    Clock,
    event_from_row,
    fold_order,
    fold_stream,
    load_projection_rows,
    published_profile,
    stream_events,
    streams_events,
    utc_us,
)
from halt_desk.store.schema import upgrade_schema

log = logging.getLogger(__name__)

CACHE_FILE_NAME = "cache.sqlite3"
OPEN_STATUSES: tuple[str, ...] = (TicketStatus.OPEN.value, TicketStatus.WAITING.value)
#: Ids per IN (...) clause; well under SQLite's bound-parameter limit.
_CHUNK = 500


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


def _validated(event: Event) -> Event:
    """The event as it would arrive over the wire: validated, `data` made plain JSON."""
    try:
        wire = json.loads(json.dumps(event.to_json(), allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise InvalidEvent(event.id, "data", f"not plain JSON: {exc}") from None
    return Event.from_json(wire)


def _difference(stored: Event, offered: Event) -> str:
    old, new = stored.to_json(), offered.to_json()
    fields = [key for key in new if old.get(key) != new.get(key)]
    return ", ".join(f"{key} differs" for key in fields) or "content differs"


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class Store:
    """The local SQLite cache of one user. Safe to share between threads; each call uses
    its own session. Open with `Store.open()`, close with `close()` or a `with` block."""

    def __init__(self, path: Path, engine: Engine, clock: Clock, backup: Path | None) -> None:
        self._path = path
        self._engine = engine
        self._reader = read_only(engine)
        self._clock = clock
        self._backup = backup

    @classmethod
    def open(cls, path: Path | None = None, *, clock: Clock | None = None) -> Store:
        """Opens (creating or migrating) the cache at `path`, default `default_path()`.

        `clock` gives the moment ticket clocks are evaluated at (default: the system time).
        Raises SchemaTooNew, without touching the file, if a newer HALT Desk wrote it.
        """
        target = Path(path) if path is not None else default_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        engine = create_store_engine(target)
        try:
            backup = upgrade_schema(target, engine)
        except BaseException:
            engine.dispose()
            raise
        log.debug("opened the local cache %s", target.name)
        return cls(target, engine, clock or _utc_now, backup)

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
    def _write(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE): committed on success, else rolled back."""
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
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
            self._fold(session, {event.stream})
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
            self._fold(session, {event.stream for event in new})
        log.info("recorded %d new of %d events in one transaction", len(new), len(batch))
        return len(new)

    def ingest_remote(self, events_with_seq: Iterable[tuple[int, Event]]) -> int:
        """Stores events pulled from central as `(seq, event)` pairs, in one transaction.

        No outbox rows; origin 'remote'. An event already here (our own, sent earlier)
        gets its `seq` and leaves the outbox. Projections are folded and the sync cursor
        moves to the highest seq seen. Returns the number of new events.
        """
        batch = [(seq, _validated(event)) for seq, event in events_with_seq]
        if not batch:
            return 0
        with self._write() as session:
            seqs = {event.id: seq for seq, event in batch}
            known = self._existing(session, [event for _, event in batch])
            for row in known.values():
                if row.seq is None:
                    row.seq = seqs[row.id]
            for chunk in _chunks(list(known)):
                session.execute(delete(OutboxRow).where(OutboxRow.event_id.in_(chunk)))
            new = self._insert(session, [event for _, event in batch], "remote", seqs, known)
            self._fold(session, {event.stream for event in new})
            top = max(seqs.values())
            session.execute(
                update(SyncCursor)
                .where(SyncCursor.id == 1, SyncCursor.last_seq < top)
                .values(last_seq=top, updated_at=_utc_now().isoformat())
            )
        log.info("ingested %d new of %d remote events (up to seq %d)", len(new), len(batch), top)
        return len(new)

    def refresh_tickets(self) -> int:
        """Evaluates the clocks of every open ticket again at the current time (the stored
        `next_due`, `status` and `within_norm` are snapshots). Returns the number folded."""
        with self._write() as session:
            ids = list(
                session.scalars(select(TicketRow.id).where(TicketRow.status.in_(OPEN_STATUSES)))
            )
            self._fold(session, {f"ticket:{ticket_id}" for ticket_id in ids})
        return len(ids)

    def _existing(self, session: Session, events: Sequence[Event]) -> dict[str, EventRow]:
        found: dict[str, EventRow] = {}
        ids = list(dict.fromkeys(event.id for event in events))
        for chunk in _chunks(ids):
            for row in session.scalars(select(EventRow).where(EventRow.id.in_(chunk))):
                found[row.id] = row
        return found

    def _insert(
        self,
        session: Session,
        events: Sequence[Event],
        origin: str,
        seqs: dict[str, int] | None = None,
        known: dict[str, EventRow] | None = None,
    ) -> list[Event]:
        """Adds the events not stored yet (and their outbox rows for local ones); returns
        them. A known id with other content raises EventConflict."""
        stored = {
            event_id: event_from_row(row)
            for event_id, row in (
                known if known is not None else self._existing(session, events)
            ).items()
        }
        next_order = (session.scalar(select(func.max(EventRow.local_order))) or 0) + 1
        recorded_at = _utc_now().isoformat()
        new: list[Event] = []
        event_rows: list[dict[str, Any]] = []
        for event in events:
            previous = stored.get(event.id)
            if previous is not None:
                if previous.content_key() != event.content_key():
                    raise EventConflict(event.id, _difference(previous, event))
                continue
            stored[event.id] = event
            new.append(event)
            event_rows.append(
                {
                    "id": event.id,
                    "stream": event.stream,
                    "type": event.type,
                    "at": event.at.isoformat(),
                    "at_utc_us": utc_us(event.at),
                    "actor": event.actor,
                    "data": json.dumps(dict(event.data), sort_keys=True, ensure_ascii=False),
                    "recorded_at": recorded_at,
                    "local_order": next_order + len(event_rows),
                    "seq": seqs.get(event.id) if seqs is not None else None,
                    "origin": origin,
                }
            )
        if event_rows:
            # Core-style bulk INSERTs: no ORM object per event (bulk loads stay fast).
            session.execute(insert(EventRow), event_rows)
            if origin == "local":
                outbox = [{"event_id": row["id"], "created": recorded_at} for row in event_rows]
                session.execute(insert(OutboxRow), outbox)
        return new

    def _fold(self, session: Session, streams: set[str]) -> None:
        """Folds the projections of `streams`, reference data first, then whatever depends
        on a changed row (tickets of an organisation whose profile changed)."""
        ordered = sorted(streams, key=fold_order)
        references = [s for s in ordered if s.partition(":")[0] in FOLDED_FIRST]
        dependants: set[str] = set()
        for stream in references:
            dependants |= fold_stream(session, stream, self._clock)
        # Tickets look up their organisation: reference rows must be in the database first.
        session.flush()
        others = [s for s in ordered if s.partition(":")[0] not in FOLDED_FIRST]
        others += sorted(dependants - streams)
        # Per chunk: the events and rows in a few queries, no autoflush per stream, and the
        # new rows out in one batched INSERT (loading demo data is mostly this loop).
        for chunk in _chunks(others):
            events = streams_events(session, chunk)
            with session.no_autoflush:
                loaded = load_projection_rows(session, chunk)
                for stream in chunk:
                    fold_stream(session, stream, self._clock, events[stream])
            session.flush()
            del loaded

    # ------------------------------------------------------------------ outbox

    def pending_outbox(self, limit: int = 100) -> list[Event]:
        """Up to `limit` events central has not confirmed, oldest first."""
        with self._read() as session:
            rows = session.scalars(
                select(EventRow)
                .join(OutboxRow, OutboxRow.event_id == EventRow.id)
                .order_by(EventRow.local_order)
                .limit(limit)
            )
            return [event_from_row(row) for row in rows]

    def mark_sent(self, ids: Iterable[str]) -> int:
        """Removes the outbox rows of events central confirmed; returns how many."""
        removed = 0
        unique = list(dict.fromkeys(ids))
        with self._write() as session:
            for chunk in _chunks(unique):
                result = session.execute(delete(OutboxRow).where(OutboxRow.event_id.in_(chunk)))
                removed += int(getattr(result, "rowcount", 0) or 0)
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
        with self._read() as session:
            return int(session.scalar(select(func.count()).select_from(OutboxRow)) or 0)

    def last_pulled_seq(self) -> int:
        """The highest central `seq` pulled so far (0 before the first pull)."""
        with self._read() as session:
            return int(session.scalar(select(SyncCursor.last_seq).where(SyncCursor.id == 1)) or 0)

    # ------------------------------------------------------------------ reading

    def events_for(self, stream: str) -> list[Event]:
        """The events of `stream`, ordered by `at`, then by the order they were stored."""
        with self._read() as session:
            return stream_events(session, stream)

    def events_for_streams(self, streams: Sequence[str]) -> dict[str, list[Event]]:
        """The events of several streams (each ordered as `events_for`), in a few queries."""
        found: dict[str, list[Event]] = {}
        with self._read() as session:
            for chunk in _chunks(list(dict.fromkeys(streams))):
                found.update(streams_events(session, chunk))
        return found

    def ticket(self, ticket_id: str) -> TicketView | None:
        with self._read() as session:
            row = session.get(TicketRow, ticket_id)
            return TicketView.from_row(row) if row is not None else None

    def tickets(self, open_only: bool = False) -> list[TicketView]:
        """All tickets (or the open and waiting ones), oldest report first."""
        query = select(TicketRow).order_by(TicketRow.reported_at_utc_us, TicketRow.id)
        if open_only:
            query = query.where(TicketRow.status.in_(OPEN_STATUSES))
        with self._read() as session:
            return [TicketView.from_row(row) for row in session.scalars(query)]

    def ticket_list(self) -> list[tuple[Any, ...]]:
        """Every ticket as a light tuple for lists of tens of thousands of rows: (id, org,
        caller id, caller name, summary, priority, uplift, status, reported_at, next_due,
        assignee), times as ISO text, oldest report first. One query, no ORM objects."""
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
            )
            .outerjoin(Employee, Employee.id == TicketRow.caller)
            .order_by(TicketRow.reported_at_utc_us, TicketRow.id)
        )
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
