"""Housekeeping of the local cache runs in the sync process and `halt-desk sync` on a schedule
(at start, hourly, after a round that pulled a swap closure), never from a window."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from halt_desk.background.housekeeping import (
    HOUSEKEEPING_INTERVAL,
    Housekeeper,
    HousekeepingSchedule,
)
from halt_desk.changes import Changes
from halt_desk.logistics.swap_board import load_board
from halt_desk.store import Store
from halt_desk.sync import SyncState, SyncSummary
from tests.desk_data import NOW, reference_events
from tests.swap_data import closed_swap, depot_events, loaner_events

UI = Path(__file__).resolve().parents[2] / "ui"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def test_due_at_start_then_after_the_interval() -> None:
    schedule = HousekeepingSchedule()
    assert schedule.due(NOW)
    schedule.ran(NOW)
    assert not schedule.due(NOW + HOUSEKEEPING_INTERVAL - timedelta(seconds=1))
    assert schedule.due(NOW + HOUSEKEEPING_INTERVAL)


def test_a_pulled_swap_closure_makes_it_due_at_once() -> None:
    schedule = HousekeepingSchedule()
    schedule.ran(NOW)
    schedule.pulled(Changes.of_streams(["ticket:T1", "swap:S1"], ["comment", "shipment_status"]))
    assert not schedule.due(NOW + timedelta(minutes=1))
    schedule.pulled(Changes.of_streams(["swap:S1"], ["swap_closed"]))
    assert schedule.due(NOW + timedelta(minutes=1))
    schedule.ran(NOW + timedelta(minutes=1))
    assert not schedule.due(NOW + timedelta(minutes=2))


def summary(pulled: int) -> SyncSummary:
    return SyncSummary(SyncState.ONLINE, pulled=pulled)


def test_the_housekeeper_purges_at_start_and_names_the_streams(store: Store) -> None:
    ticket, swap = closed_swap(store, NOW)
    later = NOW + timedelta(days=31)
    report = Housekeeper(store, lambda: later).start()
    assert report is not None and report.purged == 2
    assert report.streams == {f"swap:{swap}", f"ticket:{ticket}"}
    assert load_board(store, later).swaps[swap].home_address is None


def test_a_round_that_pulled_an_old_closure_purges_without_waiting_an_hour(store: Store) -> None:
    moments = [NOW + timedelta(days=31)]
    housekeeper = Housekeeper(store, lambda: moments[0])
    assert housekeeper.start() is not None  # at start: nothing to purge yet
    moments[0] += timedelta(minutes=1)
    assert housekeeper.after_round(summary(pulled=0)) is None  # not due
    ticket, _ = closed_swap(store, NOW)  # as if pulled: a swap closed 31 days ago
    report = housekeeper.after_round(summary(pulled=12))
    assert report is not None and report.purged == 2 and f"ticket:{ticket}" in report.streams
    assert housekeeper.after_round(summary(pulled=0)) is None


def test_no_window_starts_housekeeping() -> None:
    """The purge of personal data is the sync process's job, on its schedule."""
    calls = []
    for path in sorted(UI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Attribute):
                names = [node.attr]
            elif isinstance(node, ast.Name):
                names = [node.id]
            for name in names:
                if name.startswith(("purge_", "run_housekeeping")) or name == "Housekeeper":
                    calls.append(f"{path.name}:{getattr(node, 'lineno', '?')} {name}")
    assert calls == []
