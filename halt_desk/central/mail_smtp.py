"""SMTP for the mail job: the settings of `central mail configure`, one connection reused
for a run of messages, TLS verified (starttls or implicit; `none` only for a server on
this host or a trusted network), and every failure sorted into temporary (4xx, no
connection: try again later) or permanent (5xx: failed at once).
"""

from __future__ import annotations

import binascii
import hashlib
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate
from functools import lru_cache
from typing import Any

from halt_desk.central.mail_templates import RenderedMail

TLS_MODES = ("starttls", "implicit", "none")
#: Seconds for connecting and for each reply of the server.
TIMEOUT = 30.0
#: The first retry of a temporary failure waits this long; each next one twice as long,
#: up to MAX_RETRY_SECONDS.
DEFAULT_RETRY_SECONDS = 30.0
MAX_RETRY_SECONDS = 1800.0


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    tls: str
    sender: str
    user: str | None = None
    sender_name: str = ""
    ca_file: str | None = None
    retry_seconds: float = DEFAULT_RETRY_SECONDS

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SmtpSettings:
        return cls(
            host=str(data["host"]),
            port=int(data["port"]),
            tls=str(data["tls"]),
            sender=str(data["from"]),
            user=str(data["user"]) if data.get("user") else None,
            sender_name=str(data.get("sender_name") or ""),
            ca_file=str(data["ca_file"]) if data.get("ca_file") else None,
            retry_seconds=float(data.get("retry_seconds") or DEFAULT_RETRY_SECONDS),
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "tls": self.tls,
            "from": self.sender,
            "retry_seconds": self.retry_seconds,
        }
        if self.user:
            data["user"] = self.user
        if self.sender_name:
            data["sender_name"] = self.sender_name
        if self.ca_file:
            data["ca_file"] = self.ca_file
        return data


class SendFailure(Exception):
    """A message not accepted: `permanent` (5xx) or to be tried again (4xx, connection)."""

    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def compose(settings: SmtpSettings, to: str, message_id: str, mail: RenderedMail) -> bytes:
    """The message as sent: plain text and HTML alternatives (UTF-8, quoted-printable),
    a stable Message-ID, CRLF line ends. Written out directly (binascii's quoted-printable
    in C): the email package's classes cost milliseconds a message, which counts at a
    thousand mails a burst."""
    boundary = f"=_halt_{hashlib.sha256(message_id.encode()).hexdigest()[:24]}"
    headers = [
        f"From: {formataddr((settings.sender_name, settings.sender), 'utf-8')}",
        f"To: {to}",
        f"Subject: {_header(mail.subject)}",
        f"Date: {formatdate(localtime=True)}",
        f"Message-ID: {message_id}",
        "Auto-Submitted: auto-generated",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
    ]
    parts = [
        "\r\n".join(headers).encode("ascii"),
        b"",
        f"--{boundary}".encode(),
        _part("plain", mail.text),
        f"--{boundary}".encode(),
        _part("html", mail.html),
        f"--{boundary}--".encode(),
        b"",
    ]
    return b"\r\n".join(parts)


def _header(value: str) -> str:
    """A header value: as it is when ASCII, else RFC 2047 encoded (UTF-8)."""
    if value.isascii():
        return value
    return Header(value, "utf-8").encode()


def _part(subtype: str, text: str) -> bytes:
    body = text.replace("\r\n", "\n").encode("utf-8")
    encoded = binascii.b2a_qp(body, quotetabs=False, istext=True).replace(b"\n", b"\r\n")
    head = (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n"
    )
    return head.encode("ascii") + b"\r\n" + encoded


class SmtpConnection:
    """One SMTP session, opened on first use and again after it broke."""

    def __init__(self, settings: SmtpSettings, password: str | None) -> None:
        self.settings = settings
        self._password = password
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: bytes, to: str) -> None:
        """Hands `message` to the server for `to`; raises SendFailure when it is not
        accepted. Returns once the server accepted it (after the reply to DATA)."""
        try:
            smtp = self._smtp or self._open()
            refused = smtp.sendmail(self.settings.sender, [to], message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise SendFailure(_reply(code, text), code >= 500) from None
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code in (421,) or isinstance(exc, smtplib.SMTPAuthenticationError):
                self.close()
            permanent = exc.smtp_code >= 500 and not isinstance(
                exc, smtplib.SMTPAuthenticationError
            )
            raise SendFailure(_reply(exc.smtp_code, exc.smtp_error), permanent) from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise SendFailure(f"no connection to {self._where()}: {exc}", False) from None
        if refused:
            code, text = next(iter(refused.values()))
            raise SendFailure(_reply(code, text), code >= 500)

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context(cafile=s.ca_file)
        smtp: smtplib.SMTP
        if s.tls == "implicit":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT, local_hostname=_hostname())
            if s.tls == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
        if s.user:
            smtp.login(s.user, self._password or "")
        self._smtp = smtp
        return smtp

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}"


@lru_cache(maxsize=1)
def _hostname() -> str:
    """This host's name for EHLO (looked up once: a name lookup each session costs)."""
    name = socket.getfqdn()
    return name if name and "." in name else "localhost"


def retry_delay(settings: SmtpSettings, attempts: int) -> float:
    """Seconds before the next try after `attempts` temporary failures."""
    return float(min(MAX_RETRY_SECONDS, settings.retry_seconds * 2 ** max(0, attempts - 1)))
