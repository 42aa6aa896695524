"""`halt-desk sync --once` shows how far a first sync is on a terminal (a pseudo-terminal
here, Python's `pty`): events of the total, on one line rewritten in place. Redirected
output and `--json` stay as they were."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
from pathlib import Path

from tests.integration.test_sync_progress import seed, ticket_events
from tests.sync_support import HALT_DESK, Desk
from tests.sync_support import run_halt_desk as run

PROGRESS = re.compile(r"([\d.]+) van ±([\d.]+) gebeurtenissen")


def on_a_terminal(args: list[str], data_dir: Path) -> tuple[int, str]:
    """`halt-desk ARGS` with its standard output on a pseudo-terminal; exit code, output."""
    env = {
        **os.environ,
        "HALT_DESK_DATA_DIR": str(data_dir),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "HALT_DESK_CREDENTIALS_PASSPHRASE": "correct horse battery staple",
    }
    env.pop("HALT_DESK_LANG", None)
    main, child = pty.openpty()
    process = subprocess.Popen(
        [str(HALT_DESK), *args],
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    os.close(child)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8")


def signed_in_laptop(tmp_path: Path, central: tuple[Desk, str]) -> Path:
    desk, url = central
    seed(desk, "agent-b", ticket_events("halt", "e1", "C"))
    data = tmp_path / "laptop"
    login = run(["sync", "login", "--server", url], data, desk.tokens["agent-a"] + "\n")
    assert login.returncode == 0, login.stderr
    return data


def test_sync_once_on_a_terminal_shows_events_of_the_total(
    tmp_path: Path, central: tuple[Desk, str]
) -> None:
    data = signed_in_laptop(tmp_path, central)
    total = len(central[0].event_ids())
    code, output = on_a_terminal(["sync", "--once"], data)
    assert code == 0, output
    lines = [line for line in output.split("\r") if PROGRESS.search(line)]
    assert len(lines) >= 2, output  # the start and the end at least, rewritten in place
    shown = [PROGRESS.search(line) for line in lines]
    done = [int(m.group(1).replace(".", "")) for m in shown if m]
    assert done == sorted(done) and done[-1] == total
    assert {m.group(2) for m in shown if m} == {f"{total:,}".replace(",", ".")}
    # The line is cleared before the summary, which reads as it did.
    summary = output[output.index("state: online") :]
    assert not PROGRESS.search(summary) and f"pulled {total}" in summary


def test_redirected_output_and_json_show_no_progress(
    tmp_path: Path, central: tuple[Desk, str]
) -> None:
    data = signed_in_laptop(tmp_path, central)
    redirected = run(["sync", "--once"], data)
    assert redirected.returncode == 0, redirected.stderr
    assert redirected.stdout.startswith("state: online\n")
    assert "\r" not in redirected.stdout and "gebeurtenissen" not in redirected.stdout
    code, output = on_a_terminal(["sync", "--once", "--json"], data)
    assert code == 0
    assert "\r" not in output.replace("\r\n", "\n")
    assert json.loads(output)["state"] == "online"
