"""Screenshots of Storingen en onderhoud, Berichten and Verzonden mail (demo) under Xvfb
(tests/gui/screenshots_notices.py): every screen is there and not a blank grab."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.gui.shot_run import assert_shots, needs_xvfb, run_shots

SHOTS = [
    "demo-mailbox.png",
    "main-window-unread.png",
    "notice-form-refused.png",
    "notice-mail-not-delivered.png",
    "notices-window.png",
    "notices-window-mail.png",
    "notifications.png",
]


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_notices_notifications_and_the_demo_mailbox(
    tmp_path: Path, qapp: QApplication
) -> None:
    run_shots("tests.gui.screenshots_notices", tmp_path, timeout=300)
    assert_shots(tmp_path, SHOTS)
