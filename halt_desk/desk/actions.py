"""What an agent does on a ticket, as plain calls: the actions of the ticket view and the
P1-uplift decision, each checked and recorded through the store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from halt_desk.domain.clocks import TicketStatus
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import FIRST_RESPONSE_CHANNELS, Event
from halt_desk.domain.messages import Msg
from halt_desk.domain.ticket_rules import check_ticket_rules
from halt_desk.domain.uplift import UpliftDecision, UpliftRequest, decide_uplift
from halt_desk.store import Store, TicketView

CSAT_RANGE = range(1, 11)


class Action(StrEnum):
    """The buttons of the ticket view (DESIGN §3.3/§3.4 event types)."""

    FIRST_RESPONSE = "first_response"
    STATUS_UPDATE = "status_update"
    WAITING_ON_USER = "waiting_on_user"
    RESUMED = "resumed"
    ONSITE_REQUESTED = "onsite_requested"
    SWAP_REQUESTED = "swap_requested"
    WORKAROUND = "workaround"
    PRODUCTIVE_AGAIN = "productive_again"
    RESOLVED = "resolved"
    CLOSED = "closed"
    COMMENT = "comment"
    ASSIGNED = "assigned"


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """One action on a ticket with the fields it needs (`channel`, `text`, `score`, `to`)."""

    action: Action
    channel: str | None = None
    text: str = ""
    score: int | None = None
    to: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def record_uplift(
    store: Store, ticket_id: str, request: UpliftRequest, actor: str, now: datetime
) -> UpliftDecision:
    """Decides the P1-uplift (DESIGN §2.3) and records the decision, granted or refused."""
    ticket = _open_ticket(store, ticket_id)
    profile = store.organisation_contract(ticket.org)
    if not profile.uplift:
        raise DeskInputError("uplift", Msg.NO_UPLIFT_IN_CONTRACT)
    decision = decide_uplift(request)
    event = store.stamped_event(
        f"ticket:{ticket_id}", "uplift_decided", actor, decision.event_data(), at=now
    )
    check_ticket_rules(event, profile)  # what central checks again
    store.record_event(event)
    return decision


def _first_response(request: ActionRequest) -> dict[str, Any]:
    if request.channel not in FIRST_RESPONSE_CHANNELS:
        raise DeskInputError("channel", Msg.CHOOSE_REACHED_CHANNEL)
    return {"channel": request.channel}


def _comment(request: ActionRequest) -> dict[str, Any]:
    if not request.text.strip():
        raise DeskInputError("text", Msg.WRITE_A_NOTE)
    return {"text": request.text.strip()}


def _assigned(request: ActionRequest) -> dict[str, Any]:
    if not request.to or not request.to.strip():
        raise DeskInputError("to", Msg.CHOOSE_ASSIGNEE)
    return {"to": request.to.strip()}


def _closed(request: ActionRequest) -> dict[str, Any]:
    if request.score is not None and request.score not in CSAT_RANGE:
        raise DeskInputError("score", Msg.SCORE_OUT_OF_RANGE)
    return {}


#: The actions whose fields need checking; the others carry only an optional note.
_ACTION_CHECKS: dict[Action, Callable[[ActionRequest], dict[str, Any]]] = {
    Action.FIRST_RESPONSE: _first_response,
    Action.COMMENT: _comment,
    Action.ASSIGNED: _assigned,
    Action.CLOSED: _closed,
}


def action_events(
    store: Store, ticket_id: str, request: ActionRequest, actor: str, now: datetime
) -> list[Event]:
    """The events of one action (closing with a score also records `csat_recorded`)."""
    ticket = _open_ticket(store, ticket_id)
    check = _ACTION_CHECKS.get(request.action)
    data = check(request) if check is not None else {}
    if request.text.strip() and request.action is not Action.COMMENT:
        data["text"] = request.text.strip()
    data.update(request.extra)
    stream = f"ticket:{ticket.id}"
    events = [store.stamped_event(stream, request.action.value, actor, data, at=now)]
    if request.action is Action.CLOSED and request.score is not None:
        score = {"score": request.score}
        events.insert(0, store.stamped_event(stream, "csat_recorded", actor, score, at=now))
    return events


def record_action(
    store: Store, ticket_id: str, request: ActionRequest, actor: str, now: datetime
) -> list[Event]:
    """Checks and records one ticket action in one transaction; returns its events."""
    events = action_events(store, ticket_id, request, actor, now)
    store.record_events(events, bulk=True)
    return events


def _open_ticket(store: Store, ticket_id: str) -> TicketView:
    ticket = store.ticket(ticket_id)
    if ticket is None:
        raise DeskInputError("ticket", Msg.TICKET_NOT_FOUND, ticket=ticket_id)
    if ticket.status == TicketStatus.CLOSED:
        raise DeskInputError("ticket", Msg.TICKET_CLOSED, ticket=ticket_id)
    return ticket
