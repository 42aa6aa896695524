"""Ingest of pages pulled from central: the events, their `seq`, our own events leaving the
outbox, the folds, conflicts found and the sync cursor, in one transaction per page."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from halt_desk.domain.events import Event
from halt_desk.store.cache import Cache
from halt_desk.store.conflicts import detect_conflicts, settle_conflicts
from halt_desk.store.errors import HistoryConflict
from halt_desk.store.eventlog import (
    chunks,
    existing_events,
    fold,
    insert_events,
    utc_now,
    validated,
)
from halt_desk.store.history_marks import add_mark
from halt_desk.store.models import EventRow, OutboxRow, SyncCursor

log = logging.getLogger(__name__)


def ingest_remote(
    cache: Cache,
    events_with_seq: Iterable[tuple[int, Event]],
    *,
    parsed: bool = False,
    mark: tuple[int, str] | None = None,
) -> int:
    """Stores events pulled from central as `(seq, event)` pairs, in one transaction.

    No outbox rows; origin 'remote'. An event already here (our own, sent earlier)
    gets its `seq` and leaves the outbox. Projections are folded (central's order),
    edits that were concurrent with one of ours on the same ticket field become
    conflict records, and the sync cursor moves to the highest seq seen, all in the
    same transaction. Returns the number of new events. `parsed=True`: the events were
    just built by `Event.from_json` from central's JSON (no second check needed).
    `mark`: central's hash chain at the page's last seq, kept with it (history_marks.py).
    A seq that another event here holds raises HistoryConflict, nothing written.
    """
    if parsed:
        batch = list(events_with_seq)
    else:
        batch = [(seq, validated(event)) for seq, event in events_with_seq]
    if not batch:
        return 0
    # Repeatable: lost to a power cut, the page and its cursor go together, and the
    # next pull fetches the page again.
    try:
        return _ingest(cache, batch, mark)
    except IntegrityError as exc:
        if "events.seq" not in str(exc.orig):
            raise
        problem = f"a pulled event has a seq another event here holds ({exc.orig})"
        raise HistoryConflict(problem) from None


def _ingest(cache: Cache, batch: list[tuple[int, Event]], mark: tuple[int, str] | None) -> int:
    with cache.write(repeatable=True) as session:
        seqs = {event.id: seq for seq, event in batch}
        events = [event for _, event in batch]
        known = existing_events(session, events)
        # Our own events came back: they get central's seq and leave the outbox.
        connection = session.connection()
        moved = [key for key, (_, seq) in known.items() if seq not in (None, seqs[key])]
        if moved:
            raise HistoryConflict(f"event {moved[0]} came with another seq than it has here")
        with_seq = [{"seq": seqs[key], "id": key} for key, (_, seq) in known.items() if seq is None]
        if with_seq:
            connection.exec_driver_sql("UPDATE events SET seq = :seq WHERE id = :id", with_seq)
        for chunk in chunks(list(known)):
            session.execute(delete(OutboxRow).where(OutboxRow.event_id.in_(chunk)))
        streams = list(dict.fromkeys(event.stream for event in events))
        seen_before = _streams_with_events(session, streams)
        stored = {key: event for key, (event, _) in known.items()}
        new = insert_events(session, events, "remote", seqs, stored)
        # A stream with no event stored before this page folds from the page alone:
        # all of its events are confirmed ones, and the fold order is their seq.
        fresh: dict[str, list[Event]] = {}
        for event in sorted(new, key=lambda e: seqs[e.id]):
            if event.stream not in seen_before:
                fresh.setdefault(event.stream, []).append(event)
        # Known events that get their seq only now (ours whose push answer was lost, or
        # events central lost in a restore and has again) take their place in the fold.
        again = {known[str(item["id"])][0].stream for item in with_seq}
        fold(cache, session, {event.stream for event in new} | again, fresh=fresh)
        detect_conflicts(session, new, seqs)
        settle_conflicts(session, new)
        top = max(seqs.values())
        session.execute(
            update(SyncCursor)
            .where(SyncCursor.id == 1, SyncCursor.last_seq < top)
            .values(last_seq=top, updated_at=utc_now().isoformat())
        )
        if mark is not None:
            add_mark(session, *mark)
    log.info("ingested %d new of %d remote events (up to seq %d)", len(new), len(batch), top)
    return len(new)


def _streams_with_events(session: Session, streams: Sequence[str]) -> set[str]:
    """Those of `streams` that have at least one stored event."""
    found: set[str] = set()
    for chunk in chunks(streams):
        found.update(
            session.scalars(select(EventRow.stream).where(EventRow.stream.in_(chunk)).distinct())
        )
    return found
