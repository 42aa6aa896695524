"""The employee's own (broken) device as a device of its own (DESIGN §2.6): taken back in a
swap, shipped to the depot (tracked like a loaner), received, diagnosed, then repaired and
returned to its owner, or (sanitised first) returned to the lessor or retired.

Its stream is `device:<asset tag>`, or `device:SN-<serial>` when it has no asset tag; a
device the register does not know is registered on the spot. Each step is one transaction;
the step that gives the device its end state closes the swap when the loaner is back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from halt_desk.domain.devices import DeviceFold, DeviceState
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.messages import Msg
from halt_desk.domain.swaps import Leg, ShipmentStatus, SwapMode
from halt_desk.logistics.codes import ASSET_TAG_PATTERN, DEVICE_TYPES
from halt_desk.logistics.refusals import record_device_events
from halt_desk.logistics.register import check_asset_tag, device_record, normalise_tag
from halt_desk.logistics.swap_board import Swap, swap_of
from halt_desk.logistics.swap_closing import own_device_end
from halt_desk.logistics.swap_steps import _courier, _open_record, _status_event
from halt_desk.store import Store

#: The stream key of a device without an asset tag: `SN-` and its serial number.
SERIAL_KEY_PREFIX = "SN-"
_SERIAL = re.compile(r"[A-Z0-9-]{4,30}")

#: The steps of an employee's own device at the depot, in the order they come, with the
#: states each is allowed from (the domain's life cycle decides; this is for the screens).
OWN_DEVICE_STEPS: dict[str, frozenset[DeviceState]] = {
    "device_return_shipped": frozenset({DeviceState.TAKEN_BACK}),
    "device_received": frozenset({DeviceState.TAKEN_BACK, DeviceState.RETURN_SHIPPED}),
    "device_diagnosed": frozenset({DeviceState.RECEIVED, DeviceState.DIAGNOSED}),
    "device_repaired": frozenset({DeviceState.DIAGNOSED}),
    "device_returned_to_owner": frozenset({DeviceState.REPAIRED}),
    "device_sanitised": frozenset({DeviceState.RECEIVED, DeviceState.DIAGNOSED}),
    "device_returned_to_lessor": frozenset({DeviceState.SANITISED}),
    "device_retired": frozenset({DeviceState.SANITISED}),
}


@dataclass(frozen=True, slots=True)
class TakeBack:
    """The employee's own device as the engineer finds it: its asset tag (a scan) or, when
    it has none, its serial number; the model for a device the register does not know;
    where it was taken back (default: the ticket's location, else `home` or `onsite`) and
    by whom (default: the one who records it)."""

    asset_tag: str = ""
    serial: str = ""
    model: str = ""
    location: str = ""
    by: str = ""


def own_device_key(asset_tag: str, serial: str) -> str:
    """The device's stream key: its asset tag, else `SN-<serial>`. DeskInputError if
    neither is given in a valid form."""
    if asset_tag.strip():
        return check_asset_tag(asset_tag)
    text = serial.strip().upper()
    if text.startswith(SERIAL_KEY_PREFIX):
        text = text[len(SERIAL_KEY_PREFIX) :]
    if not _SERIAL.fullmatch(text):
        raise DeskInputError("serial", Msg.FILL_IN_TAG_OR_SERIAL)
    return SERIAL_KEY_PREFIX + text


def take_back_device(
    store: Store,
    swap_id: str,
    take: TakeBack,
    actor: str,
    now: datetime,
    *,
    stamped: bool = False,
    also: Sequence[Event] = (),
) -> list[Event]:
    """The employee's own device taken back for swap `swap_id` (`device_taken_back` {swap,
    ticket, by, location}), registered on the spot (`device_registered`, owned) when the
    register does not know it, in one transaction (with `also`, e.g. a note on the
    ticket). `stamped`: stamp the events for sync like `Store.stamped_event` (the field
    view records this way)."""
    swap = _open_record(store, swap_id, now, own=True)
    assert swap.record is not None
    if swap.own_device and not swap.own_device_done:
        raise DeskInputError(
            "device", Msg.OWN_DEVICE_ALREADY_TAKEN, swap=swap_id, tag=swap.own_device
        )
    serial = take.serial.strip().upper()
    key = own_device_key(take.asset_tag, serial)
    view = store.device(key)
    if view is None and serial:
        view = store.device_by_serial(serial)
    if view is not None:
        key = view.asset_tag
    if key == swap.device:
        raise DeskInputError("device", Msg.OWN_DEVICE_IS_LOANER, tag=key, swap=swap_id)
    # Where: given, else the ticket's location, else at home (a courier swap; the
    # address itself stays on the swap) or on site.
    home = "home" if swap.record.mode is SwapMode.COURIER else "onsite"
    location = take.location.strip() or _ticket_location(store, swap) or home
    events: list[Event] = []
    if view is None:
        events.append(_registration(swap, key, serial, take.model, actor, now))
    data = {
        "swap": swap_id,
        "ticket": swap.record.ticket,
        "by": take.by.strip() or actor,
        "location": location,
    }
    events.append(new_event(f"device:{key}", "device_taken_back", now, actor, data))
    if stamped:
        events = [
            store.stamped_event(e.stream, e.type, actor, dict(e.data), at=now) for e in events
        ]
    return record_device_events(store, [*events, *also])


def _registration(
    swap: Swap, key: str, serial: str, model: str, actor: str, now: datetime
) -> Event:
    assert swap.record is not None
    match = ASSET_TAG_PATTERN.match(key)
    data: dict[str, Any] = {
        "type": DEVICE_TYPES[match.group(2)] if match else "laptop",
        "org": swap.record.org or (swap.ticket.org if swap.ticket else None),
        "owned": True,
    }
    if serial:
        data["serial"] = serial
    if model.strip():
        data["model"] = model.strip()
    if swap.record.depot:
        data["depot"] = swap.record.depot
    return new_event(f"device:{key}", "device_registered", now, actor, data)


def _ticket_location(store: Store, swap: Swap) -> str:
    """The ticket's own location (the last event that names one), else its caller's."""
    assert swap.record is not None
    for event in reversed(store.events_for(f"ticket:{swap.record.ticket}")):
        value = event.data.get("location")
        if isinstance(value, str) and value.strip():
            return value.removeprefix("location:")
    ticket = store.ticket(swap.record.ticket)
    caller = store.reference(f"employee:{ticket.caller}") if ticket and ticket.caller else None
    location = caller.get("location") if caller else None
    return location if isinstance(location, str) else ""


def own_device(store: Store, asset_tag: str) -> DeviceFold:
    """The employee's own device held by a swap; DeskInputError if `asset_tag` is not one."""
    fold = device_record(store, asset_tag).fold
    if not fold.owned or fold.swap is None:
        raise DeskInputError("device", Msg.NOT_AN_OWN_DEVICE, tag=fold.asset_tag)
    return fold


def ship_own_device(
    store: Store, asset_tag: str, carrier: str, tracking: str, actor: str, now: datetime
) -> list[Event]:
    """The employee's own device handed to a courier for the depot, tracked like a loaner:
    `device_return_shipped` with carrier and tracking code, and the swap's `own_device`
    shipment `picked_up`, in one transaction."""
    fold = own_device(store, asset_tag)
    assert fold.swap is not None
    swap = _open_record(store, fold.swap, now)
    carrier, tracking = _courier(carrier, tracking)
    data = {"swap": swap.id, "carrier": carrier, "tracking": tracking}
    events = [
        new_event(f"device:{fold.asset_tag}", "device_return_shipped", now, actor, data),
        _status_event(
            swap.id, Leg.OWN_DEVICE, carrier, tracking, ShipmentStatus.PICKED_UP, actor, now
        ),
    ]
    return record_device_events(store, events)


def diagnose_device(store: Store, asset_tag: str, finding: str, actor: str, now: datetime) -> Event:
    """What the depot found (`device_diagnosed` {swap, finding})."""
    fold = own_device(store, asset_tag)
    if not finding.strip():
        raise DeskInputError("finding", Msg.FILL_IN_FINDING)
    data = {"swap": fold.swap, "finding": finding.strip()}
    return _record_one(store, fold, "device_diagnosed", data, actor, now)


def repair_device(store: Store, asset_tag: str, actor: str, now: datetime, note: str = "") -> Event:
    """The device is repaired (`device_repaired` {swap, text})."""
    fold = own_device(store, asset_tag)
    data: dict[str, Any] = {"swap": fold.swap}
    if note.strip():
        data["text"] = note.strip()
    return _record_one(store, fold, "device_repaired", data, actor, now)


def return_to_owner(
    store: Store, asset_tag: str, actor: str, now: datetime, note: str = ""
) -> list[Event]:
    """The repaired device back with its owner (`device_returned_to_owner` {swap}); the
    loaner comes back next, and the swap closes when it is in (or now, if it is in)."""
    fold = own_device(store, asset_tag)
    data: dict[str, Any] = {"swap": fold.swap}
    if note.strip():
        data["text"] = note.strip()
    event = new_event(f"device:{fold.asset_tag}", "device_returned_to_owner", now, actor, data)
    return record_device_events(store, [event, *own_device_end(store, fold, event, now)])


def retire_device(
    store: Store, asset_tag: str, actor: str, now: datetime, reason: str = ""
) -> list[Event]:
    """The device goes to the scrap heap (`device_retired`); an employee's own device only
    after data sanitisation, and it ends its swap (closing it if the loaner is back)."""
    fold = device_record(store, asset_tag).fold
    data: dict[str, Any] = {}
    if fold.swap and fold.owned:
        data["swap"] = fold.swap
    if reason.strip():
        data["reason"] = reason.strip()
    event = new_event(f"device:{fold.asset_tag}", "device_retired", now, actor, data)
    return record_device_events(store, [event, *own_device_end(store, fold, event, now)])


def next_own_device_steps(fold: DeviceFold) -> list[str]:
    """The steps the depot may take now with an employee's own device (event types)."""
    if not fold.owned or fold.swap is None:
        return []
    return [step for step, states in OWN_DEVICE_STEPS.items() if fold.state in states]


def swap_own_device(store: Store, swap_id: str, now: datetime) -> DeviceFold:
    """The own device swap `swap_id` took back and still holds; DeskInputError otherwise."""
    swap = swap_of(store, swap_id, now)
    if swap.own_device is None:
        raise DeskInputError("swap", Msg.SWAP_HAS_NO_OWN_DEVICE, swap=swap_id)
    return own_device(store, normalise_tag(swap.own_device))


def _record_one(
    store: Store, fold: DeviceFold, event_type: str, data: dict[str, Any], actor: str, now: datetime
) -> Event:
    event = new_event(f"device:{fold.asset_tag}", event_type, now, actor, data)
    record_device_events(store, [event])
    return event
