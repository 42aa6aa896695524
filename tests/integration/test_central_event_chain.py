"""The hash chain over the stored events (defect 5 of issue 17): editing an event's `at` or
`data`, removing one or swapping two in the database shows in `central audit verify` with
the seq where it shows; a consistent rewrite of the whole chain shows against a checkpoint;
concurrent pushes, through one server or two server processes, leave an intact chain."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from alembic import command
from sqlalchemy import select, text, update

from halt_desk.central import event_chain
from halt_desk.central.audit import GENESIS_HASH, AuditProblem, Checkpoint
from halt_desk.central.auth import Role, User
from halt_desk.central.engine import create_central_engine
from halt_desk.central.imports import import_employees
from halt_desk.central.migrate import alembic_config, upgrade
from halt_desk.central.schema import events, seq_counter
from halt_desk.central.service import Central
from tests.central_server import ProcessServer, ThreadServer, bearer

START = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
ADMIN = User(1, "admin-user", Role.ADMIN, None)
AGENT = User(2, "agent-user", Role.AGENT, None)


def ev(stream: str, kind: str, minutes: int, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": (START + timedelta(minutes=minutes)).isoformat(),
        "actor": "tester",
        "data": data,
    }


def org_event() -> dict[str, Any]:
    return ev("org:halt", "organisation_registered", 0, {"name": "Halt", "profile": "halt"})


def ticket(key: str) -> list[dict[str, Any]]:
    stream = f"ticket:{key}"
    report = {"org": "halt", "caller": "e1", "summary": "Laptop", "priority": "P3"}
    return [
        ev(stream, "ticket_reported", 0, report),
        ev(stream, "first_response", 10, {"channel": "phone"}),
        ev(stream, "comment", 20, {"text": "bezig"}),
    ]


@pytest.fixture
def central(db_url: str) -> Iterator[Central]:
    """A central with seven events (seq 1 to 7): an organisation and two tickets."""
    opened = Central.open(db_url)
    try:
        opened.record(ADMIN, [org_event()], "127.0.0.1")
        for key in ("T1", "T2"):
            results = opened.record(AGENT, ticket(key), "127.0.0.1")
            assert [r.status for r in results] == ["accepted"] * 3
        yield opened
    finally:
        opened.close()


def event_problems(central: Central, checkpoints: list[Checkpoint] = []) -> list[tuple[int, str]]:  # noqa: B006
    problems = central.verify_audit(checkpoints)
    assert all(problem.log == "events" for problem in problems), problems
    return [(problem.row_id, problem.kind) for problem in problems]


def tamper(central: Central, sql: str, **params: Any) -> None:
    with central.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_a_clean_chain_is_intact_and_its_head_is_kept_with_the_counter(central: Central) -> None:
    assert central.verify_audit() == []
    with central.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(events).order_by(events.c.seq)).mappings()]
        head = conn.execute(select(seq_counter.c.value, seq_counter.c.chain_head)).one()
    assert [row["seq"] for row in rows] == list(range(1, 8))
    prev = GENESIS_HASH
    for row in rows:  # each event chained to the one before, from the genesis hash
        assert row["chain"] == event_chain.chain_hash(prev, row)
        prev = row["chain"]
    assert tuple(head) == (7, prev)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("at", "2027-01-05T09:05:00+00:00"),
        ("data", json.dumps({"channel": "email"}, sort_keys=True)),
        ("at_utc_us", 0),
        ("received_by", "someone-else"),
    ],
)
def test_an_edited_event_shows_at_its_seq(central: Central, column: str, value: Any) -> None:
    tamper(central, f"UPDATE events SET {column} = :value WHERE seq = 3", value=value)
    assert event_problems(central) == [(3, "edited")]


def test_a_removed_event_shows_as_a_gap(central: Central) -> None:
    tamper(central, "DELETE FROM events WHERE seq = 4")
    problems = central.verify_audit()
    assert [(p.row_id, p.kind) for p in problems] == [(5, "removed")]
    assert "seq 4 is missing" in problems[0].message


def test_events_cut_off_at_the_end_show_against_the_counter(central: Central) -> None:
    tamper(central, "DELETE FROM events WHERE seq >= 6")
    problems = central.verify_audit()
    assert [(p.row_id, p.kind) for p in problems] == [(6, "removed")]
    assert "seq 6 to 7 are missing" in problems[0].message


def test_two_events_swapped_show_as_reordered(central: Central) -> None:
    tamper(central, "UPDATE events SET seq = -1 WHERE seq = 2")
    tamper(central, "UPDATE events SET seq = 2 WHERE seq = 5")
    tamper(central, "UPDATE events SET seq = 5 WHERE seq = -1")
    problems = central.verify_audit()
    # The two moved events, and the two whose predecessor moved.
    assert [(p.row_id, p.kind) for p in problems] == [
        (2, "reordered"),
        (3, "reordered"),
        (5, "reordered"),
        (6, "reordered"),
    ]
    assert "was chained at seq 5" in problems[0].message
    assert "was chained at seq 2" in problems[2].message


def forge_events_from(central: Central, seq: int) -> None:
    """What someone with write access can do: change the data of event `seq`, hash every
    event from it on again and move the head along."""
    with central.engine.begin() as conn:
        rows = [dict(r) for r in conn.execute(select(events).order_by(events.c.seq)).mappings()]
        prev = GENESIS_HASH
        for row in rows:
            if row["seq"] == seq:
                row["data"] = json.dumps({"text": "vervalst"})
            if row["seq"] >= seq:
                row["chain"] = event_chain.chain_hash(prev, row)
                conn.execute(
                    update(events)
                    .where(events.c.seq == row["seq"])
                    .values(data=row["data"], chain=row["chain"])
                )
            prev = row["chain"]
        conn.execute(update(seq_counter).values(chain_head=prev))


def test_a_chain_rewritten_wholesale_shows_against_a_checkpoint(central: Central) -> None:
    point = central.audit_checkpoint()
    assert point is not None and point.event_seq == 7
    central.record(AGENT, [ev("ticket:T1", "comment", 30, {"text": "later"})], "127.0.0.1")
    later = central.audit_checkpoint()
    assert later is not None and later.event_seq == 8
    assert central.verify_audit([point, later]) == []
    forge_events_from(central, 4)
    assert central.verify_audit() == []  # the chain alone looks fine
    problems = central.verify_audit([point, later])
    assert [(p.row_id, p.kind, p.log) for p in problems] == [
        (7, "edited", "events"),
        (8, "edited", "events"),
    ]


def test_every_way_of_recording_chains(central: Central) -> None:
    # The employee import records through the writer too (in batches of 500).
    central.record(ADMIN, [org_event() | {"stream": "org:desom"}], "127.0.0.1")
    lines = ["id,org,name"] + [f"e{n},halt,Medewerker {n}" for n in range(1, 1201)]
    report = import_employees(central, "\n".join(lines) + "\n")
    assert report.registered == 1200 and not report.rejected
    assert central.verify_audit() == []
    assert central.event_count() == 8 + 1200


def test_the_migration_chains_the_events_stored_before(db_url: str) -> None:
    engine = create_central_engine(db_url)
    try:
        config = alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "c0001")
            for seq in range(1, 2502):  # more than one round of the back-fill
                conn.execute(
                    text(
                        "INSERT INTO events (seq, id, stream, type, at, at_utc_us, actor, data,"
                        " content_hash, received_at, received_by, clock_ahead_seconds) VALUES"
                        " (:seq, :id, 'org:halt', 'organisation_updated', :at, 0, 'x', :data,"
                        " 'h', '2027-01-05T09:00:00+00:00', 'admin', :ahead)"
                    ),
                    {
                        "seq": seq,
                        "id": str(uuid.uuid4()),
                        "at": START.isoformat(),
                        "data": json.dumps({"n": seq, "naam": "Zoë"}),
                        "ahead": 400 if seq % 7 == 0 else None,
                    },
                )
            conn.execute(text("UPDATE seq_counter SET value = 2501"))
        upgrade(engine)
        with engine.connect() as conn:
            problems = event_chain.verify_table(conn)
            head = event_chain.stored_head(conn)
            last = event_chain.last_event(conn)
    finally:
        engine.dispose()
    assert problems == []
    assert head == last == event_chain.EventPoint(2501, head.chain)


def test_audit_verify_names_an_edited_event(tmp_path: Path) -> None:
    database = tmp_path / "central.sqlite3"
    db = f"sqlite+pysqlite:///{database}"
    with Central.open(db) as central:
        central.record(ADMIN, [org_event()], "127.0.0.1")
        central.record(AGENT, ticket("T1"), "127.0.0.1")
    exe = Path(sys.executable).with_name("halt-desk")

    def verify() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(exe), "central", "audit", "verify", "--db", db], capture_output=True, text=True
        )

    intact = verify()
    assert intact.returncode == 0 and "intact" in intact.stdout
    import sqlite3

    connection = sqlite3.connect(database)
    connection.execute("UPDATE events SET at = '2027-01-05T08:00:00+00:00' WHERE seq = 2")
    connection.commit()
    connection.close()
    broken = verify()
    assert broken.returncode == 1 and "event seq 2: edited" in broken.stdout


def push_concurrently(urls: list[str], token: str, clients: int, tickets: int) -> int:
    """`clients` threads, each pushing its tickets one event per request, round robin over
    `urls`; returns the number of events accepted."""
    accepted: list[int] = []
    errors: list[BaseException] = []

    def client(number: int) -> None:
        session = requests.Session()
        try:
            for k in range(tickets):
                for n, item in enumerate(ticket(f"C{number}-{k}")):
                    url = urls[(number + n) % len(urls)]
                    response = session.post(
                        f"{url}/api/v1/events",
                        json={"events": [item]},
                        headers=bearer(token),
                        timeout=120,
                    )
                    assert response.status_code == 200, response.text
                    assert response.json()["results"][0]["status"] == "accepted"
                    accepted.append(1)
        except BaseException as exc:  # pragma: no cover - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[0]
    return len(accepted)


def test_concurrent_pushes_to_a_server_leave_an_intact_chain(db_url: str) -> None:
    central = Central.open(db_url)
    try:
        central.record(ADMIN, [org_event()], "127.0.0.1")
        token = central.add_user("agent-user", "agent")
        with ThreadServer(central) as server:
            count = push_concurrently([server.url], token, clients=8, tickets=4)
        assert count == 8 * 4 * 3
        assert central.event_count() == count + 1
        assert central.verify_audit() == []
    finally:
        central.close()


def test_two_server_processes_on_postgresql_chain_as_one(pg_url: str, tmp_path: Path) -> None:
    with Central.open(pg_url) as central:
        central.record(ADMIN, [org_event()], "127.0.0.1")
        token = central.add_user("agent-user", "agent")
    servers = [ProcessServer(pg_url, tmp_path / "a"), ProcessServer(pg_url, tmp_path / "b")]
    try:
        for server in servers:
            server.start()
        count = push_concurrently([s.url for s in servers], token, clients=6, tickets=3)
    finally:
        for server in servers:
            server.stop()
    with Central.open(pg_url) as central:
        assert central.event_count() == count + 1
        problems: list[AuditProblem] = central.verify_audit()
        assert problems == []
        with central.reader.connect() as conn:
            assert event_chain.stored_head(conn) == event_chain.last_event(conn)
