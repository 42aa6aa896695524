"""The changes page of a user bound to organisations, on PostgreSQL (issue 17): each
organisation's range read in seq order from ix_events_org_seq and cut at the page size,
before and after ANALYZE; never a walk of the primary key past the other organisations'
events, never a sort of all of an organisation's events after `since`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event as sqlalchemy_event

from halt_desk.central.auth import Role, User
from halt_desk.central.reads import _page
from halt_desk.central.service import Central

T0 = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
#: The shape of tests/perf/bench_feed.py, smaller: on main the page's plans went wrong
#: from about 3000 tickets (a sort of the whole range; after ANALYZE the primary key).
ORGS = tuple(f"org{n}" for n in range(10))
TICKETS = 3000
PAGE = 500


def event(stream: str, kind: str, data: dict[str, Any], minutes: int = 0) -> dict[str, Any]:
    at = (T0 + timedelta(minutes=minutes)).isoformat()
    return {"id": str(uuid.uuid4()), "stream": stream, "type": kind, "at": at} | {
        "actor": "tester",
        "data": data,
    }


@pytest.fixture
def central(pg_url: str) -> Iterator[Central]:
    central = Central.open(pg_url)
    with central.engine.begin() as conn:  # no statistics unless the test asks for them
        conn.exec_driver_sql("ALTER TABLE events SET (autovacuum_enabled = false)")
    admin, agent = User(0, "admin", Role.ADMIN), User(0, "agent", Role.AGENT)
    organisations = [
        event(f"org:{o}", "organisation_registered", {"name": o, "profile": "halt"}) for o in ORGS
    ]
    # The provider's colleagues, whose records every organisation reads (found by stream).
    staff = [
        event(f"staff:agent:a{n}", "staff_registered", {"name": f"Agent {n}", "role": "agent"})
        for n in range(40)
    ]
    central.record(admin, organisations + staff, "local")
    batch: list[dict[str, Any]] = []
    for n in range(TICKETS):
        stream, at = f"ticket:B{n}", 3 * n
        data = {"org": ORGS[n % 10], "caller": "e1", "summary": "Laptop", "channel": "phone"}
        batch += [
            event(stream, "ticket_reported", {**data, "priority": "P3"}, at),
            event(stream, "assigned", {"to": "field-1"}, at + 1),
            event(stream, "first_response", {"channel": "phone"}, at + 2),
            event(stream, "comment", {"text": "Belt terug " * 8}, at + 3),
        ]
        if len(batch) >= 800:
            central.record_many([(agent, batch, "local")])
            batch = []
    central.record_many([(agent, batch, "local")])
    yield central
    central.close()


def plan_of_page(central: Central, orgs: tuple[str, ...], since: int) -> str:
    """EXPLAIN ANALYZE of the page statement `_page` runs for a user bound to `orgs`."""
    plans: list[str] = []

    def explain(_c: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> Any:
        if "UNION ALL" in statement:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + statement, parameters)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
        return statement, parameters

    sqlalchemy_event.listen(central.engine, "before_cursor_execute", explain, retval=True)
    try:
        with central.engine.connect() as conn:
            rows = _page(conn, User(9, "regie", Role.REGIE, frozenset(orgs)), since, PAGE + 1)
    finally:
        sqlalchemy_event.remove(central.engine, "before_cursor_execute", explain)
    assert len(rows) == PAGE + 1 and [row.seq for row in rows] == sorted(row.seq for row in rows)
    assert {row.org for row in rows} <= {*orgs, None}  # None: the provider's staff records
    assert len(plans) == 1
    return plans[0]


@pytest.mark.parametrize("orgs", [("org1",), ("org1", "org3")])
def test_each_organisation_range_is_read_in_order_from_its_index(
    central: Central, orgs: tuple[str, ...]
) -> None:
    for analyzed in (False, True):
        if analyzed:
            with central.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE events")
        for since in (0, TICKETS * 2):
            plan = plan_of_page(central, orgs, since)
            assert plan.count("Index Scan using ix_events_org_seq") == len(orgs), plan
            assert "events_pkey" not in plan and "Seq Scan on events" not in plan, plan
            assert "Bitmap Index Scan on ix_events_org_seq" not in plan, plan
            assert "JIT" not in plan, plan
