"""POST /api/v1/events is answered by a fast path for the everyday push and by the
FastAPI route for everything else: both must give the very same answers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests

from halt_desk.central.service import Central
from tests.central_server import ThreadServer


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[ThreadServer, str]]:
    central = Central.open(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    token = central.add_user("admin-user", "admin")
    with ThreadServer(central) as running:
        yield running, token
    central.close()


def org_event(name: str = "Halt") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": "org:halt",
        "type": "organisation_registered",
        "at": datetime(2027, 1, 5, 9, 0, tzinfo=UTC).isoformat(),
        "actor": "tester",
        "data": {"name": name, "profile": "halt"},
    }


def push(url: str, token: str, body: bytes, content_type: str) -> requests.Response:
    return requests.post(
        f"{url}/api/v1/events",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        timeout=30,
    )


def test_fast_path_and_route_answer_a_push_alike(server: tuple[ThreadServer, str]) -> None:
    running, token = server
    event = org_event()
    body = orjson.dumps({"events": [event, {**event, "data": {}}, {"id": 5}]})
    first = push(running.url, token, body, "application/json")  # token not cached: route
    fast = push(running.url, token, body, "application/json")  # cached: the fast path
    route = push(running.url, token, body, "application/vnd.halt+json")  # JSON, not fast
    assert first.json()["results"][0]["status"] == "accepted"
    assert [r["status"] for r in fast.json()["results"]] == ["duplicate", "rejected", "rejected"]
    assert fast.status_code == route.status_code == 200
    assert fast.content == route.content
    for name in ("content-type", "content-length"):
        assert fast.headers[name] == route.headers[name]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"events": "x"}',
        b"[1, 2]",
        b'{"events": [' + b"{}," * 1000 + b"{}]}",  # more than MAX_BATCH
        b'{"events": [{"id": NaN}]}',  # JSON to Python's parser only
    ],
)
def test_pushes_the_fast_path_leaves_alone_get_the_routes_answer(
    server: tuple[ThreadServer, str], body: bytes
) -> None:
    running, token = server
    push(running.url, token, orjson.dumps({"events": [org_event()]}), "application/json")
    fast = push(running.url, token, body, "application/json")
    route = push(running.url, token, body, "application/vnd.halt+json")
    assert fast.status_code == route.status_code
    assert fast.content == route.content


def test_a_number_beyond_64_bits_is_stored_exactly(server: tuple[ThreadServer, str]) -> None:
    running, token = server
    push(running.url, token, orjson.dumps({"events": [org_event()]}), "application/json")
    body = orjson.dumps({"events": [org_event()]}).replace(
        b'"profile":"halt"', b'"profile":"halt","big":-9223372036854775809'
    )
    body = body.replace(b'"org:halt"', b'"org:other"')
    pushed = push(running.url, token, body, "application/json")  # token cached: fast path
    assert pushed.json()["results"][0]["status"] == "accepted"
    changes = requests.get(
        f"{running.url}/api/v1/changes",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    stored = json.loads(changes.text)["events"][-1]["data"]  # json: exact integers
    assert stored["big"] == -9223372036854775809
