"""The field engineer's day: their tickets in route order with onsite and swap deadlines."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from halt_desk.domain.change_kpi import ChangeEvaluation, change_next_due, evaluate_change_events
from halt_desk.domain.clocks import ClockResult, ClockState, TicketEvaluation, evaluate
from halt_desk.domain.clockspec import CLOCKS
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import Event
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.logistics.swap_board import Swap, load_board
from halt_desk.store import Store, TicketView

log = logging.getLogger(__name__)

#: The name prefix of a field engineer's account (`field:jan.devries`): the app opens the
#: field view first for them.
FIELD_USER_PREFIX = "field:"
#: Largest outbox read to mark unsynced actions (a day offline is a few hundred events).
_OUTBOX_SCAN = 100_000
#: The clocks whose deadlines order an engineer's route.
FIELD_CLOCKS = tuple(spec.name for spec in CLOCKS if spec.field_work)
#: Ticket event types the field view lists as the engineer's actions.
FIELD_EVENT_TYPES = frozenset(
    {"onsite_arrival", "workaround", "swap_delivered", "productive_again", "resolved", "comment"}
)
#: `comment.kind` of "old device taken back".
OLD_DEVICE_KIND = "old_device_collected"


class FieldAction(StrEnum):
    """The big buttons of the field view."""

    ARRIVED = "onsite_arrival"
    WORKAROUND = "workaround"
    LOANER_ISSUED = "loaner_issued"
    OLD_DEVICE_COLLECTED = "old_device_collected"
    PRODUCTIVE_AGAIN = "productive_again"
    RESOLVED = "resolved"
    COMMENT = "comment"


def is_field_user(user: str) -> bool:
    """True for a field engineer's account name (`field:…`)."""
    return user.startswith(FIELD_USER_PREFIX)


def assignee_names(user: str) -> frozenset[str]:
    """The names a user's tickets may be assigned to: `field:jan` and `jan`."""
    bare = user[len(FIELD_USER_PREFIX) :] if is_field_user(user) else user
    return frozenset({bare, FIELD_USER_PREFIX + bare})


# ------------------------------------------------------------------ today's tickets


@dataclass(frozen=True, slots=True)
class FieldTicket:
    """One ticket of the engineer's day as the field view shows it."""

    ticket: TicketView
    evaluation: TicketEvaluation  # an incident's clocks (a change has none of them running)
    caller_name: str | None
    caller_phone: str | None
    location: str | None  # location id
    location_name: str | None
    city: str | None
    swap: Swap | None  # the active swap (not closed), if any
    swap_address: str | None
    actions: tuple[Event, ...]  # the field actions on this ticket, oldest first
    unsynced: frozenset[str] = field(default_factory=frozenset)  # their ids still in the outbox
    #: A change's own clocks (domain/change_kpi.py), which the view shows instead of the
    #: incident's onsite and swap clocks; None for an incident.
    change: ChangeEvaluation | None = None

    @property
    def id(self) -> str:
        return self.ticket.id

    @property
    def onsite(self) -> ClockResult:
        return self.evaluation.clocks["onsite"]

    @property
    def swap_clock(self) -> ClockResult:
        return self.evaluation.clocks["swap"]

    @property
    def loaner(self) -> str | None:
        return self.swap.device if self.swap is not None else None

    def next_deadline(self) -> datetime | None:
        """The earliest due time of a running or overdue clock of the field's work (onsite,
        swap, resolution: `ClockSpec.field_work`); of a change, its own clock's."""
        if self.change is not None:
            return change_next_due(self.change)
        open_states = (ClockState.RUNNING, ClockState.BREACHED)
        dues = [
            self.evaluation.clocks[name].due
            for name in FIELD_CLOCKS
            if self.evaluation.clocks[name].state in open_states
            and self.evaluation.clocks[name].met_at is None
        ]
        present = [due for due in dues if due is not None]
        return min(present) if present else None

    def is_unsynced(self, event: Event) -> bool:
        return event.id in self.unsynced


_LAST = "\U0010ffff"  # sorts after every city name


def route_key(item: FieldTicket) -> tuple[str, str, datetime, str]:
    """The sort key of `route_order` (see the module docstring)."""
    due = item.next_deadline() or datetime.max.replace(tzinfo=item.ticket.reported_at.tzinfo)
    return (
        (item.city or _LAST).casefold(),
        (item.location_name or item.location or _LAST).casefold(),
        due,
        item.id,
    )


def route_order(items: Iterable[FieldTicket]) -> list[FieldTicket]:
    """Today's tickets in the order to drive them (module docstring)."""
    return sorted(items, key=route_key)


def unsynced_ids(store: Store) -> frozenset[str]:
    """Ids of events still waiting in the outbox (not yet confirmed by central)."""
    return frozenset(event.id for event in store.pending_outbox(_OUTBOX_SCAN))


def assigned_to(ticket: TicketView, names: frozenset[str]) -> bool:
    return ticket.assignee is not None and ticket.assignee in names


def my_tickets(store: Store, engineer: str, now: datetime) -> list[FieldTicket]:
    """The open tickets assigned to `engineer`, evaluated at `now`, in route order."""
    names = assignee_names(engineer)
    tickets = [t for t in store.tickets(open_only=True) if assigned_to(t, names)]
    if not tickets:
        return []
    board = load_board(store, now)
    pending = unsynced_ids(store)
    locations = store.references("location")
    items: list[FieldTicket] = []
    for ticket in tickets:
        events = store.events_for(f"ticket:{ticket.id}")
        try:
            profile = store.organisation_contract(ticket.org)
            evaluation = evaluate(profile, timeline_from_events(ticket.id, events), now)
            change = evaluate_change_events(profile, events, now)
        except HaltDeskError:
            log.warning("ticket %s left off the field view: its timeline does not fold", ticket.id)
            continue
        caller = store.reference(f"employee:{ticket.caller}") if ticket.caller else None
        location = _location_of(events, caller)
        place = locations.get(location or "", {})
        swap = active_swap(board.for_ticket(ticket.id))
        actions = tuple(e for e in events if e.type in FIELD_EVENT_TYPES)
        items.append(
            FieldTicket(
                ticket=ticket,
                evaluation=evaluation,
                caller_name=_text(caller, "name"),
                caller_phone=_text(caller, "phone"),
                location=location,
                location_name=_text(place, "name"),
                city=_text(place, "city"),
                swap=swap,
                swap_address=swap.home_address if swap is not None else None,
                actions=actions,
                unsynced=frozenset(e.id for e in actions if e.id in pending),
                change=change,
            )
        )
    return route_order(items)


def _text(record: Mapping[str, Any] | None, key: str) -> str | None:
    value = record.get(key) if record else None
    return str(value) if value else None


def _location_of(events: Sequence[Event], caller: Mapping[str, Any] | None) -> str | None:
    """The ticket's own location (the last event that names one), else the caller's."""
    for event in reversed(events):
        value = event.data.get("location")
        if isinstance(value, str) and value:
            return value.removeprefix("location:")
    return _text(caller, "location")


def active_swap(swaps: Sequence[Swap]) -> Swap | None:
    active = [s for s in swaps if s.step != "closed"]
    return active[0] if active else None
