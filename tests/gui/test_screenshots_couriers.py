"""The logistics queue with carrier exceptions, under a real X server (Xvfb): the flagged
swaps come first in red, and the window notifies them in Dutch."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from tests.gui.shot_run import needs_xvfb, run_shots


@pytest.mark.slow
@needs_xvfb
def test_the_queue_with_carrier_exceptions_under_xvfb(tmp_path: Path) -> None:
    stdout = run_shots("tests.gui.screenshots_couriers", tmp_path, timeout=120)
    notice = stdout.strip().splitlines()[-1]
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
