"""What the central's writer knows of its streams between transactions, kept per process.

Reading a ticket's row and whole history from the database (and parsing every stored
event again) for each push cost more than checking the push. Events are append-only and
every change to a ticket, device, swap, organisation or other reference record comes with
an accepted event, which takes the next `seq`. So what this process read or wrote at
`seq` N is still true while the sequence counter stands at N; when it stands higher,
another process (a second server or worker, the CLI) wrote in between, and exactly the
streams of the events after N have changed.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Final

from sqlalchemy import BigInteger, Select, bindparam, distinct, func, select

from halt_desk.central.schema import events
from halt_desk.domain.devices import DeviceFold
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import Profile


class Missing:
    """The answer for a key the cache does not hold (`None` is a cached answer: no such
    ticket, device, record or organisation)."""


MISSING: Final = Missing()

#: A gap of more events than this since the cache's counter is cheaper to forget than to
#: look through.
CATCH_UP_LIMIT = 5_000


@functools.cache
def changes_after(postgresql: bool) -> Select[Any]:
    """The streams of the events after `after`, up to CATCH_UP_LIMIT + 1 of them: what
    `catch_up` forgets. One row, a JSON array of the distinct streams (NULL for none):
    a second process reads every event the other one recorded, and a row per event cost
    it more than the events' checks. The upper bound is whatever is committed when it
    runs; under the write lock that is the counter just read. Written as a closed range
    of `seq` (which has no gaps), so that PostgreSQL reads the primary key's index even
    before it has statistics of a fast-growing table (`seq > N` alone was read with a
    scan of the whole table, on every group commit)."""
    aggregate = func.json_agg if postgresql else func.json_group_array
    return select(aggregate(distinct(events.c.stream)).label("streams")).where(
        events.c.seq > bindparam("after", type_=BigInteger()),
        events.c.seq <= bindparam("after", type_=BigInteger()) + (CATCH_UP_LIMIT + 1),
    )


def changed_streams(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The streams in the answer of `changes_after` (PostgreSQL's driver has read the
    JSON already; SQLite's answer is its text)."""
    value = rows[0]["streams"] if rows else None
    if value is None:
        return []
    return [str(stream) for stream in (json.loads(value) if isinstance(value, str) else value)]


class StreamCache:
    """Ticket and swap rows, ticket and swap histories, device folds, reference records and
    organisations' profiles as the last transaction of this process left them.

    Only this process's writer, one at a time (`CentralDatabase.local_writer_lock`), uses
    the cache, so it needs no lock of its own. Values handed out are never changed in
    place: a caller that changes a ticket row copies it first, histories are tuples.
    """

    #: Past this many entries in one table the cache starts again empty: a bound on memory
    #: (a busy desk has a few thousand open tickets) that costs a re-read, never a wrong
    #: answer.
    MAX_ENTRIES = 50_000

    def __init__(self) -> None:
        #: The sequence counter the cached values hold for; None: nothing is cached.
        self.seq: int | None = None
        self.tickets: dict[str, dict[str, Any] | None] = {}
        self.histories: dict[str, tuple[Event, ...]] = {}
        self.org_profiles: dict[str, str | None] = {}
        self.devices: dict[str, DeviceFold | None] = {}
        #: Rows of the swaps projection by swap id (None: no such swap).
        self.swaps: dict[str, dict[str, Any] | None] = {}
        self.references: dict[str, dict[str, Any] | None] = {}
        #: Resolved contract profiles by name and published TOML (None: the built-in one):
        #: a pure function of those two, valid whatever changes later.
        self.profiles: dict[tuple[str, str | None], Profile] = {}

    def clear(self) -> None:
        self.seq = None
        for table in self._tables():
            table.clear()
        self.profiles.clear()

    def catch_up(self, last_seq: int, changed: Collection[str] | None) -> set[str] | None:
        """Makes the cache hold for `last_seq`, a counter read from the database, given
        `changed`, the streams `changes_after` the cache's own counter gave, read after
        the counter (None: not read): forgets the streams of the events other processes
        recorded since. Returns those streams; None when it forgot everything."""
        if self.seq == last_seq:
            return set()
        if (
            self.seq is None
            or last_seq < self.seq  # a database that went back (restored)
            or changed is None
            or last_seq - self.seq > CATCH_UP_LIMIT  # a long gap (`seq` has none)
        ):
            self.clear()
            self.seq = last_seq
            return None
        streams = set(changed)
        for stream in streams:
            self._forget(stream)
        self.seq = last_seq
        return streams

    def publish(
        self,
        start_seq: int,
        end_seq: int,
        tickets: Mapping[str, dict[str, Any] | None],
        histories: Mapping[str, list[Event]],
        org_profiles: Mapping[str, str | None],
        devices: Mapping[str, DeviceFold | None],
        references: Mapping[str, dict[str, Any] | None],
        swaps: Mapping[str, dict[str, Any] | None] | None = None,
    ) -> None:
        """Takes over what a committed transaction that began at `start_seq` read and left
        behind at `end_seq`. The caller hands over its ticket rows: it must not change
        them any more."""
        if self.seq != start_seq:  # not begun with catch_up: what it read may be stale
            self.clear()
            return
        if any(len(table) > self.MAX_ENTRIES for table in self._tables()):
            self.clear()
        self.tickets.update(tickets)
        self.histories.update((stream, tuple(history)) for stream, history in histories.items())
        self.org_profiles.update(org_profiles)
        self.devices.update(devices)
        self.references.update(references)
        self.swaps.update(swaps or {})
        if len(self.profiles) > self.MAX_ENTRIES:
            self.profiles.clear()
        self.seq = end_seq

    def _tables(self) -> tuple[dict[str, Any], ...]:
        return (
            self.tickets,
            self.histories,
            self.org_profiles,
            self.devices,
            self.references,
            self.swaps,
        )

    def _forget(self, stream: str) -> None:
        kind, _, key = stream.partition(":")
        self.histories.pop(stream, None)
        self.references.pop(stream, None)
        if kind == "ticket":
            self.tickets.pop(key, None)
        elif kind == "device":
            self.devices.pop(key, None)
        elif kind == "org":
            self.org_profiles.pop(key, None)
        elif kind == "swap":
            self.swaps.pop(key, None)
