"""A central restored from an older backup: laptops that synced after the backup bring
back what they recorded, forget the seqs central no longer stands behind, pull again and
tell their user once (issue 21)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from halt_desk.central.service import Central
from tests.central_server import ThreadServer
from tests.sync_support import REPORT_DATA, Desk, Laptop


@dataclass
class Site:
    """A central database that can be backed up and restored, and its server."""

    url: str
    desk: Desk
    server: ThreadServer | None = None
    backup_of: Callable[[], None] | None = None

    def start(self) -> str:
        self.server = ThreadServer(self.desk.central).start()
        return self.server.url

    def stop(self) -> None:
        assert self.server is not None
        self.server.stop()
        self.server = None


def _sqlite_copy(source: str, target: str) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@contextmanager
def backup_and_restore(
    db_url: str, request: pytest.FixtureRequest
) -> Iterator[tuple[Callable[[], None], Callable[[], None]]]:
    """(backup, restore) of the central database `db_url` (the central closed first)."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        path = str(url.database)
        copy = path + ".backup"
        yield (lambda: _sqlite_copy(path, copy)), (lambda: _sqlite_copy(copy, path))
        return
    server = request.getfixturevalue("postgres_server")
    name = str(url.database)
    saved = f"bak_{abs(hash(name)) % 10**12}"

    def backup() -> None:
        with server.connect() as conn:
            conn.execute(f'CREATE DATABASE "{saved}" TEMPLATE "{name}"')

    def restore() -> None:
        with server.connect() as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{saved}"')

    try:
        yield backup, restore
    finally:
        server.drop_database(saved)


def _central_ids(central: Central) -> list[str]:
    from sqlalchemy import text

    with central.engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT id FROM events ORDER BY seq"))]


def _local_ids(laptop: Laptop) -> set[str]:
    connection = sqlite3.connect(laptop.store.path)
    try:
        return {r[0] for r in connection.execute("SELECT id FROM events WHERE origin = 'local'")}
    finally:
        connection.close()


def _work(laptop: Laptop, ticket: str, notes: int) -> None:
    laptop.record(f"ticket:{ticket}", "ticket_reported", {**REPORT_DATA, "priority": "P3"})
    for n in range(notes):
        laptop.record(f"ticket:{ticket}", "comment", {"text": f"note {n}"})


def test_sync_backup_more_work_restore_more_work_sync_twice(
    db_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    desk = Desk.create(db_url)
    with backup_and_restore(db_url, request) as (backup, restore):
        server = ThreadServer(desk.central).start()
        a = Laptop(tmp_path / "a.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
        b = Laptop(tmp_path / "b.sqlite3", server.url, desk.tokens["agent-b"], "agent-b")
        for laptop in (a, b):
            assert laptop.engine.sync_once().state == "online"
        _work(a, "A1", 3)
        _work(b, "B1", 2)
        for laptop in (a, b):
            assert laptop.engine.sync_once().state == "online"
        server.stop()
        desk.central.close()
        backup()
        desk.central = Central.open(db_url)
        server = ThreadServer(desk.central).start()
        a.close(), b.close()
        a = Laptop(tmp_path / "a.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
        b = Laptop(tmp_path / "b.sqlite3", server.url, desk.tokens["agent-b"], "agent-b")
        _work(a, "A2", 4)
        _work(b, "B2", 1)
        for laptop in (a, b, a):
            assert laptop.engine.sync_once().state == "online"
        server.stop()
        desk.central.close()
        restore()
        desk.central = Central.open(db_url)
        server = ThreadServer(desk.central).start()
        a.close(), b.close()
        a = Laptop(tmp_path / "a.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
        b = Laptop(tmp_path / "b.sqlite3", server.url, desk.tokens["agent-b"], "agent-b")
        _work(a, "A3", 2)
        _work(b, "B3", 2)
        try:
            summaries = [laptop.engine.sync_once() for laptop in (a, b, a, b)]
            assert [s.state for s in summaries] == ["online"] * 4, summaries
            on_central = _central_ids(desk.central)
            assert len(on_central) == len(set(on_central))
            for laptop in (a, b):
                assert _local_ids(laptop) <= set(on_central)
                assert set(on_central) <= laptop.event_ids()
                assert laptop.store.outbox_size() == 0
            assert summaries[0].central_restored and summaries[1].central_restored
            assert not summaries[2].central_restored and not summaries[3].central_restored
        finally:
            a.close(), b.close()
            server.stop()
            desk.central.close()
