"""Central checks change tickets itself (issue 23), over real HTTP on SQLite and PostgreSQL:
a change report needs a known change type, plans and implementations belong to a change
and come before its implementation; an incident is taken as before."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from halt_desk.central.service import Central
from tests.central_server import ThreadServer
from tests.integration.test_central_api import ROLES, Api, at, ev, report, setup_reference
from tests.integration.test_central_rules import _rejected


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    central = Central.open(db_url)
    tokens = {role: central.add_user(f"{role}-user", role) for role in ROLES}
    with ThreadServer(central) as server:
        yield Api(server, tokens)
    central.close()


def change(ticket: str, change_type: object) -> dict[str, object]:
    event = report(ticket)
    event["data"] = {**event["data"], "kind": "change", "change_type": change_type}
    return event


def test_a_change_and_its_plan_and_implementation_are_accepted(api: Api) -> None:
    setup_reference(api)
    results = api.post(
        "agent",
        [
            change("C1", "minor"),
            ev("ticket:C1", "change_planned", {"date": "2027-01-12"}, at(30)),
            ev("ticket:C1", "change_implemented", {}, at(60)),
        ],
    )
    assert [r["status"] for r in results] == ["accepted"] * 3, results
    again = ev("ticket:C1", "change_implemented", {}, at(90))
    assert "implemented already" in _rejected(api.post("agent", [again])[0])


def test_bad_changes_are_rejected_with_the_field(api: Api) -> None:
    setup_reference(api)
    assert "data.change_type" in _rejected(api.post("agent", [change("C2", "groot")])[0])
    assert api.post("agent", [report("T1")])[0]["status"] == "accepted"
    plan = ev("ticket:T1", "change_planned", {"date": "2027-01-12"}, at(30))
    assert "only for a change ticket" in _rejected(api.post("agent", [plan])[0])
    assert api.post("agent", [change("C3", "standard")])[0]["status"] == "accepted"
    undated = ev("ticket:C3", "change_planned", {"date": "morgen"}, at(30))
    assert "data.date" in _rejected(api.post("agent", [undated])[0])
