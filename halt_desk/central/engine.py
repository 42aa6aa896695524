"""The central's database connection: engine set-up per backend, pings after idle, and
write transactions one at a time (a process lock, a file lock, the sequence counter's lock).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, select
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry

from halt_desk.central.schema import seq_counter
from halt_desk.domain.errors import HaltDeskError
from halt_desk.paths import user_data_dir

if sys.platform != "win32":
    import fcntl

#: Locks the sequence counter's row and reads it (the last seq, the events' chain head):
#: the first statement of every write transaction (SQLite's BEGIN IMMEDIATE already holds
#: the write lock).
LOCK_SEQ = (
    select(seq_counter.c.value, seq_counter.c.chain_head)
    .where(seq_counter.c.id == 1)
    .with_for_update()
)

#: A pooled PostgreSQL connection that lay unused for longer than this is pinged before it
#: is handed out again.
IDLE_PING_SECONDS = 1.0


def default_url() -> str:
    return f"sqlite+pysqlite:///{user_data_dir() / 'central.sqlite3'}"


#: The database URLs the central runs on: the driver each backend is installed with.
SUPPORTED_URLS = "postgresql+psycopg://USER@HOST/DATABASE or sqlite+pysqlite:///PATH"
_DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}
#: Seconds to wait for a PostgreSQL server that does not answer (a host that is down),
#: unless the URL says otherwise: a refusal then comes in seconds, not minutes.
CONNECT_TIMEOUT_SECONDS = 10


def parse_url(url: str) -> URL:
    """The URL of a database the central can run on; HaltDeskError, in one line naming
    what is wrong, for any other text (before any connection is tried)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise HaltDeskError(f"{url!r} is not a database URL; use {SUPPORTED_URLS}") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend not in _DRIVERS or driver not in ("", _DRIVERS[backend]):
        raise HaltDeskError(
            f"the central does not run on {parsed.drivername}:// databases; use {SUPPORTED_URLS}"
        )
    return parsed


def create_central_engine(url: str) -> Engine:
    """SQLite gets the cache's pragmas and BEGIN IMMEDIATE; PostgreSQL a connection pool.

    synchronous=FULL stays on the central too, though NORMAL (with WAL) would save a disk
    flush per group commit and still survive a kill of the server: a client drops an event
    from its outbox once the central accepted it, so a commit lost on power loss would be
    an event lost everywhere, and `seq` values handed out would be given out again."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        from halt_desk.store.engine import create_store_engine

        if not parsed.database:
            raise HaltDeskError("a SQLite central database needs a file path")
        return create_store_engine(Path(parsed.database))
    connect_args = (
        {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    )
    # Parameters stay out of error messages and logs: they hold personal data and hashes.
    engine = create_engine(
        parsed, pool_size=10, max_overflow=20, hide_parameters=True, connect_args=connect_args
    )
    _ping_after_idle(engine)
    return engine


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


T = TypeVar("T")


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


class CentralDatabase:
    """The engine, a view of it for reads, and the lock that lets writers in one at a time.
    Thread-safe: each call takes its own connection."""

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

    def close(self) -> None:
        self.engine.dispose()
        if self._process_writer is not None:
            self._process_writer.close()

    def read(self, query: Callable[[Connection], T]) -> T:
        """`query` on a reading connection; when that connection turns out to be lost (the
        database restarted while it lay in the pool), once more on a new one."""
        try:
            with self.reader.connect() as conn:
                return query(conn)
        except DBAPIError as exc:
            if not lost_connection(exc):
                raise
        with self.reader.connect() as conn:  # the pool dropped every connection it had
            return query(conn)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, under the writer lock, that begins by locking the counter."""
        with self.writer_lock(), self._begin_write() as conn:
            yield conn

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """This process's writers one at a time; on SQLite, those of all processes."""
        with self.local_writer_lock(), self.process_writer_lock():
            yield

    def local_writer_lock(self) -> threading.Lock:
        """This process's writers one at a time (the first half of `writer_lock`): held
        while a group is checked ahead of the database's write lock."""
        return self._local_writer

    def process_writer_lock(self) -> AbstractContextManager[None]:
        """On SQLite, the writers of all processes one at a time (the second half of
        `writer_lock`); nothing elsewhere."""
        return self._process_writer or nullcontext()

    @contextmanager
    def _begin_write(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            # Serialise writers: the counter row stays locked until commit (PostgreSQL);
            # SQLite's BEGIN IMMEDIATE already holds the write lock.
            conn.execute(LOCK_SEQ).scalar_one()
            yield conn
