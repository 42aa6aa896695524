"""A move the device life cycle refuses, in words a depot understands (`DeviceRefused`),
and recording device events so that such a refusal reaches the screen."""

from __future__ import annotations

from collections.abc import Sequence

from halt_desk.domain.errors import DeskInputError, IllegalTransition
from halt_desk.domain.events import Event
from halt_desk.store import Store

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


def record_device_events(store: Store, events: Sequence[Event]) -> list[Event]:
    """All `events` in one transaction; a life-cycle refusal becomes DeviceRefused."""
    try:
        store.record_events(events, bulk=True)
    except IllegalTransition as exc:
        raise DeviceRefused(exc) from None
    return list(events)
