"""Revision c0002 on a database made by c0001: stored events, audit entries, devices and
users get their organisation; the swaps projection is folded from the stored swaps."""

from __future__ import annotations

import json
from typing import Any

from alembic import command
from sqlalchemy import Connection, text

from halt_desk.central.auth import Role, User
from halt_desk.central.engine import create_central_engine
from halt_desk.central.migrate import alembic_config
from halt_desk.central.service import Central
from halt_desk.central.users import token_hash

EVENTS = [
    # seq, stream, type, data
    (1, "org:halt", "organisation_registered", {"profile": "halt"}),
    (2, "org:desom", "organisation_registered", {"profile": "desom"}),
    (3, "employee:e1", "employee_registered", {"org": "halt", "name": "Anna"}),
    (4, "ticket:T1", "ticket_reported", {"org": "halt"}),
    (5, "ticket:D1", "ticket_reported", {"org": "desom"}),
    (6, "swap:S1", "swap_opened", {"ticket": "D1", "mode": "onsite", "engineer": "eng-a"}),
    (7, "swap:S1", "swap_updated", {"engineer": "eng-b"}),
    (8, "device:LT-1", "device_registered", {"org": "desom"}),
    (9, "stock:depot-a", "stock_mitigation", {}),
    (10, "swap:S2", "swap_opened", {"ticket": "T1", "mode": "onsite"}),
    (11, "swap:S2", "swap_closed", {}),
]


def _at_c0001(conn: Connection) -> None:
    for seq, stream, kind, data in EVENTS:
        conn.execute(
            text(
                "INSERT INTO events (seq, id, stream, type, at, at_utc_us, actor, data, "
                "content_hash, received_at, received_by) VALUES (:seq, :id, :stream, :type, "
                "'2027-01-05T09:00:00+00:00', 0, 'x', :data, 'h', 'r', 'x')"
            ),
            {
                "seq": seq,
                "id": f"id-{seq}",
                "stream": stream,
                "type": kind,
                "data": json.dumps(data),
            },
        )
    conn.execute(text("UPDATE seq_counter SET value = 11"))
    rows: dict[str, list[dict[str, Any]]] = {
        "tickets": [
            {"id": "T1", "org": "halt", "assignee": None, "closed": False},
            {"id": "D1", "org": "desom", "assignee": "eng-a", "closed": False},
        ],
        "devices": [
            {"asset_tag": "LT-1", "state": "unready", "swap": None, "fold": '{"org": "desom"}'}
        ],
        "reference_records": [
            {"stream": "employee:e1", "data": '{"org": "halt", "name": "Anna"}'},
            {"stream": "org:halt", "data": '{"profile": "halt"}'},
            {"stream": "org:desom", "data": '{"profile": "desom"}'},
        ],
        "organisations": [
            {"id": "halt", "name": None, "profile": "halt"},
            {"id": "desom", "name": None, "profile": "desom"},
        ],
        "users": [
            {
                "name": "regie-d",
                "role": "regie",
                "org": "desom",
                "token_hash": token_hash("t-d"),
                "created_at": "c",
            },
            {
                "name": "msp",
                "role": "agent",
                "org": None,
                "token_hash": token_hash("t-m"),
                "created_at": "c",
            },
        ],
        "audit_log": [
            {
                "at": "a",
                "actor": "x",
                "action": "events.recorded",
                "object": "events",
                "address": "local",
                "detail": json.dumps({"events": [[5, "id-5", "ticket:D1", "t"]]}),
                "prev_hash": "0",
                "hash": "1",
            },
            {
                "at": "a",
                "actor": "x",
                "action": "ticket.read",
                "object": "ticket:T1",
                "address": "local",
                "detail": "{}",
                "prev_hash": "1",
                "hash": "2",
            },
        ],
    }
    for table, values in rows.items():
        for row in values:
            names = ", ".join(row)
            marks = ", ".join(f":{name}" for name in row)
            conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), row)


def test_c0002_fills_in_the_organisation_of_what_is_stored(db_url: str) -> None:
    engine = create_central_engine(db_url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "c0001")
        _at_c0001(conn)
    engine.dispose()
    central = Central.open(db_url)
    with central.engine.connect() as conn:
        orgs = dict(conn.execute(text("SELECT seq, org FROM events")).all())
        assert orgs == {
            1: "halt", 2: "desom", 3: "halt", 4: "halt", 5: "desom", 6: "desom", 7: "desom",
            8: "desom", 9: None, 10: "halt", 11: "halt",
        }  # fmt: skip
        swaps = conn.execute(
            text("SELECT id, ticket, org, engineer, closed FROM swaps ORDER BY id")
        )
        assert [tuple(row) for row in swaps] == [
            ("S1", "D1", "desom", "eng-b", False),
            ("S2", "T1", "halt", None, True),
        ]
        assert conn.execute(text("SELECT org FROM devices")).scalar_one() == "desom"
        audit = conn.execute(text("SELECT object, org FROM audit_log ORDER BY id")).all()
        assert [tuple(row) for row in audit] == [("events", "desom"), ("ticket:T1", "halt")]
    regie = central.authenticate("t-d")
    assert regie is not None and regie.orgs == {"desom"}
    msp = central.authenticate("t-m")
    assert msp is not None and not msp.bound
    page, _, _ = central.changes(regie, 0, 100, "local")
    assert [e["seq"] for e in page] == [2, 5, 6, 7, 8]
    # The swaps projection the migration built is what the writer goes on with.
    agent = User(0, "desom-agent", Role.LOGISTICS, frozenset({"desom"}))
    ship = {"leg": "out", "carrier": "dhl", "tracking": "1", "status": "booked"}
    event = {"id": "4a3f0d0e-7d3e-4f5b-9c53-1f2d7f4b8a10", "stream": "swap:S1",
             "type": "shipment_status", "at": "2027-01-05T10:00:00+00:00",
             "actor": "x", "data": ship}  # fmt: skip
    (result,) = central.record(agent, [event], "local")
    assert result.status == "accepted", result
    central.close()
