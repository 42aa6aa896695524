"""The device register: asset tags, registering a device, its readiness checklist, its
record, and the register's search box (typed text or a scanned label).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from halt_desk.domain.devices import (
    READINESS_CHECKS,
    DeviceFold,
    DeviceState,
    apply_device_event,
)
from halt_desk.domain.errors import DeskInputError, HaltDeskError
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.messages import Msg
from halt_desk.i18n import N_, Words
from halt_desk.logistics.codes import ASSET_TAG_PATTERN, DEVICE_TYPES, CodeKind, classify
from halt_desk.logistics.refusals import record_device_events
from halt_desk.store import DeviceView, Store

#: Device events that bind a device to a swap (to find a swap's loaner).
SWAP_DEVICE_TYPES = frozenset({"device_reserved", "device_issued_onsite"})
#: Device events that name the last swap a device was in (a loaner, or an own device).
_LAST_SWAP_TYPES = SWAP_DEVICE_TYPES | {"device_taken_back"}


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
            "asset_tag", Msg.NOT_AN_ASSET_TAG, text=text.strip() or Words(N_("Empty"))
        )
    return tag


def register_device(
    store: Store, registration: DeviceRegistration, actor: str, now: datetime
) -> Event:
    """Adds a device to the register (`device_registered`); it is `unready` until its
    readiness checklist passes."""
    tag = check_asset_tag(registration.asset_tag)
    if store.device(tag) is not None:
        raise DeskInputError("asset_tag", Msg.DEVICE_ALREADY_REGISTERED, tag=tag)
    serial = registration.serial.strip().upper()
    if not re.fullmatch(r"[A-Z0-9-]{4,30}", serial):
        raise DeskInputError("serial", Msg.FILL_IN_SERIAL)
    if store.device_by_serial(serial) is not None:
        raise DeskInputError("serial", Msg.SERIAL_IN_USE, serial=serial)
    for name, value in (("model", registration.model), ("org", registration.org)):
        if not value.strip():
            raise DeskInputError(name, _FILL_IN[name])
    if store.reference(f"depot:{registration.depot}") is None:
        raise DeskInputError("depot", Msg.CHOOSE_DEPOT)
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
    (event,) = record_device_events(
        store, [new_event(f"device:{tag}", "device_registered", now, actor, data)]
    )
    return event


_FILL_IN = {"model": Msg.FILL_IN_MODEL, "org": Msg.FILL_IN_ORGANISATION}


def check_readiness(
    store: Store, asset_tag: str, checks: Mapping[str, bool], actor: str, now: datetime
) -> Event:
    """Records the readiness checklist (Autopilot/Intune, BitLocker, base apps, MFA). All
    four passed: the device is ready stock; any one failed: it stays or becomes unready."""
    tag = device_record(store, asset_tag).fold.asset_tag
    unknown = set(checks) - set(READINESS_CHECKS)
    if unknown:
        raise DeskInputError("checks", Msg.UNKNOWN_CHECK)
    data = {check: bool(checks.get(check, False)) for check in READINESS_CHECKS}
    (event,) = record_device_events(
        store, [new_event(f"device:{tag}", "readiness_checked", now, actor, data)]
    )
    return event


def device_record(store: Store, asset_tag: str) -> DeviceRecord:
    """The register entry of one device (life cycle, lessor, purchase date, last swap)."""
    tag = normalise_tag(asset_tag)
    events = store.events_for_streams([f"device:{tag}"])[f"device:{tag}"]
    if not events:
        raise DeskInputError("asset_tag", Msg.DEVICE_NOT_FOUND, tag=tag)
    fold = _tolerant_device_fold(events)
    assert fold is not None
    registered = events[0].data
    last_swap = None
    for event in events:
        swap = event.data.get("swap")
        if isinstance(swap, str) and event.type in _LAST_SWAP_TYPES:
            last_swap = swap
    return DeviceRecord(
        fold=fold,
        lessor=text_or_none(registered.get("lessor")),
        purchase_date=text_or_none(registered.get("purchase_date")),
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


def text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def find_devices(
    devices: Iterable[DeviceView],
    text: str = "",
    depot: str | None = None,
    state: str | None = None,
) -> list[DeviceView]:
    """The register rows a logistics person is looking for, by asset tag.

    A scanned or typed whole asset tag finds exactly that device, whatever the scanner
    adds around it; other text finds every device whose asset tag, serial number or model
    contains it (case and spaces ignored). `depot` and `state` narrow further."""
    code = classify(text) if text.strip() else None
    needle = code.value if code is not None else ""

    def wanted(device: DeviceView) -> bool:
        if depot is not None and device.depot != depot:
            return False
        if state is not None and device.state != state:
            return False
        if code is None:
            return True
        if code.kind is CodeKind.ASSET_TAG:
            return device.asset_tag == needle
        fields = (device.asset_tag, device.serial or "", (device.model or "").replace(" ", ""))
        return any(needle in field.upper() for field in fields)

    return sorted((d for d in devices if wanted(d)), key=lambda d: d.asset_tag)
