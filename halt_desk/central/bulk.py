"""One multi-row INSERT of the push path as one statement on every backend.

psycopg sends an `executemany` as one INSERT per row (pipelined, but still a parse, bind
and execute for PostgreSQL and a round of Python in the driver for each row): for a group
commit of twenty single-event pushes that was forty statements for the events and their
audit entries. On PostgreSQL the rows go as one array per column through `unnest`,
in their given order (audit ids must follow the chain); SQLite's `executemany` runs in C
and stays.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, TextClause, insert, text
from sqlalchemy.engine import Dialect


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Inserts `rows` (each with the same keys) into `table`, in their order."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), list(rows))
        return
    names = tuple(rows[0])
    statement = _unnest_insert(conn.dialect, table, names)
    conn.execute(statement, {f"c{i}": [row[name] for row in rows] for i, name in enumerate(names)})


@functools.lru_cache(maxsize=64)
def _unnest_insert(dialect: Dialect, table: Table, names: tuple[str, ...]) -> TextClause:
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    arrays = ", ".join(
        f"CAST(:c{i} AS {table.c[name].type.compile(dialect=dialect)}[])"
        for i, name in enumerate(names)
    )
    return text(
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({columns}) "
        f"SELECT {columns} FROM unnest({arrays}) WITH ORDINALITY AS given ({columns}, n) "
        "ORDER BY n"
    )
