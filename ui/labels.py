"""Dutch words for the codes of halt_desk (priorities, statuses, clocks, intake answers).

Source strings are Dutch, the language of the desk; English comes from the Qt Linguist
translation in resources/translations. Looked up at call time, after the translator is
installed.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks `text` for translation in `context` where it is defined; translated where shown."""
    return text


def status(code: str) -> str:
    names = {
        "open": QCoreApplication.translate("Labels", "Open"),
        "waiting": QCoreApplication.translate("Labels", "Wacht op gebruiker"),
        "resolved": QCoreApplication.translate("Labels", "Opgelost"),
        "closed": QCoreApplication.translate("Labels", "Gesloten"),
    }
    return names.get(code, code)


def channel(code: str) -> str:
    names = {
        "phone": QCoreApplication.translate("Labels", "Telefoon"),
        "email": QCoreApplication.translate("Labels", "E-mail"),
        "portal": QCoreApplication.translate("Labels", "Portaal"),
        "onsite": QCoreApplication.translate("Labels", "Op locatie"),
    }
    return names.get(code, code)


def category(code: str) -> str:
    names = {
        "werkplek": QCoreApplication.translate("Labels", "Werkplek en laptop"),
        "m365": QCoreApplication.translate("Labels", "Microsoft 365"),
        "netwerk": QCoreApplication.translate("Labels", "Netwerk en VPN"),
        "kernapplicatie": QCoreApplication.translate("Labels", "Kernapplicatie"),
        "applicatie": QCoreApplication.translate("Labels", "Overige applicatie"),
        "account": QCoreApplication.translate("Labels", "Account en wachtwoord"),
        "telefonie": QCoreApplication.translate("Labels", "Telefonie"),
        "security": QCoreApplication.translate("Labels", "Beveiliging"),
        "verzoek": QCoreApplication.translate("Labels", "Verzoek"),
        "vraag": QCoreApplication.translate("Labels", "Vraag"),
    }
    return names.get(code, code)


def impact(code: str) -> str:
    names = {
        "organisation": QCoreApplication.translate("Labels", "Hele organisatie"),
        "several": QCoreApplication.translate("Labels", "Meerdere teams of locaties"),
        "one": QCoreApplication.translate("Labels", "Eén medewerker of klein team"),
        "none": QCoreApplication.translate("Labels", "Geen hinder"),
        "low": QCoreApplication.translate("Labels", "Laag"),
        "middle": QCoreApplication.translate("Labels", "Midden"),
        "high": QCoreApplication.translate("Labels", "Hoog"),
    }
    return names.get(code, code)


def urgency(code: str) -> str:
    names = {
        "stopped": QCoreApplication.translate("Labels", "Werk ligt stil"),
        "degraded": QCoreApplication.translate("Labels", "Werk gaat moeizaam"),
        "workaround": QCoreApplication.translate("Labels", "Omweg mogelijk of vraag"),
        "low": QCoreApplication.translate("Labels", "Omweg aanwezig"),
        "middle": QCoreApplication.translate("Labels", "Dienst beperkt"),
        "high": QCoreApplication.translate("Labels", "Dienst niet beschikbaar"),
    }
    return names.get(code, code)


def clock(code: str) -> str:
    names = {
        "reaction": QCoreApplication.translate("Labels", "Reactie"),
        "resolution": QCoreApplication.translate("Labels", "Oplossing"),
        "update": QCoreApplication.translate("Labels", "Statusupdate"),
        "onsite": QCoreApplication.translate("Labels", "Op locatie"),
        "swap": QCoreApplication.translate("Labels", "Vervangend apparaat"),
        "emergency_workplace": QCoreApplication.translate("Labels", "Noodwerkplek"),
    }
    return names.get(code, code)


def clock_state(code: str) -> str:
    names = {
        "met": QCoreApplication.translate("Labels", "gehaald"),
        "breached": QCoreApplication.translate("Labels", "overschreden"),
        "running": QCoreApplication.translate("Labels", "loopt"),
        "not_applicable": QCoreApplication.translate("Labels", "n.v.t."),
    }
    return names.get(code, code)


def role_type(code: str) -> str:
    names = {
        "board_or_press": QCoreApplication.translate("Labels", "Bestuur of woordvoering"),
        "crisis_meeting": QCoreApplication.translate("Labels", "Crisisoverleg"),
        "court_session": QCoreApplication.translate("Labels", "Zitting"),
        "class_or_group": QCoreApplication.translate(
            "Labels", "Les of voorlichting aan een klas of grote groep"
        ),
        "chain_partner_meeting": QCoreApplication.translate(
            "Labels", "Bestuurlijk overleg met ketenpartners"
        ),
        "other": QCoreApplication.translate("Labels", "Anders (met toelichting)"),
    }
    return names.get(code, code)


def refusal(code: str) -> str:
    names = {
        "no_critical_role": QCoreApplication.translate(
            "Labels", "De medewerker heeft nu geen kritieke rol of tijdkritische taak."
        ),
        "no_direct_impact": QCoreApplication.translate(
            "Labels",
            "Er is geen directe impact op continuïteit, veiligheid, publieke taak of imago.",
        ),
        "can_still_work": QCoreApplication.translate(
            "Labels", "De medewerker kan de taak nog uitvoeren."
        ),
        "role_type_missing": QCoreApplication.translate("Labels", "Kies het soort kritieke rol."),
        "role_explanation_missing": QCoreApplication.translate(
            "Labels", "Bij 'Anders' hoort een toelichting op de rol."
        ),
        "motivation_missing": QCoreApplication.translate(
            "Labels", "Een schriftelijke motivatie (minstens 10 tekens) is verplicht."
        ),
    }
    return names.get(code, code)


def event_type(code: str) -> str:
    names = {
        "ticket_reported": QCoreApplication.translate("Labels", "Gemeld"),
        "first_response": QCoreApplication.translate("Labels", "Eerste reactie"),
        "status_update": QCoreApplication.translate("Labels", "Statusupdate"),
        "priority_changed": QCoreApplication.translate("Labels", "Prioriteit gewijzigd"),
        "waiting_on_user": QCoreApplication.translate("Labels", "Wacht op gebruiker"),
        "resumed": QCoreApplication.translate("Labels", "Hervat"),
        "onsite_requested": QCoreApplication.translate("Labels", "Monteur aangevraagd"),
        "onsite_arrival": QCoreApplication.translate("Labels", "Monteur op locatie"),
        "workaround": QCoreApplication.translate("Labels", "Noodoplossing"),
        "swap_requested": QCoreApplication.translate("Labels", "Vervangend apparaat aangevraagd"),
        "swap_delivered": QCoreApplication.translate("Labels", "Vervangend apparaat geleverd"),
        "emergency_workplace": QCoreApplication.translate("Labels", "Noodwerkplek"),
        "productive_again": QCoreApplication.translate("Labels", "Weer productief"),
        "resolved": QCoreApplication.translate("Labels", "Opgelost"),
        "uplift_decided": QCoreApplication.translate("Labels", "P1-uplift besloten"),
        "assigned": QCoreApplication.translate("Labels", "Toegewezen"),
        "comment": QCoreApplication.translate("Labels", "Notitie"),
        "csat_recorded": QCoreApplication.translate("Labels", "Tevredenheid"),
        "closed": QCoreApplication.translate("Labels", "Gesloten"),
    }
    return names.get(code, code)


def device_state(code: str) -> str:
    names = {
        "unready": QCoreApplication.translate("Labels", "niet gereed"),
        "in_stock": QCoreApplication.translate("Labels", "op voorraad"),
        "reserved": QCoreApplication.translate("Labels", "gereserveerd"),
        "shipped": QCoreApplication.translate("Labels", "verzonden"),
        "issued_onsite": QCoreApplication.translate("Labels", "op locatie uitgegeven"),
        "with_user": QCoreApplication.translate("Labels", "bij de medewerker"),
        "return_shipped": QCoreApplication.translate("Labels", "retour onderweg"),
        "received": QCoreApplication.translate("Labels", "ontvangen in depot"),
        "sanitised": QCoreApplication.translate("Labels", "gewist"),
        "returned_to_lessor": QCoreApplication.translate("Labels", "terug naar leasemaatschappij"),
        "retired": QCoreApplication.translate("Labels", "afgevoerd"),
    }
    return names.get(code, code)


def device_event(code: str) -> str:
    names = {
        "device_registered": QCoreApplication.translate("Labels", "Geregistreerd"),
        "readiness_checked": QCoreApplication.translate("Labels", "Gereedheid gecontroleerd"),
        "device_reserved": QCoreApplication.translate("Labels", "Gereserveerd"),
        "device_released": QCoreApplication.translate("Labels", "Reservering vrijgegeven"),
        "device_shipped": QCoreApplication.translate("Labels", "Verzonden"),
        "device_issued_onsite": QCoreApplication.translate("Labels", "Op locatie uitgegeven"),
        "device_delivered": QCoreApplication.translate("Labels", "Afgeleverd"),
        "device_return_shipped": QCoreApplication.translate("Labels", "Retour verzonden"),
        "device_received": QCoreApplication.translate("Labels", "Ontvangen in depot"),
        "device_sanitised": QCoreApplication.translate("Labels", "Gewist"),
        "device_returned_to_lessor": QCoreApplication.translate(
            "Labels", "Terug naar leasemaatschappij"
        ),
        "device_retired": QCoreApplication.translate("Labels", "Afgevoerd"),
    }
    return names.get(code, code)


def readiness_check(code: str) -> str:
    names = {
        "autopilot": QCoreApplication.translate("Labels", "Autopilot/Intune ingericht"),
        "bitlocker": QCoreApplication.translate("Labels", "BitLocker aan"),
        "base_apps": QCoreApplication.translate("Labels", "Basisapplicaties geïnstalleerd"),
        "mfa": QCoreApplication.translate("Labels", "MFA werkt"),
    }
    return names.get(code, code)


def uplift_label() -> str:
    return QCoreApplication.translate("Labels", "P1-uplift (één medewerker)")


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
        span = QCoreApplication.translate("Labels", "{d} d {h} u").format(d=days, h=hours)
    elif hours:
        span = QCoreApplication.translate("Labels", "{h} u {m:02d} min").format(h=hours, m=rest)
    else:
        span = QCoreApplication.translate("Labels", "{m} min").format(m=rest)
    if seconds < 0:
        return QCoreApplication.translate("Labels", "te laat {span}").format(span=span), RED
    colour = ORANGE if seconds <= 30 * 60 else GREEN
    return QCoreApplication.translate("Labels", "nog {span}").format(span=span), colour


def is_english() -> bool:
    """True when the English translation is installed (it translates this marker)."""
    return QCoreApplication.translate("Labels", "nl") == "en"


def error_label() -> QLabel:
    """The red line under a form where its errors appear (empty until there is one)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #b3261e; font-weight: bold")
    return label


def error_text(exc: BaseException) -> str:
    """The message of an error for the screen: Dutch unless the app runs in English."""
    message_nl = getattr(exc, "message_nl", None)
    return message_nl if isinstance(message_nl, str) and not is_english() else str(exc)


def field_missing(code: str) -> str:
    """What the offline work packet of a ticket lacks (`halt_desk.field.MissingItem.what`)."""
    names = {
        "caller": QCoreApplication.translate("Labels", "gegevens van de melder ontbreken"),
        "organisation": QCoreApplication.translate("Labels", "organisatie ontbreekt"),
        "location": QCoreApplication.translate("Labels", "locatie ontbreekt"),
        "swap_address": QCoreApplication.translate("Labels", "afleveradres van de swap ontbreekt"),
        "loaner": QCoreApplication.translate("Labels", "leenapparaat nog niet bekend"),
    }
    return names.get(code, code)
