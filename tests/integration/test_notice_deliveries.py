"""`GET /api/v1/notices/{id}/deliveries` end to end: a notice pushed over HTTP to a real
central on 127.0.0.1, its mails sent by central's mail job to a real SMTP server on
loopback (aiosmtpd) that answers 550 for some addresses; the endpoint counts the mails
of each notice event from the outbox and names the failed addresses with the server's
reason, to the notice's organisation only. On SQLite and on a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.central_server import ThreadServer
from tests.mail_support import MailDesk, wait_until, wire, zwolle_people
from tests.smtp_server import SmtpServer

DELIVERED = ("z1@halt.nl", "z2@halt.nl", "z3@halt.nl")
REFUSED = ("weg@halt.nl", "oud@halt.nl")
NO_SUCH_USER = "550 5.1.1 no such user"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        server.refuse_recipients = {address: NO_SUCH_USER for address in REFUSED}
        yield server


@pytest.fixture
def mail_desk(
    tmp_path: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> Iterator[tuple[MailDesk, ThreadServer]]:
    monkeypatch.setenv("HALT_DESK_CENTRAL_KEY_FILE", str(tmp_path / "central.key"))
    desk = MailDesk.create(db_url, smtp)
    desom = {"name": "SSC DeSom", "profile": "desom"}
    desk.register(
        [
            wire("org:desom", "organisation_registered", desom, "admin"),
            *zwolle_people((*DELIVERED, *REFUSED)),
        ]
    )
    desk.tokens["regie-halt"] = desk.central.add_user("regie-halt", "regie", "halt")
    desk.tokens["agent-desom"] = desk.central.add_user("agent-desom", "agent", "desom")
    with ThreadServer(desk.central) as server:
        yield desk, server
    desk.central.close()


PUBLISHED = {
    "org": "halt",
    "kind": "disruption",
    "scope": {"kind": "location", "id": "zwolle"},
    "title": "Geen netwerk in Zwolle",
    "text": "Het netwerk op het regiokantoor ligt eruit.",
}


def _get(server: ThreadServer, token: str | None, notice: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    url = f"{server.url}/api/v1/notices/{notice}/deliveries"
    return requests.get(url, headers=headers, timeout=30)


def _settled(desk: MailDesk, notice: str) -> bool:
    rows = [row for row in desk.outbox() if row["stream"] == f"notice:{notice}"]
    return bool(rows) and all(row["state"] != "queued" for row in rows)


def test_the_deliveries_count_each_notice_event_and_name_the_refused_addresses(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    published = wire("notice:N1", "notice_published", PUBLISHED)
    desk.push(server.url, [published])
    smtp.wait_count(3)
    wait_until(lambda: _settled(desk, "N1"), "the publication's mails are sent or failed")
    update = wire("notice:N1", "notice_updated", {"text": "Switch vervangen."})
    desk.push(server.url, [update])
    smtp.wait_count(6)
    wait_until(
        lambda: sum(row["state"] == "failed" for row in desk.outbox()) == 4,
        "the follow-up's mails to the refused addresses failed",
    )
    answer = _get(server, desk.tokens["agent-a"], "N1")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["notice"] == "N1" and body["org"] == "halt" and body["addresses_shown"]
    assert [e["event_id"] for e in body["events"]] == [published["id"], update["id"]]
    assert [e["type"] for e in body["events"]] == ["notice_published", "notice_updated"]
    for event in body["events"]:
        assert (event["sent"], event["failed"], event["queued"]) == (3, 2, 0)
        failures = {(f["to"], f["reason"]) for f in event["failures"]}
        assert {to for to, _ in failures} == set(REFUSED)
        assert all("550" in reason and "no such user" in reason for _, reason in failures)
    regie = _get(server, desk.tokens["regie-halt"], "N1")
    assert regie.status_code == 200, regie.text
    assert regie.json()["events"] == body["events"]


def test_a_notice_not_mailed_yet_counts_its_events_with_nothing_sent(
    mail_desk: tuple[MailDesk, ThreadServer], smtp: SmtpServer
) -> None:
    desk, server = mail_desk
    smtp.stop()  # nothing can be delivered: what was queued stays queued
    published = wire("notice:N2", "notice_published", PUBLISHED)
    desk.push(server.url, [published])
    wait_until(
        lambda: sum(row["stream"] == "notice:N2" for row in desk.outbox()) == 5,
        "the publication's mails are queued",
    )
    event = _get(server, desk.tokens["agent-a"], "N2").json()["events"][0]
    assert (event["queued"], event["sent"], event["failed"]) == (5, 0, 0)
    assert event["failures"] == []


def test_another_organisation_an_unknown_notice_and_no_token_are_refused(
    mail_desk: tuple[MailDesk, ThreadServer],
) -> None:
    desk, server = mail_desk
    desk.push(server.url, [wire("notice:N3", "notice_published", PUBLISHED)])
    other = _get(server, desk.tokens["agent-desom"], "N3")
    assert other.status_code == 404, other.text
    assert other.headers["content-type"] == "application/problem+json"
    unknown = _get(server, desk.tokens["agent-a"], "N-unknown")
    assert unknown.status_code == 404 and "unknown notice" in unknown.json()["detail"]
    assert _get(server, None, "N3").status_code == 401
    assert _get(server, "not-a-token", "N3").status_code == 401
    assert _get(server, desk.tokens["agent-a"], "N3%00x").status_code in (400, 404)
    assert _get(server, desk.tokens["agent-a"], "x" * 101).status_code == 400
