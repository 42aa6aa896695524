"""The statements of a group commit, sent to the database in as few round trips as it allows.

A group commit on PostgreSQL used to cost ten round trips (the pool's ping, BEGIN, the
lock on the counter, the known ids, the audit lock and chain head, the inserts, the
counter, COMMIT), and with twenty clients pushing, the writer thread spent most of its
time waiting for them and for the interpreter lock after each answer. A
`GroupTransaction` sends the opening reads, BEGIN included, as one string of statements
and the writes with COMMIT as another: two round trips. psycopg's pipeline mode would do
the same with server-side parameters, but its Python machinery cost the writer about
twice the CPU of rendering the parameters as literals (text quoted by libpq's
PQescapeLiteral, the rest by `GroupTransaction._rendered`; psycopg's `ClientCursor.mogrify`
for any other kind of value). SQLite answers in-process, so there the statements simply
run one after another in an ordinary transaction.

Rows are inserted with one statement per table: on PostgreSQL as one JSON array read as
rows of the table (psycopg sends an `executemany` as one INSERT per row, and arrays per
column cost the writer more CPU in psycopg's array dumper than the JSON costs in orjson);
SQLite's `executemany` runs in C and stays.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Table,
    TextClause,
    any_,
    bindparam,
    insert,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Compiled, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import ColumnClause

#: A statement and its parameters.
Statement = tuple[Executable, Mapping[str, Any]]


def is_postgresql(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def in_list(column: ColumnClause[Any], name: str, postgresql: bool) -> ColumnElement[bool]:
    """`column` is one of the values of the list parameter `name`: one array parameter
    (`= ANY`) on PostgreSQL, which takes any number of values; an expanding IN elsewhere
    (callers keep those lists within the parameter limit)."""
    if postgresql:
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


class GroupTransaction:
    """One transaction of a group commit: reads sent together, writes kept back and sent
    together with the commit.

    Statements must be built once (module constants): they are compiled once per
    statement object and kept. Reads and writes made through `conn` directly in between
    (a lookup the opening reads did not foresee) run inside the same transaction.
    """

    def __init__(self, conn: Connection, *, transaction: bool = True) -> None:
        self.conn = conn
        self.postgresql = is_postgresql(conn)
        self._writes: list[Statement] = []
        #: False: reads only, each statement on its own (no BEGIN, nothing to commit).
        self.transaction = transaction
        self._begun = not transaction
        self._done = False
        self._client_cursor: Any = None
        self._escape: tuple[Callable[[bytes], bytes], str] | None = None

    def read(self, reads: Sequence[Statement]) -> list[list[dict[str, Any]]]:
        """The rows of each statement (dicts by column name), in order; the first call
        begins the transaction. Each statement runs after the one before it, in its own
        snapshot: a read after `SELECT … FOR UPDATE` sees what the lock's last holder
        committed. A statement without rows (LOCK TABLE) gives an empty list."""
        if not self.postgresql:
            self._begun = True
            return [
                [dict(row) for row in self.conn.execute(statement, dict(params)).mappings()]
                for statement, params in reads
            ]
        begins = not self._begun
        self._begun = True
        cursor = self._send(
            "the group's reads", ["BEGIN"] * begins + [self._literal(s, p) for s, p in reads]
        )
        more = bool(cursor.nextset()) if begins else True  # past BEGIN's (empty) result
        results: list[list[dict[str, Any]]] = []
        while more:
            # (psycopg builds `description` anew on every look: once per result)
            description = cursor.description
            if description is None:
                results.append([])
            else:
                names = [column.name for column in description]
                results.append([dict(zip(names, row, strict=True)) for row in cursor])
            more = bool(cursor.nextset())
        cursor.close()
        if len(results) != len(reads):  # pragma: no cover - one result per statement
            raise RuntimeError(f"{len(reads)} statements gave {len(results)} results")
        return results

    def write(self, statement: Executable, params: Mapping[str, Any]) -> None:
        """Keeps a write back until `commit`."""
        self._writes.append((statement, params))

    def insert_rows(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Keeps back one insert of `rows` (see `insert_rows`)."""
        if rows:
            self._writes.append(_rows_statement(self.conn.dialect, table, rows))

    def commit(self) -> None:
        """Sends the writes kept back, in order, and commits: one round trip on
        PostgreSQL. An error rolls back everything of this transaction."""
        if not self.transaction:
            raise RuntimeError("a GroupTransaction for reads has nothing to commit")
        if self.postgresql:
            sql = [self._literal(statement, params) for statement, params in self._writes]
            if not self._begun:
                sql.insert(0, "BEGIN")
            self._send("the group's writes and COMMIT", [*sql, "COMMIT"]).close()
        else:
            for statement, params in self._writes:
                self.conn.execute(statement, params)
            self.conn.commit()
        self._writes.clear()
        self._done = True

    def abandon(self) -> None:
        """Rolls back after an error (on PostgreSQL the transaction was begun by hand, so
        it is ended by hand too; a connection that is gone needs nothing)."""
        self._writes.clear()
        if self._done or not self.transaction:
            return
        self._done = True
        if not self.postgresql:
            self.conn.rollback()
        elif self._begun and not self.conn.invalidated:
            with suppress(DBAPIError):
                self._send("ROLLBACK", ["ROLLBACK"]).close()

    def _send(self, what: str, sql: Sequence[str]) -> Any:
        """Runs statements (parameters already rendered) as one string, on the driver's
        own cursor (SQLAlchemy's result handling cost more than the statements), and
        returns it on the first statement's result.

        An error is reported as SQLAlchemy would, naming `what` instead of the SQL, which
        holds the events' data. A lost connection is discarded, and with it the pool:
        what lost one (a restart of PostgreSQL) lost all of them.
        """
        driver = self.conn.connection.driver_connection
        assert driver is not None
        cursor = driver.cursor()
        try:
            cursor.execute("; ".join(sql))
        except self.conn.dialect.loaded_dbapi.Error as exc:
            lost = self.conn.dialect.is_disconnect(exc, driver, cursor)
            if lost:
                self.conn.invalidate(exc)
                self.conn.engine.dispose(close=False)
            raise DBAPIError.instance(
                what,
                None,
                exc,
                self.conn.dialect.loaded_dbapi.Error,
                connection_invalidated=lost,
                dialect=self.conn.dialect,
            ) from exc
        return cursor

    def _literal(self, statement: Executable, params: Mapping[str, Any]) -> str:
        """`statement` with `params` rendered as SQL literals (`_rendered`, else psycopg's
        ClientCursor), so that several statements can travel as one string."""
        if not params:  # a constant statement: rendered once
            rendered = _RENDERED.get(id(statement))
            if rendered is not None and rendered[0] is statement:
                return rendered[1]
        compiled = _compiled(self.conn.dialect, statement)
        values = compiled.construct_params(params) or {}
        sql = self._rendered(statement, compiled, values)
        if sql is None:
            if self._client_cursor is None:
                from psycopg import ClientCursor

                self._client_cursor = ClientCursor(self._driver())
            sql = str(self._client_cursor.mogrify(compiled.string, values))
        if not params:
            _RENDERED[id(statement)] = (statement, sql)
        return sql

    def _driver(self) -> Any:
        driver = self.conn.connection.driver_connection
        assert driver is not None
        return driver

    def _rendered(
        self, statement: Executable, compiled: Compiled, values: Mapping[str, Any]
    ) -> str | None:
        """`compiled` with `values` put in as literals, as psycopg's `mogrify` would, for
        the values the push path has (text, whole numbers, booleans, NULL, lists of
        text); None for any other value (`mogrify` then does it). Text is quoted by
        libpq's PQescapeLiteral, which knows the connection's encoding and string
        settings: `mogrify`'s machinery of dumpers cost the writer more than the rest of
        a small group's statements together."""
        if self._escape is None:
            from psycopg import pq

            driver = self._driver()
            self._escape = (pq.Escaping(driver.pgconn).escape_literal, driver.info.encoding)
        escape, encoding = self._escape
        parts = _template(self.conn.dialect, statement, compiled)
        out: list[str] = []
        for n, part in enumerate(parts):
            if not n % 2:
                out.append(part)
                continue
            literal = _literal_of(values[part], escape, encoding)
            if literal is None:
                return None
            out.append(literal)
        return "".join(out)


def _literal_of(value: Any, escape: Callable[[bytes], bytes], encoding: str) -> str | None:
    """`value` as an SQL literal, or None for a value `_rendered` leaves to psycopg."""
    kind = type(value)
    if kind is str:
        if "\x00" in value:  # refused by psycopg with its own error: left to it
            return None
        return escape(value.encode(encoding)).decode(encoding)
    if kind is int:
        return f" {value}" if value < 0 else str(value)  # (as psycopg: no `--` comment)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "NULL"
    if kind is list and all(type(item) is str for item in value):
        items = [_literal_of(item, escape, encoding) for item in value]
        if any(item is None for item in items):
            return None
        return f"ARRAY[{','.join(items)}]" if items else "'{}'"  # type: ignore[arg-type]
    return None


#: Statements' texts split at their parameters, by dialect and statement object.
_TEMPLATES: dict[tuple[str, int], tuple[Executable, list[str]]] = {}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def _template(dialect: Dialect, statement: Executable, compiled: Compiled) -> list[str]:
    """The text of `compiled` split at its `%(name)s` parameters: text, name, text, …, text
    (`%%` already made `%`)."""
    key = (dialect.name, id(statement))
    entry = _TEMPLATES.get(key)
    if entry is None or entry[0] is not statement:
        parts = [""]
        position = 0
        for found in _PLACEHOLDER.finditer(compiled.string):
            parts[-1] += compiled.string[position : found.start()]
            if found.group(1) is None:
                parts[-1] += "%"
            else:
                parts += [found.group(1), ""]
            position = found.end()
        parts[-1] += compiled.string[position:]
        entry = _TEMPLATES[key] = (statement, parts)
    return entry[1]


@contextmanager
def group_transaction(
    engine: Engine, reads: GroupTransaction | None = None
) -> Iterator[GroupTransaction]:
    """A connection and its `GroupTransaction`; rolled back if the block fails.

    On PostgreSQL the connection runs in autocommit mode while it is held, so psycopg
    sends no BEGIN of its own (a round trip); the group's BEGIN and COMMIT travel with its
    statements. SQLAlchemy restores the isolation level when the connection goes back to
    the pool. `reads` (of `group_reads`, still open): its PostgreSQL connection is used
    instead of taking another from the pool."""
    if reads is not None and reads.postgresql:
        group = GroupTransaction(reads.conn)
        try:
            yield group
        except BaseException:
            group.abandon()
            raise
        return
    with engine.connect() as conn:
        if is_postgresql(conn):
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        group = GroupTransaction(conn)
        try:
            yield group
        except BaseException:
            group.abandon()
            raise


@contextmanager
def group_reads(engine: Engine) -> Iterator[GroupTransaction]:
    """A connection for reads outside any write transaction, as a `GroupTransaction` that
    never begins one: on PostgreSQL each statement runs on its own (autocommit), the
    statements of one `read` in one round trip; on SQLite `engine` should be a
    deferred-BEGIN view (a read transaction, which never waits for the write lock)."""
    with engine.connect() as conn:
        if is_postgresql(conn):
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        yield GroupTransaction(conn, transaction=False)


#: PostgreSQL's text of statements without parameters of their own, by statement object.
_RENDERED: dict[int, tuple[Executable, str]] = {}
#: Compiled statements by dialect and statement object (kept, so its id stays its own).
_COMPILED: dict[tuple[str, int], tuple[Executable, Compiled]] = {}


def _compiled(dialect: Dialect, statement: Executable) -> Compiled:
    """`statement` compiled for `dialect`, once per statement object: the group commit's
    statements are module constants, and compiling one costs more than running it."""
    key = (dialect.name, id(statement))
    entry = _COMPILED.get(key)
    if entry is None or entry[0] is not statement:
        entry = _COMPILED[key] = (statement, statement.compile(dialect=dialect))  # type: ignore[attr-defined]
    return entry[1]


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Inserts `rows` (each with the same keys; plain JSON values) into `table`, in order,
    with one statement."""
    if rows:
        statement, params = _rows_statement(conn.dialect, table, rows)
        conn.execute(statement, params)


def _rows_statement(dialect: Dialect, table: Table, rows: Sequence[Mapping[str, Any]]) -> Any:
    """The statement and parameters that insert `rows`: one JSON text on PostgreSQL, the
    rows themselves (an executemany) elsewhere."""
    if dialect.name != "postgresql":
        return insert(table), list(rows)
    return _json_insert(dialect, table, tuple(rows[0])), {"rows": orjson.dumps(rows).decode()}


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
