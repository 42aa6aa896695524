"""Hostile but valid JSON the fuzzing of the central found: refused per event with a reason
on SQLite and PostgreSQL alike, never a server error, and never blocking the other events.

Each case was a 500 or garbage accepted before: text longer than PostgreSQL's columns (the
whole group commit failed), instants beyond what the columns or the calendar hold, values
of the wrong type where a projection stores them, NaN and infinities that Python's JSON
reader takes but no JSON answer may carry, data so deep the changes feed could no longer
be encoded, a lone surrogate in an id echoed into the answer, and report fields the
service-level report refuses.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from halt_desk.central.service import Central
from halt_desk.domain.events import MAX_DATA_DEPTH
from tests.central_server import ThreadServer, bearer

NOW = datetime.now(UTC).replace(microsecond=0)
REPORT = {"org": "halt", "caller": "e1", "summary": "Laptop", "priority": "P3"}
DEVICE = {"org": "halt", "depot": "d1", "model": "m", "serial": "s", "type": "laptop"}
ALL_PASS = {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True}


class Api:
    def __init__(self, url: str, tokens: dict[str, dict[str, str]]) -> None:
        self.url = url
        self.tokens = tokens

    def push_text(self, role: str, body: str) -> list[dict[str, Any]]:
        response = requests.post(
            f"{self.url}/events",
            data=body.encode("ascii"),
            headers={**self.tokens[role], "Content-Type": "application/json"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def push(self, role: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Escaped by hand: requests' own encoder refuses lone surrogates and NaN.
        return self.push_text(role, json.dumps({"events": events}, ensure_ascii=True))

    def feed(self) -> list[dict[str, Any]]:
        response = requests.get(
            f"{self.url}/changes",
            params={"limit": 5000},
            headers=self.tokens["logistics"],
            timeout=30,
        )
        assert response.status_code == 200, response.text
        events: list[dict[str, Any]] = response.json()["events"]
        return events


def event(
    stream: str,
    kind: str,
    data: dict[str, Any],
    *,
    at: str | None = None,
    actor: str = "tester",
    event_id: str | None = None,
) -> dict[str, Any]:
    return {
        "id": event_id or str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": at or (NOW - timedelta(minutes=30)).isoformat(),
        "actor": actor,
        "data": data,
    }


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    central = Central.open(db_url)
    roles = ("admin", "agent", "logistics")
    tokens = {role: bearer(central.add_user(f"{role}-user", role)) for role in roles}
    with ThreadServer(central) as server:
        api = Api(server.url + "/api/v1", tokens)
        earlier = (NOW - timedelta(hours=1)).isoformat()
        seeds = {
            "admin": [
                event("org:halt", "organisation_registered", {"name": "Halt", "profile": "halt"}),
                event("employee:e1", "employee_registered", {"org": "halt", "name": "Anna"}),
            ],
            "agent": [event("ticket:T1", "ticket_reported", REPORT, at=earlier)],
            "logistics": [
                event("device:LT1", "device_registered", DEVICE, at=earlier),
                event("device:LT1", "readiness_checked", ALL_PASS, at=earlier),
            ],
        }
        for role, batch in seeds.items():
            assert {r["status"] for r in api.push(role, batch)} == {"accepted"}
        yield api
    central.close()


def _nested(depth: int) -> dict[str, Any]:
    """`data` nested `depth` objects deep, itself included."""
    data: dict[str, Any] = {}
    for _ in range(depth - 1):
        data = {"a": data}
    return data


CASES: dict[str, tuple[str, dict[str, Any], str]] = {
    # role, event, the field the reason must name
    "stream-300": ("agent", event("ticket:" + "x" * 293, "ticket_reported", REPORT), "stream"),
    "ticket-id-101": ("agent", event("ticket:" + "x" * 101, "ticket_reported", REPORT), "stream"),
    "device-id-101": (
        "logistics",
        event("device:" + "x" * 101, "device_registered", DEVICE),
        "stream",
    ),
    "org-id-101": (
        "admin",
        event("org:" + "x" * 101, "organisation_registered", {"name": "n", "profile": "halt"}),
        "stream",
    ),
    "profile-name-51": (
        "admin",
        event("profile:" + "x" * 51, "profile_registered", {"toml": 'name = "x"'}),
        "stream",
    ),
    "actor-201": ("agent", event("ticket:A1", "ticket_reported", REPORT, actor="a" * 201), "actor"),
    "actor-10k": (
        "agent",
        event("ticket:A2", "ticket_reported", REPORT, actor="é" * 10_000),
        "actor",
    ),
    "id-urn": (
        "agent",
        event("ticket:U1", "ticket_reported", REPORT, event_id=uuid.uuid4().urn),
        "id",
    ),
    "at-2150": (
        "logistics",
        event("device:D1", "device_registered", DEVICE, at="2150-01-01T00:00:00+00:00"),
        "at",
    ),
    "at-9999": (
        "logistics",
        event("device:D2", "device_registered", DEVICE, at="9999-12-31T23:30:00+00:00"),
        "at",
    ),
    "at-year-1": (
        "logistics",
        event("device:D3", "device_registered", DEVICE, at="0001-01-01T00:00:00+23:59"),
        "at",
    ),
    "at-offset-seconds": (
        "logistics",
        event("device:D4", "device_registered", DEVICE, at="2026-01-05T10:00:00.5+01:00:30.5"),
        "at",
    ),
    "org-name-list": (
        "admin",
        event("org:o1", "organisation_registered", {"name": [1], "profile": "halt"}),
        "data.name",
    ),
    "org-name-201": (
        "admin",
        event("org:o2", "organisation_registered", {"name": "n" * 201, "profile": "halt"}),
        "data.name",
    ),
    "assigned-to-object": ("agent", event("ticket:T1", "assigned", {"to": {"a": 1}}), "data.to"),
    "assigned-to-201": ("agent", event("ticket:T1", "assigned", {"to": "f" * 201}), "data.to"),
    "swap-101": (
        "logistics",
        event("device:LT1", "device_reserved", {"swap": "s" * 101, "ticket": "T1"}),
        "data.swap",
    ),
    "data-too-deep": (
        "admin",
        event("employee:e2", "employee_registered", {"org": "halt", "x": _nested(MAX_DATA_DEPTH)}),
        "data",
    ),
    "data-nan": ("admin", event("employee:e3", "employee_registered", {"v": float("nan")}), "data"),
    "data-infinity": (
        "admin",
        event("employee:e4", "employee_registered", {"v": float("inf")}),
        "data",
    ),
    "csat-11": ("agent", event("ticket:T1", "csat_recorded", {"score": 11}), "data.score"),
    "csat-text": ("agent", event("ticket:T1", "csat_recorded", {"score": "8"}), "data.score"),
    "comment-clock": (
        "agent",
        event("ticket:T1", "comment", {"text": "x", "clock": "coffee"}),
        "data.clock",
    ),
}


@pytest.mark.parametrize(("role", "bad", "field"), CASES.values(), ids=CASES.keys())
def test_an_event_the_central_cannot_hold_is_rejected_and_blocks_nothing(
    api: Api, role: str, bad: dict[str, Any], field: str
) -> None:
    fine = event("ticket:OK1", "ticket_reported", REPORT)
    if role == "agent":
        bad_result, fine_result = api.push(role, [bad, fine])
    else:  # the fine event follows in a push of its own
        bad_result, fine_result = api.push(role, [bad])[0], api.push("agent", [fine])[0]
    assert bad_result["status"] == "rejected", bad_result
    if field == "at":
        assert bad_result["reason"].startswith(("dates ", f"event {bad['id']}: at: "))
    else:
        assert f": {field}: " in bad_result["reason"], bad_result
    assert fine_result["status"] == "accepted", fine_result
    feed = api.feed()
    assert bad["id"] not in {e["id"] for e in feed}
    assert feed[-1]["id"] == fine["id"]


def test_data_at_the_depth_limit_is_kept(api: Api) -> None:
    deep = event("employee:e5", "employee_registered", {"x": _nested(MAX_DATA_DEPTH - 1)})
    assert api.push("admin", [deep])[0]["status"] == "accepted"
    assert api.feed()[-1]["data"] == deep["data"]


def test_numbers_beyond_64_bits_in_data_travel_unchanged(api: Api) -> None:
    """The push fast path leaves a body with such a number to the route (orjson would read
    it as a float); stored as text, it comes back exactly as sent."""
    big = event("employee:e6", "employee_registered", {"n": 2**70, "m": -(10**30)})
    assert api.push("admin", [big])[0]["status"] == "accepted"
    assert api.feed()[-1]["data"] == {"n": 2**70, "m": -(10**30)}


def test_a_lone_surrogate_in_an_id_is_answered_escaped(api: Api) -> None:
    """Such an id is no UUID: refused, and since no JSON answer can carry the surrogate,
    the result's id is null and its reason shows it escaped (a 500 before)."""
    results = api.push_text("agent", '{"events": [{"id": "x\\ud800"}]}')
    assert results == [
        {
            "id": None,
            "status": "rejected",
            "seq": None,
            "reason": "event x\\ud800: id: 'x\\ud800' is not a UUID",
        }
    ]


def test_a_ticket_id_with_a_nul_is_unknown(api: Api) -> None:
    """PostgreSQL cannot compare text with a NUL (a 500 there before); no ticket has one."""
    response = requests.get(f"{api.url}/tickets/T1%00", headers=api.tokens["agent"], timeout=30)
    assert response.status_code == 404, response.text
    assert response.json()["detail"] == "unknown ticket 'T1\\x00'"
