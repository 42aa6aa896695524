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

from halt_desk.desk.board import BoardRow, board_of, sla_board
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


class ReminderWatch:
    """The reminders of one store, kept from one check to the next.

    A ticket is evaluated again only when it got events since the last check, or once a
    moment has passed at which time alone could change its reminders (a deadline coming
    within 15 or 5 minutes, or passing). Everything else keeps its reminders from the last
    check, so a backlog of thousands of overdue tickets costs one evaluation instead of
    one every 30 seconds. `collect` gives what `collect_reminders` gives; time must not go
    backwards between calls."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._marker: int | None = None
        #: ticket id → its reminders at the last evaluation, and when to evaluate it again.
        self._known: dict[str, tuple[list[Reminder], datetime | None]] = {}
        #: Tickets evaluated by the last `collect`, out of how many candidates.
        self.evaluated = self.candidates = 0

    def collect(self, now: datetime) -> list[Reminder]:
        store = self.store
        marker = store.change_marker()  # before the reads it guards
        changed = store.tickets_changed_since(self._marker) if self._marker is not None else None
        if changed is None:
            self._known.clear()
        else:
            for ticket in changed:
                self._known.pop(ticket, None)
        candidates = store.open_ticket_ids(now + BREACH_WARNING)
        for gone in set(self._known) - candidates:
            del self._known[gone]
        stale = [ticket for ticket in candidates if self._due_again(ticket, now)]
        self.evaluated, self.candidates = len(stale), len(candidates)
        # In slices: each slice's rows and events are garbage before the next one is read,
        # so a first check of a big backlog never holds tens of thousands of them at once
        # (they would drive long full collections that stall every thread of the app).
        for start in range(0, len(stale), _SLICE):
            tickets = store.tickets_by_id(stale[start : start + _SLICE])
            for row in board_of(store, tickets, now):
                self._known[row.ticket.id] = (reminders_for([row], now), _recheck_at(row, now))
        self._marker = marker
        found = [reminder for reminders, _ in self._known.values() for reminder in reminders]
        found.sort(key=lambda r: (r.kind is not ReminderKind.OVERDUE, r.due, r.ticket))
        return found

    def _due_again(self, ticket: str, now: datetime) -> bool:
        known = self._known.get(ticket)
        if known is None:
            return True
        recheck_at = known[1]
        return recheck_at is not None and recheck_at <= now


def _recheck_at(row: BoardRow, now: datetime) -> datetime | None:
    """The first moment after `now` at which `reminders_for` could answer otherwise for
    this ticket without a new event: a deadline coming within a warning, or passing (a
    clock is late only once `now` is past its deadline: hence the microsecond)."""
    moments: list[datetime] = []
    for clock in row.evaluation.clocks.values():
        due = clock.due
        if due is None or clock.met_at is not None:
            continue
        for moment in (due - BREACH_WARNING, due - UPDATE_WARNING, due + _JUST_AFTER):
            if moment > now:
                moments.append(moment)
    return min(moments) if moments else None


_JUST_AFTER = timedelta(microseconds=1)
#: Tickets evaluated together by `ReminderWatch.collect`.
_SLICE = 500
