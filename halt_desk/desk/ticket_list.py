"""The ticket list of the desk: rows, quick filters, search as you type and sorting.

Kept apart from Qt so the list behaves the same in a test and on screen, and fast enough
for 200,000 tickets: each row has one lower-case search text made once, a keystroke that
extends the search only looks at the rows that matched before, and sorting is one
`list.sort` on a key per column.
"""

from __future__ import annotations

import bisect
import gc
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # the desk window imports this list before the store loads (start time)
    from halt_desk.desk.names import Names
    from halt_desk.store import Store, TicketListEntry

#: How far ahead "breaching soon" looks (the desk's 30-minute warning).
BREACH_WINDOW = timedelta(minutes=30)
OPEN_STATUSES = frozenset({"open", "waiting"})
#: Selections kept for backspace (quick filter and search text → rows).
_RECENT = 32


class QuickFilter(StrEnum):
    ALL = "all"
    MINE = "mine"
    OPEN = "open"
    P1 = "p1"
    BREACHING = "breaching"
    WAITING = "waiting"


class TicketListRow(NamedTuple):
    id: str
    org: str
    caller: str | None
    caller_name: str | None
    summary: str | None
    priority: str
    uplift: bool
    status: str
    reported_at: datetime
    next_due: datetime | None
    assignee: str | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def row_from_store(raw: TicketListEntry) -> TicketListRow:
    """A row of `Store.ticket_list()` with its times parsed. Unpacked by position, as
    reading 11 fields by name costs a fifth more over 200,000 rows: both rows have the same
    fields in the same order (a test holds them to it)."""
    (
        ticket_id,
        org,
        caller,
        caller_name,
        summary,
        priority,
        uplift,
        status,
        reported_at,
        next_due,
        assignee,
    ) = raw
    return TicketListRow(
        ticket_id, org, caller, caller_name, summary, priority, bool(uplift), status,
        datetime.fromisoformat(reported_at), _time(next_due), assignee,
    )  # fmt: skip


def _report_order(row: TicketListRow) -> tuple[datetime, str]:
    """The store's order of the list: oldest report first, then by id."""
    return row.reported_at, row.id


def _search_text(row: TicketListRow, names: Callable[[TicketListRow], str] | None = None) -> str:
    parts = (row.id, row.org, row.caller_name, row.summary, row.assignee, row.caller)
    text = "\x1f".join(part for part in parts if part).lower()
    return f"{text}\x1f{names(row)}" if names is not None else text


def name_words(names: Names) -> Callable[[TicketListRow], str]:
    """The searchable names of a row (organisation, assignee), once per distinct pair: a
    search for "stichting" or "sanne" finds the rows that show those names."""
    made: dict[tuple[str, str | None], str] = {}

    def words(row: TicketListRow) -> str:
        key = (row.org, row.assignee)
        found = made.get(key)
        if found is None:
            assignee = names.person(row.assignee) if row.assignee else ""
            found = made[key] = f"{names.org(row.org)}\x1f{assignee}".lower()
        return found

    return words


#: Sort keys per column name; no deadline sorts after every deadline.
SORT_KEYS: dict[str, Callable[[TicketListRow], Any]] = {
    "id": lambda r: r.id,
    "org": lambda r: r.org,
    "caller": lambda r: (r.caller_name or "").lower(),
    "summary": lambda r: (r.summary or "").lower(),
    "priority": lambda r: (r.priority, not r.uplift),
    "status": lambda r: r.status,
    "next_due": lambda r: r.next_due.timestamp() if r.next_due else float("inf"),
    "assignee": lambda r: r.assignee or "",
    "reported_at": lambda r: r.reported_at.timestamp(),
}


class TicketList:
    """All tickets of the cache, and the visible selection of them."""

    def __init__(
        self,
        rows: Sequence[TicketListRow],
        user: str | None = None,
        search: Sequence[str] | None = None,
        names: Names | None = None,
    ) -> None:
        self.user = user
        self.names = names  # searched too, when given
        self._words = name_words(names) if names is not None else None
        self._rows = list(rows)
        words = self._words
        self._search = (
            list(search) if search is not None else [_search_text(r, words) for r in rows]
        )
        self._quick = QuickFilter.ALL
        self._text = ""
        self._now: datetime | None = None
        self._sort: tuple[str, bool] | None = None
        #: Every row in the sort order; a selection is a subsequence of it.
        self._order: list[int] = list(range(len(self._rows)))
        self._recent: dict[tuple[QuickFilter, str], tuple[int, ...]] = {}
        self.visible: list[int] = list(self._order)

    @classmethod
    def load(cls, store: Store, user: str | None = None, names: Names | None = None) -> TicketList:
        """Every ticket of the cache. Hundreds of thousands of rows are made here, and none
        of them can be part of a reference cycle: the cyclic collector pauses meanwhile
        (it would walk them again and again, about 20 % of the load on 200,000 tickets)."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            return cls([row_from_store(raw) for raw in store.ticket_list()], user, names=names)
        finally:
            if enabled:
                gc.enable()

    def updated(self, changed: Sequence[TicketListRow]) -> TicketList:
        """A new list with `changed` in it: a row with a known id replaces that row, a new
        one joins in report order. The other rows keep their search text, and the new
        list is sorted as this one was, so the work stays off the UI thread (this list is
        only read: the screen may go on using it meanwhile). Its selection is empty until
        `apply`."""
        rows, search = list(self._rows), list(self._search)
        where = {row.id: index for index, row in enumerate(rows)}
        added: list[TicketListRow] = []
        for row in changed:
            index = where.get(row.id)
            if index is None:
                added.append(row)
            else:
                rows[index], search[index] = row, _search_text(row, self._words)
        for row in sorted(added, key=_report_order):
            index = bisect.bisect_right(rows, _report_order(row), key=_report_order)
            rows.insert(index, row)
            search.insert(index, _search_text(row, self._words))
        fresh = TicketList(rows, self.user, search, self.names)
        if self._sort is not None:
            fresh.sort(*self._sort)
        return fresh

    @property
    def sorted_by(self) -> tuple[str, bool] | None:
        """(column, descending) of the last `sort`, or None in report order."""
        return self._sort

    def __len__(self) -> int:
        return len(self.visible)

    @property
    def total(self) -> int:
        return len(self._rows)

    def row(self, position: int) -> TicketListRow:
        """The row at `position` of the visible selection."""
        return self._rows[self.visible[position]]

    def position_of(self, ticket_id: str) -> int | None:
        for position, index in enumerate(self.visible):
            if self._rows[index].id == ticket_id:
                return position
        return None

    def apply(self, quick: QuickFilter, text: str, now: datetime) -> None:
        """Selects the rows that pass the quick filter and contain every word of `text`, in
        the current sort order.

        A keystroke that adds to the search looks only at the rows that matched before; a
        backspace finds its earlier result in a small cache (the breaching filter depends on
        the time, so it is never cached)."""
        text = " ".join(text.lower().split())
        key = (quick, text)
        cached = self._recent.get(key) if quick is not QuickFilter.BREACHING else None
        if cached is not None:
            self.visible = list(cached)
        else:
            narrowing = (
                quick is self._quick
                and text.startswith(self._text)
                and quick is not QuickFilter.BREACHING
            )
            candidates: list[int] = self.visible if narrowing else self._order
            if not narrowing:
                keep = self._quick_test(quick, now)
                if keep is not None:
                    rows = self._rows
                    candidates = [i for i in candidates if keep(rows[i])]
            search = self._search
            for word in text.split():
                candidates = [i for i in candidates if word in search[i]]
            self.visible = candidates if candidates is not self._order else list(candidates)
            if quick is not QuickFilter.BREACHING:
                self._remember(key, self.visible)
        self._quick, self._text, self._now = quick, text, now

    def _remember(self, key: tuple[QuickFilter, str], selection: list[int]) -> None:
        self._recent[key] = tuple(selection)
        if len(self._recent) > _RECENT:
            self._recent.pop(next(iter(self._recent)))

    def sort(self, column: str, descending: bool = False) -> None:
        """Sorts every row once; later selections come out of this order without sorting."""
        key = self._sort_key(column)
        rows = self._rows
        self._order = sorted(range(len(rows)), key=lambda i: key(rows[i]), reverse=descending)
        rank = {index: position for position, index in enumerate(self._order)}
        self.visible.sort(key=rank.__getitem__)
        self._recent.clear()
        self._sort = (column, descending)

    def _sort_key(self, column: str) -> Callable[[TicketListRow], Any]:
        """The organisation and assignee columns sort by the names they show."""
        names = self.names
        if names is None or column not in ("org", "assignee"):
            return SORT_KEYS[column]
        made: dict[str | None, str] = {}

        def by_name(row: TicketListRow) -> str:
            value = row.org if column == "org" else row.assignee
            found = made.get(value)
            if found is None:
                shown = names.org(value) if column == "org" else names.person(value)
                found = made[value] = shown.casefold()
            return found

        return by_name

    def _quick_test(
        self, quick: QuickFilter, now: datetime
    ) -> Callable[[TicketListRow], bool] | None:
        if quick is QuickFilter.ALL:
            return None
        if quick is QuickFilter.MINE:
            user = self.user
            return lambda r: r.assignee == user and r.is_open
        if quick is QuickFilter.OPEN:
            return lambda r: r.is_open
        if quick is QuickFilter.P1:
            return lambda r: r.priority == "P1" and r.is_open
        if quick is QuickFilter.WAITING:
            return lambda r: r.status == "waiting"
        limit = now + BREACH_WINDOW
        return lambda r: r.is_open and r.next_due is not None and r.next_due <= limit
