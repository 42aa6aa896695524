"""Disruption and maintenance notices (seed 003 §10.5 D: employees informed in time), folded
from their `notice:<id>` stream: published to an organisation, a location or a team, followed
up, and closed with the all-clear.

The store and the central API both fold notice streams through `apply_notice_event`, so an
event that does not fit is refused the same way everywhere; `in_scope` tells which employees
of the directory a notice reaches (the mail to each of them goes out at central).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import (
    NOTICE_EVENT_TYPES,
    Event,
    event_text,
    parse_instant,
    required_text,
)

__all__ = ["NOTICE_EVENT_TYPES", "Notice", "NoticeKind", "Scope", "ScopeKind", "apply_notice_event"]


class NoticeKind(StrEnum):
    DISRUPTION = "disruption"  # "verstoring": something is broken now
    MAINTENANCE = "maintenance"  # "gepland onderhoud": announced ahead


class ScopeKind(StrEnum):
    ORG = "org"  # every employee of the organisation
    LOCATION = "location"  # the employees whose `location` is this location id
    TEAM = "team"  # the employees whose `team` is this team name


@dataclass(frozen=True, slots=True)
class Scope:
    """Who a notice is for: `id` is the location id or the team name (None for an org)."""

    kind: ScopeKind
    id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return (
            {"kind": str(self.kind)} if self.id is None else {"kind": str(self.kind), "id": self.id}
        )

    @classmethod
    def from_json(cls, raw: object, event_id: str | None = None) -> Scope:
        if not isinstance(raw, Mapping):
            raise InvalidEvent(event_id, "data.scope", "expected an object {kind, id}")
        try:
            kind = ScopeKind(str(raw.get("kind")))
        except ValueError:
            known = ", ".join(ScopeKind)
            problem = f"{raw.get('kind')!r} is not a scope ({known})"
            raise InvalidEvent(event_id, "data.scope.kind", problem) from None
        key = raw.get("id")
        if kind is ScopeKind.ORG:
            if key is not None:
                raise InvalidEvent(event_id, "data.scope.id", "an organisation scope has no id")
            return cls(kind)
        if not isinstance(key, str) or not key.strip() or len(key) > 200:
            problem = f"a {kind} scope needs its id (text of at most 200 characters)"
            raise InvalidEvent(event_id, "data.scope.id", problem)
        return cls(kind, key)

    def covers(self, employee: Mapping[str, Any]) -> bool:
        """Whether an employee record (of the notice's organisation) is in this scope."""
        if self.kind is ScopeKind.ORG:
            return True
        return employee.get(str(self.kind)) == self.id


@dataclass(frozen=True, slots=True)
class NoticeUpdate:
    """A follow-up (or the all-clear, `closing`): what was said, when and by whom."""

    at: datetime
    actor: str
    text: str
    closing: bool = False


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice as folded from its stream."""

    id: str
    org: str
    kind: NoticeKind
    scope: Scope
    title: str
    text: str
    published_at: datetime
    published_by: str
    starts: datetime | None = None
    ends: datetime | None = None
    updates: tuple[NoticeUpdate, ...] = ()
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def last_change(self) -> datetime:
        return self.updates[-1].at if self.updates else self.published_at


def _optional_instant(event: Event, key: str) -> datetime | None:
    value = event.data.get(key)
    if value is None:
        return None
    try:
        return parse_instant(value, key)
    except ValueError as exc:
        raise InvalidEvent(event.id, f"data.{key}", str(exc)) from None


def _window(event: Event, starts: datetime | None, ends: datetime | None) -> tuple[Any, Any]:
    starts = _optional_instant(event, "starts") if "starts" in event.data else starts
    ends = _optional_instant(event, "ends") if "ends" in event.data else ends
    if starts is not None and ends is not None and ends < starts:
        raise InvalidEvent(event.id, "data.ends", "the end lies before the start")
    return starts, ends


def apply_notice_event(notice: Notice | None, event: Event) -> Notice:
    """The notice after `event`; InvalidEvent for an event that does not fit: published
    first and once, with org, kind, scope, title and text; nothing after the all-clear."""
    if event.type == "notice_published":
        if notice is not None:
            raise InvalidEvent(event.id, "type", f"notice {event.stream_key} is published already")
        try:
            kind = NoticeKind(str(event.data.get("kind")))
        except ValueError:
            known = ", ".join(NoticeKind)
            problem = f"{event.data.get('kind')!r} is not a notice kind ({known})"
            raise InvalidEvent(event.id, "data.kind", problem) from None
        starts, ends = _window(event, None, None)
        return Notice(
            id=event.stream_key,
            org=required_text(event, "org"),
            kind=kind,
            scope=Scope.from_json(event.data.get("scope"), event.id),
            title=required_text(event, "title"),
            text=required_text(event, "text"),
            published_at=event.at,
            published_by=event.actor,
            starts=starts,
            ends=ends,
        )
    if notice is None:
        raise InvalidEvent(event.id, "stream", f"notice {event.stream_key} is not published")
    if not notice.is_open:
        raise InvalidEvent(event.id, "type", f"notice {notice.id} is closed (all-clear given)")
    if event.type == "notice_updated":
        starts, ends = _window(event, notice.starts, notice.ends)
        update = NoticeUpdate(event.at, event.actor, required_text(event, "text"))
        title = event_text(event, "title") or notice.title
        return replace(
            notice, title=title, starts=starts, ends=ends, updates=(*notice.updates, update)
        )
    if event.type == "notice_closed":
        update = NoticeUpdate(event.at, event.actor, required_text(event, "text"), closing=True)
        return replace(notice, updates=(*notice.updates, update), closed_at=event.at)
    raise InvalidEvent(event.id, "type", f"unknown event type {event.type!r} for a notice")


def fold_notice(events: Iterable[Event]) -> Notice | None:
    notice: Notice | None = None
    for event in events:
        notice = apply_notice_event(notice, event)
    return notice


def in_scope(notice: Notice, employees: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The employee records (each with `org`) that `notice` reaches."""
    return [e for e in employees if e.get("org") == notice.org and notice.scope.covers(e)]
