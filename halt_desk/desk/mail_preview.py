"""What a mail of a ticket will look like (the desk's "E-mail bekijken"): any kind, in
Dutch or English, rendered by central's own renderer (central/mail_templates.py) with the
ticket's data as the desk's cache has it. An organisation's published wording is used
when the caller passes it (read from central); otherwise the built-in one.

Nothing is sent and no link is made: the survey link, a home address and whatever the
ticket does not have yet are shown as a placeholder in words, so the preview never shows
what the mail itself would keep from its reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from halt_desk.central.mail_facts import when
from halt_desk.central.mail_org import known_variables
from halt_desk.central.mail_rules import MAIL_KINDS
from halt_desk.central.mail_templates import RenderedMail, built_in_source, render_source
from halt_desk.desk.names import names_for
from halt_desk.desk.ticket_words import MAIL_KINDS as KIND_WORDS
from halt_desk.desk.ticket_words import ROLE_TYPES, word
from halt_desk.domain.clocks import ClockState, evaluate
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event
from halt_desk.domain.messages import Msg
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.i18n import N_, translator
from halt_desk.store import Store
from halt_desk.sync.client import CentralClient
from halt_desk.sync.errors import SyncError
from halt_desk.sync.signin import SyncTarget

#: The languages a mail can be written in, with their names in the desk's words.
MAIL_LANGUAGES: Mapping[str, str] = {"nl": N_("Dutch"), "en": N_("English")}
#: Placeholders for what the preview does not show (in the mail's own language).
_NOT_YET = N_("(not on this ticket yet)")
_SURVEY = N_("(the caller's personal link to the satisfaction survey)")
_HOME = N_("(home address, only for an engineer who may see it)")
_DESK = N_("Servicedesk")
#: The clocks of a breach mail in the mail's words (as central's rules word them).
CLOCK_WORDS = {
    "nl": {"reaction": "reactie", "resolution": "oplossing"},
    "en": {"reaction": "reaction", "resolution": "resolution"},
}


@dataclass(frozen=True, slots=True)
class Wording:
    """What central said about an organisation's wording of a mail: its template source
    (None: the built-in is used), or that central could not be asked (`reached` False)."""

    source: str | None
    reached: bool = True


def published_wording(target: SyncTarget, org: str, kind: str, lang: str) -> Wording:
    """The wording `org` published for `kind` in `lang`, asked of central (a few seconds
    at most; offline the preview shows the built-in wording and says so)."""
    try:
        token = target.round_token()
        with CentralClient(target.server, token, tls=target.tls, timeout=(3.0, 10.0)) as client:
            return Wording(client.mail_template(org, kind, lang))
    except SyncError:
        return Wording(None, reached=False)


@dataclass(frozen=True, slots=True)
class MailPreview:
    kind: str
    lang: str
    mail: RenderedMail
    published: bool  # the organisation's own wording, not the built-in


def preview_kinds() -> list[tuple[str, str]]:
    """(kind, words) of every mail kind a ticket sends, in the order central knows them (a
    notice's mails go to the employees in its scope, not about a ticket)."""
    return [
        (kind, word(KIND_WORDS, kind, kind))
        for kind, mail in MAIL_KINDS.items()
        if mail.audience != "employees"
    ]


def preview_mail(
    store: Store,
    ticket_id: str,
    kind: str,
    lang: str,
    actor: str,
    now: datetime,
    published: str | None = None,
) -> MailPreview:
    """The mail of `kind` in `lang` for the ticket, with `published` (an organisation's
    template source) or the built-in template."""
    context = preview_context(store, ticket_id, kind, lang, actor, now)
    source = published or built_in_source(kind, lang)
    return MailPreview(kind, lang, render_source(source, context), published is not None)


def preview_context(
    store: Store, ticket_id: str, kind: str, lang: str, actor: str, now: datetime
) -> dict[str, Any]:
    """Every variable of `kind` with this ticket's value, or a placeholder in words."""
    ticket = store.ticket(ticket_id)
    if ticket is None:
        raise DeskInputError("ticket", Msg.TICKET_NOT_FOUND, ticket=ticket_id)
    t = translator(lang).gettext
    names = names_for(store)
    tz = store.organisation_contract(ticket.org).calendar.tz
    events = store.events_for(f"ticket:{ticket_id}")
    evaluation = evaluate(
        store.organisation_contract(ticket.org), timeline_from_events(ticket.id, events), now
    )
    record = names.employee_record(ticket.caller)
    clocks = evaluation.clocks
    report = min((e for e in events if e.type == "ticket_reported"), key=lambda e: e.at)
    told = _latest(events, "first_response", "status_update")
    resolved = _latest(events, "resolved")
    uplift = _latest(events, "uplift_decided")
    breached = next(
        (
            c
            for c in clocks.values()
            if c.state is ClockState.BREACHED and c.name in CLOCK_WORDS["nl"]
        ),
        None,
    )
    values: dict[str, Any] = {
        "number": ticket.id,
        "summary": ticket.summary or "",
        "priority": ticket.priority,
        "caller_name": names.employee(ticket.caller) if ticket.caller else "",
        "caller_phone": str(record.get("phone") or ""),
        "org_name": names.org(ticket.org),
        "desk_name": t(_DESK),
        "agent_name": names.person(actor),
        "reported_at": when(report.at, tz, lang),
        "reaction_due": _due(clocks, "reaction", tz, lang),
        "resolution_due": _due(clocks, "resolution", tz, lang),
        "deadline": _due(clocks, "onsite", tz, lang),
        "text": _data(told, "text"),
        "resolution": _data(resolved, "resolution"),
        "survey_url": t(_SURVEY),
        "home_address": t(_HOME),
        "engineer_name": names.person(ticket.assignee) if ticket.assignee else "",
        "location": names.location(str(record.get("location") or "")),
        "role_type": t(word(ROLE_TYPES, _data(uplift, "role_type"), "")) if uplift else "",
        "motivation": _data(uplift, "motivation"),
        "decided_by": names.person(uplift.actor) if uplift else "",
        "decided_at": when(uplift.at, tz, lang) if uplift else "",
        "clock": CLOCK_WORDS[lang][breached.name] if breached else "",
        "due": when(breached.due, tz, lang) if breached else "",
        "met_at": when(breached.met_at, tz, lang) if breached else "",
    }
    return {name: values.get(name) or t(_NOT_YET) for name in sorted(known_variables(kind))}


def _latest(events: list[Event], *types: str) -> Event | None:
    found = [e for e in events if e.type in types]
    return max(found, key=lambda e: e.at) if found else None


def _data(event: Event | None, key: str) -> str:
    value = event.data.get(key) if event is not None else None
    return str(value) if value else ""


def _due(clocks: Mapping[str, Any], name: str, tz: Any, lang: str) -> str:
    clock = clocks.get(name)
    return when(clock.due, tz, lang) if clock is not None and clock.due else ""
