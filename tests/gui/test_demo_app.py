"""`halt-desk demo`: the app against a central API in the same process, with the demo data.

Run in a process of its own: the app's event loop runs to its end there, as it does for a
user, without disturbing the other GUI tests' application object."""

from __future__ import annotations

import os
from pathlib import Path

from tests.gui.app_probe import probe_app


def test_the_demo_opens_the_app_signed_in_and_synced(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HALT_DESK_DATA_DIR": str(tmp_path)}
    seen = probe_app(
        "run_demo_app(Path(sys.argv[1]), months=1, tickets_per_month=40)",
        'seen["connection"] == "Online" and seen["tickets"] > 0',
        tmp_path / "demo",
        env,
    )
    assert seen["exit"] == 0
    assert seen["title"] == "HALT Desk — servicedesk — demo"
    assert seen["connection"] == "Online"
    assert seen["tickets"] > 0
    assert seen["pending"] == "Te verzenden: 0"
    assert seen["sync_process"] is not None  # sync ran in a child process
    assert not seen["sync_process_left"]  # and it ended with the app
    assert (tmp_path / "demo" / "demo-cache.sqlite3").exists()
