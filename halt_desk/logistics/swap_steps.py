"""The swap workflow as plain calls (DESIGN §2.6): open, reserve, ship or issue onsite,
deliver, courier statuses, the return leg, sanitisation and closing, each in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from halt_desk.couriers.registry import carrier_names, carriers
from halt_desk.domain.devices import (
    DeviceState,
)
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.messages import Msg
from halt_desk.domain.personal import HOME_ADDRESS
from halt_desk.domain.swaps import (
    EMERGENCY_KINDS,
    Leg,
    ShipmentStatus,
    SwapMode,
)
from halt_desk.i18n import N_, Words
from halt_desk.logistics.codes import classify_tracking
from halt_desk.logistics.refusals import record_device_events
from halt_desk.logistics.register import device_record, normalise_tag
from halt_desk.logistics.swap_board import Swap, load_board, swap_of
from halt_desk.logistics.swap_closing import closing_events, own_device_end
from halt_desk.store import Store

#: Sanitisation methods (NIST SP 800-88 Rev. 1, and BitLocker's cryptographic erase).
SANITISATION_METHODS: dict[str, str] = {
    "nist_clear": "NIST SP 800-88 Clear",
    "nist_purge": "NIST SP 800-88 Purge",
    "bitlocker_crypto_erase": "BitLocker crypto-erase (NIST SP 800-88 Purge)",
    "nist_destroy": "NIST SP 800-88 Destroy",
}


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
        raise DeskInputError("ticket", Msg.TICKET_NOT_FOUND, ticket=ticket_id)
    board = load_board(store, now)
    pending = [s for s in board.for_ticket(ticket_id) if s.record is None]
    if not pending:
        if board.for_ticket(ticket_id):
            raise DeskInputError("ticket", Msg.SWAP_ALREADY_OPEN, ticket=ticket_id)
        raise DeskInputError("ticket", Msg.NO_SWAP_REQUEST, ticket=ticket_id)
    swap_id = pending[0].id
    if store.reference(f"depot:{plan.depot}") is None:
        raise DeskInputError("depot", Msg.CHOOSE_DEPOT)
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
            raise DeskInputError("home_address", Msg.FILL_IN_HOME_ADDRESS)
        if address != (facts.home_address if facts else None):
            data[HOME_ADDRESS] = address  # the swap's declared address field
    else:
        if not (plan.engineer or "").strip():
            raise DeskInputError("engineer", Msg.CHOOSE_ENGINEER)
        data["engineer"] = (plan.engineer or "").strip()
    events = [new_event(f"swap:{swap_id}", "swap_opened", now, actor, data)]
    if plan.device:
        events.append(_reservation(store, swap_id, ticket_id, plan.device, actor, now))
    return swap_id, record_device_events(store, events)


def _reservation(
    store: Store, swap_id: str, ticket_id: str, asset_tag: str, actor: str, now: datetime
) -> Event:
    tag = normalise_tag(asset_tag)
    if store.device(tag) is None:
        raise DeskInputError("device", Msg.DEVICE_NOT_FOUND, tag=tag)
    data = {"swap": swap_id, "ticket": ticket_id}
    return new_event(f"device:{tag}", "device_reserved", now, actor, data)


def reserve_loaner(store: Store, swap_id: str, asset_tag: str, actor: str, now: datetime) -> Event:
    """Reserves a ready loaner for an opened swap (`device_reserved`)."""
    swap = _open_record(store, swap_id, now)
    assert swap.record is not None
    event = _reservation(store, swap_id, swap.record.ticket, asset_tag, actor, now)
    record_device_events(store, [event])
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
    record_device_events(store, [event])
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
    return record_device_events(store, events)


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
    return record_device_events(store, events)


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
    return record_device_events(store, events)


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
        raise DeskInputError("leg", Msg.NO_SHIPMENT_FOR_LEG)
    if leg is Leg.OUT and status is ShipmentStatus.DELIVERED:
        return deliver(store, swap_id, actor, now, source=source)
    event = _status_event(
        swap_id, leg, shipment.carrier, shipment.tracking, status, actor, now, source, detail
    )
    return record_device_events(store, [event])


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
        raise DeskInputError("kind", Msg.CHOOSE_EMERGENCY_KIND)
    if store.ticket(ticket_id) is None:
        raise DeskInputError("ticket", Msg.TICKET_NOT_FOUND, ticket=ticket_id)
    data: dict[str, Any] = {"kind": kind}
    if note.strip():
        data["text"] = note.strip()
    event = new_event(f"ticket:{ticket_id}", "emergency_workplace", now, actor, data)
    record_device_events(store, [event])
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
    """The receive scan at the depot (`device_received`), whatever the state of the ticket.

    A loaner coming back from a swap: its return shipment is `delivered`, and the swap
    closes (`swap_closed`; the 30 days of the home address start then) unless the
    employee's own device is not done yet. An employee's own device: its shipment to the
    depot is `delivered`; it stays with its swap for diagnosis. All in one transaction."""
    record = device_record(store, asset_tag)
    fold = record.fold
    tag = fold.asset_tag
    if store.reference(f"depot:{depot}") is None:
        raise DeskInputError("depot", Msg.CHOOSE_DEPOT)
    swap_id = fold.swap
    data: dict[str, Any] = {"depot": depot}
    if swap_id:
        data["swap"] = swap_id
    events = [new_event(f"device:{tag}", "device_received", now, actor, data)]
    swap = _known_swap(store, swap_id, now, None if fold.owned else tag)
    if swap is not None and swap.record is not None and not swap.record.is_closed:
        leg = Leg.OWN_DEVICE if fold.owned else Leg.RETURN
        shipment = swap.record.shipment(leg)
        if shipment is not None and not shipment.is_final:
            delivered = ShipmentStatus.DELIVERED
            events.append(
                _status_event(
                    swap.id, leg, shipment.carrier, shipment.tracking, delivered, actor, now
                )
            )
        if not fold.owned:
            events.extend(closing_events(swap, actor, now, loaner_back=True))
    return record_device_events(store, events)


def _known_swap(
    store: Store, swap_id: str | None, now: datetime, device: str | None
) -> Swap | None:
    """The swap a device comes back from, if this cache knows it: a device is received
    whatever became of its swap or ticket (closed, or not in this cache)."""
    if not swap_id:
        return None
    try:
        return swap_of(store, swap_id, now, device)
    except DeskInputError:
        return None


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
    tag = device_record(store, asset_tag).fold.asset_tag
    if sanitisation.method not in SANITISATION_METHODS:
        raise DeskInputError("method", Msg.CHOOSE_SANITISATION_METHOD)
    if not sanitisation.operator.strip():
        raise DeskInputError("operator", Msg.FILL_IN_OPERATOR)
    if not sanitisation.certificate.strip():
        raise DeskInputError("certificate", Msg.FILL_IN_CERTIFICATE)
    data = {
        "method": sanitisation.method,
        "method_name": SANITISATION_METHODS[sanitisation.method],
        "operator": sanitisation.operator.strip(),
        "certificate": sanitisation.certificate.strip(),
    }
    event = new_event(f"device:{tag}", "device_sanitised", now, actor, data)
    record_device_events(store, [event])
    return event


def return_to_lessor(
    store: Store, asset_tag: str, actor: str, now: datetime, reference: str = ""
) -> Event:
    """Sends a received or sanitised device back to its lessor (`device_returned_to_lessor`),
    whatever the state of its ticket. An employee's own device must be sanitised first;
    it ends its swap (which closes if its loaner is back), in the same transaction."""
    record = device_record(store, asset_tag)
    data: dict[str, Any] = {}
    if record.lessor:
        data["lessor"] = record.lessor
    if reference.strip():
        data["reference"] = reference.strip()
    if record.fold.swap:
        data["swap"] = record.fold.swap
    event = new_event(
        f"device:{record.fold.asset_tag}", "device_returned_to_lessor", now, actor, data
    )
    record_device_events(store, [event, *own_device_end(store, record.fold, event, now)])
    return event


def close_swap(store: Store, swap_id: str, outcome: str, actor: str, now: datetime) -> list[Event]:
    """Closes a swap that will not go on (e.g. `cancelled`); a reserved loaner goes back
    to stock in the same transaction."""
    swap = _open_record(store, swap_id, now, own=True)
    if not outcome.strip():
        raise DeskInputError("outcome", Msg.GIVE_OUTCOME)
    if not swap.own_device_done:
        raise DeskInputError("swap", Msg.OWN_DEVICE_NOT_DONE, swap=swap_id, tag=swap.own_device)
    events: list[Event] = []
    if swap.device and swap.device_state is DeviceState.RESERVED:
        events.append(
            new_event(f"device:{swap.device}", "device_released", now, actor, {"swap": swap_id})
        )
    events.append(
        new_event(f"swap:{swap_id}", "swap_closed", now, actor, {"outcome": outcome.strip()})
    )
    return record_device_events(store, events)


def _open_record(
    store: Store, swap_id: str, now: datetime, device: str | None = None, *, own: bool = False
) -> Swap:
    """The swap, planned and open; `own`: with its employee's own device (else unknown)."""
    swap = swap_of(store, swap_id, now, device, own=own)
    if swap.record is None:
        raise DeskInputError("swap", Msg.SWAP_NOT_PLANNED, swap=swap_id)
    if swap.record.is_closed:
        raise DeskInputError("swap", Msg.SWAP_CLOSED, swap=swap_id)
    return swap


def _held_device(swap: Swap) -> str:
    if swap.device is None or swap.device_state is None:
        raise DeskInputError("device", Msg.SWAP_HAS_NO_LOANER, swap=swap.id)
    return swap.device


def _courier(carrier: str, tracking: str) -> tuple[str, str]:
    """Carrier and tracking code checked against the carriers' published formats."""
    code = tracking.strip().upper()
    found = classify_tracking(code)
    name = carrier.strip().lower()
    known = carriers().get(name)
    if known is None:
        raise DeskInputError("carrier", Msg.CHOOSE_CARRIER, carriers=carrier_names())
    if found is None or found[0] != name:
        raise DeskInputError(
            "tracking", Msg.NOT_A_TRACKING_CODE, code=code or Words(N_("Empty")), carrier=known.name
        )
    return name, found[1]
