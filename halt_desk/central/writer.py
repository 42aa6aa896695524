"""Recording events: batches checked event by event against the rules of their stream
(ticket, device, swap and stock, reference records) and written in one group commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from halt_desk.central import audit, event_chain, mail_rules
from halt_desk.central.audit_trail import now_iso
from halt_desk.central.auth import User, check_may_record
from halt_desk.central.batch import SET_SEQ, Batch
from halt_desk.central.bulk import GroupTransaction, group_reads, group_transaction
from halt_desk.central.engine import CentralDatabase
from halt_desk.central.notices import apply_notice, check_notice_link
from halt_desk.central.number_series import move_past, taken_numbers
from halt_desk.central.schema import (
    audit_log,
    devices,
    events,
    mail_triggers,
    organisations,
    reference_records,
    tickets,
)
from halt_desk.central.stream_cache import StreamCache
from halt_desk.central.tenancy import check_escalation, check_event_org, project_swap
from halt_desk.central.validation import (
    MAX_BATCH,
    EventResult,
    Parsed,
    Rejected,
    check_report_fields,
    column_text,
    max_length,
    parse_batch,
)
from halt_desk.domain.change_kpi import check_change_event
from halt_desk.domain.clocks import evaluate
from halt_desk.domain.devices import apply_device_event
from halt_desk.domain.errors import HaltDeskError, InvalidEvent
from halt_desk.domain.events import MAIL_EVENT_TYPES, MAIL_RESEND, Event, new_event
from halt_desk.domain.limits import stored_data_text
from halt_desk.domain.profiles import Profile, profile_document, resolve_profile
from halt_desk.domain.swaps import SwapFold, apply_swap_event, check_stock_event
from halt_desk.domain.ticket_numbers import check_ticket_number
from halt_desk.domain.ticket_rules import check_ticket_rules
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.domain.vulnerabilities import KIND as VULNERABILITY
from halt_desk.domain.vulnerabilities import check_vulnerability_event

#: An event more than this far ahead of the server clock is flagged (never rewritten).
CLOCK_AHEAD_LIMIT_SECONDS = 300
#: Ticket events still taken on a closed ticket (a conflict about the closing is settled
#: after it, so its resolution must be accepted too).
AFTER_CLOSE_TYPES = (
    frozenset({"comment", "csat_recorded", "conflict_resolved", MAIL_RESEND}) | MAIL_EVENT_TYPES
)


#: A batch of events pushed by one user from one address.
Submission = tuple[User, Sequence[object], str]


def record_many(
    db: CentralDatabase,
    streams: StreamCache,
    submissions: Sequence[Submission],
    more: Callable[[], Sequence[Submission]] | None = None,
) -> list[list[EventResult]]:
    """Several batches (from concurrent requests) in one transaction, in the given order.

    One commit for all of them is what lets many small pushes share the cost of the
    write lock and the disk flush (group commit); each batch keeps its own results and
    its own audit entry. The events are checked before the write lock is taken (against
    the process's StreamCache and one round trip of reads for what it lacks), so that
    the processes of a central check in parallel and each holds the lock only for two
    round trips: taking it (with the audit chain's head and what changed since the
    check) and the writes with COMMIT. If another process changed a stream the check
    looked at, the group is checked again under the lock (`Batch`).

    `more` gives the batches that arrived while the lock was awaited: when other processes
    wrote meanwhile, they join the group (checked under the lock), so processes that take
    turns on the lock still commit groups about as large as one process would. The results
    are those of `submissions` and then of what `more` gave.
    """
    for _, raw_events, _ in submissions:
        if len(raw_events) > MAX_BATCH:
            raise HaltDeskError(f"a batch holds at most {MAX_BATCH} events")
    server_now = datetime.now(UTC)
    # Parsing and hashing need no database: done before taking any lock.
    parsed = [parse_batch(raw_events) for _, raw_events, _ in submissions]
    checked = [item[0] for items in parsed for item in items if item[0] is not None]
    with db.local_writer_lock(), ExitStack() as reading:
        reads = reading.enter_context(group_reads(db.reader))
        batch = Batch(reads, streams)
        base = batch.prepare(checked)
        applied = _apply_group(batch, submissions, parsed, base, server_now)
        if not reads.postgresql:
            reading.close()  # SQLite: the read transaction ends before the write lock
        with (
            db.process_writer_lock(),
            group_transaction(db.engine, reads if reads.postgresql else None) as group,
        ):
            start_seq, holds = batch.lock(group, checked)
            # Others write too: take in what queued up meanwhile (alone, a group taking in
            # everything would make every client wait for every commit in lockstep).
            late = list(more()) if more is not None and batch.others_wrote else []
            late_parsed = [parse_batch(raw_events) for _, raw_events, _ in late]
            late_checked = [i[0] for items in late_parsed for i in items if i[0] is not None]
            if holds:
                applied = _renumbered(applied, base, start_seq)
                if late:
                    batch.extend_locked(group, late_checked)
                    seq = _last_seq(applied, start_seq)
                    applied += _apply_group(batch, late, late_parsed, seq, server_now)
            else:
                locked = batch
                batch = Batch(group, streams)
                batch.open_locked([*checked, *late_checked], start_seq, locked)
                applied = _apply_group(
                    batch, [*submissions, *late], [*parsed, *late_parsed], start_seq, server_now
                )
            submissions = [*submissions, *late]
            seq = _write_group(group, batch, submissions, applied, start_seq)
            group.commit()  # the writes and COMMIT: one round trip on PostgreSQL
            # Committed, and still the only writer of this process: the cache may learn.
            batch.publish_to(start_seq, seq)
    return [results for results, _ in applied]


#: Results and rows of the accepted events of each submission of a group.
_Applied = list[tuple[list[EventResult], list[dict[str, Any]]]]


def _apply_group(
    batch: Batch,
    submissions: Sequence[Submission],
    parsed: list[list[Parsed]],
    seq: int,
    server_now: datetime,
) -> _Applied:
    """Checks every submission of the group in order, numbering from `seq`."""
    applied: _Applied = []
    for (user, _, _), items in zip(submissions, parsed, strict=True):
        results, accepted, seq = _apply_batch(batch, user, items, seq, server_now)
        applied.append((results, accepted))
    return applied


def _last_seq(applied: _Applied, start_seq: int) -> int:
    """The seq of the last event accepted in `applied`, else `start_seq`."""
    rows = [rows for _, rows in applied if rows]
    return int(rows[-1][-1]["seq"]) if rows else start_seq


def _renumbered(applied: _Applied, base: int, start_seq: int) -> _Applied:
    """The group checked ahead of the lock as if numbered from `base`, numbered from
    `start_seq` (what other processes recorded meanwhile touched none of its streams).
    Seqs up to `base` are of events stored before: they stay."""
    shift = start_seq - base
    if not shift:
        return applied
    for _, rows in applied:
        for row in rows:
            row["seq"] += shift
    # (built directly: dataclasses.replace costs several times more, on every group a
    # second process wrote before)
    return [
        (
            [
                EventResult(r.id, r.status, r.seq + shift, r.reason)
                if r.seq is not None and r.seq > base
                else r
                for r in results
            ],
            rows,
        )
        for results, rows in applied
    ]


def _write_group(
    group: GroupTransaction,
    batch: Batch,
    submissions: Sequence[Submission],
    applied: _Applied,
    start_seq: int,
) -> int:
    """Hands the group's writes to `group`: the projections, the events, one audit entry
    per organisation of each submission's accepted events, the counter with the events'
    chain head. Returns the last seq handed out."""
    rows: list[dict[str, Any]] = []
    entries: list[tuple[str | None, audit.Entry]] = []
    for (user, _, address), (_, accepted) in zip(submissions, applied, strict=True):
        rows.extend(accepted)
        entries.extend(_recorded_entries(user, address, accepted))
    batch.flush(group)
    # The seqs are final here (renumbered, or checked under the lock): chained in order
    # from the head `lock` read with the counter.
    head = event_chain.link(batch.event_head, rows)
    group.insert_rows(events, rows)
    group.insert_rows(mail_triggers, mail_rules.triggers(rows))  # with its event (mail_rules.py)
    group.insert_rows(audit_log, _audit_rows(batch.audit_head, entries))
    for taken in taken_numbers(rows):  # never handed out again (number_series.py)
        group.write(move_past(group.conn.dialect.name), taken)
    seq = rows[-1]["seq"] if rows else start_seq
    if seq != start_seq:
        group.write(SET_SEQ, {"value": seq, "head": head})
    return int(seq)


def _recorded_entries(
    user: User, address: str, accepted: list[dict[str, Any]]
) -> list[tuple[str | None, audit.Entry]]:
    """The audit entries of a batch's accepted events: one per organisation they concern
    (one, nearly always), so that a user bound to it reads its own."""
    by_org: dict[str | None, list[list[Any]]] = {}
    for r in accepted:
        by_org.setdefault(r["org"], []).append([r["seq"], r["id"], r["stream"], r["type"]])
    detail: dict[str, Any]
    entries = []
    for org, listed in by_org.items():
        detail = {"events": listed} if org is None else {"events": listed, "org": org}
        entry = audit.Entry(now_iso(), user.name, "events.recorded", "events", address, detail)
        entries.append((org, entry))
    return entries


def _audit_rows(head: str, entries: list[tuple[str | None, audit.Entry]]) -> list[dict[str, Any]]:
    rows = audit.chained_rows(head, [entry for _, entry in entries])
    for row, (org, _) in zip(rows, entries, strict=True):
        row["org"] = org
    return rows


def _apply_batch(
    batch: Batch,
    user: User,
    items: list[Parsed],
    seq: int,
    server_now: datetime,
) -> tuple[list[EventResult], list[dict[str, Any]], int]:
    """Results of one batch and the rows of its accepted events (not written yet)."""
    results: list[EventResult] = []
    rows: list[dict[str, Any]] = []
    for event, content, refused in items:
        if event is None:
            assert refused is not None
            results.append(refused)
            continue
        known = batch.stored_id(event.id)
        if known is not None:
            stored_seq, stored_hash = known
            if stored_hash == content:
                results.append(EventResult(event.id, "duplicate", stored_seq))
            else:
                results.append(
                    EventResult(event.id, "rejected", None, "id reused with different content")
                )
            continue
        try:
            org = _check_and_project(batch, user, event)
        except HaltDeskError as exc:
            results.append(EventResult(event.id, "rejected", None, str(exc)))
            continue
        seq += 1
        batch.accepted(event.id, seq, content)
        ahead = (event.at - server_now).total_seconds()
        flagged = int(ahead) if ahead > CLOCK_AHEAD_LIMIT_SECONDS else None
        rows.append(
            {
                "seq": seq,
                "id": event.id,
                "stream": event.stream,
                "type": event.type,
                "at": event.at.isoformat(),
                "at_utc_us": int(event.at.timestamp() * 1_000_000),
                "actor": event.actor,
                "data": stored_data_text(event.data),
                "content_hash": content,
                "received_at": server_now.isoformat(),
                "received_by": user.name,
                "clock_ahead_seconds": flagged,
                "org": org,
            }
        )
        reason = None
        if flagged is not None:
            reason = (
                f"flagged: at is {flagged // 60} minutes ahead of the server clock (stored as sent)"
            )
        results.append(EventResult(event.id, "accepted", seq, reason))
    return results, rows, seq


def _check_and_project(batch: Batch, user: User, event: Event) -> str | None:
    """Permissions (role and organisation) and invariants, then the projection update;
    returns the organisation the event concerns. Raises to reject, always before
    writing anything of this event."""
    kind = event.stream_kind
    ticket = batch.ticket(event.stream_key) if kind == "ticket" else None
    check_may_record(user, kind, event.type, ticket["assignee"] if ticket else None)
    org = check_event_org(batch, user, event)
    if kind == "ticket":
        _apply_ticket(batch, event, ticket)
    elif kind == "device":
        _apply_device(batch, event)
    elif kind in ("swap", "stock"):
        _apply_logistics(batch, event)
        if kind == "swap":
            project_swap(batch, event, org)
    elif kind == "notice":
        apply_notice(batch, event)
    elif kind == "escalation":
        check_escalation(batch, event)
    else:
        _apply_reference(batch, event)
    return org


def _apply_ticket(batch: Batch, event: Event, ticket: dict[str, Any] | None) -> None:
    key = event.stream_key
    if event.type == "ticket_reported":
        if ticket is not None:
            raise Rejected(f"ticket {key} was reported already")
        org = event.data.get("org")
        profile = batch.profile_of(org) if isinstance(org, str) else None
        if profile is None:
            raise Rejected(f"ticket {key}: unknown organisation {org!r}")
        check_ticket_number(event)
        _check_timeline(key, [event], batch.profile(profile))
        check_ticket_rules(event, batch.profile(profile))
        batch.add_ticket(key, org, event)  # type: ignore[arg-type]
        return
    if ticket is None:
        raise Rejected(f"unknown stream ticket:{key} (no ticket_reported)")
    if ticket["closed"] and event.type not in AFTER_CLOSE_TYPES:
        raise Rejected(f"ticket {key} is closed")
    history = batch.history(event.stream)
    profile = batch.profile_of(ticket["org"])
    if profile is None:  # pragma: no cover - a ticket is only stored for a known org
        raise Rejected(f"ticket {key}: unknown organisation {ticket['org']!r}")
    _check_timeline(key, [*history, event], batch.profile(profile))
    check_report_fields(event)
    check_ticket_rules(event, batch.profile(profile))
    check_change_event(event, history)
    if event.type == "ticket_updated":
        _check_new_caller(batch, event, str(ticket["org"]))
    elif event.type == "linked_to_notice":
        check_notice_link(batch, event, str(ticket["org"]))
    values: dict[str, Any] = {}
    if event.type == "assigned":
        values["assignee"] = column_text(event, "to", tickets.c.assignee)
    if event.type == "closed":
        values["closed"] = True
    batch.update_ticket(key, event, values)


def _check_new_caller(batch: Batch, event: Event, org: str) -> None:
    """A caller given by an edit is an employee of the ticket's own organisation."""
    caller = event.data["changes"].get("caller")  # the shape is checked by the ticket rules
    if caller is None:
        return
    employee = batch.reference(f"employee:{caller}")
    if employee is None:
        raise InvalidEvent(event.id, "data.changes.caller", f"unknown employee {caller!r}")
    if employee.get("org") != org:
        problem = f"employee {caller!r} does not work for organisation {org}"
        raise InvalidEvent(event.id, "data.changes.caller", problem)


def _check_timeline(ticket_id: str, history: Sequence[Event], profile: Profile) -> None:
    """The ticket must still fold through the shared engine (same rules as sla check)."""
    timeline = timeline_from_events(ticket_id, history)
    evaluate(profile, timeline, datetime.now(UTC))


def _apply_device(batch: Batch, event: Event) -> None:
    fold = batch.device(event.stream_key)
    folded = apply_device_event(fold, event)
    if folded.swap is not None and len(folded.swap) > max_length(devices.c.swap):
        raise InvalidEvent(
            event.id, "data.swap", f"longer than {max_length(devices.c.swap)} characters"
        )
    batch.put_device(event.stream_key, folded, fold is None)


def _apply_logistics(batch: Batch, event: Event) -> None:
    """A swap event must fit its swap (opened first and once, nothing after closing);
    a stock event must name model, kind and note. Same rules as the local store."""
    if event.stream_kind == "stock":
        check_stock_event(event)
    else:
        fold: SwapFold | None = None
        for earlier in batch.history(event.stream):
            fold = apply_swap_event(fold, earlier)
        apply_swap_event(fold, event)
        if event.type == "swap_closed" and (
            held := batch.own_devices_in_progress(event.stream_key)
        ):
            # The desk closes a swap once both devices have an end state; central again.
            raise Rejected(
                f"swap {event.stream_key}: the employee's own device {held[0]} "
                "is still being handled"
            )
    batch.history(event.stream).append(event)


def _apply_reference(batch: Batch, event: Event) -> None:
    stream = event.stream
    existing = batch.reference(stream)
    registering = event.type.endswith("_registered")
    if registering and existing is not None:
        raise Rejected(f"{stream} is registered already")
    if not registering and existing is None:
        raise Rejected(f"unknown stream {stream} (not registered)")
    data = {**(existing or {}), **dict(event.data)}
    if event.stream_kind == "org":
        profile = data.get("profile")
        if not isinstance(profile, str):
            raise Rejected(f"{stream}: an organisation needs a contract profile")
        batch.profile(profile)  # unknown profile → rejected with the known names
        column_text(event, "name", organisations.c.name)
    elif event.stream_kind == VULNERABILITY:
        check_vulnerability_event(event, existing)
    elif event.stream_kind == "profile":
        # The whole document is replaced, never merged: validated before it is stored.
        data = dict(event.data)
        resolve_profile(event.stream_key, profile_document(data, event.stream_key))
    batch.put_reference(stream, data, existing is None)


def profile_event(db: CentralDatabase, document: str, name: str, actor: str) -> Event:
    """The event that publishes `document` (profile TOML) as `profile:<name>`:
    `profile_registered` the first time, `profile_updated` after that."""
    stream = f"profile:{name}"
    with db.reader.connect() as conn:
        known = conn.execute(
            select(reference_records.c.stream).where(reference_records.c.stream == stream)
        ).first()
    return new_event(
        stream,
        "profile_updated" if known else "profile_registered",
        datetime.now(UTC),
        actor,
        {"toml": document},
    )
