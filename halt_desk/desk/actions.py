"""What an agent does on a ticket, as plain calls: the actions of the ticket view and the
P1-uplift decision, each checked and recorded through the store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from halt_desk.domain.change_kpi import check_change_event, plan_date
from halt_desk.domain.clocks import TicketStatus
from halt_desk.domain.errors import DeskInputError, InvalidEvent
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
    REOPENED = "reopened"
    CLOSED = "closed"
    COMMENT = "comment"
    ASSIGNED = "assigned"
    CHANGE_PLANNED = "change_planned"
    CHANGE_IMPLEMENTED = "change_implemented"


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """One action on a ticket with the fields it needs (`channel`, `text`, `score`, `to`).

    `text` is the action's content: what was told (status update), the resolution, the
    reason of a reopen, the note; an optional note with the other actions. `again`
    confirms a second first response."""

    action: Action
    channel: str | None = None
    text: str = ""
    score: int | None = None
    to: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    again: bool = False


#: How an agent tells a caller how the ticket stands (a status update).
STATUS_UPDATE_CHANNELS: tuple[str, ...] = ("phone", "email", "portal")


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


def _status_update(request: ActionRequest) -> dict[str, Any]:
    if not request.text.strip():
        raise DeskInputError("text", Msg.SAY_WHAT_WAS_TOLD)
    if request.channel not in STATUS_UPDATE_CHANNELS:
        raise DeskInputError("channel", Msg.CHOOSE_HOW_TOLD)
    return {"text": request.text.strip(), "channel": request.channel}


def _resolved(request: ActionRequest) -> dict[str, Any]:
    if not request.text.strip():
        raise DeskInputError("resolution", Msg.DESCRIBE_RESOLUTION)
    return {"resolution": request.text.strip()}


def _reopened(request: ActionRequest) -> dict[str, Any]:
    if not request.text.strip():
        raise DeskInputError("reason", Msg.GIVE_REOPEN_REASON)
    return {"reason": request.text.strip()}


def _assigned(request: ActionRequest) -> dict[str, Any]:
    if not request.to or not request.to.strip():
        raise DeskInputError("to", Msg.CHOOSE_ASSIGNEE)
    return {"to": request.to.strip()}


def _closed(request: ActionRequest) -> dict[str, Any]:
    if request.score is not None and request.score not in CSAT_RANGE:
        raise DeskInputError("score", Msg.SCORE_OUT_OF_RANGE)
    return {}


def _change_planned(request: ActionRequest) -> dict[str, Any]:
    day = plan_date(request.extra.get("date"))
    if day is None:
        raise DeskInputError("date", Msg.CHOOSE_PLAN_DATE)
    return {"date": day.isoformat()}


def _check_change(store: Store, ticket: TicketView, event: Event) -> None:
    """Plan and implementation only on a change that was not implemented yet (the rule
    central checks again, `check_change_event`)."""
    try:
        check_change_event(event, store.events_for(event.stream))
    except InvalidEvent as exc:
        if exc.field == "data.date":
            raise DeskInputError("date", Msg.CHOOSE_PLAN_DATE) from None
        if "implemented" in exc.problem:
            raise DeskInputError(
                "ticket", Msg.CHANGE_ALREADY_IMPLEMENTED, ticket=ticket.id
            ) from None
        raise DeskInputError("ticket", Msg.NOT_A_CHANGE, ticket=ticket.id) from None


#: The actions whose fields need checking; the others carry only an optional note.
_ACTION_CHECKS: dict[Action, Callable[[ActionRequest], dict[str, Any]]] = {
    Action.FIRST_RESPONSE: _first_response,
    Action.STATUS_UPDATE: _status_update,
    Action.RESOLVED: _resolved,
    Action.REOPENED: _reopened,
    Action.COMMENT: _comment,
    Action.ASSIGNED: _assigned,
    Action.CLOSED: _closed,
    Action.CHANGE_PLANNED: _change_planned,
}
#: Actions whose `text` is their content (checked above), not an extra note.
_TEXT_IS_CONTENT = frozenset(
    {Action.STATUS_UPDATE, Action.RESOLVED, Action.REOPENED, Action.COMMENT}
)
#: What may still be recorded on a closed ticket (as central's AFTER_CLOSE_TYPES).
AFTER_CLOSE_ACTIONS = frozenset({Action.COMMENT})


def action_events(
    store: Store, ticket_id: str, request: ActionRequest, actor: str, now: datetime
) -> list[Event]:
    """The events of one action (closing with a score also records `csat_recorded`)."""
    ticket = _open_ticket(store, ticket_id, request.action)
    if request.action is Action.REOPENED:
        _check_reopen(ticket)
    check = _ACTION_CHECKS.get(request.action)
    data = check(request) if check is not None else {}
    if request.action is Action.FIRST_RESPONSE and not request.again:
        earlier = first_response(store, ticket.id)
        if earlier is not None:
            when = earlier.at.astimezone(store.organisation_contract(ticket.org).calendar.tz)
            at = when.strftime("%d-%m-%Y %H:%M")
            raise DeskInputError("again", Msg.FIRST_RESPONSE_EXISTS, ticket=ticket.id, when=at)
    if request.text.strip() and request.action not in _TEXT_IS_CONTENT:
        data["text"] = request.text.strip()
    data.update(request.extra)
    if request.action is Action.CHANGE_PLANNED:
        data.update(_change_planned(request))  # the date as checked
    stream = f"ticket:{ticket.id}"
    events = [store.stamped_event(stream, request.action.value, actor, data, at=now)]
    if request.action in (Action.CHANGE_PLANNED, Action.CHANGE_IMPLEMENTED):
        _check_change(store, ticket, events[0])
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


def first_response(store: Store, ticket_id: str) -> Event | None:
    """The ticket's first `first_response`, if it has one (a second one asks first)."""
    events = [e for e in store.events_for(f"ticket:{ticket_id}") if e.type == "first_response"]
    return min(events, key=lambda e: e.at) if events else None


def _check_reopen(ticket: TicketView) -> None:
    """Only a resolved ticket opens again; a closed one stays closed (README, `sla check`)."""
    if ticket.status == TicketStatus.CLOSED:
        raise DeskInputError("ticket", Msg.CLOSED_CANNOT_REOPEN, ticket=ticket.id)
    if ticket.status != TicketStatus.RESOLVED:
        raise DeskInputError("ticket", Msg.TICKET_NOT_RESOLVED, ticket=ticket.id)


def _open_ticket(store: Store, ticket_id: str, action: Action | None = None) -> TicketView:
    ticket = store.ticket(ticket_id)
    if ticket is None:
        raise DeskInputError("ticket", Msg.TICKET_NOT_FOUND, ticket=ticket_id)
    if ticket.status == TicketStatus.CLOSED and action is Action.REOPENED:
        raise DeskInputError("ticket", Msg.CLOSED_CANNOT_REOPEN, ticket=ticket_id)
    if ticket.status == TicketStatus.CLOSED and action not in AFTER_CLOSE_ACTIONS:
        raise DeskInputError("ticket", Msg.TICKET_CLOSED, ticket=ticket_id)
    return ticket
