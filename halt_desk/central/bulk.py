"""The statements of the push path, sent to the database in as few round trips as it allows.

A group commit on PostgreSQL used to cost ten round trips (the pool's ping, BEGIN, the
lock on the counter, the known ids, the audit lock and chain head, the inserts, the
counter, COMMIT), and with twenty clients pushing, the writer thread spent most of its
time waiting for them and for the interpreter lock after each answer. psycopg's pipeline
mode sends queued statements together: `read_together` takes the opening reads of a
group in one round trip and `pipelined` its writes with COMMIT in another. SQLite answers
in-process, so there both simply run one statement after another.

psycopg sends an `executemany` as one INSERT per row (pipelined, but still a parse, bind
and execute for PostgreSQL and a round of Python in the driver for each row): for a group
commit of twenty single-event pushes that was forty statements for the events and their
audit entries. On PostgreSQL `insert_rows` sends the rows as one array per column through
`unnest`, in their given order (audit ids must follow the chain); SQLite's `executemany`
runs in C and stays.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Connection, Table, TextClause, any_, bindparam, insert, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Compiled, Dialect
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import ColumnClause

#: A statement and its parameters.
Read = tuple[Executable, Mapping[str, Any]]


def is_postgresql(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def in_list(column: ColumnClause[Any], name: str, postgresql: bool) -> ColumnElement[bool]:
    """`column` is one of the values of the list parameter `name`: one array parameter
    (`= ANY`) on PostgreSQL, which compiles once and takes any number of values; an
    expanding IN elsewhere (callers keep those lists within the parameter limit)."""
    if postgresql:
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def read_together(conn: Connection, reads: Sequence[Read]) -> list[list[dict[str, Any]]]:
    """The rows of each statement in `reads` (dicts by column name), in order.

    On PostgreSQL they reach the server in one round trip, with the BEGIN of the
    connection's transaction if it has none yet; each runs after the one before it, in
    its own snapshot (so a read after `SELECT … FOR UPDATE` sees what the lock's last
    holder committed). A statement that returns no rows (LOCK TABLE) gives an empty list.
    """
    if not is_postgresql(conn):
        return [
            [dict(row) for row in conn.execute(statement, dict(params)).mappings()]
            for statement, params in reads
        ]
    driver = conn.connection.driver_connection
    assert driver is not None
    cursors = []
    with driver.pipeline():
        for statement, params in reads:
            compiled = _compiled(conn.dialect, statement)
            cursor = driver.cursor()
            cursor.execute(compiled.string, compiled.construct_params(dict(params)))
            cursors.append(cursor)
    results: list[list[dict[str, Any]]] = []
    for cursor in cursors:
        if cursor.description is None:
            results.append([])
            continue
        names = [column.name for column in cursor.description]
        results.append([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
        cursor.close()
    return results


@contextmanager
def pipelined(conn: Connection) -> Iterator[None]:
    """Statements executed inside go to PostgreSQL together, with a COMMIT issued inside
    too, when the block ends (or when something inside needs an answer: a SELECT run
    through SQLAlchemy here would get none, so only writes belong inside). An error of
    any of them is raised at that point and the transaction is rolled back by the
    caller. Elsewhere a no-op."""
    if not is_postgresql(conn):
        yield
        return
    driver = conn.connection.driver_connection
    assert driver is not None
    try:
        with driver.pipeline():
            yield
    except BaseException:
        # A COMMIT that failed in the pipeline leaves the server's transaction aborted,
        # while SQLAlchemy counts it as ended and so skips its rollback when the
        # connection goes back to the pool: the next user would find it unusable.
        if not driver.closed:
            with suppress(conn.dialect.loaded_dbapi.Error):  # lost: the pool drops it
                driver.rollback()
        raise


#: Compiled statements by dialect and statement object (kept, so its id stays its own).
_COMPILED: dict[tuple[str, int], tuple[Executable, Compiled]] = {}


def _compiled(dialect: Dialect, statement: Executable) -> Compiled:
    """`statement` compiled for `dialect`, once per statement object (the push path's
    statements are built once, at import)."""
    key = (dialect.name, id(statement))
    entry = _COMPILED.get(key)
    if entry is None or entry[0] is not statement:
        entry = _COMPILED[key] = (statement, statement.compile(dialect=dialect))  # type: ignore[attr-defined]
    return entry[1]


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Inserts `rows` (each with the same keys; plain JSON values) into `table`, in order."""
    if not rows:
        return
    if not is_postgresql(conn):
        conn.execute(insert(table), list(rows))
        return
    statement = _json_insert(conn.dialect, table, tuple(rows[0]))
    conn.execute(statement, {"rows": orjson.dumps(rows).decode()})


@functools.lru_cache(maxsize=64)
def _json_insert(dialect: Dialect, table: Table, names: tuple[str, ...]) -> TextClause:
    """One INSERT of a JSON array of rows, each read as a row of `table` (so every value
    gets its column's type), in the array's order."""
    quote = dialect.identifier_preparer.quote
    name = dialect.identifier_preparer.format_table(table)
    columns = ", ".join(quote(column) for column in names)
    picked = ", ".join(f"given.{quote(column)}" for column in names)
    return text(
        f"INSERT INTO {name} ({columns}) SELECT {picked} "
        "FROM json_array_elements(CAST(:rows AS json)) WITH ORDINALITY AS element (value, n), "
        f"json_populate_record(NULL::{name}, element.value) AS given ORDER BY element.n"
    )
