"""Personal data in the changes feed (issue 17, defect 2): declared by the event types,
stripped for everyone but logistics and the engineer of an active swap; each page that
delivers personal data audited. Real server on 127.0.0.1, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from halt_desk.central.auth import Role, User
from halt_desk.central.service import Central
from tests.central_server import ThreadServer, bearer

T0 = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
HOME = "Dorpsstraat 1, Zwolle"
READINESS = ("autopilot", "bitlocker", "base_apps", "mfa")
USERS = {
    "agent": ("agent", ()),
    "regie": ("regie", ()),
    "logistics": ("logistics", ()),
    "desom-logistics": ("logistics", ("desom",)),
    "eng-a": ("field", ()),  # assigned ticket T1
    "eng-b": ("field", ()),  # engineer of swap S1 (not the ticket's assignee)
    "eng-c": ("field", ()),  # nothing to do with it
}


def ev(stream: str, kind: str, data: dict[str, Any], minutes: int = 0) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": (T0 + timedelta(minutes=minutes)).isoformat(),
        "actor": "tester",
        "data": data,
    }


class Feed:
    def __init__(self, central: Central, url: str, tokens: dict[str, str]) -> None:
        self.central = central
        self.url = url + "/api/v1"
        self.tokens = tokens

    def record(self, role: Role, events: list[dict[str, Any]]) -> None:
        results = self.central.record(User(0, f"setup-{role}", role), events, "local")
        assert [r.status for r in results] == ["accepted"] * len(events), results

    def data(self, user: str, stream: str) -> list[dict[str, Any]]:
        """`data` of every event of `stream` that `user` gets from the feed."""
        page = requests.get(
            f"{self.url}/changes",
            params={"since": 0, "limit": 5000},
            headers=bearer(self.tokens[user]),
            timeout=30,
        ).json()
        return [e["data"] for e in page["events"] if e["stream"] == stream]

    def sees(self, user: str, stream: str, key: str = "home_address") -> bool:
        return any(key in data for data in self.data(user, stream))


@pytest.fixture
def feed(db_url: str) -> Iterator[Feed]:
    central = Central.open(db_url)
    tokens = {name: central.add_user(name, role, orgs) for name, (role, orgs) in USERS.items()}
    with ThreadServer(central) as server:
        feed = Feed(central, server.url, tokens)
        feed.record(
            Role.ADMIN,
            [
                ev("org:halt", "organisation_registered", {"name": "Halt", "profile": "halt"}),
                ev("org:desom", "organisation_registered", {"name": "DeSom", "profile": "desom"}),
            ],
        )
        report = {"org": "halt", "caller": "e1", "summary": "Laptop", "channel": "phone"}
        feed.record(
            Role.AGENT,
            [
                ev("ticket:T1", "ticket_reported", {**report, "priority": "P2"}),
                ev("ticket:T1", "assigned", {"to": "eng-a"}, 1),
                ev("ticket:T1", "swap_requested", {"home_address": HOME}, 2),
            ],
        )
        yield feed
    central.close()


def test_an_employee_with_the_id_of_an_assigned_ticket_keeps_its_address(feed: Feed) -> None:
    """The id collision: eng-a is assigned ticket T1; employee T1's home address is not
    theirs to see (nor anyone's but logistics)."""
    data = {"org": "halt", "name": "Tess", "home_address": HOME}
    feed.record(Role.ADMIN, [ev("employee:T1", "employee_registered", data)])
    assert not feed.sees("eng-a", "employee:T1")
    assert not feed.sees("agent", "employee:T1") and not feed.sees("regie", "employee:T1")
    assert feed.sees("logistics", "employee:T1")
    assert feed.data("agent", "employee:T1") == [{"org": "halt", "name": "Tess"}]


@pytest.mark.parametrize("extra", [{"Home_Address": HOME}, {"contact": {"address": HOME}}])
def test_fields_a_type_does_not_declare_are_personal(feed: Feed, extra: dict[str, Any]) -> None:
    plan = {"ticket": "T1", "mode": "courier", "depot": "depot-a"}
    feed.record(Role.LOGISTICS, [ev("swap:S1", "swap_opened", {**plan, **extra}, 3)])
    feed.record(Role.ADMIN, [ev("employee:e9", "employee_registered", {"org": "halt", **extra})])
    key = next(iter(extra))
    for user in ("agent", "regie", "eng-c"):
        assert not feed.sees(user, "swap:S1", key), user
        assert not feed.sees(user, "employee:e9", key), user
    assert feed.data("agent", "swap:S1") == [plan]
    assert feed.sees("logistics", "swap:S1", key) and feed.sees("logistics", "employee:e9", key)
    assert feed.sees("eng-a", "swap:S1", key)  # the assignee of the swap's ticket


def test_the_engineer_of_an_active_swap_sees_its_address_until_it_closes(feed: Feed) -> None:
    opened = {"ticket": "T1", "mode": "onsite", "engineer": "eng-b", "home_address": HOME}
    feed.record(Role.LOGISTICS, [ev("swap:S1", "swap_opened", opened, 3)])
    # A later update without a `ticket` field still belongs to the swap's ticket.
    moved = {"home_address": "Kerkplein 2, Kampen"}
    feed.record(Role.LOGISTICS, [ev("swap:S1", "swap_updated", moved, 4)])
    for user in ("eng-a", "eng-b"):
        assert [d.get("home_address") for d in feed.data(user, "swap:S1")] == [
            HOME,
            "Kerkplein 2, Kampen",
        ], user
    assert not feed.sees("eng-c", "swap:S1") and not feed.sees("agent", "swap:S1")
    assert feed.sees("eng-a", "ticket:T1") and not feed.sees("eng-c", "ticket:T1")
    feed.record(Role.LOGISTICS, [ev("swap:S1", "swap_closed", {"outcome": "done"}, 5)])
    for user in ("eng-a", "eng-b"):
        assert not feed.sees(user, "swap:S1"), user
        assert not feed.sees(user, "ticket:T1"), user
    assert feed.sees("logistics", "swap:S1") and feed.sees("logistics", "ticket:T1")


def test_a_device_on_its_way_home_takes_the_rule_of_its_swap(feed: Feed) -> None:
    opened = {"ticket": "T1", "mode": "courier", "engineer": "eng-b", "home_address": HOME}
    feed.record(Role.LOGISTICS, [ev("swap:S1", "swap_opened", opened, 3)])
    shipped = {"swap": "S1", "carrier": "dhl", "tracking": "3S1", "deliver_to": HOME}
    device = {"org": "halt", "model": "X1", "depot": "depot-a"}
    feed.record(
        Role.LOGISTICS,
        [
            ev("device:LT-1", "device_registered", device, 3),
            ev("device:LT-1", "readiness_checked", dict.fromkeys(READINESS, True), 3),
            ev("device:LT-1", "device_reserved", {"swap": "S1", "ticket": "T1"}, 4),
            ev("device:LT-1", "device_shipped", shipped, 5),
        ],
    )
    assert feed.sees("eng-b", "device:LT-1", "deliver_to")
    assert not feed.sees("eng-c", "device:LT-1", "deliver_to")
    assert not feed.sees("agent", "device:LT-1", "deliver_to")


def test_logistics_of_another_organisation_sees_nothing_of_it(feed: Feed) -> None:
    anna = {"org": "halt", "home_address": HOME}
    feed.record(Role.ADMIN, [ev("employee:e2", "employee_registered", anna)])
    assert feed.data("desom-logistics", "employee:e2") == []
    assert feed.data("desom-logistics", "ticket:T1") == []


def test_each_page_with_personal_data_is_audited_with_its_streams(feed: Feed) -> None:
    anna = {"org": "halt", "home_address": HOME}
    feed.record(Role.ADMIN, [ev("employee:e3", "employee_registered", anna)])
    feed.data("logistics", "employee:e3")
    feed.data("agent", "employee:e3")
    admin = User(0, "auditor", Role.ADMIN)
    reads = [
        e
        for e in feed.central.audit_rows(admin, "local", 0, 5000)
        if e["action"] == "personal_data.read"
    ]
    by_actor = {e["actor"]: json.loads(e["detail"]) for e in reads}
    assert set(by_actor["logistics"]["streams"]) == {"ticket:T1", "employee:e3"}
    assert by_actor["logistics"]["org"] == "halt"
    # The agent got the employee record (the directory is personal data) but no address.
    assert by_actor["agent"]["streams"] == ["employee:e3"]
    assert all(e["org"] == "halt" for e in reads)
