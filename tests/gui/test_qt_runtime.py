"""The installed Qt binding is one the app can run on for a working day."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
app = QApplication([])
before = sys.getrefcount(None)
for _ in range(2000):
    app.processEvents()
print(sys.getrefcount(None) - before)
"""


def test_processing_events_does_not_leak_references() -> None:
    # PySide6 6.12.0 loses a reference to None per call and crashes the app after a few
    # thousand; run in a process of its own so a bad binding fails this test, not the run.
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert abs(int(result.stdout.strip())) < 50
