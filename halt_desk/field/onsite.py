"""The onsite actions of a field engineer (arrival, workaround, loaner issued, productive
again, resolved), stamped with the device time and clock offset, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from halt_desk.desk.actions import Action, ActionRequest, action_events
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event
from halt_desk.domain.messages import Msg
from halt_desk.domain.personal import without_personal
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.field.route import (
    OLD_DEVICE_KIND,
    FieldAction,
    active_swap,
    assigned_to,
    assignee_names,
)
from halt_desk.logistics.codes import CodeKind, classify
from halt_desk.logistics.own_device import TakeBack, own_device_key, take_back_device
from halt_desk.logistics.register import check_asset_tag
from halt_desk.logistics.swap_board import load_board
from halt_desk.logistics.swap_steps import issue_onsite
from halt_desk.store import Store, TicketView
from halt_desk.sync.clock import CLOCK_WARNING_LIMIT


@dataclass(frozen=True, slots=True)
class FieldRequest:
    """One press of a big button with what it needs: `asset_tag` (a scan) for the loaner
    and the old device (whose scan may be its serial number when it has no asset tag;
    `model` for an old device the register does not know), `confirmed_by` and
    `productive_at` for "productive again"."""

    action: FieldAction
    text: str = ""
    asset_tag: str | None = None
    confirmed_by: str = ""
    productive_at: datetime | None = None
    model: str = ""


def _my_open_ticket(store: Store, ticket_id: str, engineer: str) -> TicketView:
    ticket = store.ticket(ticket_id)
    if ticket is None:
        raise DeskInputError("ticket", Msg.TICKET_NOT_FOUND, ticket=ticket_id)
    if not ticket.is_open:
        raise DeskInputError("ticket", Msg.TICKET_ALREADY_DONE, ticket=ticket_id)
    if not assigned_to(ticket, assignee_names(engineer)):
        raise DeskInputError("ticket", Msg.TICKET_NOT_YOURS, ticket=ticket_id)
    return ticket


def field_events(
    store: Store, ticket_id: str, request: FieldRequest, engineer: str, now: datetime
) -> list[Event]:
    """The events of one field action (not for the loaner nor the old device:
    `record_field_action` hands those to the logistics steps). DeskInputError names the
    ticket or field."""
    ticket = _my_open_ticket(store, ticket_id, engineer)
    action = request.action
    text = request.text.strip()
    if action is FieldAction.PRODUCTIVE_AGAIN:
        confirmed_by = request.confirmed_by.strip()
        if not confirmed_by:
            raise DeskInputError("confirmed_by", Msg.FILL_IN_CONFIRMED_BY)
        at = request.productive_at or now
        if at.tzinfo is None:
            raise DeskInputError("productive_at", Msg.TIME_WITHOUT_ZONE)
        if at > now + timedelta(minutes=1):
            raise DeskInputError("productive_at", Msg.TIME_IN_FUTURE)
        if at < ticket.reported_at:
            raise DeskInputError("productive_at", Msg.TIME_BEFORE_REPORT)
        extra = {"confirmed_by": confirmed_by, "recorded_at": now.isoformat()}
        desk_request = ActionRequest(Action.PRODUCTIVE_AGAIN, text=text, extra=extra)
        return action_events(store, ticket.id, desk_request, engineer, at)
    if action is FieldAction.ARRIVED:
        # Not one of the desk's buttons: the arrival is the engineer's own event.
        data: dict[str, Any] = {"text": text} if text else {}
        stream = f"ticket:{ticket.id}"
        return [store.stamped_event(stream, "onsite_arrival", engineer, data, at=now)]
    simple = {
        FieldAction.WORKAROUND: Action.WORKAROUND,
        FieldAction.RESOLVED: Action.RESOLVED,
        FieldAction.COMMENT: Action.COMMENT,
    }
    if action not in simple:
        raise DeskInputError("action", Msg.UNKNOWN_ACTION)
    return action_events(store, ticket.id, ActionRequest(simple[action], text=text), engineer, now)


def record_field_action(
    store: Store, ticket_id: str, request: FieldRequest, engineer: str, now: datetime
) -> list[Event]:
    """Checks and records one field action in one transaction; returns its events.

    `now` is the app's clock (central's time as this laptop knows it); the events keep the
    device time the engineer saw and the offset (`data.device_at`, `clock_offset_ms`)."""
    if request.action is FieldAction.LOANER_ISSUED:
        _my_open_ticket(store, ticket_id, engineer)
        tag = check_asset_tag(request.asset_tag or "")
        swap = active_swap(load_board(store, now).for_ticket(ticket_id))
        if swap is None or swap.record is None:
            raise DeskInputError("swap", Msg.TICKET_HAS_NO_SWAP, ticket=ticket_id)
        return issue_onsite(store, swap.id, engineer, now, tag, stamped=True)
    if request.action is FieldAction.OLD_DEVICE_COLLECTED:
        return _take_back(store, ticket_id, request, engineer, now)
    events = field_events(store, ticket_id, request, engineer, now)
    store.record_events(events, bulk=True)
    return events


def _take_back(
    store: Store, ticket_id: str, request: FieldRequest, engineer: str, now: datetime
) -> list[Event]:
    """The employee's own device taken back for the ticket's swap: a device of its own in
    the register (`device_taken_back`, registered on the spot when unknown), and a note on
    the ticket naming it, in one transaction."""
    _my_open_ticket(store, ticket_id, engineer)
    scanned = (request.asset_tag or "").strip()
    if not scanned:
        raise DeskInputError("asset_tag", Msg.FILL_IN_TAG_OR_SERIAL)
    swap = active_swap(load_board(store, now).for_ticket(ticket_id))
    if swap is None or swap.record is None:
        raise DeskInputError("swap", Msg.TICKET_HAS_NO_SWAP, ticket=ticket_id)
    code = classify(scanned)
    is_tag = code.kind is CodeKind.ASSET_TAG
    take = TakeBack(
        asset_tag=code.value if is_tag else "",
        serial="" if is_tag else code.value,
        model=request.model,
        by=engineer,
    )
    key = own_device_key(take.asset_tag, take.serial)
    view = store.device(key) or (store.device_by_serial(take.serial) if take.serial else None)
    shown = view.asset_tag if view is not None else key
    note = _old_device_note(store, ticket_id, shown, request.text.strip(), engineer, now)
    also = [store.stamped_event(e.stream, e.type, engineer, dict(e.data), at=now) for e in note]
    return take_back_device(store, swap.id, take, engineer, now, stamped=True, also=also)


def _old_device_note(
    store: Store, ticket_id: str, tag: str, text: str, engineer: str, now: datetime
) -> list[Event]:
    extra = {"kind": OLD_DEVICE_KIND, "asset": tag}
    note = text or f"Oud apparaat {tag} meegenomen"
    desk_request = ActionRequest(Action.COMMENT, text=note, extra=extra)
    return action_events(store, ticket_id, desk_request, engineer, now)


# ------------------------------------------------------------------ clock and SLA figures


def clock_warning(store: Store) -> timedelta | None:
    """The offset central − laptop measured at the last contact with central, when it is
    more than 2 minutes (DESIGN: the laptop clock is off); None otherwise."""
    known = store.clock_offset()
    if known is None or abs(known.offset) <= CLOCK_WARNING_LIMIT:
        return None
    return known.offset


def sla_timeline(events: Sequence[Event], ticket_id: str) -> dict[str, Any]:
    """One ticket of the §3.3 timeline JSON from its stored events (what `halt-desk sla
    check` reads), the same fields the local clocks are evaluated from."""
    timeline_from_events(ticket_id, events)  # raises InvalidTimeline naming the ticket
    report = min((e for e in events if e.type == "ticket_reported"), key=lambda e: e.at)
    data = report.data
    ticket: dict[str, Any] = {"id": ticket_id, "reported_at": report.at.isoformat()}
    for key in ("priority", "impact", "urgency", "security"):
        if data.get(key) is not None:
            ticket[key] = data[key]
    ticket["events"] = [
        {
            **without_personal(e.type, e.data)[0],
            "type": e.type,
            "at": e.at.isoformat(),
        }
        for e in events
        if e is not report and e.type != "ticket_reported"
    ]
    return ticket
