"""`halt-desk serve --workers N` on Linux: N server processes, each accepting connections on
a listening socket of its own, all bound to the one port with SO_REUSEPORT.

With one socket shared by every process (uvicorn's `--workers`), the kernel wakes whichever
process waits in `accept` first, and asyncio then accepts every pending connection in one
go: a burst of new connections (a load balancer's pool, clients starting together) lands
on one process, and as connections are kept alive it stays there. One process then did
nearly twice the work of the other, and the other committed small groups. With a socket
per process the kernel spreads new connections over the sockets by their addresses, so
each process gets its share.

The sockets are bound by this supervisor, before any process starts, and kept open by it;
each process makes its socket listen once it is ready to serve. A process that dies is
started again on the same socket, and the connections that arrived meanwhile wait in that
socket's queue instead of being refused. Before binding, the port
is checked to be free without SO_REUSEPORT, so a second `serve` on the same port fails as
it would without it, instead of joining this one's sockets.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from typing import Any

log = logging.getLogger("uvicorn.error")

#: Exit code of a server process that could not start (uvicorn's STARTUP_FAILURE): its app,
#: database or settings are wrong and would fail the same way again, so the server stops.
STARTUP_FAILURE = 3
#: Seconds a process gets to finish its requests after SIGTERM before it is killed.
STOP_SECONDS = 10.0


def one_socket_per_process() -> bool:
    """Whether this system spreads connections over sockets sharing a port (Linux does;
    macOS and the BSDs accept SO_REUSEPORT but give every connection to one socket)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def bound_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` sockets bound to `host`:`port` with SO_REUSEPORT, not listening yet (a
    connection made before any process is ready is refused, not left waiting); OSError
    if the port is taken (by anything, another `serve` with its own reused sockets too)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    with socket.socket(family, kind, proto) as probe:  # fails if anything holds the port
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind(address)  # each process listens once it is ready (asyncio)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def run_processes(app: str, workers: int, options: dict[str, Any]) -> int:
    """Runs `workers` processes serving the app factory `app` (an import string) with the
    uvicorn `options` (host, port, …) until SIGINT or SIGTERM; a process that ends is
    started again. Returns the exit code: 0, or 1 when a process could not start."""
    import uvicorn

    config = uvicorn.Config(app, factory=True, **options)  # sets up the logging, as uvicorn
    try:
        sockets = bound_sockets(config.host, config.port, workers)
    except OSError as exc:
        log.error("cannot listen on %s port %s: %s", config.host, config.port, exc.strerror)
        return 1
    supervisor = _Supervisor(app, options, sockets)
    try:
        return supervisor.run()
    finally:
        for sock in sockets:
            sock.close()


class _Supervisor:
    def __init__(self, app: str, options: dict[str, Any], sockets: list[socket.socket]) -> None:
        self.app = app
        self.options = options
        self.sockets = sockets
        self.stopping = threading.Event()
        self._context = multiprocessing.get_context("spawn")  # no pooled connections shared

    def _start(self, index: int) -> Any:
        process = self._context.Process(
            target=_serve_one,
            args=(self.app, self.options, self.sockets[index]),
            name=f"halt-desk-central-{index + 1}",
        )
        process.start()
        log.info("Started server process [%s] on socket %d", process.pid, index + 1)
        return process

    def run(self) -> int:
        for name in (signal.SIGINT, signal.SIGTERM):
            signal.signal(name, lambda *_: self.stopping.set())
        log.info("Started parent process [%s]", os.getpid())
        processes = [self._start(index) for index in range(len(self.sockets))]
        code = 0
        while not self.stopping.wait(0.5):
            for index, process in enumerate(processes):
                if process.is_alive():
                    continue
                process.join()
                if process.exitcode == STARTUP_FAILURE:
                    log.error("Server process [%s] could not start; stopping", process.pid)
                    code = 1
                    self.stopping.set()
                    break
                log.warning(
                    "Server process [%s] ended (exit code %s); starting another",
                    process.pid,
                    process.exitcode,
                )
                processes[index] = self._start(index)
        _stop(processes)
        log.info("Stopping parent process [%s]", os.getpid())
        return code


def _stop(processes: list[Any]) -> None:
    """SIGTERM to every process (they finish what they serve), SIGKILL to any still
    running after STOP_SECONDS."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()


def _serve_one(app: str, options: dict[str, Any], sock: socket.socket) -> None:
    """One server process: uvicorn on its own socket, until a signal or the supervisor's
    end (a supervisor killed with SIGKILL leaves no process serving on behind it)."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, factory=True, **options))
    parent = os.getppid()

    def watch_parent() -> None:
        while not server.should_exit:
            if os.getppid() != parent:
                server.should_exit = True
                return
            time.sleep(1.0)

    threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()
    server.run(sockets=[sock])
