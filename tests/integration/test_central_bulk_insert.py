"""The rows of a group commit go in as one statement (`insert_rows`): on PostgreSQL as
one JSON array, each element read as a row of the table. Every value must arrive as
given, NULLs among numbers included, and audit rows must get their ids in chain order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from halt_desk.central.auth import Role, User
from halt_desk.central.bulk import insert_rows
from halt_desk.central.schema import audit_log, events, tickets
from halt_desk.central.service import Central

ADMIN = User(1, "admin-user", Role.ADMIN, None)
AGENT = User(2, "agent-user", Role.AGENT, None)


def ev(stream: str, kind: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": at.isoformat(),
        "actor": "tester",
        "data": data,
    }


def test_a_group_of_pushes_is_stored_as_given(db_url: str) -> None:
    central = Central.open(db_url)
    try:
        start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # in the past: not flagged
        org = ev("org:halt", "organisation_registered", start, {"name": "Halt", "profile": "halt"})
        central.record(ADMIN, [org], "127.0.0.1")
        ahead = datetime.now(UTC) + timedelta(hours=2)  # flagged: clock_ahead_seconds set
        report = {
            "org": "halt",
            "caller": "e1",
            "summary": "Scherm \u2018zwart\u2019 \U0001f5a5",
            "priority": "P3",
        }
        pushes = [
            [ev(f"ticket:B{n}", "ticket_reported", ahead if n == 1 else start, report)]
            for n in range(3)
        ]
        pushes.append([ev("ticket:B0", "comment", start, {"text": 'a\\b "c" \n d', "n": 2**62})])
        outcomes = central.record_many(
            [(AGENT, push, f"10.0.0.{i}") for i, push in enumerate(pushes)]
        )
        assert [r.status for results in outcomes for r in results] == ["accepted"] * 4
        with central.engine.connect() as conn:
            stored = conn.execute(select(events).order_by(events.c.seq)).mappings().all()
            audit = conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings().all()
            ticket_rows = conn.execute(select(tickets).order_by(tickets.c.id)).mappings().all()
        sent = [event for push in pushes for event in push]
        assert [row["id"] for row in stored[1:]] == [event["id"] for event in sent]
        assert [row["clock_ahead_seconds"] is not None for row in stored[1:]] == [
            False,
            True,
            False,
            False,
        ]
        changes, _, _ = central.changes(AGENT, 0, 100, "127.0.0.1")
        assert [e["data"] for e in changes[1:]] == [event["data"] for event in sent]
        assert [(t["id"], t["org"], t["assignee"], t["closed"]) for t in ticket_rows] == [
            (f"B{n}", "halt", None, False) for n in range(3)
        ]
        # One audit row per push, in push order, each chained to the one before.
        assert [row["address"] for row in audit[-4:]] == [f"10.0.0.{i}" for i in range(4)]
        assert central.verify_audit() == []
    finally:
        central.close()


def test_no_rows_is_no_statement(db_url: str) -> None:
    central = Central.open(db_url)
    try:
        with central.engine.begin() as conn:
            insert_rows(conn, events, [])
        assert central.event_count() == 0
    finally:
        central.close()
