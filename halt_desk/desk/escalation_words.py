"""The words of the escalation register (issue 23) for the desk's screens: levels,
statuses, classifications, who is informed, action statuses, triggers and clocks; the
countdown of an escalation clock in working time ("nog 1 werkdag 3 u", "te laat 2 u"); and
a refusal of `domain.escalations` in the screen's words (its field names and codes are the
events' English keys, which never reach a Dutch screen).

Qt-free: `ui.escalation_window` and its dialogs show these texts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from halt_desk.desk.ticket_words import TICKET_CLOCK_WORDS
from halt_desk.domain.calendar import BusinessCalendar
from halt_desk.domain.errors import DeskInputError, HaltDeskError
from halt_desk.domain.escalation_triggers import SUGGESTION_PREFIX
from halt_desk.domain.events import ESCALATION_EVENT_TYPES
from halt_desk.domain.messages import Msg
from halt_desk.i18n import N_, Words, _

#: Every event type of an escalation stream (a window reloads when one of them arrives).
ESCALATION_TYPES = ESCALATION_EVENT_TYPES

STATUS_WORDS: Mapping[str, str] = {
    "suggested": N_("suggested"),
    "open": N_("open"),
    "closed": N_("closed"),
    "dismissed": N_("dismissed"),
}
CLASSIFICATION_WORDS: Mapping[str, str] = {
    "operational": N_("Operational: a one-off disruption or service-level deviation"),
    "beyond_operational": N_("Beyond operational: recurring, structural or several processes"),
    "strategic": N_("Strategic: critical disruption or (threatened) breach of contract"),
}
#: Short words for the classification (a fact line of the detail pane).
CLASSIFICATION_SHORT: Mapping[str, str] = {
    "operational": N_("operational"),
    "beyond_operational": N_("beyond operational"),
    "strategic": N_("strategic"),
}
INFORMED_WORDS: Mapping[str, str] = {
    "internal": N_("own organisation (internal)"),
    "information_manager": N_("the information manager"),
    "director_operations": N_("the director of operations"),
}
ACTION_STATUS_WORDS: Mapping[str, str] = {
    "open": N_("open"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "cancelled": N_("cancelled"),
}
TRIGGER_WORDS: Mapping[str, str] = {
    "p1_breached": N_("a P1 ticket breached its norm"),
    "repeated_breaches": N_("norms breached repeatedly"),
    "uplift_refused_then_granted": N_("a P1 uplift refused first, granted later"),
    "swap_missed_twice": N_("a device swap missed twice"),
}
CLOCK_WORDS: Mapping[str, str] = {
    "start": N_("Start (within 1 working day)"),
    "meeting": N_("Meeting with the provider (within 3 working days of N2)"),
    "escalation": N_("Strategic escalation (within 5 working days of N3)"),
    "update": N_("Weekly update"),
}
#: Short clock names for the list's "next clock" column.
CLOCK_SHORT: Mapping[str, str] = {
    "start": N_("Start"),
    "meeting": N_("Meeting"),
    "escalation": N_("Strategic escalation"),
    "update": N_("Weekly update"),
}
CLOCK_STATE_WORDS: Mapping[str, str] = {
    "met": N_("met"),
    "breached": N_("breached"),
    "running": N_("running"),
    "not_applicable": N_("not needed"),
}
#: The event fields a refusal names, as the screen names them.
FIELD_WORDS: Mapping[str, str] = {
    "org": N_("the organisation"),
    "supplier": N_("the provider"),
    "description": N_("the description"),
    "classification": N_("the classification"),
    "level": N_("the level"),
    "tickets": N_("the tickets"),
    "breaches": N_("the breached norms"),
    "reason": N_("the reason"),
    "who": N_("who was informed"),
    "notes": N_("the notes"),
    "action": N_("the action"),
    "owner": N_("the owner"),
    "due": N_("the due date"),
    "status": N_("the status"),
    "text": N_("the text"),
    "quality": N_("the quality"),
    "speed": N_("the speed"),
    "cooperation": N_("the cooperation"),
    "lessons": N_("the lessons learned"),
    "evidence": N_("the evidence"),
}
#: What each event of the stream records, in words (a refusal "… cannot be recorded now").
EVENT_WORDS: Mapping[str, str] = {
    "escalation_registered": N_("A registration"),
    "escalation_level_changed": N_("A new level"),
    "escalation_informed": N_("Informed"),
    "escalation_request_sent": N_("The formal recovery request"),
    "escalation_meeting_held": N_("A meeting"),
    "escalation_action_added": N_("A new action"),
    "escalation_action_updated": N_("An action's status"),
    "escalation_update": N_("A weekly update"),
    "escalation_closed": N_("The closing"),
    "escalation_suggested": N_("A suggestion"),
    "escalation_suggestion_dismissed": N_("Dismissing the suggestion"),
}
CHOOSE_FIELD = N_("Choose {field}.")


def escalation_number(escalation_id: str, suggested: bool) -> str:
    """How an escalation is named on screen: its register number (`ESC-…`). A suggestion's
    id is a digest of its evidence, no number for people: "Voorstel" while it is one, and
    once accepted the register's form, `ESC-` and ten capitals of it."""
    if not escalation_id.startswith(SUGGESTION_PREFIX):
        return escalation_id
    digest = escalation_id[len(SUGGESTION_PREFIX) :]
    return _("Suggestion") if suggested else "ESC-" + digest[:10].upper()


def word(table: Mapping[str, str], code: str | None) -> str:
    """The word for `code` in the current language; an unknown code as it is."""
    if not code:
        return ""
    found = table.get(code)
    return _(found) if found else code


def breach_words(breach: str) -> str:
    """ "HALT-1:reaction" → "HALT-1 Reactie"."""
    ticket, _sep, clock = breach.partition(":")
    return f"{ticket} {word(TICKET_CLOCK_WORDS, clock)}".strip()


def working_span(calendar: BusinessCalendar, due: datetime, now: datetime) -> tuple[str, bool]:
    """The countdown to `due` in working time on `calendar`, and whether it is overdue:
    ("nog 1 werkdag 3 u", False), ("te laat 2 u 05 min", True), ("te laat", True) when the
    deadline passed outside the service window."""
    late = now > due
    start, end = (due, now) if late else (now, due)
    minutes = max(0, calendar.business_minutes_between(start, end))
    days, rest = divmod(minutes, max(1, calendar.day_minutes))
    hours, mins = divmod(rest, 60)
    if days:
        day_words = _("1 working day") if days == 1 else _("{d} working days").format(d=days)
        span = _("{days} {h} h").format(days=day_words, h=hours) if hours else day_words
    elif hours:
        span = _("{h} h {m:02d} min").format(h=hours, m=mins)
    else:
        span = _("{m} min").format(m=mins)
    if late:
        return (_("{span} overdue").format(span=span) if minutes else _("overdue")), True
    return _("{span} left").format(span=span), False


def refusal_text(exc: BaseException, org_names: Mapping[str, str] | None = None) -> str:
    """A refusal for the screen: the domain's message with its field, event and
    organisation put in words (never an English key or an id); anything else as
    `message()` gives it."""
    if not isinstance(exc, DeskInputError):
        return exc.message() if isinstance(exc, HaltDeskError) else str(exc)
    params = dict(exc.words.params)
    message = exc.words.message
    if exc.code is Msg.ESCALATION_CHOICE:
        message = CHOOSE_FIELD
        params.pop("options", None)
    field = params.get("field")
    if isinstance(field, str):
        found = FIELD_WORDS.get(field)
        params["field"] = Words.of(found) if found else field
    event = params.get("event")
    if isinstance(event, str) and event in EVENT_WORDS:
        params["event"] = Words.of(EVENT_WORDS[event])
    org = params.get("org")
    if isinstance(org, str) and org_names:
        params["org"] = org_names.get(org, org)
    text = Words.of(message, **params).text()
    return text[:1].upper() + text[1:]
