"""A real central API server on 127.0.0.1 for tests: in a thread, or as a process to kill."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from halt_desk.central.embedded import EmbeddedServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


#: The product's own in-process server (what `halt-desk demo` runs), for the tests.
ThreadServer = EmbeddedServer


class ProcessServer:
    """`halt-desk serve` as a child process, for tests that kill it with SIGKILL."""

    def __init__(
        self,
        db_url: str,
        data_dir: Path,
        workers: int | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.db_url = db_url
        self.workers = workers
        self.env = env or {}
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.extra_args: list[str] = []  # more options of `halt-desk serve`

    def start(self) -> None:
        exe = Path(sys.executable).with_name("halt-desk")
        env = {**os.environ, "HALT_DESK_DATA_DIR": str(self.data_dir), **self.env}
        command = [str(exe), "serve", "--db", self.db_url, "--port", str(self.port)]
        if self.workers is not None:
            command += ["--workers", str(self.workers)]
        command += self.extra_args
        self.process = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: kill() takes the workers too
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).ok:
                    return
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("central server process did not start")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL to the server and every worker process it started."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def bearer(token: str) -> dict[str, Any]:
    return {"Authorization": f"Bearer {token}"}
