"""Each central process keeps what its writer read of tickets, devices and organisations
(StreamCache): a write by another process on the same database must never be missed."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from halt_desk.central.auth import Role, User
from halt_desk.central.group_commit import GroupCommitter, _Submission
from halt_desk.central.schema import events, swaps
from halt_desk.central.service import Central
from halt_desk.central.validation import EventResult
from tests.central_server import ProcessServer, bearer

START = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
ADMIN = User(1, "admin-user", Role.ADMIN, None)
AGENT = User(2, "agent-user", Role.AGENT, None)
FIELD = User(3, "field-user", Role.FIELD, None)
LOGISTICS = User(4, "logistics-user", Role.LOGISTICS, None)


def ev(stream: str, kind: str, minutes: int, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": (START + timedelta(minutes=minutes)).isoformat(),
        "actor": "tester",
        "data": data or {},
    }


def reported(key: str, org: str = "halt") -> dict[str, Any]:
    data = {"org": org, "caller": "e1", "summary": "Laptop", "priority": "P3"}
    return ev(f"ticket:{key}", "ticket_reported", 0, data)


def org(key: str) -> dict[str, Any]:
    return ev(f"org:{key}", "organisation_registered", 0, {"name": key, "profile": "halt"})


def registered(tag: str) -> dict[str, Any]:
    data = {"serial": "S1", "model": "X1", "type": "laptop", "org": "halt", "depot": "d1"}
    return ev(f"device:{tag}", "device_registered", 0, data)


def checked(tag: str, minutes: int) -> dict[str, Any]:
    data = {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True}
    return ev(f"device:{tag}", "readiness_checked", minutes, data)


@pytest.fixture
def two_centrals(db_url: str) -> Iterator[tuple[Central, Central]]:
    """Two `Central`s on one database, each with its own cache, as two processes have."""
    first = Central.open(db_url)
    second = Central.open(db_url)
    try:
        yield first, second
    finally:
        first.close()
        second.close()


def status(central: Central, user: User, event: dict[str, Any]) -> tuple[str, str | None]:
    (result,) = central.record(user, [event], "127.0.0.1")
    return result.status, result.reason


def test_what_another_central_changed_is_seen_on_the_next_push(
    two_centrals: tuple[Central, Central],
) -> None:
    a, b = two_centrals
    stream = "ticket:T1"
    assert status(a, ADMIN, org("halt"))[0] == "accepted"
    # a learns that the ticket, the organisation and the device do not exist...
    assert status(a, AGENT, ev(stream, "comment", 5, {"text": "x"}))[0] == "rejected"
    assert status(a, AGENT, reported("T2", org="other"))[0] == "rejected"
    assert status(a, LOGISTICS, checked("LT-1", 5))[0] == "rejected"
    # ...and then b creates all three.
    assert status(b, AGENT, reported("T1"))[0] == "accepted"
    assert status(b, ADMIN, org("other"))[0] == "accepted"
    assert status(b, LOGISTICS, registered("LT-1"))[0] == "accepted"
    assert status(a, AGENT, ev(stream, "first_response", 10, {"channel": "phone"}))[0] == (
        "accepted"
    )
    assert status(a, AGENT, reported("T2", org="other"))[0] == "accepted"
    assert status(a, LOGISTICS, checked("LT-1", 5))[0] == "accepted"

    # The field engineer may record once b assigned the ticket to them, not before.
    refused, reason = status(a, FIELD, ev(stream, "onsite_arrival", 20))
    assert refused == "rejected" and "assigned" in (reason or "")
    assert status(b, AGENT, ev(stream, "assigned", 25, {"to": FIELD.name}))[0] == "accepted"
    assert status(a, FIELD, ev(stream, "onsite_arrival", 30))[0] == "accepted"

    # Closed by b: a refuses more clock events and still takes a comment.
    assert status(b, AGENT, ev(stream, "closed", 40))[0] == "accepted"
    refused, reason = status(a, AGENT, ev(stream, "status_update", 50))
    assert (refused, reason) == ("rejected", "ticket T1 is closed")
    assert status(a, AGENT, ev(stream, "comment", 55, {"text": "nazorg"}))[0] == "accepted"

    # A duplicate of an event b accepted is a duplicate for a too, with b's seq.
    event = ev(stream, "comment", 60, {"text": "één keer"})
    (by_b,) = b.record(AGENT, [event], "127.0.0.1")
    (by_a,) = a.record(AGENT, [event], "127.0.0.1")
    assert by_b.status == "accepted" and (by_a.status, by_a.seq) == ("duplicate", by_b.seq)

    with a.engine.connect() as conn:
        seqs = list(conn.execute(select(events.c.seq).order_by(events.c.seq)).scalars())
    assert seqs == list(range(1, len(seqs) + 1))
    # What a keeps of the ticket is its whole history, b's events included.
    for central in (a, b):
        for user in (AGENT, FIELD):
            state = central.ticket_state(user, "T1", "127.0.0.1")
            assert state is not None and state["assignee"] == FIELD.name
    assert status(a, AGENT, ev(stream, "comment", 70, {"text": "laatste"}))[0] == "accepted"
    history = a._streams.histories[stream]
    with a.engine.connect() as conn:
        stored = conn.execute(
            select(events.c.id).where(events.c.stream == stream).order_by(events.c.seq)
        ).all()
    assert [e.id for e in history] == [row.id for row in stored]


def test_two_server_processes_take_turns_on_one_ticket(db_url: str, tmp_path: Path) -> None:
    central = Central.open(db_url)
    tokens = {name: central.add_user(f"{name}-user", name) for name in ("admin", "agent")}
    tokens["field"] = central.add_user("field-user", "field")
    central.close()
    servers = [ProcessServer(db_url, tmp_path / f"data{n}") for n in (1, 2)]
    for server in servers:
        server.start()
    session = requests.Session()

    def push(server: ProcessServer, who: str, event: dict[str, Any]) -> str:
        response = session.post(
            f"{server.url}/api/v1/events",
            json={"events": [event]},
            headers=bearer(tokens[who]),
            timeout=30,
        )
        response.raise_for_status()
        result: str = response.json()["results"][0]["status"]
        return result

    try:
        one, two = servers
        assert push(one, "admin", org("halt")) == "accepted"
        stream = "ticket:P1"
        assert push(two, "agent", reported("P1")) == "accepted"
        # Both processes have read the ticket now, with nobody assigned.
        assert push(one, "field", ev(stream, "onsite_arrival", 5)) == "rejected"
        assert push(two, "field", ev(stream, "onsite_arrival", 6)) == "rejected"
        for minute in range(10, 50, 10):  # turns, each process seeing the other's event
            server = one if minute % 20 else two
            assert push(server, "agent", ev(stream, "status_update", minute)) == "accepted"
        assert push(two, "agent", ev(stream, "assigned", 55, {"to": "field-user"})) == "accepted"
        assert push(one, "field", ev(stream, "onsite_arrival", 60)) == "accepted"
        assert push(one, "agent", ev(stream, "closed", 70)) == "accepted"
        assert push(two, "field", ev(stream, "workaround", 80)) == "rejected"
        assert push(two, "agent", ev(stream, "comment", 90, {"text": "klaar"})) == "accepted"
        changes = session.get(
            f"{one.url}/api/v1/changes", headers=bearer(tokens["agent"]), timeout=30
        ).json()["events"]
        assert [e["seq"] for e in changes] == list(range(1, len(changes) + 1))
        assert [e["type"] for e in changes if e["stream"] == stream] == [
            "ticket_reported",
            *["status_update"] * 4,
            "assigned",
            "onsite_arrival",
            "closed",
            "comment",
        ]
    finally:
        for server in servers:
            server.stop()


def test_two_centrals_pushing_to_the_same_tickets_at_once_keep_every_rule(
    two_centrals: tuple[Central, Central],
) -> None:
    """Each central checks its groups before it takes the write lock; whatever the other
    one committed in between on the same streams makes it check again under the lock.
    Pushed at once from both: every event once, gap-free seqs, a closed ticket takes no
    more clock events, and what each cache keeps is what the database holds."""
    a, b = two_centrals
    assert status(a, ADMIN, org("halt"))[0] == "accepted"
    keys = [f"C{n}" for n in range(4)]
    for key in keys:
        assert status(b, AGENT, reported(key))[0] == "accepted"
    results: dict[str, list[Any]] = {"a": [], "b": []}
    start = threading.Barrier(2)
    retries: list[tuple[str, int | None, int | None]] = []

    def pusher(name: str, central: Central) -> None:
        start.wait()
        for minute in range(1, 41):
            key = keys[minute % len(keys)]
            kind = "closed" if minute == 30 and name == "a" else "status_update"
            event = ev(f"ticket:{key}", kind, minute)
            results[name] += [(key, kind, r) for r in central.record(AGENT, [event], "x")]
            first = results[name][-1][2]
            if minute % 10 == 0 and first.status == "accepted":  # a retry: a duplicate
                (again,) = central.record(AGENT, [event], "x")
                retries.append((again.status, again.seq, first.seq))

    threads = [
        threading.Thread(target=pusher, args=(name, central))
        for name, central in (("a", a), ("b", b))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results["a"]) == len(results["b"]) == 40  # neither thread failed
    assert retries and all(status == "duplicate" and seq == was for status, seq, was in retries)
    accepted = [r.seq for rs in results.values() for _, _, r in rs if r.status == "accepted"]
    with a.engine.connect() as conn:
        stored = conn.execute(select(events.c.seq, events.c.stream, events.c.type)).all()
    seqs = sorted(seq for seq, _, _ in stored)
    assert seqs == list(range(1, len(seqs) + 1))
    assert sorted(accepted) == seqs[-len(accepted) :]
    closed_key = keys[30 % len(keys)]
    types = [kind for seq, stream, kind in sorted(stored) if stream == f"ticket:{closed_key}"]
    assert "closed" in types and "status_update" not in types[types.index("closed") :]
    assert a.verify_audit() == []  # the events' chain too, in seq order across both
    for central in (a, b):  # one more push each brings the cache up to date
        for key in keys:
            status(central, AGENT, ev(f"ticket:{key}", "comment", 99, {"text": "x"}))
    with a.engine.connect() as conn:
        for key in keys:
            ids = list(
                conn.execute(
                    select(events.c.id)
                    .where(events.c.stream == f"ticket:{key}")
                    .order_by(events.c.seq)
                ).scalars()
            )
            for central in (a, b):
                cached = central._streams.histories.get(f"ticket:{key}")
                assert cached is None or [e.id for e in cached] == ids[: len(cached)]


def test_a_ticket_another_central_reported_before_is_not_reported_twice(
    two_centrals: tuple[Central, Central],
) -> None:
    """A report of a ticket the cache does not know is checked as new without reading;
    under the write lock the central finds the ticket stored (by b, before anything a
    caught up with) and checks again: refused."""
    a, b = two_centrals
    assert status(a, ADMIN, org("halt"))[0] == "accepted"
    assert status(b, AGENT, reported("T1"))[0] == "accepted"
    assert status(a, AGENT, reported("T2"))[0] == "accepted"  # a caught up past b's report
    assert "ticket:T1" not in a._streams.histories
    assert status(a, AGENT, reported("T1")) == ("rejected", "ticket T1 was reported already")
    assert status(a, AGENT, ev("ticket:T1", "comment", 5, {"text": "x"}))[0] == "accepted"


def test_batches_that_arrive_while_the_lock_is_awaited_join_the_group(
    two_centrals: tuple[Central, Central],
) -> None:
    """When another central wrote since, `more` (what queued up meanwhile) joins a group
    under the write lock: checked with what the group did before it, numbered after it, in
    one commit; also when the group itself has to be checked again because the other
    central changed its ticket. Alone, a central leaves it for the next group."""
    a, b = two_centrals
    assert status(a, ADMIN, org("halt"))[0] == "accepted"
    assert status(a, AGENT, reported("T1"))[0] == "accepted"
    late = [(AGENT, [ev("ticket:T1", "comment", 2, {"text": "later"})], "x")]
    assert len(a.record_many([(AGENT, [reported("T0")], "x")], lambda: late)) == 1
    # Held: T2 is reported by the group, and a late batch already records on it.
    assert status(b, AGENT, reported("T9"))[0] == "accepted"
    late = [(AGENT, [ev("ticket:T2", "first_response", 5, {"channel": "phone"})], "x")]
    outcomes = a.record_many([(AGENT, [reported("T2")], "x")], lambda: late)
    assert [[r.status for r in results] for results in outcomes] == [["accepted"]] * 2
    assert outcomes[1][0].seq == outcomes[0][0].seq + 1  # type: ignore[operator]
    # Not held: b closed T1 after a cached it; the whole group is checked again.
    assert status(b, AGENT, ev("ticket:T1", "closed", 10))[0] == "accepted"
    late = [(AGENT, [ev("ticket:T1", "comment", 20, {"text": "nazorg"})], "y")]
    outcomes = a.record_many([(AGENT, [ev("ticket:T1", "status_update", 15)], "x")], lambda: late)
    (refused,), (taken,) = outcomes
    assert (refused.status, refused.reason) == ("rejected", "ticket T1 is closed")
    assert taken.status == "accepted"
    with a.engine.connect() as conn:
        seqs = list(conn.execute(select(events.c.seq).order_by(events.c.seq)).scalars())
    assert seqs == list(range(1, len(seqs) + 1))
    assert a.verify_audit() == []


def test_a_late_batch_that_resends_a_stored_event_is_answered_as_a_duplicate(
    two_centrals: tuple[Central, Central],
) -> None:
    """A late batch whose streams are all at hand joins the group without a read under the
    lock: its ids are taken for new, and the events' unique id is the check. A resent event
    (a client's retry) fails the group's COMMIT, nothing of the group is written, and the
    writer then records its batches one by one: the retry is a duplicate with its seq."""
    a, b = two_centrals
    assert status(a, ADMIN, org("halt"))[0] == "accepted"
    assert status(a, AGENT, reported("T1"))[0] == "accepted"
    sent = ev("ticket:T1", "comment", 2, {"text": "eerst"})
    (stored,) = a.record(AGENT, [sent], "x")
    assert status(b, AGENT, reported("T9"))[0] == "accepted"  # others wrote: late ones join
    with pytest.raises(IntegrityError):
        a.record_many([(AGENT, [reported("T2")], "x")], lambda: [(AGENT, [sent], "x")])
    with a.engine.connect() as conn:
        assert "ticket:T2" not in set(conn.execute(select(events.c.stream)).scalars())
    committer = GroupCommitter(a)
    committer.close()  # its thread stopped: the group is committed here, step by step
    first = _Submission(AGENT, [reported("T2")], "x", Future())
    again = _Submission(AGENT, [sent], "x", Future())
    assert status(b, AGENT, reported("T8"))[0] == "accepted"
    committer._queue.put(again)
    committer._commit([first], late=True)
    assert first.result is not None and again.result is not None
    assert first.result.result()[0].status == "accepted"
    assert again.result.result() == [EventResult(sent["id"], "duplicate", stored.seq)]
    assert a.verify_audit() == []


def test_a_late_batch_reporting_a_ticket_takes_it_for_new_and_the_key_checks_it(
    two_centrals: tuple[Central, Central],
) -> None:
    """A late batch that reports a ticket the cache does not know takes it for new without
    a read under the lock, as a group does ahead of it: a new ticket is recorded with what
    follows it in the batch. If another central reported it already, the tickets' primary
    key fails the group's COMMIT, nothing of the group is written, and the writer then
    records its batches one by one: the second report is refused, the rest accepted."""
    a, b = two_centrals
    assert status(a, ADMIN, org("halt"))[0] == "accepted"
    assert status(a, AGENT, reported("T1"))[0] == "accepted"
    assert status(b, AGENT, reported("T9"))[0] == "accepted"  # others wrote: late ones join
    follow = ev("ticket:T3", "first_response", 5, {"channel": "phone"})
    late = [(AGENT, [reported("T3"), follow], "y")]
    outcomes = a.record_many(
        [(AGENT, [ev("ticket:T1", "comment", 2, {"text": "x"})], "x")], lambda: late
    )
    assert [[r.status for r in results] for results in outcomes] == [["accepted"], ["accepted"] * 2]

    assert status(b, AGENT, reported("T4"))[0] == "accepted"  # b's, unknown to a's cache
    assert "ticket:T4" not in a._streams.histories
    twice = reported("T4")
    with pytest.raises(IntegrityError):
        a.record_many([(AGENT, [reported("T5")], "x")], lambda: [(AGENT, [twice], "y")])
    with a.engine.connect() as conn:
        assert "ticket:T5" not in set(conn.execute(select(events.c.stream)).scalars())
    committer = GroupCommitter(a)
    committer.close()  # its thread stopped: the group is committed here, step by step
    first = _Submission(AGENT, [reported("T5")], "x", Future())
    again = _Submission(AGENT, [twice], "y", Future())
    assert status(b, AGENT, reported("T6"))[0] == "accepted"
    committer._queue.put(again)
    committer._commit([first], late=True)
    assert first.result is not None and again.result is not None
    assert first.result.result()[0].status == "accepted"
    (refused,) = again.result.result()
    assert (refused.status, refused.reason) == ("rejected", "ticket T4 was reported already")
    with a.engine.connect() as conn:
        seqs = list(conn.execute(select(events.c.seq).order_by(events.c.seq)).scalars())
    assert seqs == list(range(1, len(seqs) + 1))
    assert a.verify_audit() == []


def test_swap_rows_and_device_organisations_another_central_changed_are_seen(
    two_centrals: tuple[Central, Central],
) -> None:
    """What tenancy checks against is caught up like the rest: a swap row a holds does not
    write back what b changed since (a's group is checked again under the lock), and a
    device b registered for another organisation is refused to a user bound elsewhere."""
    a, b = two_centrals
    for key in ("halt", "other"):
        assert status(a, ADMIN, org(key))[0] == "accepted"
    assert status(a, AGENT, reported("T1"))[0] == "accepted"
    opening = {"ticket": "T1", "mode": "onsite", "engineer": "e1"}
    assert status(a, LOGISTICS, ev("swap:S1", "swap_opened", 5, opening))[0] == "accepted"
    assert a._streams.swaps["S1"] is not None
    update = ev("swap:S1", "swap_updated", 10, {"engineer": "e2"})
    assert status(b, LOGISTICS, update)[0] == "accepted"
    closing = ev("swap:S1", "swap_closed", 15, {"outcome": "swapped"})
    assert status(a, LOGISTICS, closing)[0] == "accepted"
    with a.engine.connect() as conn:
        row = conn.execute(select(swaps).where(swaps.c.id == "S1")).one()
    assert (row.org, row.engineer, row.closed) == ("halt", "e2", True)

    bound = User(5, "halt-logistics", Role.LOGISTICS, frozenset({"halt"}))
    assert status(a, bound, checked("LT-9", 5))[0] == "rejected"  # a: no such device
    other = {"serial": "S9", "model": "X1", "type": "laptop", "org": "other", "depot": "d1"}
    assert status(b, LOGISTICS, ev("device:LT-9", "device_registered", 0, other))[0] == ("accepted")
    assert status(a, bound, checked("LT-9", 10))[0] == "rejected"  # another organisation's
    assert status(a, LOGISTICS, checked("LT-9", 10))[0] == "accepted"
    with a.engine.connect() as conn:
        orgs = conn.execute(select(events.c.org).where(events.c.stream == "device:LT-9"))
        assert orgs.scalars().all() == ["other", "other"]
