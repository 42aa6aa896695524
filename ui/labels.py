"""The words for the codes of halt_desk (priorities, statuses, clocks, intake answers),
from the catalogue (halt_desk.i18n) in the current language, looked up at call time. The
ticket's own codes come from the one table in `halt_desk.desk.ticket_words`.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from halt_desk.desk.ticket_words import (
    CATEGORIES,
    CHANNELS,
    EVENT_LABELS,
    IMPACTS,
    REFUSALS,
    ROLE_TYPES,
    STATUSES,
    URGENCIES,
    word,
)
from halt_desk.domain.errors import HaltDeskError
from halt_desk.i18n import _, current_language
from halt_desk.logistics.words import STATE_NAMES


def status(code: str) -> str:
    return word(STATUSES, code)


def channel(code: str) -> str:
    return word(CHANNELS, code)


def category(code: str) -> str:
    return word(CATEGORIES, code)


def impact(code: str) -> str:
    return word(IMPACTS, code)


def urgency(code: str) -> str:
    return word(URGENCIES, code)


def clock(code: str) -> str:
    names = {
        "reaction": _("Reaction"),
        "resolution": _("Resolution"),
        "update": _("Status update"),
        "onsite": _("On site"),
        "swap": _("Device swap"),
        "emergency_workplace": _("Emergency workplace"),
        "change_planning": _("Implemented within planning"),
        "change_first_plan": _("First plan date within 5 working days"),
    }
    return names.get(code, code)


def clock_state(code: str) -> str:
    names = {
        "met": _("met"),
        "breached": _("breached"),
        "running": _("running"),
        "not_applicable": _("n/a"),
    }
    return names.get(code, code)


def role_type(code: str) -> str:
    return word(ROLE_TYPES, code)


def refusal(code: str) -> str:
    return word(REFUSALS, code)


def event_type(code: str) -> str:
    return word(EVENT_LABELS, code)


def device_state(code: str) -> str:
    name = STATE_NAMES.get(code)
    return _(name) if name else code


def device_event(code: str) -> str:
    names = {
        "device_registered": _("Registered"),
        "readiness_checked": _("Readiness checked"),
        "device_reserved": _("Reserved"),
        "device_released": _("Reservation released"),
        "device_shipped": _("Shipped"),
        "device_issued_onsite": _("Issued on site"),
        "device_delivered": _("Delivered"),
        "device_return_shipped": _("Return shipped"),
        "device_received": _("Received at the depot"),
        "device_sanitised": _("Sanitised"),
        "device_returned_to_lessor": _("Returned to the lessor"),
        "device_retired": _("Retired"),
        "device_taken_back": _("Taken back from the employee"),
        "device_diagnosed": _("Diagnosed"),
        "device_repaired": _("Repaired"),
        "device_returned_to_owner": _("Returned to its owner"),
    }
    return names.get(code, code)


def readiness_check(code: str) -> str:
    names = {
        "autopilot": _("Autopilot/Intune set up"),
        "bitlocker": _("BitLocker on"),
        "base_apps": _("Base applications installed"),
        "mfa": _("MFA works"),
    }
    return names.get(code, code)


def uplift_label() -> str:
    return _("P1 uplift (one employee)")


#: Background colours per priority (P1 red … P5 grey), readable with black text.
PRIORITY_COLOURS = {
    "P1": QColor("#f4a6a6"),
    "P2": QColor("#f9cf9a"),
    "P3": QColor("#fbeaa0"),
    "P4": QColor("#dfe8f1"),
    "P5": QColor("#e6e6e6"),
}
GREEN, ORANGE, RED = QColor("#1e7b34"), QColor("#b25e00"), QColor("#b3261e")


def countdown(due: datetime | None, now: datetime) -> tuple[str, QColor | None]:
    """'nog 12 min', 'nog 3 u 05 min', 'te laat 5 min' and its colour (green, orange
    within 30 minutes, red when overdue)."""
    if due is None:
        return "", None
    seconds = int((due - now).total_seconds())
    minutes = abs(seconds) // 60
    hours, rest = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        span = _("{d} d {h} h").format(d=days, h=hours)
    elif hours:
        span = _("{h} h {m:02d} min").format(h=hours, m=rest)
    else:
        span = _("{m} min").format(m=rest)
    if seconds < 0:
        return _("{span} overdue").format(span=span), RED
    colour = ORANGE if seconds <= 30 * 60 else GREEN
    return _("{span} left").format(span=span), colour


def is_english() -> bool:
    """True when the screens speak English."""
    return current_language() == "en"


def error_label() -> QLabel:
    """The red line under a form where its errors appear (empty until there is one)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #b3261e; font-weight: bold")
    return label


def error_text(exc: BaseException) -> str:
    """The message of an error for the screen, in the current language: the catalogue's
    words for HALT Desk's errors, the English text of anything else."""
    return exc.message() if isinstance(exc, HaltDeskError) else str(exc)


def field_missing(code: str) -> str:
    """What the offline work packet of a ticket lacks (`halt_desk.field.MissingItem.what`)."""
    names = {
        "caller": _("the caller's details are missing"),
        "organisation": _("organisation missing"),
        "location": _("location missing"),
        "swap_address": _("the swap's delivery address is missing"),
        "loaner": _("loaner not known yet"),
    }
    return names.get(code, code)
