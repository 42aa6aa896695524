"""The outbox: this user's events waiting for central, the answers of a push (confirmed,
rejected), and what a person does with a refused event (dismiss it, send it again)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from halt_desk import i18n
from halt_desk.domain.events import Event
from halt_desk.store.cache import Cache
from halt_desk.store.errors import HistoryConflict, UnknownStream
from halt_desk.store.eventlog import chunks, fold, insert_events, stamped, utc_now
from halt_desk.store.models import EventRow, OutboxRow
from halt_desk.store.projections import event_from_row

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RejectedEvent:
    """An event recorded here that central refused, with central's reason."""

    event: Event
    reason: str
    rejected_at: datetime


def pending_outbox(cache: Cache, limit: int = 100) -> list[Event]:
    """Up to `limit` events central has not confirmed (nor rejected), oldest first."""
    columns = (EventRow.id, EventRow.stream, EventRow.type, EventRow.at, EventRow.actor)
    with cache.read() as session:
        # Plain rows, no ORM objects: a push reads the outbox in large batches.
        rows = session.execute(
            select(*columns, EventRow.data)
            .join(OutboxRow, OutboxRow.event_id == EventRow.id)
            .where(OutboxRow.status == "pending")
            .order_by(EventRow.local_order)
            .limit(limit)
        )
        return [
            Event(
                id=row.id,
                stream=row.stream,
                type=row.type,
                at=datetime.fromisoformat(row.at),
                actor=row.actor,
                data=json.loads(row.data),
            )
            for row in rows
        ]


def apply_push_results(
    cache: Cache, confirmed: Iterable[str] | Mapping[str, int | None], rejected: Mapping[str, str]
) -> int:
    """One push's answers, in one transaction: `confirmed` events (accepted or duplicate;
    with their seq if a mapping) leave the outbox; `rejected` ones (id → central's
    reason) stay, marked rejected, and are left out of the projections. Returns the
    number of outbox rows removed. A seq another event here holds raises HistoryConflict
    (central was restored from a backup), nothing written."""
    try:
        return _apply_push_results(cache, confirmed, rejected)
    except IntegrityError as exc:
        if "events.seq" not in str(exc.orig):
            raise
        raise HistoryConflict(f"central gave a seq another event here holds ({exc.orig})") from None


def _apply_push_results(
    cache: Cache, confirmed: Iterable[str] | Mapping[str, int | None], rejected: Mapping[str, str]
) -> int:
    seqs = dict(confirmed) if isinstance(confirmed, Mapping) else dict.fromkeys(confirmed)
    removed = 0
    with cache.write() as session:
        for chunk in chunks(list(seqs)):
            result = session.execute(delete(OutboxRow).where(OutboxRow.event_id.in_(chunk)))
            removed += int(getattr(result, "rowcount", 0) or 0)
        with_seq = [
            {"event_id": event_id, "new_seq": seq}
            for event_id, seq in seqs.items()
            if seq is not None
        ]
        if with_seq:
            session.connection().exec_driver_sql(
                "UPDATE events SET seq = :new_seq WHERE id = :event_id AND seq IS NULL",
                with_seq,
            )
        if rejected:
            now = utc_now().isoformat()
            session.connection().exec_driver_sql(
                "UPDATE outbox SET status = 'rejected', reason = :reason, "
                "rejected_at = :now WHERE event_id = :event_id",
                [
                    {"event_id": event_id, "reason": reason, "now": now}
                    for event_id, reason in rejected.items()
                ],
            )
            streams = set(
                session.scalars(select(EventRow.stream).where(EventRow.id.in_(list(rejected))))
            )
            fold(cache, session, streams)
    if rejected:
        log.warning("central rejected %d event(s)", len(rejected))
    return removed


def record_send_failure(cache: Cache, ids: Iterable[str], error: str) -> None:
    """Counts a failed delivery attempt for these outbox rows and keeps the reason."""
    unique = list(dict.fromkeys(ids))
    with cache.write() as session:
        for chunk in chunks(unique):
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.event_id.in_(chunk))
                .values(attempts=OutboxRow.attempts + 1, last_error=error)
            )


def outbox_size(cache: Cache) -> int:
    """Events still to be sent (rejected ones not counted)."""
    with cache.read() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "pending")
            )
            or 0
        )


def rejected_events(cache: Cache) -> list[RejectedEvent]:
    """Our events central refused, oldest first, each with central's reason."""
    with cache.read() as session:
        rows = session.execute(
            select(EventRow, OutboxRow.reason, OutboxRow.rejected_at)
            .join(OutboxRow, OutboxRow.event_id == EventRow.id)
            .where(OutboxRow.status == "rejected")
            .order_by(EventRow.local_order)
        ).all()
        return [
            RejectedEvent(
                event_from_row(row),
                reason or "",
                datetime.fromisoformat(rejected_at) if rejected_at else utc_now(),
            )
            for row, reason, rejected_at in rows
        ]


def _is_dismissal(row: EventRow) -> bool:
    return row.type == "comment" and json.loads(row.data).get("kind") == "refused_event_dismissed"


def dismiss_rejected(cache: Cache, event_id: str, actor: str, note: str = "") -> Event | None:
    """A person saw a refused event and chose not to send it again: it stays stored (and
    out of the folds, as refused), leaves the list of refused events, and the choice is
    recorded on the ticket as a `comment` (kind `refused_event_dismissed`, with central's
    reason) in the same transaction. Returns that comment (None for a non-ticket event,
    or for a refused dismissal itself).
    Raises UnknownStream if `event_id` is not a refused event of this cache."""
    with cache.write() as session:
        row = session.execute(
            select(EventRow, OutboxRow)
            .join(OutboxRow, OutboxRow.event_id == EventRow.id)
            .where(EventRow.id == event_id, OutboxRow.status == "rejected")
        ).first()
        if row is None:
            raise UnknownStream(event_id, "not an event central refused here")
        event_row, outbox_row = row
        outbox_row.status = "dismissed"
        if not event_row.stream.startswith("ticket:") or _is_dismissal(event_row):
            return None  # a refused dismissal is not recorded again: no endless chain
        data = {
            "kind": "refused_event_dismissed",
            "event": event_row.id,
            "event_type": event_row.type,
            "reason": outbox_row.reason or "",
            "text": note.strip() or i18n._("{event} not sent again").format(event=event_row.type),
        }
        comment = stamped(cache, session, event_row.stream, "comment", actor, data, None)
        insert_events(session, [comment], origin="local")
        fold(cache, session, {comment.stream}, frozenset({comment.id}))
    return comment


def send_again(cache: Cache, ids: Iterable[str]) -> int:
    """Puts rejected events back in the outbox (after the cause was fixed); returns how
    many. They take part in the projections again."""
    unique = list(dict.fromkeys(ids))
    with cache.write() as session:
        result = session.execute(
            update(OutboxRow)
            .where(OutboxRow.event_id.in_(unique), OutboxRow.status == "rejected")
            .values(status="pending", reason=None, rejected_at=None)
        )
        streams = set(session.scalars(select(EventRow.stream).where(EventRow.id.in_(unique))))
        fold(cache, session, streams)
    return int(getattr(result, "rowcount", 0) or 0)
