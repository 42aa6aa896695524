"""Assigning a ticket: to me, to a service desk colleague or to a field engineer, and again
to someone else (`assigned` {to, previous}). `to` is the colleague's user name, the `actor`
their own events carry: central lets a field engineer record only on the tickets whose
assignee is their user name (central/auth.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from halt_desk.desk.staff import ASSIGNABLE_ROLES, StaffDirectory
from halt_desk.domain.clocks import TicketStatus
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event
from halt_desk.domain.limits import check_input_limits
from halt_desk.domain.messages import Msg
from halt_desk.store import Store, TicketView


def open_ticket(store: Store, ticket_id: str) -> TicketView:
    """The ticket `ticket_id`, if it exists and is not closed (DeskInputError otherwise)."""
    ticket = store.ticket(ticket_id)
    if ticket is None:
        raise DeskInputError("ticket", Msg.TICKET_NOT_FOUND, ticket=ticket_id)
    if ticket.status == TicketStatus.CLOSED:
        raise DeskInputError("ticket", Msg.TICKET_CLOSED, ticket=ticket_id)
    return ticket


def check_assignable(staff: StaffDirectory, to: str, actor: str) -> str:
    """`to` stripped, if a ticket may go to them: the agent themself, or a colleague whose
    role works tickets (service desk, field). DeskInputError otherwise."""
    to = to.strip()
    if not to:
        raise DeskInputError("to", Msg.CHOOSE_ASSIGNEE)
    if to != actor and not staff.colleague(to).assignable:
        raise DeskInputError("to", Msg.NOT_ASSIGNABLE, name=staff.name(to))
    return to


def assignment_data(
    staff: StaffDirectory, to: str, actor: str, current: str | None, ticket_id: str
) -> dict[str, Any]:
    """The data of an `assigned` event: whom to, and whom from (for the timeline)."""
    to = check_assignable(staff, to, actor)
    if to == current:
        raise DeskInputError("to", Msg.ALREADY_ASSIGNED, ticket=ticket_id, name=staff.name(to))
    data: dict[str, Any] = {"to": to}
    if current:
        data["previous"] = current
    check_input_limits(data)
    return data


def assignment_event(
    store: Store,
    ticket_id: str,
    to: str,
    actor: str,
    now: datetime,
    staff: StaffDirectory | None = None,
) -> Event:
    """The `assigned` event of giving an open ticket to `to` (checked, not recorded)."""
    ticket = open_ticket(store, ticket_id)
    directory = staff if staff is not None else StaffDirectory.load(store)
    data = assignment_data(directory, to, actor, ticket.assignee, ticket.id)
    return store.stamped_event(f"ticket:{ticket.id}", "assigned", actor, data, at=now)


def record_assignment(
    store: Store,
    ticket_id: str,
    to: str,
    actor: str,
    now: datetime,
    staff: StaffDirectory | None = None,
) -> Event:
    """Checks and records the assignment of `ticket_id` to `to`; returns its event."""
    event = assignment_event(store, ticket_id, to, actor, now, staff)
    store.record_event(event)
    return event


__all__ = [
    "ASSIGNABLE_ROLES",
    "assignment_data",
    "assignment_event",
    "check_assignable",
    "open_ticket",
    "record_assignment",
]
