"""Mail over TLS to a real SMTP server on loopback: STARTTLS and implicit TLS verified
against the CA that signed the server's certificate; a certificate nobody trusts here
delivers nothing and says why."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from tests.central_server import ThreadServer
from tests.mail_support import MailDesk, expected_ids, wait_until
from tests.smtp_server import SmtpServer
from tests.tls_certs import TestCA


def _context(ca: TestCA) -> ssl.SSLContext:
    issued = ca.server("smtp", hosts=("127.0.0.1",))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(issued.cert, issued.key)
    return context


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_verified_tls_delivers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    monkeypatch.setenv("HALT_DESK_CENTRAL_KEY_FILE", str(tmp_path / "central.key"))
    ca = TestCA(tmp_path / "ca", "mail")
    with SmtpServer(tls=_context(ca), implicit=mode == "implicit") as smtp:
        desk = MailDesk.create(f"sqlite+pysqlite:///{tmp_path / 'c.sqlite3'}", smtp)
        desk.configure(tls=mode, ca_file=str(ca.cert_path))
        with ThreadServer(desk.central) as server:
            reports = [desk.report(desk.new_ticket())]
            desk.push(server.url, reports)
            (mail,) = smtp.wait_count(1)
        desk.central.close()
    assert {mail.message_id} == expected_ids(reports)


def test_an_untrusted_certificate_delivers_nothing_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HALT_DESK_CENTRAL_KEY_FILE", str(tmp_path / "central.key"))
    ca = TestCA(tmp_path / "ca", "mail")
    with SmtpServer(tls=_context(ca)) as smtp:
        desk = MailDesk.create(f"sqlite+pysqlite:///{tmp_path / 'c.sqlite3'}", smtp)
        desk.configure(tls="starttls")  # the system's CAs: the test CA is not among them
        with ThreadServer(desk.central) as server:
            desk.push(server.url, [desk.report(desk.new_ticket())])
            wait_until(
                lambda: any(
                    "CERTIFICATE_VERIFY_FAILED" in (r["reason"] or "") for r in desk.outbox()
                ),
                "the refusal is kept",
            )
        assert smtp.messages() == []
        assert all(row["state"] == "queued" for row in desk.outbox())
        desk.central.close()
