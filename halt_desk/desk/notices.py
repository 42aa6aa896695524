"""What the desk does with disruption and maintenance notices ("Storingen en onderhoud"):
publish one to an organisation, a location or a team, follow it up, give the all-clear,
list the open ones, and link a ticket reported meanwhile to one. Plain calls, each checked
here as central checks it again; central mails every employee in the notice's scope.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from halt_desk.domain.clocks import TicketStatus
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event
from halt_desk.domain.messages import Msg
from halt_desk.domain.notices import Notice, NoticeKind, Scope, ScopeKind, fold_notice, in_scope
from halt_desk.store import Store


@dataclass(frozen=True, slots=True)
class NoticeDraft:
    """What the agent filled in for a new notice."""

    org: str
    kind: NoticeKind | None
    scope: Scope | None
    title: str
    text: str
    starts: datetime | None = None
    ends: datetime | None = None


@dataclass(frozen=True, slots=True)
class ScopeChoices:
    """What a notice of one organisation can be addressed to: its locations (id → name)
    and its teams (names), as the employee directory knows them."""

    locations: Mapping[str, str]
    teams: tuple[str, ...]


def scope_choices(store: Store, org: str) -> ScopeChoices:
    return choices_in(store.employees(), store.references("location"), org)


def choices_in(
    employees: list[dict[str, Any]], locations: Mapping[str, Mapping[str, Any]], org: str
) -> ScopeChoices:
    """`scope_choices` from a directory read already (the form reads it once)."""
    mine = {
        key: str(data.get("name") or key)
        for key, data in locations.items()
        if data.get("org") == org
    }
    teams = sorted({str(e["team"]) for e in employees if e["org"] == org and e.get("team")})
    return ScopeChoices(dict(sorted(mine.items(), key=lambda i: i[1])), tuple(teams))


def reach(store: Store, org: str, scope: Scope) -> int:
    """How many employees of the directory a notice to `scope` reaches (with an address)."""
    return reach_in(store.employees(), org, scope)


def reach_in(employees: list[dict[str, Any]], org: str, scope: Scope) -> int:
    probe = Notice("", org, NoticeKind.DISRUPTION, scope, "", "", datetime.min, "")
    return sum(1 for e in in_scope(probe, employees) if e.get("email"))


def _check_draft(store: Store, draft: NoticeDraft) -> dict[str, Any]:
    if draft.kind is None:
        raise DeskInputError("kind", Msg.CHOOSE_NOTICE_KIND)
    if draft.scope is None:
        raise DeskInputError("scope", Msg.CHOOSE_NOTICE_SCOPE)
    if not draft.org or store.reference(f"org:{draft.org}") is None:
        raise DeskInputError("org", Msg.UNKNOWN_ORGANISATION, org=draft.org or "?")
    choices = scope_choices(store, draft.org)
    if draft.scope.kind is ScopeKind.LOCATION and draft.scope.id not in choices.locations:
        raise DeskInputError("scope", Msg.UNKNOWN_NOTICE_LOCATION, org=draft.org)
    if draft.scope.kind is ScopeKind.TEAM and draft.scope.id not in choices.teams:
        raise DeskInputError("scope", Msg.UNKNOWN_NOTICE_TEAM, org=draft.org)
    if not draft.title.strip():
        raise DeskInputError("title", Msg.FILL_IN_NOTICE_TITLE)
    if not draft.text.strip():
        raise DeskInputError("text", Msg.WRITE_NOTICE_TEXT)
    data: dict[str, Any] = {
        "org": draft.org,
        "kind": str(draft.kind),
        "scope": draft.scope.to_json(),
        "title": draft.title.strip(),
        "text": draft.text.strip(),
    }
    data.update(_window(draft.starts, draft.ends))
    return data


def _window(starts: datetime | None, ends: datetime | None) -> dict[str, str]:
    for moment in (starts, ends):
        if moment is not None and moment.tzinfo is None:
            raise DeskInputError("starts", Msg.TIME_WITHOUT_ZONE)
    if starts is not None and ends is not None and ends < starts:
        raise DeskInputError("ends", Msg.NOTICE_END_BEFORE_START)
    window = {}
    if starts is not None:
        window["starts"] = starts.isoformat()
    if ends is not None:
        window["ends"] = ends.isoformat()
    return window


def new_notice_id(now: datetime) -> str:
    """A notice id: the day it was published and a random part (unique across desks)."""
    return f"{now:%Y%m%d}-{uuid.uuid4().hex[:8]}"


def publish_notice(store: Store, draft: NoticeDraft, actor: str, now: datetime) -> Notice:
    """Checks and records `notice_published`; returns the new notice."""
    data = _check_draft(store, draft)
    stream = f"notice:{new_notice_id(now)}"
    event = store.stamped_event(stream, "notice_published", actor, data, at=now)
    store.record_event(event)
    return _fold(store, event.stream_key)


def follow_up(
    store: Store,
    notice_id: str,
    text: str,
    actor: str,
    now: datetime,
    *,
    title: str = "",
    ends: datetime | None = None,
) -> Notice:
    """Records `notice_updated`: what is new (a new title or expected end optionally)."""
    notice = open_notice(store, notice_id)
    if not text.strip():
        raise DeskInputError("text", Msg.WRITE_NOTICE_TEXT)
    data: dict[str, Any] = {"text": text.strip()}
    if title.strip() and title.strip() != notice.title:
        data["title"] = title.strip()
    if ends is not None:
        data.update(_window(notice.starts, ends))
        data.pop("starts", None)
    _record(store, notice_id, "notice_updated", actor, data, now)
    return _fold(store, notice_id)


def all_clear(store: Store, notice_id: str, text: str, actor: str, now: datetime) -> Notice:
    """Records `notice_closed`, the all-clear, with what the employees are told."""
    open_notice(store, notice_id)
    if not text.strip():
        raise DeskInputError("text", Msg.WRITE_NOTICE_TEXT)
    _record(store, notice_id, "notice_closed", actor, {"text": text.strip()}, now)
    return _fold(store, notice_id)


def _record(
    store: Store, notice_id: str, kind: str, actor: str, data: dict[str, Any], now: datetime
) -> Event:
    event = store.stamped_event(f"notice:{notice_id}", kind, actor, data, at=now)
    store.record_event(event)
    return event


def _fold(store: Store, notice_id: str) -> Notice:
    notice = fold_notice(store.events_for(f"notice:{notice_id}"))
    if notice is None:
        raise DeskInputError("notice", Msg.NOTICE_NOT_FOUND, notice=notice_id)
    return notice


def notice(store: Store, notice_id: str) -> Notice | None:
    try:
        return _fold(store, notice_id)
    except DeskInputError:
        return None


def open_notice(store: Store, notice_id: str) -> Notice:
    found = _fold(store, notice_id)
    if not found.is_open:
        raise DeskInputError("notice", Msg.NOTICE_CLOSED, notice=notice_id)
    return found


def notices(store: Store, *, open_only: bool = False, org: str | None = None) -> list[Notice]:
    """The notices this desk knows, open ones first, newest change first."""
    streams = store.streams_of_kind("notice")
    found = []
    for events in store.events_for_streams(streams).values():
        folded = fold_notice(events)
        if folded is None or (open_only and not folded.is_open):
            continue
        if org is None or folded.org == org:
            found.append(folded)
    found.sort(key=lambda n: n.last_change, reverse=True)
    found.sort(key=lambda n: not n.is_open)
    return found


def linked_notices(store: Store, ticket_id: str) -> list[str]:
    """The notice ids a ticket is linked to, in the order they were linked."""
    events = store.events_for(f"ticket:{ticket_id}")
    # Two desks may link the same ticket at once: one link each, shown once.
    return list(
        dict.fromkeys(str(e.data["notice"]) for e in events if e.type == "linked_to_notice")
    )


def link_event(
    store: Store, ticket_id: str, org: str, notice_id: str, actor: str, now: datetime
) -> Event:
    """The `linked_to_notice` event of a ticket of `org` (not recorded): for intake, which
    records it with the new ticket in one transaction, and for `link_ticket`."""
    found = _fold(store, notice_id)
    if found.org != org:
        raise DeskInputError("notice", Msg.NOTICE_OTHER_ORGANISATION, notice=notice_id)
    data = {"notice": notice_id, "title": found.title}
    return store.stamped_event(f"ticket:{ticket_id}", "linked_to_notice", actor, data, at=now)


def link_ticket(store: Store, ticket_id: str, notice_id: str, actor: str, now: datetime) -> Event:
    """Links an existing ticket to a notice (once per notice)."""
    ticket = store.ticket(ticket_id)
    if ticket is None:
        raise DeskInputError("ticket", Msg.TICKET_NOT_FOUND, ticket=ticket_id)
    if ticket.status == TicketStatus.CLOSED:
        raise DeskInputError("ticket", Msg.TICKET_CLOSED, ticket=ticket_id)
    if notice_id in linked_notices(store, ticket_id):
        raise DeskInputError("notice", Msg.TICKET_ALREADY_LINKED, ticket=ticket_id)
    event = link_event(store, ticket_id, ticket.org, notice_id, actor, now)
    store.record_event(event)
    return event


def notices_for_caller(
    store: Store, org: str, team: str | None, location: str | None
) -> list[Notice]:
    """The open notices of the caller's organisation, those for the caller's own location or
    team first (what the intake offers to link a new ticket to)."""
    caller = {"org": org, "team": team, "location": location}
    found = notices(store, open_only=True, org=org)
    # The caller's own location or team first, then the whole organisation, then the rest.
    return sorted(found, key=lambda n: (not n.scope.covers(caller), n.scope.kind is ScopeKind.ORG))
