"""The escalation register at the central (issue 23) over real HTTP on 127.0.0.1, on SQLite
and on a real PostgreSQL: who writes it (regie of the organisation through its named rule,
the provider's service manager), the same rules again at the central, who reads it, and a
register recorded offline on a laptop that reaches the agents through sync."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from halt_desk.central.service import Central
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.escalations import Status, fold_escalation
from tests.central_server import ThreadServer, bearer
from tests.sync_support import Desk, Laptop, wire

T0 = datetime(2027, 5, 3, 9, 0, tzinfo=UTC)
#: name → (role, organisations); none: a user of the provider
USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "admin": ("admin", ()),
    "agent": ("agent", ()),
    "halt-regie": ("regie", ("halt",)),
    "desom-regie": ("regie", ("desom",)),
    "halt-agent": ("agent", ("halt",)),
    "desom-agent": ("agent", ("desom",)),
}


def registered(org: str, **changes: Any) -> dict[str, Any]:
    return {
        "org": org,
        "supplier": "MSP",
        "description": "VPN valt herhaaldelijk uit",
        "classification": "beyond_operational",
        "level": "N2",
        "tickets": [],
        "breaches": [],
        **changes,
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


class World:
    def __init__(self, desk: Desk, server: ThreadServer) -> None:
        self.desk = desk
        self.server = server
        self.url = server.url + "/api/v1"
        self.session = requests.Session()

    def post(self, user: str, *events: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.session.post(
            f"{self.url}/events",
            json={"events": list(events)},
            headers=bearer(self.desk.tokens[user]),
            timeout=30,
        )
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def streams_seen(self, user: str) -> set[str]:
        response = self.session.get(
            f"{self.url}/changes",
            params={"since": 0, "limit": 5000},
            headers=bearer(self.desk.tokens[user]),
            timeout=30,
        )
        return {e["stream"] for e in response.json()["events"]}


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    central = Central.open(db_url)
    desk = Desk(central)
    for name, (role, orgs) in USERS.items():
        desk.tokens[name] = central.add_user(name, role, orgs)
    desk.seed(
        "admin",
        [
            wire("org:halt", "organisation_registered", {"name": "Halt", "profile": "halt"}),
            wire("org:desom", "organisation_registered", {"name": "DeSom", "profile": "desom"}),
        ],
    )
    with ThreadServer(central) as server:
        yield World(desk, server)
    central.close()


def statuses(results: list[dict[str, Any]]) -> list[str]:
    return [r["status"] for r in results]


def test_regie_and_the_service_manager_write_the_register_of_their_organisation(
    world: World,
) -> None:
    halt, desom = "escalation:E-HALT", "escalation:E-DESOM"
    assert statuses(
        world.post("halt-regie", ev(halt, "escalation_registered", registered("halt")))
    ) == ["accepted"]
    desom_registered = ev(desom, "escalation_registered", registered("desom"))
    assert statuses(world.post("desom-regie", desom_registered)) == ["accepted"]
    # regie of another organisation: neither a new escalation nor an event on one
    other = world.post(
        "halt-regie", ev("escalation:E-X", "escalation_registered", registered("desom"))
    )
    assert other[0]["status"] == "rejected" and "organisation desom" in other[0]["reason"]
    other = world.post("halt-regie", ev(desom, "escalation_update", {"text": "x"}, 5))
    assert other[0]["status"] == "rejected" and "organisation desom" in other[0]["reason"]
    # agents read, never write
    for agent in ("halt-agent", "agent"):
        refused = world.post(agent, ev(halt, "escalation_update", {"text": "x"}, 5))
        assert refused[0]["status"] == "rejected" and "may not record" in refused[0]["reason"]
    # the provider's service manager (admin) keeps it too
    raised = ev(halt, "escalation_level_changed", {"level": "N3", "reason": "contractbreuk"}, 10)
    assert statuses(world.post("admin", raised)) == ["accepted"]
    # agents read the register of their own organisation, regie theirs
    assert halt in world.streams_seen("halt-agent") and desom not in world.streams_seen(
        "halt-agent"
    )
    assert desom in world.streams_seen("desom-agent") and halt not in world.streams_seen(
        "desom-agent"
    )
    assert world.streams_seen("desom-regie") >= {desom} and halt not in world.streams_seen(
        "desom-regie"
    )
    assert {halt, desom} <= world.streams_seen("agent")


def test_the_central_checks_the_register_again(world: World) -> None:
    stream = "escalation:E-1"
    cases = [
        (ev(stream, "escalation_update", {"text": "x"}), "does not exist"),
        (ev(stream, "escalation_registered", registered("halt", level="N1")), "level N2 at least"),
        (ev(stream, "escalation_registered", registered("nowhere")), "organisation 'nowhere'"),
        (ev(stream, "escalation_registered", registered("halt", supplier="")), "supplier"),
    ]
    for event, reason in cases:
        result = world.post("halt-regie", event)[0]
        assert result["status"] == "rejected" and reason in result["reason"], (reason, result)
    closing = {"quality": 7, "speed": 6, "cooperation": 8, "lessons": "eerder opschalen"}
    results = world.post(
        "halt-regie",
        ev(stream, "escalation_registered", registered("halt")),
        ev(stream, "escalation_meeting_held", {"notes": "herstelplan"}, 60),
        ev(stream, "escalation_closed", closing, 120),
        ev(stream, "escalation_update", {"text": "te laat"}, 180),
    )
    assert statuses(results) == ["accepted", "accepted", "accepted", "rejected"]
    assert "closed or dismissed" in str(results[3]["reason"])


def test_a_register_recorded_offline_reaches_the_agents_through_sync(
    world: World, tmp_path: Path
) -> None:
    def laptop(user: str) -> Laptop:
        token = world.desk.tokens[user]
        return Laptop(tmp_path / f"{user}.sqlite3", world.server.url, token, user)

    regie, agent = laptop("halt-regie"), laptop("halt-agent")
    try:
        regie.engine.sync_once()  # the organisations reach the cache
        stream = "escalation:E-SYNC"
        regie.record(stream, "escalation_registered", registered("halt"))
        with pytest.raises(DeskInputError):  # the desk refuses what central would refuse
            regie.record(stream, "escalation_level_changed", {"level": "N1", "reason": "x"})
        regie.record(stream, "escalation_informed", {"who": "information_manager"})
        assert regie.engine.sync_once().rejected == 0
        agent.engine.sync_once()
        state = fold_escalation(agent.store.events_for(stream))
        assert state is not None and state.status == Status.OPEN
        assert set(state.informed) == {"information_manager"}
        assert agent.store.streams_of_kind("escalation") == [stream]
    finally:
        regie.close()
        agent.close()
