"""`halt-desk app` after `halt-desk sync login`: the window shows, the cache opens behind it,
the sync process syncs it, and it ends with the app.

Run in a process of its own (`tests.gui.app_probe`): the app's event loop runs to its end."""

from __future__ import annotations

import os
from pathlib import Path

from halt_desk.central.embedded import EmbeddedServer
from tests.gui.app_probe import probe_app
from tests.sync_support import Desk, run_halt_desk


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
        seen = probe_app(
            "run_app(Path(sys.argv[1]))",
            'seen["connection"] == "Online" and seen["employees"]',
            data / "cache.sqlite3",
            env,
        )
    desk.central.close()
    assert seen["first_counts"] == "Meldingen worden geladen…"  # shown before the cache
    assert seen["exit"] == 0
    assert (seen["connection"], seen["user"], seen["employees"]) == ("Online", "agent-a", 1)
    assert seen["sync_process"] is not None
    assert not seen["sync_process_left"]
