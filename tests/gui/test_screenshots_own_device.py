"""The employee's own device on screen (issue 22): screenshots under a real X server (Xvfb)
of the field view after a take-back, the queue with the own-device column, the own-device
dialog, the scan station receiving an own device and the register showing one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.shot_run import assert_shots, needs_xvfb, run_shots

SHOTS = [
    "own-device-dialog.png",
    "own-device-field-taken-back.png",
    "own-device-queue.png",
    "own-device-register.png",
    "own-device-scan-received.png",
]


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_the_own_device_steps_under_xvfb(tmp_path: Path) -> None:
    run_shots("tests.gui.screenshots_own_device", tmp_path, timeout=240)
    assert_shots(tmp_path, SHOTS, size=(400, 300), rows=(20, 60, 100))
