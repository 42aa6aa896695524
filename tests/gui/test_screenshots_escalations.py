"""Screenshots of Escalaties under Xvfb (tests/gui/screenshots_escalations.py): every
screen is there and not a blank grab."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]
SHOTS = [
    "escalation-dialog-refused.png",
    "escalations-detail-actions.png",
    "escalations-read-only.png",
    "escalations-register.png",
    "main-window-escalations.png",
    "ticket-escalation-line.png",
]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="Xvfb is installed by setup.sh")
def test_screenshots_of_the_escalation_register(tmp_path: Path, qapp: QApplication) -> None:
    subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24",
         sys.executable, "-m", "tests.gui.screenshots_escalations", str(tmp_path)],
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
