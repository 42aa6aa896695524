"""Central runs the contract rules it can check and the limits table itself (issue 17,
defects 3 and 4), over real HTTP on 127.0.0.1, on SQLite and on a real PostgreSQL; the
longest note a form takes, in emoji, goes from an offline desk through central."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from halt_desk.central.service import Central
from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.domain.limits import FIELD_LIMITS, MAX_EVENT_DATA_BYTES, MAX_REQUEST_BYTES
from tests.central_server import ThreadServer, bearer
from tests.integration.test_central_api import ROLES, Api, at, ev, report, setup_reference
from tests.sync_support import Desk, Laptop

CRITERIA = {"critical_role": True, "direct_impact": True, "cannot_work": True}
EMOJI = "\U0001f600"


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    central = Central.open(db_url)
    tokens = {role: central.add_user(f"{role}-user", role) for role in ROLES}
    with ThreadServer(central) as server:
        yield Api(server, tokens)
    central.close()


def _priority(api: Api, ticket: str = "T1") -> str:
    state = api.get("agent", f"/tickets/{ticket}").json()
    priority: str = state["priority"]
    return priority


def _rejected(result: dict[str, Any]) -> str:
    assert result["status"] == "rejected", result
    reason: str = result["reason"]
    return reason


# --- defect 3: the uplift decision and the priority matrix ------------------------------------
def test_a_grant_the_uplift_rules_refuse_is_rejected_and_the_ticket_stays_p3(api: Api) -> None:
    setup_reference(api)
    api.post("agent", [report("T1")])
    attack = ev(
        "ticket:T1",
        "uplift_decided",
        {"granted": True, "criteria": CRITERIA | {"direct_impact": False}, "motivation": ""},
        at(10),
    )
    reason = _rejected(api.post("agent", [attack])[0])
    assert "data.granted: the uplift rules refuse it" in reason
    assert "no direct impact" in reason and "written motivation" in reason
    assert _priority(api) == "P3"


def test_a_grant_that_meets_the_rules_makes_the_ticket_p1(api: Api) -> None:
    setup_reference(api)
    api.post("agent", [report("T1")])
    grant = {
        "granted": True,
        "criteria": CRITERIA,
        "role_type": "court_session",
        "motivation": "Zitting om 14:00; laptop start niet.",
    }
    (result,) = api.post("agent", [ev("ticket:T1", "uplift_decided", grant, at(10))])
    assert result["status"] == "accepted"
    assert _priority(api) == "P1"


def test_a_report_whose_priority_contradicts_its_impact_and_urgency_is_rejected(
    api: Api,
) -> None:
    setup_reference(api)
    contradicting = report("T1", priority="P1")
    contradicting["data"]["intake"] = {"impact": "one", "urgency": "workaround"}
    matching = report("T2", priority="P4")
    matching["data"]["intake"] = {"impact": "one", "urgency": "workaround"}
    results = api.post("agent", [contradicting, matching])
    assert "data.priority: 'P1' contradicts" in _rejected(results[0])
    assert results[1]["status"] == "accepted"
    change = ev(
        "ticket:T2",
        "priority_changed",
        {"priority": "P1", "impact": "one", "urgency": "workaround"},
        at(5),
    )
    assert "give P4" in _rejected(api.post("agent", [change])[0])
    override = ev("ticket:T2", "priority_changed", {"priority": "P1", "reason": "VIP"}, at(6))
    assert api.post("agent", [override])[0]["status"] == "accepted"


# --- defect 4: limits ------------------------------------------------------------------------
def test_a_note_over_its_limit_is_rejected_naming_field_and_limit(api: Api) -> None:
    setup_reference(api)
    api.post("agent", [report("T1")])
    limit = FIELD_LIMITS["text"].chars
    longest = ev("ticket:T1", "comment", {"text": "a" * limit}, at(5))
    too_long = ev("ticket:T1", "comment", {"text": "a" * (limit + 1)}, at(6))
    results = api.post("agent", [too_long, longest])
    assert _rejected(results[0]).endswith(
        f"data.text: too long: {limit + 1} characters, at most {limit}"
    )
    assert results[1]["status"] == "accepted"


def test_event_data_over_its_limit_as_stored_is_rejected(api: Api) -> None:
    setup_reference(api)
    api.post("agent", [report("T1")])
    # 60,000 characters of 3 bytes each: within the field-less data, over 128 KiB stored.
    big = ev("ticket:T1", "comment", {"text": "ok", "extra": "€" * 60_000}, at(5))
    assert f"at most {MAX_EVENT_DATA_BYTES}" in _rejected(api.post("agent", [big])[0])
    nothing = api.get("agent", "/changes", since=0).json()["events"]
    assert all(event["id"] != big["id"] for event in nothing)


def _raw_post(api: Api, head: str, body: bytes = b"") -> tuple[int, bytes]:
    """Sends a request as written, then reads the answer's status and body."""
    with socket.create_connection(("127.0.0.1", api.server.port), timeout=60) as sock:
        sock.sendall(head.encode("latin-1") + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def test_a_body_declared_over_8_mib_is_answered_413_without_reading_it(api: Api) -> None:
    head = (
        "POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {api.tokens['agent']}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {100 * 1024 * 1024}\r\nConnection: close\r\n\r\n"
    )
    status, body = _raw_post(api, head)
    assert status == 413
    assert b"larger than 8388608 bytes" in body


def test_a_streamed_body_over_8_mib_is_counted_and_answered_413(api: Api) -> None:
    setup_reference(api)

    def chunks() -> Iterator[bytes]:
        yield b'{"events": [{"text": "'
        for _ in range(MAX_REQUEST_BYTES // 65536):
            yield b"a" * 65536
        yield b'"}]}'

    response = requests.post(
        f"{api.url}/events",
        data=chunks(),  # no Content-Length: sent chunked
        headers=bearer(api.tokens["agent"]) | {"Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert api.get("agent", "/changes", since=2).json()["events"] == []


# --- the longest note a form takes, in emoji, from an offline desk ------------------------------
def test_the_longest_note_in_emoji_recorded_offline_syncs_and_is_accepted(
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
            longest = EMOJI * FIELD_LIMITS["text"].chars
            request = ActionRequest(Action.COMMENT, text=longest)
            (note,) = record_action(laptop.store, ticket, request, "agent-a", now)
            assert laptop.store.outbox_size() == 2
            summary = laptop.engine.sync_once()
            assert (summary.error, laptop.store.outbox_size()) == (None, 0)
            assert (summary.rejected, summary.pushed) == (0, 2)
            stored = dict(desk.events())
            (central_note,) = [e for e in stored.values() if e.id == note.id]
            assert central_note.data["text"] == longest
            laptop.close()
    finally:
        desk.central.close()
