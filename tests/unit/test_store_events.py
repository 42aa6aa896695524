"""Local store: recording events atomically with the outbox, idempotency, remote ingest."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import Event, new_event
from halt_desk.store import EventConflict, Store, UnknownStream
from halt_desk.store.engine import BUSY_TIMEOUT_MS
from tests.unit.sqlite_rows import sql_rows

NOW = datetime.fromisoformat("2027-01-12T10:05:00+01:00")


def ev(stream: str, type_: str, at: str, data: dict[str, Any] | None = None) -> Event:
    return new_event(stream, type_, datetime.fromisoformat(at), "agent-1", data)


def org(key: str = "halt", profile: str = "halt", at: str = "2027-01-04T09:00:00+01:00") -> Event:
    return ev(
        f"org:{key}", "organisation_registered", at, {"name": key.title(), "profile": profile}
    )


def report(ticket: str = "T1", at: str = "2027-01-12T10:00:00+01:00") -> Event:
    return ev(
        f"ticket:{ticket}",
        "ticket_reported",
        at,
        {
            "org": "halt",
            "caller": "emp-7",
            "summary": "VPN down",
            "channel": "phone",
            "priority": "P2",
        },
    )


@pytest.fixture
def store(path: Path) -> Iterator[Store]:
    with Store.open(path, clock=lambda: NOW) as opened:
        yield opened


def test_record_event_writes_the_event_and_its_outbox_row(store: Store, path: Path) -> None:
    event = org()
    assert store.record_event(event) is True
    assert store.events_for("org:halt") == [event]
    assert sql_rows(path, "SELECT event_id, attempts, last_error FROM outbox") == [
        (event.id, 0, None)
    ]
    assert sql_rows(path, "SELECT origin, seq FROM events") == [("local", None)]


def test_recording_the_same_event_again_returns_false_and_adds_no_outbox_row(
    store: Store, path: Path
) -> None:
    event = org()
    store.record_event(event)
    assert store.record_event(event) is False
    assert sql_rows(path, "SELECT count(*) FROM events") == [(1,)]
    assert sql_rows(path, "SELECT count(*) FROM outbox") == [(1,)]


def test_a_duplicate_of_a_sent_event_is_not_queued_again(store: Store) -> None:
    event = org()
    store.record_event(event)
    store.mark_sent([event.id])
    assert store.record_event(event) is False
    assert store.pending_outbox() == []


def test_a_reused_id_with_other_content_raises_event_conflict_and_changes_nothing(
    store: Store, path: Path
) -> None:
    event = org()
    store.record_event(event)
    before = sql_rows(path, "SELECT * FROM events"), sql_rows(path, "SELECT * FROM organisations")
    other = replace(event, data={"name": "Other", "profile": "halt"})
    with pytest.raises(EventConflict, match=event.id) as raised:
        store.record_event(other)
    assert "data differs" in str(raised.value)
    assert (
        sql_rows(path, "SELECT * FROM events"),
        sql_rows(path, "SELECT * FROM organisations"),
    ) == before
    assert sql_rows(path, "SELECT count(*) FROM outbox") == [(1,)]


def test_the_same_instant_with_another_offset_is_other_content(store: Store) -> None:
    event = org()
    store.record_event(event)
    shifted = replace(event, at=event.at.astimezone(UTC))
    with pytest.raises(EventConflict, match="at differs"):
        store.record_event(shifted)


def test_an_invalid_event_is_refused_before_anything_is_stored(store: Store, path: Path) -> None:
    bad = replace(org(), type="ticket_reported")  # not a type of an org stream
    with pytest.raises(InvalidEvent, match="type"):
        store.record_event(bad)
    assert sql_rows(path, "SELECT count(*) FROM events") == [(0,)]


@pytest.mark.parametrize(
    ("event_id", "accepted"),
    [
        ("7d4f2d8e-3c1b-4b7a-9f5e-2a6c8b1d0e3f", True),
        ("7D4F2D8E-3C1B-4B7A-9F5E-2A6C8B1D0E3F", True),  # other spellings uuid.UUID takes
        ("{7d4f2d8e-3c1b-4b7a-9f5e-2a6c8b1d0e3f}", True),
        ("7d4f2d8e3c1b4b7a9f5e2a6c8b1d0e3f", True),
        ("7d4f2d8e-3c1b-4b7a-9f5e-2a6c8b1d0e3", False),
        ("7d4f2d8e-3c1b-4b7a-9f5e-2a6c8b1d0e3f\n", False),
        ("not-a-uuid", False),
    ],
)
def test_an_event_id_is_any_uuid_spelling(event_id: str, accepted: bool) -> None:
    wire = {**org().to_json(), "id": event_id}
    if accepted:
        assert Event.from_json(wire).id == event_id
    else:
        with pytest.raises(InvalidEvent, match="is not a UUID"):
            Event.from_json(wire)


def test_an_event_whose_data_is_not_plain_json_is_refused(store: Store, path: Path) -> None:
    bad = replace(org(), data={"name": "Halt", "profile": "halt", "since": datetime(2027, 1, 1)})
    with pytest.raises(InvalidEvent, match="data"):
        store.record_event(bad)
    assert sql_rows(path, "SELECT count(*) FROM events") == [(0,)]


def test_a_failing_projection_stores_neither_the_event_nor_its_outbox_row(
    store: Store, path: Path
) -> None:
    store.record_event(org())
    orphan = ev("ticket:T404", "first_response", "2027-01-12T10:10:00+01:00", {"channel": "phone"})
    with pytest.raises(UnknownStream, match="ticket:T404"):
        store.record_event(orphan)
    assert store.events_for("ticket:T404") == []
    assert sql_rows(path, "SELECT count(*) FROM events") == [(1,)]
    assert sql_rows(path, "SELECT count(*) FROM outbox") == [(1,)]
    assert store.ticket("T404") is None


def test_events_for_orders_by_instant_across_offsets_then_by_insertion(store: Store) -> None:
    store.record_event(org())
    opened = report()  # 09:00 UTC
    noon_cet = ev("ticket:T1", "comment", "2027-01-12T11:30:00+01:00", {"text": "a"})
    noon_utc = ev(
        "ticket:T1", "comment", "2027-01-12T10:30:00+00:00", {"text": "b"}
    )  # same instant
    recorded_late = ev("ticket:T1", "comment", "2027-01-12T09:20:00+00:00", {"text": "c"})
    for event in (opened, noon_cet, noon_utc, recorded_late):
        store.record_event(event)
    assert store.events_for("ticket:T1") == [opened, recorded_late, noon_cet, noon_utc]


def test_events_come_back_with_the_offset_and_data_they_were_recorded_with(store: Store) -> None:
    event = ev(
        "org:halt",
        "organisation_registered",
        "2027-07-01T09:00:00+02:00",
        {"name": "Halt", "profile": "halt", "tags": ["a", "b"], "size": 300, "nested": {"x": 1.5}},
    )
    store.record_event(event)
    (stored,) = store.events_for("org:halt")
    assert stored == event
    assert stored.at.isoformat() == "2027-07-01T09:00:00+02:00"


def test_pending_outbox_returns_the_oldest_first_up_to_the_limit(store: Store) -> None:
    events = [org(f"org{i}") for i in range(5)]
    for event in events:
        store.record_event(event)
    assert store.pending_outbox(limit=3) == events[:3]


def test_mark_sent_removes_only_the_given_outbox_rows(store: Store) -> None:
    events = [org(f"org{i}") for i in range(3)]
    for event in events:
        store.record_event(event)
    assert store.mark_sent([events[0].id, events[2].id, str(uuid.uuid4())]) == 2
    assert store.pending_outbox() == [events[1]]
    assert len(store.events_for("org:org0")) == 1  # the event itself stays


def test_a_failed_delivery_is_counted_with_its_reason(store: Store, path: Path) -> None:
    event = org()
    store.record_event(event)
    store.record_send_failure([event.id], "HTTP 503")
    store.record_send_failure([event.id], "timeout")
    assert sql_rows(path, "SELECT attempts, last_error FROM outbox") == [(2, "timeout")]
    assert store.pending_outbox() == [event]


def test_record_events_one_by_one_counts_only_new_events(store: Store) -> None:
    first, second = org("a"), org("b")
    store.record_event(first)
    assert store.record_events([first, second]) == 1


def test_bulk_recording_stores_every_event_and_outbox_row(store: Store, path: Path) -> None:
    events = [org(), *(report(f"T{i}") for i in range(50))]
    assert store.record_events(events, bulk=True) == 51
    assert sql_rows(path, "SELECT count(*) FROM outbox") == [(51,)]
    assert len(store.tickets()) == 50


def test_bulk_recording_folds_reference_data_before_tickets_whatever_the_order(
    store: Store,
) -> None:
    assert store.record_events([report("T1"), org()], bulk=True) == 2
    ticket = store.ticket("T1")
    assert ticket is not None and ticket.org == "halt"


def test_bulk_recording_stores_nothing_if_one_event_fails(store: Store, path: Path) -> None:
    events = [org(), report("T1"), ev("ticket:T9", "resolved", "2027-01-12T12:00:00+01:00")]
    with pytest.raises(UnknownStream, match="ticket:T9"):
        store.record_events(events, bulk=True)
    assert sql_rows(path, "SELECT count(*) FROM events") == [(0,)]
    assert sql_rows(path, "SELECT count(*) FROM outbox") == [(0,)]
    assert store.tickets() == []


def test_bulk_recording_skips_a_repeated_event_within_the_batch(store: Store, path: Path) -> None:
    event = org()
    assert store.record_events([event, event], bulk=True) == 1
    assert sql_rows(path, "SELECT count(*) FROM outbox") == [(1,)]


def test_bulk_recording_detects_a_conflict_within_the_batch(store: Store, path: Path) -> None:
    event = org()
    with pytest.raises(EventConflict):
        store.record_events([event, replace(event, actor="someone-else")], bulk=True)
    assert sql_rows(path, "SELECT count(*) FROM events") == [(0,)]


def test_ingest_remote_stores_events_without_outbox_rows_and_moves_the_cursor(
    store: Store, path: Path
) -> None:
    events = [org(), report("T1")]
    assert store.ingest_remote([(11, events[0]), (12, events[1])]) == 2
    assert sql_rows(path, "SELECT origin, seq FROM events ORDER BY seq") == [
        ("remote", 11),
        ("remote", 12),
    ]
    assert store.pending_outbox() == []
    assert store.last_pulled_seq() == 12
    assert store.ticket("T1") is not None


def test_ingesting_the_same_remote_events_again_changes_nothing(store: Store, path: Path) -> None:
    events = [(1, org()), (2, report("T1"))]
    store.ingest_remote(events)
    before = sql_rows(path, "SELECT * FROM events")
    assert store.ingest_remote(events) == 0
    assert sql_rows(path, "SELECT * FROM events") == before


def test_our_own_event_coming_back_from_central_gets_its_seq_and_leaves_the_outbox(
    store: Store, path: Path
) -> None:
    event = org()
    store.record_event(event)
    assert store.ingest_remote([(40, event)]) == 0
    assert sql_rows(path, "SELECT origin, seq FROM events") == [("local", 40)]
    assert store.pending_outbox() == []


def test_a_remote_event_conflicting_with_a_stored_one_changes_nothing(
    store: Store, path: Path
) -> None:
    event = org()
    store.record_event(event)
    with pytest.raises(EventConflict):
        store.ingest_remote([(5, replace(event, actor="other"))])
    assert sql_rows(path, "SELECT seq FROM events") == [(None,)]
    assert store.last_pulled_seq() == 0
    assert store.pending_outbox() == [event]


def test_the_sync_cursor_never_moves_back(store: Store) -> None:
    store.ingest_remote([(20, org("a"))])
    store.ingest_remote([(7, org("b"))])
    assert store.last_pulled_seq() == 20


def test_reads_do_not_wait_for_another_writer(store: Store, path: Path) -> None:
    store.record_event(org())
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE sync_cursor SET last_seq = 99")
        started = time.monotonic()
        assert len(store.events_for("org:halt")) == 1
        assert store.last_pulled_seq() == 0  # the uncommitted write is not visible
        # A read that waited for the writer would wait out the busy timeout (30 s); a third
        # of it leaves room for a loaded machine.
        assert time.monotonic() - started < BUSY_TIMEOUT_MS / 1000 / 3
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_writer_waits_for_the_lock_instead_of_failing(store: Store, path: Path) -> None:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    release.start()
    try:
        assert store.record_event(org()) is True
    finally:
        release.join()
        other.close()
    assert len(store.pending_outbox()) == 1
