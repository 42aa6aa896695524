"""Recording this user's events: `record_event()` (and its variants) stores an event, its
outbox row and the projections it changes in one write transaction."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from halt_desk.domain.events import Event
from halt_desk.domain.limits import check_input_limits
from halt_desk.store.cache import Cache, RecordingClock
from halt_desk.store.conflicts import settle_conflicts
from halt_desk.store.eventlog import fold, insert_events, stamped, validated
from halt_desk.store.number_blocks import numbered

log = logging.getLogger(__name__)


def _checked(event: Event) -> Event:
    """A local event as the wire would carry it, refused (DeskInputError) over a limit of
    the one table (domain.limits), as central would refuse it after a sync."""
    event = validated(event)
    check_input_limits(event.data)
    return event


def record_event(cache: Cache, event: Event) -> bool:
    """Stores a local event with its outbox row and updates its projection, atomically.

    True if the event is new; False if the same id with the same content was stored
    before (nothing changes). Raises EventConflict if the id is stored with other
    content, InvalidEvent for a malformed event, UnknownStream / InvalidTimeline if the
    projection cannot take it; then nothing of it is stored.
    """
    event = _checked(event)
    with cache.write() as session:
        if not insert_events(session, [event], origin="local"):
            log.debug("event %s was already stored", event.id)
            return False
        fold(cache, session, {event.stream}, frozenset({event.id}))
        settle_conflicts(session, [event])
    log.debug("recorded event %s (%s on a %s stream)", event.id, event.type, event.stream_kind)
    return True


def record_events(cache: Cache, events: Iterable[Event], *, bulk: bool = False) -> int:
    """Records local events; returns how many were new.

    Default: one transaction per event, as `record_event`. `bulk=True`: all in one
    transaction (for loading demo data fast); any failure then stores none of them.
    """
    if not bulk:
        return sum(record_event(cache, event) for event in events)
    batch = [_checked(event) for event in events]
    with cache.write() as session:
        new = insert_events(session, batch, origin="local")
        fold(cache, session, {event.stream for event in new}, frozenset(e.id for e in new))
        settle_conflicts(session, new)
    log.info("recorded %d new of %d events in one transaction", len(new), len(batch))
    return len(new)


def record_ticket(cache: Cache, events: Sequence[Event]) -> str:
    """Records a new ticket's events (its `ticket_reported` first, under a provisional id)
    in one transaction, on the next number of its organisation's series when this desk
    holds one (number_blocks.py); returns the ticket's id. Nothing of it is stored, and no
    number taken, if any event is refused."""
    batch = [_checked(event) for event in events]
    with cache.write() as session:
        batch = numbered(session, batch)
        new = insert_events(session, batch, origin="local")
        fold(cache, session, {event.stream for event in new}, frozenset(e.id for e in new))
        settle_conflicts(session, new)
    ticket = batch[0].stream_key
    log.debug("recorded a new ticket with %d event(s)", len(batch))
    return ticket


def record(
    cache: Cache,
    stream: str,
    event_type: str,
    actor: str,
    data: Mapping[str, Any] | None = None,
    *,
    clock: RecordingClock | None = None,
) -> Event:
    """Records a new event of this user now, stamped for sync; returns it.

    `at` is the device time plus the last known offset to central's clock, so SLA clocks
    run on central's time; `data` keeps what the user saw (`device_at`), that offset
    (`clock_offset_ms`) and the sync cursor at this moment (`base_seq`: every central
    event up to it had been seen, which tells a concurrent edit from an informed one).
    Nothing of it is rewritten later, so a re-sent event has the same content.
    """
    with cache.write() as session:
        event = stamped(cache, session, stream, event_type, actor, data, clock)
        check_input_limits(event.data)
        insert_events(session, [event], origin="local")
        fold(cache, session, {event.stream}, frozenset({event.id}))
        settle_conflicts(session, [event])
    log.debug("recorded event %s (%s on a %s stream)", event.id, event.type, event.stream_kind)
    return event


def stamped_event(
    cache: Cache,
    stream: str,
    event_type: str,
    actor: str,
    data: Mapping[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> Event:
    """A new event of this user, stamped for sync exactly as `record` stamps it, but not
    stored: for an action that records several events in one transaction
    (`record_events(..., bulk=True)`). `at`, when given, is the moment on central's time
    (the app's clock); the device time is then `at` minus the known offset."""
    with cache.read() as session:
        return stamped(cache, session, stream, event_type, actor, data, None, at)
