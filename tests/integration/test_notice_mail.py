"""Notice mails end to end: a notice pushed to central (the desk's way, over HTTP on
127.0.0.1) reaches every employee in its scope through central's mail job and a real SMTP
server on loopback (aiosmtpd), with its follow-up and all-clear; each mail once, in Dutch,
and in the audit log. On SQLite and on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from halt_desk.central.schema import audit_log
from tests.central_server import ThreadServer
from tests.mail_support import (
    CALLER_EMAIL,
    MailDesk,
    wait_until,
    wire,
    zwolle_employee,
    zwolle_people,
)
from tests.smtp_server import SmtpServer

ZWOLLE = ("z1@halt.nl", "z2@halt.nl")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def mail_desk(
    tmp_path: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> Iterator[tuple[MailDesk, ThreadServer]]:
    monkeypatch.setenv("HALT_DESK_CENTRAL_KEY_FILE", str(tmp_path / "central.key"))
    desk = MailDesk.create(db_url, smtp)
    desk.register(zwolle_people(ZWOLLE))
    with ThreadServer(desk.central) as server:
        yield desk, server
    desk.central.close()


PUBLISHED = {
    "org": "halt",
    "kind": "disruption",
    "scope": {"kind": "location", "id": "zwolle"},
    "title": "Geen netwerk in Zwolle",
    "text": "Het netwerk op het regiokantoor ligt eruit. Een monteur is onderweg.",
}


def test_a_notice_its_follow_up_and_all_clear_reach_everyone_in_scope(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    desk.push(server.url, [wire("notice:N1", "notice_published", PUBLISHED)])
    first = smtp.wait_count(2)
    assert sorted(m.to[0] for m in first) == sorted(ZWOLLE)  # not the caller in Utrecht
    mail = first[0]
    assert mail.subject == "Verstoring: Geen netwerk in Zwolle"
    assert "Beste collega," in mail.text
    assert "Verstoring voor locatie Regiokantoor Zwolle: Geen netwerk in Zwolle" in mail.text
    assert "Een monteur is onderweg." in mail.text and "Servicedesk Halt" in mail.text
    assert "Een monteur is onderweg." in mail.html
    desk.push(server.url, [wire("notice:N1", "notice_updated", {"text": "Switch vervangen."})])
    follow = smtp.wait_count(4)[2:]
    assert {m.subject for m in follow} == {"Update verstoring: Geen netwerk in Zwolle"}
    assert all("Switch vervangen." in m.text for m in follow)
    done = {"text": "Het netwerk werkt weer."}
    desk.push(server.url, [wire("notice:N1", "notice_closed", done)])
    last = smtp.wait_count(6)[4:]
    assert {m.subject for m in last} == {"Opgelost: Geen netwerk in Zwolle"}
    assert all("is voorbij: alles werkt weer" in m.text for m in last)
    everything = smtp.messages()
    assert len({m.message_id for m in everything}) == 6 == len(everything)
    assert CALLER_EMAIL not in {m.to[0] for m in everything}

    def audited() -> int:
        with desk.central.engine.connect() as conn:
            rows = conn.execute(
                select(audit_log.c.id).where(
                    audit_log.c.action == "mail.sent", audit_log.c.object == "notice:N1"
                )
            ).all()
        return len(rows)

    wait_until(lambda: audited() == 6, "every notice mail sent is in the audit log")
    assert all(row["state"] == "sent" for row in desk.outbox())


def test_each_employee_reads_the_notice_in_the_language_of_the_directory(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    visitor = {**zwolle_employee(3, "z3@halt.nl"), "lang": "en"}
    desk.push(server.url, [wire("employee:z3", "employee_registered", visitor, "admin")], "admin")
    desk.push(server.url, [wire("notice:N2", "notice_published", PUBLISHED)])
    by_address = {m.to[0]: m for m in smtp.wait_count(3)}
    assert by_address["z1@halt.nl"].subject == "Verstoring: Geen netwerk in Zwolle"
    english = by_address["z3@halt.nl"]
    assert english.subject == "Disruption: Geen netwerk in Zwolle"
    assert "Dear colleague," in english.text
    assert "Disruption for location Regiokantoor Zwolle" in english.text
