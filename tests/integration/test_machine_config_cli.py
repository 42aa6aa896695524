"""A laptop that IT configured machine-wide: `sync login` needs only the token."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from tests.central_server import ThreadServer
from tests.sync_support import Desk
from tests.sync_support import run_halt_desk as run


def test_login_without_server_uses_the_machine_configuration(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    central, server = desk
    machine = Path(os.environ["HALT_DESK_MACHINE_CONFIG"])
    machine.parent.mkdir(parents=True, exist_ok=True)
    machine.write_text(f'[sync]\nserver = "{server.url}"\norganisation = "halt"\n')
    data = tmp_path / "laptop"
    login = run(["sync", "login", "--user", "agent-a"], data, central.tokens["agent-a"] + "\n")
    assert login.returncode == 0, login.stderr
    assert f"signed in to {server.url}" in login.stdout
    own = tomllib.loads((data / "settings.toml").read_text(encoding="utf-8"))
    assert own["sync"] == {"user": "agent-a"}  # the server keeps following the machine's
    once = run(["sync", "--once"], data)
    assert once.returncode == 0, once.stderr
    assert "state: online" in once.stdout


def test_login_without_server_and_without_machine_configuration_asks_for_one(
    tmp_path: Path,
) -> None:
    login = run(["sync", "login"], tmp_path / "laptop", "some-token\n")
    assert login.returncode == 2
    assert "give --server" in login.stderr
