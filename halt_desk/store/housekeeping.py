"""Housekeeping of the cache: folding tickets again (clocks evaluated anew, state added by a
migration) and purging personal data past its retention from stored events."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from sqlalchemy import delete, select

from halt_desk.domain.personal import purged
from halt_desk.store.cache import Cache
from halt_desk.store.eventlog import chunks, fold
from halt_desk.store.models import EventRow, OutboxRow, RefoldRow, TicketRow
from halt_desk.store.queries import OPEN_STATUSES

log = logging.getLogger(__name__)


def fold_unknown_overdue(cache: Cache) -> int:
    """Folds again the open tickets folded before `overdue` was kept (schema 0004), once:
    until then reminders would have to evaluate every one of them. Returns how many."""
    unknown = select(TicketRow.id).where(
        TicketRow.overdue.is_(None), TicketRow.status.in_(OPEN_STATUSES)
    )
    with cache.read() as session:
        if session.scalar(unknown.limit(1)) is None:
            return 0
    with cache.write() as session:
        ids = list(session.scalars(unknown))
        fold(cache, session, {f"ticket:{ticket_id}" for ticket_id in ids})
    log.info("folded %d open tickets again for their overdue state", len(ids))
    return len(ids)


def fold_pending(cache: Cache) -> int:
    """Folds again, once, the streams a migration named in `refold_pending` (schema 0008:
    change tickets folded with an incident's clocks), and forgets them in the same
    transaction. Returns how many; a cache with none pays one look at the empty table."""
    with cache.read() as session:
        if session.scalar(select(RefoldRow.stream).limit(1)) is None:
            return 0
    with cache.write() as session:
        streams = set(session.scalars(select(RefoldRow.stream)))
        fold(cache, session, streams)
        session.execute(delete(RefoldRow))
    log.info("folded %d stream(s) again after a schema upgrade", len(streams))
    return len(streams)


def refresh_tickets(cache: Cache) -> int:
    """Evaluates the clocks of every open ticket again at the current time (the stored
    `next_due`, `status` and `within_norm` are snapshots). Returns the number folded."""
    with cache.write() as session:
        ids = list(session.scalars(select(TicketRow.id).where(TicketRow.status.in_(OPEN_STATUSES))))
        fold(cache, session, {f"ticket:{ticket_id}" for ticket_id in ids})
    return len(ids)


def purge_personal(cache: Cache, event_ids: Iterable[str]) -> int:
    """Removes the personal fields of these events, as their type's schema declares them
    (domain/personal.py: on a closed type every undeclared field too, nested paths
    included), and marks them `purged` with the paths taken out (personal data past its
    retention, DESIGN §2.6); returns how many changed. Events still waiting in the outbox
    are left alone (central must get them whole first). The only rewrite of stored events
    besides `seq`; the projections are folded again."""
    unique = list(dict.fromkeys(event_ids))
    changed = 0
    with cache.write() as session:
        streams: set[str] = set()
        for chunk in chunks(unique):
            rows = session.scalars(
                select(EventRow)
                .outerjoin(OutboxRow, OutboxRow.event_id == EventRow.id)
                .where(EventRow.id.in_(chunk), OutboxRow.event_id.is_(None))
            )
            for row in rows:
                kept = purged(row.type, json.loads(row.data))
                if kept is None:
                    continue
                row.data = json.dumps(kept, sort_keys=True, ensure_ascii=False)
                streams.add(row.stream)
                changed += 1
        session.flush()
        fold(cache, session, streams)
    if changed:
        log.info("purged personal data from %d event(s)", changed)
    return changed
