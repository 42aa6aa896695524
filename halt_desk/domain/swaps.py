"""The loaner swap as a record (DESIGN §2.6): plan, courier legs and closing, folded from
its `swap:<id>` stream.

The loaner's own life cycle is `domain.devices`; the swap and emergency-workplace clocks are
the ticket's (`domain.clocks`). This module keeps what belongs to the swap itself: for which
ticket, how (courier to the home address, onsite issue by an engineer), from which depot,
and the status of the outbound and return shipments. The store and the central API both
fold swap streams through `apply_swap_event`, so a swap event that does not fit is refused
the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import (
    STOCK_EVENT_TYPES,
    SWAP_EVENT_TYPES,
    Event,
    event_text,
    required_text,
)
from halt_desk.domain.personal import address_fields


class SwapMode(StrEnum):
    """How the loaner reaches the employee."""

    COURIER = "courier"  # secure courier to the home address (seed 003 §3.1.1)
    ONSITE = "onsite"  # a field engineer issues it on the spot


class Leg(StrEnum):
    OUT = "out"  # loaner to the employee
    RETURN = "return"  # device back to the depot
    OWN_DEVICE = "own_device"  # the employee's own (broken) device to the depot


class ShipmentStatus(StrEnum):
    """The courier status events of DESIGN §2.6, in the order a shipment normally goes."""

    BOOKED = "booked"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    FAILED_ATTEMPT = "failed_attempt"
    RETURNED = "returned"


#: Statuses after which a courier has nothing more to report.
FINAL_SHIPMENT_STATUSES: frozenset[ShipmentStatus] = frozenset(
    {ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED}
)
#: Ways the desk can bridge a swap that cannot be in time (seed 003 §10.1.5).
EMERGENCY_KINDS: tuple[str, ...] = ("virtual_workplace", "pool_device")
#: Kinds of a buffer-stock mitigation (seed 003 §10.1.5 item 4).
MITIGATION_KINDS: tuple[str, ...] = ("extra_stock", "other_depot", "priority")


@dataclass(frozen=True, slots=True)
class Shipment:
    """One courier leg: carrier, tracking code and the last status reported."""

    leg: Leg
    carrier: str
    tracking: str
    status: ShipmentStatus
    status_at: datetime
    source: str = "manual"  # manual | scan | carrier | webhook (older: api:<carrier>)
    #: What needs a person (couriers.base.ShipmentProblem): delivery failed, an address
    #: problem, returned to sender; None while all goes well.
    problem: str | None = None
    expected: datetime | None = None  # the carrier's expected delivery, as last reported

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_SHIPMENT_STATUSES


@dataclass(frozen=True, slots=True)
class SwapFold:
    """A swap after its events. `home_address` is None where the address is not visible
    (redacted by central, or purged 30 days after closing)."""

    id: str
    ticket: str
    org: str | None
    mode: SwapMode
    depot: str | None
    opened_at: datetime
    home_address: str | None = None
    engineer: str | None = None
    outbound: Shipment | None = None
    inbound: Shipment | None = None
    own_device: Shipment | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    history: tuple[tuple[datetime, str, str], ...] = field(default=(), hash=False)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def shipment(self, leg: Leg) -> Shipment | None:
        if leg is Leg.OWN_DEVICE:
            return self.own_device
        return self.outbound if leg is Leg.OUT else self.inbound


def fold_swap(events: Iterable[Event]) -> SwapFold:
    """The swap after all `events` (fold order). InvalidEvent names the event and field."""
    fold: SwapFold | None = None
    for event in events:
        fold = apply_swap_event(fold, event)
    if fold is None:
        raise ValueError("a swap needs at least its swap_opened event")
    return fold


def apply_swap_event(fold: SwapFold | None, event: Event) -> SwapFold:
    """The swap after `event`; `fold` is None before `swap_opened`.

    Raises InvalidEvent if the event is not a swap event, comes before `swap_opened` or
    after `swap_closed`, or lacks a field (naming it).
    """
    if event.stream_kind != "swap" or event.type not in SWAP_EVENT_TYPES:
        raise InvalidEvent(event.id, "type", f"{event.type!r} is not a swap event")
    key = event.stream_key
    if fold is None:
        if event.type != "swap_opened":
            raise InvalidEvent(event.id, "type", f"swap {key}: swap_opened must come first")
        return SwapFold(
            id=key,
            ticket=required_text(event, "ticket"),
            org=event_text(event, "org"),
            mode=_mode(event),
            depot=event_text(event, "depot"),
            opened_at=event.at,
            home_address=_home_address(event),
            engineer=event_text(event, "engineer"),
            history=((event.at, event.type, ""),),
        )
    if event.type == "swap_opened":
        raise InvalidEvent(event.id, "type", f"swap {key} is opened already")
    if fold.is_closed:
        raise InvalidEvent(event.id, "type", f"swap {key} is closed; {event.type} refused")
    history = (*fold.history, (event.at, event.type, event_text(event, "status") or ""))
    if event.type == "swap_updated":
        changes: dict[str, object] = {}
        if "mode" in event.data:
            changes["mode"] = _mode(event)
        for name in ("depot", "engineer"):
            if name in event.data:
                changes[name] = event_text(event, name)
        if address_fields(event.type, event.data):
            changes["home_address"] = _home_address(event)
        return replace(fold, history=history, **changes)  # type: ignore[arg-type]
    if event.type == "shipment_status":
        shipment = _shipment(event)
        before = fold.shipment(shipment.leg)
        if (
            shipment.expected is None
            and before is not None
            and before.tracking == shipment.tracking
        ):
            shipment = replace(shipment, expected=before.expected)
        if shipment.leg is Leg.OUT:
            return replace(fold, outbound=shipment, history=history)
        if shipment.leg is Leg.OWN_DEVICE:
            return replace(fold, own_device=shipment, history=history)
        return replace(fold, inbound=shipment, history=history)
    # swap_closed
    return replace(fold, closed_at=event.at, outcome=event_text(event, "outcome"), history=history)


def check_stock_event(event: Event) -> None:
    """A `stock_mitigation` needs a model, a kind of mitigation and a note."""
    if event.stream_kind != "stock" or event.type not in STOCK_EVENT_TYPES:
        raise InvalidEvent(event.id, "type", f"{event.type!r} is not a stock event")
    required_text(event, "model")
    kind = required_text(event, "kind")
    if kind not in MITIGATION_KINDS:
        raise InvalidEvent(event.id, "data.kind", f"{kind!r} is not one of {MITIGATION_KINDS}")
    required_text(event, "note")


# ------------------------------------------------------------------ helpers


def _home_address(event: Event) -> str | None:
    """The home address at the paths the event type declares (domain.personal): the first
    non-blank text; InvalidEvent naming the field if one is not text."""
    for path, value in address_fields(event.type, event.data):
        if value is not None and not isinstance(value, str):
            raise InvalidEvent(event.id, f"data.{path}", f"expected text, got {value!r}")
        if value is not None and value.strip():
            return str(value)
    return None


def _shipment(event: Event) -> Shipment:
    leg_text = required_text(event, "leg")
    try:
        leg = Leg(leg_text)
    except ValueError:
        known = ", ".join(leg.value for leg in Leg)
        raise InvalidEvent(event.id, "data.leg", f"{leg_text!r} is not a leg ({known})") from None
    status_text = required_text(event, "status")
    try:
        status = ShipmentStatus(status_text)
    except ValueError:
        known = ", ".join(s.value for s in ShipmentStatus)
        raise InvalidEvent(
            event.id, "data.status", f"{status_text!r} is not a shipment status ({known})"
        ) from None
    return Shipment(
        leg=leg,
        carrier=required_text(event, "carrier"),
        tracking=required_text(event, "tracking"),
        status=status,
        status_at=event.at,
        source=event_text(event, "source") or "manual",
        problem=event_text(event, "problem"),
        expected=_moment(event_text(event, "expected")),
    )


def _moment(text: str | None) -> datetime | None:
    """An ISO-8601 time with offset, or None (absent or unreadable: only a hint)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _mode(event: Event) -> SwapMode:
    text = required_text(event, "mode")
    try:
        return SwapMode(text)
    except ValueError:
        raise InvalidEvent(event.id, "data.mode", f"{text!r} is not courier or onsite") from None
