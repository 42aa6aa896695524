"""Sync conflicts: concurrent edits of one ticket field found while pulling, the list of
them, a person's resolution, and settling them when a `conflict_resolved` event arrives."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.orm import Session

from halt_desk.domain.conflicts import STATUS_FIELD, conflict_field, field_value
from halt_desk.domain.events import Event
from halt_desk.store.cache import Cache, RecordingClock
from halt_desk.store.errors import UnknownConflict
from halt_desk.store.eventlog import STAMP_FIELDS, chunks, fold, insert_events, stamped, utc_now
from halt_desk.store.models import ConflictRow, EventRow, OutboxRow
from halt_desk.store.projections import REFUSED, event_from_row, fold_events

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ConflictView:
    """Two concurrent edits of one field of a ticket: ours and another client's."""

    id: str
    ticket: str
    field: str
    local_event: Event
    remote_event: Event
    status: str  # open | resolved
    detected_at: datetime
    resolved_by: str | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def detect_conflicts(session: Session, remote: Sequence[Event], seqs: Mapping[str, int]) -> None:
    """Conflict records for each new remote ticket event that edits a field one of our
    events edited concurrently: neither had seen the other when it was recorded."""
    candidates = [e for e in remote if e.stream_kind == "ticket"]
    if not candidates:
        return
    ours = _our_concurrent_candidates(session, sorted({e.stream for e in candidates}))
    if not ours:
        return
    now = utc_now().isoformat()
    found: list[dict[str, Any]] = []
    for theirs in candidates:
        seq = seqs[theirs.id]
        base = theirs.data.get("base_seq")
        # Without a base (another kind of client) it is taken to have seen all before it.
        their_base = base if isinstance(base, int) and not isinstance(base, bool) else seq - 1
        for mine, my_base, my_seq in ours.get(theirs.stream, ()):
            saw_theirs = my_base >= seq
            they_saw_mine = my_seq is not None and my_seq <= their_base
            if saw_theirs or they_saw_mine:
                continue
            field = conflict_field(mine, theirs)
            if field is None:
                continue
            found.append(
                {
                    "id": str(uuid.uuid4()),
                    "ticket": theirs.stream_key,
                    "field": field,
                    "local_event_id": mine.id,
                    "remote_event_id": theirs.id,
                    "status": "open",
                    "detected_at": now,
                }
            )
    if found:
        session.execute(insert(ConflictRow).prefix_with("OR IGNORE"), found)
        log.info("%d sync conflict(s) found", len(found))


def _our_concurrent_candidates(
    session: Session, streams: Sequence[str]
) -> dict[str, list[tuple[Event, int, int | None]]]:
    """Per stream, our stamped events that take part in the folds, in recording order,
    each with its `base_seq` and central `seq` (None while unsent)."""
    ours: dict[str, list[tuple[Event, int, int | None]]] = {}
    for chunk in chunks(streams):
        rows = session.scalars(
            select(EventRow)
            .outerjoin(OutboxRow, OutboxRow.event_id == EventRow.id)
            .where(
                EventRow.stream.in_(chunk),
                EventRow.origin == "local",
                EventRow.base_seq.is_not(None),
                or_(OutboxRow.event_id.is_(None), OutboxRow.status.not_in(REFUSED)),
            )
            .order_by(EventRow.local_order)
        )
        for row in rows:
            assert row.base_seq is not None
            ours.setdefault(row.stream, []).append((event_from_row(row), row.base_seq, row.seq))
    return ours


def settle_conflicts(session: Session, events: Sequence[Event]) -> None:
    """Marks the conflicts that `conflict_resolved` events settle (by their event pair,
    so a resolution recorded on another client settles ours too)."""
    for event in events:
        if event.type != "conflict_resolved":
            continue
        pair = event.data.get("events")
        if not isinstance(pair, list) or len(pair) != 2:
            continue
        first, second = (str(item) for item in pair)
        session.execute(
            update(ConflictRow)
            .where(
                or_(
                    and_(
                        ConflictRow.local_event_id == first,
                        ConflictRow.remote_event_id == second,
                    ),
                    and_(
                        ConflictRow.local_event_id == second,
                        ConflictRow.remote_event_id == first,
                    ),
                ),
                ConflictRow.status == "open",
            )
            .values(status="resolved", resolved_by=event.id)
        )


def conflicts(cache: Cache, open_only: bool = False) -> list[ConflictView]:
    """Concurrent edits found while pulling, oldest first."""
    query = select(ConflictRow).order_by(ConflictRow.detected_at, ConflictRow.id)
    if open_only:
        query = query.where(ConflictRow.status == "open")
    with cache.read() as session:
        rows = list(session.scalars(query))
        ids = {row.local_event_id for row in rows} | {row.remote_event_id for row in rows}
        events = {event.id: event for event in _events_by_id(session, sorted(ids))}
        return [
            ConflictView(
                id=row.id,
                ticket=row.ticket,
                field=row.field,
                local_event=events[row.local_event_id],
                remote_event=events[row.remote_event_id],
                status=row.status,
                detected_at=datetime.fromisoformat(row.detected_at),
                resolved_by=row.resolved_by,
            )
            for row in rows
        ]


def _events_by_id(session: Session, ids: Sequence[str]) -> list[Event]:
    found: list[Event] = []
    for chunk in chunks(ids):
        found += [
            event_from_row(row)
            for row in session.scalars(select(EventRow).where(EventRow.id.in_(chunk)))
        ]
    return found


def resolve_conflict(
    cache: Cache,
    conflict_id: str,
    chosen_event_id: str,
    actor: str,
    *,
    clock: RecordingClock | None = None,
) -> list[Event]:
    """Records a person's choice on a conflict: a `conflict_resolved` event naming both
    events, the field and the chosen value, plus, if the ticket does not show that value
    now, the event that sets it (`assigned`, `priority_changed`, `uplift_decided`). All
    in one transaction; returns the events recorded. Raises UnknownConflict."""
    with cache.write() as session:
        row = session.get(ConflictRow, conflict_id)
        if row is None:
            raise UnknownConflict(conflict_id, "no such conflict")
        if row.status != "open":
            raise UnknownConflict(conflict_id, f"already resolved by event {row.resolved_by}")
        if chosen_event_id not in (row.local_event_id, row.remote_event_id):
            raise UnknownConflict(
                conflict_id, f"chosen event {chosen_event_id} is not one of its two events"
            )
        chosen = _events_by_id(session, [chosen_event_id])[0]
        value = field_value(chosen)
        stream = chosen.stream
        resolution = stamped(
            cache,
            session,
            stream,
            "conflict_resolved",
            actor,
            {
                "conflict": conflict_id,
                "events": sorted([row.local_event_id, row.remote_event_id]),
                "field": row.field,
                "value": value,
                "chosen_event": chosen_event_id,
            },
            clock,
        )
        recorded = [resolution]
        current = [
            event
            for event in fold_events(session, [stream])[stream]
            if row.field != STATUS_FIELD and event.type == chosen.type
        ]
        if row.field != STATUS_FIELD and (not current or field_value(current[-1]) != value):
            keep = {k: v for k, v in chosen.data.items() if k not in STAMP_FIELDS}
            recorded.append(stamped(cache, session, stream, chosen.type, actor, keep, clock))
        insert_events(session, recorded, origin="local")
        fold(cache, session, {stream}, frozenset(event.id for event in recorded))
        settle_conflicts(session, recorded)
    log.info("conflict %s resolved (%s)", conflict_id, row.field)
    return recorded
