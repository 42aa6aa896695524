"""What one group commit reads and changes: the push path's statements, built once, and
the `Batch` that looks tickets, histories, devices and reference records up once per group.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, delete, insert, select, update

from halt_desk.central import audit
from halt_desk.central.bulk import GroupTransaction, Statement, in_list, is_postgresql
from halt_desk.central.engine import LOCK_SEQ
from halt_desk.central.schema import (
    audit_log,
    devices,
    events,
    organisations,
    reference_records,
    seq_counter,
    swaps,
    tickets,
)
from halt_desk.central.stream_cache import MISSING, Missing, StreamCache
from halt_desk.domain.devices import DeviceFold, DeviceState
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import Profile, resolve_profile

# Statements of the push path, built once (building and cache-keying a statement costs
# more than running it on SQLite).
#: Moves the sequence counter on to the last `seq` a group commit handed out, and the
#: events' chain head on to that event's chain.
SET_SEQ = (
    update(seq_counter)
    .where(seq_counter.c.id == 1)
    .values(value=bindparam("value"), chain_head=bindparam("head"))
)
#: The writes of a group commit (values by parameter name).
_SET_TICKET = {
    name: update(tickets).where(tickets.c.id == bindparam("key")).values({name: bindparam("value")})
    for name in ("assignee", "closed")
}
_ADD_DEVICE = insert(devices).values(
    {name: bindparam(name) for name in ("asset_tag", "state", "swap", "fold", "org")}
)
_SET_DEVICE = (
    update(devices)
    .where(devices.c.asset_tag == bindparam("tag"))
    .values({name: bindparam(name) for name in ("state", "swap", "fold", "org")})
)
_SWAP_COLUMNS = ("id", "ticket", "org", "engineer", "closed")
_ADD_SWAP = insert(swaps).values({name: bindparam(name) for name in _SWAP_COLUMNS})
_SET_SWAP = (
    update(swaps)
    .where(swaps.c.id == bindparam("key"))
    .values({name: bindparam(name) for name in ("engineer", "closed")})
)
_ADD_REFERENCE = insert(reference_records).values(
    stream=bindparam("stream"), data=bindparam("data")
)
_SET_REFERENCE = (
    update(reference_records)
    .where(reference_records.c.stream == bindparam("key"))
    .values(data=bindparam("data"))
)
_DROP_ORGANISATION = delete(organisations).where(organisations.c.id == bindparam("id"))
_ADD_ORGANISATION = insert(organisations).values(
    {name: bindparam(name) for name in ("id", "name", "profile")}
)
_STORED_ID = select(events.c.id, events.c.seq, events.c.content_hash).where(
    events.c.id == bindparam("id")
)


@dataclass(frozen=True, slots=True)
class _Reads:
    """The reads that begin a group commit, each of the values of its list parameter
    `ids`: stored events by id, tickets by id, ticket histories by stream, device folds."""

    stored_ids: Select[Any]
    tickets: Select[Any]
    histories: Select[Any]
    devices: Select[Any]
    swaps: Select[Any]


@functools.cache
def _reads(postgresql: bool) -> _Reads:
    return _Reads(
        stored_ids=select(events.c.id, events.c.seq, events.c.content_hash).where(
            in_list(events.c.id, "ids", postgresql)
        ),
        tickets=select(tickets).where(in_list(tickets.c.id, "ids", postgresql)),
        histories=select(events)
        .where(in_list(events.c.stream, "ids", postgresql))
        .order_by(events.c.seq),
        devices=select(devices.c.asset_tag, devices.c.fold).where(
            in_list(devices.c.asset_tag, "ids", postgresql)
        ),
        swaps=select(swaps).where(in_list(swaps.c.id, "ids", postgresql)),
    )


_TICKET = select(tickets).where(tickets.c.id == bindparam("id"))
_HISTORY = select(events).where(events.c.stream == bindparam("stream")).order_by(events.c.seq)
_ORG_PROFILE = select(organisations.c.profile).where(organisations.c.id == bindparam("id"))
_DEVICE = select(devices.c.fold).where(devices.c.asset_tag == bindparam("tag"))
_SWAP = select(swaps).where(swaps.c.id == bindparam("id"))
_REFERENCE = select(reference_records.c.data).where(
    reference_records.c.stream == bindparam("stream")
)
#: Most values one IN list gets (SQLite allows 32,766 parameters, PostgreSQL 65,535).
_IN_CHUNK = 500


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield list(values[start : start + _IN_CHUNK])


def _ticket_key(event: Event) -> str | None:
    """The ticket an event needs the row of: its own, or the one a swap is opened for."""
    if event.stream_kind == "ticket":
        return event.stream_key
    if event.type == "swap_opened":
        ticket = event.data.get("ticket")
        return ticket if isinstance(ticket, str) and len(ticket) <= 100 else None
    return None


def event_from_row(row: Mapping[Any, Any]) -> Event:
    return Event(
        id=row["id"],
        stream=row["stream"],
        type=row["type"],
        at=datetime.fromisoformat(row["at"]),
        actor=row["actor"],
        data=json.loads(row["data"]),
    )


def _fold_to_json(fold: DeviceFold) -> str:
    return json.dumps(dataclasses.asdict(fold), sort_keys=True, default=str)


def _fold_from_json(text: str) -> DeviceFold:
    fields = json.loads(text)
    fields["state"] = DeviceState(fields["state"])
    return DeviceFold(**fields)


class Batch:
    """What a group commit has read and changed so far: later events see earlier ones, of
    their own batch and of the batches before it in the group.

    Looks in the process's StreamCache (valid for this transaction: `catch_up` ran under
    the write lock) before the database; what it read or changed goes back into the cache
    once the transaction has committed (`publish_to`).
    """

    def __init__(self, group: GroupTransaction, cache: StreamCache) -> None:
        self.group = group
        self.conn = group.conn
        self.cache = cache
        self._tickets: dict[str, dict[str, Any] | None] = {}
        self._history: dict[str, list[Event]] = {}
        self._profiles: dict[str, str | None] = {}
        self._devices: dict[str, DeviceFold | None] = {}
        self._references: dict[str, dict[str, Any] | None] = {}
        self._swaps: dict[str, dict[str, Any] | None] = {}
        self._known: dict[str, tuple[int, str] | None] = {}  # None: not stored
        self._new_tickets: dict[str, dict[str, Any]] = {}
        #: The audit chain's last hash, read by `open` under the write lock.
        self.audit_head = audit.GENESIS_HASH
        #: The events' chain head (the last event's chain), read by `open` with the counter.
        self.event_head = audit.GENESIS_HASH

    def open(self, batch_events: Sequence[Event]) -> int:
        """Begins the group: takes the write lock, reads the sequence counter and the audit
        chain's head, and reads at once what the events will look up one by one: whether
        their ids are stored, their tickets with the histories of those, and their devices,
        as far as the cache does not hold them. On PostgreSQL all of that is one round trip.
        Returns the counter (the last `seq` handed out).

        What to read is decided before the counter tells whether the cache still holds:
        what is read from the database after the lock is right either way, and what the
        streams of other processes' events make stale is forgotten (`catch_up`) before the
        cache is consulted.
        """
        postgresql = is_postgresql(self.conn)
        reads = _reads(postgresql)
        ids = list(dict.fromkeys(e.id for e in batch_events))
        keys, streams, tags, swap_keys = self._not_cached(batch_events)
        head = audit.head_reads(audit_log, postgresql)
        queries: list[Statement] = [(LOCK_SEQ, {}), *((statement, {}) for statement in head)]
        for statement, values in (
            (reads.stored_ids, ids),
            (reads.tickets, keys),
            (reads.histories, streams),
            (reads.devices, tags),
            (reads.swaps, swap_keys),
        ):
            chunks = [values] if postgresql else list(_chunks(values))
            queries += [(statement, {"ids": chunk}) for chunk in chunks if chunk]
        answers = self.group.read(queries)
        last_seq = int(answers[0][0]["value"])
        self.event_head = str(answers[0][0]["chain_head"])
        self.audit_head = audit.head_hash(answers[len(head)])
        for (asked, _), rows in zip(
            queries[1 + len(head) :], answers[1 + len(head) :], strict=True
        ):
            for row in rows:
                if asked is reads.stored_ids:
                    self._known[row["id"]] = (row["seq"], row["content_hash"])
                elif asked is reads.tickets:
                    self._tickets[row["id"]] = row
                elif asked is reads.histories:
                    self._history.setdefault(row["stream"], []).append(event_from_row(row))
                elif asked is reads.swaps:
                    self._swaps[row["id"]] = row
                else:
                    self._devices[row["asset_tag"]] = _fold_from_json(row["fold"])
        for event_id in ids:
            self._known.setdefault(event_id, None)
        for key in keys:
            self._tickets.setdefault(key, None)
        for stream in streams:
            self._history.setdefault(stream, [])
        for tag in tags:
            self._devices.setdefault(tag, None)
        for key in swap_keys:
            self._swaps.setdefault(key, None)
        self.cache.catch_up(self.conn, last_seq)
        return last_seq

    def _not_cached(
        self, batch_events: Sequence[Event]
    ) -> tuple[list[str], list[str], list[str], list[str]]:
        """What the events will look up that the cache does not hold: ticket rows, ticket
        histories, device folds and swap rows."""
        keys = list(
            dict.fromkeys(
                key
                for key in map(_ticket_key, batch_events)
                if key is not None and key not in self.cache.tickets
            )
        )
        streams = list(
            dict.fromkeys(
                e.stream
                for e in batch_events
                if e.stream_kind == "ticket" and e.stream not in self.cache.histories
            )
        )
        tags = list(
            dict.fromkeys(
                e.stream_key
                for e in batch_events
                if e.stream_kind == "device" and e.stream_key not in self.cache.devices
            )
        )
        swap_keys = list(
            dict.fromkeys(
                e.stream_key
                for e in batch_events
                if e.stream_kind == "swap" and e.stream_key not in self.cache.swaps
            )
        )
        return keys, streams, tags, swap_keys

    def _cached_ticket(self, key: str) -> bool:
        """Takes the row of ticket `key` from the cache into the batch, if it is there."""
        cached = self.cache.tickets.get(key, MISSING)
        if isinstance(cached, Missing):
            return False
        self._tickets[key] = dict(cached) if cached is not None else None  # update_ticket
        return True

    def _cached_history(self, stream: str) -> bool:
        """Takes the history of `stream` from the cache into the batch, if it is there."""
        cached = self.cache.histories.get(stream)
        if cached is None:
            return False
        self._history[stream] = list(cached)
        return True

    def stored_id(self, event_id: str) -> tuple[int, str] | None:
        """Seq and content hash of an id stored before (or accepted earlier in this
        transaction); None for a new id."""
        if event_id not in self._known:
            row = self.conn.execute(_STORED_ID, {"id": event_id}).first()
            self._known[event_id] = (row.seq, row.content_hash) if row is not None else None
        return self._known[event_id]

    def accepted(self, event_id: str, seq: int, content: str) -> None:
        self._known[event_id] = (seq, content)

    def ticket(self, key: str) -> dict[str, Any] | None:
        if key not in self._tickets and not self._cached_ticket(key):
            row = self.conn.execute(_TICKET, {"id": key}).mappings().first()
            self._tickets[key] = dict(row) if row is not None else None
        return self._tickets[key]

    def history(self, stream: str) -> list[Event]:
        if stream not in self._history and not self._cached_history(stream):
            self._history[stream] = [
                event_from_row(row)
                for row in self.conn.execute(_HISTORY, {"stream": stream}).mappings()
            ]
        return self._history[stream]

    def add_ticket(self, key: str, org: str, event: Event) -> None:
        """A new ticket row; inserted by `flush`, with the state the batch leaves it in."""
        ticket = {"id": key, "org": org, "assignee": None, "closed": False}
        self._tickets[key] = self._new_tickets[key] = ticket
        self._history[event.stream] = [event]

    def update_ticket(self, key: str, event: Event, values: Mapping[str, Any]) -> None:
        if values:
            if key not in self._new_tickets:
                for name, value in values.items():
                    self.group.write(_SET_TICKET[name], {"key": key, "value": value})
            ticket = self._tickets[key]
            assert ticket is not None
            ticket.update(values)
        self.history(event.stream).append(event)

    def flush(self) -> None:
        """Writes what the events changed, kept back until all of them were checked so the
        writes go to the database together: the new tickets (as the batch left them), then
        every other change in the order it was made."""
        if self._new_tickets:
            self.group.insert_rows(tickets, list(self._new_tickets.values()))
            self._new_tickets.clear()

    def profile_of(self, org: str) -> str | None:
        if org not in self._profiles:
            cached = self.cache.org_profiles.get(org, MISSING)
            if isinstance(cached, Missing):
                cached = self.conn.execute(_ORG_PROFILE, {"id": org}).scalar_one_or_none()
            self._profiles[org] = cached
        return self._profiles[org]

    def profile(self, name: str) -> Profile:
        """The contract profile `name` as published through the feed, else the built-in one."""
        published = self.reference(f"profile:{name}")
        document = published["toml"] if published is not None else None
        key = (name, document)
        profile = self.cache.profiles.get(key)
        if profile is None:
            profile = self.cache.profiles[key] = resolve_profile(name, document)
        return profile

    def device(self, tag: str) -> DeviceFold | None:
        if tag not in self._devices:
            cached = self.cache.devices.get(tag, MISSING)
            if isinstance(cached, Missing):
                row = self.conn.execute(_DEVICE, {"tag": tag}).first()
                cached = _fold_from_json(row.fold) if row is not None else None
            self._devices[tag] = cached
        return self._devices[tag]

    def put_device(self, tag: str, fold: DeviceFold, new: bool) -> None:
        values = {
            "state": str(fold.state),
            "swap": fold.swap,
            "fold": _fold_to_json(fold),
            "org": fold.org,
        }
        if new:
            self.group.write(_ADD_DEVICE, {"asset_tag": tag, **values})
        else:
            self.group.write(_SET_DEVICE, {"tag": tag, **values})
        self._devices[tag] = fold

    def swap(self, key: str) -> dict[str, Any] | None:
        """The swaps projection's row of swap `key` (treat it as read-only)."""
        if key not in self._swaps:
            cached = self.cache.swaps.get(key, MISSING)
            if isinstance(cached, Missing):
                row = self.conn.execute(_SWAP, {"id": key}).mappings().first()
                cached = dict(row) if row is not None else None
            self._swaps[key] = cached
        return self._swaps[key]

    def put_swap(self, key: str, row: dict[str, Any], new: bool) -> None:
        if new:
            self.group.write(_ADD_SWAP, row)
        else:
            self.group.write(_SET_SWAP, {"key": key, **{n: row[n] for n in ("engineer", "closed")}})
        self._swaps[key] = row

    def reference(self, stream: str) -> dict[str, Any] | None:
        if stream not in self._references:
            cached = self.cache.references.get(stream, MISSING)
            if isinstance(cached, Missing):
                row = self.conn.execute(_REFERENCE, {"stream": stream}).first()
                cached = json.loads(row.data) if row is not None else None
            self._references[stream] = cached
        return self._references[stream]

    def put_reference(self, stream: str, data: dict[str, Any], new: bool) -> None:
        text = json.dumps(data)
        if new:
            self.group.write(_ADD_REFERENCE, {"stream": stream, "data": text})
        else:
            self.group.write(_SET_REFERENCE, {"key": stream, "data": text})
        self._references[stream] = data
        kind, _, key = stream.partition(":")
        if kind == "org":
            self.group.write(_DROP_ORGANISATION, {"id": key})
            row = {"id": key, "name": data.get("name"), "profile": data["profile"]}
            self.group.write(_ADD_ORGANISATION, row)
            self._profiles[key] = data["profile"]

    def publish_to(self, start_seq: int, end_seq: int) -> None:
        """Hands what the committed transaction read and left behind to the cache."""
        self.cache.publish(
            start_seq,
            end_seq,
            self._tickets,
            self._history,
            self._profiles,
            self._devices,
            self._references,
            self._swaps,
        )
