"""Runs the real app in a process of its own and reports what its main window showed.

The app's event loop runs to its end there, as it does for a user, without disturbing the
other GUI tests' application object. The probe watches the first main window every 50 ms,
notes what it shows, closes it once `done` holds (or after two minutes), and prints the
notes as JSON, with the app's exit code and whether its sync process outlived it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

_PROBE = """
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from ui.app import application, run_app, run_demo_app
from ui.main_window import MainWindow

app = application("nl")
seen = {{}}
deadline = time.monotonic() + 120

def watch():
    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
    if windows:
        window = windows[0]
        seen.setdefault("first_counts", window.counts.text())
        seen.update(title=window.windowTitle(), connection=window.connection.text(),
                    user=window.user, tickets=window.model.tickets.total,
                    pending=window.pending.text(),
                    employees=len(window.directory.find("Anna")) if window.directory else 0,
                    sync_process=window.sync.process_id if window.sync else None)
        if ({done}) or time.monotonic() > deadline:
            window.close()
            app.quit()
            return
    QTimer.singleShot(50, watch)

QTimer.singleShot(0, watch)
seen["exit"] = {run}
seen["sync_process_left"] = Path(f"/proc/{{seen['sync_process']}}").exists()
print(json.dumps(seen))
"""


def probe_app(run: str, done: str, argument: Path, env: dict[str, str]) -> dict[str, Any]:
    """`run`: the call that runs the app (`sys.argv[1]` is `argument`); `done`: a
    condition on `seen` that ends the watch. Returns what was seen."""
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE.format(run=run, done=done), str(argument)],
        capture_output=True, text=True, timeout=180, env=env, check=False,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    seen: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return seen
