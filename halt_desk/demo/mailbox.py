"""The demo's own mail server: an SMTP server (aiosmtpd) on a free loopback port that keeps
what central sends it, so `halt-desk demo` shows its mails ("Verzonden mail (demo)") without
a mail server to set up. Only the demo starts one; nothing leaves this computer.
"""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

log = logging.getLogger(__name__)
#: Messages kept (the oldest go first beyond it): a demo runs for minutes, not months.
KEPT = 2000


@dataclass(frozen=True, slots=True)
class DemoMail:
    """One message the demo's mail server accepted."""

    number: int
    received_at: datetime
    sender: str
    to: tuple[str, ...]
    subject: str
    text: str
    message_id: str


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    return str(content).replace("\r\n", "\n")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _Handler:
    def __init__(self, mailbox: DemoMailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.mailbox.keep(message, str(envelope.mail_from), tuple(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class DemoMailbox:
    """The server and what it received; `start()` picks a free port on 127.0.0.1."""

    def __init__(self) -> None:
        self.port = 0
        self._mails: list[DemoMail] = []
        self._count = 0
        self._lock = threading.Lock()
        self._controller: Any = None

    def start(self) -> DemoMailbox:
        from aiosmtpd.controller import Controller  # only the demo needs it

        self.port = _free_port()
        self._controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port, ready_timeout=30
        )
        self._controller.start()
        log.info("demo mail server on 127.0.0.1:%d", self.port)
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def keep(self, message: EmailMessage, sender: str, to: tuple[str, ...]) -> None:
        with self._lock:
            self._count += 1
            self._mails.append(
                DemoMail(
                    number=self._count,
                    received_at=datetime.now(UTC),
                    sender=str(message.get("From") or sender),
                    to=to,
                    subject=str(message.get("Subject") or ""),
                    text=_text_of(message),
                    message_id=str(message.get("Message-ID") or ""),
                )
            )
            del self._mails[:-KEPT]

    def mails(self) -> list[DemoMail]:
        """What was received, newest first."""
        with self._lock:
            return list(reversed(self._mails))

    @property
    def count(self) -> int:
        """How many messages arrived in all (also those no longer kept)."""
        with self._lock:
            return self._count
