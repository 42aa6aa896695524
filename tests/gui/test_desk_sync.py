"""The desk with central stopped keeps working, shows it is offline, and sends everything
once central runs again; refused events show up in the status bar with their reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from halt_desk.central.embedded import EmbeddedServer
from halt_desk.store import Store
from halt_desk.sync import ServerClock
from halt_desk.sync.signin import SyncTarget
from tests.sync_support import ALL_PASS, Desk
from ui.main_window import MainWindow
from ui.sync_controller import SyncController

ONLINE, OFFLINE = "Online", "Offline — wijzigingen wachten"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    central = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    yield central
    central.central.close()


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, desk: Desk) -> Iterator[tuple[MainWindow, Store, int]]:
    with EmbeddedServer(desk.central) as first:
        port = first.port
    clock = ServerClock()
    store = Store.open(tmp_path / "cache.sqlite3", recording_clock=clock, clock=clock.now)
    clock.attach(store)
    controller = SyncController(store.path, clock, interval=0.3)
    main = MainWindow(store, "agent-a", clock.now, controller)
    qtbot.addWidget(main)
    main.show()
    controller.start(SyncTarget(f"http://127.0.0.1:{port}", desk.tokens["agent-a"]))
    yield main, store, port
    controller.stop()
    store.close()


def test_the_desk_works_while_central_is_down_and_syncs_once_it_runs(
    qtbot: QtBot, desk: Desk, window: tuple[MainWindow, Store, int]
) -> None:
    main, store, port = window
    with EmbeddedServer(desk.central, port=port):  # the first contact: reference data
        qtbot.waitUntil(lambda: main.connection.text() == ONLINE, timeout=15_000)
        qtbot.waitUntil(lambda: bool(main.directory.find("Anna")), timeout=15_000)
    qtbot.waitUntil(lambda: main.connection.text() == OFFLINE, timeout=15_000)

    dialog = main.new_intake()
    dialog.choose_caller(main.directory.find("Anna")[0])
    dialog.summary.setText("Laptop start niet op")
    dialog.category.setCurrentIndex(dialog.category.findData("werkplek"))
    dialog.impact.setCurrentIndex(dialog.impact.findData("one"))
    dialog.urgency.setCurrentIndex(dialog.urgency.findData("stopped"))
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save()
    ticket_id = saved.args[0]
    assert store.outbox_size() == 1
    qtbot.waitUntil(lambda: main.pending.text() == "Te verzenden: 1", timeout=15_000)

    with EmbeddedServer(desk.central, port=port):
        qtbot.waitUntil(lambda: main.pending.text() == "Te verzenden: 0", timeout=15_000)
        # The push is confirmed before the round's pull ends: "Synchroniseren…" until then.
        qtbot.waitUntil(lambda: main.connection.text() == ONLINE, timeout=15_000)
    assert store.outbox_size() == 0
    streams = {row[0] for row in desk.central.engine.connect().exec_driver_sql(
        "SELECT stream FROM events").fetchall()}  # fmt: skip
    assert f"ticket:{ticket_id}" in streams


def test_what_central_refuses_is_shown_with_its_reason(
    qtbot: QtBot, desk: Desk, window: tuple[MainWindow, Store, int]
) -> None:
    main, store, port = window
    # An agent may not register loaners: central refuses, the cache keeps it with the reason.
    loaner = {"org": "halt", "depot": "utr", "serial": "S1", "model": "x", "type": "laptop"}
    store.record("device:HALT-LT-00042", "device_registered", "agent-a", loaner)
    store.record("device:HALT-LT-00042", "readiness_checked", "agent-a", ALL_PASS)
    with EmbeddedServer(desk.central, port=port):
        qtbot.waitUntil(main.issues.isVisible, timeout=15_000)
    assert main.issues.text() == "Conflicten: 0 · geweigerd: 2"
    issues = main.open_sync_issues()
    qtbot.waitUntil(lambda: issues.loaded)
    reasons = {issues.rejected_table.item(row, 3).text() for row in range(2)}
    assert any("may not record device_registered" in reason for reason in reasons)
    issues.rejected_table.selectRow(0)
    with qtbot.waitSignal(issues.changed):
        issues.dismiss.click()
    qtbot.waitUntil(lambda: len(issues.refused) == 1)
    assert len(store.rejected_events()) == 1  # the other refused event is still shown
