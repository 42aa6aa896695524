"""The SLA board: open tickets of the local store with their clocks evaluated live."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from halt_desk.domain.change_kpi import evaluate_change_events
from halt_desk.domain.clocks import ClockResult, ClockState, TicketEvaluation, evaluate
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import Profile
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.store import Store, TicketView

#: Sorts after every real deadline (aware, so it compares with them).
_NO_DEADLINE = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One ticket on the board: its stored view and its clocks at the board's moment."""

    ticket: TicketView
    evaluation: TicketEvaluation

    @property
    def overdue(self) -> tuple[ClockResult, ...]:
        """Clocks already breached and still relevant (the ticket is not resolved)."""
        return tuple(c for c in self.evaluation.clocks.values() if c.state is ClockState.BREACHED)

    @property
    def next_clock(self) -> ClockResult | None:
        """The running clock that falls due first."""
        running = [
            c
            for c in self.evaluation.clocks.values()
            if c.state is ClockState.RUNNING and c.due is not None
        ]
        return min(running, key=lambda c: c.due or _NO_DEADLINE) if running else None


def evaluate_ticket(store: Store, ticket: TicketView, now: datetime) -> TicketEvaluation:
    """The clocks of one stored ticket at `now`, through the same engine as `sla check`."""
    profile = store.organisation_contract(ticket.org)
    events = store.events_for(f"ticket:{ticket.id}")
    return evaluate(profile, timeline_from_events(ticket.id, events), now)


def _evaluated(
    profile: Profile, ticket_id: str, events: Sequence[Event], now: datetime
) -> TicketEvaluation:
    """The ticket's clocks; a change's are its own (KPI 5 and 6), not an incident's, so the
    board and the reminders count down what the ticket window shows."""
    evaluation = evaluate(profile, timeline_from_events(ticket_id, events), now)
    change = evaluate_change_events(profile, events, now)
    return evaluation if change is None else evaluation._replace(clocks=change.clocks)


def sla_board(store: Store, now: datetime, due_before: datetime | None = None) -> list[BoardRow]:
    """Open tickets, the ones with a breached clock first, then by the next deadline.

    With `due_before`, only the open tickets whose stored next deadline falls before it."""
    return board_of(store, store.tickets(open_only=True, due_before=due_before), now)


def board_of(store: Store, tickets: Sequence[TicketView], now: datetime) -> list[BoardRow]:
    """`tickets` evaluated at `now`, in the board's order."""
    # The events of all of them in a few queries and each organisation's contract once:
    # a board of thousands of tickets is mostly evaluation, not reading.
    histories = store.events_for_streams([f"ticket:{t.id}" for t in tickets])
    contracts = {org: store.organisation_contract(org) for org in {t.org for t in tickets}}
    rows = [
        BoardRow(t, _evaluated(contracts[t.org], t.id, histories.get(f"ticket:{t.id}", []), now))
        for t in tickets
    ]

    def order(row: BoardRow) -> tuple[bool, datetime, str]:
        clock = row.next_clock
        due = clock.due if clock is not None and clock.due is not None else _NO_DEADLINE
        return (not row.overdue, due, row.ticket.id)

    return sorted(rows, key=order)
