"""The logistics queue with carrier exceptions, under a real X server (Xvfb): the flagged
swaps come first in red, and the window notifies them in Dutch."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="Xvfb is installed by setup.sh")
def test_the_queue_with_carrier_exceptions_under_xvfb(tmp_path: Path) -> None:
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24",
         sys.executable, "-m", "tests.gui.screenshots_couriers", str(tmp_path)],
        cwd=ROOT, check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    notice = done.stdout.strip().splitlines()[-1]
    assert notice.startswith("Melding van de vervoerder: ")
    for words in ("retour afzender", "probleem met het adres", "haalt de deadline"):
        assert words in notice
    image = QImage(str(tmp_path / "logistics-queue-carrier-exception.png"))
    assert image.width() > 900 and image.height() > 400
    # The flagged lines carry their pale red background.
    flagged = QColor("#fde7e9").rgb()
    assert (
        sum(image.pixel(x, y) == flagged for x in range(0, 900, 9) for y in range(100, 260, 4)) > 50
    )
