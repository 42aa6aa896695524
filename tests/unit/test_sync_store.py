"""The store's side of sync: push results, rejected events, central's fold order, conflict
records, the clock offset, `record()` stamping, and the upgrade of an older cache."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import Connection, create_engine
from sqlalchemy import event as sqlalchemy_event

from halt_desk.domain.events import Event, new_event
from halt_desk.store import Store
from halt_desk.store import schema as store_schema
from tests.unit.sqlite_rows import sql_rows

AT = datetime(2027, 1, 12, 10, 0, tzinfo=UTC)
TAG = "device:HALT-LT-00042"
ALL_PASS = {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True}


def ev(stream: str, kind: str, minutes: int = 0, data: dict[str, object] | None = None) -> Event:
    return new_event(stream, kind, AT + timedelta(minutes=minutes), "tester", data or {})


def org() -> Event:
    return ev("org:halt", "organisation_registered", 0, {"name": "Halt", "profile": "halt"})


def report(ticket: str = "T1") -> Event:
    data = {"org": "halt", "caller": "e1", "channel": "phone", "priority": "P3"}
    return ev(f"ticket:{ticket}", "ticket_reported", 1, data)


class FixedClock:
    def __init__(self, offset: timedelta) -> None:
        self._offset = offset

    def device_now(self) -> datetime:
        return AT

    def offset(self) -> timedelta:
        return self._offset


def test_confirmed_events_leave_the_outbox_with_their_seq(path: Path) -> None:
    with Store.open(path) as store:
        event = org()
        store.record_event(event)
        assert store.apply_push_results({event.id: 7}, {}) == 1
        assert store.outbox_size() == 0
        assert sql_rows(path, "SELECT seq FROM events") == [(7,)]


def test_a_rejected_event_is_kept_with_its_reason_out_of_the_projection(path: Path) -> None:
    with Store.open(path) as store:
        store.ingest_remote(
            [(1, ev(TAG, "device_registered")), (2, ev(TAG, "readiness_checked", 1, ALL_PASS))]
        )
        mine = ev(TAG, "device_reserved", 5, {"swap": "S2", "ticket": "T2"})
        store.record_event(mine)
        assert store.device("HALT-LT-00042").state == "reserved"  # type: ignore[union-attr]
        store.apply_push_results({}, {mine.id: "device is reserved for swap S1"})
        (rejected,) = store.rejected_events()
        assert (rejected.event, rejected.reason) == (mine, "device is reserved for swap S1")
        assert store.pending_outbox() == [] and store.outbox_size() == 0
        assert store.device("HALT-LT-00042").state == "in_stock"  # type: ignore[union-attr]
        assert store.send_again([mine.id]) == 1
        assert store.pending_outbox() == [mine]
        assert store.device("HALT-LT-00042").state == "reserved"  # type: ignore[union-attr]


def test_remote_device_events_fold_in_seq_order_whatever_their_times(path: Path) -> None:
    # A laptop with a slow clock released the device "before" it was reserved.
    events = [
        ev(TAG, "device_registered", 0),
        ev(TAG, "readiness_checked", 1, ALL_PASS),
        ev(TAG, "device_reserved", 30, {"swap": "S1", "ticket": "T1"}),
        ev(TAG, "device_released", 20, {"swap": "S1"}),
    ]
    with Store.open(path) as store:
        assert store.ingest_remote(list(enumerate(events, start=1))) == 4
        assert store.device("HALT-LT-00042").state == "in_stock"  # type: ignore[union-attr]
        assert store.last_pulled_seq() == 4


def test_an_unsent_event_that_no_longer_fits_does_not_block_a_pull(path: Path) -> None:
    with Store.open(path) as store:
        store.ingest_remote(
            [(1, ev(TAG, "device_registered")), (2, ev(TAG, "readiness_checked", 1, ALL_PASS))]
        )
        mine = ev(TAG, "device_reserved", 5, {"swap": "S2", "ticket": "T2"})
        store.record_event(mine)
        theirs = ev(TAG, "device_reserved", 4, {"swap": "S1", "ticket": "T1"})
        assert store.ingest_remote([(3, theirs)]) == 1
        assert store.last_pulled_seq() == 3
        assert store.pending_outbox() == [mine]  # still sent; central will say why not


def test_record_stamps_central_time_device_time_offset_and_base(path: Path) -> None:
    with Store.open(path) as store:
        store.ingest_remote([(5, org())])
        clock = FixedClock(timedelta(minutes=10))
        event = store.record(
            "org:halt", "organisation_updated", "tester", {"name": "H"}, clock=clock
        )
        assert event.at == AT + timedelta(minutes=10)
        assert event.data["device_at"] == AT.isoformat()
        assert (event.data["clock_offset_ms"], event.data["base_seq"]) == (600_000, 5)
        assert store.pending_outbox() == [event]


def test_the_clock_offset_is_kept(path: Path) -> None:
    with Store.open(path) as store:
        assert store.clock_offset() is None
        store.save_clock_offset(timedelta(seconds=-42.5), AT)
    with Store.open(path) as store:
        known = store.clock_offset()
        assert known is not None and (known.offset, known.measured_at) == (
            timedelta(seconds=-42.5),
            AT,
        )


def test_a_concurrent_remote_edit_of_the_same_field_is_a_conflict_until_resolved(
    path: Path,
) -> None:
    with Store.open(path) as store:
        store.ingest_remote([(1, org()), (2, report())])
        clock = FixedClock(timedelta(hours=1))
        mine = store.record("ticket:T1", "assigned", "me", {"to": "jan"}, clock=clock)
        theirs = ev("ticket:T1", "assigned", 3, {"to": "piet", "base_seq": 2})
        informed = ev("ticket:T1", "assigned", 4, {"to": "kees", "base_seq": 99})
        store.apply_push_results({mine.id: 3}, {})
        store.ingest_remote([(4, theirs), (5, informed)])
        (conflict,) = store.conflicts()
        assert (conflict.field, conflict.local_event, conflict.remote_event) == (
            "assignee",
            mine,
            theirs,
        )
        assert store.ticket("T1").assignee == "kees"  # type: ignore[union-attr]
        recorded = store.resolve_conflict(conflict.id, mine.id, "me", clock=clock)
        assert [e.type for e in recorded] == ["conflict_resolved", "assigned"]
        assert recorded[0].data["events"] == sorted([mine.id, theirs.id])
        assert store.conflicts(open_only=True) == []
        assert store.ticket("T1").assignee == "jan"  # type: ignore[union-attr]


def test_a_cache_from_before_sync_is_upgraded_with_its_outbox_pending(path: Path) -> None:
    engine = create_engine(f"sqlite:///{path}")
    config = store_schema.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()
    event = org()
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "INSERT INTO events (id, stream, type, at, at_utc_us, actor, data, recorded_at,"
            " local_order, seq, origin) VALUES (?, ?, ?, ?, 0, ?, ?, ?, 1, NULL, 'local')",
            (
                event.id,
                event.stream,
                event.type,
                event.at.isoformat(),
                event.actor,
                json.dumps(dict(event.data), sort_keys=True),
                AT.isoformat(),
            ),
        )
        connection.execute(
            "INSERT INTO outbox (event_id, created) VALUES (?, ?)", (event.id, AT.isoformat())
        )
    connection.close()
    with Store.open(path) as store:
        assert store.pending_outbox() == [event]
        assert store.rejected_events() == [] and store.conflicts() == []
    assert sql_rows(path, "SELECT version_num FROM alembic_version") == [
        (store_schema.head_revision(),)
    ]
    assert list(path.parent.glob("*.bak-0001"))


def test_a_ticket_pulled_over_several_pages_has_the_row_of_one_pull(tmp_path: Path) -> None:
    # The first page folds the ticket from the page alone (no event of it stored before);
    # later pages fold it from everything stored, in seq order.
    events = [
        org(),
        report("T1"),
        ev("ticket:T1", "first_response", 20, {"channel": "phone"}),
        ev("ticket:T1", "priority_changed", 30, {"priority": "P2"}),
        ev("ticket:T1", "assigned", 40, {"to": "agent-b"}),
        ev("ticket:T1", "resolved", 50),
    ]
    paged, whole = tmp_path / "paged.sqlite3", tmp_path / "whole.sqlite3"
    with Store.open(paged, clock=lambda: AT) as store:
        numbered = list(enumerate(events, start=1))
        for start in range(0, len(numbered), 2):
            store.ingest_remote(numbered[start : start + 2])
        by_pages = store.ticket("T1")
    with Store.open(whole, clock=lambda: AT) as store:
        store.ingest_remote(list(enumerate(events, start=1)))
        at_once = store.ticket("T1")
    assert by_pages == at_once
    assert at_once is not None and (at_once.priority, at_once.status) == ("P2", "resolved")
    assert at_once.assignee == "agent-b" and at_once.uplift is False
    query = "SELECT * FROM tickets"
    assert sql_rows(paged, query) == sql_rows(whole, query)


def test_pulled_pages_commit_without_fsync_and_local_actions_with_it(path: Path) -> None:
    # A pulled page lost to a power cut is pulled again; a local action must not be lost,
    # even on the pooled connection the page was written on just before.
    levels: list[int] = []

    def level_at_commit(connection: Connection) -> None:
        levels.append(connection.exec_driver_sql("PRAGMA synchronous").scalar_one())

    with Store.open(path) as store:
        sqlalchemy_event.listen(store._engine, "commit", level_at_commit)
        store.ingest_remote([(1, org())])
        store.record_event(report("T1"))
        store.ingest_remote([(2, report("T2"))])
        store.record_event(ev("ticket:T1", "comment", 5, {"text": "called back"}))
    # 1 = NORMAL (no fsync at commit; still survives a killed process), 2 = FULL.
    assert levels == [1, 2, 1, 2]
