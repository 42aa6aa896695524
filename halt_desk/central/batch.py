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
from halt_desk.central.stream_cache import (
    MISSING,
    Missing,
    StreamCache,
    changed_streams,
    changes_after,
)
from halt_desk.domain.devices import OWN_DEVICE_END_STATES, DeviceFold, DeviceState
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


@dataclass(slots=True)
class _Wanted:
    """What a batch's events will look up: their ids, and the tickets, ticket histories,
    devices and swaps the batch and the cache do not hold."""

    ids: list[str]
    keys: list[str]
    streams: list[str]
    tags: list[str]
    swaps: list[str]

    def streams_to_read(self) -> bool:
        return bool(self.keys or self.streams or self.tags or self.swaps)


@dataclass(frozen=True, slots=True)
class _Reads:
    """The reads that begin a group commit, each of the values of its list parameter
    `ids`: stored events by id, tickets by id (rows, or only whether they are stored),
    ticket histories by stream, device folds."""

    stored_ids: Select[Any]
    tickets: Select[Any]
    ticket_ids: Select[Any]
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
        ticket_ids=select(tickets.c.id).where(in_list(tickets.c.id, "ids", postgresql)),
        histories=select(events)
        .where(in_list(events.c.stream, "ids", postgresql))
        .order_by(events.c.seq),
        devices=select(devices.c.asset_tag, devices.c.fold).where(
            in_list(devices.c.asset_tag, "ids", postgresql)
        ),
        swaps=select(swaps).where(in_list(swaps.c.id, "ids", postgresql)),
    )


#: The counter, read without locking it (`Batch.prepare`).
_COUNTER = select(seq_counter.c.value).where(seq_counter.c.id == 1)
_TICKET = select(tickets).where(tickets.c.id == bindparam("id"))
_HISTORY = select(events).where(events.c.stream == bindparam("stream")).order_by(events.c.seq)
_ORG_PROFILE = select(organisations.c.profile).where(organisations.c.id == bindparam("id"))
_DEVICE = select(devices.c.fold).where(devices.c.asset_tag == bindparam("tag"))
_DEVICES_OF_SWAP = select(devices.c.asset_tag, devices.c.fold).where(
    devices.c.swap == bindparam("swap")
)
_SWAP = select(swaps).where(swaps.c.id == bindparam("id"))
_REFERENCE = select(reference_records.c.data).where(
    reference_records.c.stream == bindparam("stream")
)
#: Most values one IN list gets (SQLite allows 32,766 parameters, PostgreSQL 65,535).
_IN_CHUNK = 500


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield list(values[start : start + _IN_CHUNK])


def _in_lists(statement: Select[Any], values: Sequence[str], postgresql: bool) -> list[Statement]:
    """`statement` with its list parameter `ids` for `values`: once on PostgreSQL, in
    chunks elsewhere; nothing for no values."""
    chunks = [list(values)] if postgresql else list(_chunks(values))
    return [(statement, {"ids": chunk}) for chunk in chunks if chunk]


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

    The group is checked before the write lock is taken (`prepare`), against the process's
    StreamCache and what the database holds at the counter `base`; under the lock (`lock`)
    the streams of the events other processes recorded since `base` are compared with
    every stream the check looked at. Only if one of them changed (or an id the check took
    for new was stored meanwhile) is the group checked again, under the lock, by a new
    Batch (`open_locked`). So the lock is held for two round trips, not for the checks.
    Writes are kept back (`writes`) and handed to the locked transaction by `flush`; what
    the batch read or changed goes back into the cache once that has committed
    (`publish_to`).
    """

    def __init__(self, group: GroupTransaction, cache: StreamCache) -> None:
        #: Where look-ups go: outside any transaction while checking ahead of the lock.
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
        #: Tickets `prepare` took for new without reading them.
        self._assumed_new: list[str] = []
        #: The writes of the group (other than the inserts of events and audit rows), in
        #: the order they were made.
        self.writes: list[Statement] = []
        #: The counter the check holds for: its accepted events are numbered from here.
        self.base = 0
        #: The audit chain's last hash, read by `lock` under the write lock.
        self.audit_head = audit.GENESIS_HASH
        #: Whether `lock` found events of other processes since `base`: they take turns.
        self.others_wrote = False
        #: The events' chain head (the last event's chain), read by `lock` with the counter.
        self.event_head = audit.GENESIS_HASH

    def prepare(self, batch_events: Sequence[Event]) -> int:
        """Readies the batch to check `batch_events` without the write lock; returns `base`.

        With everything their streams need in the cache, nothing is read: `base` is the
        cache's counter, and their ids are taken for new (`lock` checks that). Otherwise
        one round trip reads the counter, the streams changed since the cache's counter
        (forgotten: `catch_up`), whether the ids are stored, and what the cache lacks.
        """
        wanted = self._wanted(batch_events)
        # A ticket first seen in this group with its report is taken for new (`lock` checks
        # that it is not stored): the everyday first push of a ticket reads nothing.
        self._assumed_new += self._assume_new(batch_events, wanted)
        wanted = self._unread(wanted)
        if self.cache.seq is not None and not wanted.streams_to_read():
            for event_id in wanted.ids:
                self._known.setdefault(event_id, None)
            self.base = self.cache.seq
            return self.base
        head: list[Statement] = [(_COUNTER, {})]
        if self.cache.seq is not None:
            head.append((changes_after(self.group.postgresql), {"after": self.cache.seq}))
        answers = self._prefetch(head, wanted)
        self.base = int(answers[0][0]["value"])
        self.cache.catch_up(self.base, changed_streams(answers[1]) if len(head) > 1 else None)
        return self.base

    def lock(self, group: GroupTransaction, batch_events: Sequence[Event]) -> tuple[int, bool]:
        """The first round trip of the write transaction `group`: takes the write lock,
        reads the counter with the events' chain head, the audit chain's head, the streams
        of the events recorded since `base`, which of the ids are stored and whether a
        ticket taken for new is. Makes the cache hold for the counter. Returns the counter
        and whether the check made by this batch still holds."""
        postgresql = is_postgresql(group.conn)
        reads = _reads(postgresql)
        head = audit.head_reads(audit_log, postgresql)
        queries: list[Statement] = [(LOCK_SEQ, {}), *((statement, {}) for statement in head)]
        queries.append((changes_after(postgresql), {"after": self.base}))
        ids = list(dict.fromkeys(e.id for e in batch_events))
        queries += _in_lists(reads.stored_ids, ids, postgresql)
        queries += _in_lists(reads.ticket_ids, self._assumed_new, postgresql)
        answers = group.read(queries)
        last_seq = int(answers[0][0]["value"])
        self.event_head = str(answers[0][0]["chain_head"])
        self.audit_head = audit.head_hash(answers[len(head)])
        changed = self.cache.catch_up(last_seq, changed_streams(answers[len(head) + 1]))
        self.others_wrote = changed is None or bool(changed)
        holds = changed is not None and not (changed & self._looked_at())
        checks = len(head) + 2
        for (asked, _), rows in zip(queries[checks:], answers[checks:], strict=True):
            if asked is reads.ticket_ids and rows:
                holds = False  # a ticket taken for new is stored
            for row in rows if asked is reads.stored_ids else ():
                if self._known.get(row["id"]) != (row["seq"], row["content_hash"]):
                    holds = False  # stored since, by another process
        return last_seq, holds

    def open_locked(self, batch_events: Sequence[Event], last_seq: int, locked: Batch) -> None:
        """Readies a new batch to check `batch_events` again inside the locked transaction
        (`locked.lock` ran, the cache holds for `last_seq`): takes the chain heads `locked`
        read and reads what the cache lacks."""
        self.base = last_seq
        self.audit_head = locked.audit_head
        self.event_head = locked.event_head
        self._prefetch([], self._wanted(batch_events))

    def extend_locked(self, group: GroupTransaction, batch_events: Sequence[Event]) -> None:
        """Readies the batch, whose check still holds under the lock (`lock`), to check
        more events inside the locked transaction `group`: look-ups go there from now on,
        and one round trip reads what neither the batch nor the cache holds."""
        self.group = group
        self.conn = group.conn
        wanted = self._unread(self._wanted(batch_events))
        # A ticket they report is taken for new too, as `prepare` does: the tickets'
        # primary key is the check here (see below).
        self._assume_new(batch_events, wanted)
        wanted = self._unread(wanted)
        wanted.ids = [event_id for event_id in wanted.ids if event_id not in self._known]
        if not wanted.streams_to_read():
            # Everything their streams need is at hand: no round trip under the lock, their
            # ids are taken for new. The events' unique id (and a new ticket's primary key)
            # is the check then: one stored already (a client's retry, a report sent to
            # another process too) fails the group's COMMIT, and GroupCommitter then
            # records its batches one by one, each checked before it writes.
            for event_id in wanted.ids:
                self._known[event_id] = None
            return
        self._prefetch([], wanted)

    def _assume_new(self, batch_events: Sequence[Event], wanted: _Wanted) -> list[str]:
        """Takes the tickets of `wanted` that `batch_events` report first for new (no row,
        an empty history) without reading them; returns their keys. A ticket only a
        swap_opened names is looked up, never taken for new."""
        first: dict[str, str] = {}
        for event in batch_events:
            if event.stream_kind == "ticket":
                first.setdefault(event.stream_key, event.type)
        assumed = []
        for key in wanted.keys:
            stream = f"ticket:{key}"
            if first.get(key) == "ticket_reported" and stream in wanted.streams:
                assumed.append(key)
                self._tickets[key] = None
                self._history[stream] = []
        return assumed

    def _wanted(self, batch_events: Sequence[Event]) -> _Wanted:
        """The ids of `batch_events`, and the tickets, ticket histories, devices and swaps
        they will look up that the cache does not hold."""
        ids = list(dict.fromkeys(e.id for e in batch_events))
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
        return _Wanted(
            ids,
            keys,
            streams,
            self._keys(batch_events, "device", self.cache.devices),
            self._keys(batch_events, "swap", self.cache.swaps),
        )

    @staticmethod
    def _keys(batch_events: Sequence[Event], kind: str, cached: Mapping[str, Any]) -> list[str]:
        return list(
            dict.fromkeys(
                e.stream_key
                for e in batch_events
                if e.stream_kind == kind and e.stream_key not in cached
            )
        )

    def _unread(self, wanted: _Wanted) -> _Wanted:
        """`wanted` without what the batch holds already (ids stay)."""
        return _Wanted(
            wanted.ids,
            [key for key in wanted.keys if key not in self._tickets],
            [stream for stream in wanted.streams if stream not in self._history],
            [tag for tag in wanted.tags if tag not in self._devices],
            [key for key in wanted.swaps if key not in self._swaps],
        )

    def _prefetch(self, head: list[Statement], wanted: _Wanted) -> list[list[dict[str, Any]]]:
        """Reads `head` and then, in the same round trip (PostgreSQL), whether the ids are
        stored, the tickets with their histories, devices and swaps `wanted`. Returns the
        answers to `head`; keeps the rest."""
        postgresql = self.group.postgresql
        reads = _reads(postgresql)
        queries = list(head)
        for statement, values in (
            (reads.stored_ids, wanted.ids),
            (reads.tickets, wanted.keys),
            (reads.histories, wanted.streams),
            (reads.devices, wanted.tags),
            (reads.swaps, wanted.swaps),
        ):
            queries += _in_lists(statement, values, postgresql)
        answers = self.group.read(queries) if queries else []
        for (asked, _), rows in zip(queries[len(head) :], answers[len(head) :], strict=True):
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
        for event_id in wanted.ids:
            self._known.setdefault(event_id, None)
        for key in wanted.keys:
            self._tickets.setdefault(key, None)
        for stream in wanted.streams:
            self._history.setdefault(stream, [])
        for tag in wanted.tags:
            self._devices.setdefault(tag, None)
        for key in wanted.swaps:
            self._swaps.setdefault(key, None)
        return answers[: len(head)]

    def _looked_at(self) -> set[str]:
        """Every stream whose state the check read (or took from the cache)."""
        return {
            *(f"ticket:{key}" for key in self._tickets),
            *self._history,
            *(f"device:{tag}" for tag in self._devices),
            *(f"swap:{key}" for key in self._swaps),
            *self._references,
            *(f"org:{org}" for org in self._profiles),
        }

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
                    self.writes.append((_SET_TICKET[name], {"key": key, "value": value}))
            ticket = self._tickets[key]
            assert ticket is not None
            ticket.update(values)
        self.history(event.stream).append(event)

    def flush(self, group: GroupTransaction) -> None:
        """Hands what the events changed to the write transaction `group`, kept back until
        all of them were checked so the writes go to the database together: every change
        to a stored row in the order it was made, then the new tickets (as the batch left
        them)."""
        for statement, params in self.writes:
            group.write(statement, params)
        self.writes.clear()
        if self._new_tickets:
            group.insert_rows(tickets, list(self._new_tickets.values()))
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

    def own_devices_in_progress(self, swap: str) -> list[str]:
        """The employee's own devices that `swap` still holds short of an end state (back
        with the owner, at the lessor, retired): as stored, or as this batch leaves them."""
        folds: dict[str, DeviceFold | None] = dict(self._devices)
        for row in self.conn.execute(_DEVICES_OF_SWAP, {"swap": swap}):
            if row.asset_tag not in folds:
                folds[row.asset_tag] = self.device(row.asset_tag)
        return sorted(
            tag
            for tag, fold in folds.items()
            if fold is not None
            and fold.owned
            and fold.swap == swap
            and fold.state not in OWN_DEVICE_END_STATES
        )

    def put_device(self, tag: str, fold: DeviceFold, new: bool) -> None:
        values = {
            "state": str(fold.state),
            "swap": fold.swap,
            "fold": _fold_to_json(fold),
            "org": fold.org,
        }
        if new:
            self.writes.append((_ADD_DEVICE, {"asset_tag": tag, **values}))
        else:
            self.writes.append((_SET_DEVICE, {"tag": tag, **values}))
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
            self.writes.append((_ADD_SWAP, row))
        else:
            changed = {n: row[n] for n in ("engineer", "closed")}
            self.writes.append((_SET_SWAP, {"key": key, **changed}))
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
            self.writes.append((_ADD_REFERENCE, {"stream": stream, "data": text}))
        else:
            self.writes.append((_SET_REFERENCE, {"key": stream, "data": text}))
        self._references[stream] = data
        kind, _, key = stream.partition(":")
        if kind == "org":
            self.writes.append((_DROP_ORGANISATION, {"id": key}))
            row = {"id": key, "name": data.get("name"), "profile": data["profile"]}
            self.writes.append((_ADD_ORGANISATION, row))
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
