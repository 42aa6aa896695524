"""`halt-desk app` after `halt-desk sync login`: the window shows, the cache opens behind it,
the sync process syncs it, and it ends with the app.

Run in a process of its own, as `test_demo_app` does: the app's event loop runs to its end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from halt_desk.central.embedded import EmbeddedServer
from tests.sync_support import Desk, run_halt_desk

PROBE = """
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.app import application, run_app
from ui.main_window import MainWindow

app = application("nl")
seen = {}
deadline = time.monotonic() + 120

def watch():
    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
    if windows:
        window = windows[0]
        seen.setdefault("first_counts", window.counts.text())
        seen.update(connection=window.connection.text(), user=window.user,
                    employees=len(window.directory.find("Anna")) if window.directory else 0,
                    sync_process=window.sync.process_id if window.sync else None)
        if (seen["connection"] == "Online" and seen["employees"]) or time.monotonic() > deadline:
            window.close()
            app.quit()
            return
    QTimer.singleShot(50, watch)

QTimer.singleShot(0, watch)
seen["exit"] = run_app(Path(sys.argv[1]))
seen["sync_process_left"] = Path(f"/proc/{seen['sync_process']}").exists()
print(json.dumps(seen))
"""


def test_the_app_shows_first_then_opens_the_cache_and_syncs_in_a_child(tmp_path: Path) -> None:
    desk = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    data = tmp_path / "laptop"
    with EmbeddedServer(desk.central) as server:
        token = desk.tokens["agent-a"] + "\n"
        login = run_halt_desk(["sync", "login", "--server", server.url, "--user", "agent-a"],
                              data, token)  # fmt: skip
        assert login.returncode == 0, login.stderr
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "HALT_DESK_DATA_DIR": str(data),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "HALT_DESK_CREDENTIALS_PASSPHRASE": "correct horse battery staple",
        }
        completed = subprocess.run(
            [sys.executable, "-c", PROBE, str(data / "cache.sqlite3")],
            capture_output=True, text=True, timeout=180, env=env, check=False,
            cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
    desk.central.close()
    assert completed.returncode == 0, completed.stderr[-2000:]
    seen = json.loads(completed.stdout.strip().splitlines()[-1])
    assert seen["first_counts"] == "Meldingen worden geladen…"  # shown before the cache
    assert seen["exit"] == 0
    assert (seen["connection"], seen["user"], seen["employees"]) == ("Online", "agent-a", 1)
    assert seen["sync_process"] is not None
    assert not seen["sync_process_left"]
