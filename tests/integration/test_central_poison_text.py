"""Text PostgreSQL cannot store or JSON cannot carry: refused per event with a reason.

A NUL character is valid JSON (`\\u0000`) but PostgreSQL's text columns cannot hold it,
and a lone surrogate (`\\ud800`) is valid JSON that no UTF-8 text can hold: accepted, such
an event would fail the group commit with a server error, or be stored and then break the
changes feed for every client. The same is refused on SQLite, so both backends agree.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from halt_desk.central.service import Central
from tests.central_server import ThreadServer, bearer


@pytest.fixture
def api(db_url: str) -> Iterator[tuple[str, dict[str, str], dict[str, str]]]:
    central = Central.open(db_url)
    admin = bearer(central.add_user("admin-user", "admin"))
    agent = bearer(central.add_user("agent-user", "agent"))
    with ThreadServer(central) as server:
        url = server.url + "/api/v1"
        org = event("org:halt", "organisation_registered", {"name": "Halt", "profile": "halt"})
        assert push(url, admin, [org])[0]["status"] == "accepted"
        yield url, admin, agent
    central.close()


def event(stream: str, kind: str, data: dict[str, Any], actor: str = "tester") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": "2027-01-05T10:00:00+00:00",
        "actor": actor,
        "data": data,
    }


def report(ticket: str, summary: str = "Laptop", actor: str = "tester") -> dict[str, Any]:
    data = {"org": "halt", "caller": "e1", "summary": summary, "priority": "P3"}
    return event(f"ticket:{ticket}", "ticket_reported", data, actor)


def push(url: str, token: dict[str, str], events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Written by hand: requests' own JSON encoder would refuse a lone surrogate.
    body = '{"events": [' + ", ".join(_json(e) for e in events) + "]}"
    response = requests.post(
        f"{url}/events",
        data=body.encode("ascii"),
        headers={**token, "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=True)  # escapes NUL and surrogates as \\uXXXX


@pytest.mark.parametrize(
    ("poisoned", "field"),
    [
        (report("N1", actor="agent\x00"), "actor"),
        (report("N\x002"), "stream"),
        (report("S1", actor="agent\ud800"), "actor"),
        (report("S\udfff2"), "stream"),
        (report("S3", summary="kapot \ud83d"), "data"),
    ],
    ids=["nul-actor", "nul-stream", "surrogate-actor", "surrogate-stream", "surrogate-data"],
)
def test_text_that_cannot_be_stored_is_rejected_and_blocks_nothing(
    api: tuple[str, dict[str, str], dict[str, str]], poisoned: dict[str, Any], field: str
) -> None:
    url, _, agent = api
    fine = report("OK1")
    results = push(url, agent, [poisoned, fine])
    assert results[0]["status"] == "rejected", results
    assert field in results[0]["reason"]
    assert results[1]["status"] == "accepted"
    feed = requests.get(f"{url}/changes", headers=agent, timeout=30)
    assert feed.status_code == 200, feed.text
    assert [e["stream"] for e in feed.json()["events"]] == ["org:halt", "ticket:OK1"]


def test_a_nul_inside_data_is_kept_as_sent(
    api: tuple[str, dict[str, str], dict[str, str]],
) -> None:
    """Inside `data` a NUL is stored escaped, so it travels unchanged."""
    url, _, agent = api
    results = push(url, agent, [report("D1", summary="a\x00b")])
    assert results[0]["status"] == "accepted", results
    feed = requests.get(f"{url}/changes", headers=agent, timeout=30).json()["events"]
    assert feed[-1]["data"]["summary"] == "a\x00b"
