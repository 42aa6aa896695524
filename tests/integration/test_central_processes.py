"""Several server processes on one database (`halt-desk serve --workers N`, or two serves):
one gap-free `seq` order, every id once, one audit chain, idempotency across processes."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import text

from halt_desk.central.engine import create_central_engine
from halt_desk.central.service import Central
from tests.central_server import ProcessServer, bearer

START = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)


def ev(stream: str, kind: str, minutes: int, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": (START + timedelta(minutes=minutes)).isoformat(),
        "actor": "tester",
        "data": data,
    }


def ticket(key: str) -> list[dict[str, Any]]:
    """A report and three more events of ticket `key`, to be pushed in this order."""
    stream = f"ticket:{key}"
    return [
        ev(
            stream,
            "ticket_reported",
            0,
            {"org": "halt", "caller": "e1", "summary": "Laptop", "priority": "P3"},
        ),
        ev(stream, "first_response", 10, {"channel": "phone"}),
        ev(stream, "comment", 20, {"text": "bezig"}),
        ev(stream, "status_update", 30, {}),
    ]


def stored_events(db_url: str) -> list[tuple[int, str]]:
    engine = create_central_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT seq, id FROM events ORDER BY seq"))
            return [(int(seq), str(event_id)) for seq, event_id in rows]
    finally:
        engine.dispose()


def test_two_servers_and_a_two_worker_server_share_one_order(db_url: str, tmp_path: Path) -> None:
    central = Central.open(db_url)
    admin = central.add_user("admin-user", "admin")
    agent = central.add_user("agent-user", "agent")
    central.close()
    servers = [
        ProcessServer(db_url, tmp_path / "a"),
        ProcessServer(db_url, tmp_path / "b"),
        ProcessServer(db_url, tmp_path / "c", workers=2),
    ]
    for server in servers:
        server.start()
    try:
        org = ev("org:halt", "organisation_registered", 0, {"name": "Halt", "profile": "halt"})
        first = requests.post(
            f"{servers[0].url}/api/v1/events",
            json={"events": [org]},
            headers=bearer(admin),
            timeout=30,
        )
        assert first.json()["results"][0]["status"] == "accepted"
        answers: dict[str, list[dict[str, Any]]] = {}
        sent: dict[str, dict[str, Any]] = {}
        errors: list[BaseException] = []
        lock = threading.Lock()

        def client(number: int) -> None:
            # Each client walks its own tickets, one event per push, through one server,
            # and pushes every event a second time through the next server (a duplicate).
            session = requests.Session()
            here = servers[number % len(servers)].url
            there = servers[(number + 1) % len(servers)].url
            try:
                for k in range(4):
                    for item in ticket(f"P{number}-{k}"):
                        for url in (here, there):
                            response = session.post(
                                f"{url}/api/v1/events",
                                json={"events": [item]},
                                headers=bearer(agent),
                                timeout=60,
                            )
                            assert response.status_code == 200, response.text
                            with lock:
                                sent[item["id"]] = item
                                answers.setdefault(item["id"], []).append(
                                    response.json()["results"][0]
                                )
            except BaseException as exc:  # pragma: no cover - surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(9)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors[0]
    finally:
        for server in servers:
            server.stop()

    stored = stored_events(db_url)
    assert [seq for seq, _ in stored] == list(range(1, len(sent) + 2)), "gap-free seq"
    assert sorted(i for _, i in stored[1:]) == sorted(sent), "every event exactly once"
    seq_of = dict((i, s) for s, i in stored)
    for event_id, (first_answer, second_answer) in answers.items():
        assert first_answer["status"] == "accepted", first_answer
        assert second_answer["status"] == "duplicate", second_answer
        assert first_answer["seq"] == second_answer["seq"] == seq_of[event_id]
    with Central.open(db_url) as check:
        assert check.verify_audit() == []


def test_reused_id_is_rejected_by_another_server_process(db_url: str, tmp_path: Path) -> None:
    central = Central.open(db_url)
    admin = central.add_user("admin-user", "admin")
    central.close()
    one, other = ProcessServer(db_url, tmp_path / "a"), ProcessServer(db_url, tmp_path / "b")
    one.start()
    other.start()
    try:
        org = ev("org:halt", "organisation_registered", 0, {"name": "Halt", "profile": "halt"})
        changed = {**org, "data": {"name": "Stichting Halt", "profile": "halt"}}
        results = []
        for server, item in ((one, org), (other, changed), (other, org)):
            response = requests.post(
                f"{server.url}/api/v1/events",
                json={"events": [item]},
                headers=bearer(admin),
                timeout=30,
            )
            results.append(response.json()["results"][0])
    finally:
        one.stop()
        other.stop()
    assert [r["status"] for r in results] == ["accepted", "rejected", "duplicate"]
    assert results[1]["reason"] == "id reused with different content"
