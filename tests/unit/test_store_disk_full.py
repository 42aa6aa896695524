"""A full disk loses nothing: the refused action is rolled back whole with a clear message,
everything saved before stays, the same action is refused again at once (nobody waits for
a lock the refusal left behind), the reads of the open windows go on meanwhile, and the
action succeeds once there is room again.

The first test fills the database itself (`tests.disk_space.no_room_to_grow`) over many
amounts of room left, as where the refusal falls decides how SQLite undoes it (the
statement only, or the whole transaction); the second puts the cache on a real small tmpfs
and writes until the file system is full (needs permission to mount, as root).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import intake_events, record_intake
from halt_desk.field.onsite import FieldRequest, record_field_action
from halt_desk.field.route import FieldAction
from halt_desk.store import Store, StoreDiskError
from tests.desk_data import NOW, reference_events
from tests.disk_space import (
    BIG_INTAKE,
    BackgroundReads,
    fill_until_refused,
    no_room_to_grow,
    small_file_system,
    write_lock_is_free,
)
from tests.swap_data import depot_events, loaner_events, swap_ticket

#: Generous: a refused write answers in milliseconds; this only ends a test that hangs.
HUNG_AFTER_S = 120.0


def counts(path: Path) -> tuple[int, int, int, str]:
    """Events, outbox rows and tickets in the file, and SQLite's integrity verdict."""
    with sqlite3.connect(path) as db:
        events = db.execute("SELECT count(*) FROM events").fetchone()[0]
        outbox = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
        tickets = db.execute("SELECT count(*) FROM tickets").fetchone()[0]
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    return events, outbox, tickets, integrity


def intake_on_another_thread(store: Store) -> BaseException | str:
    """The big intake recorded on a worker thread (as the desk window saves): the ticket
    number, or what it raised."""
    outcome: list[BaseException | str] = []

    def save() -> None:
        try:
            outcome.append(record_intake(store, BIG_INTAKE, "agent-1", NOW))
        except Exception as exc:
            outcome.append(exc)

    worker = threading.Thread(target=save, daemon=True)
    worker.start()
    worker.join(HUNG_AFTER_S)
    assert not worker.is_alive(), "the intake after the refusal never came back"
    return outcome[0]


def assert_refused_cleanly(store: Store, path: Path, reads: BackgroundReads) -> None:
    """After a refusal: no lock or open transaction left, the same action refused again
    on another thread, the reads going on without an error."""
    assert write_lock_is_free(path)
    again = intake_on_another_thread(store)
    assert isinstance(again, StoreDiskError), again
    assert write_lock_is_free(path)
    rounds = reads.rounds
    store.tickets()  # a read of this thread, between the others
    reads.stop()
    assert reads.errors == []
    assert reads.rounds > rounds or rounds > 0


@pytest.mark.parametrize("spare_pages", range(13))
def test_a_full_database_refuses_the_action_whole_and_keeps_everything_before(
    tmp_path: Path, spare_pages: int
) -> None:
    path = tmp_path / "cache.sqlite3"
    with Store.open(path, clock=lambda: NOW) as store:
        store.record_events(reference_events())
        for _ in range(3):
            record_intake(store, BIG_INTAKE, "agent-1", NOW)
        before = counts(path)

        with no_room_to_grow(store, spare_pages), BackgroundReads(store, path) as reads:
            saved, refused = fill_until_refused(store)
            assert_refused_cleanly(store, path, reads)
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

        # Room again: the refused intake is saved as it was typed, from a worker thread too.
        events_of_intake = intake_events(store, BIG_INTAKE, "agent-1", NOW)
        store.record_events(events_of_intake, bulk=True)
        assert store.ticket(events_of_intake[0].stream_key) is not None
        assert isinstance(intake_on_another_thread(store), str)
    assert counts(path)[2] == tickets + 2


@pytest.mark.parametrize("spare_pages", [0, 1, 2, 3, 5, 8, 12])
def test_the_field_view_and_the_sync_pull_are_refused_cleanly_too(
    tmp_path: Path, spare_pages: int
) -> None:
    """The other writers of the cache: the field engineer's actions (the field view) and
    the pages the sync process pulls (`repeatable` transactions)."""
    path = tmp_path / "cache.sqlite3"
    engineer = "field:jan"
    with Store.open(path, clock=lambda: NOW) as store:
        store.record_events(reference_events() + depot_events() + loaner_events(1))
        ticket = swap_ticket(store, NOW)
        record_action(store, ticket, ActionRequest(Action.ASSIGNED, to=engineer), "a", NOW)
        comment = FieldRequest(FieldAction.COMMENT, text="Voeding vervangen " + "z" * 900)
        pages = iter(range(1, 10_000))

        def pull() -> int:
            page = intake_events(store, BIG_INTAKE, "agent-2", NOW)
            return store.ingest_remote([(next(pages), event) for event in page])

        for write in (
            lambda: record_field_action(store, ticket, comment, engineer, NOW),
            pull,
        ):
            with no_room_to_grow(store, spare_pages), BackgroundReads(store, path) as reads:
                for _ in range(5000):
                    before = (counts(path), store.last_pulled_seq())
                    try:
                        write()
                    except StoreDiskError:
                        break
                else:
                    raise AssertionError("the disk never filled")
                assert write_lock_is_free(path)
                with pytest.raises(StoreDiskError):
                    write()  # the same again: refused at once, not after a wait
                assert (counts(path), store.last_pulled_seq()) == before
                reads.stop()
                assert reads.errors == []
            write()  # room again
            assert counts(path) != before[0]


@pytest.fixture(params=["1m", "2m", "3m"])
def small_disk(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    with small_file_system(tmp_path / "disk", size=request.param) as mount_point:
        yield mount_point


def test_a_real_full_file_system_loses_nothing_saved(small_disk: Path, tmp_path: Path) -> None:
    path = small_disk / "cache.sqlite3"
    ballast = small_disk / "old-download.bin"  # deleted to make room, as a person would
    with Store.open(path, clock=lambda: NOW) as store:
        store.record_events(reference_events())
        ballast.write_bytes(b"\0" * 192 * 1024)
        with BackgroundReads(store, path) as reads:
            saved, refused = fill_until_refused(store)
            assert refused.problem in ("full", "io")
            assert_refused_cleanly(store, path, reads)
        assert saved > 0, "the file system should take some intakes before it is full"
        assert len(store.tickets()) == saved
        per_intake = len(intake_events(store, BIG_INTAKE, "agent-1", NOW))

        ballast.unlink()
        assert isinstance(intake_on_another_thread(store), str)
        assert len(store.tickets()) == saved + 1
    # Copied off the disk (the WAL with it), the cache holds exactly what was saved.
    copy = tmp_path / "copy.sqlite3"
    with (
        sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as source,
        sqlite3.connect(copy) as target,
    ):
        source.backup(target)
    events, outbox, tickets, integrity = counts(copy)
    assert integrity == "ok"
    assert tickets == saved + 1
    assert events == outbox == len(reference_events()) + per_intake * (saved + 1)
