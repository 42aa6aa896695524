"""What clients read from the central: the changes feed (a user's organisations only;
personal fields only for who may see them), a ticket's evaluated state, the number of
events; reads of personal data audited.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Executable, bindparam, func, literal, select, union_all

from halt_desk.central.audit_trail import append_entry
from halt_desk.central.auth import Role, User, may_see_personal
from halt_desk.central.batch import event_from_row
from halt_desk.central.engine import CentralDatabase
from halt_desk.central.schema import (
    events,
    organisations,
    reference_records,
    seq_counter,
    swaps,
    tickets,
)
from halt_desk.central.validation import MAX_PAGE
from halt_desk.domain.clocks import evaluate
from halt_desk.domain.personal import (
    PERSONAL_RECORD_KINDS,
    may_hold_personal,
    personal_paths,
    without_personal,
)
from halt_desk.domain.profiles import Profile, resolve_profile
from halt_desk.domain.timeline import timeline_from_events

_COLUMNS = (
    events.c.seq,
    events.c.id,
    events.c.stream,
    events.c.type,
    events.c.at,
    events.c.actor,
    events.c.data,
    events.c.org,
)


@dataclass(frozen=True, slots=True)
class ChangesFeedPage:
    """A page of the changes feed: its events, the seq to ask after next, whether more
    follow, and `head`, the highest seq central had handed out when the page was read (of
    all organisations: for a user bound to some, an upper bound of what is left to read)."""

    events: list[dict[str, Any]]
    next: int
    more: bool
    head: int
    #: The hash chain of the event at `next` (None for an empty page): a laptop keeps it to
    #: find out later whether central still has this history (history.py).
    chain: str | None = None


def changes(
    db: CentralDatabase, user: User, since: int, limit: int, address: str
) -> tuple[list[dict[str, Any]], int, bool]:
    """Events after `since` in seq order, of the user's organisations only; personal
    fields only for who may see them (DESIGN §2.6), and every page that delivered
    personal data audited (who, which streams)."""
    page = changes_page(db, user, since, limit, address)
    return page.events, page.next, page.more


#: The last seq handed out: one row by its key, kept in the transaction of every write.
_HEAD = select(seq_counter.c.value).where(seq_counter.c.id == 1)
_CHAIN = select(events.c.chain).where(events.c.seq == bindparam("seq"))


def changes_page(
    db: CentralDatabase, user: User, since: int, limit: int, address: str
) -> ChangesFeedPage:
    """`changes` with central's head beside the page (read from the sequence counter's
    row after the page, so it is never below the page's last seq)."""
    limit = max(1, min(limit, MAX_PAGE))
    with db.reader.connect() as conn:
        rows = _page(conn, user, since, limit + 1)
        head = int(conn.execute(_HEAD).scalar_one())
        more = len(rows) > limit
        rows = rows[:limit]
        out = [
            {
                "id": row.id,
                "stream": row.stream,
                "type": row.type,
                "at": row.at,
                "actor": row.actor,
                "data": json.loads(row.data),
                "seq": row.seq,
            }
            for row in rows
        ]
        delivered = _strip_personal(conn, user, rows, out)
        chain = conn.execute(_CHAIN, {"seq": rows[-1].seq}).scalar() if rows else None
    next_seq = rows[-1].seq if rows else since
    if delivered:
        with db.write() as conn:
            for org, streams in sorted(delivered.items(), key=lambda item: item[0] or ""):
                detail = {"since": since, "next": next_seq, "streams": sorted(streams)}
                append_entry(conn, user.name, "personal_data.read", "changes", address, detail, org)
    return ChangesFeedPage(out, next_seq, more, max(head, next_seq), chain)


def _page(conn: Connection, user: User, since: int, count: int) -> list[Any]:
    """The next `count` events after `since` that the user may read. For a user bound to
    organisations: per organisation an indexed range on (org, seq), and the events of the
    contract profiles they use and the provider's staff records (a handful), each at most
    `count` rows, merged by seq. On
    PostgreSQL that is one statement (UNION ALL, one round trip per page), planned without
    sorts (see `_bound_page`); SQLite runs in the process, where the ranges apart and merged
    here cost less than its sort of the union."""
    params: dict[str, Any] = {"since": since, "count": count}
    if not user.bound:
        return list(conn.execute(_ALL, params))
    orgs = sorted(user.orgs)
    if conn.dialect.name == "postgresql":
        params.update({f"org{n}": org for n, org in enumerate(orgs)}, orgs=orgs)
        # For the rest of this read's transaction (key look-ups after it) as well.
        conn.execute(_NO_SORT)
        return list(conn.execute(_bound_page(len(orgs)), params))
    parts = [list(conn.execute(_OF_ORG, {**params, "org": org})) for org in orgs]
    parts.append(list(conn.execute(_OF_PROFILES, {**params, "orgs": orgs})))
    parts.append(list(conn.execute(_OF_STAFF, params)))
    parts = [part for part in parts if part]
    if len(parts) <= 1:  # one organisation, no new profile: nothing to merge
        return parts[0] if parts else []
    return list(itertools.islice(heapq.merge(*parts, key=lambda row: row.seq), count))


_FROM = select(*_COLUMNS).where(events.c.seq > bindparam("since"))
_ALL = _FROM.order_by(events.c.seq).limit(bindparam("count"))
_OF_ORG = _ALL.where(events.c.org == bindparam("org"))
#: The streams of the contract profiles the organisations `orgs` use.
_PROFILE_STREAM = events.c.stream.in_(
    select(literal("profile:") + organisations.c.profile).where(
        organisations.c.id.in_(bindparam("orgs", expanding=True)),
        organisations.c.profile.is_not(None),
    )
)
#: The provider's staff records (names every desk shows; a bound regie user's record has
#: its organisation and comes with that organisation's range).
#: Found by stream (ix_events_stream); the organisation is a filter on those few rows, not
#: an index condition (`org IS NULL` would read every provider event after `since`).
_STAFF_STREAM = events.c.stream.in_(
    select(reference_records.c.stream).where(reference_records.c.stream.like("staff:%"))
) & (func.coalesce(events.c.org, "") == "")
_OF_PROFILES = _ALL.where(_PROFILE_STREAM)
_OF_STAFF = _ALL.where(_STAFF_STREAM)


#: Planner settings for the bound page (see `_bound_page`). JIT off as well: a disabled
#: sort costs 10^10 (PostgreSQL < 18), far past jit_above_cost, and compiling took 160 ms.
_NO_SORT = select(func.set_config("enable_sort", "off", True), func.set_config("jit", "off", True))


@functools.cache
def _bound_page(orgs: int) -> Executable:
    """The page of a user bound to `orgs` organisations (parameters `org0`, `org1`, …):
    each range a subquery with its own ORDER BY and LIMIT, the union cut to `count`.

    Run with enable_sort off, so that each organisation's range is read in order from
    ix_events_org_seq and stops after `count` rows, with or without statistics. Left to
    itself PostgreSQL sorted all the organisation's events after `since` (before ANALYZE:
    a bitmap scan, rows expected 13) or walked the primary key from `since` past the other
    organisations' events (after ANALYZE: that index looks random). The organisation is
    compared as a range (`org >= :org AND org <= :org`, ordered by org, seq): with `=` the
    planner drops org from the ordering and the primary key orders by seq without a sort
    too. The profiles' and the provider's staff records' events (a few) still need a sort,
    on purpose (ordered by `seq + 0`): in seq order they were again a walk of the primary
    key, not ix_events_stream."""
    ranges = [
        _FROM.where(events.c.org >= bindparam(f"org{n}"), events.c.org <= bindparam(f"org{n}"))
        .order_by(events.c.org, events.c.seq)
        .limit(bindparam("count"))
        for n in range(orgs)
    ]
    shared = [
        _FROM.where(stream).order_by(events.c.seq + 0).limit(bindparam("count"))
        for stream in (_PROFILE_STREAM, _STAFF_STREAM)
    ]
    members = [r.subquery(f"r{n}") for n, r in enumerate([*ranges, *shared])]
    union = union_all(*(select(*member.c) for member in members))
    return union.order_by(union.selected_columns.seq).limit(bindparam("count"))


@dataclass
class _Swaps:
    """What decides whether a field engineer sees a swap's personal data: swap rows by id
    and by ticket, and ticket assignees (read only for the page's rows that need them)."""

    by_id: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    by_ticket: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)
    assignees: dict[str, str | None] = field(default_factory=dict)

    def engineers(self, swap: Mapping[str, Any] | None) -> frozenset[str]:
        """The engineer of an active swap and the assignee of its ticket; nobody once
        the swap is closed."""
        if swap is None or swap["closed"]:
            return frozenset()
        names = (swap["engineer"], self.assignees.get(swap["ticket"]))
        return frozenset(name for name in names if name)

    def ticket_engineers(self, ticket: str) -> frozenset[str]:
        """For a ticket's own personal fields (a swap request's address): the assignee
        while no swap of it is opened yet or one is active, and the active swaps'
        engineers."""
        of_ticket = self.by_ticket.get(ticket, [])
        active = [swap for swap in of_ticket if not swap["closed"]]
        if of_ticket and not active:
            return frozenset()
        names = {self.assignees.get(ticket)}
        names.update(swap["engineer"] for swap in active)
        return frozenset(name for name in names if name)


def _swap_of(stream: str, data: Mapping[str, Any]) -> str | None:
    kind, _, key = stream.partition(":")
    if kind == "swap":
        return key
    swap = data.get("swap") if kind == "device" else None
    return swap if isinstance(swap, str) else None


def _strip_personal(
    conn: Connection, user: User, rows: Sequence[Any], out: list[dict[str, Any]]
) -> dict[str | None, set[str]]:
    """Takes the personal fields out of `out` (the page's events) where `user` may not
    see them; returns the streams of which personal data was delivered, by organisation."""
    found = [
        (row, event)
        for row, event in zip(rows, out, strict=True)
        if may_hold_personal(row.type) and personal_paths(row.type, event["data"])
    ]
    delivered: dict[str | None, set[str]] = {}
    for row in rows:
        if row.stream.partition(":")[0] in PERSONAL_RECORD_KINDS:
            delivered.setdefault(row.org, set()).add(row.stream)
    if not found:
        return delivered
    context = _swaps_context(conn, user, [(r.stream, e["data"]) for r, e in found])
    for row, event in found:
        kind, _, key = row.stream.partition(":")
        if kind == "ticket":
            engineers = context.ticket_engineers(key)
        else:
            swap = _swap_of(row.stream, event["data"])
            engineers = context.engineers(context.by_id.get(swap) if swap else None)
        if may_see_personal(user, row.org, engineers):
            delivered.setdefault(row.org, set()).add(row.stream)
        else:
            event["data"] = without_personal(row.type, event["data"])[0]
    return delivered


def _swaps_context(
    conn: Connection, user: User, found: Iterable[tuple[str, Mapping[str, Any]]]
) -> _Swaps:
    """The swaps and assignees the page's personal rows need: only for a field engineer
    (logistics sees them anyway, the other roles never)."""
    context = _Swaps()
    if user.role is not Role.FIELD:
        return context
    swap_ids: set[str] = set()
    ticket_ids: set[str] = set()
    for stream, data in found:
        kind, _, key = stream.partition(":")
        if kind == "ticket":
            ticket_ids.add(key)
        else:
            swap = _swap_of(stream, data)
            if swap is not None:
                swap_ids.add(swap)
    rows: list[Any] = []
    if swap_ids:
        rows += conn.execute(select(swaps).where(swaps.c.id.in_(sorted(swap_ids)))).mappings().all()
    if ticket_ids:
        query = select(swaps).where(swaps.c.ticket.in_(sorted(ticket_ids)))
        rows += conn.execute(query).mappings().all()
    for found_swap in rows:
        context.by_id[found_swap["id"]] = found_swap
        context.by_ticket.setdefault(found_swap["ticket"], []).append(found_swap)
        ticket_ids.add(found_swap["ticket"])
    if ticket_ids:
        query = select(tickets.c.id, tickets.c.assignee).where(tickets.c.id.in_(sorted(ticket_ids)))
        context.assignees = {row.id: row.assignee for row in conn.execute(query)}
    return context


def ticket_state(
    db: CentralDatabase, user: User, ticket_id: str, address: str
) -> dict[str, Any] | None:
    with db.reader.connect() as conn:
        ticket = conn.execute(select(tickets).where(tickets.c.id == ticket_id)).mappings().first()
        if ticket is None or not user.works_for(ticket["org"]):
            return None  # another organisation's ticket: as if there were none
        history = [
            event_from_row(row)
            for row in conn.execute(
                select(events)
                .where(events.c.stream == f"ticket:{ticket_id}")
                .order_by(events.c.seq)
            ).mappings()
        ]
        profile_name = conn.execute(
            select(organisations.c.profile).where(organisations.c.id == ticket["org"])
        ).scalar_one()
        profile = published_profile(conn, profile_name)
    evaluation = evaluate(profile, timeline_from_events(ticket_id, history), datetime.now(UTC))
    with db.write() as conn:
        append_entry(
            conn, user.name, "ticket.read", f"ticket:{ticket_id}", address, {}, ticket["org"]
        )
    return {**evaluation.to_json(), "org": ticket["org"], "assignee": ticket["assignee"]}


def published_profile(conn: Connection, name: str) -> Profile:
    """The contract profile `name` as published (or built in)."""
    document = conn.execute(
        select(reference_records.c.data).where(reference_records.c.stream == f"profile:{name}")
    ).scalar_one_or_none()
    return resolve_profile(name, json.loads(document)["toml"] if document is not None else None)


def event_count(db: CentralDatabase) -> int:
    with db.reader.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())
