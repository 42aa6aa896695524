"""A central restored from an older backup: laptops that synced after the backup bring
back what they recorded, forget the seqs central no longer stands behind, pull again and
tell their user once (issue 21)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from halt_desk.central.service import Central
from halt_desk.store import Store
from halt_desk.store.cache_file import CACHE_FILE_NAME
from halt_desk.sync import client_factory
from tests.central_server import ProcessServer, ThreadServer
from tests.sync_support import REPORT_DATA, Desk, Laptop, run_halt_desk

REPO = Path(__file__).resolve().parents[2]


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


def _laptops(tmp_path: Path, desk: Desk, url: str) -> tuple[Laptop, Laptop]:
    """Laptops a and b (their caches in `tmp_path`, kept across restarts) on `url`."""
    a, b = (
        Laptop(tmp_path / f"{n}.sqlite3", url, desk.tokens[f"agent-{n}"], f"agent-{n}")
        for n in ("a", "b")
    )
    return a, b


def _restart_central(
    desk: Desk,
    db_url: str,
    server: ThreadServer,
    laptops: tuple[Laptop, Laptop],
    step: Callable[[], None],
    folder: Path,
) -> tuple[ThreadServer, Laptop, Laptop]:
    """Stops central, runs `step` (a backup or a restore) on its database, starts it again
    and opens the laptops' caches (in `folder`) anew on the new server."""
    server.stop()
    desk.central.close()
    step()
    desk.central = Central.open(db_url)
    server = ThreadServer(desk.central).start()
    for laptop in laptops:
        laptop.close()
    return (server, *_laptops(folder, desk, server.url))


def test_sync_backup_more_work_restore_more_work_sync_twice(
    db_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    desk = Desk.create(db_url)
    with backup_and_restore(db_url, request) as (backup, restore):
        server = ThreadServer(desk.central).start()
        a, b = _laptops(tmp_path, desk, server.url)
        for laptop in (a, b):
            assert laptop.engine.sync_once().state == "online"
        _work(a, "A1", 3)
        _work(b, "B1", 2)
        for laptop in (a, b):
            assert laptop.engine.sync_once().state == "online"
        server, a, b = _restart_central(desk, db_url, server, (a, b), backup, tmp_path)
        _work(a, "A2", 4)
        _work(b, "B2", 1)
        for laptop in (a, b, a):
            assert laptop.engine.sync_once().state == "online"
        server, a, b = _restart_central(desk, db_url, server, (a, b), restore, tmp_path)
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
                # Nothing left out as lost: every event here is one central has.
                assert laptop.event_ids(confirmed_only=False) == laptop.event_ids()
            assert summaries[0].central_restored and summaries[1].central_restored
            with desk.central.engine.connect() as conn:
                from sqlalchemy import text

                query = text("SELECT count(*) FROM audit_log WHERE action = :action")
                found = conn.execute(query, {"action": "central.restore_found"}).scalar()
            assert found == 2  # each laptop said so once
            assert not summaries[2].central_restored and not summaries[3].central_restored
        finally:
            a.close(), b.close()
            server.stop()
            desk.central.close()


def _record(path: Path, user: str, ticket: str, notes: int) -> set[str]:
    """Records a ticket and notes in the laptop's cache (as the desk does), closed again."""
    with Store.open(path) as store:
        report = {**REPORT_DATA, "priority": "P3"}
        ids = {store.record(f"ticket:{ticket}", "ticket_reported", user, report).id}
        for n in range(notes):
            ids.add(store.record(f"ticket:{ticket}", "comment", user, {"text": f"n{n}"}).id)
    return ids


def test_real_processes_serve_backup_restore_and_sync_once(tmp_path: Path) -> None:
    """`halt-desk serve`, `halt-desk central backup` while it serves, a file restore, and
    `halt-desk sync --once` on a laptop: exit 0 every round, the notice in Dutch once."""
    db_path = tmp_path / "central.sqlite3"
    db_url = f"sqlite+pysqlite:///{db_path}"
    desk = Desk.create(db_url)
    token = desk.tokens["agent-a"]
    desk.central.close()
    data = tmp_path / "laptop"
    cache = data / CACHE_FILE_NAME
    server = ProcessServer(db_url, tmp_path / "server-data")
    server.start()
    try:
        login = run_halt_desk(["sync", "login", "--server", server.url], data, token + "\n")
        assert login.returncode == 0, login.stderr
        assert run_halt_desk(["sync", "--once"], data).returncode == 0
        recorded = _record(cache, "agent-a", "P1", 2)
        assert run_halt_desk(["sync", "--once"], data).returncode == 0
        backup = tmp_path / "central.backup"
        made = run_halt_desk(["central", "backup", str(backup), "--db", db_url], tmp_path)
        assert made.returncode == 0, made.stderr
        assert "sqlite backup API" in made.stdout and backup.stat().st_mode & 0o077 == 0
        recorded |= _record(cache, "agent-a", "P2", 3)
        assert run_halt_desk(["sync", "--once"], data).returncode == 0
        server.stop()
        shutil.copyfile(backup, db_path)  # the restore, as the README says
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        server.start()
        recorded |= _record(cache, "agent-a", "P3", 1)
        rounds = [run_halt_desk(["sync", "--once"], data) for _ in range(2)]
    finally:
        server.stop()
    for once in rounds:
        assert once.returncode == 0, once.stdout + once.stderr
        assert "Traceback" not in once.stderr
    notice = "De centrale server is teruggezet naar een oudere back-up."
    assert notice in rounds[0].stdout and notice not in rounds[1].stdout
    assert "4 wijzigingen die hier zijn vastgelegd opnieuw verstuurd" in rounds[0].stdout
    central = Central.open(db_url)
    try:
        on_central = _central_ids(central)
    finally:
        central.close()
    assert len(on_central) == len(set(on_central)) and recorded <= set(on_central)
    connection = sqlite3.connect(cache)
    try:
        held = {row[0] for row in connection.execute("SELECT id FROM events WHERE seq > 0")}
    finally:
        connection.close()
    assert set(on_central) <= held


KILLED_ROUND = """
import os, signal, sys
from pathlib import Path
from halt_desk.store import Store
from halt_desk.store import history_marks
from halt_desk.sync import ServerClock, SyncEngine, client_factory

real = history_marks.forget_after
def forget_then_die(*args, **kwargs):
    real(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # the recovery is committed, nothing after it
history_marks.forget_after = forget_then_die

path, url, token = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
clock = ServerClock()
store = Store.open(path, recording_clock=clock, clock=clock.now)
clock.attach(store)
SyncEngine(store, client_factory(url, token), clock).sync_once()
"""


def test_kill_9_during_the_recovery_round_loses_nothing(tmp_path: Path) -> None:
    desk = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    db_url = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    backup, restore = _sqlite_pair(tmp_path / "central.sqlite3")
    server = ThreadServer(desk.central).start()
    path = tmp_path / "a.sqlite3"
    a = Laptop(path, server.url, desk.tokens["agent-a"], "agent-a")
    try:
        assert a.engine.sync_once().state == "online"
        _work(a, "K1", 2)
        assert a.engine.sync_once().state == "online"
        backup()
        _work(a, "K2", 3)
        assert a.engine.sync_once().state == "online"
    finally:
        a.close()
        server.stop()
        desk.central.close()
    restore()
    desk.central = Central.open(db_url)
    server = ThreadServer(desk.central).start()
    try:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        child = subprocess.run(
            [sys.executable, "-c", KILLED_ROUND, str(path), server.url, desk.tokens["agent-a"]],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert child.returncode == -signal.SIGKILL, child.stderr
        a = Laptop(path, server.url, desk.tokens["agent-a"], "agent-a")
        try:
            assert a.store.outbox_size() == 4  # the four sent after the backup wait again
            summary = a.engine.sync_once()
            assert summary.state == "online" and summary.central_restored is not None
            assert summary.central_restored.resent == 4
            on_central = _central_ids(desk.central)
            assert len(on_central) == len(set(on_central))
            assert _local_ids(a) <= set(on_central) <= a.event_ids()
            assert a.engine.sync_once().central_restored is None
        finally:
            a.close()
    finally:
        server.stop()
        desk.central.close()


def _sqlite_pair(path: Path) -> tuple[Callable[[], None], Callable[[], None]]:
    copy = str(path) + ".backup"
    return (lambda: _sqlite_copy(str(path), copy)), (lambda: _sqlite_copy(copy, str(path)))


def test_numbers_a_desk_holds_are_never_handed_out_again_after_a_restore(
    tmp_path: Path,
) -> None:
    """Laptop A reserved a block after the backup; once A has been back, central's series
    is past A's block, and B's block begins after it (audited)."""
    db_path = tmp_path / "central.sqlite3"
    db_url = f"sqlite+pysqlite:///{db_path}"
    desk = Desk.create(db_url)
    backup, restore = _sqlite_pair(db_path)
    backup()
    server = ThreadServer(desk.central).start()
    a = Laptop(tmp_path / "a.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
    try:
        assert a.engine.sync_once().state == "online"
        held = a.store.held_numbers()
        assert held and all(last >= 50 for _, _, last in held)
    finally:
        a.close()
        server.stop()
        desk.central.close()
    restore()
    desk.central = Central.open(db_url)
    server = ThreadServer(desk.central).start()
    a = Laptop(tmp_path / "a.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
    b = Laptop(tmp_path / "b.sqlite3", server.url, desk.tokens["agent-b"], "agent-b")
    try:
        assert a.engine.sync_once().state == "online"
        assert b.engine.sync_once().state == "online"
        mine = {(org, year): last for org, year, last in a.store.held_numbers()}
        with sqlite3.connect(b.store.path) as connection:
            blocks = list(connection.execute("SELECT org, year, first FROM number_blocks"))
        assert blocks and all(first > mine[(org, year)] for org, year, first in blocks)
        with desk.central.engine.connect() as conn:
            from sqlalchemy import text

            actions = [r[0] for r in conn.execute(text("SELECT action FROM audit_log"))]
        # A pulled nothing after the backup: its history still agrees, only numbers moved.
        assert "numbers.reported" in actions and "central.restore_found" not in actions
    finally:
        a.close(), b.close()
        server.stop()
        desk.central.close()


def test_central_backup_runs_pg_dump_and_pg_restore_brings_it_back(
    pg_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """`halt-desk central backup FILE` on PostgreSQL (pg_dump, password never on its
    command line); the README's pg_restore gives back the same events and identity."""
    server = request.getfixturevalue("postgres_server")
    desk = Desk.create(pg_url)
    with desk.central.engine.connect() as conn:
        from sqlalchemy import text

        instance = conn.execute(text("SELECT instance FROM central_identity")).scalar()
    events = _central_ids(desk.central)
    desk.central.close()
    target = tmp_path / "central.dump"
    env_path = f"{server.bindir}{os.pathsep}{os.environ.get('PATH', '')}"
    made = subprocess.run(
        [
            str(Path(sys.executable).with_name("halt-desk")),
            "central",
            "backup",
            str(target),
            "--db",
            pg_url,
        ],
        env={**os.environ, "PATH": env_path, "HALT_DESK_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    assert "pg_dump" in made.stdout and "pg_restore" in made.stdout
    assert target.stat().st_mode & 0o077 == 0
    copy = "restored_copy"
    url = server.new_database(copy)
    where = make_url(url)
    try:
        restored = subprocess.run(
            [
                str(server.bindir / "pg_restore"),
                "--no-owner",
                *("-d", str(where.database), "-h", "127.0.0.1", "-p", str(where.port)),
                *("-U", str(where.username), str(target)),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert restored.returncode == 0, restored.stderr
        central = Central.open(url)
        try:
            assert _central_ids(central) == events
            with central.engine.connect() as conn:
                again = conn.execute(text("SELECT instance FROM central_identity")).scalar()
            assert again == instance
        finally:
            central.close()
    finally:
        server.drop_database(copy)


def test_a_seq_given_twice_mid_round_is_recovered_in_that_round(tmp_path: Path) -> None:
    """A laptop's pushed event got a seq but its pull never ran; central, restored, gives
    that seq to a colleague's event: the pull finds it, the laptop recovers and ends
    online with everything once."""
    db_path = tmp_path / "central.sqlite3"
    db_url = f"sqlite+pysqlite:///{db_path}"
    desk = Desk.create(db_url)
    backup, restore = _sqlite_pair(db_path)
    server = ThreadServer(desk.central).start()
    a = Laptop(tmp_path / "a.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
    b = Laptop(tmp_path / "b.sqlite3", server.url, desk.tokens["agent-b"], "agent-b")
    try:
        for laptop in (a, b):
            assert laptop.engine.sync_once().state == "online"
        server.stop()
        desk.central.close()
        backup()
        desk.central = Central.open(db_url)
        server = ThreadServer(desk.central).start()
        a.close()
        a = Laptop(tmp_path / "a.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
        _work(a, "X1", 0)
        with client_factory(server.url, desk.tokens["agent-a"])(a.clock) as client:
            pending = a.store.pending_outbox()
            results = client.push(pending)
        a.store.apply_push_results({r.id: r.seq for r in results if r.id}, {})  # no pull
        server.stop()
        desk.central.close()
        restore()
        desk.central = Central.open(db_url)
        server = ThreadServer(desk.central).start()
        for laptop in (a, b):
            laptop.close()
        a = Laptop(tmp_path / "a.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
        b = Laptop(tmp_path / "b.sqlite3", server.url, desk.tokens["agent-b"], "agent-b")
        _work(b, "Y1", 0)
        assert b.engine.sync_once().state == "online"
        summary = a.engine.sync_once()
        assert summary.state == "online", summary
        assert summary.central_restored is not None and summary.central_restored.resent == 1
        on_central = _central_ids(desk.central)
        assert len(on_central) == len(set(on_central))
        assert _local_ids(a) <= set(on_central) <= a.event_ids()
    finally:
        a.close(), b.close()
        server.stop()
        desk.central.close()
