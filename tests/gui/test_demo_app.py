"""`halt-desk demo`: the app against a central API in the same process, with the demo data.

Run in a process of its own: the app's event loop runs to its end there, as it does for a
user, without disturbing the other GUI tests' application object."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, os, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.app import application, run_demo_app
from ui.main_window import MainWindow

app = application("nl")
seen = {}
deadline = time.monotonic() + 120

def watch():
    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
    if windows:
        window = windows[0]
        seen.update(title=window.windowTitle(), connection=window.connection.text(),
                    tickets=window.model.tickets.total, pending=window.pending.text(),
                    sync_process=window.sync.process_id if window.sync else None)
        synced = window.connection.text() == "Online" and window.model.tickets.total > 0
        if synced or time.monotonic() > deadline:
            window.close()
            app.quit()
            return
    QTimer.singleShot(100, watch)

QTimer.singleShot(100, watch)
seen["exit"] = run_demo_app(Path(sys.argv[1]), months=1, tickets_per_month=40)
seen["sync_process_left"] = Path(f"/proc/{seen['sync_process']}").exists()
print(json.dumps(seen))
"""


def test_the_demo_opens_the_app_signed_in_and_synced(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HALT_DESK_DATA_DIR": str(tmp_path)}
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "demo")],
        capture_output=True, text=True, timeout=180, env=env, check=False,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    seen = json.loads(completed.stdout.strip().splitlines()[-1])
    assert seen["exit"] == 0
    assert seen["title"] == "HALT Desk — servicedesk — demo"
    assert seen["connection"] == "Online"
    assert seen["tickets"] > 0
    assert seen["pending"] == "Te verzenden: 0"
    assert seen["sync_process"] is not None  # sync ran in a child process
    assert not seen["sync_process_left"]  # and it ended with the app
    assert (tmp_path / "demo" / "demo-cache.sqlite3").exists()
