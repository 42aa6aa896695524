"""The central API in a thread of this process, on a loopback port of its own.

Used by `halt-desk demo` (the app against a central API with demo data, no server to set
up) and by tests; `halt-desk serve` is the standalone server.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

from halt_desk.central.service import Central
from halt_desk.central.transport import TlsFiles, server_context, uvicorn_options
from halt_desk.domain.errors import HaltDeskError


class EmbeddedServer:
    """uvicorn serving `create_app(central)` on 127.0.0.1, on a port it already holds (so
    there is no race for a free port); over HTTPS with `tls` (as `serve --tls-cert …`)."""

    def __init__(
        self,
        central: Central,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: TlsFiles | None = None,
    ) -> None:
        import uvicorn

        from halt_desk.central.api import create_app

        self.central = central
        if tls is not None:
            server_context(tls)  # a bad file is a TransportError here, not a silent thread
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.port: int = self.sock.getsockname()[1]
        self.url = f"{'https' if tls is not None else 'http'}://{host}:{self.port}"
        config = uvicorn.Config(
            create_app(central),
            log_level="warning",
            access_log=False,
            **uvicorn_options(tls, []),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def start(self, timeout: float = 20.0) -> EmbeddedServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise HaltDeskError("the embedded central API did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.sock.close()

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
