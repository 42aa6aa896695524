"""Sync engine against a real central on 127.0.0.1: push, pull, rejections, conflicts,
offline and sign-in states, duplicates after a lost answer."""

from __future__ import annotations

from pathlib import Path

from halt_desk.domain.events import new_event
from halt_desk.sync import SyncState, client_factory
from halt_desk.sync.client import CentralClient
from tests.central_server import ThreadServer, free_port
from tests.sync_support import ALL_PASS, REPORT_DATA, Desk, Laptop, laptop, wire


def test_events_recorded_offline_reach_central_and_the_other_client(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    a, b = laptop(tmp_path, desk, "agent-a"), laptop(tmp_path, desk, "agent-b")
    assert a.engine.sync_once().state is SyncState.ONLINE  # reference data first
    a.record("ticket:T1", "ticket_reported", REPORT_DATA | {"priority": "P3"})
    a.record("ticket:T1", "assigned", {"to": "agent-a"})
    summary = a.engine.sync_once()
    assert (summary.pushed, summary.rejected, summary.outbox) == (2, 0, 0)
    pulled = b.engine.sync_once()
    assert pulled.pulled == 4  # org, employee, report, assignment
    ticket = b.store.ticket("T1")
    assert ticket is not None and ticket.assignee == "agent-a"
    assert a.event_ids() == b.event_ids() == set(desk[0].event_ids())


def test_a_rejected_event_is_kept_with_its_reason_and_not_sent_again(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    central, _ = desk
    central.seed(
        "depot-a",
        [
            wire("device:HALT-LT-00001", "device_registered", {"org": "halt", "depot": "utr"}),
            wire("device:HALT-LT-00001", "readiness_checked", ALL_PASS),
        ],
    )
    a, b = laptop(tmp_path, desk, "depot-a"), laptop(tmp_path, desk, "depot-b")
    a.engine.sync_once()
    b.engine.sync_once()
    a.record("device:HALT-LT-00001", "device_reserved", {"swap": "S1", "ticket": "T1"})
    mine = b.record("device:HALT-LT-00001", "device_reserved", {"swap": "S2", "ticket": "T2"})
    assert a.engine.sync_once().pushed == 1
    summary = b.engine.sync_once()
    assert (summary.pushed, summary.rejected, summary.rejected_total) == (0, 1, 1)
    (rejected,) = b.store.rejected_events()
    assert rejected.event == mine
    assert "swap S1" in rejected.reason
    assert any("refused by central" in w for w in summary.warnings)
    again = b.engine.sync_once()
    assert (again.pushed, again.rejected, again.duplicates) == (0, 0, 0)
    # B's projection follows central: the device is reserved for S1, not S2.
    device = b.store.device("HALT-LT-00001")
    assert device is not None and device.state == "reserved"
    assert mine.id not in central.event_ids()


def test_an_unreachable_central_leaves_the_outbox_and_says_offline(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    a = Laptop(tmp_path / "a.sqlite3", dead, "token", "agent-a")
    event = a.store.record_event(
        new_event(
            "org:x", "organisation_registered", a.clock.now(), "a", {"name": "X", "profile": "halt"}
        )
    )
    assert event
    summary = a.engine.sync_once()
    assert summary.state is SyncState.OFFLINE
    assert summary.outbox == 1 and a.store.outbox_size() == 1
    assert "not reachable" in (summary.error or "")


def test_a_refused_token_says_signed_out_and_never_shows_the_token(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    _, server = desk
    a = Laptop(tmp_path / "a.sqlite3", server.url, "secret-token-123", "agent-a")
    summary = a.engine.sync_once()
    assert summary.state is SyncState.SIGNED_OUT
    assert "secret-token-123" not in (summary.error or "")
    assert "secret-token-123" not in repr(client_factory(server.url, "secret-token-123")(a.clock))


def test_events_central_already_had_count_as_duplicates_and_leave_the_outbox(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    central, server = desk
    a = laptop(tmp_path, desk, "agent-a")
    a.engine.sync_once()
    a.record("ticket:T1", "ticket_reported", REPORT_DATA | {"priority": "P3"})
    # The push reached central but its answer was lost: the outbox still holds it.
    with CentralClient(server.url, central.tokens["agent-a"]) as client:
        assert [r.status for r in client.push(a.store.pending_outbox())] == ["accepted"]
    summary = a.engine.sync_once()
    assert (summary.pushed, summary.duplicates, summary.outbox) == (0, 1, 0)
    assert len(central.event_ids()) == 3


def test_concurrent_assignments_become_conflicts_on_both_clients_until_resolved(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    a, b = laptop(tmp_path, desk, "agent-a"), laptop(tmp_path, desk, "agent-b")
    a.engine.sync_once()
    a.record("ticket:T1", "ticket_reported", REPORT_DATA | {"priority": "P3"})
    a.engine.sync_once()
    b.engine.sync_once()
    mine = a.record("ticket:T1", "assigned", {"to": "jan"})
    theirs = b.record("ticket:T1", "assigned", {"to": "piet"})
    a.engine.sync_once()
    assert b.engine.sync_once().conflicts == 1
    assert a.engine.sync_once().conflicts == 1
    (on_a,) = a.store.conflicts(open_only=True)
    (on_b,) = b.store.conflicts(open_only=True)
    assert (on_a.field, on_a.local_event.id, on_a.remote_event.id) == (
        "assignee",
        mine.id,
        theirs.id,
    )
    assert (on_b.local_event.id, on_b.remote_event.id) == (theirs.id, mine.id)
    # Central applied them in arrival order: B's came last, so the ticket is piet's.
    ticket = a.store.ticket("T1")
    assert ticket is not None and ticket.assignee == "piet"
    recorded = a.store.resolve_conflict(on_a.id, mine.id, "agent-a")
    assert [e.type for e in recorded] == ["conflict_resolved", "assigned"]
    assert recorded[0].data["value"] == "jan"
    a.engine.sync_once()
    b.engine.sync_once()
    assert a.store.conflicts(open_only=True) == b.store.conflicts(open_only=True) == []
    for client in (a, b):
        ticket = client.store.ticket("T1")
        assert ticket is not None and ticket.assignee == "jan"


def test_an_edit_made_after_seeing_the_other_is_no_conflict(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    a, b = laptop(tmp_path, desk, "agent-a"), laptop(tmp_path, desk, "agent-b")
    a.engine.sync_once()
    a.record("ticket:T1", "ticket_reported", REPORT_DATA | {"priority": "P3"})
    a.record("ticket:T1", "priority_changed", {"priority": "P2"})
    a.engine.sync_once()
    b.engine.sync_once()
    b.record("ticket:T1", "priority_changed", {"priority": "P4"})
    b.engine.sync_once()
    assert a.engine.sync_once().conflicts == 0
    assert a.store.conflicts() == b.store.conflicts() == []


def test_a_pull_in_many_small_pages_gets_every_event_once_in_order(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    central, server = desk
    central.seed(
        "agent-a",
        [
            wire(f"ticket:P{n}", "ticket_reported", REPORT_DATA | {"priority": "P3"})
            for n in range(7)
        ]
        + [wire(f"ticket:P{n}", "comment", {"text": f"note {n}"}) for n in range(7)],
    )
    b = Laptop(
        tmp_path / "small-pages.sqlite3",
        server.url,
        central.tokens["agent-b"],
        "agent-b",
        pull_page=3,  # 16 events: six pages, each fetched while the one before is written
    )
    summary = b.engine.sync_once()
    assert summary.pulled == 16 and summary.state is SyncState.ONLINE
    assert b.event_ids() == set(central.event_ids())
    assert b.store.last_pulled_seq() == max(seq for seq, _ in central.events())
    assert b.engine.sync_once().pulled == 0
    b.close()
