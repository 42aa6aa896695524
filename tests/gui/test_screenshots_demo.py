"""The demo's windows: screenshots under a real X server (Xvfb), and every word they show
from the catalogue (pseudo-localisation, as tests/gui/test_pseudo_language.py does)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from tests.gui.test_pseudo_language import data_words, in_pseudo, leaks
from ui.app import DemoSession
from ui.logistics_window import LogisticsWindow

ROOT = Path(__file__).resolve().parents[2]
__all__ = ["in_pseudo"]  # the fixture, used by name


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="Xvfb is installed by setup.sh")
def test_screenshots_of_the_demo_under_xvfb(tmp_path: Path) -> None:
    subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24",
         sys.executable, "-m", "tests.gui.demo_screenshots", str(tmp_path)],
        cwd=ROOT, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    names = sorted(path.name for path in tmp_path.glob("*.png"))
    assert names == ["demo-logistics-queue.png", "demo-main-window.png"]
    for path in tmp_path.glob("*.png"):
        image = QImage(str(path))
        assert image.width() > 1000 and image.height() > 600, path.name
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), 3)
            for y in range(0, image.height(), 5)
        }
        assert len(colours) > 8, path.name  # not a blank grab: text, colours, antialiasing


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
