"""Notices at the central over real HTTP on 127.0.0.1 (SQLite and PostgreSQL): who may
publish, follow up and close them, the location scope, `linked_to_notice`, the mails each
notice event queues (one per employee in scope, Dutch text), and the regie's
`GET /api/v1/notifications`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from halt_desk.central.auth import Role, User
from halt_desk.central.mail_templates import render_mail
from halt_desk.central.notices import notice_drafts
from halt_desk.central.service import Central
from tests.central_server import ThreadServer, bearer

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "agent": ("agent", ()),
    "halt-agent": ("agent", ("halt",)),
    "desom-agent": ("agent", ("desom",)),
    "halt-regie": ("regie", ("halt",)),
    "desom-regie": ("regie", ("desom",)),
    "field": ("field", ()),
    "logistics": ("logistics", ()),
}


def ev(stream: str, kind: str, data: dict[str, Any], minutes: int = 0) -> dict[str, Any]:
    at = (T0 + timedelta(minutes=minutes)).isoformat()
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": at,
        "actor": "tester",
        "data": data,
    }


def employee(key: str, org: str, location: str, team: str, email: str | None) -> dict[str, Any]:
    data = {"org": org, "name": key, "location": location, "team": team}
    if email:
        data["email"] = email
    return ev(f"employee:{key}", "employee_registered", data)


PUBLISH = {
    "org": "halt",
    "kind": "disruption",
    "scope": {"kind": "location", "id": "halt-zwolle"},
    "title": "Geen netwerk in Zwolle",
    "text": "Het netwerk op het regiokantoor Zwolle ligt eruit. We werken eraan.",
}


class World:
    def __init__(self, central: Central, url: str, tokens: dict[str, str]) -> None:
        self.central = central
        self.url = url + "/api/v1"
        self.tokens = tokens
        self.session = requests.Session()

    def post(self, user: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        response = self.session.post(
            f"{self.url}/events",
            json={"events": events},
            headers=bearer(self.tokens[user]),
            timeout=30,
        )
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def status(self, user: str, event: dict[str, Any]) -> str:
        (result,) = self.post(user, [event])
        return str(result["status"])

    def get(self, user: str, path: str, **params: Any) -> requests.Response:
        return self.session.get(
            f"{self.url}{path}", params=params, headers=bearer(self.tokens[user]), timeout=30
        )


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    central = Central.open(db_url)
    tokens = {name: central.add_user(name, role, orgs) for name, (role, orgs) in USERS.items()}
    setup = [
        ev("org:halt", "organisation_registered", {"name": "Stichting Halt", "profile": "halt"}),
        ev("org:desom", "organisation_registered", {"name": "SSC DeSom", "profile": "desom"}),
        ev("location:halt-zwolle", "location_registered", {"org": "halt", "name": "Zwolle"}),
        ev("location:halt-utrecht", "location_registered", {"org": "halt", "name": "Utrecht"}),
        ev("location:desom-opmeer", "location_registered", {"org": "desom", "name": "Opmeer"}),
        employee("z1", "halt", "halt-zwolle", "IJssel-Vecht", "z1@halt.nl"),
        employee("z2", "halt", "halt-zwolle", "Noord-Nederland", "z2@halt.nl"),
        employee("z3", "halt", "halt-zwolle", "Noord-Nederland", None),
        employee("u1", "halt", "halt-utrecht", "Gelderland", "u1@halt.nl"),
        employee("d1", "desom", "desom-opmeer", "Opmeer", "d1@desom.nl"),
    ]
    results = central.record(User(0, "setup", Role.ADMIN), setup, "local")
    assert {r.status for r in results} == {"accepted"}, results
    with ThreadServer(central) as server:
        yield World(central, server.url, tokens)
    central.close()


def test_agents_and_regie_of_the_organisation_publish_and_close(world: World) -> None:
    stream = "notice:N1"
    assert world.status("desom-agent", ev(stream, "notice_published", PUBLISH)) == "rejected"
    assert world.status("desom-regie", ev(stream, "notice_published", PUBLISH)) == "rejected"
    assert world.status("field", ev(stream, "notice_published", PUBLISH)) == "rejected"
    assert world.status("logistics", ev(stream, "notice_published", PUBLISH)) == "rejected"
    assert world.status("halt-regie", ev(stream, "notice_published", PUBLISH)) == "accepted"
    update = ev(stream, "notice_updated", {"text": "Monteur is onderweg."}, 10)
    assert world.status("desom-agent", update) == "rejected"
    assert world.status("halt-agent", update) == "accepted"
    closed = ev(stream, "notice_closed", {"text": "Het netwerk werkt weer."}, 20)
    assert world.status("agent", closed) == "accepted"
    late = ev(stream, "notice_updated", {"text": "nog iets"}, 30)
    (result,) = world.post("agent", [late])
    assert result["status"] == "rejected" and "closed" in result["reason"]


def test_a_notice_is_checked_as_the_desk_checks_it(world: World) -> None:
    other_location = {**PUBLISH, "scope": {"kind": "location", "id": "desom-opmeer"}}
    cases = [
        (ev("notice:A", "notice_updated", {"text": "x"}), "not published"),
        (ev("notice:B", "notice_published", {**PUBLISH, "kind": "storm"}), "data.kind"),
        (ev("notice:C", "notice_published", {**PUBLISH, "title": " "}), "data.title"),
        (ev("notice:D", "notice_published", other_location), "not a location of"),
        (ev("notice:E", "notice_published", {**PUBLISH, "org": "nope"}), "unknown organisation"),
        (ev("notice:F", "notice_published", {**PUBLISH, "scope": {"kind": "x"}}), "scope"),
        (
            ev(
                "notice:H",
                "notice_published",
                {**PUBLISH, "scope": {"kind": "team", "id": "Opmeer"}},
            ),
            "not a team of organisation halt",
        ),
    ]
    for event, reason in cases:
        (result,) = world.post("agent", [event])
        assert result["status"] == "rejected", event
        assert reason in result["reason"], result
    team = {**PUBLISH, "scope": {"kind": "team", "id": "Noord-Nederland"}}
    assert world.status("agent", ev("notice:G", "notice_published", team)) == "accepted"


def test_tickets_link_to_a_notice_of_their_own_organisation(world: World) -> None:
    assert world.status("agent", ev("notice:N1", "notice_published", PUBLISH)) == "accepted"
    report = {"org": "halt", "caller": "z1", "summary": "Geen wifi", "channel": "phone"}
    report |= {"priority": "P3"}
    desom = {**report, "org": "desom", "caller": "d1"}
    assert world.status("agent", ev("ticket:T1", "ticket_reported", report, 5)) == "accepted"
    assert world.status("agent", ev("ticket:T2", "ticket_reported", desom, 5)) == "accepted"
    link = ev("ticket:T1", "linked_to_notice", {"notice": "N1"}, 6)
    assert world.status("agent", link) == "accepted"
    (wrong_org,) = world.post("agent", [ev("ticket:T2", "linked_to_notice", {"notice": "N1"}, 6)])
    assert wrong_org["status"] == "rejected" and "organisation" in wrong_org["reason"]
    (unknown,) = world.post("agent", [ev("ticket:T1", "linked_to_notice", {"notice": "X"}, 7)])
    assert unknown["status"] == "rejected" and "unknown notice" in unknown["reason"]


def test_every_employee_in_scope_with_an_address_gets_one_mail(world: World) -> None:
    published = ev("notice:N1", "notice_published", PUBLISH)
    update = ev("notice:N1", "notice_updated", {"text": "Monteur is onderweg."}, 10)
    closed = ev("notice:N1", "notice_closed", {"text": "Alles werkt weer."}, 20)
    assert [r["status"] for r in world.post("agent", [published, update, closed])] == [
        "accepted"
    ] * 3
    with world.central.db.reader.connect() as conn:
        first = notice_drafts(conn, published["id"], "notice:N1")
        follow = notice_drafts(conn, update["id"], "notice:N1")
        last = notice_drafts(conn, closed["id"], "notice:N1")
        mail = render_mail(conn, "halt", first[0].kind, "nl", first[0].context)
        all_clear = render_mail(conn, "halt", last[0].kind, "nl", last[0].context)
        english = render_mail(conn, "halt", follow[0].kind, "en", follow[0].context)
    assert sorted(d.to for d in first) == ["z1@halt.nl", "z2@halt.nl"]  # z3 has no address
    assert [d.kind for d in (first[0], follow[0], last[0])] == [
        "notice_published",
        "notice_updated",
        "notice_closed",
    ]
    assert mail.subject == "Verstoring: Geen netwerk in Zwolle"
    assert "Verstoring voor locatie Zwolle: Geen netwerk in Zwolle" in mail.text
    assert "Het netwerk op het regiokantoor Zwolle ligt eruit." in mail.text
    assert all_clear.subject == "Opgelost: Geen netwerk in Zwolle"
    assert (
        "is voorbij: alles werkt weer" in all_clear.text and "Alles werkt weer." in all_clear.text
    )
    assert "Monteur is onderweg." in english.text
    for text in (mail.text, all_clear.text):
        assert "z1" not in text and "@" not in text  # no name, address or id in the text


def test_regie_reads_the_notifications_of_its_own_organisation(world: World) -> None:
    p1 = {"org": "halt", "caller": "z1", "summary": "Niemand kan inloggen", "channel": "phone"}
    p1 |= {"priority": "P1"}
    p3 = {**p1, "summary": "Muis kapot", "priority": "P3"}
    desom_p1 = {**p1, "org": "desom", "caller": "d1", "summary": "DeSom plat"}
    world.post(
        "agent",
        [
            ev("ticket:T1", "ticket_reported", p1, 1),
            ev("ticket:T2", "ticket_reported", p3, 2),
            ev("ticket:T3", "ticket_reported", desom_p1, 3),
            ev("notice:N1", "notice_published", PUBLISH, 4),
        ],
    )
    page = world.get("halt-regie", "/notifications").json()
    kinds = [(n["kind"], n["stream"]) for n in page["notifications"]]
    assert kinds == [("p1_reported", "ticket:T1"), ("notice_published", "notice:N1")]
    assert page["notifications"][0]["detail"]["summary"] == "Niemand kan inloggen"
    assert page["more"] is False
    again = world.get("halt-regie", "/notifications", since=page["next"]).json()
    assert again["notifications"] == [] and again["next"] == page["next"]
    first = world.get("halt-regie", "/notifications", limit=1).json()
    assert len(first["notifications"]) == 1 and first["more"] is True
    desom = world.get("desom-regie", "/notifications").json()["notifications"]
    assert [n["stream"] for n in desom] == ["ticket:T3"]
    assert world.get("agent", "/notifications").status_code == 403
    bad = world.get("halt-regie", "/notifications", since=-1)
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/problem+json")
