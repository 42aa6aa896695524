"""Screenshots of Kwetsbaarheden (CVE) under Xvfb
(tests/gui/screenshots_security.py): every screen is there and not a blank grab."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.gui.shot_run import assert_shots, needs_xvfb, run_shots

SHOTS = [
    "cve-date-refused.png",
    "cve-next-step.png",
    "cve-registered.png",
    "cve-window-agent.png",
    "cve-window.png",
    "report-dialog-with-cve-button.png",
]


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_the_vulnerabilities_window(tmp_path: Path, qapp: QApplication) -> None:
    run_shots("tests.gui.screenshots_security", tmp_path, timeout=300)
    assert_shots(tmp_path, SHOTS)
