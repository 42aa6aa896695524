"""After a day offline, what central refused is reviewed with a choice per item: a ticket
reassigned to someone else meanwhile refuses the engineer's arrival; the engineer sees the
reason and either sends it again or dismisses it, and the dismissal is itself recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from halt_desk.store import UnknownStream
from halt_desk.sync import SyncState
from tests.central_server import ThreadServer
from tests.sync_support import REPORT_DATA, Desk, Laptop


@pytest.fixture
def setting(tmp_path: Path) -> Iterator[tuple[Desk, ThreadServer, Laptop, Laptop]]:
    desk = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    with ThreadServer(desk.central) as server:
        agent = Laptop(tmp_path / "agent.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
        field = Laptop(tmp_path / "field.sqlite3", server.url, desk.tokens["field-a"], "field-a")
        yield desk, server, agent, field
        agent.close()
        field.close()
    desk.central.close()


def test_an_arrival_on_a_ticket_reassigned_meanwhile_is_refused_and_reviewed(
    setting: tuple[Desk, ThreadServer, Laptop, Laptop],
) -> None:
    desk, _, agent, field = setting
    agent.engine.sync_once()  # reference data first
    agent.record("ticket:T1", "ticket_reported", REPORT_DATA | {"priority": "P2"})
    agent.record("ticket:T1", "onsite_requested")
    agent.record("ticket:T1", "assigned", {"to": "field-a"})
    assert agent.engine.sync_once().state is SyncState.ONLINE
    assert field.engine.sync_once().pulled >= 3  # the engineer takes the work along

    # Offline on the road: the engineer arrives; meanwhile the desk gives it to a colleague.
    arrival = field.record("ticket:T1", "onsite_arrival")
    agent.record("ticket:T1", "assigned", {"to": "field-b"})
    agent.engine.sync_once()

    summary = field.engine.sync_once()
    assert (summary.rejected, summary.rejected_total) == (1, 1)
    (refused,) = field.store.rejected_events()
    assert refused.event.id == arrival.id
    assert "assigned to field-a" in refused.reason  # central's reason, kept for the review

    comment = field.store.dismiss_rejected(arrival.id, "field-a", "Collega was er al")
    assert comment is not None and comment.data["kind"] == "refused_event_dismissed"
    assert comment.data["event"] == arrival.id and comment.data["reason"] == refused.reason
    assert field.store.rejected_events() == []
    with pytest.raises(UnknownStream):
        field.store.dismiss_rejected(arrival.id, "field-a")
    # The arrival stays stored here (nothing is thrown away) but out of the ticket's state.
    assert arrival.id in {e.id for e in field.store.events_for("ticket:T1")}
    ticket = field.store.ticket("T1")
    assert ticket is not None and ticket.assignee == "field-b"

    # The dismissal itself is refused too (the ticket is no longer the engineer's), so it
    # is kept with its reason as well: the choice is never lost silently.
    after = field.engine.sync_once()
    assert after.rejected_total == 1 and after.outbox == 0
    assert arrival.id not in set(desk.event_ids())
    (dismissal,) = field.store.rejected_events()
    assert dismissal.event.id == comment.id
    assert field.store.dismiss_rejected(comment.id, "field-a") is None  # no endless chain
    assert field.store.rejected_events() == [] and field.store.outbox_size() == 0


def test_work_recorded_on_a_ticket_closed_meanwhile_is_refused_with_the_reason(
    setting: tuple[Desk, ThreadServer, Laptop, Laptop],
) -> None:
    _, _, agent, field = setting
    agent.engine.sync_once()
    agent.record("ticket:T2", "ticket_reported", REPORT_DATA | {"priority": "P3"})
    agent.record("ticket:T2", "assigned", {"to": "field-a"})
    agent.engine.sync_once()
    field.engine.sync_once()
    workaround = field.record("ticket:T2", "workaround")  # offline, on site
    agent.record("ticket:T2", "resolved")
    agent.record("ticket:T2", "closed")  # the desk closes it meanwhile
    agent.engine.sync_once()
    assert field.engine.sync_once().rejected == 1
    (refused,) = field.store.rejected_events()
    assert refused.event.id == workaround.id and "closed" in refused.reason
    ticket = field.store.ticket("T2")
    assert ticket is not None and ticket.status == "closed"  # central's state, not ours
