"""The swap board: every swap and swap request of the local cache, folded with its
ticket's clocks and the loaner it holds (the logistics queue and the scan station read it).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from halt_desk.domain.clocks import ClockState, TicketEvaluation, evaluate
from halt_desk.domain.devices import (
    HELD_STATES,
    OWN_DEVICE_END_STATES,
    DeviceFold,
    DeviceState,
    apply_device_event,
)
from halt_desk.domain.errors import DeskInputError, HaltDeskError
from halt_desk.domain.events import Event
from halt_desk.domain.messages import Msg
from halt_desk.domain.personal import home_address
from halt_desk.domain.swaps import (
    Leg,
    SwapFold,
    SwapMode,
    apply_swap_event,
)
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.i18n import N_, Words
from halt_desk.logistics.register import SWAP_DEVICE_TYPES, normalise_tag, text_or_none
from halt_desk.store import Store

log = logging.getLogger(__name__)


class SwapStep(StrEnum):
    """What a swap waits for next (the logistics queue's "step" column)."""

    PLAN = "plan"  # swap requested on the ticket, no swap opened yet
    RESERVE = "reserve"  # opened, no loaner reserved
    SHIP = "ship"  # loaner reserved, courier to book
    ISSUE = "issue"  # loaner reserved, engineer to issue it onsite
    IN_TRANSIT = "in_transit"  # shipped, not delivered
    WITH_USER = "with_user"  # delivered; the return leg is still to come
    RETURNING = "returning"  # return shipment on its way to the depot
    OWN_DEVICE = "own_device"  # the loaner is back; the employee's own device is not done
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
    #: The employee's own device taken back in this swap, and where it is now.
    own_device: str | None = None
    own_device_state: DeviceState | None = None

    @property
    def own_device_done(self) -> bool:
        """True without an own device, or once it reached its end state for this swap."""
        return self.own_device is None or self.own_device_state in OWN_DEVICE_END_STATES

    @property
    def step(self) -> SwapStep:
        record, state = self.record, self.device_state
        if record is None:
            return SwapStep.PLAN
        if record.is_closed:
            return SwapStep.CLOSED
        if (state is None or self.device is None) and not self.own_device_done:
            return SwapStep.OWN_DEVICE
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
        return SwapStep.CLOSED if self.own_device_done else SwapStep.OWN_DEVICE

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


def load_board(store: Store, now: datetime, *, every_request: bool = False) -> SwapBoard:
    """Folds every swap, the tickets that asked for one and the devices they hold.

    A request without a swap record of its own is left out once it was delivered or its
    ticket is resolved or closed (nothing to plan any more), unless `every_request`: a
    look-up by id (a loaner coming back) finds it whatever its ticket's state."""
    tickets = _ticket_facts(store, now, store.streams_of_kind("ticket", {"swap_requested"}))
    records = _swap_records(store, store.streams_of_kind("swap"))
    devices = _swap_devices(store, store.streams_of_kind("device", SWAP_DEVICE_TYPES))
    own = own_devices(store, store.streams_of_kind("device", OWN_DEVICE_TYPES))
    board = SwapBoard(now)
    for ticket_id, facts in tickets.items():
        swap_id = facts.swap_id or f"{ticket_id}-SWAP1"
        if swap_id in records or any(r.ticket == ticket_id for r in records.values()):
            continue
        held = devices[0].get(swap_id)
        done = facts.swap_met_at is not None or facts.status in ("resolved", "closed")
        if done and not every_request:
            continue  # delivered (or no longer needed) without a swap record of its own
        state = held.state if held is not None else None
        tag, model = (held.asset_tag, held.model) if held is not None else (None, None)
        board.swaps[swap_id] = Swap(swap_id, facts, None, tag, state, model, *_own(own, swap_id))
    _assemble(store, board, tickets, records, devices, own)
    return board


def swap_of(
    store: Store, swap_id: str, now: datetime, device: str | None = None, *, own: bool = True
) -> Swap:
    """One swap, folded from its own streams only; `device`: the loaner the caller already
    knows (a scan), so no other device is read; without `own` the employee's own device
    is not looked for (a step of the loaner alone: one query less per scan).
    DeskInputError if the swap is unknown."""
    records = _swap_records(store, [f"swap:{swap_id}"])
    record = records.get(swap_id)
    if record is None:
        swap = load_board(store, now, every_request=True).swaps.get(swap_id)
        if swap is None:
            raise DeskInputError("swap", Msg.SWAP_NOT_FOUND, swap=swap_id)
        return swap
    tickets = _ticket_facts(store, now, [f"ticket:{record.ticket}"])
    streams = (
        [f"device:{normalise_tag(device)}"]
        if device
        else store.streams_of_kind("device", SWAP_DEVICE_TYPES)
    )
    devices = _swap_devices(store, streams)
    if device and swap_id not in devices[0] and swap_id not in devices[1]:
        devices = _swap_devices(store, store.streams_of_kind("device", SWAP_DEVICE_TYPES))
    owned = own_devices(store, store.streams_of_kind("device", OWN_DEVICE_TYPES)) if own else {}
    board = SwapBoard(now)
    _assemble(store, board, tickets, records, devices, owned)
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
            if isinstance(swap, str) and event.type in SWAP_DEVICE_TYPES:
                last_device[swap] = fold
        if fold is not None and fold.swap is not None and not fold.owned:
            holder[fold.swap] = fold
    return holder, last_device


#: Device events that bind an employee's own device to a swap.
OWN_DEVICE_TYPES = frozenset({"device_taken_back"})


def own_devices(store: Store, streams: Sequence[str]) -> dict[str, DeviceFold]:
    """Per swap: the employee's own device it took back, as it is now, or (once it was
    back with its owner and taken again by a later swap) as it was when it left this one."""
    found: dict[str, DeviceFold] = {}
    for events in store.events_for_streams(streams).values():
        fold: DeviceFold | None = None
        for event in events:
            before = fold.swap if fold is not None else None
            try:
                fold = apply_device_event(fold, event)
            except HaltDeskError:
                continue
            if fold.swap is not None and fold.owned:
                found[fold.swap] = fold
            elif before is not None and before in found:
                found[before] = fold  # its end state for that swap
    return found


def _own(own: Mapping[str, DeviceFold], swap_id: str) -> tuple[str | None, DeviceState | None]:
    fold = own.get(swap_id)
    return (fold.asset_tag, fold.state) if fold is not None else (None, None)


def _assemble(
    store: Store,
    board: SwapBoard,
    tickets: Mapping[str, TicketSwapFacts],
    records: Mapping[str, SwapFold],
    devices: _Devices,
    own: Mapping[str, DeviceFold],
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
            *_own(own, swap_id),
        )
        for shipment in (record.outbound, record.inbound, record.own_device):
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
        addresses = [home_address(e.type, e.data) for e in requests]
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
        swap_id=text_or_none(request.data.get("swap")),
        home_address=address,
        requested_at=request.at,
        swap_due=swap_clock.due,
        swap_state=swap_clock.state,
        swap_met_at=swap_clock.met_at,
        emergency_due=emergency_clock.due,
        emergency_state=emergency_clock.state,
        emergency_met_at=emergency_clock.met_at,
        emergency_kind=text_or_none(emergency[0].data.get("kind")) if emergency else None,
    )


# ------------------------------------------------------------------ sync outcome


@dataclass(frozen=True, slots=True)
class SwapRejection:
    """An event of a swap that central refused, e.g. a loaner another swap reserved first."""

    event: Event
    swap: str | None
    device: str | None
    other_swap: str | None
    reason: str

    def message(self, lang: str | None = None) -> str:
        """For the logistics screen, in `lang` (default: the current language)."""
        if self.other_swap and self.device:
            taken = N_(
                "Loaner {device} is already reserved for swap {other}; the reservation for "
                "swap {swap} was refused. Choose another loaner."
            )
            words = Words.of(taken, device=self.device, other=self.other_swap, swap=self.swap)
        else:
            words = Words.of(N_("Refused by the central: {reason}"), reason=self.reason)
        return words.text(lang)


_OTHER_SWAP = re.compile(r"for swap (\S+);")


def swap_rejections(store: Store) -> list[SwapRejection]:
    """The swap and device events central refused, naming the swap that holds the loaner."""
    found: list[SwapRejection] = []
    for rejected in store.rejected_events():
        event = rejected.event
        if event.stream_kind not in ("device", "swap"):
            continue
        swap = text_or_none(event.data.get("swap")) or (
            event.stream_key if event.stream_kind == "swap" else None
        )
        match = _OTHER_SWAP.search(rejected.reason)
        device = event.stream_key if event.stream_kind == "device" else None
        found.append(
            SwapRejection(event, swap, device, match.group(1) if match else None, rejected.reason)
        )
    return found
