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


#: Values the push path renders itself (`GroupTransaction._rendered`), the awkward ones.
AWKWARD_TEXTS = [
    "",
    "plain",
    "it's",
    "''",
    "back\\slash",
    "\\'",
    'dubbel "quote"',
    "%(rows)s and %% and %s",
    "{a,b}",
    "NULL",
    "regel\nregel\ttab",
    "Scherm \u2018zwart\u2019 \U0001f5a5 é",
    "-- not a comment",
]


def test_group_literals_read_back_as_psycopg_renders_them(pg_url: str) -> None:
    """Text, whole numbers (negative ones too), booleans, NULL and lists of text, put into
    a statement by the push path's own rendering, arrive as psycopg's `mogrify` sends them:
    same values, same types. A value of another kind (or text holding NUL) is left to
    `mogrify`."""
    from psycopg import ClientCursor
    from sqlalchemy import bindparam, literal_column
    from sqlalchemy import select as sql_select
    from sqlalchemy.dialects.postgresql import ARRAY
    from sqlalchemy.types import BigInteger, Boolean, String

    from halt_desk.central.bulk import GroupTransaction, group_reads

    statement = sql_select(
        bindparam("text", type_=String()).label("text"),
        bindparam("number", type_=BigInteger()).label("number"),
        bindparam("flag", type_=Boolean()).label("flag"),
        bindparam("nothing", type_=String()).label("nothing"),
        bindparam("texts", type_=ARRAY(String())).label("texts"),
        (bindparam("number", type_=BigInteger()) - 1).label("less"),
        literal_column("'100%'").label("percent"),
    )
    central = Central.open(pg_url)
    try:
        with group_reads(central.engine) as reads:
            assert isinstance(reads, GroupTransaction)
            mogrify = ClientCursor(reads.conn.connection.driver_connection).mogrify
            compiled = statement.compile(dialect=reads.conn.dialect)
            cases = [
                (text, number, flag, AWKWARD_TEXTS[: n + 1])
                for n, (text, number, flag) in enumerate(
                    zip(
                        AWKWARD_TEXTS,
                        [0, 1, -1, 2**62, -(2**62)] * 3,
                        [True, False] * 7,
                        strict=False,
                    )
                )
            ]
            cases.append(("x", 5, True, []))
            for text, number, flag, texts in cases:
                params = {"text": text, "number": number, "flag": flag, "nothing": None}
                params["texts"] = texts
                values = compiled.construct_params(params)
                ours = reads._rendered(statement, compiled, values)
                assert ours is not None
                theirs = str(mogrify(compiled.string, values))
                (mine,) = reads.read([(text_clause(ours), {})])
                (psycopgs,) = reads.read([(text_clause(theirs), {})])
                assert mine == psycopgs
                assert mine[0] == {
                    "text": text,
                    "number": number,
                    "flag": flag,
                    "nothing": None,
                    "texts": texts,
                    "less": number - 1,
                    "percent": "100%",
                }
            # Other kinds of value, and NUL in text, go to psycopg's own rendering.
            for odd in ({"text": "a\x00b"}, {"number": 1.5}, {"texts": ["a", 1]}):
                values = compiled.construct_params(
                    {"text": "", "number": 0, "flag": True, "nothing": None, "texts": [], **odd}
                )
                assert reads._rendered(statement, compiled, values) is None
    finally:
        central.close()


def text_clause(sql: str) -> Any:
    """A rendered statement as a constant one (text() doubles its `%` for the driver)."""
    from sqlalchemy import text

    return text(sql.replace(":", "\\:"))
