"""The app's sync process as the window sees it: `SyncController` over a real child process
(`halt-desk sync --worker`) and a real central on loopback."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from halt_desk.store import Store
from halt_desk.sync import ServerClock, SyncSummary
from halt_desk.sync.signin import SyncTarget
from tests.sync_support import REPORT_DATA, Desk
from ui.main_window import MainWindow
from ui.sync_controller import SyncController

PATIENCE_MS = 30_000


@pytest.fixture
def synced(
    qtbot: QtBot, tmp_path: Path, central: tuple[Desk, str]
) -> Iterator[tuple[SyncController, MainWindow, Store]]:
    desk, url = central
    clock = ServerClock()
    store = Store.open(tmp_path / "cache.sqlite3", recording_clock=clock, clock=clock.now)
    clock.attach(store)
    controller = SyncController(store.path, clock, interval=60)
    main = MainWindow(store, "agent-a", clock.now, controller)
    qtbot.addWidget(main)
    controller.start(SyncTarget(url, desk.tokens["agent-a"]))
    qtbot.waitUntil(lambda: main.connection.text() == "Online", timeout=PATIENCE_MS)
    yield controller, main, store
    controller.stop()
    store.close()


def is_gone(pid: int) -> bool:
    """True when no process `pid` exists any more (QProcess reaps its child)."""
    return not Path(f"/proc/{pid}").exists()


def test_pulled_events_reach_the_window(
    qtbot: QtBot, synced: tuple[SyncController, MainWindow, Store]
) -> None:
    _, main, _ = synced
    qtbot.waitUntil(lambda: bool(main.directory and main.directory.find("Anna")))


def test_a_killed_sync_process_is_started_again(
    qtbot: QtBot, synced: tuple[SyncController, MainWindow, Store]
) -> None:
    controller, main, _ = synced
    first = controller.process_id
    assert first is not None
    with qtbot.waitSignal(controller.state_changed, timeout=PATIENCE_MS) as stopped:
        os.kill(first, signal.SIGKILL)
    assert stopped.args[0] == "error"
    assert main.connection.text() == "Synchronisatiefout"
    qtbot.waitUntil(lambda: main.connection.text() == "Online", timeout=PATIENCE_MS)
    assert controller.restarts == 1
    assert controller.process_id not in (None, first)
    assert is_gone(first)


def test_stop_ends_the_sync_process(
    qtbot: QtBot, synced: tuple[SyncController, MainWindow, Store]
) -> None:
    controller, _, _ = synced
    pid = controller.process_id
    assert pid is not None
    controller.stop()
    assert controller.process_id is None
    assert is_gone(pid)
    assert controller.restarts == 0  # a stop is not a crash


def test_a_round_can_be_waited_for_from_a_worker_thread(
    qtbot: QtBot, synced: tuple[SyncController, MainWindow, Store]
) -> None:
    controller, _, store = synced
    store.record("ticket:T1", "ticket_reported", "agent-a", REPORT_DATA | {"priority": "P3"})
    answers: list[SyncSummary] = []
    waiting = threading.Thread(target=lambda: answers.append(controller.round()))
    waiting.start()
    qtbot.waitUntil(lambda: bool(answers), timeout=PATIENCE_MS)
    waiting.join()
    assert answers[0].error is None
    assert (answers[0].pushed, answers[0].outbox) == (1, 0)


def test_the_window_gets_its_reminders_from_the_sync_process(
    qtbot: QtBot, synced: tuple[SyncController, MainWindow, Store]
) -> None:
    controller, main, _ = synced
    main.reminder_state.clear()
    answers: list[int] = []
    controller.reminders_ready.connect(lambda request, _: answers.append(request))
    main.check_reminders()
    asked = main._reminders_asked
    qtbot.waitUntil(lambda: asked in answers, timeout=PATIENCE_MS)
    assert main.reminder_state.text() == "Te laat: 0 · bijna: 0"
