"""A full disk loses nothing: the refused action is rolled back whole with a clear message,
everything saved before stays, and the same action succeeds once there is room again.

The first test fills the database itself (`tests.disk_space`); the second puts the cache
on a real 1 MB tmpfs and writes until the file system is full (needs permission to mount,
as root).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from halt_desk.desk.intake import intake_events, record_intake
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.disk_space import (
    BIG_INTAKE,
    fill_until_refused,
    no_room_to_grow,
    small_file_system,
)


def counts(path: Path) -> tuple[int, int, int, str]:
    """Events, outbox rows and tickets in the file, and SQLite's integrity verdict."""
    with sqlite3.connect(path) as db:
        events = db.execute("SELECT count(*) FROM events").fetchone()[0]
        outbox = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
        tickets = db.execute("SELECT count(*) FROM tickets").fetchone()[0]
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    return events, outbox, tickets, integrity


def test_a_full_database_refuses_the_action_whole_and_keeps_everything_before(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cache.sqlite3"
    with Store.open(path, clock=lambda: NOW) as store:
        store.record_events(reference_events())
        for _ in range(3):
            record_intake(store, BIG_INTAKE, "agent-1", NOW)
        before = counts(path)

        with no_room_to_grow(store):
            saved, refused = fill_until_refused(store)
        assert refused.problem == "full"
        assert "full" in str(refused) and "nothing else changed" in str(refused)
        dutch = refused.message("nl")
        assert dutch.startswith("De schijf is vol: deze wijziging is niet opgeslagen")
        # Every event of a saved intake is there with its outbox row; of the refused one none.
        per_intake = len(intake_events(store, BIG_INTAKE, "agent-1", NOW))
        events, outbox, tickets, integrity = counts(path)
        assert integrity == "ok"
        assert tickets == before[2] + saved
        assert events - before[0] == outbox - before[1] == per_intake * saved
        assert len(store.tickets()) == tickets

        # Room again: the refused intake is saved as it was typed.
        events_of_intake = intake_events(store, BIG_INTAKE, "agent-1", NOW)
        store.record_events(events_of_intake, bulk=True)
        assert store.ticket(events_of_intake[0].stream_key) is not None
    assert counts(path)[2] == tickets + 1


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with small_file_system(tmp_path / "disk", size="2m") as mount_point:
        yield mount_point


def test_a_real_full_file_system_loses_nothing_saved(small_disk: Path, tmp_path: Path) -> None:
    path = small_disk / "cache.sqlite3"
    with Store.open(path, clock=lambda: NOW) as store:
        store.record_events(reference_events())
        saved, refused = fill_until_refused(store)
        assert refused.problem in ("full", "io")
        assert saved > 10, "the file system should take some intakes before it is full"
        assert len(store.tickets()) == saved
        per_intake = len(intake_events(store, BIG_INTAKE, "agent-1", NOW))
    # Copied off the full disk (the WAL with it), the cache holds exactly what was saved.
    copy = tmp_path / "copy.sqlite3"
    with (
        sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as source,
        sqlite3.connect(copy) as target,
    ):
        source.backup(target)
    events, outbox, tickets, integrity = counts(copy)
    assert integrity == "ok"
    assert tickets == saved
    assert events == outbox == len(reference_events()) + per_intake * saved
