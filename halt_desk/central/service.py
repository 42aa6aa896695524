"""The central API's work without HTTP: record batches, serve changes, users, audit.

Every batch runs in one transaction that first locks the sequence counter, so batches
are applied one at a time and `seq` values become visible strictly in order (the changes
feed can never skip an event that commits later with a lower `seq`). Each event of a
batch is checked on its own and written under a savepoint: a rejected event never blocks
the others, and a crash mid-batch leaves nothing of that batch behind.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import json
import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Select,
    bindparam,
    create_engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry

from halt_desk.central import audit
from halt_desk.central.auth import (
    HOME_ADDRESS_FIELDS,
    Role,
    User,
    check_may_read,
    check_may_record,
    may_see_home_address,
    new_token,
    token_hash,
)
from halt_desk.central.bulk import (
    GroupTransaction,
    Statement,
    group_transaction,
    in_list,
    is_postgresql,
)
from halt_desk.central.migrate import upgrade
from halt_desk.central.schema import (
    audit_log,
    devices,
    events,
    organisations,
    reference_records,
    seq_counter,
    tickets,
    users,
)
from halt_desk.central.stream_cache import MISSING, Missing, StreamCache
from halt_desk.domain.calendar import FIRST_YEAR, LAST_YEAR
from halt_desk.domain.clocks import evaluate
from halt_desk.domain.clockspec import CLOCK_NAMES
from halt_desk.domain.devices import DeviceFold, DeviceState, apply_device_event
from halt_desk.domain.errors import HaltDeskError, InvalidEvent, OutOfCalendarRange
from halt_desk.domain.events import Event, check_storable, event_text, is_unicode, new_event
from halt_desk.domain.profiles import Profile, profile_document, resolve_profile
from halt_desk.domain.swaps import SwapFold, apply_swap_event, check_stock_event
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.paths import user_data_dir

if sys.platform != "win32":
    import fcntl

log = logging.getLogger(__name__)

#: An event more than this far ahead of the server clock is flagged (never rewritten).
CLOCK_AHEAD_LIMIT_SECONDS = 300
MAX_BATCH = 1000
MAX_PAGE = 5000
#: Ticket events still taken on a closed ticket (a conflict about the closing is settled
#: after it, so its resolution must be accepted too).
AFTER_CLOSE_TYPES = frozenset({"comment", "csat_recorded", "conflict_resolved"})


class UnknownUser(HaltDeskError):
    pass


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


def default_url() -> str:
    return f"sqlite+pysqlite:///{user_data_dir() / 'central.sqlite3'}"


def create_central_engine(url: str) -> Engine:
    """SQLite gets the cache's pragmas and BEGIN IMMEDIATE; PostgreSQL a connection pool.

    synchronous=FULL stays on the central too, though NORMAL (with WAL) would save a disk
    flush per group commit and still survive a kill of the server: a client drops an event
    from its outbox once the central accepted it, so a commit lost on power loss would be
    an event lost everywhere, and `seq` values handed out would be given out again."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        from halt_desk.store.engine import create_store_engine

        if not parsed.database:
            raise HaltDeskError("a SQLite central database needs a file path")
        return create_store_engine(Path(parsed.database))
    # Parameters stay out of error messages and logs: they hold personal data and hashes.
    engine = create_engine(url, pool_size=10, max_overflow=20, hide_parameters=True)
    _ping_after_idle(engine)
    return engine


#: A pooled PostgreSQL connection that lay unused for longer than this is pinged before it
#: is handed out again.
IDLE_PING_SECONDS = 1.0


def _ping_after_idle(engine: Engine) -> None:
    """SQLAlchemy's `pool_pre_ping`, but only for connections that lay idle.

    Under load the writer takes a connection for every group commit, and a ping each time
    was a round trip more per commit (about a sixth of the writer's time). A connection in
    steady use is known to be alive; one lost in between (PostgreSQL restarted within the
    last second) fails its transaction with a lost-connection error, which invalidates the
    whole pool, and the writer then tries that group once more on a new connection.
    """

    @sqlalchemy_event.listens_for(engine, "checkin")
    def checked_in(_: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @sqlalchemy_event.listens_for(engine, "checkout")
    def checked_out(dbapi_connection: Any, record: ConnectionPoolEntry, _: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            # The pool drops this connection and hands out a new one instead.
            raise DisconnectionError(f"connection lost while idle: {exc}") from exc


def lost_connection(exc: BaseException) -> bool:
    """Whether `exc` is the database connection going away (a restart, a network cut):
    worth one more try on a new connection, and otherwise a 503, not a bug."""
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _max_length(column: Column[Any]) -> int:
    """The length of a String column (the central's own schema gives every one)."""
    length = column.type.length  # type: ignore[attr-defined]
    assert isinstance(length, int)
    return length


def _column_text(event: Event, key: str, column: Column[Any]) -> str | None:
    """The optional text `data[key]` of `event`, that a projection stores in `column`:
    InvalidEvent if it is not text or longer than the column (a server error otherwise,
    from SQLite for a list, from PostgreSQL for text too long)."""
    value = event_text(event, key)
    limit = _max_length(column)
    if value is not None and len(value) > limit:
        raise InvalidEvent(event.id, f"data.{key}", f"longer than {limit} characters")
    return value


def _check_report_fields(event: Event) -> None:
    """The fields of a ticket event that the service-level report reads and refuses when
    wrong (reports/kpi.py): accepted here, one such event made the report of its whole
    organisation fail, on every desk."""
    if event.type == "csat_recorded":
        score = event.data.get("score")
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 10:
            raise InvalidEvent(event.id, "data.score", f"{score!r} is not a score 1–10")
    elif event.type == "comment":
        clock = event.data.get("clock")
        if clock is not None and (not isinstance(clock, str) or clock not in CLOCK_NAMES):
            known = ", ".join(CLOCK_NAMES)
            raise InvalidEvent(event.id, "data.clock", f"{clock!r} is not a clock ({known})")


def _content_hash(event: Event) -> str:
    return hashlib.sha256(event.content_key().encode("utf-8")).hexdigest()


#: An event of a batch as parsed before the write lock: the event and its content hash, or
#: the `rejected` result of something that is not a valid event.
_Parsed = tuple[Event | None, str, EventResult | None]


def _parse_batch(raw_events: Sequence[object]) -> list[_Parsed]:
    parsed: list[_Parsed] = []
    latest = datetime.now(UTC) + _LATEST_AHEAD
    for raw in raw_events:
        try:
            event = Event.from_json(raw)
            check_storable(event)
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
_ID_LENGTH = _max_length(events.c.id)
_STREAM_LENGTH = _max_length(events.c.stream)
_ACTOR_LENGTH = _max_length(events.c.actor)
#: The longest key of a stream kind whose key is also a projection's key (the profile's
#: name is stored with each organisation that uses it).
_KEY_LENGTHS = {
    "ticket": _max_length(tickets.c.id),
    "device": _max_length(devices.c.asset_tag),
    "org": _max_length(organisations.c.id),
    "profile": _max_length(organisations.c.profile),
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


# Statements of the push path, built once (building and cache-keying a statement costs
# more than running it on SQLite).
_LOCK_SEQ = select(seq_counter.c.value).where(seq_counter.c.id == 1).with_for_update()
_SET_SEQ = update(seq_counter).where(seq_counter.c.id == 1).values(value=bindparam("value"))
#: The writes of a group commit (values by parameter name).
_SET_TICKET = {
    name: update(tickets).where(tickets.c.id == bindparam("key")).values({name: bindparam("value")})
    for name in ("assignee", "closed")
}
_ADD_DEVICE = insert(devices).values(
    {name: bindparam(name) for name in ("asset_tag", "state", "swap", "fold")}
)
_SET_DEVICE = (
    update(devices)
    .where(devices.c.asset_tag == bindparam("tag"))
    .values({name: bindparam(name) for name in ("state", "swap", "fold")})
)
_ADD_REFERENCE = insert(reference_records).values(
    stream=bindparam("stream"), data=bindparam("data")
)
_SET_REFERENCE = (
    update(reference_records)
    .where(reference_records.c.stream == bindparam("key"))
    .values(data=bindparam("data"))
)
_DROP_ORGANISATION = delete(organisations).where(organisations.c.id == bindparam("id"))
_ADD_ORGANISATION = insert(organisations).values(
    {name: bindparam(name) for name in ("id", "name", "profile")}
)
_STORED_ID = select(events.c.id, events.c.seq, events.c.content_hash).where(
    events.c.id == bindparam("id")
)


@dataclass(frozen=True, slots=True)
class _Reads:
    """The reads that begin a group commit, each of the values of its list parameter
    `ids`: stored events by id, tickets by id, ticket histories by stream, device folds."""

    stored_ids: Select[Any]
    tickets: Select[Any]
    histories: Select[Any]
    devices: Select[Any]


@functools.cache
def _reads(postgresql: bool) -> _Reads:
    return _Reads(
        stored_ids=select(events.c.id, events.c.seq, events.c.content_hash).where(
            in_list(events.c.id, "ids", postgresql)
        ),
        tickets=select(tickets).where(in_list(tickets.c.id, "ids", postgresql)),
        histories=select(events)
        .where(in_list(events.c.stream, "ids", postgresql))
        .order_by(events.c.seq),
        devices=select(devices.c.asset_tag, devices.c.fold).where(
            in_list(devices.c.asset_tag, "ids", postgresql)
        ),
    )


_TICKET = select(tickets).where(tickets.c.id == bindparam("id"))
_HISTORY = select(events).where(events.c.stream == bindparam("stream")).order_by(events.c.seq)
_ORG_PROFILE = select(organisations.c.profile).where(organisations.c.id == bindparam("id"))
_DEVICE = select(devices.c.fold).where(devices.c.asset_tag == bindparam("tag"))
_REFERENCE = select(reference_records.c.data).where(
    reference_records.c.stream == bindparam("stream")
)
#: Most values one IN list gets (SQLite allows 32,766 parameters, PostgreSQL 65,535).
_IN_CHUNK = 500


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield list(values[start : start + _IN_CHUNK])


def _event_from_row(row: Mapping[Any, Any]) -> Event:
    return Event(
        id=row["id"],
        stream=row["stream"],
        type=row["type"],
        at=datetime.fromisoformat(row["at"]),
        actor=row["actor"],
        data=json.loads(row["data"]),
    )


def _published_profile(conn: Connection, name: str) -> Profile:
    document = conn.execute(
        select(reference_records.c.data).where(reference_records.c.stream == f"profile:{name}")
    ).scalar_one_or_none()
    return resolve_profile(name, json.loads(document)["toml"] if document is not None else None)


def _fold_to_json(fold: DeviceFold) -> str:
    return json.dumps(dataclasses.asdict(fold), sort_keys=True, default=str)


def _fold_from_json(text: str) -> DeviceFold:
    fields = json.loads(text)
    fields["state"] = DeviceState(fields["state"])
    return DeviceFold(**fields)


class _FileLock:
    """An exclusive `flock` on a file beside the SQLite database, for the writers of every
    process: a waiting process is woken the moment the lock is free. Where there is no
    `fcntl` (Windows), SQLite's own lock and busy handler do the job alone."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> None:
        if sys.platform == "win32":
            return
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        if sys.platform != "win32" and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Central:
    """The central store. Thread-safe: each call takes its own connection."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # On SQLite every transaction of the engine begins IMMEDIATE (a write lock); reads
        # go through a deferred-BEGIN view of the same pool so they never queue for it.
        if engine.dialect.name == "sqlite":
            from halt_desk.store.engine import read_only

            self.reader = read_only(engine)
        else:
            self.reader = engine
        # SQLite's busy handler polls with sleeps of up to 100 ms; queueing this process's
        # writers on a lock, and the writers of all processes on a file lock (server
        # workers, the CLI), keeps waits short and fair; a process that does not take the
        # file lock still waits through busy_timeout. PostgreSQL queues lock waiters itself,
        # but this process's writers queue on the lock there too: it is what lets one
        # writer at a time use and update the StreamCache, after its commit as well.
        self._local_writer = threading.Lock()
        self._process_writer: _FileLock | None = None
        if engine.dialect.name == "sqlite" and engine.url.database:
            self._process_writer = _FileLock(Path(f"{engine.url.database}-writer.lock"))
        self._streams = StreamCache()
        #: Goes up whenever this process adds or revokes a user: lets a cache of
        #: `authenticate` answers (the API's TokenCache) drop them at once.
        self.users_version = 0

    @classmethod
    def open(cls, url: str | None = None) -> Central:
        engine = create_central_engine(url or default_url())
        upgrade(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()
        if self._process_writer is not None:
            self._process_writer.close()

    def __enter__(self) -> Central:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._writer_lock(), self._begin_write() as conn:
            yield conn

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        """This process's writers one at a time; on SQLite, those of all processes."""
        with self._local_writer, self._process_writer or nullcontext():
            yield

    @contextmanager
    def _begin_write(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            # Serialise writers: the counter row stays locked until commit (PostgreSQL);
            # SQLite's BEGIN IMMEDIATE already holds the write lock.
            last_seq = conn.execute(_LOCK_SEQ).scalar_one()
            conn.info["last_seq"] = last_seq  # read under the lock; record_many starts here
            yield conn

    # ------------------------------------------------------------------ users
    def add_user(self, name: str, role: str, org: str | None = None) -> str:
        """Creates a user and returns its token; only the token's hash is kept."""
        try:
            role_value = Role(role)
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise HaltDeskError(f"unknown role {role!r} (known: {known})") from None
        if not name.strip():
            raise HaltDeskError("a user needs a name")
        token = new_token()
        with self._write() as conn:
            if conn.execute(select(users.c.id).where(users.c.name == name)).first():
                raise HaltDeskError(f"user {name!r} exists already")
            conn.execute(
                insert(users).values(
                    name=name,
                    role=role_value.value,
                    org=org,
                    token_hash=token_hash(token),
                    created_at=_now_iso(),
                )
            )
            self._audit(conn, "cli", "user.added", f"user:{name}", "local", {"role": role})
        self.users_version += 1
        return token

    def revoke_user(self, name: str) -> None:
        with self._write() as conn:
            result = conn.execute(
                update(users)
                .where(users.c.name == name, users.c.revoked_at.is_(None))
                .values(revoked_at=_now_iso())
            )
            if result.rowcount == 0:
                raise UnknownUser(f"no active user {name!r}")
            self._audit(conn, "cli", "user.revoked", f"user:{name}", "local", {})
        self.users_version += 1

    def authenticate(self, token: str) -> User | None:
        """The active user of `token`, read from the database every time (the API keeps
        the answers for a second in a TokenCache)."""
        with self.reader.connect() as conn:
            row = (
                conn.execute(
                    select(users).where(
                        users.c.token_hash == token_hash(token), users.c.revoked_at.is_(None)
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        return User(row["id"], row["name"], Role(row["role"]), row["org"])

    # ------------------------------------------------------------------ audit
    def _audit(
        self,
        conn: Connection,
        actor: str,
        action: str,
        obj: str,
        address: str,
        detail: Mapping[str, Any],
    ) -> None:
        audit.append(
            conn,
            audit_log,
            at=_now_iso(),
            actor=actor,
            action=action,
            object=obj,
            address=address,
            detail=dict(detail),
        )

    def audit_rows(
        self, user: User, address: str, after_id: int = 0, limit: int = 1000
    ) -> list[dict[str, Any]]:
        check_may_read(user, "audit")
        with self._write() as conn:
            rows = (
                conn.execute(
                    select(audit_log)
                    .where(audit_log.c.id > after_id)
                    .order_by(audit_log.c.id)
                    .limit(min(limit, MAX_PAGE))
                )
                .mappings()
                .all()
            )
            self._audit(conn, user.name, "audit.exported", "audit", address, {"after": after_id})
        return [dict(row) for row in rows]

    def verify_audit(
        self, checkpoints: Sequence[audit.Checkpoint] = ()
    ) -> list[audit.AuditProblem]:
        with self.reader.connect() as conn:
            return audit.verify_table(conn, audit_log, checkpoints=checkpoints)

    def audit_checkpoint(self) -> audit.Checkpoint | None:
        """The id and hash of the latest audit row, to keep outside the database."""
        with self.reader.connect() as conn:
            return audit.checkpoint(conn, audit_log)

    def publish_profile(self, document: str, name: str, actor: str) -> EventResult:
        """Records `document` (profile TOML) as `profile_registered` or `profile_updated` of
        `profile:<name>`, so it travels through the changes feed to every client."""
        stream = f"profile:{name}"
        with self.reader.connect() as conn:
            known = conn.execute(
                select(reference_records.c.stream).where(reference_records.c.stream == stream)
            ).first()
        event = new_event(
            stream,
            "profile_updated" if known else "profile_registered",
            datetime.now(UTC),
            actor,
            {"toml": document},
        )
        publisher = User(0, actor, Role.ADMIN, None)
        (result,) = self.record(publisher, [event.to_json()], "local")
        return result

    # ----------------------------------------------------------------- events
    def record(self, user: User, raw_events: Sequence[object], address: str) -> list[EventResult]:
        """Applies a batch event by event; results in the order of the batch.

        Every check of an event happens before anything of it is written, so a rejected
        event leaves no trace and needs no savepoint; accepted events are inserted together
        at the end, and the batch gets one audit entry listing each of them.
        """
        return self.record_many([(user, raw_events, address)])[0]

    def record_many(
        self, submissions: Sequence[tuple[User, Sequence[object], str]]
    ) -> list[list[EventResult]]:
        """Several batches (from concurrent requests) in one transaction, in the given order.

        One commit for all of them is what lets many small pushes share the cost of the
        write lock and the disk flush (group commit); each batch keeps its own results and
        its own audit entry. The reads they need (known ids, tickets, ticket histories,
        devices) are made once for all of them, and only for what the process's
        StreamCache does not hold; their events and audit entries are written with one
        multi-row insert each, so a push costs about the same few statements alone or in
        a group of fifty.
        """
        for _, raw_events, _ in submissions:
            if len(raw_events) > MAX_BATCH:
                raise HaltDeskError(f"a batch holds at most {MAX_BATCH} events")
        server_now = datetime.now(UTC)
        # Parsing and hashing need no database: done before taking the write lock.
        parsed = [_parse_batch(raw_events) for _, raw_events, _ in submissions]
        outcome: list[list[EventResult]] = []
        with self._writer_lock(), group_transaction(self.engine) as group:
            batch = _Batch(group, self._streams)
            seq = start_seq = batch.open(
                [item[0] for items in parsed for item in items if item[0] is not None]
            )
            rows: list[dict[str, Any]] = []
            entries: list[audit.Entry] = []
            for (user, _, address), items in zip(submissions, parsed, strict=True):
                results, accepted, seq = self._apply_batch(batch, user, items, seq, server_now)
                outcome.append(results)
                if accepted:
                    rows.extend(accepted)
                    entries.append(
                        audit.Entry(
                            at=_now_iso(),
                            actor=user.name,
                            action="events.recorded",
                            object="events",
                            address=address,
                            detail={
                                "events": [
                                    [r["seq"], r["id"], r["stream"], r["type"]] for r in accepted
                                ]
                            },
                        )
                    )
            batch.flush()
            group.insert_rows(events, rows)
            group.insert_rows(audit_log, audit.chained_rows(batch.audit_head, entries))
            if seq != start_seq:
                group.write(_SET_SEQ, {"value": seq})
            group.commit()  # the writes and COMMIT: one round trip on PostgreSQL
            # Committed, and still the only writer of this process: the cache may learn.
            batch.publish_to(start_seq, seq)
        return outcome

    def _apply_batch(
        self,
        batch: _Batch,
        user: User,
        items: list[_Parsed],
        seq: int,
        server_now: datetime,
    ) -> tuple[list[EventResult], list[dict[str, Any]], int]:
        """Results of one batch and the rows of its accepted events (not written yet)."""
        results: list[EventResult] = []
        rows: list[dict[str, Any]] = []
        for event, content, refused in items:
            if event is None:
                assert refused is not None
                results.append(refused)
                continue
            known = batch.stored_id(event.id)
            if known is not None:
                stored_seq, stored_hash = known
                if stored_hash == content:
                    results.append(EventResult(event.id, "duplicate", stored_seq))
                else:
                    results.append(
                        EventResult(event.id, "rejected", None, "id reused with different content")
                    )
                continue
            try:
                self._check_and_project(batch, user, event)
            except HaltDeskError as exc:
                results.append(EventResult(event.id, "rejected", None, str(exc)))
                continue
            seq += 1
            batch.accepted(event.id, seq, content)
            ahead = (event.at - server_now).total_seconds()
            flagged = int(ahead) if ahead > CLOCK_AHEAD_LIMIT_SECONDS else None
            rows.append(
                {
                    "seq": seq,
                    "id": event.id,
                    "stream": event.stream,
                    "type": event.type,
                    "at": event.at.isoformat(),
                    "at_utc_us": int(event.at.timestamp() * 1_000_000),
                    "actor": event.actor,
                    "data": json.dumps(dict(event.data), sort_keys=True),
                    "content_hash": content,
                    "received_at": server_now.isoformat(),
                    "received_by": user.name,
                    "clock_ahead_seconds": flagged,
                }
            )
            reason = None
            if flagged is not None:
                reason = (
                    f"flagged: at is {flagged // 60} minutes ahead of the server clock "
                    "(stored as sent)"
                )
            results.append(EventResult(event.id, "accepted", seq, reason))
        return results, rows, seq

    def _check_and_project(self, batch: _Batch, user: User, event: Event) -> None:
        """Permissions and invariants, then the projection update. Raises to reject,
        always before writing anything of this event."""
        kind = event.stream_kind
        if kind == "ticket":
            ticket = batch.ticket(event.stream_key)
            check_may_record(user, kind, event.type, ticket["assignee"] if ticket else None)
            self._apply_ticket(batch, event, ticket)
        elif kind == "device":
            check_may_record(user, kind, event.type, None)
            self._apply_device(batch, event)
        elif kind in ("swap", "stock"):
            check_may_record(user, kind, event.type, None)
            self._apply_logistics(batch, event)
        else:
            check_may_record(user, kind, event.type, None)
            self._apply_reference(batch, event)

    def _apply_ticket(self, batch: _Batch, event: Event, ticket: dict[str, Any] | None) -> None:
        key = event.stream_key
        if event.type == "ticket_reported":
            if ticket is not None:
                raise Rejected(f"ticket {key} was reported already")
            org = event.data.get("org")
            profile = batch.profile_of(org) if isinstance(org, str) else None
            if profile is None:
                raise Rejected(f"ticket {key}: unknown organisation {org!r}")
            self._check_timeline(key, [event], batch.profile(profile))
            batch.add_ticket(key, org, event)  # type: ignore[arg-type]
            return
        if ticket is None:
            raise Rejected(f"unknown stream ticket:{key} (no ticket_reported)")
        if ticket["closed"] and event.type not in AFTER_CLOSE_TYPES:
            raise Rejected(f"ticket {key} is closed")
        history = batch.history(event.stream)
        profile = batch.profile_of(ticket["org"])
        if profile is None:  # pragma: no cover - a ticket is only stored for a known org
            raise Rejected(f"ticket {key}: unknown organisation {ticket['org']!r}")
        self._check_timeline(key, [*history, event], batch.profile(profile))
        _check_report_fields(event)
        values: dict[str, Any] = {}
        if event.type == "assigned":
            values["assignee"] = _column_text(event, "to", tickets.c.assignee)
        if event.type == "closed":
            values["closed"] = True
        batch.update_ticket(key, event, values)

    @staticmethod
    def _check_timeline(ticket_id: str, history: Sequence[Event], profile: Profile) -> None:
        """The ticket must still fold through the shared engine (same rules as sla check)."""
        timeline = timeline_from_events(ticket_id, history)
        evaluate(profile, timeline, datetime.now(UTC))

    def _apply_device(self, batch: _Batch, event: Event) -> None:
        fold = batch.device(event.stream_key)
        folded = apply_device_event(fold, event)
        if folded.swap is not None and len(folded.swap) > _max_length(devices.c.swap):
            raise InvalidEvent(
                event.id, "data.swap", f"longer than {_max_length(devices.c.swap)} characters"
            )
        batch.put_device(event.stream_key, folded, fold is None)

    def _apply_logistics(self, batch: _Batch, event: Event) -> None:
        """A swap event must fit its swap (opened first and once, nothing after closing);
        a stock event must name model, kind and note. Same rules as the local store."""
        if event.stream_kind == "stock":
            check_stock_event(event)
        else:
            fold: SwapFold | None = None
            for earlier in batch.history(event.stream):
                fold = apply_swap_event(fold, earlier)
            apply_swap_event(fold, event)
        batch.history(event.stream).append(event)

    def _apply_reference(self, batch: _Batch, event: Event) -> None:
        stream = event.stream
        existing = batch.reference(stream)
        registering = event.type.endswith("_registered")
        if registering and existing is not None:
            raise Rejected(f"{stream} is registered already")
        if not registering and existing is None:
            raise Rejected(f"unknown stream {stream} (not registered)")
        data = {**(existing or {}), **dict(event.data)}
        if event.stream_kind == "org":
            profile = data.get("profile")
            if not isinstance(profile, str):
                raise Rejected(f"{stream}: an organisation needs a contract profile")
            batch.profile(profile)  # unknown profile → rejected with the known names
            _column_text(event, "name", organisations.c.name)
        elif event.stream_kind == "profile":
            # The whole document is replaced, never merged: validated before it is stored.
            data = dict(event.data)
            resolve_profile(event.stream_key, profile_document(data, event.stream_key))
        batch.put_reference(stream, data, existing is None)

    # ------------------------------------------------------------------ reads
    def changes(
        self, user: User, since: int, limit: int, address: str
    ) -> tuple[list[dict[str, Any]], int, bool]:
        """Events after `since` in seq order; home addresses only for who may see them."""
        limit = max(1, min(limit, MAX_PAGE))
        with self.reader.connect() as conn:
            rows = (
                conn.execute(
                    select(events)
                    .where(events.c.seq > since)
                    .order_by(events.c.seq)
                    .limit(limit + 1)
                )
                .mappings()
                .all()
            )
            assignees = {}
            if user.role is Role.FIELD:
                assignees = dict(conn.execute(select(tickets.c.id, tickets.c.assignee)).all())
        more = len(rows) > limit
        rows = rows[:limit]
        out: list[dict[str, Any]] = []
        personal = False
        for row in rows:
            data = json.loads(row["data"])
            if HOME_ADDRESS_FIELDS & data.keys():
                # A swap's address belongs to its ticket: the ticket's engineer may see it.
                ticket_key = data.get("ticket") if row["stream"].startswith("swap:") else None
                assignee = assignees.get(ticket_key or row["stream"].partition(":")[2])
                if may_see_home_address(user, assignee):
                    personal = True
                else:
                    data = {k: v for k, v in data.items() if k not in HOME_ADDRESS_FIELDS}
            if row["stream"].startswith("employee:"):
                personal = True
            out.append(
                {
                    "id": row["id"],
                    "stream": row["stream"],
                    "type": row["type"],
                    "at": row["at"],
                    "actor": row["actor"],
                    "data": data,
                    "seq": row["seq"],
                }
            )
        next_seq = rows[-1]["seq"] if rows else since
        if personal:
            with self._write() as conn:
                self._audit(
                    conn,
                    user.name,
                    "personal_data.read",
                    "changes",
                    address,
                    {"since": since, "next": next_seq},
                )
        return out, next_seq, more

    def ticket_state(self, user: User, ticket_id: str, address: str) -> dict[str, Any] | None:
        with self.reader.connect() as conn:
            ticket = (
                conn.execute(select(tickets).where(tickets.c.id == ticket_id)).mappings().first()
            )
            if ticket is None:
                return None
            history = [
                _event_from_row(row)
                for row in conn.execute(
                    select(events)
                    .where(events.c.stream == f"ticket:{ticket_id}")
                    .order_by(events.c.seq)
                ).mappings()
            ]
            profile_name = conn.execute(
                select(organisations.c.profile).where(organisations.c.id == ticket["org"])
            ).scalar_one()
            profile = _published_profile(conn, profile_name)
        evaluation = evaluate(profile, timeline_from_events(ticket_id, history), datetime.now(UTC))
        with self._write() as conn:
            self._audit(conn, user.name, "ticket.read", f"ticket:{ticket_id}", address, {})
        return {**evaluation.to_json(), "org": ticket["org"], "assignee": ticket["assignee"]}

    def event_count(self) -> int:
        with self.reader.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


class _Batch:
    """What one batch has read and changed so far: later events see earlier ones.

    Looks in the process's StreamCache (valid for this transaction: `catch_up` ran under
    the write lock) before the database; what it read or changed goes back into the cache
    once the transaction has committed (`publish_to`).
    """

    def __init__(self, group: GroupTransaction, cache: StreamCache) -> None:
        self.group = group
        self.conn = group.conn
        self.cache = cache
        self._tickets: dict[str, dict[str, Any] | None] = {}
        self._history: dict[str, list[Event]] = {}
        self._profiles: dict[str, str | None] = {}
        self._devices: dict[str, DeviceFold | None] = {}
        self._references: dict[str, dict[str, Any] | None] = {}
        self._known: dict[str, tuple[int, str] | None] = {}  # None: not stored
        self._new_tickets: dict[str, dict[str, Any]] = {}
        #: The audit chain's last hash, read by `open` under the write lock.
        self.audit_head = audit.GENESIS_HASH

    def open(self, batch_events: Sequence[Event]) -> int:
        """Begins the group: takes the write lock, reads the sequence counter and the audit
        chain's head, and reads at once what the events will look up one by one: whether
        their ids are stored, their tickets with the histories of those, and their devices,
        as far as the cache does not hold them. On PostgreSQL all of that is one round trip.
        Returns the counter (the last `seq` handed out).

        What to read is decided before the counter tells whether the cache still holds:
        what is read from the database after the lock is right either way, and what the
        streams of other processes' events make stale is forgotten (`catch_up`) before the
        cache is consulted.
        """
        postgresql = is_postgresql(self.conn)
        reads = _reads(postgresql)
        ids = list(dict.fromkeys(e.id for e in batch_events))
        keys = list(
            dict.fromkeys(
                e.stream_key
                for e in batch_events
                if e.stream_kind == "ticket" and e.stream_key not in self.cache.tickets
            )
        )
        streams = list(
            dict.fromkeys(
                e.stream
                for e in batch_events
                if e.stream_kind == "ticket" and e.stream not in self.cache.histories
            )
        )
        tags = list(
            dict.fromkeys(
                e.stream_key
                for e in batch_events
                if e.stream_kind == "device" and e.stream_key not in self.cache.devices
            )
        )
        head = audit.head_reads(audit_log, postgresql)
        queries: list[Statement] = [(_LOCK_SEQ, {}), *((statement, {}) for statement in head)]
        for statement, values in (
            (reads.stored_ids, ids),
            (reads.tickets, keys),
            (reads.histories, streams),
            (reads.devices, tags),
        ):
            chunks = [values] if postgresql else list(_chunks(values))
            queries += [(statement, {"ids": chunk}) for chunk in chunks if chunk]
        answers = self.group.read(queries)
        last_seq = int(answers[0][0]["value"])
        self.audit_head = audit.head_hash(answers[len(head)])
        for (asked, _), rows in zip(
            queries[1 + len(head) :], answers[1 + len(head) :], strict=True
        ):
            for row in rows:
                if asked is reads.stored_ids:
                    self._known[row["id"]] = (row["seq"], row["content_hash"])
                elif asked is reads.tickets:
                    self._tickets[row["id"]] = row
                elif asked is reads.histories:
                    self._history.setdefault(row["stream"], []).append(_event_from_row(row))
                else:
                    self._devices[row["asset_tag"]] = _fold_from_json(row["fold"])
        for event_id in ids:
            self._known.setdefault(event_id, None)
        for key in keys:
            self._tickets.setdefault(key, None)
        for stream in streams:
            self._history.setdefault(stream, [])
        for tag in tags:
            self._devices.setdefault(tag, None)
        self.cache.catch_up(self.conn, last_seq)
        return last_seq

    def _cached_ticket(self, key: str) -> bool:
        """Takes the row of ticket `key` from the cache into the batch, if it is there."""
        cached = self.cache.tickets.get(key, MISSING)
        if isinstance(cached, Missing):
            return False
        self._tickets[key] = dict(cached) if cached is not None else None  # update_ticket
        return True

    def _cached_history(self, stream: str) -> bool:
        """Takes the history of `stream` from the cache into the batch, if it is there."""
        cached = self.cache.histories.get(stream)
        if cached is None:
            return False
        self._history[stream] = list(cached)
        return True

    def stored_id(self, event_id: str) -> tuple[int, str] | None:
        """Seq and content hash of an id stored before (or accepted earlier in this
        transaction); None for a new id."""
        if event_id not in self._known:
            row = self.conn.execute(_STORED_ID, {"id": event_id}).first()
            self._known[event_id] = (row.seq, row.content_hash) if row is not None else None
        return self._known[event_id]

    def accepted(self, event_id: str, seq: int, content: str) -> None:
        self._known[event_id] = (seq, content)

    def ticket(self, key: str) -> dict[str, Any] | None:
        if key not in self._tickets and not self._cached_ticket(key):
            row = self.conn.execute(_TICKET, {"id": key}).mappings().first()
            self._tickets[key] = dict(row) if row is not None else None
        return self._tickets[key]

    def history(self, stream: str) -> list[Event]:
        if stream not in self._history and not self._cached_history(stream):
            self._history[stream] = [
                _event_from_row(row)
                for row in self.conn.execute(_HISTORY, {"stream": stream}).mappings()
            ]
        return self._history[stream]

    def add_ticket(self, key: str, org: str, event: Event) -> None:
        """A new ticket row; inserted by `flush`, with the state the batch leaves it in."""
        ticket = {"id": key, "org": org, "assignee": None, "closed": False}
        self._tickets[key] = self._new_tickets[key] = ticket
        self._history[event.stream] = [event]

    def update_ticket(self, key: str, event: Event, values: Mapping[str, Any]) -> None:
        if values:
            if key not in self._new_tickets:
                for name, value in values.items():
                    self.group.write(_SET_TICKET[name], {"key": key, "value": value})
            ticket = self._tickets[key]
            assert ticket is not None
            ticket.update(values)
        self.history(event.stream).append(event)

    def flush(self) -> None:
        """Writes what the events changed, kept back until all of them were checked so the
        writes go to the database together: the new tickets (as the batch left them), then
        every other change in the order it was made."""
        if self._new_tickets:
            self.group.insert_rows(tickets, list(self._new_tickets.values()))
            self._new_tickets.clear()

    def profile_of(self, org: str) -> str | None:
        if org not in self._profiles:
            cached = self.cache.org_profiles.get(org, MISSING)
            if isinstance(cached, Missing):
                cached = self.conn.execute(_ORG_PROFILE, {"id": org}).scalar_one_or_none()
            self._profiles[org] = cached
        return self._profiles[org]

    def profile(self, name: str) -> Profile:
        """The contract profile `name` as published through the feed, else the built-in one."""
        published = self.reference(f"profile:{name}")
        document = published["toml"] if published is not None else None
        key = (name, document)
        profile = self.cache.profiles.get(key)
        if profile is None:
            profile = self.cache.profiles[key] = resolve_profile(name, document)
        return profile

    def device(self, tag: str) -> DeviceFold | None:
        if tag not in self._devices:
            cached = self.cache.devices.get(tag, MISSING)
            if isinstance(cached, Missing):
                row = self.conn.execute(_DEVICE, {"tag": tag}).first()
                cached = _fold_from_json(row.fold) if row is not None else None
            self._devices[tag] = cached
        return self._devices[tag]

    def put_device(self, tag: str, fold: DeviceFold, new: bool) -> None:
        values = {"state": str(fold.state), "swap": fold.swap, "fold": _fold_to_json(fold)}
        if new:
            self.group.write(_ADD_DEVICE, {"asset_tag": tag, **values})
        else:
            self.group.write(_SET_DEVICE, {"tag": tag, **values})
        self._devices[tag] = fold

    def reference(self, stream: str) -> dict[str, Any] | None:
        if stream not in self._references:
            cached = self.cache.references.get(stream, MISSING)
            if isinstance(cached, Missing):
                row = self.conn.execute(_REFERENCE, {"stream": stream}).first()
                cached = json.loads(row.data) if row is not None else None
            self._references[stream] = cached
        return self._references[stream]

    def put_reference(self, stream: str, data: dict[str, Any], new: bool) -> None:
        text = json.dumps(data)
        if new:
            self.group.write(_ADD_REFERENCE, {"stream": stream, "data": text})
        else:
            self.group.write(_SET_REFERENCE, {"key": stream, "data": text})
        self._references[stream] = data
        kind, _, key = stream.partition(":")
        if kind == "org":
            self.group.write(_DROP_ORGANISATION, {"id": key})
            row = {"id": key, "name": data.get("name"), "profile": data["profile"]}
            self.group.write(_ADD_ORGANISATION, row)
            self._profiles[key] = data["profile"]

    def publish_to(self, start_seq: int, end_seq: int) -> None:
        """Hands what the committed transaction read and left behind to the cache."""
        self.cache.publish(
            start_seq,
            end_seq,
            self._tickets,
            self._history,
            self._profiles,
            self._devices,
            self._references,
        )


class GroupCommitter:
    """Funnels concurrent `record` calls into one writer thread that commits them together.

    Each caller waits for its own results. While one transaction is being written, new
    submissions queue up; the next transaction takes all of them (up to a limit), so under
    load many small pushes cost one commit. If a combined transaction fails, its batches are
    retried one by one, so one bad batch never fails another caller's.
    """

    MAX_EVENTS_PER_COMMIT = 2000

    def __init__(self, central: Central) -> None:
        self.central = central
        self._queue: queue.Queue[_Submission | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="central-writer", daemon=True)
        self._thread.start()

    def record(self, user: User, raw_events: Sequence[object], address: str) -> list[EventResult]:
        submission = _Submission(user, raw_events, address, Future())
        self._submit(submission)
        assert submission.result is not None
        return submission.result.result()

    async def record_async(
        self, user: User, raw_events: Sequence[object], address: str
    ) -> list[EventResult]:
        """`record` for the event loop: waits for the writer without holding a thread."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[list[EventResult]] = loop.create_future()
        self._submit(_Submission(user, raw_events, address, waiter=(loop, waiter)))
        return await waiter

    def _submit(self, submission: _Submission) -> None:
        if len(submission.events) > MAX_BATCH:
            raise HaltDeskError(f"a batch holds at most {MAX_BATCH} events")
        self._queue.put(submission)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            size = len(first.events)
            while size < self.MAX_EVENTS_PER_COMMIT:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)
                    break
                group.append(more)
                size += len(more.events)
            self._commit(group)

    def _commit(self, group: list[_Submission], *, again: bool = False) -> None:
        try:
            outcomes = self.central.record_many([(s.user, s.events, s.address) for s in group])
        except Exception as exc:
            if lost_connection(exc) and not again:
                # The pool is invalidated by now: once more, on a new connection. Events
                # whose COMMIT did reach the database before the loss come back as
                # duplicates, with their seq, which a client takes as confirmed.
                self._commit(group, again=True)
                return
            if len(group) == 1:
                _settle([(group[0], exc)])
                return
            for submission in group:  # isolate the batch that failed
                self._commit([submission], again=again)
            return
        _settle(list(zip(group, outcomes, strict=True)))


_Outcome = list[EventResult] | BaseException


def _settle(settled: Sequence[tuple[_Submission, _Outcome]]) -> None:
    """Hands each caller its outcome: waiters on an event loop all in one call to it (one
    wake-up of the loop per commit, not one per push)."""
    loops: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], _Outcome]]] = {}
    for submission, outcome in settled:
        if submission.waiter is not None:
            loop, waiter = submission.waiter
            loops.setdefault(loop, []).append((waiter, outcome))
        elif submission.result is not None:
            if isinstance(outcome, BaseException):
                submission.result.set_exception(outcome)
            else:
                submission.result.set_result(outcome)
    for loop, waiters in loops.items():
        with suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(_settle_waiters, waiters)


def _settle_waiters(waiters: list[tuple[asyncio.Future[Any], _Outcome]]) -> None:
    for waiter, outcome in waiters:
        if waiter.done():  # cancelled: the client went away
            continue
        if isinstance(outcome, BaseException):
            waiter.set_exception(outcome)
        else:
            waiter.set_result(outcome)


@dataclass
class _Submission:
    """One caller's batch, and where its outcome goes: a thread's Future, or a Future of
    an event loop (set on that loop's thread)."""

    user: User
    events: Sequence[object]
    address: str
    result: Future[list[EventResult]] | None = None
    waiter: tuple[asyncio.AbstractEventLoop, asyncio.Future[list[EventResult]]] | None = None
