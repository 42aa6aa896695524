"""Which events mail whom: the one table of mail kinds and the rules that make the mails.

* the caller: ticket registered (with its number), a first response or status update the
  agent marked "per e-mail" (with the text the agent wrote), resolved (the resolution);
* the organisation's regie contacts (`central org add/update --regie-email`): a P1 ticket
  (reported as P1 or raised to it), a granted P1-uplift (role type, motivation, who
  decided), a breached P1/P2 reaction or resolution clock;
* the assigned field engineer: an onsite request with the location and deadline (the home
  address only for an engineer the tenancy rules let see it).

The writer keeps, in the event's own transaction, a trigger per event of a type in
TRIGGER_TYPES (`triggers`: a set look-up per event, no reads); the mail job turns each into
mails (`drafts_for`). Each kind can be switched off per organisation (`kind_enabled`).
No mail carries a home address (but the onsite case), a token or an internal id.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from halt_desk.central.csat import survey_link
from halt_desk.central.mail_facts import TicketFacts, when
from halt_desk.central.mail_queue import MailDraft
from halt_desk.central.schema import reference_records
from halt_desk.domain.events import MAIL_RESEND, NOTICE_EVENT_TYPES, Event


@dataclass(frozen=True, slots=True)
class MailKind:
    name: str
    audience: str  # caller, regie, engineer (about a ticket); employees (a notice)
    description: str


#: Every kind of mail central sends about tickets (templates: resources/mail/<lang>/).
MAIL_KINDS: Mapping[str, MailKind] = {
    k.name: k
    for k in (
        MailKind("caller_registered", "caller", "the ticket is registered, with its number"),
        MailKind("caller_first_response", "caller", "a first response given per e-mail"),
        MailKind("caller_status_update", "caller", "a status update given per e-mail"),
        MailKind("caller_resolved", "caller", "the ticket is resolved, with the resolution"),
        MailKind("regie_p1", "regie", "a P1 ticket (reported as P1 or raised to it)"),
        MailKind("regie_uplift", "regie", "a granted P1-uplift"),
        MailKind("regie_breach", "regie", "a breached P1/P2 reaction or resolution clock"),
        MailKind("engineer_onsite", "engineer", "an onsite request, location and deadline"),
        # Notices (central/notices.py makes these mails: every employee in scope).
        MailKind("notice_published", "employees", "a disruption or maintenance notice"),
        MailKind("notice_updated", "employees", "a follow-up of a notice"),
        MailKind("notice_closed", "employees", "the all-clear of a notice"),
    )
}
#: The event types that may cause a mail (the rest never costs the writer anything).
TRIGGER_TYPES = frozenset(
    {
        "ticket_reported",
        "first_response",
        "status_update",
        "resolved",
        "uplift_decided",
        "priority_changed",
        "ticket_updated",
        "onsite_requested",
        "assigned",
        MAIL_RESEND,  # a copy of a mail of the ticket (mail_queue.resend_draft)
    }
)
#: The clocks whose breach the regie hears of, and for which priorities.
WATCHED_CLOCKS = ("reaction", "resolution")
WATCHED_PRIORITIES = frozenset({"P1", "P2"})
_NAMESPACE = uuid.UUID("5b0c3c55-7d0f-4a5e-9a57-0e1f6c2a4d11")


#: Types that mail only when their data (JSON text) says so: a quick look at the text
#: leaves out most of them (one that passes may still send nothing: the rules decide).
_ONLY_WITH = {
    "first_response": '"email"',
    "status_update": '"email"',
    "priority_changed": '"P1"',
    "ticket_updated": '"priority"',
    "uplift_decided": "true",
}


def triggers(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The mail triggers of a group's accepted event rows (for the writer)."""
    return [
        {
            "seq": r["seq"],
            "event_id": r["id"],
            "stream": r["stream"],
            "type": r["type"],
            "org": r["org"],
        }
        for r in rows
        if (
            r["type"] in TRIGGER_TYPES
            and r["stream"].startswith("ticket:")
            and _ONLY_WITH.get(r["type"], "") in r["data"]
        )
        or r["type"] in NOTICE_EVENT_TYPES  # notice streams (central/notices.py)
    ]


def kind_enabled(conn: Connection, org: str | None, kind: str) -> bool:
    """THE per-organisation switch of a mail kind: on unless the organisation's record
    lists it under `mail_off` (`central org update ORG --mail-off KIND`)."""
    if org is None:
        return True
    query = select(reference_records.c.data).where(reference_records.c.stream == f"org:{org}")
    text = conn.execute(query).scalar()
    return kind_on(json.loads(text) if text else {}, kind)


def kind_on(org_record: Mapping[str, Any], kind: str) -> bool:
    """`kind_enabled` on the organisation's record already read (a ticket's facts)."""
    off = org_record.get("mail_off")
    return not (isinstance(off, list) and kind in off)


#: The context every mail shares.
Common = dict[str, Any]


def drafts_for(
    conn: Connection, event: Event, facts: TicketFacts, common: Common
) -> list[MailDraft]:
    """The mails `event` causes on the ticket `facts` describes (switched-off kinds left
    out). A recipient the directory has no address for gets a draft with `to` empty: the
    mail job marks it failed at once, so the ticket shows why nobody was told."""
    rule = _RULES.get(event.type)
    if rule is None:
        return []
    drafts = [d for d in rule(event, facts, common) if kind_on(facts.org_record, d.kind)]
    for draft in drafts:
        if draft.kind == "caller_resolved":  # the personal satisfaction survey (csat.py)
            draft.context["survey_url"] = survey_link(conn, event.id, draft.lang)
    return drafts


def breach_draft(
    conn: Connection, facts: TicketFacts, clock: str, common: Common
) -> list[MailDraft]:
    """The regie's mails of a breached clock (once per clock and deadline)."""
    state = facts.clock(clock)
    cause = _derived_id(f"{facts.number}\x00{clock}\x00{state.get('due')}")
    drafts = []
    for address, lang in _regie(facts):
        context = {
            **_ticket_context(facts, common, lang),
            "clock": _CLOCK_WORDS[lang][clock],
            "due": when(state.get("due"), facts.tz, lang),
            "met_at": when(state.get("met_at"), facts.tz, lang),
        }
        drafts.append(_draft(facts, "regie_breach", address, lang, cause, context))
    return [d for d in drafts if kind_on(facts.org_record, d.kind)]


def watched_dues(facts: TicketFacts) -> dict[str, str]:
    """The running P1/P2 reaction and resolution clocks of a ticket with their deadlines
    (what the mail job looks at again when they pass)."""
    if facts.priority not in WATCHED_PRIORITIES:
        return {}
    dues = {}
    for clock in WATCHED_CLOCKS:
        state = facts.clock(clock)
        if state.get("state") in ("running", "breached") and state.get("due"):
            dues[clock] = str(state["due"])
    return dues


# ------------------------------------------------------------------ the rules
def _registered(event: Event, facts: TicketFacts, common: Common) -> list[MailDraft]:
    drafts = _to_caller(facts, "caller_registered", event, common, {})
    if facts.priority == "P1":
        drafts += _to_regie(facts, "regie_p1", common)
    return drafts


def _first_response(event: Event, facts: TicketFacts, common: Common) -> list[MailDraft]:
    if event.data.get("channel") != "email":
        return []
    extra = {"text": str(event.data.get("text") or ""), "agent_name": _actor(facts, event)}
    return _to_caller(facts, "caller_first_response", event, common, extra)


def _status_update(event: Event, facts: TicketFacts, common: Common) -> list[MailDraft]:
    if event.data.get("channel") != "email":
        return []
    extra = {"text": str(event.data.get("text") or ""), "agent_name": _actor(facts, event)}
    return _to_caller(facts, "caller_status_update", event, common, extra)


def _resolved(event: Event, facts: TicketFacts, common: Common) -> list[MailDraft]:
    extra = {
        "resolution": str(event.data.get("resolution") or ""),
        "agent_name": _actor(facts, event),
    }
    return _to_caller(facts, "caller_resolved", event, common, extra)


def _uplift(event: Event, facts: TicketFacts, common: Common) -> list[MailDraft]:
    if event.data.get("granted") is not True:
        return []
    drafts = []
    for address, lang in _regie(facts):
        role = str(event.data.get("role_type") or "other")
        role_text = _ROLE_WORDS[lang].get(role, role)
        if event.data.get("role_explanation"):
            role_text = f"{role_text}: {event.data['role_explanation']}"
        context = {
            **_ticket_context(facts, common, lang),
            "role_type": role_text,
            "motivation": str(event.data.get("motivation") or ""),
            "decided_by": _actor(facts, event),
            "decided_at": when(event.at, facts.tz, lang),
        }
        drafts.append(_draft(facts, "regie_uplift", address, lang, event.id, context))
    return drafts


def _raised(event: Event, facts: TicketFacts, common: Common) -> list[MailDraft]:
    """A priority change (or an edit that changes it) to P1: the regie hears of it (once
    per ticket; an uplift has its own mail)."""
    new = event.data.get("priority")
    if event.type == "ticket_updated":
        changes = event.data.get("changes")
        new = changes.get("priority") if isinstance(changes, dict) else None
    if new != "P1" or facts.priority != "P1":
        return []
    return _to_regie(facts, "regie_p1", common)


def _onsite(event: Event, facts: TicketFacts, common: Common) -> list[MailDraft]:
    """An onsite request: to the assignee when a field engineer; an assignment of a field
    engineer while an onsite request is open: to that engineer."""
    if event.type == "assigned" and not _onsite_open(facts, event):
        return []
    engineer = str(event.data.get("to") or "") if event.type == "assigned" else facts.assignee
    person = facts.person(engineer)
    address = str(person.get("email") or "")
    if not engineer or person.get("role") != "field":
        return []
    lang = _lang(person)
    context = {
        **_ticket_context(facts, common, lang),
        "engineer_name": facts.display_name(engineer),
        "caller_phone": str(facts.caller.get("phone") or ""),
        "location": _location_text(facts),
        "deadline": when(facts.clock("onsite").get("due"), facts.tz, lang),
        "home_address": facts.home_address_for(engineer) or "",
    }
    return [_draft(facts, "engineer_onsite", address, lang, event.id, context)]


_Rule = Callable[[Event, TicketFacts, Common], list[MailDraft]]
_RULES: Mapping[str, _Rule] = {
    "ticket_reported": _registered,
    "first_response": _first_response,
    "status_update": _status_update,
    "resolved": _resolved,
    "uplift_decided": _uplift,
    "priority_changed": _raised,
    "ticket_updated": _raised,
    "onsite_requested": _onsite,
    "assigned": _onsite,
}


# ------------------------------------------------------------------ helpers
def _to_caller(
    facts: TicketFacts, kind: str, event: Event, common: Common, extra: dict[str, Any]
) -> list[MailDraft]:
    address = str(facts.caller.get("email") or "")
    lang = _lang(facts.caller)
    context = {**_ticket_context(facts, common, lang), **extra}
    return [_draft(facts, kind, address, lang, event.id, context)]


def _to_regie(facts: TicketFacts, kind: str, common: Common) -> list[MailDraft]:
    """The regie hears once per ticket of `kind` (a P1 ticket: whether reported as P1 or
    raised to it, and however often it is raised again)."""
    cause = _derived_id(f"{facts.number}\x00{kind}")
    return [
        _draft(facts, kind, address, lang, cause, _ticket_context(facts, common, lang))
        for address, lang in _regie(facts)
    ]


def _regie(facts: TicketFacts) -> list[tuple[str, str]]:
    emails = facts.org_record.get("regie_emails")
    lang = _lang(facts.org_record)
    return [(str(e), lang) for e in emails] if isinstance(emails, list) else []


def _draft(
    facts: TicketFacts, kind: str, to: str, lang: str, cause: str, context: dict[str, Any]
) -> MailDraft:
    return MailDraft(facts.org, kind, to, lang, f"ticket:{facts.number}", cause, context)


def _ticket_context(facts: TicketFacts, common: Common, lang: str) -> dict[str, Any]:
    report = facts.report
    return {
        **common,
        "number": facts.number,
        "summary": str(report.data.get("summary") or ""),
        "priority": facts.priority,
        "caller_name": str(facts.caller.get("name") or ""),
        "org_name": str(facts.org_record.get("name") or facts.org),
        "reported_at": when(report.at, facts.tz, lang),
        "reaction_due": when(facts.clock("reaction").get("due"), facts.tz, lang),
        "resolution_due": when(facts.clock("resolution").get("due"), facts.tz, lang),
    }


def _actor(facts: TicketFacts, event: Event) -> str:
    return facts.display_name(event.actor)


def _lang(record: Mapping[str, Any]) -> str:
    lang = record.get("lang")
    return lang if lang in ("nl", "en") else "nl"


def _onsite_open(facts: TicketFacts, event: Event) -> bool:
    """Whether an onsite request is open when `event` happens."""
    open_request = False
    for item in facts.history:
        if item.id == event.id:
            break
        if item.type == "onsite_requested":
            open_request = True
        elif item.type == "onsite_arrival":
            open_request = False
    return open_request


def _location_text(facts: TicketFacts) -> str:
    location = facts.location or {}
    parts = [location.get("name"), location.get("address"), location.get("city")]
    return ", ".join(str(p) for p in parts if p) or "-"


def _derived_id(text: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, hashlib.sha256(text.encode()).hexdigest()))


def current_address(facts: TicketFacts, kind: str, old: str) -> str:
    """Where a copy of a mail of `kind` (a resend) goes: the caller's address as the
    directory has it now (a corrected one is used; none left: "" and the copy fails with
    the reason); for an engineer, the address unchanged while a colleague the ticket names
    still has it, else the assigned field engineer's; a regie contact's as it was (the
    organisation's list does not say which new one replaced it)."""
    kind_of = MAIL_KINDS.get(kind)
    audience = kind_of.audience if kind_of is not None else ""
    if audience == "caller":
        return str(facts.caller.get("email") or "")
    if audience == "engineer":
        if any(str(p.get("email") or "") == old for p in facts.staff.values()):
            return old
        engineer = facts.person(facts.assignee)
        if engineer.get("role") == "field" and engineer.get("email"):
            return str(engineer["email"])
    return old


def state_event_id(message_id: str, state: str) -> str:
    """The id of the `mail_<state>` event of a message: the same each time it is recorded
    again (central's push is idempotent on ids)."""
    return str(uuid.uuid5(_NAMESPACE, f"{message_id}\x00{state}"))


_CLOCK_WORDS = {
    "nl": {"reaction": "reactie", "resolution": "oplossing"},
    "en": {"reaction": "reaction", "resolution": "resolution"},
}
_ROLE_WORDS = {
    "nl": {
        "board_or_press": "Woordvoerder bestuur of pers",
        "crisis_meeting": "Crisisoverleg",
        "court_session": "Zitting",
        "class_or_group": "Les of voorlichting aan een klas of grote groep",
        "chain_partner_meeting": "Bestuurlijk overleg met ketenpartners",
        "other": "Anders",
    },
    "en": {
        "board_or_press": "Board or press spokesperson",
        "crisis_meeting": "Crisis meeting",
        "court_session": "Court session",
        "class_or_group": "Lesson or talk to a class or large group",
        "chain_partner_meeting": "Administrative meeting with chain partners",
        "other": "Other",
    },
}
