"""kill -9 of the central server in the middle of a batch: nothing half-written, and
resending the batch leaves every event exactly once."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import text

from halt_desk.central.engine import create_central_engine
from halt_desk.central.service import Central
from tests.central_server import ProcessServer, bearer


def events_in_db(db_url: str) -> list[tuple[int, str]]:
    engine = create_central_engine(db_url)
    try:
        with engine.connect() as conn:
            return [
                (r[0], r[1]) for r in conn.execute(text("SELECT seq, id FROM events ORDER BY seq"))
            ]
    finally:
        engine.dispose()


def batch(size: int) -> list[dict[str, Any]]:
    start = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
    events = [
        {
            "id": str(uuid.uuid4()),
            "stream": "org:halt",
            "type": "organisation_registered",
            "at": start.isoformat(),
            "actor": "admin",
            "data": {"name": "Halt", "profile": "halt"},
        }
    ]
    for n in range(size - 1):
        events.append(
            {
                "id": str(uuid.uuid4()),
                "stream": f"employee:e{n}",
                "type": "employee_registered",
                "at": (start + timedelta(seconds=n)).isoformat(),
                "actor": "admin",
                "data": {"org": "halt", "name": f"Medewerker {n}"},
            }
        )
    return events


def test_kill_during_a_batch_then_resend_gives_each_event_once(db_url: str, tmp_path: Path) -> None:
    central = Central.open(db_url)
    token = central.add_user("admin-user", "admin")
    central.close()
    server = ProcessServer(db_url, tmp_path / "data")
    server.start()
    events = batch(1000)
    outcome: dict[str, Any] = {}

    def push() -> None:
        try:
            outcome["response"] = requests.post(
                f"{server.url}/api/v1/events",
                json={"events": events},
                headers=bearer(token),
                timeout=60,
            )
        except requests.RequestException as exc:
            outcome["error"] = exc

    sender = threading.Thread(target=push)
    sender.start()
    time.sleep(0.3)  # the server is now inside the batch's transaction
    server.kill()
    sender.join(timeout=60)
    stored = events_in_db(db_url)
    assert len(stored) in (0, len(events)), "a batch is all or nothing"
    if "response" in outcome:  # the batch finished before the kill: still must be complete
        assert len(stored) == len(events)

    server.start()
    try:
        response = requests.post(
            f"{server.url}/api/v1/events",
            json={"events": events},
            headers=bearer(token),
            timeout=60,
        )
        assert response.status_code == 200
        assert {r["status"] for r in response.json()["results"]} <= {"accepted", "duplicate"}
        again = requests.post(
            f"{server.url}/api/v1/events",
            json={"events": events},
            headers=bearer(token),
            timeout=60,
        ).json()["results"]
        assert {r["status"] for r in again} == {"duplicate"}
    finally:
        server.stop()
    stored = events_in_db(db_url)
    assert sorted(i for _, i in stored) == sorted(e["id"] for e in events)
    assert [s for s, _ in stored] == list(range(1, len(events) + 1))
    with Central.open(db_url) as check:  # a kill mid-transaction leaves both chains whole
        assert check.verify_audit() == []
