"""Sync on a full disk: the round ends in the error state with the reason, nothing is
half-written, and once there is room the next round brings every event exactly once."""

from __future__ import annotations

from pathlib import Path

from halt_desk.sync import SyncState
from tests.central_server import ThreadServer
from tests.disk_space import fill_until_refused, no_room_to_grow, small_file_system
from tests.sync_support import REPORT_DATA, Desk, Laptop, laptop, wire


def test_a_pull_onto_a_full_disk_is_retried_whole_once_there_is_room(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    central, _ = desk
    b = laptop(tmp_path, desk, "agent-b")
    assert b.engine.sync_once().state is SyncState.ONLINE
    central.seed(
        "agent-a",
        [
            wire(f"ticket:T{n}", "ticket_reported", REPORT_DATA | {"priority": "P3"})
            for n in range(300)
        ],
    )
    with no_room_to_grow(b.store):
        fill_until_refused(b.store)
        full = b.engine.sync_once()
    assert full.state is SyncState.ERROR
    assert full.error is not None and "full" in full.error
    pulled_while_full = {e for e in b.event_ids() if e in set(central.event_ids())}
    assert len(pulled_while_full) < len(central.event_ids())

    again = b.engine.sync_once()
    assert again.state is SyncState.ONLINE and again.outbox == 0
    assert b.event_ids() == set(central.event_ids())
    assert len(central.event_ids()) == len(set(central.event_ids()))
    assert len(b.store.tickets()) == len(b.store.tickets(open_only=True)) >= 300
    b.close()


def test_a_push_whose_confirmation_cannot_be_written_is_confirmed_next_round(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    """Noting a confirmation rewrites rows in place, which only a real full file system
    refuses (the WAL must grow). Room is made the way a person would: a file deleted."""
    central, server = desk
    with small_file_system(tmp_path / "disk", size="2m") as disk:
        ballast = disk / "old-download.bin"
        a = Laptop(disk / "agent-a.sqlite3", server.url, central.tokens["agent-a"], "agent-a")
        assert a.engine.sync_once().state is SyncState.ONLINE
        ballast.write_bytes(b"\0" * 512 * 1024)
        saved, _ = fill_until_refused(a.store)  # intakes recorded until the disk is full
        full = a.engine.sync_once()  # central takes them; the cache cannot note it
        assert saved > 0
        assert full.state is SyncState.ERROR
        assert full.error is not None and "could not be written" in full.error
        unconfirmed = a.event_ids(confirmed_only=False) - a.event_ids()
        assert a.store.outbox_size() == len(unconfirmed) > 0
        assert unconfirmed <= set(central.event_ids())  # central has them, only once

        ballast.unlink()
        again = a.engine.sync_once()
        assert again.state is SyncState.ONLINE and again.outbox == 0
        assert again.duplicates == len(unconfirmed)
        ids = central.event_ids()
        assert len(ids) == len(set(ids))
        assert a.event_ids() == set(ids)
        assert len(a.store.tickets()) == saved
        a.close()
