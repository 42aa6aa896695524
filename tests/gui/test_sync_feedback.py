"""The main window's sync feedback, over the real sync process and a real central on
127.0.0.1: a first sync of many events shows events of the total on a progress bar in the
status bar, moving only forward to the end; F9 says that a round started and how it ended,
in Dutch, also when central cannot be reached."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from halt_desk.store import Store
from halt_desk.sync import ServerClock, SyncProgress
from halt_desk.sync.signin import SyncTarget
from tests.central_server import free_port
from tests.desk_data import NOW, reference_events
from tests.integration.test_sync_progress import seed, ticket_events
from tests.sync_support import REPORT_DATA, Desk, wire
from ui.main_window import MainWindow
from ui.sync_controller import SyncController
from ui.sync_feedback import BAR_STEPS

PATIENCE_MS = 60_000


@pytest.fixture
def laptop(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[MainWindow, Store, SyncController]]:
    """A new laptop's window (empty cache) with its sync process, not started yet."""
    clock = ServerClock()
    store = Store.open(tmp_path / "cache.sqlite3", recording_clock=clock, clock=clock.now)
    clock.attach(store)
    controller = SyncController(store.path, clock, interval=600)
    main = MainWindow(store, "agent-a", clock.now, controller)
    qtbot.addWidget(main)
    main.show()
    yield main, store, controller
    controller.stop()
    store.close()


def test_a_first_sync_shows_events_of_the_total_to_the_end(
    qtbot: QtBot, laptop: tuple[MainWindow, Store, SyncController], central: tuple[Desk, str]
) -> None:
    main, _, controller = laptop
    desk, url = central
    seed(desk, "agent-b", ticket_events("halt", "e1", "W"))
    total = len(desk.event_ids())
    feedback = main.sync_feedback
    assert feedback is not None
    seen: list[tuple[bool, int, str]] = []

    def look(_report: SyncProgress) -> None:  # after the feedback's own slot
        bar = feedback.progress_bar
        seen.append((feedback.progress_visible, bar.value(), feedback.text.text()))

    controller.progress.connect(look)
    with qtbot.waitSignal(controller.round_done, timeout=PATIENCE_MS):
        controller.start(SyncTarget(url, desk.tokens["agent-a"]))
    shown = [(value, text) for visible, value, text in seen if visible]
    assert len(shown) >= 3, seen
    values = [value for value, _ in shown]
    assert values == sorted(values) and values[-1] == BAR_STEPS
    grouped = f"{total:,}".replace(",", ".")
    assert shown[0][1] == f"0 van ±{grouped} gebeurtenissen"
    assert shown[-1][1] == f"{grouped} van ±{grouped} gebeurtenissen"
    assert not feedback.progress_visible  # the round ended: the bar is gone


def test_f9_says_that_a_sync_started_and_how_it_ended(
    qtbot: QtBot, laptop: tuple[MainWindow, Store, SyncController], central: tuple[Desk, str]
) -> None:
    main, _, controller = laptop
    desk, url = central
    controller.start(SyncTarget(url, desk.tokens["agent-a"]))
    qtbot.waitUntil(lambda: main.connection.text() == "Online", timeout=PATIENCE_MS)
    report = REPORT_DATA | {"priority": "P3"}
    desk.seed("agent-b", [wire("ticket:F9", "ticket_reported", report)] * 1)
    desk.seed("agent-b", [wire("ticket:F9", "comment", {"text": str(n)}) for n in range(2)])
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)  # its shortcuts need it active
    qtbot.keyClick(main, Qt.Key.Key_F9)
    assert main.statusBar().currentMessage() == "Synchroniseren…"
    qtbot.waitUntil(
        lambda: main.statusBar().currentMessage().startswith("Gesynchroniseerd"),
        timeout=PATIENCE_MS,
    )
    assert main.statusBar().currentMessage() == "Gesynchroniseerd: 0 verstuurd, 3 ontvangen"


def test_f9_without_central_says_why_in_dutch(
    qtbot: QtBot, laptop: tuple[MainWindow, Store, SyncController], central: tuple[Desk, str]
) -> None:
    main, store, controller = laptop
    desk, _ = central
    nowhere = f"http://127.0.0.1:{free_port()}"
    controller.start(SyncTarget(nowhere, desk.tokens["agent-a"]))
    qtbot.waitUntil(lambda: main.connection.text().startswith("Offline"), timeout=PATIENCE_MS)
    store.record_events(reference_events())  # recorded here, waiting to be sent
    waiting = store.outbox_size()
    assert waiting > 1
    qtbot.keyClick(main, Qt.Key.Key_F9)
    assert main.statusBar().currentMessage() == "Synchroniseren…"
    qtbot.waitUntil(
        lambda: main.statusBar().currentMessage() != "Synchroniseren…", timeout=PATIENCE_MS
    )
    assert main.statusBar().currentMessage() == (
        "Synchroniseren mislukt: de server is niet bereikbaar · "
        f"{waiting} wijzigingen wachten op deze computer"
    )


def test_f9_without_a_server_says_the_work_waits(qtbot: QtBot, store: Store) -> None:
    main = MainWindow(store, "agent-a", lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.loaded)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)  # its shortcuts need it active
    messages: list[str] = []
    main.statusBar().messageChanged.connect(messages.append)
    qtbot.keyClick(main, Qt.Key.Key_F9)
    assert messages == ["Offline werken: wijzigingen wachten tot je je aanmeldt"]
