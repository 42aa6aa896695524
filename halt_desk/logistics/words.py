"""The words for the codes of the device life cycle (states, moves),
marked for the catalogue and put in the reader's language where they are shown."""

from __future__ import annotations

from collections.abc import Mapping

from halt_desk.domain.devices import DeviceState
from halt_desk.i18n import N_, NP_, Words

#: A device's state, as in "Device HALT-LT-00042 is {state}".
STATE_NAMES: Mapping[str, str] = {
    DeviceState.UNREADY: N_("not ready"),
    DeviceState.IN_STOCK: N_("in stock"),
    DeviceState.RESERVED: N_("reserved"),
    DeviceState.SHIPPED: N_("shipped"),
    DeviceState.ISSUED_ONSITE: N_("issued on site"),
    DeviceState.WITH_USER: N_("with the employee"),
    DeviceState.RETURN_SHIPPED: N_("return in transit"),
    DeviceState.RECEIVED: N_("received at the depot"),
    DeviceState.SANITISED: N_("sanitised"),
    DeviceState.RETURNED_TO_LESSOR: N_("returned to the lessor"),
    DeviceState.RETIRED: N_("retired"),
    DeviceState.TAKEN_BACK: N_("taken back from the employee"),
    DeviceState.DIAGNOSED: N_("diagnosed"),
    DeviceState.REPAIRED: N_("repaired"),
    DeviceState.RETURNED_TO_OWNER: N_("back with its owner"),
}

#: The data sanitisation methods (`swap_steps.SANITISATION_METHODS`) as a depot reads them.
METHOD_NAMES: Mapping[str, str] = {
    "nist_clear": N_("NIST SP 800-88 Clear (overwrite)"),
    "nist_purge": N_("NIST SP 800-88 Purge (erase the whole disk)"),
    "bitlocker_crypto_erase": N_("BitLocker crypto-erase (NIST SP 800-88 Purge)"),
    "nist_destroy": N_("NIST SP 800-88 Destroy (destroy the disk)"),
}

ACTION_CONTEXT = "device action"
#: A device event as something one does, as in "cannot {action}".
ACTION_NAMES: Mapping[str, str] = {
    "device_registered": NP_("device action", "register"),
    "readiness_checked": NP_("device action", "check readiness"),
    "device_reserved": NP_("device action", "reserve"),
    "device_released": NP_("device action", "release the reservation"),
    "device_shipped": NP_("device action", "ship"),
    "device_issued_onsite": NP_("device action", "issue on site"),
    "device_delivered": NP_("device action", "deliver"),
    "device_return_shipped": NP_("device action", "have the return collected"),
    "device_received": NP_("device action", "receive"),
    "device_sanitised": NP_("device action", "record the wiping"),
    "device_returned_to_lessor": NP_("device action", "send back to the lessor"),
    "device_retired": NP_("device action", "retire"),
    "device_taken_back": NP_("device action", "take back"),
    "device_diagnosed": NP_("device action", "record the diagnosis"),
    "device_repaired": NP_("device action", "record the repair"),
    "device_returned_to_owner": NP_("device action", "return to its owner"),
}


def state_words(state: str | None) -> Words | str:
    """A device state for a message (the code itself if it has no name)."""
    name = STATE_NAMES.get(str(state))
    return Words(name) if name else str(state)


def action_words(event_type: str) -> Words | str:
    name = ACTION_NAMES.get(event_type)
    return Words(name, context=ACTION_CONTEXT) if name else event_type
