"""Reminders of the desk: what is about to be late, and what already is.

* a P1 status update due within 5 minutes (the 30-minute update rhythm of a P1);
* any clock that will breach within 15 minutes;
* a clock that is overdue (breached while the ticket is still open).

Each reminder has a key (ticket, clock, kind, due) so the screen shows it once, however
often the board is evaluated; a new deadline (after a status update) is a new reminder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from halt_desk.board import BoardRow, sla_board
from halt_desk.domain.clocks import ClockState
from halt_desk.store import Store

UPDATE_WARNING = timedelta(minutes=5)
BREACH_WARNING = timedelta(minutes=15)


class ReminderKind(StrEnum):
    UPDATE_DUE = "update_due"
    BREACH_SOON = "breach_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class Reminder:
    ticket: str
    summary: str
    priority: str
    clock: str
    kind: ReminderKind
    due: datetime

    @property
    def key(self) -> tuple[str, str, str, datetime]:
        """The same deadline gives the same key (an aware datetime hashes by its instant)."""
        return (self.ticket, self.clock, self.kind.value, self.due)


def reminders_for(rows: Iterable[BoardRow], now: datetime) -> list[Reminder]:
    """The reminders of evaluated open tickets at `now`, overdue first, then by due time."""
    found: list[Reminder] = []
    for row in rows:
        ticket, evaluation = row.ticket, row.evaluation
        for clock in evaluation.clocks.values():
            if clock.due is None:
                continue
            kind: ReminderKind | None = None
            if clock.state is ClockState.BREACHED and clock.met_at is None:
                kind = ReminderKind.OVERDUE
            elif clock.state is ClockState.RUNNING and not clock.paused:
                left = clock.due - now
                if clock.name == "update" and evaluation.priority == "P1":
                    kind = ReminderKind.UPDATE_DUE if left <= UPDATE_WARNING else None
                elif left <= BREACH_WARNING:
                    kind = ReminderKind.BREACH_SOON
            if kind is not None:
                found.append(
                    Reminder(
                        ticket.id,
                        ticket.summary or "",
                        evaluation.priority,
                        clock.name,
                        kind,
                        clock.due,
                    )
                )
    found.sort(key=lambda r: (r.kind is not ReminderKind.OVERDUE, r.due, r.ticket))
    return found


def collect_reminders(store: Store, now: datetime) -> list[Reminder]:
    """The reminders of the store's open tickets at `now`.

    Every reminder needs a deadline within `BREACH_WARNING` of now (overdue ones lie in the
    past), and a ticket's deadlines only move when an event refolds it, so only tickets
    whose stored next deadline falls before now + `BREACH_WARNING` are evaluated: a few
    dozen instead of every open ticket, every 30 seconds, on the desk's worker thread."""
    return reminders_for(sla_board(store, now, due_before=now + BREACH_WARNING), now)
