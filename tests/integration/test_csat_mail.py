"""The resolved mail carries the caller's personal survey link (central's public address
from `central survey configure`): followed from the message in a real SMTP server's store,
the page is Dutch and the answer lands on the ticket as `csat_recorded`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from halt_desk.central import csat
from tests.central_server import ThreadServer
from tests.mail_support import MailDesk, wait_until, wire
from tests.smtp_server import Received, SmtpServer


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


def _resolve(desk: MailDesk, server: ThreadServer, smtp: SmtpServer) -> tuple[str, str, Received]:
    ticket = desk.new_ticket()
    desk.push(server.url, [desk.report(ticket)])
    smtp.wait_count(len(smtp.messages()) + 1)
    resolved = wire(f"ticket:{ticket}", "resolved", {"resolution": "Accu vervangen."})
    before = len(smtp.messages())
    desk.push(server.url, [resolved])
    mail = smtp.wait_count(before + 1)[-1]
    return ticket, str(resolved["id"]), mail


def test_the_resolved_mail_links_to_the_survey_and_the_answer_reaches_the_ticket(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    with desk.central.db.write() as conn:
        csat.configure_survey(conn, server.url)
    ticket, resolved_id, mail = _resolve(desk, server, smtp)
    assert "Hoe tevreden bent u over de afhandeling? Geef uw oordeel in één minuut:" in mail.text
    found = re.search(rf"{re.escape(server.url)}/csat/([A-Za-z0-9_-]+)", mail.text)
    assert found is not None, mail.text
    link = found.group(0)
    assert f'<a href="{link}">' in mail.html
    # Nothing internal in the link: not the event id, not the ticket number.
    assert resolved_id not in link and ticket not in link

    page = requests.get(link, timeout=30)
    assert page.status_code == 200 and "Hoe tevreden bent u?" in page.text
    assert f"Uw melding {ticket} is opgelost." in page.text
    sent = requests.post(link, data={"score": "9", "information": "8"}, timeout=30)
    assert "Bedankt voor uw antwoord" in sent.text
    wait_until(
        lambda: (
            [d for k, d in desk.ticket_events(ticket, "csat") if k == "csat_recorded"]
            == [{"score": 9, "information": 8}]
        ),
        "the answer is on the ticket",
    )
    assert requests.get(link, timeout=30).status_code == 410


def test_without_a_public_address_the_mail_has_no_survey_paragraph(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    _, _, mail = _resolve(desk, server, smtp)
    assert "/csat/" not in mail.text + mail.html
    assert "Hoe tevreden bent u" not in mail.text
