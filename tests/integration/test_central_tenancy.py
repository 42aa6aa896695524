"""Organisations kept apart (issue 17): role × organisation × endpoint and event kind, over
real HTTP on 127.0.0.1, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from halt_desk.central.auth import Role, User
from halt_desk.central.service import Central
from halt_desk.paths import resources_dir
from tests.central_server import ThreadServer, bearer

T0 = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
PROVIDER = User(0, "setup", Role.ADMIN)
#: name → (role, organisations); no organisation: a user of the provider.
USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "admin": ("admin", ()),
    "agent": ("agent", ()),
    "field": ("field", ()),
    "logistics": ("logistics", ()),
    "regie": ("regie", ()),
    "desom-regie": ("regie", ("desom",)),
    "desom-agent": ("agent", ("desom",)),
    "desom-logistics": ("logistics", ("desom",)),
    "desom-admin": ("admin", ("desom",)),
    "halt-regie": ("regie", ("halt",)),
    "both-agent": ("agent", ("desom", "halt")),
}


def ev(
    stream: str, kind: str, data: dict[str, Any] | None = None, minutes: int = 0
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": (T0 + timedelta(minutes=minutes)).isoformat(),
        "actor": "tester",
        "data": data or {},
    }


def report(ticket: str, org: str, minutes: int = 0) -> dict[str, Any]:
    data = {"org": org, "caller": "e1", "summary": "Laptop", "channel": "phone", "priority": "P3"}
    return ev(f"ticket:{ticket}", "ticket_reported", data, minutes)


class World:
    """Two organisations with a ticket, a swap, a device and an employee each, a provider
    depot; a running server and a token per user of USERS."""

    def __init__(self, central: Central, server: ThreadServer, tokens: dict[str, str]) -> None:
        self.central = central
        self.url = server.url + "/api/v1"
        self.tokens = tokens
        self.session = requests.Session()

    def get(self, user: str, path: str, **params: Any) -> requests.Response:
        headers = bearer(self.tokens[user])
        return self.session.get(f"{self.url}{path}", params=params, headers=headers, timeout=30)

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

    def streams_seen(self, user: str) -> set[str]:
        page = self.get(user, "/changes", since=0, limit=5000).json()
        return {e["stream"] for e in page["events"]}


def seed(central: Central) -> None:
    def record(role: Role, events: list[dict[str, Any]]) -> None:
        results = central.record(User(0, f"setup-{role}", role), events, "local")
        assert [r.status for r in results] == ["accepted"] * len(events), results

    record(
        Role.ADMIN,
        [
            ev(
                "org:halt", "organisation_registered", {"name": "Stichting Halt", "profile": "halt"}
            ),
            ev("org:desom", "organisation_registered", {"name": "SSC DeSom", "profile": "desom"}),
            ev("employee:e1", "employee_registered", {"org": "halt", "name": "Anna"}),
            ev("employee:d1", "employee_registered", {"org": "desom", "name": "Dirk"}),
            ev(
                "location:halt-utrecht", "location_registered", {"org": "halt", "address": "Kade 1"}
            ),
            ev("depot:depot-a", "depot_registered", {"name": "Depot A"}),
        ],
    )
    record(Role.AGENT, [report("HALT-1", "halt"), report("DESOM-1", "desom")])
    onsite = {"mode": "onsite", "engineer": "f"}
    x1 = {"model": "X1", "depot": "depot-a"}
    record(
        Role.LOGISTICS,
        [
            ev("swap:S-HALT", "swap_opened", {"ticket": "HALT-1", **onsite}),
            ev("swap:S-DESOM", "swap_opened", {"ticket": "DESOM-1", **onsite}),
            ev("device:HALT-LT-1", "device_registered", {"org": "halt", **x1}),
            ev("device:DSM-LT-1", "device_registered", {"org": "desom", **x1}),
            ev("stock:depot-a", "stock_mitigation", MITIGATION),
        ],
    )


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    central = Central.open(db_url)
    tokens = {name: central.add_user(name, role, orgs) for name, (role, orgs) in USERS.items()}
    seed(central)
    with ThreadServer(central) as server:
        yield World(central, server, tokens)
    central.close()


HALT_STREAMS = {
    "org:halt",
    "employee:e1",
    "location:halt-utrecht",
    "ticket:HALT-1",
    "swap:S-HALT",
    "device:HALT-LT-1",
    "profile:halt",
}
DESOM_STREAMS = {
    "org:desom",
    "employee:d1",
    "ticket:DESOM-1",
    "swap:S-DESOM",
    "device:DSM-LT-1",
    "profile:desom",
}
PROVIDER_STREAMS = {"depot:depot-a", "stock:depot-a"}


def visible(user: str) -> set[str]:
    orgs = USERS[user][1]
    if not orgs:
        return HALT_STREAMS | DESOM_STREAMS | PROVIDER_STREAMS
    return set().union(*({"halt": HALT_STREAMS, "desom": DESOM_STREAMS}[o] for o in orgs))


def test_reads_role_by_organisation(world: World) -> None:
    """The changes feed, ticket state and audit log for every user of USERS."""
    for profile in ("halt", "desom"):
        document = open_profile(profile)
        assert world.central.publish_profile(document, profile, "admin").status == "accepted"
    for user, (role, orgs) in USERS.items():
        assert world.streams_seen(user) == visible(user), user
        for ticket, org in (("HALT-1", "halt"), ("DESOM-1", "desom")):
            code = world.get(user, f"/tickets/{ticket}").status_code
            assert code == (200 if not orgs or org in orgs else 404), (user, ticket)
        audit = world.get(user, "/audit", limit=5000)
        if role not in ("admin", "regie"):
            assert audit.status_code == 403, user
            continue
        assert audit.status_code == 200, user
        entry_orgs = {e["org"] for e in audit.json()["entries"]}
        if orgs:
            assert entry_orgs and entry_orgs <= set(orgs), (user, entry_orgs)
        else:
            assert {"halt", "desom", None} <= entry_orgs, user


def open_profile(name: str) -> str:
    return (resources_dir() / "profiles" / f"{name}.toml").read_text(encoding="utf-8")


SHIP = {"leg": "out", "carrier": "dhl", "tracking": "3S1", "status": "booked"}
READY = {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True}
MITIGATION = {"model": "X1", "kind": "extra_stock", "note": "n"}
NOTE = {"text": "belt terug"}
ONSITE = {"ticket": "HALT-1", "mode": "onsite"}
#: (user, stream, event type, data, accepted?)
Case = tuple[str, str, str, dict[str, Any], bool]
D_AGENT, D_LOG, D_ADMIN = "desom-agent", "desom-logistics", "desom-admin"
WRITE_CASES: list[Case] = [
    # tickets
    (D_AGENT, "ticket:NEW-D", "ticket_reported", report("NEW-D", "desom")["data"], True),
    (D_AGENT, "ticket:NEW-H", "ticket_reported", report("NEW-H", "halt")["data"], False),
    (D_AGENT, "ticket:DESOM-1", "comment", NOTE, True),
    (D_AGENT, "ticket:HALT-1", "comment", NOTE, False),
    ("both-agent", "ticket:HALT-1", "comment", NOTE, True),
    ("agent", "ticket:HALT-1", "comment", NOTE, True),
    ("desom-regie", "ticket:DESOM-1", "comment", NOTE, False),
    # swaps
    (D_LOG, "swap:S-DESOM", "shipment_status", SHIP, True),
    (D_LOG, "swap:S-HALT", "shipment_status", SHIP, False),
    (D_AGENT, "swap:S-NEW", "swap_opened", ONSITE, False),
    (D_AGENT, "swap:S-NEW", "swap_opened", {**ONSITE, "org": "desom"}, False),
    # devices
    (D_LOG, "device:DSM-LT-2", "device_registered", {"org": "desom", "model": "X1"}, True),
    (D_LOG, "device:HALT-LT-2", "device_registered", {"org": "halt", "model": "X1"}, False),
    (D_LOG, "device:HALT-LT-1", "readiness_checked", READY, False),
    (D_LOG, "device:DSM-LT-1", "readiness_checked", READY, True),
    # the provider's own streams
    (D_LOG, "stock:depot-a", "stock_mitigation", MITIGATION, False),
    ("logistics", "stock:depot-a", "stock_mitigation", MITIGATION, True),
    (D_ADMIN, "depot:depot-b", "depot_registered", {"name": "B"}, False),
    # reference records
    (D_ADMIN, "employee:d2", "employee_registered", {"org": "desom", "name": "D"}, True),
    (D_ADMIN, "employee:h2", "employee_registered", {"org": "halt", "name": "H"}, False),
    (D_ADMIN, "employee:e1", "employee_updated", {"name": "Anna B"}, False),
    (D_ADMIN, "employee:d1", "employee_updated", {"org": "halt"}, False),
    (D_ADMIN, "org:halt", "organisation_updated", {"name": "Halt!"}, False),
    (D_ADMIN, "org:desom", "organisation_updated", {"name": "DeSom"}, True),
]


def test_writes_role_by_organisation_and_event_kind(world: World) -> None:
    wrong = []
    for user, stream, kind, data, allowed in WRITE_CASES:
        (result,) = world.post(user, [ev(stream, kind, data, 5)])
        if (result["status"] == "accepted") != allowed:
            wrong.append((user, stream, kind, result))
        elif not allowed:
            assert result["reason"], result
    assert wrong == []


def test_a_refusal_for_another_organisation_says_why(world: World) -> None:
    (comment,) = world.post("desom-agent", [ev("ticket:HALT-1", "comment", {"text": "x"}, 5)])
    assert comment["status"] == "rejected"
    assert "organisation halt" in comment["reason"] and "desom" in comment["reason"]
    (stock,) = world.post("desom-logistics", [ev("stock:depot-a", "stock_mitigation", MITIGATION)])
    assert "provider" in stock["reason"]
    (unknown,) = world.post("desom-agent", [ev("ticket:NOPE", "comment", {"text": "x"}, 5)])
    assert "unknown stream ticket:NOPE" in unknown["reason"]


def test_regie_of_one_organisation_reads_none_of_another(world: World) -> None:
    """Defect 1 of issue 17, as reported."""
    page = world.get("desom-regie", "/changes", since=0).json()
    assert page["events"] and all("HALT" not in e["stream"] for e in page["events"])
    assert not any(e["data"].get("org") == "halt" for e in page["events"])
    missing = world.get("desom-regie", "/tickets/HALT-1")
    assert missing.status_code == 404 and "HALT-1" in missing.json()["detail"]
    assert (
        world.get("desom-regie", "/tickets/NOPE").json()["detail"].replace("NOPE", "HALT-1")
        == (missing.json()["detail"])
    )
    entries = world.get("desom-regie", "/audit", limit=5000).json()["entries"]
    assert entries and {e["org"] for e in entries} == {"desom"}
    assert not any("HALT" in e["detail"] for e in entries)


def test_the_feed_pages_through_one_organisation_among_others(world: World) -> None:
    """Paging with a small limit gives a bound user every event of its organisation once,
    in seq order, and `more` until the last."""
    for n in range(30):
        world.post("agent", [report(f"H{n}", "halt"), report(f"D{n}", "desom")])
    since, seen, pages = 0, [], 0
    while True:
        page = world.get("desom-regie", "/changes", since=since, limit=7).json()
        seen += [e["seq"] for e in page["events"]]
        since, pages = page["next"], pages + 1
        if not page["more"]:
            break
    assert seen == sorted(set(seen)) and pages >= 5
    everything = world.get("regie", "/changes", since=0, limit=5000).json()["events"]
    desom = [
        e["seq"]
        for e in everything
        if e["stream"] in DESOM_STREAMS or e["stream"].startswith("ticket:D")
    ]
    assert seen == desom


def test_users_bound_by_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`central user add NAME --role R --org X --org Y`: bound to both; without: provider."""
    from halt_desk.cli import main

    db = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    args = ["central", "user", "add", "two", "--role", "regie", "--db", db]
    assert main([*args, "--org", "halt", "--org", "desom", "--org", "halt"]) == 0
    two = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["central", "user", "add", "msp", "--role", "agent", "--db", db]) == 0
    msp = capsys.readouterr().out.strip().splitlines()[-1]
    with Central.open(db) as central:
        bound, provider = central.authenticate(two), central.authenticate(msp)
    assert bound is not None and bound.orgs == {"halt", "desom"}
    assert provider is not None and provider.orgs == frozenset() and not provider.bound


def test_a_user_of_two_organisations_pages_through_both_and_their_profiles(world: World) -> None:
    """One statement per page for a bound user: the ranges of each organisation and its
    profiles' events come out merged in seq order, each once, other organisations left out."""
    admin = User(0, "setup-admin", Role.ADMIN)
    other = ev("org:other", "organisation_registered", {"name": "Other", "profile": "halt"})
    assert world.central.record(admin, [other], "local")[0].status == "accepted"
    for n in range(12):
        world.post("agent", [report(f"H{n}", "halt"), report(f"O{n}", "other")])
        world.post("agent", [report(f"D{n}", "desom")])
        if n in (3, 8):
            document = open_profile("halt" if n == 3 else "desom")
            name = "halt" if n == 3 else "desom"
            assert world.central.publish_profile(document, name, "admin").status == "accepted"
    since, seen = 0, []
    while True:
        page = world.get("both-agent", "/changes", since=since, limit=4).json()
        seen += [e["seq"] for e in page["events"]]
        since = page["next"]
        if not page["more"]:
            break
    everything = world.get("regie", "/changes", since=0, limit=5000).json()["events"]
    mine = [
        e["seq"]
        for e in everything
        if e["stream"] in HALT_STREAMS | DESOM_STREAMS
        or e["stream"][:8] in ("ticket:H", "ticket:D")
    ]
    assert seen == mine and any(e["stream"] == "profile:desom" for e in everything)
