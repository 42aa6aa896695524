"""kill -9 of a client while it records and syncs, and of central during a push: after a
restart and a sync every committed event is on central exactly once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from halt_desk.domain.events import new_event
from halt_desk.sync import SyncProgress
from tests.central_server import ProcessServer
from tests.sync_support import REPORT_DATA, Desk, Laptop

REPO = Path(__file__).resolve().parents[2]

CHILD = """
import sys
from pathlib import Path
from halt_desk.sync import ServerClock, SyncEngine, client_factory
from halt_desk.store import Store

path, url, token, total = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
clock = ServerClock()
store = Store.open(path, recording_clock=clock, clock=clock.now)
clock.attach(store)
engine = SyncEngine(store, client_factory(url, token), clock, push_batch=50)
engine.sync_once()
for n in range(total):
    ticket = f"ticket:K{n // 10}"
    if n % 10 == 0:
        store.record(ticket, "ticket_reported", "agent-a",
                     {"org": "halt", "caller": "e1", "channel": "phone", "priority": "P3"})
    else:
        store.record(ticket, "comment", "agent-a", {"text": f"note {n}"})
    print(n, flush=True)
    if n % 97 == 0:
        engine.sync_once()
print("done", flush=True)
"""


def local_events(path: Path) -> dict[str, str]:
    connection = sqlite3.connect(path)
    try:
        return dict(connection.execute("SELECT id, type FROM events WHERE origin = 'local'"))
    finally:
        connection.close()


def central_ids(desk: Desk) -> list[str]:
    return desk.event_ids()


def test_kill_9_of_the_client_while_recording_loses_and_doubles_nothing(
    tmp_path: Path,
) -> None:
    db_url = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    desk = Desk.create(db_url)
    token = desk.tokens["agent-a"]
    server = ProcessServer(db_url, tmp_path / "server-data")
    server.start()
    try:
        path = tmp_path / "laptop.sqlite3"
        env = {**os.environ, "PYTHONPATH": str(REPO), "HALT_DESK_DATA_DIR": str(tmp_path)}
        child = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(CHILD), str(path), server.url, token, "1000"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        kill_after = random.Random(4).randrange(150, 900)
        for line in child.stdout:
            if line.strip() == "done" or int(line) >= kill_after:
                break
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        recorded = local_events(path)
        assert len(recorded) >= kill_after
        # Restart the client and sync.
        laptop = Laptop(path, server.url, token, "agent-a")
        summary = laptop.engine.sync_once()
        assert summary.outbox == 0 and summary.rejected_total == 0, summary
        ids = central_ids(desk)
        assert len(ids) == len(set(ids))
        assert set(recorded) <= set(ids)
        assert len(ids) == len(recorded) + 2  # + the org and employee of the set-up
        laptop.close()
    finally:
        server.stop()
        desk.central.close()


def test_kill_9_of_central_during_a_push_then_retry_gives_each_event_once(
    tmp_path: Path,
) -> None:
    db_url = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    desk = Desk.create(db_url)
    token = desk.tokens["agent-a"]
    server = ProcessServer(db_url, tmp_path / "server-data")
    server.start()
    first_batch_done = threading.Event()

    def progress(report: SyncProgress) -> None:
        if report.phase == "push" and report.done > 0:
            first_batch_done.set()

    laptop = Laptop(
        tmp_path / "laptop.sqlite3",
        server.url,
        token,
        "agent-a",
        push_batch=250,
        on_progress=progress,
    )
    try:
        assert laptop.engine.sync_once().outbox == 0
        first_batch_done.clear()
        now = laptop.clock.now()
        events = []
        for n in range(300):
            stream = f"ticket:S{n}"
            report = REPORT_DATA | {"priority": "P3"}
            events.append(new_event(stream, "ticket_reported", now, "agent-a", report))
            events += [
                new_event(stream, "comment", now, "agent-a", {"text": f"{n}.{k}"}) for k in range(9)
            ]
        laptop.store.record_events(events, bulk=True)
        killer = threading.Thread(target=lambda: (first_batch_done.wait(60), server.kill()))
        killer.start()
        interrupted = laptop.engine.sync_once()
        killer.join()
        assert str(interrupted.state) == "offline", interrupted
        assert 0 < interrupted.outbox < len(events)
        server.start()  # same database, same port
        summary = laptop.engine.sync_once()
        assert summary.outbox == 0 and summary.rejected_total == 0, summary
        ids = central_ids(desk)
        assert len(ids) == len(set(ids)) == len(events) + 2
        assert {e.id for e in events} <= set(ids)
        # What the killed push had committed came back as duplicates (or was confirmed).
        assert summary.pushed + summary.duplicates + (len(events) - interrupted.outbox) == len(
            events
        )
    finally:
        laptop.close()
        server.stop()
        desk.central.close()
