"""The SQLite engine of the local cache: WAL, synchronous=FULL (NORMAL only for pulled pages,
see `repeatable`), busy timeout, BEGIN IMMEDIATE.

pysqlite's own transaction handling is switched off (`isolation_level = None`) so that we
emit BEGIN ourselves: `BEGIN IMMEDIATE` for every transaction, so a writer takes the write
lock up front and waits `busy_timeout` for it instead of failing half-way on an upgrade from
a read lock. Reads go through `read_only(engine)`, which begins with a plain (deferred)
BEGIN, so readers never take or wait for the write lock (WAL lets them read during a write).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, ExceptionContext
from sqlalchemy.pool import ConnectionPoolEntry

from halt_desk.paths import private_sqlite
from halt_desk.store.errors import StoreDiskError

#: How long a write waits for another process's (the sync process's, a second window's)
#: write to end. Writes run off the UI thread; on a loaded laptop a writer holding the lock
#: can be descheduled for seconds, and giving up would lose the user's action.
BUSY_TIMEOUT_MS = 30_000
#: SQLite primary result codes (sqlite3.h) of a write the disk refused.
_DISK_PROBLEMS = {8: "read_only", 10: "io", 13: "full"}
_READ_ONLY_OPTION = "halt_desk_read_only"
_REPEATABLE_OPTION = "halt_desk_repeatable"


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


def create_store_engine(path: Path) -> Engine:
    """An engine on the cache file with the pragmas and the BEGIN IMMEDIATE recipe. The
    file (and its -wal and -shm) holds personal data: only its owner may read it (0600,
    created so or tightened; a new folder for it 0700)."""
    if str(path) != ":memory:":
        private_sqlite(path)
    engine = create_engine(
        sqlite_url(path),
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def report_disk_errors(engine: Engine, path: Path) -> None:
    """A write the disk refuses (SQLITE_FULL, SQLITE_IOERR…, SQLITE_READONLY) raises
    `StoreDiskError` naming the cache file instead of a bare driver error, whether it comes
    from a statement or from the commit (where WAL writes reach the disk). The transaction
    is rolled back either way; the caller gets an error it can show and recover from.

    The connection that met the refusal is closed, never pooled again: SQLite may have
    undone only the failed statement and kept the transaction (and the write lock) open for
    a rollback still to come; closing undoes whatever is left and drops the pager's error
    state, so the next action, read or write, starts on a clean connection and waits for
    nobody. The pool's other connections stay (they met no error)."""

    def translate(context: ExceptionContext) -> None:
        original = context.original_exception
        code = getattr(original, "sqlite_errorcode", None)
        if isinstance(original, sqlite3.Error) and isinstance(code, int):
            problem = _DISK_PROBLEMS.get(code & 0xFF)
            if problem is not None:
                if context.connection is not None:
                    context.is_disconnect = True  # SQLAlchemy closes it (invalidates)
                    context.invalidate_pool_on_disconnect = False
                raise StoreDiskError(path, problem) from original

    event.listen(engine, "handle_error", translate)


def read_only(engine: Engine) -> Engine:
    """The same engine (same pool), but its transactions begin deferred: for reads only."""
    return engine.execution_options(**{_READ_ONLY_OPTION: True})


def repeatable(engine: Engine) -> Engine:
    """The same engine (same pool), for write transactions whose content can be fetched
    again: they commit with `synchronous = NORMAL`.

    In WAL mode that skips the fsync at commit, never the write: the commit survives a
    crash or kill of the process, only a power loss or an OS crash can undo it, and it
    never corrupts the file. A page pulled from central (events, their cursor) lost that
    way is pulled again, a clock offset measured again; this machine's own actions never
    go through here. A later FULL commit makes the earlier ones durable too (the WAL is
    written in order).
    """
    return engine.execution_options(**{_REPEATABLE_OPTION: True})


def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    assert isinstance(dbapi_connection, sqlite3.Connection)
    # No implicit BEGIN from pysqlite: `_on_begin` emits it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # WAL is persistent in the file; the others hold per connection.
        cursor.execute("PRAGMA journal_mode = WAL")
        # NORMAL can lose the last commits on power loss; a lost outbox row is a lost action.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _on_begin(connection: Connection) -> None:
    options = connection.get_execution_options()
    if options.get(_READ_ONLY_OPTION):
        connection.exec_driver_sql("BEGIN")
        return
    # Per write transaction, as the pool hands a connection to any kind of write next.
    level = "NORMAL" if options.get(_REPEATABLE_OPTION) else "FULL"
    connection.exec_driver_sql(f"PRAGMA synchronous = {level}")
    connection.exec_driver_sql("BEGIN IMMEDIATE")
