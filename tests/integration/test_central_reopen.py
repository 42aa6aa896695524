"""Reopen and the actions with content at a real central on 127.0.0.1 (SQLite and
PostgreSQL): `reopened` is accepted after `resolved` and the clocks run again, refused on an
open or closed ticket; a note is still taken after closing; and the longest content each
desk dialog accepts, in emoji, is accepted by central."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from halt_desk.central.service import Central
from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.domain.limits import FIELD_LIMITS
from tests.central_server import ThreadServer
from tests.integration.test_central_api import ROLES, Api, at, ev, report, setup_reference
from tests.sync_support import Desk, Laptop

EMOJI = "\U0001f600"


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    central = Central.open(db_url)
    tokens = {role: central.add_user(f"{role}-user", role) for role in ROLES}
    with ThreadServer(central) as server:
        yield Api(server, tokens)
    central.close()


def _post(api: Api, kind: str, minutes: int, data: dict[str, Any] | None = None) -> dict[str, Any]:
    (result,) = api.post("agent", [ev("ticket:T1", kind, data, at(minutes))])
    return result


def test_a_reopen_after_the_resolve_is_accepted_and_the_resolution_clock_runs(api: Api) -> None:
    setup_reference(api)
    api.post("agent", [report("T1")])
    assert _post(api, "resolved", 60, {"resolution": "Kabel vervangen"})["status"] == "accepted"
    resolved = api.get("agent", "/tickets/T1").json()
    assert resolved["status"] == "resolved"
    assert _post(api, "reopened", 120, {"reason": "Weer stuk"})["status"] == "accepted"
    state = api.get("agent", "/tickets/T1").json()
    assert state["status"] == "open"
    assert state["clocks"]["resolution"]["state"] == "running"
    # P3 (32 h) from Tue 10:00 Amsterdam: Tue 7, Wed 9, Thu 9, Fri 7 → Fri 15:00; resolved
    # 11:00 – reopened 12:00 moves it one business hour, to Fri 16:00
    assert state["clocks"]["resolution"]["due"] == "2027-01-08T16:00:00+01:00"


def test_a_reopen_of_a_ticket_that_is_not_resolved_is_rejected(api: Api) -> None:
    setup_reference(api)
    api.post("agent", [report("T1")])
    result = _post(api, "reopened", 30, {"reason": "Weer stuk"})
    assert result["status"] == "rejected"
    assert "events[0].type: reopened: the ticket is not resolved" in result["reason"]


def test_a_reopen_of_a_closed_ticket_is_rejected_and_a_note_is_still_taken(api: Api) -> None:
    setup_reference(api)
    api.post("agent", [report("T1")])
    assert _post(api, "resolved", 60, {"resolution": "Kabel vervangen"})["status"] == "accepted"
    assert _post(api, "closed", 70)["status"] == "accepted"
    refused = _post(api, "reopened", 80, {"reason": "Weer stuk"})
    assert refused["status"] == "rejected" and "ticket T1 is closed" in refused["reason"]
    update = _post(api, "status_update", 85, {"text": "x", "channel": "phone"})
    assert update["status"] == "rejected"
    note = _post(api, "comment", 90, {"text": "Melder belde om te bedanken"})
    assert note["status"] == "accepted"


def test_the_longest_content_of_every_dialog_recorded_at_the_desk_is_accepted(
    tmp_path: Path, db_url: str
) -> None:
    desk = Desk.create(db_url)
    try:
        with ThreadServer(desk.central) as server:
            laptop = Laptop(
                tmp_path / "desk.sqlite3", server.url, desk.tokens["agent-a"], "agent-a"
            )
            assert laptop.engine.sync_once().error is None  # the reference data
            now = laptop.clock.now()
            intake = Intake("e1", "Laptop start niet", "phone", "werkplek", "one", "stopped")
            ticket = record_intake(laptop.store, intake, "agent-a", now)

            def longest(key: str) -> str:
                return EMOJI * FIELD_LIMITS[key].chars

            steps = [
                ActionRequest(Action.FIRST_RESPONSE, channel="phone"),
                ActionRequest(Action.STATUS_UPDATE, channel="portal", text=longest("text")),
                ActionRequest(Action.RESOLVED, text=longest("resolution")),
                ActionRequest(Action.REOPENED, text=longest("reason")),
                ActionRequest(Action.RESOLVED, text="Nieuwe kabel"),
                ActionRequest(Action.CLOSED, score=9),
                ActionRequest(Action.COMMENT, text=longest("text")),
            ]
            for n, request in enumerate(steps):
                record_action(laptop.store, ticket, request, "agent-a", now + timedelta(seconds=n))
            summary = laptop.engine.sync_once()
            assert (summary.error, summary.rejected, laptop.store.outbox_size()) == (None, 0, 0)
            stored = [e for _, e in desk.events() if e.stream == f"ticket:{ticket}"]
            kinds = [e.type for e in stored]
            assert kinds[-3:] == ["csat_recorded", "closed", "comment"]
            (reopen,) = [e for e in stored if e.type == "reopened"]
            assert reopen.data["reason"] == longest("reason")
            first_resolve = next(e for e in stored if e.type == "resolved")
            assert first_resolve.data["resolution"] == longest("resolution")
            laptop.close()
    finally:
        desk.central.close()
