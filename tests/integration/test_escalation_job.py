"""The escalation job (central/escalation_job.py) in two real central processes on one
database (SQLite and PostgreSQL): tickets pushed over HTTP that breach a P1 get a
suggestion on its escalation stream by themselves, the regie reads it in its
notifications, a kill -9 of the lease holder moves the job to the other process, and each
suggestion is recorded exactly once (also after it was dismissed or accepted)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from halt_desk.central.batch import event_from_row
from halt_desk.central.escalation_job import EVERY_ENV, JOB_NAME
from halt_desk.central.schema import events, job_leases
from halt_desk.central.service import Central
from tests.central_server import ProcessServer, bearer
from tests.sync_support import wire

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 120.0
#: A Monday long gone: its P1s are past every deadline now.
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.1)


def ev(stream: str, kind: str, data: dict[str, Any], minutes: int = 0) -> dict[str, Any]:
    at = (T0 + timedelta(minutes=minutes)).isoformat()
    return {"id": str(uuid.uuid4()), "stream": stream, "type": kind, "at": at,
            "actor": "tester", "data": data}  # fmt: skip


def p1_resolved_late(ticket: str) -> list[dict[str, Any]]:
    report = {"org": "halt", "caller": "e1", "summary": "Zaaksysteem plat", "channel": "phone",
              "priority": "P1", "category": "applicaties"}  # fmt: skip
    stream = f"ticket:{ticket}"
    return [
        ev(stream, "ticket_reported", report),
        ev(stream, "first_response", {"channel": "phone"}, 5),
        ev(stream, "resolved", {"resolution": "server herstart"}, 2 * 24 * 60),
    ]


def prepare(db_url: str) -> dict[str, str]:
    central = Central.open(db_url)
    try:
        tokens = {
            "admin": central.add_user("admin", "admin"),
            "agent": central.add_user("agent", "agent"),
            "halt-regie": central.add_user("halt-regie", "regie", ("halt",)),
        }
        admin = central.authenticate(tokens["admin"])
        assert admin is not None
        seeded = central.record(
            admin,
            [
                wire("org:halt", "organisation_registered", {"name": "Halt", "profile": "halt"}),
                wire("employee:e1", "employee_registered", {"org": "halt", "name": "Anna"}),
            ],
            "test",
        )
        assert [r.status for r in seeded] == ["accepted", "accepted"]
    finally:
        central.close()
    return tokens


def suggestions(db_url: str) -> list[tuple[str, str, list[str]]]:
    """(stream, actor, tickets) of every recorded `escalation_suggested`, in order."""
    central = Central.open(db_url)
    try:
        with central.engine.connect() as conn:
            rows = conn.execute(
                select(events).where(events.c.type == "escalation_suggested").order_by(events.c.seq)
            ).mappings()
            found = []
            for row in rows:
                event = event_from_row(row)
                found.append((event.stream, event.actor, event.data["evidence"]["tickets"]))
            return found
    finally:
        central.close()


def holder_pid(db_url: str) -> int | None:
    central = Central.open(db_url)
    try:
        with central.engine.connect() as conn:
            holder = conn.execute(
                select(job_leases.c.holder).where(job_leases.c.name == JOB_NAME)
            ).scalar_one_or_none()
    finally:
        central.close()
    return int(holder.split(":")[1]) if holder else None


def post(server: ProcessServer, token: str, batch: list[dict[str, Any]]) -> list[str]:
    answer = requests.post(
        f"{server.url}/api/v1/events", json={"events": batch}, headers=bearer(token), timeout=30
    )
    assert answer.status_code == 200, answer.text
    return [r["status"] for r in answer.json()["results"]]


def notifications(server: ProcessServer, token: str) -> list[dict[str, Any]]:
    answer = requests.get(
        f"{server.url}/api/v1/notifications",
        params={"since": 0, "limit": 500},
        headers=bearer(token),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["notifications"]
    return found


def test_two_processes_suggest_by_themselves_once_and_the_job_moves_on_a_kill(
    db_url: str, tmp_path: Path
) -> None:
    tokens = prepare(db_url)
    env = {EVERY_ENV: "0.5", "PYTHONPATH": str(REPO)}
    first = ProcessServer(db_url, tmp_path / "a", env=env)
    second = ProcessServer(db_url, tmp_path / "b", env=env)
    first.start()
    second.start()
    try:
        assert post(first, tokens["agent"], p1_resolved_late("HALT-1")) == ["accepted"] * 3
        wait_until(lambda: len(suggestions(db_url)) == 1, "the job suggested an escalation")
        stream, actor, tickets = suggestions(db_url)[0]
        assert (actor, tickets) == ("central", ["HALT-1"])
        told = [n for n in notifications(second, tokens["halt-regie"])
                if n["kind"] == "escalation_suggested"]  # fmt: skip
        assert [(n["stream"], n["org"]) for n in told] == [(stream, "halt")]
        assert told[0]["detail"]["level"] == "N1" and told[0]["detail"]["tickets"] == ["HALT-1"]
        assert "resolution" in told[0]["detail"]["clocks"]
        # The regie dismisses it: it is never suggested again.
        dismissed = ev(stream, "escalation_suggestion_dismissed",
                       {"reason": "eenmalig, oorzaak bekend"}, 3 * 24 * 60)  # fmt: skip
        assert post(second, tokens["halt-regie"], [dismissed]) == ["accepted"]
        # Kill the holder: the other process takes the job over and suggests the next P1.
        assert first.process is not None and second.process is not None
        wait_until(lambda: holder_pid(db_url) is not None, "a process holds the lease")
        victim = first if holder_pid(db_url) == first.process.pid else second
        survivor = second if victim is first else first
        assert survivor.process is not None
        victim.kill()
        assert post(survivor, tokens["agent"], p1_resolved_late("HALT-2")) == ["accepted"] * 3
        wait_until(lambda: len(suggestions(db_url)) >= 2, "the survivor suggested again")
        assert holder_pid(db_url) == survivor.process.pid
        # The regie accepts the second one (registers it): not suggested again either.
        accepted = {"org": "halt", "supplier": "MSP", "description": "P1 te laat opgelost",
                    "classification": "operational", "level": "N1", "tickets": ["HALT-2"],
                    "breaches": []}  # fmt: skip
        second_stream = suggestions(db_url)[1][0]
        registered = ev(second_stream, "escalation_registered", accepted, 3 * 24 * 60)
        assert post(survivor, tokens["halt-regie"], [registered]) == ["accepted"]
        time.sleep(3)  # several more runs over the same tickets
    finally:
        first.stop()
        second.stop()
    found = suggestions(db_url)
    assert [tickets for _, _, tickets in found] == [["HALT-1"], ["HALT-2"]]
    assert len({s for s, _, _ in found}) == 2
