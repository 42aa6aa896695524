"""The desktop app's sync process (`halt-desk sync --worker`): a real child process on a real
cache file, talking to a real central on loopback in JSON lines."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest

from halt_desk.background.sync_process import reminder_from_json, summary_from_json, worker_command
from halt_desk.desk.reminders import ReminderKind
from halt_desk.domain.events import new_event
from halt_desk.store import Store
from halt_desk.sync.signin import SyncTarget
from tests.desk_data import reference_events
from tests.swap_data import closed_swap, depot_events, loaner_events
from tests.sync_support import REPORT_DATA, Desk

#: Seconds a test waits for the child's next line or its exit before it fails.
PATIENCE = 60


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    with Store.open(tmp_path / "cache.sqlite3"):
        pass  # the app opens (and migrates) the cache before it starts the worker
    child = subprocess.Popen(
        worker_command(tmp_path / "cache.sqlite3"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield child
    if child.poll() is None:
        child.kill()
    child.wait(timeout=PATIENCE)
    for stream in (child.stdin, child.stdout, child.stderr):
        if stream is not None:
            stream.close()


def send(child: subprocess.Popen[str], command: dict[str, Any]) -> None:
    stdin: IO[str] | None = child.stdin
    assert stdin is not None
    stdin.write(json.dumps(command) + "\n")
    stdin.flush()


def messages_until_summary(child: subprocess.Popen[str]) -> list[dict[str, Any]]:
    """The child's lines up to and including the next round's summary."""
    assert child.stdout is not None
    seen: list[dict[str, Any]] = []
    for line in child.stdout:
        seen.append(json.loads(line))
        if seen[-1]["type"] == "summary":
            return seen
    pytest.fail(f"the worker ended without a summary: {seen}")


def test_the_worker_syncs_the_cache_and_reports_progress(
    tmp_path: Path, central: tuple[Desk, str], worker: subprocess.Popen[str]
) -> None:
    desk, url = central
    send(worker, SyncTarget(url, desk.tokens["agent-a"]).connect_command(60))
    messages = messages_until_summary(worker)
    states = [m["state"] for m in messages if m["type"] == "state"]
    assert states == ["syncing", "online"]
    pulls = [m for m in messages if m["type"] == "progress" and m["phase"] == "pull"]
    assert pulls[-1]["done"] == 2  # the organisation and the employee
    summary = summary_from_json(messages[-1]["summary"])
    assert (summary.state, summary.pulled, summary.outbox) == ("online", 2, 0)
    with Store.open(tmp_path / "cache.sqlite3") as store:
        assert store.reference("employee:e1") is not None


def test_a_requested_round_answers_with_its_request_number(
    tmp_path: Path, central: tuple[Desk, str], worker: subprocess.Popen[str]
) -> None:
    desk, url = central
    send(worker, SyncTarget(url, desk.tokens["agent-a"]).connect_command(60))
    messages_until_summary(worker)
    with Store.open(tmp_path / "cache.sqlite3") as store:
        store.record("ticket:T1", "ticket_reported", "agent-a", REPORT_DATA | {"priority": "P3"})
    send(worker, {"cmd": "sync", "request": 7})
    last = messages_until_summary(worker)[-1]
    assert last["request"] == 7
    assert last["summary"]["outbox"] == 0  # what this process recorded was sent by the worker


def test_the_token_is_neither_in_the_command_line_nor_in_the_environment(
    central: tuple[Desk, str], worker: subprocess.Popen[str]
) -> None:
    desk, url = central
    token = desk.tokens["agent-a"]
    send(worker, SyncTarget(url, token).connect_command(60))
    messages_until_summary(worker)  # the child has read and used it by now
    proc = Path("/proc") / str(worker.pid)
    assert token.encode() not in (proc / "cmdline").read_bytes()
    assert token.encode() not in (proc / "environ").read_bytes()
    send(worker, {"cmd": "stop"})
    _, log = worker.communicate(timeout=PATIENCE)
    assert token not in log
    assert token not in repr(SyncTarget(url, token))


def test_the_worker_exits_when_its_parent_closes_standard_input(
    central: tuple[Desk, str], worker: subprocess.Popen[str]
) -> None:
    desk, url = central
    send(worker, SyncTarget(url, desk.tokens["agent-a"]).connect_command(60))
    messages_until_summary(worker)
    assert worker.stdin is not None
    worker.stdin.close()  # what the system does when the app dies
    assert worker.wait(timeout=PATIENCE) == 0


def test_a_worker_stopped_before_it_was_connected_exits_at_once(
    worker: subprocess.Popen[str],
) -> None:
    send(worker, {"cmd": "stop"})
    assert worker.wait(timeout=PATIENCE) == 0


def test_the_worker_started_from_a_bundle_runs_the_bundles_own_program(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.frozen", True, raising=False)
    command = worker_command(tmp_path / "cache.sqlite3", executable="/opt/halt-desk/halt-desk")
    assert command == [
        "/opt/halt-desk/halt-desk",
        "sync",
        "--worker",
        "--store",
        str(tmp_path / "cache.sqlite3"),
    ]


def test_the_worker_evaluates_the_reminders_of_the_cache(
    tmp_path: Path, central: tuple[Desk, str], worker: subprocess.Popen[str]
) -> None:
    desk, url = central
    send(worker, SyncTarget(url, desk.tokens["agent-a"]).connect_command(60))
    messages_until_summary(worker)  # the organisation is in the cache now
    reported = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: reported) as store:
        store.record_event(
            new_event("ticket:T1", "ticket_reported", reported, "agent-a",
                      REPORT_DATA | {"priority": "P1"})
        )  # fmt: skip
    now = reported + timedelta(hours=1)
    send(worker, {"cmd": "reminders", "request": 3, "now": now.isoformat()})
    assert worker.stdout is not None
    for line in worker.stdout:
        message = json.loads(line)
        if message["type"] == "reminders":
            break
    assert message["request"] == 3
    reminders = [reminder_from_json(item) for item in message["reminders"]]
    assert ("T1", "reaction", ReminderKind.OVERDUE) in {
        (r.ticket, r.clock, r.kind) for r in reminders
    }


def test_new_credentials_apply_from_the_next_round(
    central: tuple[Desk, str], worker: subprocess.Popen[str]
) -> None:
    desk, url = central
    send(worker, SyncTarget(url, "not-a-token").connect_command(60))
    assert messages_until_summary(worker)[-1]["summary"]["state"] == "signed_out"
    send(worker, SyncTarget(url, desk.tokens["agent-a"]).connect_command(60))
    assert messages_until_summary(worker)[-1]["summary"]["state"] == "online"


def test_the_worker_does_its_housekeeping_at_start(
    tmp_path: Path, central: tuple[Desk, str], worker: subprocess.Popen[str]
) -> None:
    """Home addresses of a swap closed 40 days ago leave the cache when the sync process
    starts, and the window hears which streams were rewritten."""
    with Store.open(tmp_path / "cache.sqlite3") as store:
        store.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        store.mark_sent([e.id for e in store.pending_outbox(1000)])
        ticket, swap = closed_swap(store, datetime.now(UTC) - timedelta(days=40))
    desk, url = central
    send(worker, SyncTarget(url, desk.tokens["agent-a"]).connect_command(60))
    messages = messages_until_summary(worker)
    reports = [m["report"] for m in messages if m["type"] == "housekeeping"]
    assert [r["purged"] for r in reports] == [2]
    assert set(reports[0]["streams"]) == {f"swap:{swap}", f"ticket:{ticket}"}
    with Store.open(tmp_path / "cache.sqlite3") as store:
        texts = [e.data for e in store.events_for(f"swap:{swap}")]
    assert not any("home_address" in data for data in texts)
