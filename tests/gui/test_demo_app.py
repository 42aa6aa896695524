"""`halt-desk demo`: the app against a central API in the same process, with the demo data.

The first test runs the app in a process of its own: the app's event loop runs to its end
there, as it does for a user, without disturbing the other GUI tests' application object.
The second drives a `DemoSession` in the test's own application (pytest-qt)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from halt_desk.demo.desk_cache import DEMO_USER
from halt_desk.logistics.swap_board import SwapStep
from tests.gui.app_probe import probe_app
from ui.app import DemoSession
from ui.logistics_window import LogisticsWindow


def test_the_demo_opens_the_app_signed_in_and_synced(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HALT_DESK_DATA_DIR": str(tmp_path)}
    seen = probe_app(
        "run_demo_app(Path(sys.argv[1]), months=1, tickets_per_month=40)",
        'seen["connection"] == "Online" and seen["tickets"] > 0',
        tmp_path / "demo",
        env,
    )
    assert seen["exit"] == 0
    assert seen["title"] == "HALT Desk — servicedesk — demo"
    assert seen["connection"] == "Online"
    assert seen["tickets"] > 0
    assert seen["pending"] == "Te verzenden: 0"
    assert seen["sync_process"] is not None  # sync ran in a child process
    assert not seen["sync_process_left"]  # and it ended with the app
    assert (tmp_path / "demo" / "demo-cache.sqlite3").exists()


def test_the_demo_window_fills_its_list_and_its_queue_shows_open_swaps(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HALT_DESK_DATA_DIR", str(tmp_path))
    session = DemoSession(tmp_path / "demo", months=1, tickets_per_month=40).start()
    window = session.window
    try:
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=120_000)
        assert window.user == DEMO_USER
        logistics = window.open_logistics()
        assert isinstance(logistics, LogisticsWindow)
        qtbot.waitUntil(lambda: logistics.loaded, timeout=120_000)
        steps = {row.step for row in logistics.queue.rows}
        assert steps == set(SwapStep) - {SwapStep.CLOSED}
        assert logistics.queue.rowCount() == len(logistics.queue.rows)
        # Afterwards the embedded central is up and the sync process signed in to it.
        qtbot.waitUntil(lambda: window.connection.text() == "Online", timeout=120_000)
        assert session.central is not None and session.controller is not None
        logistics.close()
    finally:
        session.close()
        window.close()
