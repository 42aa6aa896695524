"""The ticket list's rows in plain SQL: the first screenful read straight from the cache file
(before the store loads) is the top of the whole list as the desk shows it at start."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.ticket_list import QuickFilter, TicketList, row_from_store
from halt_desk.domain.events import new_event
from halt_desk.store import Store
from halt_desk.store.list_rows import first_page
from tests.desk_data import NOW, reference_events

REPO = Path(__file__).resolve().parents[2]


def reported(n: int, priority: str, minutes_ago: int) -> object:
    data = {
        "org": "halt",
        "caller": "e1" if n % 2 else "e2",
        "summary": f"melding {n}",
        "channel": "phone",
        "category": "werkplek",
        "priority": priority,
    }
    at = NOW - timedelta(minutes=minutes_ago)
    return new_event(f"ticket:HALT-T-{n:03d}", "ticket_reported", at, "agent-1", data)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """40 tickets: P1 to P4 reported over two days (equal deadlines among them), some
    waiting, some resolved or closed (no deadline left)."""
    path = tmp_path / "cache.sqlite3"
    with Store.open(path, clock=lambda: NOW) as store:
        store.record_events(reference_events())
        priorities = ("P1", "P2", "P3", "P4")
        events = [reported(n, priorities[n % 4], (n % 10) * 180) for n in range(40)]
        store.record_events(events, bulk=True)  # type: ignore[arg-type]
        for n in range(0, 40, 7):
            record_action(store, f"HALT-T-{n:03d}", ActionRequest(Action.CLOSED), "a", NOW)
        for n in range(4, 40, 9):  # none of them closed above
            request = ActionRequest(Action.WAITING_ON_USER)
            record_action(store, f"HALT-T-{n:03d}", request, "a", NOW)
    return path


def start_view(store: Store) -> list[str]:
    """The ids the desk shows at start: open tickets, next deadline first."""
    tickets = TicketList.load(store, "agent-1")
    tickets.sort("next_due")
    tickets.apply(QuickFilter.OPEN, "", NOW)
    return [tickets.row(p).id for p in range(len(tickets))]


@pytest.mark.parametrize("limit", [1, 5, 20, 100])
def test_the_first_page_is_the_top_of_the_whole_list(cache: Path, limit: int) -> None:
    with Store.open(cache, clock=lambda: NOW) as store:
        whole = start_view(store)
        everything = store.ticket_list()
    page = first_page(cache, limit)
    assert page is not None and page.total == len(everything) == 40
    shown = TicketList([row_from_store(raw) for raw in page.rows], "agent-1")
    shown.sort("next_due")
    shown.apply(QuickFilter.OPEN, "", NOW)
    assert [shown.row(p).id for p in range(len(shown))] == whole[:limit]
    assert set(page.rows) <= set(everything)  # the same rows as the store gives


def test_rows_by_id_are_the_whole_lists_rows_in_report_order(cache: Path) -> None:
    with Store.open(cache, clock=lambda: NOW) as store:
        everything = store.ticket_list()
        wanted = {row.id for row in everything[::3]} | {"HALT-NOT-THERE"}
        assert store.ticket_list(wanted) == [row for row in everything if row.id in wanted]


def test_no_page_from_a_missing_file_and_none_is_made(tmp_path: Path) -> None:
    missing = tmp_path / "cache.sqlite3"
    assert first_page(missing) is None
    assert list(tmp_path.iterdir()) == []


def test_no_page_from_a_cache_at_another_schema_or_unreadable(cache: Path) -> None:
    with sqlite3.connect(cache) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0003'")
    assert first_page(cache) is None  # migrated when the store opens, then read whole
    cache.write_bytes(b"not a database" * 100)
    assert first_page(cache) is None


def test_the_first_page_needs_neither_sqlalchemy_nor_the_contract_rules(cache: Path) -> None:
    probe = (
        "import sys; from pathlib import Path\n"
        "from halt_desk.store.list_rows import first_page\n"
        f"assert len(first_page(Path({str(cache)!r}), 10).rows) == 10\n"
        "heavy = sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'alembic',"
        " 'halt_desk.domain.clocks', 'halt_desk.store.store')))\n"
        "print(heavy)"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"
