"""The screenshot script runs under a real X server (Xvfb) and saves every window."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.shot_run import assert_shots, needs_xvfb, run_shots

SHOTS = [
    "device-register.png", "field-view-take-along.png", "field-view.png", "intake.png",
    "logistics-queue.png",
    "logistics-stock.png", "main-window.png",
    "scan.png", "ticket-view.png", "uplift.png",
]  # fmt: skip


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_every_window_under_xvfb(tmp_path: Path) -> None:
    run_shots("tests.gui.screenshots", tmp_path, timeout=120)
    assert_shots(tmp_path, SHOTS, rows=(40, 80, 120))  # a real window has many colours
