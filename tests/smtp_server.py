"""A real SMTP server on loopback for the mail tests (aiosmtpd), storing what it accepts;
`faults` makes it answer 421/451/550 or drop the connection in the middle of DATA."""

from __future__ import annotations

import email
import email.policy
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.central_server import free_port

#: Actions a fault plan may hold, one per message (DATA): accept, answer a code, drop.
ACCEPT = "accept"
DROP = "drop"


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    to: tuple[str, ...]
    message: EmailMessage
    at: float

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, _: SMTP, __: Session, envelope: Envelope, address: str, ___: list[str]
    ) -> str:
        refused = self.server.refuse_recipients.get(address.lower())
        if refused:
            return refused
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp: SMTP, _: Session, envelope: Envelope) -> str:
        action = self.server.next_action()
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode()
        if action == DROP:
            self.server.dropped += 1
            assert smtp.transport is not None
            smtp.transport.close()
            return "421 dropped"  # never reaches the client: the connection is gone
        if action != ACCEPT:
            return action
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.server.store(
            Received(str(envelope.mail_from), tuple(envelope.rcpt_tos), message, time.time())
        )
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on 127.0.0.1:`port` (a free one by default). `faults`: actions for the
    next messages, in order (`"451 4.3.0 try later"`, `"550 5.1.1 no such user"`, DROP;
    then ACCEPT); `refuse_recipients`: address → reply to RCPT."""

    def __init__(
        self, port: int | None = None, tls: ssl.SSLContext | None = None, implicit: bool = False
    ) -> None:
        """`tls`: the server's TLS context, offered with STARTTLS (and then required), or
        from the first byte with `implicit`."""
        self.port = port or free_port()
        self.tls = tls
        self.implicit = implicit
        self.received: list[Received] = []
        self.faults: list[str] = []
        self.refuse_recipients: dict[str, str] = {}
        self.dropped = 0
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def __enter__(self) -> SmtpServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self.tls is not None and self.implicit:
            options["ssl_context"] = self.tls
        elif self.tls is not None:
            options.update(tls_context=self.tls, require_starttls=True)
        self._controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port, ready_timeout=30, **options
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def settings(self, **more: Any) -> dict[str, Any]:
        """`central mail configure` settings for this server."""
        return {"host": "127.0.0.1", "port": self.port, "tls": "none", **more}

    def next_action(self) -> str:
        with self._lock:
            return self.faults.pop(0) if self.faults else ACCEPT

    def store(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def message_ids(self) -> list[str]:
        return [m.message_id for m in self.messages()]

    def wait_for(
        self, check: Callable[[list[Received]], bool], timeout: float = 60.0
    ) -> list[Received]:
        """Polls until `check(messages)` holds (AssertionError after `timeout`)."""
        end = time.monotonic() + timeout
        while True:
            found = self.messages()
            if check(found):
                return found
            if time.monotonic() > end:
                raise AssertionError(f"SMTP store after {timeout} s: {len(found)} messages")
            time.sleep(0.05)

    def wait_count(self, count: int, timeout: float = 60.0) -> list[Received]:
        return self.wait_for(lambda found: len(found) >= count, timeout)


def main() -> None:
    """`python -m tests.smtp_server --port N --out FILE`: the server in a process of its own
    (benchmarks: its CPU is not the central's), writing each accepted Message-ID to FILE."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.out, "a", encoding="utf-8") as out:

        class Logged(SmtpServer):
            def store(self, received: Received) -> None:
                out.write(received.message_id + "\n")
                out.flush()

        server = Logged(args.port)
        server.start()
        try:
            threading.Event().wait()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
