"""A TCP proxy on 127.0.0.1 that cuts and stalls connections at random (seeded), for sync
tests on a flaky network. Threads only; it stops itself when closed."""

from __future__ import annotations

import random
import socket
import threading
from contextlib import suppress


class FlakyProxy:
    """Forwards to `upstream_port`; each new connection gets a fate:

    pass · drop at once · cut the answer after a few bytes (the request did reach central)
    · stall without forwarding until the client gives up. `faults = False` passes all.
    """

    def __init__(self, upstream_port: int, seed: int = 0, stall_seconds: float = 1.5) -> None:
        self.upstream_port = upstream_port
        self.faults = True
        self.stall_seconds = stall_seconds
        self.counts = {"pass": 0, "drop": 0, "cut": 0, "stall": 0}
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> FlakyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closed.set()
        self._thread.join(timeout=10)
        self._listener.close()

    def _fate(self) -> tuple[str, int]:
        with self._lock:
            if not self.faults:
                fate = "pass"
            else:
                fate = self._rng.choices(
                    ["pass", "drop", "cut", "stall"], weights=[55, 15, 20, 10]
                )[0]
            self.counts[fate] += 1
            return fate, self._rng.randrange(0, 400)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        fate, cut_after = self._fate()
        if fate == "drop":
            client.close()
            return
        if fate == "stall":
            self._closed.wait(self.stall_seconds)
            client.close()
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10)
        except OSError:
            client.close()
            return
        limit = cut_after if fate == "cut" else None
        done = threading.Event()

        def pump(source: socket.socket, target: socket.socket, budget: int | None) -> None:
            sent = 0
            try:
                while not self._closed.is_set():
                    data = source.recv(65536)
                    if not data:
                        break
                    if budget is not None and sent + len(data) > budget:
                        target.sendall(data[: max(0, budget - sent)])
                        break
                    target.sendall(data)
                    sent += len(data)
            except OSError:
                pass
            finally:
                done.set()

        threading.Thread(target=pump, args=(client, upstream, None), daemon=True).start()
        threading.Thread(target=pump, args=(upstream, client, limit), daemon=True).start()
        done.wait()
        for sock in (client, upstream):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
