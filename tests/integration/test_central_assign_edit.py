"""Assignment and edits after intake against a real central on 127.0.0.1 (SQLite and
PostgreSQL): `ticket_updated` accepted, or refused with a reason naming the field; users
bound to an organisation; and a ticket assigned on one desk to a field engineer, who then
records on it from their own laptop (central's rule: only on tickets assigned to them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from halt_desk.central.service import Central
from halt_desk.central.staff import record_staff, staff_data
from halt_desk.desk.assign import record_assignment
from halt_desk.desk.edit import TicketEdit, record_edit
from halt_desk.desk.intake import Intake, record_intake
from tests.central_server import ThreadServer
from tests.integration.test_central_api import ROLES, Api, at, ev, report, setup_reference
from tests.sync_support import Desk, Laptop, wire

ENGINEER = "field:pieter.degroot"


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    central = Central.open(db_url)
    tokens = {role: central.add_user(f"{role}-user", role) for role in ROLES}
    tokens["desom-agent"] = central.add_user("desom-agent", "agent", ["desom"])
    tokens["halt-agent"] = central.add_user("halt-agent", "agent", ["halt"])
    with ThreadServer(central) as server:
        yield Api(server, tokens)
    central.close()


def _reference(api: Api) -> None:
    setup_reference(api)
    more = [
        ev("employee:e2", "employee_registered", {"org": "halt", "name": "Bram Jansen"}),
        ev("org:desom", "organisation_registered", {"name": "SSC DeSom", "profile": "desom"}),
        ev("employee:d1", "employee_registered", {"org": "desom", "name": "Dirk Dijkstra"}),
    ]
    assert {r["status"] for r in api.post("admin", more)} == {"accepted"}
    assert api.post("agent", [report("T1")])[0]["status"] == "accepted"


def _update(changes: dict[str, Any], minutes: int = 10, **more: Any) -> dict[str, Any]:
    return ev("ticket:T1", "ticket_updated", {"changes": changes, "reason": "Belde terug", **more},
              at(minutes))  # fmt: skip


def test_an_update_is_accepted_and_shows_in_the_feed_with_old_values(api: Api) -> None:
    _reference(api)
    update = _update(
        {"summary": "Laptop start niet, accu leeg", "caller": "e2", "category": "werkplek"},
        previous={"summary": "Laptop start niet", "caller": "e1", "category": None},
    )
    (result,) = api.post("agent", [update])
    assert result["status"] == "accepted", result
    feed = api.get("agent", "/changes", since=0).json()["events"]
    (stored,) = [e for e in feed if e["type"] == "ticket_updated"]
    assert stored["data"]["changes"]["caller"] == "e2"
    assert stored["data"]["previous"]["summary"] == "Laptop start niet"


@pytest.mark.parametrize(
    ("changes", "more", "field", "words"),
    [
        ({"priority": "P1"}, {}, "data.changes.priority", "cannot be changed"),
        ({"impact": "everything"}, {}, "data.changes.impact", "unknown impact"),
        ({"category": "koffie"}, {}, "data.changes.category", "is not a category"),
        ({"caller": "d1"}, {}, "data.changes.caller", "does not work for organisation halt"),
        ({"caller": "nobody"}, {}, "data.changes.caller", "unknown employee"),
        ({"summary": "x" * 201}, {}, "data.changes.summary", "at most 200"),
        ({"summary": "Nieuw"}, {"reason": " "}, "data.reason", "needs a reason"),
        ({}, {}, "data.changes", "at least one"),
    ],
)
def test_a_bad_update_is_refused_naming_the_field(
    api: Api, changes: dict[str, Any], more: dict[str, Any], field: str, words: str
) -> None:
    _reference(api)
    (result,) = api.post("agent", [_update(changes, **more)])
    assert result["status"] == "rejected"
    assert field in result["reason"] and words in result["reason"], result["reason"]


def test_users_bound_to_another_organisation_may_not_edit_or_assign(api: Api) -> None:
    _reference(api)
    refused = api.post("desom-agent", [_update({"category": "m365"})])[0]
    assert refused["status"] == "rejected" and "works for desom" in refused["reason"]
    assign = ev("ticket:T1", "assigned", {"to": "field-user"}, at(11))
    assert api.post("desom-agent", [assign])[0]["status"] == "rejected"
    assert api.post("halt-agent", [_update({"category": "m365"}, 12)])[0]["status"] == "accepted"


def test_a_field_engineer_edits_only_tickets_assigned_to_them(api: Api) -> None:
    _reference(api)
    assert api.post("field", [_update({"category": "m365"})])[0]["status"] == "rejected"
    api.post("agent", [ev("ticket:T1", "assigned", {"to": "field-user"}, at(11))])
    assert api.post("field", [_update({"category": "m365"}, 12)])[0]["status"] == "accepted"


def test_assigned_on_a_desk_the_field_engineer_records_on_it_end_to_end(
    tmp_path: Path, db_url: str
) -> None:
    desk = Desk.create(db_url)
    try:
        token = desk.central.add_user(ENGINEER, "field")
        record_staff(desk.central, ENGINEER, staff_data("Pieter de Groot", "field", None))
        desk.seed("admin", [wire("employee:e2", "employee_registered",
                                 {"org": "halt", "name": "Bram"})])  # fmt: skip
        with ThreadServer(desk.central) as server:
            url, agent_token = server.url, desk.tokens["agent-a"]
            agent = Laptop(tmp_path / "agent.sqlite3", url, agent_token, "agent-a")
            engineer = Laptop(tmp_path / "field.sqlite3", server.url, token, ENGINEER)
            assert agent.engine.sync_once().error is None  # reference data and the staff
            now = agent.clock.now()
            intake = Intake("e1", "Beamer kapot", "phone", "werkplek", "one", "degraded")
            mine = record_intake(agent.store, intake, "agent-a", now)
            other = record_intake(agent.store, intake, "agent-a", now)
            record_assignment(agent.store, mine, ENGINEER, "agent-a", now)
            edit = TicketEdit({"caller": "e2", "impact": "several"}, "Hele afdeling")
            events = record_edit(agent.store, mine, edit, "agent-a", now)
            assert [e.type for e in events] == ["ticket_updated", "priority_changed"]
            summary = agent.engine.sync_once()
            assert (summary.error, summary.rejected, summary.pushed) == (None, 0, 5)
            assert engineer.engine.sync_once().error is None
            view = engineer.store.ticket(mine)
            assert view is not None
            assert (view.assignee, view.caller, view.priority) == (ENGINEER, "e2", "P2")
            engineer.record(f"ticket:{mine}", "onsite_arrival")
            engineer.record(f"ticket:{other}", "onsite_arrival")
            summary = engineer.engine.sync_once()
            assert (summary.pushed, summary.rejected) == (1, 1)
            (refused,) = engineer.store.rejected_events()
            assert refused.event.stream == f"ticket:{other}"
            assert "assigned to field:pieter.degroot" in refused.reason
            agent.close()
            engineer.close()
    finally:
        desk.central.close()
