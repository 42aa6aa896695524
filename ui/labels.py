"""Dutch words for the codes of halt_desk (priorities, statuses, clocks, intake answers).

Source strings are Dutch, the language of the desk; English comes from the Qt Linguist
translation in resources/translations. Looked up at call time, after the translator is
installed.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor


def _t(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def status(code: str) -> str:
    names = {
        "open": _t("Open"),
        "waiting": _t("Wacht op gebruiker"),
        "resolved": _t("Opgelost"),
        "closed": _t("Gesloten"),
    }
    return names.get(code, code)


def channel(code: str) -> str:
    names = {
        "phone": _t("Telefoon"),
        "email": _t("E-mail"),
        "portal": _t("Portaal"),
        "onsite": _t("Op locatie"),
    }
    return names.get(code, code)


def category(code: str) -> str:
    names = {
        "werkplek": _t("Werkplek en laptop"),
        "m365": _t("Microsoft 365"),
        "netwerk": _t("Netwerk en VPN"),
        "kernapplicatie": _t("Kernapplicatie"),
        "applicatie": _t("Overige applicatie"),
        "account": _t("Account en wachtwoord"),
        "telefonie": _t("Telefonie"),
        "security": _t("Beveiliging"),
        "verzoek": _t("Verzoek"),
        "vraag": _t("Vraag"),
    }
    return names.get(code, code)


def impact(code: str) -> str:
    names = {
        "organisation": _t("Hele organisatie"),
        "several": _t("Meerdere teams of locaties"),
        "one": _t("Eén medewerker of klein team"),
        "none": _t("Geen hinder"),
        "low": _t("Laag"),
        "middle": _t("Midden"),
        "high": _t("Hoog"),
    }
    return names.get(code, code)


def urgency(code: str) -> str:
    names = {
        "stopped": _t("Werk ligt stil"),
        "degraded": _t("Werk gaat moeizaam"),
        "workaround": _t("Omweg mogelijk of vraag"),
        "low": _t("Omweg aanwezig"),
        "middle": _t("Dienst beperkt"),
        "high": _t("Dienst niet beschikbaar"),
    }
    return names.get(code, code)


def clock(code: str) -> str:
    names = {
        "reaction": _t("Reactie"),
        "resolution": _t("Oplossing"),
        "update": _t("Statusupdate"),
        "onsite": _t("Op locatie"),
        "swap": _t("Vervangend apparaat"),
        "emergency_workplace": _t("Noodwerkplek"),
    }
    return names.get(code, code)


def clock_state(code: str) -> str:
    names = {
        "met": _t("gehaald"),
        "breached": _t("overschreden"),
        "running": _t("loopt"),
        "not_applicable": _t("n.v.t."),
    }
    return names.get(code, code)


def role_type(code: str) -> str:
    names = {
        "board_or_press": _t("Bestuur of woordvoering"),
        "crisis_meeting": _t("Crisisoverleg"),
        "court_session": _t("Zitting"),
        "class_or_group": _t("Les of voorlichting aan een klas of grote groep"),
        "chain_partner_meeting": _t("Bestuurlijk overleg met ketenpartners"),
        "other": _t("Anders (met toelichting)"),
    }
    return names.get(code, code)


def refusal(code: str) -> str:
    names = {
        "no_critical_role": _t("De medewerker heeft nu geen kritieke rol of tijdkritische taak."),
        "no_direct_impact": _t(
            "Er is geen directe impact op continuïteit, veiligheid, publieke taak of imago."
        ),
        "can_still_work": _t("De medewerker kan de taak nog uitvoeren."),
        "role_type_missing": _t("Kies het soort kritieke rol."),
        "role_explanation_missing": _t("Bij 'Anders' hoort een toelichting op de rol."),
        "motivation_missing": _t("Een schriftelijke motivatie (minstens 10 tekens) is verplicht."),
    }
    return names.get(code, code)


def uplift_label() -> str:
    return _t("P1-uplift (één medewerker)")


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
        span = _t("{d} d {h} u").format(d=days, h=hours)
    elif hours:
        span = _t("{h} u {m:02d} min").format(h=hours, m=rest)
    else:
        span = _t("{m} min").format(m=rest)
    if seconds < 0:
        return _t("te laat {span}").format(span=span), RED
    colour = ORANGE if seconds <= 30 * 60 else GREEN
    return _t("nog {span}").format(span=span), colour


def is_english() -> bool:
    """True when the English translation is installed (it translates this marker)."""
    return _t("nl") == "en"


def error_text(exc: BaseException) -> str:
    """The message of an error for the screen: Dutch unless the app runs in English."""
    message_nl = getattr(exc, "message_nl", None)
    return message_nl if isinstance(message_nl, str) and not is_english() else str(exc)
