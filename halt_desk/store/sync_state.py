"""What this cache knows of its sync with central, besides the events: the pull cursor
(highest `seq` pulled) and the last measured offset of central's clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update

from halt_desk.domain.errors import InvalidEvent
from halt_desk.store.cache import Cache
from halt_desk.store.eventlog import sync_cursor
from halt_desk.store.models import SyncCursor


@dataclass(frozen=True, slots=True)
class ClockOffset:
    """The last measured offset of central's clock from this machine's (central − device)."""

    offset: timedelta
    measured_at: datetime


def last_pulled_seq(cache: Cache) -> int:
    """The highest central `seq` pulled so far (0 before the first pull)."""
    with cache.read() as session:
        return sync_cursor(session)


def clock_offset(cache: Cache) -> ClockOffset | None:
    """The last measured offset to central's clock, or None before the first contact."""
    with cache.read() as session:
        row = session.get(SyncCursor, 1)
        if row is None or row.clock_offset_ms is None or row.clock_measured_at is None:
            return None
        return ClockOffset(
            timedelta(milliseconds=row.clock_offset_ms),
            datetime.fromisoformat(row.clock_measured_at),
        )


def save_clock_offset(cache: Cache, offset: timedelta, measured_at: datetime) -> None:
    """Keeps the offset measured at a contact with central (survives restarts)."""
    if measured_at.tzinfo is None:
        raise InvalidEvent(None, "measured_at", "a time without UTC offset")
    with cache.write(repeatable=True) as session:  # measured again at the next contact
        session.execute(
            update(SyncCursor)
            .where(SyncCursor.id == 1)
            .values(
                clock_offset_ms=round(offset / timedelta(milliseconds=1)),
                clock_measured_at=measured_at.isoformat(),
            )
        )
