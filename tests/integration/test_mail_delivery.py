"""Mail from central, per kind: from the API push to the message in a real SMTP server's
store (aiosmtpd on loopback), the Dutch text checked, the delivery state on the ticket."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from halt_desk.central.schema import audit_log
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
        lambda: [k for k, _ in desk.ticket_events(ticket)] == ["mail_sent"],
        "the delivery state is on the ticket",
    )
    (_, sent) = desk.ticket_events(ticket)[0]
    assert sent["message_id"] == mail.message_id and sent["to"] == CALLER_EMAIL


PART_ORDERED = "Onderdeel <besteld> & onderweg."


def _kinds(desk: MailDesk, ticket: str) -> list[str]:
    return [kind for kind, _ in desk.ticket_events(ticket)]


def test_first_response_and_status_update_per_email_carry_the_agents_text(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    ticket = desk.new_ticket()
    stream = f"ticket:{ticket}"
    desk.push(server.url, [desk.report(ticket)])
    smtp.wait_count(1)
    desk.push(
        server.url,
        [
            wire(stream, "first_response", {"channel": "email", "text": "Wij bellen u om 14:00."}),
            wire(stream, "status_update", {"channel": "phone", "text": "Telefonisch gemeld."}),
            wire(
                stream,
                "status_update",
                {"channel": "email", "text": "Onderdeel <besteld> & onderweg."},
            ),
        ],
    )
    found = smtp.wait_count(3)
    first, update = found[1], found[2]
    assert first.subject == f"Wij werken aan uw melding {ticket}"
    assert "Wij bellen u om 14:00." in first.text and "Sanne Agent" in first.text
    assert update.subject == f"Stand van zaken melding {ticket}"
    assert "Onderdeel <besteld> & onderweg." in update.text
    assert "Onderdeel &lt;besteld&gt; &amp; onderweg." in update.html  # escaped, not markup
    assert all("Telefonisch gemeld" not in m.text for m in found)  # by phone: no mail
    wait_until(lambda: _kinds(desk, ticket).count("mail_sent") == 3, "three sent on the ticket")


def test_resolved_mail_carries_the_resolution(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    ticket = desk.new_ticket()
    desk.push(server.url, [desk.report(ticket)])
    smtp.wait_count(1)
    resolution = "Accu vervangen; de laptop start weer."
    desk.push(server.url, [wire(f"ticket:{ticket}", "resolved", {"resolution": resolution})])
    mail = smtp.wait_count(2)[1]
    assert mail.subject == f"Uw melding {ticket} is opgelost"
    assert "Oplossing:\n" + resolution in mail.text
    assert "Is het probleem niet verholpen?" in mail.text


def test_p1_ticket_and_granted_uplift_reach_every_regie_contact(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    p1 = desk.new_ticket()
    desk.push(server.url, [desk.report(p1, priority="P1")])
    found = smtp.wait_count(3)  # the caller and two regie contacts
    regie = sorted((m for m in found if m.to[0] in REGIE), key=lambda m: m.to[0])
    assert [m.to[0] for m in regie] == sorted(REGIE)
    assert regie[0].subject == f"P1-melding {p1}: Laptop start niet op"
    assert "Aan de regie van Stichting Halt," in regie[0].text
    assert "Er is een melding met prioriteit P1 geregistreerd." in regie[0].text
    uplifted = desk.new_ticket()
    decision = {
        "granted": True,
        "criteria": {"critical_role": True, "direct_impact": True, "cannot_work": True},
        "role_type": "court_session",
        "motivation": "Zitting om 10:00 bij de rechtbank, laptop nodig voor het dossier.",
    }
    desk.push(
        server.url,
        [
            desk.report(uplifted, priority="P3"),
            wire(f"ticket:{uplifted}", "uplift_decided", decision),
        ],
    )
    found = smtp.wait_for(lambda ms: sum(1 for m in ms if "uplift" in m.subject) == 2)
    mail = next(m for m in found if "uplift" in m.subject)
    assert mail.subject == f"P1-uplift toegekend: {uplifted}"
    assert "Rol: Zitting" in mail.text
    assert "Motivatie: Zitting om 10:00 bij de rechtbank" in mail.text
    assert "Besloten door: Sanne Agent op " in mail.text


def test_onsite_request_tells_the_assigned_field_engineer(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    ticket = desk.new_ticket()
    stream = f"ticket:{ticket}"
    desk.push(
        server.url,
        [
            desk.report(ticket, priority="P2"),
            wire(stream, "assigned", {"to": "field-a"}),
            wire(stream, "onsite_requested", {}),
        ],
    )
    found = smtp.wait_for(lambda ms: any(m.to == (ENGINEER_EMAIL,) for m in ms))
    mail = next(m for m in found if m.to == (ENGINEER_EMAIL,))
    assert mail.subject == f"Bezoek op locatie: {ticket}"
    assert "Beste Bram Veld," in mail.text
    assert "Locatie: Kantoor Utrecht, Utrecht" in mail.text
    assert "Uiterlijk ter plaatse: " in mail.text
    assert "Medewerker: Anna de Vries (06-12345678)" in mail.text
    # No active swap: the engineer may not see the employee's home address.
    assert "Geheimstraat" not in mail.text + mail.html and "Thuisadres" not in mail.text


def test_breached_p1_reaction_clock_reaches_the_regie(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    ticket = desk.new_ticket()
    report = desk.report(ticket, priority="P1")
    report["at"] = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    desk.push(server.url, [report])
    found = smtp.wait_for(lambda ms: sum("Norm overschreden" in m.subject for m in ms) >= 2)
    mail = next(m for m in found if "Norm overschreden: reactie" in m.subject)
    assert mail.subject == f"Norm overschreden: reactie van {ticket} (P1)"
    assert "de norm voor de reactie overschreden" in mail.text
    assert "Nog niet gehaald." in mail.text


def test_refused_address_fails_at_once_and_a_resend_delivers(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    smtp.refuse_recipients[CALLER_EMAIL] = "550 5.1.1 mailbox unavailable"
    ticket = desk.new_ticket()
    desk.push(server.url, [desk.report(ticket)])
    wait_until(lambda: "mail_failed" in _kinds(desk, ticket), "the failure is on the ticket")
    (failed,) = [data for kind, data in desk.ticket_events(ticket) if kind == "mail_failed"]
    assert failed["reason"] == "550 5.1.1 mailbox unavailable"
    assert smtp.messages() == []
    del smtp.refuse_recipients[CALLER_EMAIL]
    response = requests.post(
        f"{server.url}/api/v1/tickets/{ticket}/mail/resend",
        json={"message_id": failed["message_id"]},
        headers={"Authorization": f"Bearer {desk.tokens['agent-a']}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    (mail,) = smtp.wait_count(1)
    assert mail.message_id == response.json()["message_id"] != failed["message_id"]
    wait_until(lambda: _kinds(desk, ticket)[-1] == "mail_sent", "the copy is sent")
    unknown = requests.post(
        f"{server.url}/api/v1/tickets/{ticket}/mail/resend",
        json={"message_id": "<nope@x>"},
        headers={"Authorization": f"Bearer {desk.tokens['agent-a']}"},
        timeout=30,
    )
    assert unknown.status_code == 404


def test_a_resend_goes_to_the_address_the_directory_has_now(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    """The caller's address was wrong (refused); the directory is corrected; the copy
    asked for goes to the corrected address, and the ticket says so."""
    desk, server = mail_desk
    smtp.refuse_recipients[CALLER_EMAIL] = "550 5.1.1 mailbox unavailable"
    ticket = desk.new_ticket()
    desk.push(server.url, [desk.report(ticket)])
    wait_until(lambda: "mail_failed" in _kinds(desk, ticket), "the failure is on the ticket")
    (failed,) = [data for kind, data in desk.ticket_events(ticket) if kind == "mail_failed"]
    assert failed["to"] == CALLER_EMAIL
    corrected = "anna.de.vries@halt.nl"
    update = wire("employee:e1", "employee_updated", {"email": corrected}, "admin")
    desk.push(server.url, [update], user="admin")
    response = requests.post(
        f"{server.url}/api/v1/tickets/{ticket}/mail/resend",
        json={"message_id": failed["message_id"]},
        headers={"Authorization": f"Bearer {desk.tokens['agent-a']}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    (mail,) = smtp.wait_count(1)
    assert mail.to == (corrected,) and mail.message_id == response.json()["message_id"]
    wait_until(lambda: _kinds(desk, ticket)[-1] == "mail_sent", "the copy is sent")
    (asked,) = [d for k, d in desk.ticket_events(ticket, "mail_resend") if k.endswith("requested")]
    (sent,) = [data for kind, data in desk.ticket_events(ticket) if kind == "mail_sent"]
    assert asked["to"] == corrected and sent["to"] == corrected


def test_caller_without_an_address_is_marked_failed(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    ticket = desk.new_ticket()
    desk.push(server.url, [desk.report(ticket, caller="e2")])
    wait_until(lambda: "mail_failed" in _kinds(desk, ticket), "the failure is on the ticket")
    (failed,) = [data for kind, data in desk.ticket_events(ticket) if kind == "mail_failed"]
    assert failed["reason"] == "no e-mail address in the directory" and failed["to"] == ""


def test_an_hour_old_event_sent_again_after_a_restore_sends_no_mail(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    agent = desk.central.authenticate(desk.tokens["agent-a"])
    assert agent is not None
    desk.central.position(agent, [], [], "test", found_behind=5)  # a desk found the restore
    replayed, recent = desk.new_ticket(), desk.new_ticket()
    old = desk.report(replayed)
    old["at"] = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    young = desk.report(recent)
    young["at"] = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
    desk.push(server.url, [old, young])
    (mail,) = smtp.wait_count(1)
    assert mail.subject == f"Uw melding {recent} is geregistreerd"
    later = desk.new_ticket()  # a mail after them: the replayed one was passed over
    desk.push(server.url, [desk.report(later)])
    smtp.wait_count(2)
    assert all(replayed not in m.subject for m in smtp.messages())
    assert all(row["stream"] != f"ticket:{replayed}" for row in desk.outbox())


@pytest.fixture
def any_backend(
    tmp_path: Path, smtp: SmtpServer, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[MailDesk, ThreadServer]]:
    monkeypatch.setenv("HALT_DESK_CENTRAL_KEY_FILE", str(tmp_path / "central.key"))
    desk = MailDesk.create(db_url, smtp)
    with ThreadServer(desk.central) as server:
        yield desk, server
    desk.central.close()


def test_mail_and_its_state_on_sqlite_and_postgresql(
    any_backend: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = any_backend
    ticket = desk.new_ticket()
    desk.push(server.url, [desk.report(ticket, priority="P1")])
    found = smtp.wait_count(3)
    assert sorted(m.to[0] for m in found) == sorted([CALLER_EMAIL, *REGIE])
    wait_until(lambda: _kinds(desk, ticket) == ["mail_sent"] * 3, "three mails on the ticket")

    def actions() -> list[str]:
        with desk.central.reader.connect() as conn:
            query = select(audit_log.c.action).where(audit_log.c.action.like("mail.%"))
            return sorted(conn.execute(query).scalars())

    # The audit entries follow the state events in a transaction of their own.
    expected = ["mail.configured", "mail.sent", "mail.sent", "mail.sent"]
    wait_until(lambda: actions() == expected, "an audit entry per mail sent")
    assert actions() == expected
