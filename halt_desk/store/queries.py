"""Reads of the cache: events per stream, tickets (as views and as light list rows),
devices, organisations and their contract profiles, the employee and reference records."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from halt_desk.domain.clocks import TicketStatus
from halt_desk.domain.events import Event
from halt_desk.domain.notifications import NOTIFYING_FACTS, NOTIFYING_TYPES
from halt_desk.domain.profiles import Profile
from halt_desk.store.cache import Cache
from halt_desk.store.errors import UnknownStream
from halt_desk.store.eventlog import chunks
from halt_desk.store.list_rows import TicketListEntry, list_rows
from halt_desk.store.models import (
    REFERENCE_MODELS,
    DeviceRow,
    Employee,
    EventRow,
    Organisation,
    TicketRow,
)
from halt_desk.store.projections import (
    event_from_row,
    fold_events,
    published_profile,
    stream_events,
    utc_us,
)

OPEN_STATUSES: tuple[str, ...] = (TicketStatus.OPEN.value, TicketStatus.WAITING.value)
#: Stream kinds whose events never change a row of the ticket list.
_KINDS_OUTSIDE_TICKET_ROWS = frozenset(
    {"device", "swap", "stock", "depot", "location", "notice", "escalation", "vulnerability"}
)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


@dataclass(frozen=True, slots=True)
class TicketView:
    """The projection row of one ticket (a snapshot; clocks evaluated at its last fold)."""

    id: str
    org: str
    caller: str | None
    summary: str | None
    category: str | None
    channel: str | None
    priority: str
    uplift: bool
    status: str
    reported_at: datetime
    next_due: datetime | None
    assignee: str | None
    resolved_at: datetime | None
    mttr_business_minutes: int | None
    mttp_business_minutes: int | None
    mttp_wall_minutes: int | None
    within_norm: bool | None
    updated_at: datetime

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @classmethod
    def from_row(cls, row: TicketRow) -> TicketView:
        return cls(
            id=row.id,
            org=row.org,
            caller=row.caller,
            summary=row.summary,
            category=row.category,
            channel=row.channel,
            priority=row.priority,
            uplift=row.uplift,
            status=row.status,
            reported_at=datetime.fromisoformat(row.reported_at),
            next_due=_time(row.next_due),
            assignee=row.assignee,
            resolved_at=_time(row.resolved_at),
            mttr_business_minutes=row.mttr_business_minutes,
            mttp_business_minutes=row.mttp_business_minutes,
            mttp_wall_minutes=row.mttp_wall_minutes,
            within_norm=row.within_norm,
            updated_at=datetime.fromisoformat(row.updated_at),
        )


@dataclass(frozen=True, slots=True)
class DeviceView:
    """The projection row of one device."""

    asset_tag: str
    serial: str | None
    model: str | None
    type: str | None
    org: str | None
    depot: str | None
    state: str
    updated_at: datetime

    @classmethod
    def from_row(cls, row: DeviceRow) -> DeviceView:
        return cls(
            asset_tag=row.asset_tag,
            serial=row.serial,
            model=row.model,
            type=row.type,
            org=row.org,
            depot=row.depot,
            state=row.state,
            updated_at=datetime.fromisoformat(row.updated_at),
        )


# ---------------------------------------------------------------------- events


def events_for(cache: Cache, stream: str) -> list[Event]:
    """The events of `stream`, ordered by `at`, then by the order they were stored."""
    with cache.read() as session:
        return stream_events(session, stream)


def events_for_streams(cache: Cache, streams: Sequence[str]) -> dict[str, list[Event]]:
    """The events of several streams in fold order (those central confirmed by `seq`,
    then unsent ones; rejected ones left out), in a few queries."""
    found: dict[str, list[Event]] = {}
    with cache.read() as session:
        for chunk in chunks(list(dict.fromkeys(streams))):
            found.update(fold_events(session, chunk))
    return found


def streams_of_kind(cache: Cache, kind: str, types: Iterable[str] | None = None) -> list[str]:
    """The streams of one kind (`swap`, `device`, …) that have events, optionally only
    those with an event of one of `types`; sorted. A range scan of the stream index."""
    query = select(EventRow.stream).where(
        EventRow.stream >= f"{kind}:", EventRow.stream < f"{kind};"
    )
    if types is not None:
        query = query.where(EventRow.type.in_(sorted(set(types))))
    with cache.read() as session:
        return sorted(set(session.scalars(query.distinct())))


def latest_notifying(cache: Cache, not_by: str | None, limit: int) -> list[tuple[int, Event]]:
    """The newest `limit` events that may notify (domain.notifications: their types, and
    the fact in their data those need), not recorded by `not_by`, with their order in
    this cache, newest first (the desk's notification list). Filtered here, not after
    reading: among thousands of ordinary tickets an older P1 stays in the list."""
    conditions = []
    for kind in sorted(NOTIFYING_TYPES):
        fact = NOTIFYING_FACTS.get(kind)
        if fact is None:
            conditions.append(EventRow.type == kind)
            continue
        key, value = fact
        field = func.json_extract(EventRow.data, f"$.{key}")
        if value is None:
            wanted = and_(func.json_type(EventRow.data, f"$.{key}") == "text", field != "")
        elif value is True:
            wanted = func.json_type(EventRow.data, f"$.{key}") == "true"
        else:
            wanted = field == value
        conditions.append(and_(EventRow.type == kind, wanted))
    query = select(EventRow).where(or_(*conditions))
    if not_by is not None:
        query = query.where(EventRow.actor != not_by)
    query = query.order_by(EventRow.local_order.desc()).limit(limit)
    with cache.read() as session:
        return [(row.local_order, event_from_row(row)) for row in session.scalars(query)]


def has_event_before(cache: Cache, event_type: str, moment: datetime) -> bool:
    """Whether any event of `event_type` happened at or before `moment`."""
    query = (
        select(EventRow.id)
        .where(EventRow.type == event_type, EventRow.at_utc_us <= utc_us(moment))
        .limit(1)
    )
    with cache.read() as session:
        return session.scalar(query) is not None


def change_marker(cache: Cache) -> int:
    """Where the cache stands now (the newest event's `local_order`): what
    `tickets_changed_since` counts from. Read it before reading what it guards."""
    with cache.read() as session:
        return int(session.scalar(select(func.max(EventRow.local_order))) or 0)


def tickets_changed_since(cache: Cache, marker: int) -> set[str] | None:
    """Ids of the tickets that got events after `marker`, or None when something every
    ticket row may depend on changed too (an organisation, an employee's name, a
    contract profile): then the whole list must be read again. Devices, swaps, stock,
    depots and locations do not change ticket rows."""
    query = select(EventRow.stream).where(EventRow.local_order > marker).distinct()
    with cache.read() as session:
        streams = session.scalars(query).all()
    changed: set[str] = set()
    for stream in streams:
        kind, _, key = stream.partition(":")
        if kind == "ticket":
            changed.add(key)
        elif kind not in _KINDS_OUTSIDE_TICKET_ROWS:
            return None
    return changed


def streams_written_since(cache: Cache, marker: int) -> set[tuple[str, str]]:
    """(stream, event type) of every event stored after `marker` (`change_marker()`):
    what `halt_desk.changes` tells the screens."""
    query = select(EventRow.stream, EventRow.type).where(EventRow.local_order > marker)
    with cache.read() as session:
        return {(stream, kind) for stream, kind in session.execute(query.distinct())}


# ---------------------------------------------------------------------- tickets


def ticket(cache: Cache, ticket_id: str) -> TicketView | None:
    with cache.read() as session:
        row = session.get(TicketRow, ticket_id)
        return TicketView.from_row(row) if row is not None else None


def tickets_by_id(cache: Cache, ids: Iterable[str]) -> list[TicketView]:
    """The tickets with these ids that exist, oldest report first."""
    found: list[TicketView] = []
    with cache.read() as session:
        for chunk in chunks(sorted(set(ids))):
            query = select(TicketRow).where(TicketRow.id.in_(chunk))
            found += [TicketView.from_row(row) for row in session.scalars(query)]
    return sorted(found, key=lambda t: (t.reported_at, t.id))


def _due_by(due_before: datetime) -> Any:
    """A stored next deadline before `due_before`, or a clock already overdue at the last
    fold (see `tickets`)."""
    return or_(
        TicketRow.next_due_utc_us <= utc_us(due_before),
        TicketRow.overdue.is_not(False),
    )


def open_ticket_ids(cache: Cache, due_before: datetime) -> set[str]:
    """Ids of what `tickets(open_only=True, due_before=...)` returns, without reading
    the rows: the reminders' candidates, asked for every 30 seconds."""
    query = select(TicketRow.id).where(TicketRow.status.in_(OPEN_STATUSES), _due_by(due_before))
    with cache.read() as session:
        return set(session.scalars(query))


def tickets(
    cache: Cache, open_only: bool = False, due_before: datetime | None = None
) -> list[TicketView]:
    """All tickets (or the open and waiting ones), oldest report first.

    `due_before` keeps only the tickets that may need attention by then: a stored next
    deadline (snapshot of the last fold) before that moment, or a clock already overdue
    at the last fold. Deadlines only move when an event folds the ticket again, so
    this narrows tens of thousands of tickets to the few worth a live evaluation."""
    query = select(TicketRow).order_by(TicketRow.reported_at_utc_us, TicketRow.id)
    if open_only:
        query = query.where(TicketRow.status.in_(OPEN_STATUSES))
    if due_before is not None:
        query = query.where(_due_by(due_before))
    with cache.read() as session:
        return [TicketView.from_row(row) for row in session.scalars(query)]


def ticket_list(cache: Cache, ids: Iterable[str] | None = None) -> list[TicketListEntry]:
    """Every ticket (or the ones with these ids) as a `TicketListEntry`, oldest report
    first: plain SQL on the driver's connection, inside one read transaction."""
    with cache.read() as session:
        connection = session.connection().connection.driver_connection
        assert isinstance(connection, sqlite3.Connection)
        return list_rows(connection, ids)


# ---------------------------------------------------------------------- devices


def device(cache: Cache, asset_tag: str) -> DeviceView | None:
    with cache.read() as session:
        row = session.get(DeviceRow, asset_tag)
        return DeviceView.from_row(row) if row is not None else None


def devices(cache: Cache, depot: str | None = None) -> list[DeviceView]:
    query = select(DeviceRow).order_by(DeviceRow.asset_tag)
    if depot is not None:
        query = query.where(DeviceRow.depot == depot)
    with cache.read() as session:
        return [DeviceView.from_row(row) for row in session.scalars(query)]


def device_by_serial(cache: Cache, serial: str) -> DeviceView | None:
    """The device with this serial number (case-insensitive), or None."""
    with cache.read() as session:
        row = session.scalars(
            select(DeviceRow).where(func.upper(DeviceRow.serial) == serial.upper()).limit(1)
        ).first()
        return DeviceView.from_row(row) if row is not None else None


# ---------------------------------------------------------------------- reference data


def organisation_profile(cache: Cache, org_id: str) -> str:
    """The contract profile name of an organisation; UnknownStream if it is not known."""
    with cache.read() as session:
        profile = session.scalar(select(Organisation.profile).where(Organisation.id == org_id))
    if profile is None:
        raise UnknownStream(f"org:{org_id}", "organisation is not known")
    return profile


def profile(cache: Cache, name: str) -> Profile:
    """The contract profile `name` as this cache knows it: published through the changes
    feed, else built in."""
    with cache.read() as session:
        return published_profile(session, name)


def caller_contract(cache: Cache, employee_id: str) -> tuple[dict[str, Any], Profile] | None:
    """All fields of the employee `employee_id` and the contract profile of its
    organisation, in one read (the intake's look-ups); None if the employee is not known,
    UnknownStream if its organisation is not."""
    with cache.read() as session:
        row = session.get(Employee, employee_id)
        if row is None:
            return None
        fields: dict[str, Any] = json.loads(row.fields)
        org = str(fields.get("org") or "")
        name = session.scalar(select(Organisation.profile).where(Organisation.id == org))
        if name is None:
            raise UnknownStream(f"org:{org}", "organisation is not known")
        return fields, published_profile(session, name)


def employees(cache: Cache) -> list[dict[str, Any]]:
    """The employee directory (id, name, org, email, phone, team, location, role), by
    name: small enough to hold in memory for the caller lookup."""
    query = select(
        Employee.id,
        Employee.name,
        Employee.org,
        Employee.email,
        Employee.phone,
        Employee.team,
        Employee.location,
        Employee.role,
    ).order_by(Employee.name, Employee.id)
    with cache.read() as session:
        return [dict(row._mapping) for row in session.execute(query)]


def references(cache: Cache, kind: str) -> dict[str, dict[str, Any]]:
    """Every reference record of one kind (`org`, `employee`, `location`, `depot`):
    id → all its fields."""
    model = REFERENCE_MODELS.get(kind)
    if model is None:
        raise ValueError(f"{kind!r} is not a kind of reference record")
    with cache.read() as session:
        return {row.id: json.loads(row.fields) for row in session.scalars(select(model))}


def reference(cache: Cache, stream: str) -> dict[str, Any] | None:
    """All fields of a reference record (`org:<id>`, `employee:<id>`, …), or None."""
    kind, _, key = stream.partition(":")
    model = REFERENCE_MODELS.get(kind)
    if model is None:
        raise ValueError(f"{stream!r} is not a reference stream")
    with cache.read() as session:
        row = session.get(model, key)
        if row is None:
            return None
        fields: dict[str, Any] = json.loads(row.fields)
        return fields
