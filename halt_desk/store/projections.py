"""Folds of state: rebuilds the projection row of one stream from all of its stored events.

Every fold reads the whole stream and rewrites the row, in the order central applies
events: the events central confirmed in `seq` order, then this machine's unsent events in
the order they were recorded (rejected events are left out). So a projection here agrees
with central's once both have the same events, whatever order they arrived in here. An
unsent event that no longer fits on top of what central confirmed is left out of the fold
(central will reject it, and sync shows the reason) unless it is the one being recorded.
Ticket rows are the fold through the domain's SLA engine (`timeline_from_events` +
`evaluate`), the same code `halt-desk sla check` runs; device rows the fold through the
domain's life cycle (`fold_device`). Nothing here decides a contract rule.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from halt_desk.domain.change_kpi import change_next_due, evaluate_change_events, is_change
from halt_desk.domain.clocks import ClockState, TicketEvaluation, evaluate
from halt_desk.domain.devices import DeviceFold, apply_device_event
from halt_desk.domain.errors import HaltDeskError, InvalidEvent
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import Profile, profile_document, resolve_profile
from halt_desk.domain.ticket_edits import apply_update, report_fields
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.store.errors import UnknownStream
from halt_desk.store.models import (
    REFERENCE_MODELS,
    DeviceRow,
    EventRow,
    Organisation,
    OutboxRow,
    ReferenceRow,
    TicketRow,
)

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


#: Returns the moment ticket clocks are evaluated at (injectable for tests).
Clock = Callable[[], datetime]
#: Key of the per-session cache of published profiles in `Session.info`.
_PROFILES = "halt_desk.profiles"


def utc_us(instant: datetime) -> int:
    """`instant` as whole microseconds since 1970 UTC (exact, for ordering)."""
    return (instant - _EPOCH) // _MICROSECOND


def event_from_row(row: EventRow) -> Event:
    data = json.loads(row.data)
    return Event(
        id=row.id,
        stream=row.stream,
        type=row.type,
        at=datetime.fromisoformat(row.at),
        actor=row.actor,
        data=data,
    )


def stream_events(session: Session, stream: str) -> list[Event]:
    """The events of `stream` ordered by `at` (UTC), then by insertion."""
    rows = session.scalars(
        select(EventRow)
        .where(EventRow.stream == stream)
        .order_by(EventRow.at_utc_us, EventRow.local_order)
    )
    return [event_from_row(row) for row in rows]


#: Outbox states of events central refused (kept, shown, or dismissed by a person).
REFUSED = ("rejected", "dismissed")
#: Events that take part in folds: all but this machine's events central refused.
_FOLDED = or_(OutboxRow.event_id.is_(None), OutboxRow.status.not_in(REFUSED))


def fold_events(session: Session, streams: Sequence[str]) -> dict[str, list[Event]]:
    """The events of `streams` in fold order: confirmed ones by `seq`, then unsent ones in
    recording order; rejected ones, and others' events central lost, left out."""
    found: dict[str, list[Event]] = {stream: [] for stream in streams}
    if not streams:
        return found
    if session.autoflush:  # what an ORM query would do first: pending rows reach SQL
        session.flush()
    # Plain SQL and rows, no ORM objects: a pull folds tens of thousands of events, and an
    # intake pays the statement's processing on every save.
    rows = session.connection().exec_driver_sql(
        "SELECT e.id, e.stream, e.type, e.at, e.actor, e.data FROM events AS e "
        "LEFT OUTER JOIN outbox AS o ON o.event_id = e.id "
        f"WHERE e.stream IN ({', '.join('?' * len(streams))}) "
        f"AND (o.event_id IS NULL OR o.status NOT IN ({', '.join('?' * len(REFUSED))})) "
        # Others' events central lost in a restore (history_marks.py): out until it has them.
        "AND (e.seq IS NOT NULL OR e.origin = 'local') "
        "ORDER BY e.stream, e.seq IS NULL, e.seq, e.local_order",
        (*streams, *REFUSED),
    )
    parse_time = datetime.fromisoformat
    parse_data = json.loads
    for event_id, stream, event_type, at, actor, data in rows:
        found[stream].append(
            Event(event_id, stream, event_type, parse_time(at), actor, parse_data(data))
        )
    return found


def load_projection_rows(session: Session, streams: Sequence[str]) -> list[object]:
    """Loads the device rows of `streams` (and every organisation, which tickets look up)
    into the session in a few queries, so the folds find them without a query each, and a
    stream without a row is known to have none; keep the result referenced while folding.
    Ticket rows are not loaded: a ticket fold writes its row whole (`write_ticket_rows`)."""
    devices = [s.partition(":")[2] for s in streams if s.startswith("device:")]
    loaded: list[object] = []
    if any(s.startswith("ticket:") for s in streams):
        organisations = session.scalars(select(Organisation)).all()
        session.info[_ORG_PROFILES] = {row.id: row.profile for row in organisations}
        loaded += organisations
    if devices:
        loaded += session.scalars(select(DeviceRow).where(DeviceRow.asset_tag.in_(devices))).all()
    session.info[_PRELOADED] = {(DeviceRow, key) for key in devices}
    return loaded


def load_reference_rows(session: Session, streams: Sequence[str]) -> list[object]:
    """Loads the reference rows (organisations, employees, locations, depots) of `streams`
    into the session in a query per kind and a few hundred keys, so their folds find them
    without a query each (a first pull brings hundreds of employees), and a stream without
    a row is known to have none; keep the result referenced while folding."""
    keys: dict[str, list[str]] = {}
    for stream in streams:
        kind, _, key = stream.partition(":")
        if kind in REFERENCE_MODELS:
            keys.setdefault(kind, []).append(key)
    loaded: list[object] = []
    known: set[tuple[type[ReferenceRow], str]] = set()
    for kind, of_kind in keys.items():
        model = REFERENCE_MODELS[kind]
        for first in range(0, len(of_kind), _KEYS_PER_QUERY):
            chunk = of_kind[first : first + _KEYS_PER_QUERY]
            loaded += session.scalars(select(model).where(model.id.in_(chunk))).all()
        known.update((model, key) for key in of_kind)
    session.info[_PRELOADED_REFERENCES] = known
    return loaded


def forget_preloaded(session: Session) -> None:
    session.info.pop(_PRELOADED, None)
    session.info.pop(_ORG_PROFILES, None)
    session.info.pop(_PRELOADED_REFERENCES, None)


_PRELOADED = "halt_desk_preloaded"
#: (model, key) of the reference rows `load_reference_rows` looked for.
_PRELOADED_REFERENCES = "halt_desk_preloaded_references"
_KEYS_PER_QUERY = 500
#: Organisation id → profile name, while `load_projection_rows` holds the organisations.
_ORG_PROFILES = "halt_desk_org_profiles"
_Row = TypeVar("_Row", DeviceRow, Organisation)


def _row(session: Session, model: type[_Row], key: str) -> _Row | None:
    """`session.get`, without a query for a row `load_projection_rows` found missing."""
    preloaded = session.info.get(_PRELOADED, ())
    if (model, key) in preloaded or model is Organisation:
        found = session.identity_map.get(session.identity_key(model, key))
        if found is not None or model is not Organisation:
            return found if isinstance(found, model) else None
    return session.get(model, key)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return json.dumps(value, sort_keys=True)


def _required_text(fields: Mapping[str, Any], key: str, event: Event) -> str:
    value = fields.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidEvent(event.id, f"data.{key}", "missing or not a non-empty string")
    return value


def fold_stream(
    session: Session,
    stream: str,
    now: Clock,
    events: Sequence[Event] | None = None,
    strict: frozenset[str] = frozenset(),
    ticket_rows: list[TicketValues] | None = None,
) -> set[str]:
    """Rewrites the projection row of `stream` from its stored `events` (in fold order; read
    if not given); returns further streams whose projections depend on this one and must be
    folded again (tickets of an organisation whose profile changed). A ticket's row goes to
    `ticket_rows` if given, for the caller to write a batch at once (`write_ticket_rows`).

    An event the rules refuse raises if its id is in `strict` (the events being recorded);
    any other refused event is left out of the fold (an unsent event that no longer fits
    after a pull; central will reject it). Raises UnknownStream if the stream lacks its
    opening event.
    """
    if events is None:
        events = fold_events(session, [stream])[stream]
    if not events:
        return set()
    kind, _, key = stream.partition(":")
    if kind in REFERENCE_MODELS:
        return _fold_reference(session, kind, key, events, strict)
    if kind == "profile":
        return _fold_profile(session, key, events)
    if kind == "device":
        _fold_device(session, key, events, strict)
        return set()
    if kind == "ticket":
        values = fold_ticket(session, key, events, now, strict)
        if values is not None:
            if ticket_rows is None:
                write_ticket_rows(session, [values])
            else:
                ticket_rows.append(values)
        return set()
    if kind in LOGISTICS_KINDS:
        check_logistics_stream(events, strict)
        return set()
    if kind == "notice":
        _check_notice_stream(events, strict)
        return set()
    if kind == "escalation":
        check_escalation_stream(events, strict)
        return set()
    if kind == VULNERABILITY:
        check_vulnerability_stream(events, strict)
        return set()
    raise UnknownStream(stream, "no projection for this kind of stream")  # pragma: no cover


def check_escalation_stream(events: Sequence[Event], strict: frozenset[str]) -> None:
    """Folds an `escalation:` stream through `domain.escalations` (read where it is shown,
    `halt_desk.escalations`); an event being recorded that does not fit raises, others
    are only logged."""
    from halt_desk.domain.escalations import EscalationState, apply_escalation_event

    state: EscalationState | None = None
    for event in events:
        try:
            state = apply_escalation_event(state, event)
        except HaltDeskError as exc:
            _skip(event, exc, strict)


def _skip(event: Event, error: HaltDeskError, strict: frozenset[str]) -> None:
    """Leaves `event` out of a fold, or raises `error` if it is being recorded now."""
    if event.id in strict:
        raise error
    log.warning("event %s (%s) left out of its fold: %s", event.id, event.type, error)


def _fold_reference(
    session: Session,
    kind: str,
    key: str,
    events: Sequence[Event],
    strict: frozenset[str] = frozenset(),
) -> set[str]:
    model = REFERENCE_MODELS[kind]
    fields: dict[str, Any] = {}
    registered = False
    kept: list[Event] = []
    for event in events:
        if event.type.endswith("_registered"):
            registered = True
        elif not registered:
            error = UnknownStream(
                event.stream, f"{event.type} before the record was registered (event {event.id})"
            )
            _skip(event, error, strict)
            continue
        fields.update(event.data)
        kept.append(event)
    if not kept:
        return set()
    events = kept
    last = events[-1]
    if (model, key) in session.info.get(_PRELOADED_REFERENCES, ()):
        found = session.identity_map.get(session.identity_key(model, key))
        row = found if isinstance(found, model) else None
    else:
        row = session.get(model, key)
    old_profile = row.profile if isinstance(row, Organisation) else None
    if row is None:
        row = model(id=key)
        session.add(row)
    row.name = _required_text(fields, "name", last)
    for column in model.COLUMNS:
        if column != "name":
            setattr(row, column, _text(fields.get(column)))
    if isinstance(row, Organisation):
        row.profile = _required_text(fields, "profile", last)
    row.fields = json.dumps(fields, sort_keys=True)
    row.updated_at = last.at.isoformat()
    if isinstance(row, Organisation) and old_profile is not None and old_profile != row.profile:
        session.flush()
        ticket_ids = session.scalars(select(TicketRow.id).where(TicketRow.org == key))
        return {f"ticket:{ticket_id}" for ticket_id in ticket_ids}
    return set()


def _fold_profile(session: Session, name: str, events: Sequence[Event]) -> set[str]:
    """A published contract profile has no row of its own: its latest document is read from
    the event log (`published_profile`). Folding validates it and names the tickets whose
    clocks follow it, so they are evaluated again."""
    if not events[0].type.endswith("_registered"):
        raise UnknownStream(events[0].stream, f"{events[0].type} before the profile was registered")
    resolve_profile(name, profile_document(events[-1].data, name))
    session.info.pop(_PROFILES, None)
    session.flush()  # organisations folded just before (the fold runs without autoflush)
    orgs = select(Organisation.id).where(Organisation.profile == name)
    ticket_ids = session.scalars(select(TicketRow.id).where(TicketRow.org.in_(orgs)))
    return {f"ticket:{ticket_id}" for ticket_id in ticket_ids}


def published_profile(session: Session, name: str) -> Profile:
    """The contract profile `name`: its latest published document in fold order (the last
    one central confirmed, or this machine's own unsent one), else the built-in resource
    file. Cached for the session: a bulk fold evaluates thousands of tickets against the
    same few profiles."""
    cache: dict[str, Profile] = session.info.setdefault(_PROFILES, {})
    profile = cache.get(name)
    if profile is None:
        stream = f"profile:{name}"
        # Most caches never had a profile published: one index probe, then the built-in
        # file (cached), instead of the fold's query (an intake asks for it twice).
        never_published = (
            session.connection()
            .exec_driver_sql("SELECT 1 FROM events WHERE stream = ? LIMIT 1", (stream,))
            .first()
            is None
        )
        published = [] if never_published else fold_events(session, [stream])[stream]
        text = profile_document(published[-1].data, name) if published else None
        profile = cache[name] = resolve_profile(name, text)
    return profile


def _fold_device(
    session: Session, asset_tag: str, events: Sequence[Event], strict: frozenset[str] = frozenset()
) -> None:
    """The device row: the fold of the domain's life cycle (`apply_device_event`). An event
    being recorded that the life cycle refuses raises IllegalTransition, so the write that
    brought it stores nothing."""
    if events[0].type != "device_registered":
        error = UnknownStream(
            events[0].stream,
            f"{events[0].type} before device_registered (event {events[0].id})",
        )
        if events[0].id in strict or not any(e.type == "device_registered" for e in events):
            raise error
    device: DeviceFold | None = None
    last: Event | None = None
    for event in events:
        try:
            device = apply_device_event(device, event)
        except HaltDeskError as exc:
            _skip(event, exc, strict)
            continue
        last = event
    if device is None or last is None:
        return
    row = _row(session, DeviceRow, asset_tag)
    if row is None:
        row = DeviceRow(asset_tag=asset_tag)
        session.add(row)
    row.serial = device.serial
    row.model = device.model
    row.type = device.type
    row.org = device.org
    row.depot = device.depot
    row.state = str(device.state)
    row.updated_at = max(e.at for e in events).isoformat()


def fold_ticket(
    session: Session,
    ticket_id: str,
    events: Sequence[Event],
    now: Clock,
    strict: frozenset[str] = frozenset(),
) -> TicketValues | None:
    """The ticket row: report fields, the assignee, and the SLA engine's evaluation (None
    if no event fits). Writes nothing: see `write_ticket_rows`."""
    try:
        return _ticket_values(session, ticket_id, events, now)
    except HaltDeskError:
        if all(event.id in strict for event in events):
            raise
    # Some event does not fit: keep the longest run that does, event by event.
    kept: list[Event] = []
    for event in events:
        try:
            _ticket_evaluation(session, ticket_id, [*kept, event], now)
        except HaltDeskError as exc:
            _skip(event, exc, strict)
            continue
        kept.append(event)
    return _ticket_values(session, ticket_id, kept, now) if kept else None


def _ticket_evaluation(
    session: Session, ticket_id: str, events: Sequence[Event], now: Clock
) -> tuple[Event, str, TicketEvaluation, Profile, datetime]:
    """The report, organisation, SLA evaluation, contract profile and evaluation moment of a
    ticket; writes nothing."""
    stream = f"ticket:{ticket_id}"
    reports = [event for event in events if event.type == "ticket_reported"]
    if not reports:
        raise UnknownStream(stream, "no ticket_reported event; the report must come first")
    # The same report the timeline uses: the earliest (first stored on a tie).
    report = min(reports, key=lambda event: event.at)
    org_id = _required_text(report.data, "org", report)
    profile_name = session.info.get(_ORG_PROFILES, {}).get(org_id)
    if profile_name is None:
        organisation = _row(session, Organisation, org_id)
        if organisation is None:
            problem = f"organisation of ticket {ticket_id!r} is not known"
            raise UnknownStream(f"org:{org_id}", problem)
        profile_name = organisation.profile
    profile = published_profile(session, profile_name)
    timeline = timeline_from_events(ticket_id, events)
    # Evaluated now (never before the last event): next_due and within_norm are a snapshot
    # for lists and sorting; live countdowns evaluate again at display time.
    moment = max(now(), max(event.at for event in events))
    return report, org_id, evaluate(profile, timeline, moment), profile, moment


#: The values of one `tickets` row, in the order of `_TICKET_COLUMNS`.
TicketValues = tuple[Any, ...]
_TICKET_COLUMNS = tuple(column.name for column in TicketRow.__table__.columns)
#: One upsert per fold batch: the row is the fold, so an existing row is replaced whole.
_UPSERT_TICKET = (
    f"INSERT INTO tickets ({', '.join(_TICKET_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _TICKET_COLUMNS)}) ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in _TICKET_COLUMNS if name != "id")
)


def _ticket_values(
    session: Session, ticket_id: str, events: Sequence[Event], now: Clock
) -> TicketValues:
    report, org_id, evaluation, profile, moment = _ticket_evaluation(
        session, ticket_id, events, now
    )
    assignee = None
    fields = report_fields(report.data)
    for event in events:
        if event.type == "assigned":
            assignee = _text(event.data.get("to"))
        elif event.type == "ticket_updated":  # an edit after intake (summary, caller, …)
            fields = apply_update(fields, event.data)
    data = report.data
    next_due = evaluation.next_due
    overdue = any(
        c.state is ClockState.BREACHED and c.met_at is None for c in evaluation.clocks.values()
    )
    if is_change(data):  # a change counts down its own clocks, not the incident's
        change = evaluate_change_events(profile, events, moment)
        next_due = change_next_due(change) if change is not None else None
        overdue = change is not None and any(
            c.state is ClockState.BREACHED and c.met_at is None for c in change.clocks.values()
        )
    resolved_at = evaluation.resolved_at
    values = {
        "id": ticket_id,
        "org": org_id,
        "caller": fields.caller,
        "summary": fields.summary,
        "category": fields.category,
        "channel": _text(data.get("channel")),
        "priority": evaluation.priority,
        "uplift": evaluation.uplift,
        "status": str(evaluation.status),
        "reported_at": report.at.isoformat(),
        "reported_at_utc_us": utc_us(report.at),
        "next_due": next_due.isoformat() if next_due else None,
        "next_due_utc_us": utc_us(next_due) if next_due else None,
        "assignee": assignee,
        "resolved_at": resolved_at.isoformat() if resolved_at else None,
        "mttr_business_minutes": evaluation.mttr_business_minutes,
        "mttp_business_minutes": evaluation.mttp_business_minutes,
        "mttp_wall_minutes": evaluation.mttp_wall_minutes,
        "within_norm": evaluation.within_norm,
        "overdue": overdue,
        "updated_at": max(event.at for event in events).isoformat(),
    }
    return tuple(values[name] for name in _TICKET_COLUMNS)


def write_ticket_rows(session: Session, rows: Sequence[TicketValues]) -> None:
    """Inserts or replaces these ticket rows (from `fold_ticket`) in one executemany."""
    if rows:
        session.connection().exec_driver_sql(_UPSERT_TICKET, list(rows))


#: Order in which a batch folds its streams: reference data first (tickets need the
#: organisation's profile), then devices, then tickets.
FOLD_ORDER: Mapping[str, int] = {
    "profile": 0,
    "org": 1,
    "depot": 2,
    "location": 3,
    "employee": 4,
    "staff": 4,
    "device": 5,
}


#: Stream kinds other projections depend on: folded (and flushed) before the rest.
FOLDED_FIRST = frozenset({"profile", *REFERENCE_MODELS})


def fold_order(stream: str) -> tuple[int, str]:
    return FOLD_ORDER.get(stream.partition(":")[0], 6), stream


#: Vulnerabilities (domain/vulnerabilities.py): checked on record, read by the report.
VULNERABILITY = "vulnerability"
#: Stream kinds without a projection row of their own: swaps and buffer-stock records are
#: folded where they are read (`halt_desk.swaps`); recording one only checks that it fits.
LOGISTICS_KINDS = frozenset({"swap", "stock"})


def _check_notice_stream(events: Sequence[Event], strict: frozenset[str]) -> None:
    """Folds a `notice:` stream through `domain.notices` (read where it is shown)."""
    from halt_desk.domain.notices import Notice, apply_notice_event

    notice: Notice | None = None
    for event in events:
        try:
            notice = apply_notice_event(notice, event)
        except HaltDeskError as exc:
            _skip(event, exc, strict)


def check_logistics_stream(events: Sequence[Event], strict: frozenset[str]) -> None:
    """Folds a `swap:` stream through `domain.swaps` (or checks each `stock:` event); an
    event being recorded that does not fit raises, others are only logged."""
    from halt_desk.domain.swaps import SwapFold, apply_swap_event, check_stock_event

    fold: SwapFold | None = None
    for event in events:
        try:
            if event.stream_kind == "swap":
                fold = apply_swap_event(fold, event)
            else:
                check_stock_event(event)
        except HaltDeskError as exc:
            _skip(event, exc, strict)


def check_vulnerability_stream(events: Sequence[Event], strict: frozenset[str]) -> None:
    """A `vulnerability:` stream has no projection row (the report reads its events):
    recording one only checks that each event fits the record before it."""
    from halt_desk.domain.vulnerabilities import check_vulnerability_event

    fields: dict[str, Any] | None = None
    for event in events:
        try:
            check_vulnerability_event(event, fields)
        except HaltDeskError as exc:
            _skip(event, exc, strict)
            continue
        fields = {**(fields or {}), **dict(event.data)}
