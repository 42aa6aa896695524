"""When a swap closes by itself (DESIGN §2.6): once both its devices have an end state, the
loaner back at a depot and the employee's own device (if one was taken back) back with its
owner, returned to the lessor or retired. Whichever comes last closes the swap."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from halt_desk.domain.devices import HELD_STATES, OWN_DEVICE_END_STATES, DeviceFold, DeviceState
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.messages import Msg
from halt_desk.logistics.swap_board import Swap, swap_of
from halt_desk.store import Store

#: The end states of an employee's own device, by the event that takes it there.
_END_OF: dict[str, DeviceState] = {
    "device_returned_to_owner": DeviceState.RETURNED_TO_OWNER,
    "device_returned_to_lessor": DeviceState.RETURNED_TO_LESSOR,
    "device_retired": DeviceState.RETIRED,
}


def closing_events(
    swap: Swap,
    actor: str,
    now: datetime,
    *,
    loaner_back: bool = False,
    own_state: DeviceState | None = None,
) -> list[Event]:
    """`swap_closed` if the move being recorded leaves both devices of `swap` in an end
    state, else nothing. `loaner_back`: the move receives the loaner; `own_state`: the
    state the move takes the employee's own device to."""
    record = swap.record
    if record is None or record.is_closed:
        return []
    if loaner_back:
        loaner_done = True
    elif swap.device is None:
        return []  # no loaner went out (yet): closing is the desk's decision (close_swap)
    else:
        loaner_done = swap.device_state is None or swap.device_state not in HELD_STATES
    own_done = own_state in OWN_DEVICE_END_STATES if own_state is not None else swap.own_device_done
    if not (loaner_done and own_done):
        return []
    data: dict[str, Any] = {"outcome": "returned"}
    if swap.device:
        data["device"] = swap.device
    if swap.own_device:
        data["own_device"] = swap.own_device
    return [new_event(f"swap:{swap.id}", "swap_closed", now, actor, data)]


def own_device_end(store: Store, fold: DeviceFold, event: Event, now: datetime) -> list[Event]:
    """What else an employee's own device leaving its swap brings (`event`: back to its
    owner, to the lessor, retired): the swap's closing if its loaner is back. DeskInputError
    if it would leave for the lessor or the scrap heap without data sanitisation. Nothing
    for a loaner or a device no swap holds."""
    end = _END_OF.get(event.type)
    if not fold.owned or fold.swap is None or end is None:
        return []
    if end is not DeviceState.RETURNED_TO_OWNER and fold.state is not DeviceState.SANITISED:
        raise DeskInputError("device", Msg.SANITISE_FIRST, tag=fold.asset_tag)
    try:
        swap = swap_of(store, fold.swap, now)
    except DeskInputError:
        return []  # a swap this cache does not hold: central closes nothing by itself
    return closing_events(swap, event.actor, now, own_state=end)
