"""Screenshots of change tickets with their own clocks under Xvfb
(tests/gui/screenshots_changes.py): every screen is there and not a blank grab."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ["change-in-list.png", "change-minor-clocks.png", "change-standard-planned.png"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="Xvfb is installed by setup.sh")
def test_screenshots_of_change_tickets_and_their_clocks(tmp_path: Path, qapp: QApplication) -> None:
    subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24",
         sys.executable, "-m", "tests.gui.screenshots_changes", str(tmp_path)],
        cwd=ROOT, check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert sorted(path.name for path in tmp_path.glob("*.png")) == SHOTS
    for name in SHOTS:
        image = QImage(str(tmp_path / name))
        assert image.width() > 300 and image.height() > 200, name
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), 7)
            for y in range(0, image.height(), 23)
        }
        assert len(colours) > 3, name  # not a blank grab
