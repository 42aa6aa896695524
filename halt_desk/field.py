"""Field engineer mode as plain calls: today's tickets in route order, "take today's work
along" (sync, then check that everything needed offline is in the cache), and the onsite
actions that set the onsite clock, the swap clock and MTTP (DESIGN §2.4, §2.5, §2.6).

Every action is recorded through the store with the device time the engineer saw and the
clock offset known at that moment (`Store.stamped_event`), in one transaction. Input a
person must correct is a `DeskInputError` naming the ticket or field.

Route order (`route_order`): tickets are grouped by the city of their location (the
ticket's own `location`, else the caller's home location from the directory), then by the
location's name, so the engineer visits one place once; inside a location the earliest
open deadline (onsite, swap, resolution) comes first; tickets without a known location go
last; the ticket number breaks ties.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from halt_desk.board import evaluate_ticket
from halt_desk.desk import Action, ActionRequest, DeskInputError, action_events
from halt_desk.domain.clocks import ClockResult, ClockState, TicketEvaluation
from halt_desk.domain.clockspec import CLOCKS
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import Event
from halt_desk.domain.swaps import HOME_ADDRESS_KEYS
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.store import Store, TicketView
from halt_desk.swaps import Swap, check_asset_tag, issue_onsite, load_board
from halt_desk.sync.clock import CLOCK_WARNING_LIMIT

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
    evaluation: TicketEvaluation
    caller_name: str | None
    caller_phone: str | None
    location: str | None  # location id
    location_name: str | None
    city: str | None
    swap: Swap | None  # the active swap (not closed), if any
    swap_address: str | None
    actions: tuple[Event, ...]  # the field actions on this ticket, oldest first
    unsynced: frozenset[str] = field(default_factory=frozenset)  # their ids still in the outbox

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
        swap, resolution: `ClockSpec.field_work`)."""
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


def _assigned_to(ticket: TicketView, names: frozenset[str]) -> bool:
    return ticket.assignee is not None and ticket.assignee in names


def my_tickets(store: Store, engineer: str, now: datetime) -> list[FieldTicket]:
    """The open tickets assigned to `engineer`, evaluated at `now`, in route order."""
    names = assignee_names(engineer)
    tickets = [t for t in store.tickets(open_only=True) if _assigned_to(t, names)]
    if not tickets:
        return []
    board = load_board(store, now)
    pending = unsynced_ids(store)
    locations = store.references("location")
    items: list[FieldTicket] = []
    for ticket in tickets:
        events = store.events_for(f"ticket:{ticket.id}")
        try:
            evaluation = evaluate_ticket(store, ticket, now)
        except HaltDeskError:
            log.warning("ticket %s left off the field view: its timeline does not fold", ticket.id)
            continue
        caller = store.reference(f"employee:{ticket.caller}") if ticket.caller else None
        location = _location_of(events, caller)
        place = locations.get(location or "", {})
        swap = _active_swap(board.for_ticket(ticket.id))
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


def _active_swap(swaps: Sequence[Swap]) -> Swap | None:
    active = [s for s in swaps if s.step != "closed"]
    return active[0] if active else None


# ------------------------------------------------------------------ take today's work along


@dataclass(frozen=True, slots=True)
class PacketEntry:
    """What the cache holds for one ticket the engineer takes along (`gather_packet`)."""

    ticket: str
    caller: str | None
    caller_known: bool
    organisation_known: bool
    location: str | None
    location_known: bool
    swap: str | None  # the active swap, if any
    swap_address: str | None
    loaner: str | None
    loaner_known: bool


@dataclass(frozen=True, slots=True)
class MissingItem:
    """One thing the engineer would miss offline: which ticket, what (a field name) and why."""

    ticket: str
    what: str  # caller | organisation | location | swap_address | loaner
    detail: str


@dataclass(frozen=True, slots=True)
class Readiness:
    """The answer of "take today's work along": complete or not, and what is missing."""

    tickets: tuple[str, ...]
    missing: tuple[MissingItem, ...]
    synced: bool  # the sync round before the check reached central
    error: str | None = None

    @property
    def complete(self) -> bool:
        return self.synced and not self.missing


def missing_for_offline(entries: Iterable[PacketEntry]) -> list[MissingItem]:
    """Pure check of a work packet: every reference record present (caller, organisation,
    location when the ticket has one), the home address when a swap is active, and the
    loaner known (reserved and in the device register). Returns what is missing."""
    missing: list[MissingItem] = []
    for entry in entries:
        if not entry.caller or not entry.caller_known:
            missing.append(MissingItem(entry.ticket, "caller", f"caller {entry.caller!r}"))
        if not entry.organisation_known:
            missing.append(MissingItem(entry.ticket, "organisation", "organisation record"))
        if entry.location and not entry.location_known:
            missing.append(MissingItem(entry.ticket, "location", f"location {entry.location}"))
        if entry.swap is not None:
            if not entry.swap_address:
                missing.append(MissingItem(entry.ticket, "swap_address", f"swap {entry.swap}"))
            if not entry.loaner or not entry.loaner_known:
                missing.append(MissingItem(entry.ticket, "loaner", f"swap {entry.swap}"))
    return missing


def gather_packet(store: Store, engineer: str, now: datetime) -> list[PacketEntry]:
    """What the cache holds for each open ticket assigned to `engineer`."""
    entries: list[PacketEntry] = []
    orgs = store.references("org")
    locations = store.references("location")
    for item in my_tickets(store, engineer, now):
        ticket = item.ticket
        caller = store.reference(f"employee:{ticket.caller}") if ticket.caller else None
        loaner = item.loaner
        entries.append(
            PacketEntry(
                ticket=ticket.id,
                caller=ticket.caller,
                caller_known=caller is not None,
                organisation_known=ticket.org in orgs,
                location=item.location,
                location_known=item.location is None or item.location in locations,
                swap=item.swap.id if item.swap is not None else None,
                swap_address=item.swap_address,
                loaner=loaner,
                loaner_known=loaner is not None and store.device(loaner) is not None,
            )
        )
    return entries


def take_work_along(
    store: Store, engineer: str, sync: Callable[[], Any] | None, now: Callable[[], datetime]
) -> Readiness:
    """ "Take today's work along": one sync round (`sync()`, e.g. `SyncEngine.sync_once`;
    None offline), then the completeness check of the engineer's open tickets."""
    synced, error = False, None
    if sync is not None:
        summary = sync()
        error = getattr(summary, "error", None)
        synced = error is None
    entries = gather_packet(store, engineer, now())
    missing = missing_for_offline(entries)
    if missing:
        log.info("work packet incomplete: %d item(s) missing", len(missing))
    return Readiness(tuple(e.ticket for e in entries), tuple(missing), synced, error)


# ------------------------------------------------------------------ recording actions


@dataclass(frozen=True, slots=True)
class FieldRequest:
    """One press of a big button with what it needs: `asset_tag` (a scan) for the loaner
    and the old device, `confirmed_by` and `productive_at` for "productive again"."""

    action: FieldAction
    text: str = ""
    asset_tag: str | None = None
    confirmed_by: str = ""
    productive_at: datetime | None = None


def _my_open_ticket(store: Store, ticket_id: str, engineer: str) -> TicketView:
    ticket = store.ticket(ticket_id)
    if ticket is None:
        raise DeskInputError("ticket", f"Melding {ticket_id} bestaat niet.", "unknown ticket")
    if not ticket.is_open:
        raise DeskInputError(
            "ticket", f"Melding {ticket_id} is al afgerond.", f"ticket {ticket_id} is not open"
        )
    if not _assigned_to(ticket, assignee_names(engineer)):
        raise DeskInputError(
            "ticket",
            f"Melding {ticket_id} is niet aan u toegewezen.",
            f"ticket {ticket_id} is not assigned to this engineer",
        )
    return ticket


def field_events(
    store: Store, ticket_id: str, request: FieldRequest, engineer: str, now: datetime
) -> list[Event]:
    """The events of one field action (not for the loaner: `record_field_action` hands
    that to `swaps.issue_onsite`). DeskInputError names the ticket or field."""
    ticket = _my_open_ticket(store, ticket_id, engineer)
    action = request.action
    text = request.text.strip()
    if action is FieldAction.OLD_DEVICE_COLLECTED:
        tag = check_asset_tag(request.asset_tag or "")
        extra = {"kind": OLD_DEVICE_KIND, "asset": tag}
        note = text or f"Oud apparaat {tag} meegenomen"
        desk_request = ActionRequest(Action.COMMENT, text=note, extra=extra)
        return action_events(store, ticket.id, desk_request, engineer, now)
    if action is FieldAction.PRODUCTIVE_AGAIN:
        confirmed_by = request.confirmed_by.strip()
        if not confirmed_by:
            raise DeskInputError(
                "confirmed_by",
                "Vul in wie bevestigt dat de medewerker weer kan werken.",
                "productive_again needs the name of the person confirming",
            )
        at = request.productive_at or now
        if at.tzinfo is None:
            raise DeskInputError("productive_at", "Tijd zonder tijdzone.", "naive time")
        if at > now + timedelta(minutes=1):
            raise DeskInputError(
                "productive_at",
                "Het tijdstip ligt in de toekomst.",
                "productive_at is in the future",
            )
        if at < ticket.reported_at:
            raise DeskInputError(
                "productive_at",
                "Het tijdstip ligt vóór de melding.",
                "productive_at is before the report",
            )
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
        raise DeskInputError("action", "Onbekende actie.", f"unknown field action {action!r}")
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
        swap = _active_swap(load_board(store, now).for_ticket(ticket_id))
        if swap is None or swap.record is None:
            raise DeskInputError(
                "swap",
                f"Melding {ticket_id} heeft geen geplande swap.",
                f"ticket {ticket_id} has no opened swap",
            )
        return issue_onsite(store, swap.id, engineer, now, tag, stamped=True)
    events = field_events(store, ticket_id, request, engineer, now)
    store.record_events(events, bulk=True)
    return events


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
            **{k: v for k, v in e.data.items() if k not in HOME_ADDRESS_KEYS},
            "type": e.type,
            "at": e.at.isoformat(),
        }
        for e in events
        if e is not report and e.type != "ticket_reported"
    ]
    return ticket
