"""Notices at the central: a `notice:` event checked against its stream (the same fold as
the desk's) and against the organisation's directory (a location scope names a location of
that organisation), a ticket's `linked_to_notice` against the notice, and who a notice
reaches (the employees in its scope with an e-mail address)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from halt_desk.central.batch import Batch, event_from_row
from halt_desk.central.mail_queue import MailDraft
from halt_desk.central.mail_rules import kind_enabled
from halt_desk.central.schema import events, reference_records
from halt_desk.central.validation import Rejected
from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import Event, required_text
from halt_desk.domain.notices import Notice, ScopeKind, apply_notice_event, fold_notice, in_scope


def apply_notice(batch: Batch, event: Event) -> Notice:
    """Checks `event` against its notice stream and keeps it in the batch's history;
    returns the notice after it. Raises (InvalidEvent, Rejected) to refuse it."""
    history = batch.history(event.stream)
    notice = apply_notice_event(fold_notice(history), event)
    if event.type == "notice_published":
        if batch.profile_of(notice.org) is None:
            raise Rejected(f"{event.stream}: unknown organisation {notice.org!r}")
        if notice.scope.kind is ScopeKind.LOCATION:
            location = batch.reference(f"location:{notice.scope.id}")
            if location is None or location.get("org") != notice.org:
                problem = f"{notice.scope.id!r} is not a location of organisation {notice.org}"
                raise InvalidEvent(event.id, "data.scope.id", problem)
        if notice.scope.kind is ScopeKind.TEAM:  # a team is what the directory calls one
            teams = {e.get("team") for e in employees_of(batch.conn, notice.org)}
            if notice.scope.id not in teams:
                problem = f"{notice.scope.id!r} is not a team of organisation {notice.org}"
                raise InvalidEvent(event.id, "data.scope.id", problem)
    history.append(event)
    return notice


def check_notice_link(batch: Batch, event: Event, ticket_org: str) -> None:
    """A ticket's `linked_to_notice` names a published notice of the ticket's organisation."""
    notice_id = required_text(event, "notice")
    notice = fold_notice(batch.history(f"notice:{notice_id}"))
    if notice is None:
        raise InvalidEvent(event.id, "data.notice", f"unknown notice {notice_id!r}")
    if notice.org != ticket_org:
        problem = f"notice {notice_id} is for organisation {notice.org}, not {ticket_org}"
        raise InvalidEvent(event.id, "data.notice", problem)


def employees_of(conn: Connection, org: str) -> list[dict[str, Any]]:
    """The employee records of `org` in the central's directory."""
    rows = conn.execute(
        select(reference_records.c.stream, reference_records.c.data).where(
            reference_records.c.stream.like("employee:%")
        )
    )
    found: list[dict[str, Any]] = []
    for stream, text in rows:
        data = json.loads(text)
        if isinstance(data, dict) and data.get("org") == org:
            found.append({**data, "id": stream.partition(":")[2]})
    return found


def recipients(notice: Notice, employees: list[dict[str, Any]]) -> list[Mapping[str, Any]]:
    """The employees `notice` reaches that have an e-mail address, each once, by id."""
    seen: set[str] = set()
    found: list[Mapping[str, Any]] = []
    for employee in sorted(in_scope(notice, employees), key=lambda e: str(e.get("id"))):
        email = employee.get("email")
        if isinstance(email, str) and "@" in email and email.lower() not in seen:
            seen.add(email.lower())
            found.append(employee)
    return found


#: The mail kind (template) of each notice event.
NOTICE_MAIL_KINDS = {
    "notice_published": "notice_published",
    "notice_updated": "notice_updated",
    "notice_closed": "notice_closed",
}
#: Words the notice mails fill in, per language (the templates hold the rest).
_KIND_LABELS = {
    "nl": {"disruption": "Verstoring", "maintenance": "Gepland onderhoud"},
    "en": {"disruption": "Disruption", "maintenance": "Planned maintenance"},
}
_SCOPE_LABELS = {
    "nl": {"org": "heel {name}", "location": "locatie {name}", "team": "team {name}"},
    "en": {"org": "all of {name}", "location": "location {name}", "team": "team {name}"},
}
_DESK_NAMES = {"nl": "De servicedesk", "en": "The service desk"}
_ZONE = ZoneInfo("Europe/Amsterdam")


def _stream_events(conn: Connection, stream: str) -> list[Event]:
    rows = conn.execute(
        select(events).where(events.c.stream == stream).order_by(events.c.seq)
    ).mappings()
    return [event_from_row(row) for row in rows]


def _reference(conn: Connection, stream: str) -> dict[str, Any]:
    text = conn.execute(
        select(reference_records.c.data).where(reference_records.c.stream == stream)
    ).scalar_one_or_none()
    data = json.loads(text) if text is not None else None
    return data if isinstance(data, dict) else {}


def _moment(value: datetime | None) -> str:
    return value.astimezone(_ZONE).strftime("%d-%m-%Y %H:%M") if value is not None else ""


def notice_context(conn: Connection, notice: Notice, event: Event, lang: str) -> dict[str, Any]:
    """What a notice mail's template fills in, in `lang` (nothing personal: no names)."""
    org_name = str(_reference(conn, f"org:{notice.org}").get("name") or notice.org)
    scope_name = org_name
    if notice.scope.kind is ScopeKind.LOCATION:
        location = _reference(conn, f"location:{notice.scope.id}")
        scope_name = str(location.get("name") or notice.scope.id)
    elif notice.scope.kind is ScopeKind.TEAM:
        scope_name = str(notice.scope.id)
    words = lang if lang in _KIND_LABELS else "nl"
    text = notice.text if event.type == "notice_published" else str(event.data.get("text", ""))
    return {
        "org_name": org_name,
        "kind_label": _KIND_LABELS[words][str(notice.kind)],
        "scope_label": _SCOPE_LABELS[words][str(notice.scope.kind)].format(name=scope_name),
        "title": notice.title,
        "text": text,
        "starts": _moment(notice.starts),
        "ends": _moment(notice.ends),
        "desk_name": _DESK_NAMES[words],
    }


def notice_drafts(
    conn: Connection, event_id: str, stream: str, common: Mapping[str, Any] | None = None
) -> list[MailDraft]:
    """The mails of a notice event (`event_id` on `stream`, recorded): one per employee in
    the notice's scope, to be queued with `queue_mails` in the same transaction. The
    follow-up and the all-clear go to whoever is in its scope now, each in the language
    the directory gives (`employee_language`). `common`: what every mail shares (the
    desk's name); a kind the organisation switched off sends nothing."""
    history = _stream_events(conn, stream)
    upto = next((i for i, e in enumerate(history) if e.id == event_id), None)
    if upto is None:
        return []
    event = history[upto]
    kind = NOTICE_MAIL_KINDS.get(event.type)
    notice = fold_notice(history[: upto + 1])
    if kind is None or notice is None or not kind_enabled(conn, notice.org, kind):
        return []
    contexts: dict[str, dict[str, Any]] = {}
    drafts: list[MailDraft] = []
    for employee in recipients(notice, employees_of(conn, notice.org)):
        lang = employee_language(employee)
        if lang not in contexts:
            contexts[lang] = {**notice_context(conn, notice, event, lang), **(common or {})}
        drafts.append(
            MailDraft(
                notice.org, kind, str(employee["email"]), lang, stream, event.id, contexts[lang]
            )
        )
    return drafts


def employee_language(employee: Mapping[str, Any]) -> str:
    """The language an employee reads mail in: the directory's `lang` (nl, en), else Dutch
    (all contact with Halt staff is Dutch)."""
    lang = employee.get("lang")
    return lang if lang in ("nl", "en") else "nl"
