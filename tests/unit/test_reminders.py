"""Reminders: a P1 update due within 5 minutes, a clock breaching within 15, and overdue."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from halt_desk.demo.terminal import build_demo_store
from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.board import sla_board
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.desk.reminders import (
    BREACH_WARNING,
    ReminderKind,
    ReminderWatch,
    collect_reminders,
    reminders_for,
)
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
    told = ActionRequest(Action.STATUS_UPDATE, channel="phone", text="Onderdeel besteld")
    record_action(store, ticket, told, "agent-1", now)
    later = now + timedelta(minutes=26)
    after = {r.key for r in collect_reminders(store, later) if r.clock == "update"}
    assert before and after and before.isdisjoint(after)


def test_only_tickets_due_soon_are_evaluated_and_nothing_is_missed(tmp_path: Path) -> None:
    """Reminders read only tickets whose stored next deadline is within 15 minutes; over
    two days of moments after the fold they equal the reminders of every open ticket."""
    path = tmp_path / "demo.sqlite3"
    build_demo_store(path, months=1, tickets_per_month=150, now=datetime.now(UTC))
    start = datetime.now(UTC)
    moments = [start + timedelta(minutes=37 * step) for step in range(80)]
    with Store.open(path) as demo:
        open_tickets = len(demo.tickets(open_only=True))
        narrowed = []
        for moment in moments:
            full = reminders_for(sla_board(demo, moment), moment)
            assert collect_reminders(demo, moment) == full, moment
            narrowed.append(len(demo.tickets(open_only=True, due_before=moment + BREACH_WARNING)))
    assert any(count < open_tickets for count in narrowed), "the narrowing should narrow"
    assert open_tickets > 0


def test_tickets_folded_before_overdue_was_kept_are_folded_again_on_open(
    tmp_path: Path,
) -> None:
    """A cache from before schema 0004 has no overdue state: opening it folds its open
    tickets once, so reminders narrow again instead of evaluating every one of them."""
    path = tmp_path / "old.sqlite3"
    with Store.open(path, clock=lambda: REPORTED) as old:
        old.record_events(reference_events())
        late = report(old, "several", "degraded")  # P2: reaction within 1 h
        report(old, "one", "stopped")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE tickets SET overdue = NULL")
    later = REPORTED + timedelta(hours=2)
    with Store.open(path, clock=lambda: later) as reopened:
        due_soon = reopened.tickets(open_only=True, due_before=later + BREACH_WARNING)
        assert [t.id for t in due_soon] == [late]  # the other is due in 4 business hours
        assert [(r.ticket, r.kind) for r in collect_reminders(reopened, later)] == [
            (late, ReminderKind.OVERDUE)
        ]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM tickets WHERE overdue IS NULL").fetchone() == (0,)


def test_a_watch_gives_the_reminders_of_a_full_check_while_time_and_tickets_move(
    tmp_path: Path,
) -> None:
    """ReminderWatch evaluates again only what events or the time can have changed; over
    two days of checks every 7 minutes, with actions and new tickets in between, it
    answers exactly what evaluating every candidate answers."""
    path = tmp_path / "demo.sqlite3"
    build_demo_store(path, months=1, tickets_per_month=150, now=datetime.now(UTC))
    start = datetime.now(UTC)
    with Store.open(path) as demo:
        watch = ReminderWatch(demo)
        open_ids = [t.id for t in demo.tickets(open_only=True)]
        kept: list[bool] = []
        for step in range(400):
            moment = start + timedelta(minutes=7 * step)
            if step % 50 == 25:  # someone works on a ticket, someone reports a new one
                ticket = open_ids[step % len(open_ids)]
                request = ActionRequest(Action.STATUS_UPDATE, channel="email", text="Nog bezig")
                record_action(demo, ticket, request, "agent-1", moment)
            assert watch.collect(moment) == collect_reminders(demo, moment), moment
            kept.append(watch.evaluated < watch.candidates)
        assert sum(kept) > 300  # most checks reuse most earlier evaluations


def test_a_change_is_reminded_of_its_own_clock_not_an_incidents(store: Store) -> None:
    """A minor change reported Tue 12-01 10:00 (P4 by its answers, reaction due within a
    working day): no reaction reminder; its first plan date is due Tue 19-01 17:00."""
    intake = Intake("e1", "Nieuwe SharePoint-site", "phone", "werkplek", "one", "workaround",
                    kind="change", change_type="minor")  # fmt: skip
    ticket = record_intake(store, intake, "agent-1", REPORTED)
    due = datetime.fromisoformat("2027-01-19T17:00:00+01:00")
    assert [(r.clock, r.kind) for r in collect_reminders(store, due - timedelta(hours=2))] == []
    soon = collect_reminders(store, due - timedelta(minutes=10))
    assert [(r.ticket, r.clock, r.kind, r.due) for r in soon] == [
        (ticket, "change_first_plan", ReminderKind.BREACH_SOON, due)
    ]
    assert [
        (r.clock, r.kind) for r in ReminderWatch(store).collect(due + timedelta(minutes=1))
    ] == [("change_first_plan", ReminderKind.OVERDUE)]
