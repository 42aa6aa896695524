"""Screenshots of change tickets with their own clocks under Xvfb
(tests/gui/screenshots_changes.py): every screen is there and not a blank grab."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.gui.shot_run import assert_shots, needs_xvfb, run_shots

SHOTS = ["change-in-list.png", "change-minor-clocks.png", "change-standard-planned.png"]


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_change_tickets_and_their_clocks(tmp_path: Path, qapp: QApplication) -> None:
    run_shots("tests.gui.screenshots_changes", tmp_path, timeout=300)
    assert_shots(tmp_path, SHOTS)
