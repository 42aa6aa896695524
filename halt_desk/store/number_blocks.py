"""Ticket numbers on this desk: the blocks of each organisation's series central reserved
for it, and the next number taken from them in the transaction that records the ticket.

A number is taken in the same write transaction as the `ticket_reported` event and its
outbox row, so it is taken exactly when the ticket exists: never twice, never lost to a
ticket that was not recorded. Blocks are used oldest first; a block of another year than
the ticket's is never used (its series is of that year).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import Event
from halt_desk.domain.ticket_numbers import series_id, series_year
from halt_desk.store.cache import Cache
from halt_desk.store.models import NumberBlockRow


@dataclass(frozen=True, slots=True)
class NumbersLeft:
    """How many numbers of one series this desk still holds."""

    org: str
    year: int
    left: int


def add_block(cache: Cache, org: str, year: int, first: int, last: int) -> None:
    """Keeps a block central reserved for this desk (numbers `first` … `last`), and drops
    the blocks that are used up."""
    if not 1 <= first <= last:
        raise ValueError(f"a block of numbers {first}…{last}")
    with cache.write() as session:
        # Used-up blocks tell nothing any more (the tickets carry their numbers).
        session.execute(delete(NumberBlockRow).where(NumberBlockRow.next > NumberBlockRow.last))
        session.execute(
            insert(NumberBlockRow).values(
                org=org,
                year=year,
                first=first,
                last=last,
                next=first,
                reserved_at=datetime.now(UTC).isoformat(),
            )
        )


def numbers_left(cache: Cache) -> list[NumbersLeft]:
    """The numbers still free per series this desk holds blocks of (0 when used up)."""
    left = func.sum(NumberBlockRow.last + 1 - NumberBlockRow.next)
    query = (
        select(NumberBlockRow.org, NumberBlockRow.year, left)
        .group_by(NumberBlockRow.org, NumberBlockRow.year)
        .order_by(NumberBlockRow.org, NumberBlockRow.year)
    )
    with cache.read() as session:
        return [NumbersLeft(org, year, int(n or 0)) for org, year, n in session.execute(query)]


def held(cache: Cache) -> list[tuple[str, int, int]]:
    """(org, year, last) per series: the highest number this desk holds in a block, used
    or not. Central moves its series past them (after a restore it may not know them)."""
    query = select(NumberBlockRow.org, NumberBlockRow.year, func.max(NumberBlockRow.last))
    query = query.group_by(NumberBlockRow.org, NumberBlockRow.year)
    with cache.read() as session:
        return [(org, int(year), int(last)) for org, year, last in session.execute(query)]


#: Takes the next free number of a series, oldest block first: one statement, plain SQL
#: (asked in the transaction of every new ticket).
_TAKE = (
    "UPDATE number_blocks SET next = next + 1 WHERE id = ("
    "SELECT id FROM number_blocks WHERE org = ? AND year = ? AND next <= last "
    "ORDER BY first LIMIT 1) RETURNING next - 1"
)


def take_number(session: Session, org: str, year: int) -> int | None:
    """Takes the next free number of the series of `org` in `year`, in the caller's write
    transaction; None when this desk holds none."""
    taken = session.connection().exec_driver_sql(_TAKE, (org, year)).scalar()
    return int(taken) if taken is not None else None


def numbered(session: Session, events: Sequence[Event]) -> list[Event]:
    """`events` of a new ticket (its `ticket_reported` first, under a provisional id) on
    the ticket's number in its series when this desk holds one, else as they are."""
    report = events[0]
    org = report.data.get("org")
    if report.type != "ticket_reported" or not isinstance(org, str):
        raise InvalidEvent(report.id, "type", "a new ticket begins with its ticket_reported")
    year = series_year(report.at)
    number = take_number(session, org, year)
    if number is None:
        return list(events)
    stream = f"ticket:{series_id(org, year, number)}"
    return [
        dataclasses.replace(event, stream=stream) if event.stream == report.stream else event
        for event in events
    ]
