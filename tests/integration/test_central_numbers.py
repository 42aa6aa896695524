"""Ticket numbers in each organisation's series (issue 18): `POST /api/v1/numbers` over real
HTTP on 127.0.0.1 (SQLite and a real PostgreSQL), concurrent reservations, and desks that
record tickets offline on their blocks and sync."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select

from halt_desk.central.schema import audit_log, number_blocks
from halt_desk.central.service import Central
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.domain.ticket_numbers import parse_ticket_id, series_year
from halt_desk.sync import SyncEngine, SyncState, client_factory
from halt_desk.sync.number_top_up import BLOCK, REFILL_BELOW, top_up_numbers
from tests.central_server import ThreadServer, bearer
from tests.sync_support import Desk, Laptop, wire

YEAR = series_year(datetime.now(UTC))
SERIES = re.compile(rf"^HALT-{YEAR}-[0-9]{{6}}$")
PROVISIONAL = re.compile(rf"^HALT-{YEAR}-V[A-HJKMNP-Z]{{6}}$")
INTAKE = Intake("e1", "Laptop start niet", "phone", "werkplek", "one", "stopped")


@pytest.fixture
def world(db_url: str) -> Iterator[tuple[Desk, ThreadServer]]:
    """The sync tests' central (org halt, employee e1) plus org desom, bound users, served."""
    desk = Desk.create(db_url)
    desk.seed(
        "admin",
        [
            wire("org:desom", "organisation_registered", {"name": "DeSom", "profile": "desom"}),
            wire("employee:d1", "employee_registered", {"org": "desom", "name": "Dirk"}),
        ],
    )
    desk.tokens["halt-agent"] = desk.central.add_user("halt-agent", "agent", ["halt"])
    with ThreadServer(desk.central) as server:
        yield desk, server
    desk.central.close()


def reserve(server: ThreadServer, token: str, body: Any) -> requests.Response:
    return requests.post(
        f"{server.url}/api/v1/numbers", json=body, headers=bearer(token), timeout=30
    )


# --- the endpoint -----------------------------------------------------------------------------
def test_blocks_follow_each_other_in_the_series_of_this_year_and_are_audited(
    world: tuple[Desk, ThreadServer],
) -> None:
    desk, server = world
    first = reserve(server, desk.tokens["agent-a"], {"org": "halt", "count": 50})
    second = reserve(server, desk.tokens["agent-b"], {"org": "halt", "count": 3})
    other = reserve(server, desk.tokens["agent-a"], {"org": "desom", "count": 2})
    assert first.status_code == second.status_code == other.status_code == 200, first.text
    series = f"HALT-{YEAR}"
    assert first.json() == {"org": "halt", "series": series, "year": YEAR, "first": 1, "last": 50}
    assert (second.json()["first"], second.json()["last"]) == (51, 53)
    assert (other.json()["series"], other.json()["first"], other.json()["last"]) == (
        f"DESOM-{YEAR}",
        1,
        2,
    )
    with desk.central.engine.connect() as conn:
        entries = conn.execute(
            select(audit_log.c.actor, audit_log.c.object, audit_log.c.org).where(
                audit_log.c.action == "numbers.reserved"
            )
        ).all()
        blocks = conn.execute(select(number_blocks.c.reserved_by)).scalars().all()
    assert sorted(entries) == [
        ("agent-a", f"series:DESOM-{YEAR}", "desom"),
        ("agent-a", f"series:HALT-{YEAR}", "halt"),
        ("agent-b", f"series:HALT-{YEAR}", "halt"),
    ]
    assert sorted(blocks) == ["agent-a", "agent-a", "agent-b"]
    assert desk.central.verify_audit() == []


def test_concurrent_reservations_never_overlap(world: tuple[Desk, ThreadServer]) -> None:
    """Threads over HTTP and a second Central on the same database (as another server
    process would be) reserve at once; every number is handed out exactly once."""
    desk, server = world
    other = Central.open(str(desk.central.engine.url.render_as_string(hide_password=False)))
    agent = desk.user("agent-a")
    start = threading.Barrier(8)

    def over_http(_: int) -> tuple[int, int]:
        start.wait(timeout=60)
        with requests.Session() as session:
            answers = []
            for _round in range(5):
                response = session.post(
                    f"{server.url}/api/v1/numbers",
                    json={"org": "halt", "count": 7},
                    headers=bearer(desk.tokens["agent-a"]),
                    timeout=60,
                )
                assert response.status_code == 200, response.text
                answers.append((response.json()["first"], response.json()["last"]))
        return answers  # type: ignore[return-value]

    def direct(_: int) -> list[tuple[int, int]]:
        start.wait(timeout=60)
        blocks = [other.reserve_numbers(agent, "halt", 7, "test") for _ in range(5)]
        return [(b.first, b.last) for b in blocks]

    try:
        with ThreadPoolExecutor(8) as pool:
            results = [pool.submit(over_http, i) for i in range(4)]
            results += [pool.submit(direct, i) for i in range(4)]
            ranges = [r for future in results for r in future.result(timeout=120)]
    finally:
        other.close()
    numbers = [n for first, last in ranges for n in range(first, last + 1)]
    assert len(ranges) == 40 and all(last - first == 6 for first, last in ranges)
    assert sorted(numbers) == list(range(1, 281))  # none twice, none skipped


@pytest.mark.parametrize(
    ("user", "org", "status"),
    [
        ("halt-agent", "desom", 403),  # bound to halt
        ("field-a", "halt", 403),  # a role that reports no tickets
        ("depot-a", "halt", 403),
        ("agent-a", "nosuchorg", 404),
        ("halt-agent", "nosuchorg", 403),  # a bound user learns nothing of other names
        ("agent-a", "ha\x00lt", 404),
    ],
)
def test_numbers_are_refused_to_who_may_not_report_tickets_of_the_organisation(
    world: tuple[Desk, ThreadServer], user: str, org: str, status: int
) -> None:
    desk, server = world
    response = reserve(server, desk.tokens[user], {"org": org, "count": 5})
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == status
    allowed = reserve(server, desk.tokens["halt-agent"], {"org": "halt", "count": 5})
    assert (allowed.status_code, allowed.json()["first"]) == (200, 1)  # nothing was taken


@pytest.mark.parametrize(
    "body",
    [
        {"org": "halt", "count": 0},
        {"org": "halt", "count": 501},
        {"org": "halt", "count": -3},
        {"org": "halt", "count": "50"},
        {"org": "halt", "count": 2.5},
        {"org": "halt", "count": True},
        {"org": "halt", "count": 5, "year": str(YEAR)},
        {"org": "halt", "count": 5, "year": 0},
        {"org": "halt"},
        {"count": 5},
        {"org": "", "count": 5},
        {"org": "h" * 101, "count": 5},
        [],
        "halt",
    ],
)
def test_bad_bodies_are_refused_with_a_problem(world: tuple[Desk, ThreadServer], body: Any) -> None:
    desk, server = world
    response = reserve(server, desk.tokens["agent-a"], body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    no_token = requests.post(f"{server.url}/api/v1/numbers", json={"org": "halt", "count": 1})
    assert no_token.status_code == 401
    not_json = requests.post(
        f"{server.url}/api/v1/numbers",
        data=b"{org",
        headers=bearer(desk.tokens["agent-a"]) | {"Content-Type": "application/json"},
        timeout=30,
    )
    assert not_json.status_code == 400


# --- what central accepts ---------------------------------------------------------------------
def report(ticket: str, org: str, caller: str) -> dict[str, Any]:
    data = {"org": org, "caller": caller, "summary": "Laptop", "channel": "phone", "priority": "P3"}
    return wire(f"ticket:{ticket}", "ticket_reported", data)


def test_central_refuses_a_number_of_another_organisation_or_year(
    world: tuple[Desk, ThreadServer],
) -> None:
    desk, _ = world
    agent = desk.user("agent-a")
    events = [
        report(f"HALT-{YEAR}-000001", "desom", "d1"),  # the series of halt, for desom
        report(f"DESOM-{YEAR}-VABCDEF", "halt", "e1"),  # a provisional id of desom
        report(f"HALT-{YEAR - 1}-000001", "halt", "e1"),  # last year's series
        report(f"DESOM-{YEAR}-000001", "desom", "d1"),
        report(f"HALT-{YEAR}-VABCDEF", "halt", "e1"),
        report(f"HALT-{YEAR}-K7M2Q9XW", "halt", "e1"),  # the older random form stays valid
    ]
    results = desk.central.record(agent, events, "test")
    assert [r.status for r in results] == ["rejected"] * 3 + ["accepted"] * 3
    assert "not of 'desom'" in (results[0].reason or "")
    assert f"a number of {YEAR - 1}" in (results[2].reason or "")


def test_a_number_a_ticket_took_is_never_handed_out_again(
    world: tuple[Desk, ThreadServer],
) -> None:
    """A ticket numbered outside any reservation (a central restored from a backup that
    lacks the block, data loaded from elsewhere) moves the series past its number."""
    desk, server = world
    agent = desk.user("agent-a")
    results = desk.central.record(agent, [report(f"HALT-{YEAR}-000120", "halt", "e1")], "t")
    assert results[0].status == "accepted"
    response = reserve(server, desk.tokens["agent-a"], {"org": "halt", "count": 5})
    assert (response.json()["first"], response.json()["last"]) == (121, 125)


# --- desks ------------------------------------------------------------------------------------
def restarted(desk: Desk, port: int) -> ThreadServer:
    return ThreadServer(desk.central, port=port).start()


def reconnect(laptop: Laptop, url: str, token: str) -> None:
    laptop.engine = SyncEngine(laptop.store, client_factory(url, token), laptop.clock)


def test_two_offline_desks_number_their_tickets_at_once_then_sync(
    tmp_path: Path, world: tuple[Desk, ThreadServer]
) -> None:
    desk, server = world
    a = Laptop(tmp_path / "a.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
    b = Laptop(tmp_path / "b.sqlite3", server.url, desk.tokens["agent-b"], "agent-b")
    try:
        for laptop in (a, b):  # signed in: the first round brings the orgs and their blocks
            assert laptop.engine.sync_once().state is SyncState.ONLINE
            held = {(n.org, n.year): n.left for n in laptop.store.numbers_left()}
            assert (held[("desom", YEAR)], held[("halt", YEAR)]) == (BLOCK, BLOCK)
        server.stop()
        assert a.engine.sync_once().state is SyncState.OFFLINE
        start = threading.Barrier(2)

        def record_tickets(laptop: Laptop) -> list[str]:
            start.wait(timeout=60)
            return [
                record_intake(laptop.store, INTAKE, laptop.user, laptop.clock.now())
                for _ in range(35)
            ]

        with ThreadPoolExecutor(2) as pool:
            ids_a, ids_b = pool.map(record_tickets, (a, b))
        ids = ids_a + ids_b
        assert all(SERIES.match(i) for i in ids), ids
        assert len(set(ids)) == 70
        again = restarted(desk, server.port)
        try:
            for laptop, token in ((a, "agent-a"), (b, "agent-b")):
                reconnect(laptop, again.url, desk.tokens[token])
                summary = laptop.engine.sync_once()
                assert (summary.state, summary.rejected, summary.pushed) == (
                    SyncState.ONLINE,
                    0,
                    35,
                )
                # topped up at this round: 15 left of the first block, plus a new one
                left = {(n.org, n.year): n.left for n in laptop.store.numbers_left()}
                assert left[("halt", YEAR)] == BLOCK - 35 + BLOCK
                assert left[("desom", YEAR)] == BLOCK  # not low, so not topped up
            central_ids = {e.stream_key for _, e in desk.events() if e.type == "ticket_reported"}
            assert set(ids) <= central_ids
            numbers = sorted(parse_ticket_id(i).number for i in ids)  # type: ignore[union-attr]
            assert numbers == sorted(set(numbers)) and numbers[-1] <= 2 * BLOCK
            for laptop in (a, b):
                laptop.engine.sync_once()
                assert {t.id for t in laptop.store.tickets()} == set(ids)
        finally:
            again.stop()
    finally:
        a.close()
        b.close()


def test_an_offline_desk_out_of_numbers_gives_a_provisional_id_that_stays(
    tmp_path: Path, world: tuple[Desk, ThreadServer]
) -> None:
    desk, server = world
    laptop = Laptop(tmp_path / "a.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
    path = laptop.store.path
    try:
        assert laptop.engine.sync_once().state is SyncState.ONLINE
        server.stop()
        ids = [
            record_intake(laptop.store, INTAKE, "agent-a", laptop.clock.now())
            for _ in range(BLOCK - REFILL_BELOW)
        ]
        laptop.close()  # the numbers taken survive a restart of the app
        laptop = Laptop(path, server.url, desk.tokens["agent-a"], "agent-a")
        ids += [
            record_intake(laptop.store, INTAKE, "agent-a", laptop.clock.now())
            for _ in range(REFILL_BELOW + 2)
        ]
        assert [parse_ticket_id(i).number for i in ids[:BLOCK]] == list(range(1, BLOCK + 1))  # type: ignore[union-attr]
        provisional = ids[BLOCK:]
        assert len(provisional) == 2 and all(PROVISIONAL.match(i) for i in provisional)
        again = restarted(desk, server.port)
        try:
            reconnect(laptop, again.url, desk.tokens["agent-a"])
            summary = laptop.engine.sync_once()
            assert (summary.state, summary.rejected) == (SyncState.ONLINE, 0)
            central_ids = {e.stream_key for _, e in desk.events() if e.type == "ticket_reported"}
            assert set(provisional) <= central_ids
            assert {t.id for t in laptop.store.tickets()} >= set(provisional)
            # refilled: the next ticket is numbered again, after the first block
            after = record_intake(laptop.store, INTAKE, "agent-a", laptop.clock.now())
            assert after == f"HALT-{YEAR}-{BLOCK + 1:06d}"
        finally:
            again.stop()
    finally:
        laptop.close()


def test_from_mid_december_a_desk_stocks_next_years_series_too(
    tmp_path: Path, world: tuple[Desk, ThreadServer]
) -> None:
    desk, server = world
    december = datetime(YEAR, 12, 20, 9, 0, tzinfo=UTC)
    desk.central.clock = lambda: december
    laptop = Laptop(tmp_path / "a.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
    try:
        assert laptop.engine.sync_once().state is SyncState.ONLINE  # the orgs
        client = client_factory(server.url, desk.tokens["agent-a"])(laptop.clock)
        with client:
            top_up_numbers(laptop.store, client, december, set())
        left = {(n.org, n.year): n.left for n in laptop.store.numbers_left()}
        assert left[("halt", YEAR + 1)] == left[("desom", YEAR + 1)] == BLOCK
        new_year = datetime(YEAR + 1, 1, 2, 9, 0, tzinfo=UTC)
        ticket = record_intake(laptop.store, INTAKE, "agent-a", new_year)
        assert ticket == f"HALT-{YEAR + 1}-000001"
        desk.central.clock = lambda: datetime(YEAR, 12, 1, 9, 0, tzinfo=UTC)
        early = reserve(
            server, desk.tokens["agent-a"], {"org": "halt", "count": 5, "year": YEAR + 1}
        )
        assert early.status_code == 409 and f"not of {YEAR + 1}" in early.json()["detail"]
        late = reserve(
            server, desk.tokens["agent-a"], {"org": "halt", "count": 5, "year": YEAR - 1}
        )
        assert late.status_code == 409
    finally:
        laptop.close()


def test_a_desk_whose_user_reports_no_tickets_asks_once_and_syncs_on(
    tmp_path: Path, world: tuple[Desk, ThreadServer]
) -> None:
    desk, server = world
    laptop = Laptop(tmp_path / "f.sqlite3", server.url, desk.tokens["field-a"], "field-a")
    try:
        for _ in range(2):
            summary = laptop.engine.sync_once()
            assert (summary.state, summary.error) == (SyncState.ONLINE, None)
        assert laptop.store.numbers_left() == []
    finally:
        laptop.close()
