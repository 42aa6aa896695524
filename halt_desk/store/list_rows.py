"""The rows of the desk's ticket list in plain SQL, on a plain `sqlite3` connection: every
row (`list_rows`, on the store's own connection inside its read transaction), and the first
screenful read straight from the cache file (`first_page`) while the store itself
(SQLAlchemy, the contract rules) is still loading.

The ticket projection (`tickets`, kept in the transaction of the events that change it) is
the list's ready-to-show form; only the caller's name comes from the employee table. This
module imports neither SQLAlchemy nor the rest of the store: the desk window reads its
first page through it a few hundred milliseconds before the store could answer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from halt_desk.store.schema import head_revision

#: Rows of the first page: a screenful on a tall screen (the rest follows in one read).
PAGE_ROWS = 100
#: Ids per IN (...) clause; well under SQLite's bound-parameter limit.
_CHUNK = 500
_OPEN = "t.status IN ('open', 'waiting')"
_SELECT = (
    "SELECT t.id, t.org, t.caller, e.name, t.summary, t.priority, t.uplift, t.status, "
    "t.reported_at, t.next_due, t.assignee FROM tickets AS t "
    "LEFT JOIN employees AS e ON e.id = t.caller"
)
_REPORT_ORDER = "t.reported_at_utc_us, t.id"


class TicketListEntry(NamedTuple):
    """One ticket as the list reads it (tens of thousands of rows): a light row straight
    from the projection, times as ISO text (parsed by the list), `uplift` as SQLite
    stores it (0 or 1)."""

    id: str
    org: str
    caller: str | None
    caller_name: str | None
    summary: str | None
    priority: str
    uplift: int
    status: str
    reported_at: str
    next_due: str | None
    assignee: str | None


@dataclass(frozen=True, slots=True)
class FirstPage:
    """The open tickets whose next deadline falls first (the desk's start view), in report
    order, and the number of tickets in the cache."""

    rows: list[TicketListEntry]
    total: int
    #: Names for the ids the rows show: organisations and colleagues (assignees).
    orgs: dict[str, str] = field(default_factory=dict)
    staff: dict[str, str] = field(default_factory=dict)


def list_rows(
    connection: sqlite3.Connection, ids: Iterable[str] | None = None
) -> list[TicketListEntry]:
    """Every ticket (or the ones with these ids), oldest report first. Plain rows of the
    driver: SQLAlchemy's row processing would cost twice the query on 50,000 rows."""
    entry = TicketListEntry._make
    if ids is None:
        return list(map(entry, connection.execute(f"{_SELECT} ORDER BY {_REPORT_ORDER}")))
    wanted = sorted(set(ids))
    found: list[tuple[object, ...]] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = (
            f"SELECT t.reported_at_utc_us, {_SELECT.removeprefix('SELECT ')} "
            f"WHERE t.id IN ({', '.join('?' * len(chunk))})"
        )
        found += connection.execute(query, chunk).fetchall()
    found.sort(key=lambda row: (row[0], row[1]))
    return [entry(row[1:]) for row in found]


def open_page(connection: sqlite3.Connection, limit: int = PAGE_ROWS) -> list[TicketListEntry]:
    """The first `limit` open and waiting tickets by next deadline (none last; ties in
    report order), as the desk's list sorts them: an index range of the deadlines first,
    the tickets without one only when that does not fill the page."""
    entry = TicketListEntry._make
    rows = [
        entry(row)
        for row in connection.execute(
            f"{_SELECT} WHERE {_OPEN} AND t.next_due_utc_us IS NOT NULL "
            f"ORDER BY t.next_due_utc_us, {_REPORT_ORDER} LIMIT ?",
            (limit,),
        )
    ]
    if len(rows) < limit:
        rows += map(
            entry,
            connection.execute(
                f"{_SELECT} WHERE {_OPEN} AND t.next_due_utc_us IS NULL "
                f"ORDER BY {_REPORT_ORDER} LIMIT ?",
                (limit - len(rows),),
            ),
        )
    return rows


def first_page(path: Path, limit: int = PAGE_ROWS) -> FirstPage | None:
    """The desk's first screenful straight from the cache file at `path`, through a
    read-only connection that changes nothing. None when there is nothing to show yet:
    no file, a schema this version does not have (the store migrates it when it opens,
    or refuses a newer one), or a file that cannot be read (the store says why)."""
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        connection.execute("BEGIN")  # one snapshot for the page and the count
        revisions = [
            row[0] for row in connection.execute("SELECT version_num FROM alembic_version")
        ]
        if revisions != [head_revision()]:
            return None
        rows = open_page(connection, limit)
        total = int(connection.execute("SELECT count(*) FROM tickets").fetchone()[0])
        orgs = dict(connection.execute("SELECT id, name FROM organisations"))
        staff = dict(connection.execute("SELECT id, name FROM staff"))
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    # In report order, as the whole list holds its rows (a list sorts stably from it).
    rows.sort(key=lambda row: (datetime.fromisoformat(row.reported_at), row.id))
    return FirstPage(rows, total, orgs, staff)
