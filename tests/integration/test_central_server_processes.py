"""`halt-desk serve --workers N` on Linux: a listening socket per process on the one port,
so that new connections spread over the processes; a process that dies is started again
on its socket; a second serve on the port is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
import requests

from tests.central_server import ProcessServer

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="one socket per process is Linux's"
)

LISTEN, ESTABLISHED = "0A", "01"
T = TypeVar("T")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def sockets_on(port: int, state: str) -> set[int]:
    """The inodes of this machine's IPv4 TCP sockets in `state` with local port `port`."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rpartition(":")[2], 16) == port and fields[3] == state:
            inodes.add(int(fields[9]))
    return inodes


def socket_inodes(pid: int) -> set[int]:
    inodes: set[int] = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # ended meanwhile
        return inodes
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def wait_for(condition: Callable[[], T], what: str, timeout: float = 60.0) -> T:
    """The first true value of `condition`, polled (a loaded machine starts slowly)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_connections_spread_over_a_socket_per_process_and_a_killed_one_comes_back(
    tmp_path: Path,
) -> None:
    server = ProcessServer(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}", tmp_path, 2)
    server.start()
    try:
        assert server.process is not None
        listening = wait_for(
            lambda: len(sockets_on(server.port, LISTEN)) == 2 and sockets_on(server.port, LISTEN),
            "two listening sockets",
        )
        pid = server.process.pid

        def holders() -> list[int]:
            """The processes below the supervisor with a listening socket of the port."""
            found = [child for child in children(pid) if socket_inodes(child) & listening]
            return found if len(found) == 2 else []

        workers = wait_for(holders, "both server processes")
        # Forty clients, each on a connection of its own, kept open.
        sessions = [requests.Session() for _ in range(40)]
        for session in sessions:
            assert session.get(f"{server.url}/api/v1/health", timeout=30).ok
        connections = sockets_on(server.port, ESTABLISHED)
        shares = [len(socket_inodes(worker) & connections) for worker in workers]
        assert sum(shares) == 40 and min(shares) > 0, shares
        for session in sessions:
            session.close()

        os.kill(workers[0], signal.SIGKILL)
        again = wait_for(lambda: [p for p in holders() if p not in workers], "a new server process")
        assert len(again) == 1 and workers[1] in holders()
        assert sockets_on(server.port, LISTEN) == listening  # the same two sockets
        for _ in range(10):
            assert requests.get(f"{server.url}/api/v1/health", timeout=30).ok
    finally:
        server.stop()
    assert server.process is not None and server.process.returncode == 0


def test_a_second_serve_on_the_same_port_is_refused(tmp_path: Path) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    server = ProcessServer(url, tmp_path / "a", 2)
    server.start()
    try:
        exe = Path(sys.executable).with_name("halt-desk")
        second = subprocess.run(
            [str(exe), "serve", "--db", url, "--port", str(server.port), "--workers", "2"],
            env={**os.environ, "HALT_DESK_DATA_DIR": str(tmp_path / "b")},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode != 0
        assert "cannot listen on 127.0.0.1 port" in second.stderr
        assert requests.get(f"{server.url}/api/v1/health", timeout=30).ok
    finally:
        server.stop()
