"""Reminders: a P1 update due within 5 minutes, a clock breaching within 15, and overdue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from halt_desk.desk import Action, ActionRequest, Intake, record_action, record_intake
from halt_desk.reminders import ReminderKind, collect_reminders
from halt_desk.store import Store
from tests.desk_data import reference_events

#: Tuesday 12 January 2027, 10:00 in Amsterdam.
REPORTED = datetime.fromisoformat("2027-01-12T10:00:00+01:00")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: REPORTED) as opened:
        opened.record_events(reference_events())
        yield opened


def report(store: Store, impact: str, urgency: str) -> str:
    intake = Intake("e1", "Laptop start niet", "phone", "werkplek", impact, urgency)
    return record_intake(store, intake, "agent-1", REPORTED)


def kinds(store: Store, minutes: int) -> list[tuple[str, ReminderKind]]:
    now = REPORTED + timedelta(minutes=minutes)
    return [(r.clock, r.kind) for r in collect_reminders(store, now)]


def test_nothing_to_remind_while_every_deadline_is_far(store: Store) -> None:
    report(store, "one", "stopped")  # P3: reaction within 4 h
    assert kinds(store, 0) == []


def test_a_clock_breaching_within_15_minutes_is_reminded(store: Store) -> None:
    report(store, "several", "degraded")  # P2: reaction within 1 h
    assert kinds(store, 44) == []
    assert kinds(store, 45) == [("reaction", ReminderKind.BREACH_SOON)]


def test_an_overdue_clock_is_reminded_first(store: Store) -> None:
    report(store, "several", "degraded")
    assert kinds(store, 61)[0] == ("reaction", ReminderKind.OVERDUE)


def test_a_p1_status_update_is_reminded_5_minutes_before_it_is_due(store: Store) -> None:
    ticket = report(store, "organisation", "stopped")  # P1: update every 30 min
    record_action(
        store, ticket, ActionRequest(Action.FIRST_RESPONSE, channel="phone"), "agent-1", REPORTED
    )
    assert ("update", ReminderKind.UPDATE_DUE) not in kinds(store, 24)
    assert ("update", ReminderKind.UPDATE_DUE) in kinds(store, 25)


def test_a_reminder_has_a_new_key_once_its_deadline_moves(store: Store) -> None:
    ticket = report(store, "organisation", "stopped")
    record_action(
        store, ticket, ActionRequest(Action.FIRST_RESPONSE, channel="phone"), "agent-1", REPORTED
    )
    now = REPORTED + timedelta(minutes=26)
    before = {r.key for r in collect_reminders(store, now) if r.clock == "update"}
    record_action(store, ticket, ActionRequest(Action.STATUS_UPDATE), "agent-1", now)
    later = now + timedelta(minutes=26)
    after = {r.key for r in collect_reminders(store, later) if r.clock == "update"}
    assert before and after and before.isdisjoint(after)
