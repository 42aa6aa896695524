"""`halt-desk sync login` and `halt-desk sync --once` as a person runs them in a terminal,
on a machine without a keychain (the encrypted token file is used, and said so)."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from halt_desk.store import Store, default_path
from tests.central_server import ThreadServer
from tests.desk_data import reference_events
from tests.swap_data import closed_swap, depot_events, loaner_events
from tests.sync_support import HALT_DESK, Desk
from tests.sync_support import run_halt_desk as run


def test_login_keeps_the_token_encrypted_and_sync_once_reports(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    central, server = desk
    data = tmp_path / "laptop"
    token = central.tokens["agent-a"]
    login = run(["sync", "login", "--server", server.url, "--user", "agent-a"], data, token + "\n")
    assert login.returncode == 0, login.stderr
    assert "encrypted file" in login.stderr  # the fallback is announced
    for path in data.iterdir():
        if path.is_file():
            assert token not in path.read_text(errors="replace"), path.name
    assert (data / "credentials.enc").stat().st_mode & 0o077 == 0
    once = run(["sync", "--once"], data)
    assert once.returncode == 0, once.stderr
    assert "state: online" in once.stdout
    assert "pulled 2" in once.stdout
    assert "clock: this computer is" in once.stdout
    assert token not in once.stdout + once.stderr
    as_json = run(["sync", "--once", "--json"], data)
    assert json.loads(as_json.stdout)["state"] == "online"


def test_a_wrong_token_is_refused_at_login(tmp_path: Path, desk: tuple[Desk, ThreadServer]) -> None:
    _, server = desk
    login = run(["sync", "login", "--server", server.url], tmp_path / "d", "not-a-token\n")
    assert login.returncode == 2
    assert "sign-in refused" in login.stderr and "not-a-token" not in login.stderr


def test_sync_without_login_says_so_with_exit_2(tmp_path: Path) -> None:
    once = run(["sync", "--once"], tmp_path / "d")
    assert once.returncode == 2
    assert "not signed in" in once.stderr


def test_a_wrong_passphrase_is_named(tmp_path: Path, desk: tuple[Desk, ThreadServer]) -> None:
    central, server = desk
    data = tmp_path / "laptop"
    token = central.tokens["agent-a"] + "\n"
    assert run(["sync", "login", "--server", server.url], data, token).returncode == 0
    env_run = subprocess.run(
        [str(HALT_DESK), "sync", "--once"],
        env={
            **os.environ,
            "HALT_DESK_DATA_DIR": str(data),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "HALT_DESK_CREDENTIALS_PASSPHRASE": "wrong",
        },
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert env_run.returncode == 2 and "wrong passphrase" in env_run.stderr


def test_sync_once_does_the_housekeeping_too(
    tmp_path: Path, desk: tuple[Desk, ThreadServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`halt-desk sync --once` removes home addresses past their retention, as the app's
    sync process does."""
    central, server = desk
    data = tmp_path / "laptop"
    monkeypatch.setenv("HALT_DESK_DATA_DIR", str(data))
    with Store.open(default_path()) as store:
        store.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        store.mark_sent([e.id for e in store.pending_outbox(1000)])
        _, swap = closed_swap(store, datetime.now(UTC) - timedelta(days=40))
    login = run(["sync", "login", "--server", server.url], data, central.tokens["agent-a"] + "\n")
    assert login.returncode == 0, login.stderr
    once = run(["sync", "--once"], data)
    assert once.returncode == 0, once.stderr
    assert "housekeeping: removed home addresses from 2 event(s)" in once.stdout
    with Store.open(default_path()) as store:
        assert not any("home_address" in e.data for e in store.events_for(f"swap:{swap}"))
