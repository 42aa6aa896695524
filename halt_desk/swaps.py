"""Loaner swaps end to end as plain calls (DESIGN §2.6, seed 003 §10.1.5): the device
register, the swap from a ticket's `swap_requested` to the loaner back in stock, and the
privacy purge of home addresses.

Every call checks its input, builds the events of DESIGN §3.4 (plus the `swap:` stream of
`domain.swaps`) and records them through the store in one transaction, so a screen, the scan
station, a script and a test do exactly the same thing. Input a person must correct is a
`DeskInputError` naming the field, with a Dutch message; a move the device life cycle
refuses is a `DeviceRefused` saying the device's state and why, in Dutch and English.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from halt_desk.desk import DeskInputError
from halt_desk.domain.clocks import ClockState, TicketEvaluation, evaluate
from halt_desk.domain.devices import (
    HELD_STATES,
    READINESS_CHECKS,
    DeviceFold,
    DeviceState,
    apply_device_event,
)
from halt_desk.domain.errors import HaltDeskError, IllegalTransition
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.swaps import (
    EMERGENCY_KINDS,
    HOME_ADDRESS_KEYS,
    Leg,
    ShipmentStatus,
    SwapFold,
    SwapMode,
    apply_swap_event,
)
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.store import Store

log = logging.getLogger(__name__)

#: `HALT-LT-00042`: organisation, device type, five-digit number.
ASSET_TAG_PATTERN = re.compile(r"^([A-Z]{2,10})-([A-Z]{2})-(\d{5})$")
#: Device type codes of an asset tag.
DEVICE_TYPES: dict[str, str] = {
    "LT": "laptop",
    "PC": "desktop",
    "TB": "tablet",
    "PH": "phone",
}
#: Sanitisation methods (NIST SP 800-88 Rev. 1, and BitLocker's cryptographic erase).
SANITISATION_METHODS: dict[str, str] = {
    "nist_clear": "NIST SP 800-88 Clear",
    "nist_purge": "NIST SP 800-88 Purge",
    "bitlocker_crypto_erase": "BitLocker crypto-erase (NIST SP 800-88 Purge)",
    "nist_destroy": "NIST SP 800-88 Destroy",
}
#: Home addresses stay in the local cache this long after a swap is closed.
ADDRESS_RETENTION = timedelta(days=30)
#: Door-to-door courier time from a depot when its record does not say (minutes).
DEFAULT_LEAD_MINUTES = 240
#: Device events that bind a device to a swap (to find a swap's loaner).
_SWAP_DEVICE_TYPES = frozenset({"device_reserved", "device_issued_onsite"})

#: Dutch names of the device states, for messages.
STATE_NL: dict[str, str] = {
    "unready": "niet gereed",
    "in_stock": "op voorraad",
    "reserved": "gereserveerd",
    "shipped": "verzonden",
    "issued_onsite": "op locatie uitgegeven",
    "with_user": "bij de medewerker",
    "return_shipped": "retour onderweg",
    "received": "ontvangen in depot",
    "sanitised": "gewist",
    "returned_to_lessor": "terug naar leasemaatschappij",
    "retired": "afgevoerd",
}
_EVENT_NL: dict[str, str] = {
    "device_registered": "registreren",
    "readiness_checked": "gereedheid controleren",
    "device_reserved": "reserveren",
    "device_released": "reservering vrijgeven",
    "device_shipped": "verzenden",
    "device_issued_onsite": "op locatie uitgeven",
    "device_delivered": "afleveren",
    "device_return_shipped": "retour laten ophalen",
    "device_received": "ontvangen",
    "device_sanitised": "wissen vastleggen",
    "device_returned_to_lessor": "terugsturen naar leasemaatschappij",
    "device_retired": "afvoeren",
}


class DeviceRefused(DeskInputError):
    """A move the device life cycle refuses: names the device, its state and the swap."""

    def __init__(self, error: IllegalTransition) -> None:
        self.error = error
        super().__init__("device", refusal_nl(error), str(error).partition(": ")[2] or str(error))
        # DeskInputError prefixes the field; keep the domain's full English message.
        self.args = (str(error),)

    def __str__(self) -> str:
        return str(self.error)


def refusal_nl(error: IllegalTransition) -> str:
    """The life cycle's refusal in Dutch: which device, in which state, what was refused
    and why."""
    action = _EVENT_NL.get(error.event_type, error.event_type)
    if error.state is None:
        return f"Apparaat {error.asset_tag} staat niet in het register; {action} kan niet."
    state = STATE_NL.get(str(error.state), str(error.state))
    held = f" voor swap {error.swap}" if error.swap else ""
    if error.swap and error.event_swap and error.swap != error.event_swap:
        why = f"een andere swap ({error.swap}) heeft het apparaat al"
    elif "left the life cycle" in error.reason:
        why = "het apparaat is uit de omloop"
    elif "already registered" in error.reason:
        why = "het staat al in het register"
    else:
        why = "dat mag niet in deze stap van de levenscyclus"
    return f"Apparaat {error.asset_tag} is {state}{held}; {action} kan niet: {why}."


def _record(store: Store, events: Sequence[Event]) -> list[Event]:
    """All `events` in one transaction; a life-cycle refusal becomes DeviceRefused."""
    try:
        store.record_events(events, bulk=True)
    except IllegalTransition as exc:
        raise DeviceRefused(exc) from None
    return list(events)


# ------------------------------------------------------------------ the device register


@dataclass(frozen=True, slots=True)
class DeviceRegistration:
    """One device for the register. `type` defaults to the asset tag's type code."""

    asset_tag: str
    serial: str
    model: str
    org: str
    depot: str
    lessor: str | None = None
    purchase_date: date | None = None
    type: str | None = None


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    """What the register knows of one device: the life-cycle fold, the register fields,
    and which swap it was last used for."""

    fold: DeviceFold
    lessor: str | None
    purchase_date: str | None
    last_swap: str | None
    events: tuple[Event, ...]

    @property
    def ready(self) -> bool:
        return self.fold.state is DeviceState.IN_STOCK and self.fold.swap is None

    @property
    def missing_checks(self) -> tuple[str, ...]:
        return tuple(c for c in READINESS_CHECKS if not self.fold.readiness.get(c))


def normalise_tag(text: str) -> str:
    return text.strip().upper()


def check_asset_tag(text: str) -> str:
    """The asset tag in its canonical form; DeskInputError if it is not `ORG-TT-00000`."""
    tag = normalise_tag(text)
    match = ASSET_TAG_PATTERN.match(tag)
    if match is None or match.group(2) not in DEVICE_TYPES:
        raise DeskInputError(
            "asset_tag",
            f"{text.strip() or 'Leeg'} is geen assettag (zoals HALT-LT-00042).",
            f"{text!r} is not an asset tag like HALT-LT-00042",
        )
    return tag


def register_device(
    store: Store, registration: DeviceRegistration, actor: str, now: datetime
) -> Event:
    """Adds a device to the register (`device_registered`); it is `unready` until its
    readiness checklist passes."""
    tag = check_asset_tag(registration.asset_tag)
    if store.device(tag) is not None:
        raise DeskInputError(
            "asset_tag", f"Apparaat {tag} staat al in het register.", f"{tag} is registered"
        )
    serial = registration.serial.strip().upper()
    if not re.fullmatch(r"[A-Z0-9-]{4,30}", serial):
        raise DeskInputError(
            "serial", "Vul het serienummer in (letters en cijfers).", "serial missing or malformed"
        )
    if store.device_by_serial(serial) is not None:
        raise DeskInputError(
            "serial", f"Serienummer {serial} hoort al bij een ander apparaat.", "serial in use"
        )
    for name, value in (("model", registration.model), ("org", registration.org)):
        if not value.strip():
            raise DeskInputError(name, f"Vul {_FIELD_NL[name]} in.", f"{name} is empty")
    if store.reference(f"depot:{registration.depot}") is None:
        raise DeskInputError(
            "depot", "Kies een bestaand depot.", f"unknown depot {registration.depot!r}"
        )
    match = ASSET_TAG_PATTERN.match(tag)
    assert match is not None
    data: dict[str, Any] = {
        "serial": serial,
        "model": registration.model.strip(),
        "type": registration.type or DEVICE_TYPES[match.group(2)],
        "org": registration.org.strip(),
        "depot": registration.depot,
    }
    if registration.lessor:
        data["lessor"] = registration.lessor.strip()
    if registration.purchase_date is not None:
        data["purchase_date"] = registration.purchase_date.isoformat()
    (event,) = _record(store, [new_event(f"device:{tag}", "device_registered", now, actor, data)])
    return event


_FIELD_NL = {"model": "het model", "org": "de organisatie"}


def check_readiness(
    store: Store, asset_tag: str, checks: Mapping[str, bool], actor: str, now: datetime
) -> Event:
    """Records the readiness checklist (Autopilot/Intune, BitLocker, base apps, MFA). All
    four passed: the device is ready stock; any one failed: it stays or becomes unready."""
    tag = _known_device(store, asset_tag).fold.asset_tag
    unknown = set(checks) - set(READINESS_CHECKS)
    if unknown:
        raise DeskInputError(
            "checks", "Onbekend onderdeel van de checklist.", f"unknown checks {sorted(unknown)}"
        )
    data = {check: bool(checks.get(check, False)) for check in READINESS_CHECKS}
    (event,) = _record(store, [new_event(f"device:{tag}", "readiness_checked", now, actor, data)])
    return event


def device_record(store: Store, asset_tag: str) -> DeviceRecord:
    """The register entry of one device (life cycle, lessor, purchase date, last swap)."""
    tag = normalise_tag(asset_tag)
    events = store.events_for_streams([f"device:{tag}"])[f"device:{tag}"]
    if not events:
        raise DeskInputError(
            "asset_tag", f"Apparaat {tag} staat niet in het register.", f"unknown device {tag}"
        )
    fold = _tolerant_device_fold(events)
    assert fold is not None
    registered = events[0].data
    last_swap = None
    for event in events:
        swap = event.data.get("swap")
        if isinstance(swap, str) and event.type in _SWAP_DEVICE_TYPES:
            last_swap = swap
    return DeviceRecord(
        fold=fold,
        lessor=_str(registered.get("lessor")),
        purchase_date=_str(registered.get("purchase_date")),
        last_swap=last_swap,
        events=tuple(events),
    )


def _tolerant_device_fold(events: Iterable[Event]) -> DeviceFold | None:
    """The device as the store's projection sees it: events that do not fit are left out."""
    fold: DeviceFold | None = None
    for event in events:
        try:
            fold = apply_device_event(fold, event)
        except HaltDeskError:
            continue
    return fold


def _known_device(store: Store, asset_tag: str) -> DeviceRecord:
    return device_record(store, asset_tag)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


# ------------------------------------------------------------------ the swap board


class SwapStep(StrEnum):
    """What a swap waits for next (the logistics queue's "step" column)."""

    PLAN = "plan"  # swap requested on the ticket, no swap opened yet
    RESERVE = "reserve"  # opened, no loaner reserved
    SHIP = "ship"  # loaner reserved, courier to book
    ISSUE = "issue"  # loaner reserved, engineer to issue it onsite
    IN_TRANSIT = "in_transit"  # shipped, not delivered
    WITH_USER = "with_user"  # delivered; the return leg is still to come
    RETURNING = "returning"  # return shipment on its way to the depot
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class TicketSwapFacts:
    """A ticket with a swap request: its priority, clocks and the request's data."""

    ticket: str
    org: str
    priority: str
    status: str
    swap_id: str | None
    home_address: str | None
    requested_at: datetime
    swap_due: datetime | None
    swap_state: ClockState
    swap_met_at: datetime | None
    emergency_due: datetime | None
    emergency_state: ClockState
    emergency_met_at: datetime | None
    emergency_kind: str | None


@dataclass(frozen=True, slots=True)
class Swap:
    """A swap as the logistics screens show it: the swap record (or None while only
    requested), its ticket's clocks and the loaner it holds (or held last)."""

    id: str
    ticket: TicketSwapFacts | None
    record: SwapFold | None
    device: str | None
    device_state: DeviceState | None
    device_model: str | None

    @property
    def step(self) -> SwapStep:
        record, state = self.record, self.device_state
        if record is None:
            return SwapStep.PLAN
        if record.is_closed:
            return SwapStep.CLOSED
        if state is None or self.device is None or state is DeviceState.IN_STOCK:
            return SwapStep.RESERVE
        if state is DeviceState.RESERVED:
            return SwapStep.ISSUE if record.mode is SwapMode.ONSITE else SwapStep.SHIP
        if state in (DeviceState.SHIPPED, DeviceState.ISSUED_ONSITE):
            return SwapStep.IN_TRANSIT
        if state is DeviceState.WITH_USER:
            return SwapStep.WITH_USER
        if state is DeviceState.RETURN_SHIPPED:
            return SwapStep.RETURNING
        return SwapStep.CLOSED

    @property
    def home_address(self) -> str | None:
        if self.record is not None and self.record.home_address:
            return self.record.home_address
        return self.ticket.home_address if self.ticket is not None else None

    @property
    def delivered(self) -> bool:
        return self.ticket is not None and self.ticket.swap_met_at is not None

    def open_deadline(self) -> tuple[datetime, str] | None:
        """The earliest clock still running (or overdue) on this swap: the swap clock, or
        the emergency-workplace clock (P1: 4 hours) while neither stopped."""
        facts = self.ticket
        if facts is None or facts.status in ("resolved", "closed"):
            return None
        running = (ClockState.RUNNING, ClockState.BREACHED)
        dues: list[tuple[datetime, str]] = []
        if facts.swap_due and facts.swap_met_at is None and facts.swap_state in running:
            dues.append((facts.swap_due, "swap"))
        if (
            facts.emergency_due
            and facts.emergency_met_at is None
            and facts.emergency_state in running
        ):
            dues.append((facts.emergency_due, "emergency_workplace"))
        return min(dues) if dues else None


@dataclass
class SwapBoard:
    """Every swap and swap request known to the local cache, evaluated at `now`; the index
    of courier tracking codes for the scan station."""

    now: datetime
    swaps: dict[str, Swap] = field(default_factory=dict)
    by_tracking: dict[str, tuple[str, Leg]] = field(default_factory=dict)

    def for_ticket(self, ticket_id: str) -> list[Swap]:
        return [s for s in self.swaps.values() if s.ticket and s.ticket.ticket == ticket_id]

    def holding(self, asset_tag: str) -> Swap | None:
        return next(
            (s for s in self.swaps.values() if s.device == asset_tag and s.step != "closed"),
            None,
        )


def load_board(store: Store, now: datetime) -> SwapBoard:
    """Folds every swap, the tickets that asked for one and the loaners they hold."""
    tickets = _ticket_facts(store, now, store.streams_of_kind("ticket", {"swap_requested"}))
    records = _swap_records(store, store.streams_of_kind("swap"))
    devices = _swap_devices(store, store.streams_of_kind("device", _SWAP_DEVICE_TYPES))
    board = SwapBoard(now)
    for ticket_id, facts in tickets.items():
        swap_id = facts.swap_id or f"{ticket_id}-SWAP1"
        if swap_id in records or any(r.ticket == ticket_id for r in records.values()):
            continue
        if facts.swap_met_at is not None or facts.status in ("resolved", "closed"):
            continue  # delivered (or no longer needed) without a swap record of its own
        held = devices[0].get(swap_id)
        state = held.state if held is not None else None
        tag, model = (held.asset_tag, held.model) if held is not None else (None, None)
        board.swaps[swap_id] = Swap(swap_id, facts, None, tag, state, model)
    _assemble(store, board, tickets, records, devices)
    return board


def swap_of(store: Store, swap_id: str, now: datetime, device: str | None = None) -> Swap:
    """One swap, folded from its own streams only; `device`: the loaner the caller already
    knows (a scan), so no other device is read. DeskInputError if the swap is unknown."""
    records = _swap_records(store, [f"swap:{swap_id}"])
    record = records.get(swap_id)
    if record is None:
        swap = load_board(store, now).swaps.get(swap_id)
        if swap is None:
            raise DeskInputError("swap", f"Swap {swap_id} bestaat niet.", f"unknown swap {swap_id}")
        return swap
    tickets = _ticket_facts(store, now, [f"ticket:{record.ticket}"])
    streams = (
        [f"device:{normalise_tag(device)}"]
        if device
        else store.streams_of_kind("device", _SWAP_DEVICE_TYPES)
    )
    devices = _swap_devices(store, streams)
    if device and swap_id not in devices[0] and swap_id not in devices[1]:
        devices = _swap_devices(store, store.streams_of_kind("device", _SWAP_DEVICE_TYPES))
    board = SwapBoard(now)
    _assemble(store, board, tickets, records, devices)
    return board.swaps[swap_id]


def _swap_records(store: Store, streams: Sequence[str]) -> dict[str, SwapFold]:
    records: dict[str, SwapFold] = {}
    for events in store.events_for_streams(streams).values():
        fold: SwapFold | None = None
        for event in events:
            try:
                fold = apply_swap_event(fold, event)
            except HaltDeskError:
                continue
        if fold is not None:
            records[fold.id] = fold
    return records


_Devices = tuple[dict[str, DeviceFold], dict[str, DeviceFold]]


def _swap_devices(store: Store, streams: Sequence[str]) -> _Devices:
    """Per swap: the loaner that holds it now, and the loaner it reserved last."""
    holder: dict[str, DeviceFold] = {}
    last_device: dict[str, DeviceFold] = {}
    for events in store.events_for_streams(streams).values():
        fold: DeviceFold | None = None
        for event in events:
            try:
                fold = apply_device_event(fold, event)
            except HaltDeskError:
                continue
            swap = event.data.get("swap")
            if isinstance(swap, str) and event.type in _SWAP_DEVICE_TYPES:
                last_device[swap] = fold
        if fold is not None and fold.swap is not None:
            holder[fold.swap] = fold
    return holder, last_device


def _assemble(
    store: Store,
    board: SwapBoard,
    tickets: Mapping[str, TicketSwapFacts],
    records: Mapping[str, SwapFold],
    devices: _Devices,
) -> None:
    holder, last_device = devices
    for swap_id, record in records.items():
        device = holder.get(swap_id)
        state = device.state if device is not None else None
        if device is None and swap_id in last_device:
            # Not held any more: show where the loaner is now, unless another swap has it.
            device = last_device[swap_id]
            view = store.device(device.asset_tag)
            now_state = DeviceState(view.state) if view is not None else None
            state = now_state if now_state not in HELD_STATES else None
        board.swaps[swap_id] = Swap(
            swap_id,
            tickets.get(record.ticket),
            record,
            device.asset_tag if device else None,
            state,
            device.model if device else None,
        )
        for shipment in (record.outbound, record.inbound):
            if shipment is not None:
                board.by_tracking[shipment.tracking.upper()] = (swap_id, shipment.leg)


def _ticket_facts(
    store: Store, now: datetime, streams: Sequence[str]
) -> dict[str, TicketSwapFacts]:
    facts: dict[str, TicketSwapFacts] = {}
    profiles: dict[str, Any] = {}
    for stream, events in store.events_for_streams(streams).items():
        ticket_id = stream.partition(":")[2]
        view = store.ticket(ticket_id)
        if view is None or not events:
            continue
        profile = profiles.get(view.org)
        if profile is None:
            profile = profiles[view.org] = store.organisation_contract(view.org)
        try:
            evaluation = evaluate(profile, timeline_from_events(ticket_id, events), now)
        except HaltDeskError:
            log.warning("ticket %s left off the swap board: its timeline does not fold", ticket_id)
            continue
        requests = [e for e in events if e.type == "swap_requested"]
        if not requests:
            continue
        emergency = [e for e in events if e.type == "emergency_workplace"]
        request = requests[-1]
        addresses = [_str(e.data.get(k)) for e in requests for k in sorted(HOME_ADDRESS_KEYS)]
        address = next((a for a in reversed(addresses) if a), None)
        facts[ticket_id] = _facts(ticket_id, view.org, evaluation, request, address, emergency)
    return facts


def _facts(
    ticket_id: str,
    org: str,
    evaluation: TicketEvaluation,
    request: Event,
    address: str | None,
    emergency: Sequence[Event],
) -> TicketSwapFacts:
    swap_clock = evaluation.clocks["swap"]
    emergency_clock = evaluation.clocks["emergency_workplace"]
    return TicketSwapFacts(
        ticket=ticket_id,
        org=org,
        priority=evaluation.priority,
        status=str(evaluation.status),
        swap_id=_str(request.data.get("swap")),
        home_address=address,
        requested_at=request.at,
        swap_due=swap_clock.due,
        swap_state=swap_clock.state,
        swap_met_at=swap_clock.met_at,
        emergency_due=emergency_clock.due,
        emergency_state=emergency_clock.state,
        emergency_met_at=emergency_clock.met_at,
        emergency_kind=_str(emergency[0].data.get("kind")) if emergency else None,
    )


# ------------------------------------------------------------------ suggesting a loaner


@dataclass(frozen=True, slots=True)
class LoanerSuggestion:
    """A ready loaner for a swap: from which depot, when it can be there, and whether that
    meets the swap deadline. `device` None: no ready loaner anywhere."""

    device: str | None
    model: str | None
    depot: str | None
    eta: datetime | None
    due: datetime | None
    meets_deadline: bool
    spare: int = 0  # ready loaners of that model in that depot above its minimum


def depot_lead_time(depot_fields: Mapping[str, Any]) -> timedelta:
    """A depot's door-to-door courier time (`lead_minutes` in its record, else 4 hours)."""
    value = depot_fields.get("lead_minutes", DEFAULT_LEAD_MINUTES)
    minutes = value if isinstance(value, int) and value > 0 else DEFAULT_LEAD_MINUTES
    return timedelta(minutes=minutes)


def suggest_loaner(
    store: Store,
    ticket_id: str,
    now: datetime,
    *,
    mode: SwapMode = SwapMode.COURIER,
    model: str | None = None,
    board: SwapBoard | None = None,
) -> LoanerSuggestion:
    """The ready loaner that can reach the employee before the swap deadline: among depots
    whose courier time (onsite: the same) meets the deadline, the one with the most ready
    stock of the model above its minimum; within it, the loaner that waited longest. If no
    depot can make it, the fastest one with `meets_deadline` False (then record an
    alternative workplace)."""
    board = board or load_board(store, now)
    facts = next((s.ticket for s in board.for_ticket(ticket_id) if s.ticket), None)
    if facts is None:
        raise DeskInputError(
            "ticket",
            f"Melding {ticket_id} heeft geen swap-aanvraag.",
            f"ticket {ticket_id} has no swap_requested",
        )
    due = facts.swap_due
    depots = store.references("depot")
    candidates: list[tuple[bool, int, timedelta, datetime, str, str, str]] = []
    stock = [d for d in store.devices() if d.state == DeviceState.IN_STOCK and d.depot in depots]
    ready_count: dict[tuple[str | None, str | None], int] = {}
    for device in stock:
        key = (device.depot, device.model)
        ready_count[key] = ready_count.get(key, 0) + 1
    for device in stock:
        assert device.depot is not None
        if model is not None and device.model != model:
            continue
        if device.org not in (None, facts.org):
            continue
        lead = depot_lead_time(depots[device.depot])
        eta = now + lead
        meets = due is None or eta <= due
        minimum = _minimum(depots[device.depot], device.model or "")
        ready = ready_count[(device.depot, device.model)]
        candidates.append(
            (
                not meets,
                -(ready - minimum),
                lead,
                device.updated_at,
                device.asset_tag,
                device.depot,
                device.model or "",
            )
        )
    if not candidates:
        return LoanerSuggestion(None, model, None, None, due, False)
    best = min(candidates)
    not_meets, negative_spare, lead, _, tag, depot, chosen_model = best
    return LoanerSuggestion(
        tag, chosen_model, depot, now + lead, due, not not_meets, max(0, -negative_spare)
    )


def _minimum(depot_fields: Mapping[str, Any], model: str) -> int:
    minimums = depot_fields.get("minimum")
    if isinstance(minimums, Mapping):
        value = minimums.get(model, 0)
        return value if isinstance(value, int) else 0
    return 0


# ------------------------------------------------------------------ the swap workflow


@dataclass(frozen=True, slots=True)
class SwapPlan:
    """How a requested swap is carried out."""

    mode: SwapMode
    depot: str
    device: str | None = None  # reserve this loaner at once
    home_address: str | None = None  # courier: delivery address (personal data)
    engineer: str | None = None  # onsite: who issues it


def open_swap(
    store: Store, ticket_id: str, plan: SwapPlan, actor: str, now: datetime
) -> tuple[str, list[Event]]:
    """Opens the swap of a ticket's `swap_requested` (`swap_opened`) and, if the plan names
    a loaner, reserves it (`device_reserved`), in one transaction. Returns the swap id and
    the events. A courier swap needs the home address, an onsite swap the engineer."""
    ticket = store.ticket(ticket_id)
    if ticket is None:
        raise DeskInputError("ticket", f"Melding {ticket_id} bestaat niet.", "unknown ticket")
    board = load_board(store, now)
    pending = [s for s in board.for_ticket(ticket_id) if s.record is None]
    if not pending:
        if board.for_ticket(ticket_id):
            raise DeskInputError(
                "ticket",
                f"Voor melding {ticket_id} is al een swap geopend.",
                "a swap is open already",
            )
        raise DeskInputError(
            "ticket",
            f"Melding {ticket_id} heeft geen swap-aanvraag.",
            f"ticket {ticket_id} has no swap_requested",
        )
    swap_id = pending[0].id
    if store.reference(f"depot:{plan.depot}") is None:
        raise DeskInputError("depot", "Kies een bestaand depot.", f"unknown depot {plan.depot!r}")
    data: dict[str, Any] = {
        "ticket": ticket_id,
        "org": ticket.org,
        "mode": plan.mode.value,
        "depot": plan.depot,
    }
    facts = pending[0].ticket
    if facts is not None and facts.swap_due is not None:
        data["due"] = facts.swap_due.isoformat()
    if plan.mode is SwapMode.COURIER:
        address = (plan.home_address or "").strip() or (facts.home_address if facts else None)
        if not address:
            raise DeskInputError(
                "home_address",
                "Vul het huisadres voor de koerier in.",
                "a courier swap needs the home address",
            )
        if address != (facts.home_address if facts else None):
            data["home_address"] = address
    else:
        if not (plan.engineer or "").strip():
            raise DeskInputError(
                "engineer",
                "Kies de engineer die de loaner uitgeeft.",
                "an onsite swap needs the engineer",
            )
        data["engineer"] = (plan.engineer or "").strip()
    events = [new_event(f"swap:{swap_id}", "swap_opened", now, actor, data)]
    if plan.device:
        events.append(_reservation(store, swap_id, ticket_id, plan.device, actor, now))
    return swap_id, _record(store, events)


def _reservation(
    store: Store, swap_id: str, ticket_id: str, asset_tag: str, actor: str, now: datetime
) -> Event:
    tag = normalise_tag(asset_tag)
    if store.device(tag) is None:
        raise DeskInputError(
            "device", f"Apparaat {tag} staat niet in het register.", f"unknown device {tag}"
        )
    data = {"swap": swap_id, "ticket": ticket_id}
    return new_event(f"device:{tag}", "device_reserved", now, actor, data)


def reserve_loaner(store: Store, swap_id: str, asset_tag: str, actor: str, now: datetime) -> Event:
    """Reserves a ready loaner for an opened swap (`device_reserved`)."""
    swap = _open_record(store, swap_id, now)
    assert swap.record is not None
    event = _reservation(store, swap_id, swap.record.ticket, asset_tag, actor, now)
    _record(store, [event])
    return event


def release_loaner(
    store: Store, swap_id: str, actor: str, now: datetime, reason: str = ""
) -> Event:
    """Gives a reserved loaner back to stock (`device_released`)."""
    swap = _open_record(store, swap_id, now)
    tag = _held_device(swap)
    data: dict[str, Any] = {"swap": swap_id}
    if reason.strip():
        data["reason"] = reason.strip()
    event = new_event(f"device:{tag}", "device_released", now, actor, data)
    _record(store, [event])
    return event


def ship_loaner(
    store: Store,
    swap_id: str,
    carrier: str,
    tracking: str,
    actor: str,
    now: datetime,
    *,
    device: str | None = None,
) -> list[Event]:
    """Hands the reserved loaner to the courier: `device_shipped` with carrier and tracking
    code plus the outbound shipment `booked`, in one transaction. `device`: the loaner, if
    the caller knows it (a scan), which saves reading the others."""
    swap = _open_record(store, swap_id, now, device)
    return _hand_to_courier(
        store, swap, "device_shipped", Leg.OUT, ShipmentStatus.BOOKED, carrier, tracking,
        actor, now,
    )  # fmt: skip


def _hand_to_courier(
    store: Store,
    swap: Swap,
    device_event: str,
    leg: Leg,
    status: ShipmentStatus,
    carrier: str,
    tracking: str,
    actor: str,
    now: datetime,
) -> list[Event]:
    """The loaner handed to a courier on one leg: the device event with carrier and tracking
    code plus the leg's first shipment status, in one transaction."""
    tag = _held_device(swap)
    carrier, tracking = _courier(carrier, tracking)
    data = {"swap": swap.id, "carrier": carrier, "tracking": tracking}
    events = [
        new_event(f"device:{tag}", device_event, now, actor, data),
        _status_event(swap.id, leg, carrier, tracking, status, actor, now),
    ]
    return _record(store, events)


def issue_onsite(
    store: Store,
    swap_id: str,
    actor: str,
    now: datetime,
    asset_tag: str | None = None,
    *,
    stamped: bool = False,
) -> list[Event]:
    """An engineer hands the loaner over on the spot: `device_issued_onsite`, then
    `device_delivered` and the ticket's `swap_delivered` (the swap clock stops), in one
    transaction. `asset_tag`: a loaner from the engineer's car instead of the reserved one.
    `stamped`: stamp the events for sync like `Store.stamped_event` (the device time the
    engineer saw and the clock offset; the field view records this way)."""
    swap = _open_record(store, swap_id, now, asset_tag)
    assert swap.record is not None
    tag = normalise_tag(asset_tag) if asset_tag else _held_device(swap)
    device = {"swap": swap_id, "ticket": swap.record.ticket}
    events = [
        new_event(f"device:{tag}", "device_issued_onsite", now, actor, device),
        new_event(f"device:{tag}", "device_delivered", now, actor, {"swap": swap_id}),
        _swap_delivered(swap, tag, actor, now),
    ]
    if stamped:
        events = [
            store.stamped_event(e.stream, e.type, actor, dict(e.data), at=now) for e in events
        ]
    return _record(store, events)


def deliver(
    store: Store, swap_id: str, actor: str, now: datetime, *, source: str = "manual"
) -> list[Event]:
    """The loaner reached the employee: `device_delivered`, the ticket's `swap_delivered`
    and (for a courier) the outbound shipment `delivered`, in one transaction."""
    swap = _open_record(store, swap_id, now)
    assert swap.record is not None
    tag = _held_device(swap)
    events = [new_event(f"device:{tag}", "device_delivered", now, actor, {"swap": swap_id})]
    outbound = swap.record.outbound
    if outbound is not None and not outbound.is_final:
        events.append(
            _status_event(
                swap_id,
                Leg.OUT,
                outbound.carrier,
                outbound.tracking,
                ShipmentStatus.DELIVERED,
                actor,
                now,
                source,
            )
        )
    events.append(_swap_delivered(swap, tag, actor, now))
    return _record(store, events)


def _swap_delivered(swap: Swap, tag: str, actor: str, now: datetime) -> Event:
    assert swap.record is not None
    data = {"swap": swap.id, "asset": tag}
    return new_event(f"ticket:{swap.record.ticket}", "swap_delivered", now, actor, data)


def record_shipment_status(
    store: Store,
    swap_id: str,
    leg: Leg,
    status: ShipmentStatus,
    actor: str,
    now: datetime,
    *,
    source: str = "manual",
    detail: str = "",
) -> list[Event]:
    """A courier status of one leg, typed in or polled (`shipment_status`). `delivered` on
    the outbound leg is the delivery itself (`deliver`)."""
    swap = _open_record(store, swap_id, now)
    assert swap.record is not None
    shipment = swap.record.shipment(leg)
    if shipment is None:
        raise DeskInputError(
            "leg",
            "Deze swap heeft nog geen zending voor dit traject.",
            f"swap {swap_id} has no {leg} shipment",
        )
    if leg is Leg.OUT and status is ShipmentStatus.DELIVERED:
        return deliver(store, swap_id, actor, now, source=source)
    event = _status_event(
        swap_id, leg, shipment.carrier, shipment.tracking, status, actor, now, source, detail
    )
    return _record(store, [event])


def _status_event(
    swap_id: str,
    leg: Leg,
    carrier: str,
    tracking: str,
    status: ShipmentStatus,
    actor: str,
    now: datetime,
    source: str = "manual",
    detail: str = "",
) -> Event:
    data: dict[str, Any] = {
        "leg": leg.value,
        "carrier": carrier,
        "tracking": tracking,
        "status": status.value,
        "source": source,
    }
    if detail:
        data["detail"] = detail[:200]
    return new_event(f"swap:{swap_id}", "shipment_status", now, actor, data)


def record_emergency_workplace(
    store: Store, ticket_id: str, kind: str, actor: str, now: datetime, note: str = ""
) -> Event:
    """No swap in time: the employee works on an alternative (virtual workplace or pool
    device) — the ticket's `emergency_workplace`, which stops the emergency clock."""
    if kind not in EMERGENCY_KINDS:
        raise DeskInputError(
            "kind", "Kies virtuele werkplek of pool-apparaat.", f"unknown kind {kind!r}"
        )
    if store.ticket(ticket_id) is None:
        raise DeskInputError("ticket", f"Melding {ticket_id} bestaat niet.", "unknown ticket")
    data: dict[str, Any] = {"kind": kind}
    if note.strip():
        data["text"] = note.strip()
    event = new_event(f"ticket:{ticket_id}", "emergency_workplace", now, actor, data)
    _record(store, [event])
    return event


def book_return(
    store: Store, swap_id: str, carrier: str, tracking: str, actor: str, now: datetime
) -> list[Event]:
    """Secure pickup of the loaner at the employee (`device_return_shipped`) and the return
    shipment `picked_up`, in one transaction. Encryption stays on until sanitisation."""
    swap = _open_record(store, swap_id, now)
    return _hand_to_courier(
        store, swap, "device_return_shipped", Leg.RETURN, ShipmentStatus.PICKED_UP, carrier,
        tracking, actor, now,
    )  # fmt: skip


def receive_device(
    store: Store, asset_tag: str, depot: str, actor: str, now: datetime
) -> list[Event]:
    """The receive scan at the depot (`device_received`). A device coming back from a swap
    closes that swap (`swap_closed`) and its return shipment is `delivered`, all in one
    transaction; the 30 days of the home address start then."""
    record = _known_device(store, asset_tag)
    tag = record.fold.asset_tag
    if store.reference(f"depot:{depot}") is None:
        raise DeskInputError("depot", "Kies een bestaand depot.", f"unknown depot {depot!r}")
    swap_id = record.fold.swap
    data: dict[str, Any] = {"depot": depot}
    if swap_id:
        data["swap"] = swap_id
    events = [new_event(f"device:{tag}", "device_received", now, actor, data)]
    if swap_id:
        swap = swap_of(store, swap_id, now, tag)
        if swap is not None and swap.record is not None and not swap.record.is_closed:
            inbound = swap.record.inbound
            if inbound is not None and not inbound.is_final:
                events.append(
                    _status_event(
                        swap_id,
                        Leg.RETURN,
                        inbound.carrier,
                        inbound.tracking,
                        ShipmentStatus.DELIVERED,
                        actor,
                        now,
                    )
                )
            closed = {"outcome": "returned", "device": tag}
            events.append(new_event(f"swap:{swap_id}", "swap_closed", now, actor, closed))
    return _record(store, events)


@dataclass(frozen=True, slots=True)
class Sanitisation:
    """A data sanitisation record: method (a `SANITISATION_METHODS` code), who did it, and
    the id of the certificate (erasure report)."""

    method: str
    operator: str
    certificate: str


def record_sanitisation(
    store: Store, asset_tag: str, sanitisation: Sanitisation, actor: str, now: datetime
) -> Event:
    """Records the data sanitisation of a received device (`device_sanitised`)."""
    tag = _known_device(store, asset_tag).fold.asset_tag
    if sanitisation.method not in SANITISATION_METHODS:
        raise DeskInputError(
            "method",
            "Kies een wismethode (NIST SP 800-88 Clear/Purge/Destroy of BitLocker crypto-erase).",
            f"unknown method {sanitisation.method!r}",
        )
    if not sanitisation.operator.strip():
        raise DeskInputError("operator", "Vul in wie het apparaat heeft gewist.", "no operator")
    if not sanitisation.certificate.strip():
        raise DeskInputError(
            "certificate", "Vul het nummer van het wiscertificaat in.", "no certificate id"
        )
    data = {
        "method": sanitisation.method,
        "method_name": SANITISATION_METHODS[sanitisation.method],
        "operator": sanitisation.operator.strip(),
        "certificate": sanitisation.certificate.strip(),
    }
    event = new_event(f"device:{tag}", "device_sanitised", now, actor, data)
    _record(store, [event])
    return event


def return_to_lessor(
    store: Store, asset_tag: str, actor: str, now: datetime, reference: str = ""
) -> Event:
    """Sends a received or sanitised device back to its lessor (`device_returned_to_lessor`)."""
    record = _known_device(store, asset_tag)
    data: dict[str, Any] = {}
    if record.lessor:
        data["lessor"] = record.lessor
    if reference.strip():
        data["reference"] = reference.strip()
    event = new_event(
        f"device:{record.fold.asset_tag}", "device_returned_to_lessor", now, actor, data
    )
    _record(store, [event])
    return event


def close_swap(store: Store, swap_id: str, outcome: str, actor: str, now: datetime) -> list[Event]:
    """Closes a swap that will not go on (e.g. `cancelled`); a reserved loaner goes back
    to stock in the same transaction."""
    swap = _open_record(store, swap_id, now)
    if not outcome.strip():
        raise DeskInputError("outcome", "Geef aan waarom de swap stopt.", "no outcome")
    events: list[Event] = []
    if swap.device and swap.device_state is DeviceState.RESERVED:
        events.append(
            new_event(f"device:{swap.device}", "device_released", now, actor, {"swap": swap_id})
        )
    events.append(
        new_event(f"swap:{swap_id}", "swap_closed", now, actor, {"outcome": outcome.strip()})
    )
    return _record(store, events)


def _open_record(store: Store, swap_id: str, now: datetime, device: str | None = None) -> Swap:
    swap = swap_of(store, swap_id, now, device)
    if swap.record is None:
        raise DeskInputError(
            "swap", f"Swap {swap_id} is nog niet gepland.", f"swap {swap_id} is not opened"
        )
    if swap.record.is_closed:
        raise DeskInputError("swap", f"Swap {swap_id} is gesloten.", f"swap {swap_id} is closed")
    return swap


def _held_device(swap: Swap) -> str:
    if swap.device is None or swap.device_state is None:
        raise DeskInputError(
            "device",
            f"Swap {swap.id} heeft geen loaner; reserveer er eerst een.",
            f"swap {swap.id} holds no loaner",
        )
    return swap.device


def _courier(carrier: str, tracking: str) -> tuple[str, str]:
    """Carrier and tracking code checked against the carriers' published formats."""
    from halt_desk.scan import COURIERS, classify_tracking

    code = tracking.strip().upper()
    found = classify_tracking(code)
    name = carrier.strip().lower()
    if name not in COURIERS:
        raise DeskInputError(
            "carrier", "Kies de vervoerder (PostNL, DHL of DPD).", f"unknown carrier {carrier!r}"
        )
    if found is None or found[0] != name:
        raise DeskInputError(
            "tracking",
            f"{code or 'Leeg'} is geen track-and-tracecode van {COURIERS[name]}.",
            f"{code!r} is not a {name} tracking code",
        )
    return name, found[1]


# ------------------------------------------------------------------ sync outcome


@dataclass(frozen=True, slots=True)
class SwapRejection:
    """An event of a swap that central refused, e.g. a loaner another swap reserved first."""

    event: Event
    swap: str | None
    device: str | None
    other_swap: str | None
    reason: str

    @property
    def message_nl(self) -> str:
        if self.other_swap and self.device:
            return (
                f"Loaner {self.device} is al gereserveerd voor swap {self.other_swap}; "
                f"de reservering voor swap {self.swap} is geweigerd. Kies een andere loaner."
            )
        return f"Geweigerd door de centrale: {self.reason}"


_OTHER_SWAP = re.compile(r"for swap (\S+);")


def swap_rejections(store: Store) -> list[SwapRejection]:
    """The swap and device events central refused, naming the swap that holds the loaner."""
    found: list[SwapRejection] = []
    for rejected in store.rejected_events():
        event = rejected.event
        if event.stream_kind not in ("device", "swap"):
            continue
        swap = _str(event.data.get("swap")) or (
            event.stream_key if event.stream_kind == "swap" else None
        )
        match = _OTHER_SWAP.search(rejected.reason)
        device = event.stream_key if event.stream_kind == "device" else None
        found.append(
            SwapRejection(event, swap, device, match.group(1) if match else None, rejected.reason)
        )
    return found


# ------------------------------------------------------------------ privacy


def purge_home_addresses(
    store: Store, now: datetime, retention: timedelta = ADDRESS_RETENTION
) -> int:
    """Removes home addresses from the local cache for every swap closed more than
    `retention` ago (DESIGN §2.6): from its `swap:` events and its ticket's
    `swap_requested`. Run at start and after each sync; returns the events changed."""
    ids: list[str] = []
    if not store.has_event_before("swap_closed", now - retention):
        return 0  # the usual case, answered by one indexed query instead of the whole board
    board = load_board(store, now)
    closed = [
        s
        for s in board.swaps.values()
        if s.record is not None
        and s.record.closed_at is not None
        and now - s.record.closed_at >= retention
    ]
    if not closed:
        return 0
    streams = [f"swap:{s.id}" for s in closed]
    streams += [f"ticket:{s.record.ticket}" for s in closed if s.record is not None]
    for events in store.events_for_streams(streams).values():
        ids += [e.id for e in events if HOME_ADDRESS_KEYS & e.data.keys()]
    return store.purge_fields(ids, HOME_ADDRESS_KEYS) if ids else 0


def may_see_home_address(role: str, user: str, swap: Swap, assignee: str | None) -> bool:
    """DESIGN §2.6 on this machine: logistics, and the engineer of an active swap (the
    swap's engineer or its ticket's assignee) while the swap is open."""
    if role == "logistics":
        return True
    if role != "field" or swap.record is None or swap.record.is_closed:
        return False
    return user in (swap.record.engineer, assignee)
