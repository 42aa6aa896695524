"""Screenshots of Escalaties under Xvfb (tests/gui/screenshots_escalations.py): every
screen is there and not a blank grab."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.gui.shot_run import assert_shots, needs_xvfb, run_shots

SHOTS = [
    "escalation-dialog-refused.png",
    "escalations-detail-actions.png",
    "escalations-read-only.png",
    "escalations-register.png",
    "main-window-escalations.png",
    "ticket-escalation-line.png",
]


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_the_escalation_register(tmp_path: Path, qapp: QApplication) -> None:
    run_shots("tests.gui.screenshots_escalations", tmp_path, timeout=300)
    assert_shots(tmp_path, SHOTS)
