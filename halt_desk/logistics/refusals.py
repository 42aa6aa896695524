"""A move the device life cycle refuses, in words a depot understands (`DeviceRefused`),
and recording device events so that such a refusal reaches the screen."""

from __future__ import annotations

from collections.abc import Sequence

from halt_desk.domain.errors import DeskInputError, IllegalTransition, Refusal
from halt_desk.domain.events import Event
from halt_desk.domain.messages import Msg
from halt_desk.i18n import N_, Words
from halt_desk.logistics.words import action_words, state_words
from halt_desk.store import Store

_WHY = {
    Refusal.LEFT_LIFE_CYCLE: N_("the device is out of circulation"),
    Refusal.ALREADY_REGISTERED: N_("it is already in the register"),
}
_NOT_NOW = N_("that is not allowed in this step of the life cycle")
_OTHER_SWAP = N_("another swap ({swap}) has the device already")


class DeviceRefused(DeskInputError):
    """A move the device life cycle refuses: names the device, its state and the swap;
    `str()` is the domain's English message."""

    def __init__(self, error: IllegalTransition) -> None:
        self.error = error
        code, params = refusal(error)
        super().__init__("device", code, **params)
        self.args = (str(error),)

    def __str__(self) -> str:
        return str(self.error)


def refusal(error: IllegalTransition) -> tuple[Msg, dict[str, object]]:
    """The life cycle's refusal for a person: which device, in which state, what was
    refused and why (a message code and its parameters)."""
    action = action_words(error.event_type)
    if error.state is None:
        return Msg.DEVICE_REFUSED_UNREGISTERED, {"tag": error.asset_tag, "action": action}
    if error.swap and error.event_swap and error.swap != error.event_swap:
        why = Words.of(_OTHER_SWAP, swap=error.swap)
    else:
        why = Words(_WHY.get(error.code, _NOT_NOW))
    params: dict[str, object] = {
        "tag": error.asset_tag,
        "state": state_words(error.state),
        "action": action,
        "why": why,
    }
    if error.swap:
        return Msg.DEVICE_REFUSED_HELD, {**params, "swap": error.swap}
    return Msg.DEVICE_REFUSED, params


def record_device_events(store: Store, events: Sequence[Event]) -> list[Event]:
    """All `events` in one transaction; a life-cycle refusal becomes DeviceRefused."""
    try:
        store.record_events(events, bulk=True)
    except IllegalTransition as exc:
        raise DeviceRefused(exc) from None
    return list(events)
