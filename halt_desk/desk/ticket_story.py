"""A ticket's timeline as people read it (Zammad's ticket zoom): per event who (a name),
when (the contract's time zone, Dutch date format), what (a label in the reader's language)
and the content in words (the note, the status update and how it was told, the resolution,
the uplift's role and motivation, a priority "P3 → P2" with its reason, each changed field
old → new). Bookkeeping (`device_at`, `clock_offset_ms`, `base_seq`, ids, raw data) never
shows; an event type this version does not know reads as one neutral line.

Qt-free: the ticket window shows these entries, tests read them without a screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Any

from halt_desk.couriers.registry import carrier_name
from halt_desk.desk.names import Names
from halt_desk.desk.ticket_words import (
    CATEGORIES,
    CHANNEL_WAYS,
    CHANNELS,
    CRITERIA_REFUSALS,
    EMERGENCY_KIND_WORDS,
    EVENT_LABELS,
    FIELD_NAMES,
    IMPACTS,
    MAIL_KINDS,
    REFUSALS,
    ROLE_TYPES,
    SHIPMENT_STATUSES,
    STATUSES,
    URGENCIES,
    word,
)
from halt_desk.domain.events import Event
from halt_desk.i18n import N_, _

#: The label of an event type this version does not know.
UNKNOWN_LABEL = N_("Event")


class EntryKind(StrEnum):
    """What an entry is, for how it looks: what the caller said or was told apart from
    internal notes, and both apart from the quieter field changes."""

    REPORT = "report"  # the caller's report
    CONTACT = "contact"  # contact with the caller: responses, updates, the resolution
    NOTE = "note"  # an internal note
    CHANGE = "change"  # priority, assignment, status, fields, uplift
    WORK = "work"  # field work and device swaps
    OTHER = "other"  # an event type this version cannot word


@dataclass(frozen=True, slots=True)
class StoryEntry:
    """One entry of the timeline: who, when, what and the content, all words."""

    at: datetime
    when: str
    who: str
    label: str
    body: str
    kind: EntryKind
    #: The body's first line says what happened in full ("Prioriteit P3 → P2: …",
    #: "Toegewezen aan …", "P1-uplift geweigerd: …"): a screen need not repeat the label.
    sentence: bool = False


@dataclass
class _State:
    """What the ticket looked like before the event (for "old → new")."""

    fields: dict[str, Any] = field(default_factory=dict)


def format_when(at: datetime, tz: tzinfo | None) -> str:
    """ "12-01-2027 10:05" in `tz` (the contract's time zone)."""
    return at.astimezone(tz).strftime("%d-%m-%Y %H:%M")


def _text(data: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _lines(*lines: str) -> str:
    return "\n".join(line for line in lines if line)


def _channel_way(data: Mapping[str, Any]) -> str:
    code = _text(data, "channel", "how")
    return word(CHANNEL_WAYS, code, N_("in another way")) if code else ""


def _value(name: str, value: Any, names: Names) -> str:
    """A field's value in words (a category's name, a caller's name, …)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    tables: dict[str, Mapping[str, str]] = {
        "category": CATEGORIES,
        "impact": IMPACTS,
        "urgency": URGENCIES,
        "channel": CHANNELS,
        "status": STATUSES,
    }
    if name in tables:
        return word(tables[name], value, N_("another value"))
    if name == "caller":
        return names.employee(str(value))
    if name == "assignee":
        return names.person(str(value))
    if name == "location":
        return names.location(str(value))
    if isinstance(value, str | int | float):
        return str(value)
    return _("another value")


# ------------------------------------------------------------------ per event type

_Wording = tuple[str, str, EntryKind]


def _reported(event: Event, state: _State, names: Names) -> _Wording:
    data = event.data
    intake = data.get("intake") if isinstance(data.get("intake"), Mapping) else {}
    assert isinstance(intake, Mapping)
    for key in ("summary", "category", "caller", "channel", "priority", "description"):
        state.fields[key] = data.get(key)
    for key in ("impact", "urgency"):
        state.fields[key] = data.get(key) or intake.get(key)
    caller = names.employee(_text(data, "caller")) or _("an unknown caller")
    reported = _("Reported {channel} by {caller}.").format(
        channel=_channel_way(data) or _("in another way"), caller=caller
    )
    details = " · ".join(
        part
        for part in (
            word(CATEGORIES, data["category"]) if _text(data, "category") else "",
            _("priority {priority}").format(priority=data["priority"])
            if _text(data, "priority")
            else "",
        )
        if part
    )
    body = _lines(_text(data, "summary"), _text(data, "description"), reported, details)
    return _(EVENT_LABELS["ticket_reported"]), body, EntryKind.REPORT


def _priority_changed(event: Event, state: _State, names: Names) -> _Wording:
    new = _text(event.data, "priority") or "–"
    old = str(state.fields.get("priority") or "–")
    state.fields["priority"] = new
    reason = _text(event.data, "reason", "text")
    if reason:
        body = _("Priority {old} → {new}: {reason}").format(old=old, new=new, reason=reason)
    else:
        body = _("Priority {old} → {new}").format(old=old, new=new)
    return _(EVENT_LABELS["priority_changed"]), body, EntryKind.CHANGE


def _assigned(event: Event, state: _State, names: Names) -> _Wording:
    to = _text(event.data, "to")
    state.fields["assignee"] = to
    line = _("Assigned to {name}").format(name=names.person(to)) if to else _("Unassigned")
    body = _lines(line, _text(event.data, "reason", "text"))
    return _(EVENT_LABELS["assigned"]), body, EntryKind.CHANGE


def _uplift(event: Event, state: _State, names: Names) -> _Wording:
    data = event.data
    role = word(ROLE_TYPES, data["role_type"]) if _text(data, "role_type") else ""
    explanation = _text(data, "role_explanation")
    role_line = _("Role: {role}").format(role=_lines(role, explanation).replace("\n", " — "))
    motivation = _text(data, "motivation")
    motivation_line = _("Motivation: {text}").format(text=motivation) if motivation else ""
    if data.get("granted") is True:
        state.fields["priority"] = "P1"
        body = _lines(role_line if role else "", motivation_line)
        return _("P1 uplift granted"), body, EntryKind.CHANGE
    reasons = [str(r) for r in data.get("reasons") or [] if isinstance(r, str)]
    criteria = data.get("criteria") if isinstance(data.get("criteria"), Mapping) else {}
    assert isinstance(criteria, Mapping)
    if not reasons:
        reasons = [reason for key, reason in CRITERIA_REFUSALS if criteria.get(key) is False]
    why = " ".join(word(REFUSALS, r, N_("A condition was not met.")) for r in reasons)
    sentence = _("P1 uplift refused: {reasons}").format(
        reasons=why or _("the conditions were not met.")
    )
    body = _lines(sentence, role_line if role else "", motivation_line)
    return _("P1 uplift refused"), body, EntryKind.CHANGE


def _ticket_updated(event: Event, state: _State, names: Names) -> _Wording:
    changes = event.data.get("changes")
    lines: list[str] = []
    if isinstance(changes, Mapping):
        for key, new in changes.items():
            name = FIELD_NAMES.get(str(key))
            if name is None:
                lines.append(_("Another detail was changed."))
                continue
            old = state.fields.get(str(key))
            lines.append(
                _("{field}: {old} → {new}").format(
                    field=_(name), old=_value(str(key), old, names), new=_value(key, new, names)
                )
            )
            state.fields[str(key)] = new
    reason = _text(event.data, "reason")
    body = _lines(*lines, _("Reason: {reason}").format(reason=reason) if reason else "")
    return _(EVENT_LABELS["ticket_updated"]), body, EntryKind.CHANGE


def _contact(event: Event, state: _State, names: Names) -> _Wording:
    """First response, status update: what the caller was told, and how."""
    data = event.data
    way = _channel_way(data)
    if event.type == "first_response":
        how = _("Caller reached {channel}.").format(channel=way) if way else ""
    else:
        how = _("Told the caller {channel}.").format(channel=way) if way else ""
    return _(EVENT_LABELS[event.type]), _lines(_text(data, "text"), how), EntryKind.CONTACT


def _resolved(event: Event, state: _State, names: Names) -> _Wording:
    state.fields["status"] = "resolved"
    text = _text(event.data, "text", "resolution")
    return _(EVENT_LABELS["resolved"]), text, EntryKind.CONTACT


def _comment(event: Event, state: _State, names: Names) -> _Wording:
    data = event.data
    if data.get("kind") == "refused_event_dismissed":
        what = word(EVENT_LABELS, _text(data, "event_type"), UNKNOWN_LABEL)
        note = _("{event} not sent again").format(event=what)
        return _(EVENT_LABELS["comment"]), note, EntryKind.NOTE
    return _(EVENT_LABELS["comment"]), _text(data, "text"), EntryKind.NOTE


#: The actor of the answers to the satisfaction survey central records (central/csat.py).
SURVEY_ACTOR = "system:survey"


def _csat(event: Event, state: _State, names: Names) -> _Wording:
    data = event.data
    score = data.get("score")
    line = _("Satisfaction score: {score} out of 10").format(score=score) if score else ""
    servicedesk, information = data.get("servicedesk"), data.get("information")
    return (
        _(EVENT_LABELS["csat_recorded"]),
        _lines(
            _("Answered by the caller in the survey") if event.actor == SURVEY_ACTOR else "",
            line,
            _("Servicedesk experience: {score} out of 10").format(score=servicedesk)
            if servicedesk
            else "",
            _("Information provision: {score} out of 10").format(score=information)
            if information
            else "",
            _text(data, "text"),
        ),
        EntryKind.CONTACT,
    )


def _reopened(event: Event, state: _State, names: Names) -> _Wording:
    state.fields["status"] = "open"
    reason = _text(event.data, "reason", "text")
    return _(EVENT_LABELS["reopened"]), reason, EntryKind.CHANGE


def _productive(event: Event, state: _State, names: Names) -> _Wording:
    who = _text(event.data, "confirmed_by")
    line = _("Confirmed by {name}").format(name=names.person(who)) if who else ""
    return (
        _(EVENT_LABELS["productive_again"]),
        _lines(line, _text(event.data, "text")),
        EntryKind.WORK,
    )


def _emergency(event: Event, state: _State, names: Names) -> _Wording:
    kind = _text(event.data, "kind")
    line = word(EMERGENCY_KIND_WORDS, kind, N_("another solution")) if kind else ""
    line = line[:1].upper() + line[1:]
    return (
        _(EVENT_LABELS["emergency_workplace"]),
        _lines(line, _text(event.data, "text")),
        EntryKind.WORK,
    )


def _swap_delivered(event: Event, state: _State, names: Names) -> _Wording:
    asset = _text(event.data, "asset")
    line = _("Loaner {asset} is with the employee.").format(asset=asset) if asset else ""
    return (
        _(EVENT_LABELS["swap_delivered"]),
        _lines(line, _text(event.data, "text")),
        EntryKind.WORK,
    )


def _conflict(event: Event, state: _State, names: Names) -> _Wording:
    key = _text(event.data, "field")
    name = FIELD_NAMES.get(key)
    value = event.data.get("value")
    if name is not None and value is not None and not isinstance(value, Mapping | list):
        body = _("Two changes were made at the same time; chosen: {field} {value}").format(
            field=_(name), value=_value(key, value, names)
        )
    else:
        body = _("Two changes were made at the same time; one was chosen.")
    return _(EVENT_LABELS["conflict_resolved"]), body, EntryKind.CHANGE


def _mail(event: Event, state: _State, names: Names) -> _Wording:
    """A mail central sent about the ticket: "E-mail verstuurd aan …", "… wacht op
    verzending" or "Niet afgeleverd: <reason>", with what the mail was about."""
    to = _text(event.data, "to") or _("(no address)")
    what = word(MAIL_KINDS, _text(event.data, "kind"), N_("E-mail"))
    if event.type == "mail_sent":
        sentence = _("E-mail sent to {address}").format(address=to)
    elif event.type == "mail_failed":
        reason = _text(event.data, "reason") or _("unknown reason")
        sentence = _("Not delivered: {reason}").format(reason=reason)
        what = _lines(what, _("To {address}").format(address=to))
    else:
        sentence = _("E-mail to {address} waiting to be sent").format(address=to)
    return _(EVENT_LABELS[event.type]), _lines(sentence, what), EntryKind.CONTACT


def _mail_resend(event: Event, state: _State, names: Names) -> _Wording:
    to = _text(event.data, "to") or _("(no address)")
    what = word(MAIL_KINDS, _text(event.data, "kind"), N_("E-mail"))
    sentence = _("E-mail to {address} requested again").format(address=to)
    return _(EVENT_LABELS[event.type]), _lines(sentence, what), EntryKind.CONTACT


def _linked(event: Event, state: _State, names: Names) -> _Wording:
    """The notice by its title (kept with the link), else by its id."""
    line = _text(event.data, "title") or _text(event.data, "notice")
    return _(EVENT_LABELS["linked_to_notice"]), line, EntryKind.CHANGE


def _change_planned(event: Event, state: _State, names: Names) -> _Wording:
    date = _text(event.data, "date")
    line = _("Planned for {date}").format(date=_date(date)) if date else ""
    return (
        _(EVENT_LABELS["change_planned"]),
        _lines(line, _text(event.data, "text")),
        EntryKind.WORK,
    )


def _date(text: str) -> str:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return text
    return parsed.strftime("%d-%m-%Y %H:%M" if parsed.hour or parsed.minute else "%d-%m-%Y")


# ------------------------------------------------------------------ swap streams


def _swap_opened(event: Event, state: _State, names: Names) -> _Wording:
    data = event.data
    depot = names.depot(_text(data, "depot"))
    if _text(data, "mode") == "onsite":
        engineer = names.person(_text(data, "engineer")) or "–"
        line = _("The loaner is issued on site by {engineer}, from {depot}.").format(
            engineer=engineer, depot=depot or "–"
        )
    else:
        line = _("The loaner goes by courier to the employee, from {depot}.").format(
            depot=depot or "–"
        )
    return _(EVENT_LABELS["swap_opened"]), line, EntryKind.WORK


def _swap_updated(event: Event, state: _State, names: Names) -> _Wording:
    data = event.data
    lines = []
    if _text(data, "engineer"):
        lines.append(_("Engineer: {name}").format(name=names.person(_text(data, "engineer"))))
    if _text(data, "depot"):
        lines.append(_("Depot: {name}").format(name=names.depot(_text(data, "depot"))))
    body = _lines(*lines, _text(data, "reason", "note"))
    return _(EVENT_LABELS["swap_updated"]), body, EntryKind.WORK


def _shipment(event: Event, state: _State, names: Names) -> _Wording:
    data = event.data
    status = word(SHIPMENT_STATUSES, _text(data, "status"), N_("another status"))
    legs = {
        "out": N_("to the employee"),
        "return": N_("return"),
        "own_device": N_("of the employee's own device to the depot"),
    }
    leg = _(legs.get(_text(data, "leg") or "", legs["out"]))
    carrier = carrier_name(_text(data, "carrier")) if _text(data, "carrier") else ""
    line = _("Shipment {leg}: {status}").format(leg=leg, status=status)
    parcel = " ".join(p for p in (carrier, _text(data, "tracking")) if p)
    said = " · ".join(p for p in (_text(data, "text", "detail"), _text(data, "location")) if p)
    body = _lines(f"{line} ({parcel})" if parcel else line, said)
    return _(EVENT_LABELS["shipment_status"]), body, EntryKind.WORK


def _swap_closed(event: Event, state: _State, names: Names) -> _Wording:
    outcome = _text(event.data, "outcome")
    line = _("The loaner is back at the depot.") if outcome == "returned" else outcome
    return _(EVENT_LABELS["swap_closed"]), line, EntryKind.WORK


def _plain(kind: EntryKind) -> Callable[[Event, _State, Names], _Wording]:
    """A type whose content is its optional text (a note with the action)."""

    def wording(event: Event, state: _State, names: Names) -> _Wording:
        if event.type == "closed":
            state.fields["status"] = "closed"
        return _(EVENT_LABELS[event.type]), _text(event.data, "text", "reason"), kind

    return wording


_WORDINGS: dict[str, Callable[[Event, _State, Names], _Wording]] = {
    "ticket_reported": _reported,
    "first_response": _contact,
    "status_update": _contact,
    "priority_changed": _priority_changed,
    "waiting_on_user": _plain(EntryKind.CHANGE),
    "resumed": _plain(EntryKind.CHANGE),
    "onsite_requested": _plain(EntryKind.WORK),
    "onsite_arrival": _plain(EntryKind.WORK),
    "workaround": _plain(EntryKind.WORK),
    "swap_requested": _plain(EntryKind.WORK),
    "swap_delivered": _swap_delivered,
    "emergency_workplace": _emergency,
    "productive_again": _productive,
    "resolved": _resolved,
    "uplift_decided": _uplift,
    "assigned": _assigned,
    "comment": _comment,
    "csat_recorded": _csat,
    "closed": _plain(EntryKind.CHANGE),
    "conflict_resolved": _conflict,
    "ticket_updated": _ticket_updated,
    "reopened": _reopened,
    "mail_queued": _mail,
    "mail_sent": _mail,
    "mail_failed": _mail,
    "mail_resend_requested": _mail_resend,
    "linked_to_notice": _linked,
    "change_planned": _change_planned,
    "change_implemented": _plain(EntryKind.WORK),
    "swap_opened": _swap_opened,
    "swap_updated": _swap_updated,
    "shipment_status": _shipment,
    "swap_closed": _swap_closed,
}


def _unknown(event: Event, state: _State, names: Names) -> _Wording:
    body = _("Something was recorded that this version of HALT Desk cannot show yet.")
    return _(UNKNOWN_LABEL), body, EntryKind.OTHER


#: Types whose body's first line is a whole sentence about what happened.
_SENTENCES = frozenset(
    {
        "priority_changed",
        "assigned",
        "uplift_decided",
        "conflict_resolved",
        "mail_queued",
        "mail_sent",
        "mail_failed",
        "mail_resend_requested",
    }
)


def _granted(event: Event) -> bool:
    return event.type == "uplift_decided" and event.data.get("granted") is True


def ticket_story(
    events: Iterable[Event],
    names: Names,
    tz: tzinfo | None = None,
    linked: Iterable[Event] = (),
) -> list[StoryEntry]:
    """The timeline of a ticket's `events` and the `linked` events of its swaps, oldest
    first (a conversation: the newest at the bottom), in the reader's language."""
    ordered = sorted(enumerate([*events, *linked]), key=lambda pair: (pair[1].at, pair[0]))
    state = _State()
    story: list[StoryEntry] = []
    delivered = _mails_done(pair[1] for pair in ordered)
    for _index, event in ordered:
        if event.type == "mail_queued" and event.data.get("message_id") in delivered:
            continue  # sent or failed since: that entry says it
        label, body, kind = _WORDINGS.get(event.type, _unknown)(event, state, names)
        who = names.person(event.actor)
        sentence = event.type in _SENTENCES and bool(body) and not _granted(event)
        story.append(
            StoryEntry(event.at, format_when(event.at, tz), who, label, body, kind, sentence)
        )
    return story


def _mails_done(events: Iterable[Event]) -> set[Any]:
    """The Message-IDs of mails sent or failed (their "queued" entry is left out)."""
    return {
        event.data.get("message_id")
        for event in events
        if event.type in ("mail_sent", "mail_failed")
    }


def swap_streams(ticket_id: str, events: Iterable[Event]) -> list[str]:
    """The swap streams a ticket's events name (its swap requests and deliveries)."""
    streams: list[str] = []
    for event in events:
        if event.type not in ("swap_requested", "swap_delivered"):
            continue
        swap = event.data.get("swap")
        stream = f"swap:{swap if isinstance(swap, str) and swap else f'{ticket_id}-SWAP1'}"
        if stream not in streams:
            streams.append(stream)
    return streams


# ------------------------------------------------------------------ concurrent edits


def conflict_field_words(field_name: str) -> str:
    """The name of the field two concurrent edits disagree on ("Toegewezen aan")."""
    name = FIELD_NAMES.get(field_name)
    return _(name) if name is not None else _("another detail")


def conflict_value_words(event: Event, names: Names) -> str:
    """What one side of a conflict chose, in words: the colleague by name, the priority,
    "P1-uplift toegekend", the edited fields ("Omschrijving: …"), or what the event did
    ("Opgelost")."""
    data = event.data
    if event.type == "assigned":
        return names.person(str(data.get("to") or "")) or "–"
    if event.type == "priority_changed":
        priority = data.get("priority")
        if priority is not None:
            return str(priority)
        return " · ".join(
            f"{_(FIELD_NAMES[key])}: {_value(key, data.get(key), names)}"
            for key in ("impact", "urgency")
        )
    if event.type == "uplift_decided":
        return _("P1 uplift granted") if data.get("granted") else _("P1 uplift refused")
    if event.type == "ticket_updated":
        changes = data.get("changes")
        if not isinstance(changes, Mapping):
            return _("another value")
        return " · ".join(
            f"{conflict_field_words(str(key))}: {_value(str(key), value, names)}"
            for key, value in sorted(changes.items())
        )
    label = EVENT_LABELS.get(event.type)
    return _(label) if label is not None else _("another value")
