"""Screenshots of the scan station under Xvfb (tests/gui/screenshots_scan.py): a good scan,
an unknown code and a device in the wrong state each in their own colour on a real
screen, a pasted wall of text leaves the window as wide as it was, and the camera preview
shows the label fed as frames."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from tests.gui.shot_run import needs_xvfb, run_shots

COLOURS = {
    "scan-good.png": "#1b5e20",
    "scan-unknown.png": "#546e7a",
    "scan-wrong-state.png": "#b3261e",
    "scan-pasted.png": "#546e7a",
    "scan-camera.png": "#0d47a1",  # the loaner read: now the shipping label
    "scan-camera-parcel.png": "#1b5e20",
}


@pytest.mark.slow
@needs_xvfb
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (setup.sh)")
def test_screenshots_of_the_scan_station(tmp_path: Path, qapp: QApplication) -> None:
    stdout = run_shots("tests.gui.screenshots_scan", tmp_path, timeout=300)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted([*COLOURS, "field-camera.png"])
    assert "field-scan HALT-LT-00003" in stdout.splitlines()
    lines = [line.split() for line in stdout.splitlines()]
    boxes = {parts[1]: [int(v) for v in parts[2:]] for parts in lines if parts[0] == "answer"}
    widths = {parts[1]: int(parts[2]) for parts in lines if parts[0] == "width"}
    assert set(widths.values()) == {1280}  # the pasted text grew nothing
    for name, colour in COLOURS.items():
        image = QImage(str(tmp_path / name))
        x, y, width, height = boxes[name]
        spot = (x + width - 20, y + height // 2)  # the answer box, right of its text
        assert QColor(image.pixel(*spot)).name() == colour, name
    camera = QImage(str(tmp_path / "scan-camera.png"))
    history = QImage(str(tmp_path / "scan-good.png"))
    assert camera.copy(960, 260, 280, 160) != history.copy(960, 260, 280, 160)  # a preview
