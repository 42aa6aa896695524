"""The demo's windows: screenshots under a real X server (Xvfb), and every word they show
from the catalogue (pseudo-localisation, as tests/gui/test_pseudo_language.py does)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.shot_run import assert_shots, needs_xvfb, run_shots
from tests.gui.test_pseudo_language import data_words, in_pseudo, leaks
from ui.app import DemoSession
from ui.logistics_window import LogisticsWindow

__all__ = ["in_pseudo"]  # the fixture, used by name


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_the_demo_under_xvfb(tmp_path: Path) -> None:
    run_shots("tests.gui.demo_screenshots", tmp_path, timeout=300)
    names = ["demo-logistics-queue.png", "demo-main-window.png"]
    # Not a blank grab: text, colours, antialiasing.
    assert_shots(tmp_path, names, size=(1000, 600), step=(3, 5), colours=8)


def test_the_demo_windows_say_nothing_outside_the_catalogue(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_pseudo: None
) -> None:
    monkeypatch.setenv("HALT_DESK_DATA_DIR", str(tmp_path))
    session = DemoSession(tmp_path / "demo", months=1, tickets_per_month=30).start()
    window = session.window
    try:
        found = leaks(window, set())  # "preparing the demo", before any data
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=120_000)
        qtbot.waitUntil(lambda: session.controller is not None, timeout=120_000)
        allowed = data_words(session.store_path)
        found += leaks(window, allowed)
        logistics = window.open_logistics()
        assert isinstance(logistics, LogisticsWindow)
        qtbot.waitUntil(lambda: logistics.loaded, timeout=120_000)
        found += leaks(logistics, allowed)
        logistics.close()
    finally:
        session.close()
        window.close()
    assert found == [], "\n".join(found)
