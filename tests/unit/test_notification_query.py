"""The desk's notification list reads only the events that notify (halt_desk.store
queries.latest_notifying): a P1 stays in the list behind thousands of ordinary tickets; the
facts that decide (P1, granted) are read from the events' data in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from halt_desk.desk.notifications import SHOWN, desk_notifications
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.notifications import NotificationKind
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events

AGENT = "agent:sanne.visser"
COLLEAGUE = "agent:linda.dekker"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "desk.db")
    opened.record_events(reference_events(), bulk=True)
    yield opened
    opened.close()


def report(ticket: str, priority: str, minutes: int, actor: str = COLLEAGUE) -> Event:
    data = {"org": "halt", "caller": "e1", "summary": f"Melding {ticket}", "channel": "phone"}
    at = NOW + timedelta(minutes=minutes)
    data["priority"] = priority
    return new_event(f"ticket:{ticket}", "ticket_reported", at, actor, data)


def test_a_p1_stays_listed_behind_two_thousand_ordinary_tickets(store: Store) -> None:
    store.record_event(report("P1-OLD", "P1", 0))
    ordinary: list[Event] = []
    for n in range(2000):
        ordinary.append(report(f"T{n}", "P3", 1 + n // 100))
        if n % 4 == 0:
            raised = {"priority": "P2", "reason": "meer gebruikers"}
            at = NOW + timedelta(minutes=30 + n // 100)
            ordinary.append(new_event(f"ticket:T{n}", "priority_changed", at, COLLEAGUE, raised))
    store.record_events(ordinary, bulk=True)
    found = desk_notifications(store, AGENT)
    assert [n.notification.subject for n in found] == ["P1-OLD"]
    assert found[0].notification.kind is NotificationKind.P1_REPORTED


def test_only_the_facts_that_notify_are_read(store: Store) -> None:
    at = NOW + timedelta(hours=1)
    granted = {"granted": True, "role_type": "court_session", "motivation": "zitting"}
    refused = {**granted, "granted": False}
    suggested = {
        "org": "halt",
        "trigger": "p1_breached",
        "level": "N1",
        "evidence": {"tickets": ["P1-A"], "breaches": ["P1-A:resolution"]},
    }
    store.record_events(
        [
            report("P1-A", "P1", 0),
            report("P1-MINE", "P1", 1, actor=AGENT),  # one's own: not listed
            new_event("ticket:P1-A", "uplift_decided", at, COLLEAGUE, refused),
            new_event("ticket:P1-A", "uplift_decided", at, COLLEAGUE, granted),
            report("T2", "P3", 2),
            new_event("ticket:T2", "priority_changed", at, COLLEAGUE, {"priority": "P2"}),
            new_event("escalation:SUG-1", "escalation_suggested", at, "central", suggested),
        ]
    )
    found = desk_notifications(store, "regie:halt.regie")
    assert [n.notification.kind for n in found] == [
        NotificationKind.ESCALATION_SUGGESTED,
        NotificationKind.UPLIFT_GRANTED,
        NotificationKind.P1_REPORTED,
        NotificationKind.P1_REPORTED,
    ]
    assert [n.notification.kind for n in desk_notifications(store, AGENT)] == [
        NotificationKind.UPLIFT_GRANTED,  # a suggestion is for the service managers
        NotificationKind.P1_REPORTED,
    ]
    detail = found[0].notification.detail
    assert detail == {
        "trigger": "p1_breached",
        "level": "N1",
        "org": "halt",
        "tickets": ["P1-A"],
        "clocks": ["resolution"],
    }


def test_the_list_is_limited_to_the_newest(store: Store) -> None:
    store.record_events([report(f"P1-{n}", "P1", n) for n in range(SHOWN + 5)], bulk=True)
    found = desk_notifications(store, AGENT)
    assert len(found) == SHOWN
    assert found[0].notification.subject == f"P1-{SHOWN + 4}"
