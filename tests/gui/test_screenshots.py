"""The screenshot script runs under a real X server (Xvfb) and saves every window."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="Xvfb is installed by setup.sh")
def test_screenshots_of_every_window_under_xvfb(tmp_path: Path) -> None:
    subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24",
         sys.executable, "-m", "tests.gui.screenshots", str(tmp_path)],
        cwd=ROOT, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    names = sorted(path.name for path in tmp_path.glob("*.png"))
    assert names == [
        "device-register.png", "field-view-take-along.png", "field-view.png", "intake.png",
        "logistics-queue.png",
        "logistics-stock.png", "main-window.png",
        "scan.png", "ticket-view.png", "uplift.png",
    ]  # fmt: skip
    for path in tmp_path.glob("*.png"):
        image = QImage(str(path))
        assert image.width() > 300 and image.height() > 200, path.name
        # Not a blank grab: a real window has many colours.
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in (40, 80, 120)}
        assert len(colours) > 3, path.name
