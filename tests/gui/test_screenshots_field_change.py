"""The field view with change tickets on screen: screenshots under a real X server (Xvfb)
of a minor change and a planned standard change chosen, each with its own clock."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ["field-minor-change.png", "field-standard-change.png"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="Xvfb is installed by setup.sh")
def test_screenshots_of_the_field_view_with_changes_under_xvfb(tmp_path: Path) -> None:
    subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24",
         sys.executable, "-m", "tests.gui.screenshots_field_change", str(tmp_path)],
        cwd=ROOT, check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    assert sorted(path.name for path in tmp_path.glob("*.png")) == SHOTS
    for name in SHOTS:
        image = QImage(str(tmp_path / name))
        assert image.width() > 400 and image.height() > 300, name
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in (20, 60, 100)}
        assert len(colours) > 3, name  # not a blank grab
