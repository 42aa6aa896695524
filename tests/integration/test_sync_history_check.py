"""The question to central about its history (sync/central_restore.py) is asked when a
round gives a reason, not in every idle round, and a restore is still found before the
laptop writes anything central gives (issue 21, the cost of idle rounds)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import halt_desk.sync.rounds as rounds
from halt_desk.central.service import Central
from halt_desk.store import Store
from halt_desk.sync import ServerClock, SyncEngine
from halt_desk.sync.client import CentralClient, CentralPosition
from tests.central_server import ThreadServer
from tests.sync_support import REPORT_DATA, Desk


class Site:
    """A SQLite central that can be backed up and restored while laptops keep their
    engines (the engine asks for the server's current address every round)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "central.sqlite3"
        self.url = f"sqlite+pysqlite:///{self.path}"
        self.desk = Desk.create(self.url)
        self.server = ThreadServer(self.desk.central).start()

    def _copy(self, source: Path, target: Path) -> None:
        src, dst = sqlite3.connect(source), sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()

    def _restart(self, step: str) -> None:
        self.server.stop()
        self.desk.central.close()
        backup = Path(str(self.path) + ".backup")
        if step == "backup":
            self._copy(self.path, backup)
        else:
            self._copy(backup, self.path)
        self.desk.central = Central.open(self.url)
        self.server = ThreadServer(self.desk.central).start()

    def backup(self) -> None:
        self._restart("backup")

    def restore(self) -> None:
        self._restart("restore")

    def central_ids(self) -> list[str]:
        from sqlalchemy import text

        with self.desk.central.engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT id FROM events ORDER BY seq"))]

    def close(self) -> None:
        self.server.stop()
        self.desk.central.close()


class Desktop:
    """A laptop whose engine lives across central's restarts, counting the history
    questions its (real) client asks."""

    def __init__(self, site: Site, folder: Path, user: str) -> None:
        self.user = user
        self.asked = 0
        self.clock = ServerClock()
        self.store = Store.open(folder / f"{user}.sqlite3", recording_clock=self.clock)
        self.clock.attach(self.store)
        token = site.desk.tokens[user]
        desktop = self

        class Counted(CentralClient):
            def history(
                self,
                seqs: Sequence[int],
                numbers: Sequence[tuple[str, int, int]] = (),
                found_behind: int | None = None,
            ) -> CentralPosition | None:
                if found_behind is None:  # the question itself, not the search for the fork
                    desktop.asked += 1
                return super().history(seqs, numbers, found_behind)

        def make(clock: ServerClock) -> CentralClient:
            return Counted(
                site.server.url, token, device_clock=clock.device_now, observer=clock.observe
            )

        self.engine = SyncEngine(self.store, make, self.clock)

    def work(self, ticket: str, notes: int) -> None:
        stream = f"ticket:{ticket}"
        self.store.record(stream, "ticket_reported", self.user, {**REPORT_DATA, "priority": "P3"})
        for n in range(notes):
            self.store.record(stream, "comment", self.user, {"text": f"note {n}"})

    def sync(self) -> Any:
        summary = self.engine.sync_once()
        assert summary.state == "online", summary
        return summary

    def local_ids(self) -> set[str]:
        with sqlite3.connect(self.store.path) as connection:
            return {r[0] for r in connection.execute("SELECT id FROM events WHERE origin='local'")}

    def confirmed_ids(self) -> set[str]:
        with sqlite3.connect(self.store.path) as connection:
            return {r[0] for r in connection.execute("SELECT id FROM events WHERE seq IS NOT NULL")}


@pytest.fixture
def site(tmp_path: Path) -> Any:
    site = Site(tmp_path)
    yield site
    site.close()


def test_idle_rounds_do_not_ask_and_rounds_with_work_do(site: Site, tmp_path: Path) -> None:
    a = Desktop(site, tmp_path, "agent-a")
    b = Desktop(site, tmp_path, "agent-b")
    try:
        a.sync()
        b.sync()
        assert a.asked == 1  # the engine's first round asks
        for _ in range(5):
            a.sync()
        assert a.asked == 1  # idle: nothing sent, nothing new in the feed
        a.work("A1", 1)
        a.sync()
        assert a.asked == 2  # events to send
        b.sync()
        before = b.asked
        b.work("B1", 0)
        b.sync()
        a.sync()  # the feed brings B1: asked before it is written
        assert a.asked == 3 and b.asked == before + 1
        assert "B1" in {t.id for t in a.store.tickets()}
    finally:
        a.store.close()
        b.store.close()


def test_an_idle_laptop_asks_again_after_the_interval(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = Desktop(site, tmp_path, "agent-a")
    try:
        a.sync()
        a.sync()
        assert a.asked == 1
        monkeypatch.setattr(rounds, "HISTORY_CHECK_EVERY", 0.0)
        a.sync()
        a.sync()
        assert a.asked == 3
    finally:
        a.store.close()


def test_a_restore_that_puts_the_head_back_is_found_in_the_next_idle_round(
    site: Site, tmp_path: Path
) -> None:
    a = Desktop(site, tmp_path, "agent-a")
    try:
        a.sync()
        site.backup()
        a.work("A1", 3)
        a.sync()
        asked = a.asked
        a.sync()  # idle
        assert a.asked == asked
        site.restore()  # central lost A1 and its notes; its head is back before them
        summary = a.sync()
        assert a.asked == asked + 1
        assert summary.central_restored is not None and summary.central_restored.resent == 4
        on_central = site.central_ids()
        assert len(on_central) == len(set(on_central))
        assert a.local_ids() <= set(on_central) <= a.confirmed_ids()
        assert a.store.outbox_size() == 0
    finally:
        a.store.close()


def test_a_restore_refilled_past_the_old_head_is_found_before_the_feed_is_written(
    site: Site, tmp_path: Path
) -> None:
    """After the restore a colleague sends more than central lost: central's head is past
    where this laptop had it, but the feed's events are not written before the question
    found the fork."""
    a = Desktop(site, tmp_path, "agent-a")
    b = Desktop(site, tmp_path, "agent-b")
    try:
        a.sync()
        b.sync()
        site.backup()
        a.work("A1", 2)
        a.sync()
        a.sync()
        asked = a.asked
        site.restore()
        b.work("B1", 8)
        b.sync()  # b's first round on the restored central: its own history still agrees
        summary = a.sync()
        assert a.asked == asked + 1
        assert summary.central_restored is not None and summary.central_restored.resent == 3
        a.sync()
        on_central = site.central_ids()
        assert len(on_central) == len(set(on_central))
        assert a.local_ids() <= set(on_central)
        assert set(on_central) == a.confirmed_ids()
        assert {"A1", "B1"} <= {t.id for t in a.store.tickets()}
    finally:
        a.store.close()
        b.store.close()


def test_a_restore_refilled_to_the_same_head_is_found_by_the_chain_at_the_mark(
    site: Site, tmp_path: Path
) -> None:
    """After the restore a colleague sends exactly as many events as central lost: the
    seq of this laptop's newest mark is there again, the head where it was, but the chain
    there is another one, so the idle round asks and recovers."""
    a = Desktop(site, tmp_path, "agent-a")
    b = Desktop(site, tmp_path, "agent-b")
    try:
        a.sync()
        b.sync()
        site.backup()
        a.work("A1", 2)
        a.sync()
        a.sync()
        asked = a.asked
        site.restore()
        b.work("B1", 2)  # three events, as many as central lost of a's
        b.sync()
        assert len(site.central_ids()) == len(a.confirmed_ids())
        summary = a.sync()
        assert a.asked == asked + 1
        assert summary.central_restored is not None and summary.central_restored.resent == 3
        a.sync()
        on_central = site.central_ids()
        assert len(on_central) == len(set(on_central))
        assert set(on_central) == a.confirmed_ids()
    finally:
        a.store.close()
        b.store.close()
