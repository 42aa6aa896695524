"""The central API when PostgreSQL fails: a crash and restart, a statement it refuses.

The pool pings a connection only after it lay idle (`IDLE_PING_SECONDS`); a connection
lost in between must cost no push: the writer tries the group once more on a new
connection. While the database is down, the API answers 503 with Retry-After (a client
retries that), never a 500 or a 400, and nothing is half-written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from halt_desk.central import engine, validation
from halt_desk.central.service import Central
from tests.central_server import ThreadServer, bearer
from tests.pg import ThrowawayPostgres


def ev(stream: str, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": datetime(2027, 1, 5, 10, 0, tzinfo=UTC).isoformat(),
        "actor": "tester",
        "data": data,
    }


def report(ticket: str) -> dict[str, Any]:
    return ev(
        f"ticket:{ticket}",
        "ticket_reported",
        {"org": "halt", "caller": "e1", "summary": "Laptop", "priority": "P3", "channel": "phone"},
    )


class Client:
    def __init__(self, server: ThreadServer, token: str) -> None:
        self.server = server
        self.url = server.url + "/api/v1"
        self.headers = bearer(token)
        self.session = requests.Session()

    def push(self, events: list[dict[str, Any]]) -> requests.Response:
        return self.session.post(
            f"{self.url}/events", json={"events": events}, headers=self.headers, timeout=30
        )

    def changes(self) -> requests.Response:
        return self.session.get(f"{self.url}/changes", headers=self.headers, timeout=30)


@pytest.fixture
def running(pg_url: str) -> Iterator[tuple[Central, Client]]:
    central = Central.open(pg_url)
    token = central.add_user("agent-user", "agent")
    admin = central.add_user("admin-user", "admin")
    with ThreadServer(central) as server:
        setup = Client(server, admin).push(
            [ev("org:halt", "organisation_registered", {"name": "Halt", "profile": "halt"})]
        )
        assert setup.json()["results"][0]["status"] == "accepted"
        yield central, Client(server, token)
    central.close()


def crash_and_restart(postgres: ThrowawayPostgres) -> None:
    postgres.kill()  # SIGKILL to the postmaster and its backends: every connection is gone
    postgres.start()


@pytest.mark.parametrize("token", ["kept", "looked up"])
def test_a_push_right_after_a_restart_goes_through_on_a_new_connection(
    running: tuple[Central, Client],
    postgres_server: ThrowawayPostgres,
    monkeypatch: pytest.MonkeyPatch,
    token: str,
) -> None:
    """The pooled connections are not pinged (they count as in steady use), so the first
    statement after the restart meets a dead connection: it is tried once more on a new
    one, and the push is accepted. Which statement that is depends on how long the
    restart took (on a loaded machine, longer than the API keeps a token): the group
    commit while the token is still kept, else the token's look-up. Both are pinned
    here, whatever the machine's load."""
    central, client = running
    monkeypatch.setattr(engine, "IDLE_PING_SECONDS", 3600.0)
    app = client.server.server.config.app
    if token == "kept":
        app.state.tokens.ttl = 3600.0  # before the first push: the look-up that keeps it
    assert client.push([report("R1")]).json()["results"][0]["status"] == "accepted"
    crash_and_restart(postgres_server)
    if token == "looked up":
        central.users_version += 1  # as when TOKEN_CACHE_SECONDS passed: every token dropped
    answer = client.push([report("R2")])
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"][0]["status"] == "accepted"
    assert central.event_count() == 3  # the organisation, R1, R2: each once


def test_a_token_look_up_right_after_a_restart_goes_through_on_a_new_connection(
    running: tuple[Central, Client],
    postgres_server: ThrowawayPostgres,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The API keeps a token's user for a second only: on a loaded machine the restart
    takes longer, and the next request looks its token up on a pooled connection that died
    with the server. That read is tried once more, like a push."""
    central, client = running
    monkeypatch.setattr(engine, "IDLE_PING_SECONDS", 3600.0)
    token = client.headers["Authorization"].removeprefix("Bearer ")
    assert central.authenticate(token) is not None  # a pooled reading connection
    crash_and_restart(postgres_server)
    user = central.authenticate(token)
    assert user is not None and user.name == "agent-user"


def test_an_idle_connection_is_pinged_and_replaced(
    running: tuple[Central, Client],
    postgres_server: ThrowawayPostgres,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    central, client = running
    monkeypatch.setattr(engine, "IDLE_PING_SECONDS", 0.0)
    crash_and_restart(postgres_server)
    assert client.changes().status_code == 200  # a read gets a live connection too
    assert client.push([report("R1")]).json()["results"][0]["status"] == "accepted"
    assert central.event_count() == 2


def test_while_the_database_is_down_the_api_answers_503_and_loses_nothing(
    running: tuple[Central, Client], postgres_server: ThrowawayPostgres
) -> None:
    central, client = running
    postgres_server.kill()
    try:
        refused = client.push([report("R1")])
        assert refused.status_code == 503, refused.text
        assert refused.headers["Retry-After"] == "2"
        assert refused.headers["content-type"] == "application/problem+json"
        assert "database is unavailable" in refused.json()["detail"]
        read = client.changes()
        assert read.status_code == 503, read.text
    finally:
        postgres_server.start()
    again = client.push([report("R1")])
    assert again.json()["results"][0]["status"] == "accepted"
    assert central.event_count() == 2


def test_a_group_the_database_refuses_leaves_a_clean_connection(
    running: tuple[Central, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write refused with the commit (here a NUL character, let through by
    switching off the check that normally refuses it) fails that push alone; the pooled
    connection is rolled back, so the next push on it is accepted."""
    central, client = running
    monkeypatch.setattr(validation, "check_storable", lambda event: None)
    poisoned = client.push([{**report("P1"), "actor": "agent\x00"}])
    assert poisoned.status_code == 500
    monkeypatch.undo()
    for n in range(3):  # whichever pooled connection each push gets
        answer = client.push([report(f"OK{n}")])
        assert answer.json()["results"][0]["status"] == "accepted", answer.text
    assert central.event_count() == 4
