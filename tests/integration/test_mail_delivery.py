"""Mail from central, per kind: from the API push to the message in a real SMTP server's
store (aiosmtpd on loopback), the Dutch text checked, the delivery state on the ticket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.central_server import ThreadServer
from tests.mail_support import CALLER_EMAIL, ENGINEER_EMAIL, REGIE, MailDesk, wait_until, wire
from tests.smtp_server import SmtpServer


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def mail_desk(
    tmp_path: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[MailDesk, ThreadServer]]:
    monkeypatch.setenv("HALT_DESK_CENTRAL_KEY_FILE", str(tmp_path / "central.key"))
    desk = MailDesk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}", smtp)
    with ThreadServer(desk.central) as server:
        yield desk, server
    desk.central.close()


def test_registered_mail_reaches_the_caller_in_dutch(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    ticket = desk.new_ticket()
    desk.push(server.url, [desk.report(ticket)])
    (mail,) = smtp.wait_count(1)
    assert mail.to == (CALLER_EMAIL,)
    assert mail.subject == f"Uw melding {ticket} is geregistreerd"
    assert "Beste Anna de Vries," in mail.text
    assert f"Uw melding is geregistreerd onder nummer {ticket}:" in mail.text
    assert '"Laptop start niet op"' in mail.text
    assert "Servicedesk Halt" in mail.text and "Servicedesk Halt" in mail.message["From"]
    assert "Geheimstraat" not in mail.text + mail.html
    wait_until(
        lambda: [k for k, _ in desk.ticket_events(ticket)] == ["mail_queued", "mail_sent"],
        "the delivery state is on the ticket",
    )
    (_, sent) = desk.ticket_events(ticket)[1]
    assert sent["message_id"] == mail.message_id and sent["to"] == CALLER_EMAIL
