"""The device life cycle (DESIGN §2.6): which device event is legal in which state.

Two kinds of device share the register and this life cycle. A loaner goes from stock to an
employee and back. The employee's own (broken) device is taken back in a swap
(`device_taken_back`; `DeviceFold.owned`), goes to the depot, is diagnosed, then repaired
and returned to its owner, or (after data sanitisation) returned to the lessor or retired;
its swap holds it until one of those end states (`OWN_DEVICE_END_STATES`).

A device is the fold of its `device:<asset tag>` stream. `apply_device_event` takes one
event onto the fold, or refuses it with `IllegalTransition` naming the device, its state and
the swap that holds it; malformed event data (a missing swap, an empty certificate id) is
`InvalidEvent` naming the field. The store, the central API and the GUI all ask this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from halt_desk.domain.errors import IllegalTransition, InvalidEvent, Refusal
from halt_desk.domain.events import DEVICE_EVENT_TYPES, Event, event_text, required_text


class DeviceState(StrEnum):
    """Where a device is in its life cycle; exactly one at a time."""

    UNREADY = "unready"  # registered, readiness checklist not (yet) complete
    IN_STOCK = "in_stock"  # ready loaner in a depot
    RESERVED = "reserved"
    SHIPPED = "shipped"
    ISSUED_ONSITE = "issued_onsite"
    WITH_USER = "with_user"
    RETURN_SHIPPED = "return_shipped"
    RECEIVED = "received"
    SANITISED = "sanitised"
    RETURNED_TO_LESSOR = "returned_to_lessor"
    RETIRED = "retired"
    # The employee's own device (`DeviceFold.owned`):
    TAKEN_BACK = "taken_back"  # taken from the employee, on its way to the depot
    DIAGNOSED = "diagnosed"  # at the depot, the fault found
    REPAIRED = "repaired"
    RETURNED_TO_OWNER = "returned_to_owner"  # back with the employee (not in a swap)


#: The readiness checklist of a loaner (Autopilot/Intune, BitLocker, base apps, MFA).
READINESS_CHECKS: tuple[str, ...] = ("autopilot", "bitlocker", "base_apps", "mfa")
#: States a device never leaves.
TERMINAL_STATES: frozenset[DeviceState] = frozenset(
    {DeviceState.RETURNED_TO_LESSOR, DeviceState.RETIRED}
)
#: States in which a swap holds a loaner (`DeviceFold.swap` is set exactly then); an
#: employee's own device is held by its swap from `taken_back` to its end state.
HELD_STATES: frozenset[DeviceState] = frozenset(
    {
        DeviceState.RESERVED,
        DeviceState.SHIPPED,
        DeviceState.ISSUED_ONSITE,
        DeviceState.WITH_USER,
        DeviceState.RETURN_SHIPPED,
        DeviceState.TAKEN_BACK,
        DeviceState.DIAGNOSED,
        DeviceState.REPAIRED,
    }
)
#: Where the employee's own device ends for its swap: back with its owner, back to the
#: lessor, or retired. The swap closes only when its loaner is back as well.
OWN_DEVICE_END_STATES: frozenset[DeviceState] = frozenset(
    {DeviceState.RETURNED_TO_OWNER, DeviceState.RETURNED_TO_LESSOR, DeviceState.RETIRED}
)
#: States from which an employee's device may be taken back: registered (on the spot, or
#: known to the register but never stock) or back with its owner after an earlier swap.
TAKE_BACK_STATES: frozenset[DeviceState] = frozenset(
    {DeviceState.UNREADY, DeviceState.RETURNED_TO_OWNER}
)

_S = DeviceState


@dataclass(frozen=True, slots=True)
class DeviceFold:
    """The state of one device after its events. `swap`/`ticket`: the swap that holds it
    and that swap's ticket (None in the depot). `readiness`: the last result of each check
    (all False until checked); treat it as read-only. `owned`: an employee's own device
    (registered so, or taken back once), never loaner stock; `finding`: its last
    diagnosis; `sanitised`: data sanitisation recorded since it was taken back."""

    asset_tag: str
    state: DeviceState
    swap: str | None = None
    ticket: str | None = None
    org: str | None = None
    depot: str | None = None
    model: str | None = None
    serial: str | None = None
    type: str | None = None
    readiness: Mapping[str, bool] = field(
        default_factory=lambda: dict.fromkeys(READINESS_CHECKS, False), hash=False
    )
    owned: bool = False
    finding: str | None = None
    sanitised: bool = False


def is_ready_stock(fold: DeviceFold) -> bool:
    """True for a loaner that may be handed out: in stock, not held, every check passed."""
    return (
        fold.state is DeviceState.IN_STOCK
        and fold.swap is None
        and all(fold.readiness.get(check) is True for check in READINESS_CHECKS)
    )


def fold_device(events: Iterable[Event]) -> DeviceFold:
    """The device after all `events` (in the order given, registration first).

    Raises IllegalTransition at the first event the life cycle refuses, InvalidEvent for
    malformed data, ValueError if there are no events at all.
    """
    fold: DeviceFold | None = None
    for event in events:
        fold = apply_device_event(fold, event)
    if fold is None:
        raise ValueError("a device needs at least its device_registered event")
    return fold


def apply_device_event(fold: DeviceFold | None, event: Event) -> DeviceFold:
    """The device after `event`; `fold` is None before the registration.

    Raises IllegalTransition if the life cycle does not allow the event in the current
    state (or for the swap that holds the device), InvalidEvent if the event is not a
    device event of this device or lacks a field the move needs.
    """
    if event.stream_kind != "device" or not event.stream_key:
        raise InvalidEvent(event.id, "stream", f"{event.stream!r} is not a device stream")
    if event.type not in DEVICE_EVENT_TYPES:
        raise InvalidEvent(event.id, "type", f"{event.type!r} is not a device event type")
    if fold is None:
        if event.type != "device_registered":
            raise IllegalTransition(
                event.stream_key,
                None,
                event.type,
                Refusal.NOT_REGISTERED,
                "device_registered must come first",
            )
        return _registered(event)
    if event.stream_key != fold.asset_tag:
        raise InvalidEvent(
            event.id, "stream", f"{event.stream!r} is not the stream of device {fold.asset_tag}"
        )
    if fold.state in TERMINAL_STATES:
        raise _refused(fold, event, Refusal.LEFT_LIFE_CYCLE, "the device has left the life cycle")
    return _MOVES[event.type](fold, event)


# ------------------------------------------------------------------ the moves, one per type


def _registered(event: Event) -> DeviceFold:
    return DeviceFold(
        asset_tag=event.stream_key,
        state=_S.UNREADY,
        org=event_text(event, "org"),
        depot=event_text(event, "depot"),
        model=event_text(event, "model"),
        serial=event_text(event, "serial"),
        type=event_text(event, "type"),
        owned=event.data.get("owned") is True,
    )


def _registered_again(fold: DeviceFold, event: Event) -> DeviceFold:
    raise _refused(fold, event, Refusal.ALREADY_REGISTERED, "the device is already registered")


def _readiness_checked(fold: DeviceFold, event: Event) -> DeviceFold:
    _not_owned(fold, event)
    _require_state(fold, event, {_S.UNREADY, _S.IN_STOCK, _S.SANITISED}, "in a depot")
    readiness = {check: _check(event, check) for check in READINESS_CHECKS}
    state = _S.IN_STOCK if all(readiness.values()) else _S.UNREADY
    return replace(fold, state=state, readiness=readiness)


def _reserved(fold: DeviceFold, event: Event) -> DeviceFold:
    if fold.state is not _S.IN_STOCK:
        reason = "only a device in_stock can be reserved"
        raise _refused(fold, event, Refusal.WRONG_STATE, reason, event_text(event, "swap"))
    swap, ticket = required_text(event, "swap"), required_text(event, "ticket")
    return replace(fold, state=_S.RESERVED, swap=swap, ticket=ticket)


def _released(fold: DeviceFold, event: Event) -> DeviceFold:
    _require_held(fold, event, {_S.RESERVED})
    return replace(fold, state=_S.IN_STOCK, swap=None, ticket=None)


def _shipped(fold: DeviceFold, event: Event) -> DeviceFold:
    _require_held(fold, event, {_S.RESERVED})
    return replace(fold, state=_S.SHIPPED)


def _issued_onsite(fold: DeviceFold, event: Event) -> DeviceFold:
    if fold.state is _S.IN_STOCK:
        # An engineer with a loaner in the car issues it without a reservation first.
        swap, ticket = required_text(event, "swap"), event_text(event, "ticket")
        return replace(fold, state=_S.ISSUED_ONSITE, swap=swap, ticket=ticket)
    _require_held(fold, event, {_S.RESERVED})
    return replace(fold, state=_S.ISSUED_ONSITE)


def _delivered(fold: DeviceFold, event: Event) -> DeviceFold:
    _require_held(fold, event, {_S.SHIPPED, _S.ISSUED_ONSITE})
    return replace(fold, state=_S.WITH_USER)


def _return_shipped(fold: DeviceFold, event: Event) -> DeviceFold:
    # A loaner on its way back, or an employee's own device on its way to the depot.
    allowed = {_S.TAKEN_BACK} if fold.owned else {_S.WITH_USER}
    _require_held(fold, event, allowed, swap_required=False)
    return replace(fold, state=_S.RETURN_SHIPPED)


def _received(fold: DeviceFold, event: Event) -> DeviceFold:
    depot = required_text(event, "depot")
    if fold.owned:  # its swap holds it until its end state
        _require_held(fold, event, {_S.TAKEN_BACK, _S.RETURN_SHIPPED}, swap_required=False)
        return replace(fold, state=_S.RECEIVED, depot=depot)
    # `with_user`: the engineer takes the device back onsite and brings it to the depot.
    _require_held(fold, event, {_S.RETURN_SHIPPED, _S.WITH_USER}, swap_required=False)
    return replace(fold, state=_S.RECEIVED, swap=None, ticket=None, depot=depot)


def _sanitised(fold: DeviceFold, event: Event) -> DeviceFold:
    if fold.owned:
        _require_state(fold, event, {_S.RECEIVED, _S.DIAGNOSED}, "received or diagnosed")
    else:
        _require_state(fold, event, {_S.RECEIVED}, "received")
    for key in ("method", "operator", "certificate"):
        required_text(event, key)
    return replace(fold, state=_S.SANITISED, sanitised=True)


def _returned_to_lessor(fold: DeviceFold, event: Event) -> DeviceFold:
    if fold.owned:  # an employee's data never leaves unsanitised
        _require_state(fold, event, {_S.SANITISED}, "sanitised")
    else:
        _require_state(fold, event, {_S.RECEIVED, _S.SANITISED}, "back in a depot")
    return replace(fold, state=_S.RETURNED_TO_LESSOR, swap=None, ticket=None)


def _retired(fold: DeviceFold, event: Event) -> DeviceFold:
    if fold.owned:  # nor goes to the scrap heap unsanitised
        _require_state(fold, event, {_S.SANITISED}, "sanitised")
        return replace(fold, state=_S.RETIRED, swap=None, ticket=None)
    allowed = {_S.UNREADY, _S.IN_STOCK, _S.RECEIVED, _S.SANITISED}
    _require_state(fold, event, allowed, "in a depot and not held by a swap")
    return replace(fold, state=_S.RETIRED)


def _taken_back(fold: DeviceFold, event: Event) -> DeviceFold:
    """The employee's own device taken back for a swap {swap, by, location}."""
    swap = event_text(event, "swap")
    if fold.state not in TAKE_BACK_STATES or fold.swap is not None:
        reason = "only a device with its owner can be taken back"
        raise _refused(fold, event, Refusal.WRONG_STATE, reason, swap)
    swap = required_text(event, "swap")
    for key in ("by", "location"):
        required_text(event, key)
    ticket = event_text(event, "ticket")
    return replace(fold, state=_S.TAKEN_BACK, swap=swap, ticket=ticket, owned=True, sanitised=False)


def _diagnosed(fold: DeviceFold, event: Event) -> DeviceFold:
    _owned_only(fold, event)
    _require_state(fold, event, {_S.RECEIVED, _S.DIAGNOSED}, "received at the depot")
    return replace(fold, state=_S.DIAGNOSED, finding=required_text(event, "finding"))


def _repaired(fold: DeviceFold, event: Event) -> DeviceFold:
    _owned_only(fold, event)
    _require_state(fold, event, {_S.DIAGNOSED}, "diagnosed")
    return replace(fold, state=_S.REPAIRED)


def _returned_to_owner(fold: DeviceFold, event: Event) -> DeviceFold:
    _owned_only(fold, event)
    _require_held(fold, event, {_S.REPAIRED})
    return replace(fold, state=_S.RETURNED_TO_OWNER, swap=None, ticket=None)


_MOVES: Mapping[str, Callable[[DeviceFold, Event], DeviceFold]] = {
    "device_registered": _registered_again,
    "readiness_checked": _readiness_checked,
    "device_reserved": _reserved,
    "device_released": _released,
    "device_shipped": _shipped,
    "device_issued_onsite": _issued_onsite,
    "device_delivered": _delivered,
    "device_return_shipped": _return_shipped,
    "device_received": _received,
    "device_sanitised": _sanitised,
    "device_returned_to_lessor": _returned_to_lessor,
    "device_retired": _retired,
    "device_taken_back": _taken_back,
    "device_diagnosed": _diagnosed,
    "device_repaired": _repaired,
    "device_returned_to_owner": _returned_to_owner,
}


# ------------------------------------------------------------------ helpers


def _refused(
    fold: DeviceFold, event: Event, code: Refusal, reason: str, event_swap: str | None = None
) -> IllegalTransition:
    return IllegalTransition(
        fold.asset_tag, fold.state, event.type, code, reason, swap=fold.swap, event_swap=event_swap
    )


def _require_state(fold: DeviceFold, event: Event, allowed: set[DeviceState], where: str) -> None:
    if fold.state not in allowed:
        names = " or ".join(sorted(allowed))
        reason = f"allowed only when the device is {where} ({names})"
        raise _refused(fold, event, Refusal.WRONG_STATE, reason)


def _require_held(
    fold: DeviceFold, event: Event, allowed: set[DeviceState], *, swap_required: bool = True
) -> None:
    """`fold` must be in one of `allowed` and held by the event's `data.swap`; without
    `swap_required` an event that names no swap is taken to be for the holding one."""
    swap = event_text(event, "swap")
    if fold.state not in allowed:
        names = " or ".join(sorted(allowed))
        raise _refused(fold, event, Refusal.WRONG_STATE, f"allowed only from {names}", swap)
    if swap is None:
        if swap_required:
            raise InvalidEvent(event.id, "data.swap", "missing or empty")
        return
    if fold.swap != swap:
        raise _refused(fold, event, Refusal.OTHER_SWAP, "another swap holds the device", swap)


def _owned_only(fold: DeviceFold, event: Event) -> None:
    if not fold.owned:
        reason = "only for an employee's own device taken back in a swap"
        raise _refused(fold, event, Refusal.WRONG_STATE, reason, event_text(event, "swap"))


def _not_owned(fold: DeviceFold, event: Event) -> None:
    if fold.owned:
        reason = "an employee's own device never becomes loaner stock"
        raise _refused(fold, event, Refusal.WRONG_STATE, reason)


def _check(event: Event, check: str) -> bool:
    """One readiness check: true or false; a missing check has not passed."""
    value = event.data.get(check, False)
    if not isinstance(value, bool):
        raise InvalidEvent(event.id, f"data.{check}", f"expected true or false, got {value!r}")
    return value
