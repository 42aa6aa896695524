"""The month export (`halt-desk export`) and the report data read back from it.

The export is a DESIGN §3.3 timeline document — `halt-desk sla check EXPORT.json` accepts
it as it is and evaluates it at its `now` — with the fields the report needs besides:

```
{"format": "halt-desk-month-export", "version": 1,
 "profile": "halt", "now": "<evaluation moment>", "month": "2027-01",
 "org": {"id": "halt", "name": "Stichting Halt"}, "provider": "...",
 "generated_at": "...",
 "tickets": [{"id", "reported_at", "priority" | "impact"+"urgency", "security",
              "kind": "change" + "change_type" (a change ticket only),
              "org", "caller", "summary", "category", "channel",
              "events": [{"type", "at", "actor", ...data of the event}]}],
 "history": [{"month": "2026-08", "priorities": {"P1": {"tickets": 3, "resolved": 3,
              "mttp_business_hours": 2.5}}}],
 "stock": {"at": "...", "depots": [{"id", "name", "minimum": {model: n},
                                     "ready": {model: n}, "lowest": {model: n}}]} | null,
 "vulnerabilities": [{"cve", "severity", "status", "measure", "date"}]}
```

`tickets` holds the tickets reported in the month (see `month.py`) with *every* event of
the ticket up to `now` — `uplift_decided` (role type, motivation, decided by = `actor`),
`assigned`, `comment` (breach explanations, see `kpi.py`), `csat_recorded` — so the
metadata is read from the same events the clocks are. `history` carries the MTTP of the
five months before, computed by the same functions at export time, for the trend chart;
`stock` the ready loaners per depot and model against the depot's `minimum` at the month's
end (`ready`) and at their lowest point in the month (`lowest`, optional), or null when
the source has no device register.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from halt_desk.desk.staff import fallback_name
from halt_desk.domain.change_kpi import is_change
from halt_desk.domain.devices import (
    DeviceFold,
    apply_device_event,
    fold_device,
    is_ready_stock,
)
from halt_desk.domain.errors import HaltDeskError, InvalidTimeline
from halt_desk.domain.escalations import EscalationState
from halt_desk.domain.events import Event, parse_instant
from halt_desk.domain.personal import without_personal
from halt_desk.domain.profiles import Profile, resolve_profile
from halt_desk.domain.ticket_edits import ticket_fields
from halt_desk.reports.errors import EmptyMonth, InvalidExport, UnknownOrganisation
from halt_desk.reports.escalation_report import escalation_documents, read_escalations
from halt_desk.reports.kpi import MonthKpis, ReportTicket, compute_kpis, priority_kpis, read_ticket
from halt_desk.reports.month import Month
from halt_desk.reports.security_figures import (
    Vulnerability,
    month_vulnerabilities,
    read_vulnerabilities,
)
from halt_desk.reports.sources import EventSource

EXPORT_FORMAT = "halt-desk-month-export"
EXPORT_VERSION = 1
#: Months before the report month shown in the MTTP trend (six months in all).
HISTORY_MONTHS = 5
DEFAULT_PROVIDER = "Servicedesk"


# ---------------------------------------------------------------------------- building
def choose_organisation(org: str | None, known: Mapping[str, Mapping[str, Any]]) -> str:
    """`org` if the source knows it; without `org`, the only organisation there is."""
    if org is not None:
        if org not in known:
            raise UnknownOrganisation(org, list(known))
        return org
    if len(known) == 1:
        return next(iter(known))
    problem = "the source has no organisations" if not known else "give one of the organisations"
    raise UnknownOrganisation(None, list(known), problem)


def ticket_document(ticket_id: str, events: Sequence[Event], now: datetime) -> dict[str, Any]:
    """A stored ticket as an export ticket: its report fields and its events up to `now`,
    without their personal fields (a swap request's home address: the export goes to the
    customer's regie, who may not see it; domain/personal.py)."""
    reports = [e for e in events if e.type == "ticket_reported"]
    if not reports:
        raise InvalidTimeline(ticket_id, "ticket_reported", "the ticket has no report event")
    report = min(reports, key=lambda e: e.at)
    data = report.data
    doc: dict[str, Any] = {"id": ticket_id, "reported_at": report.at.isoformat()}
    for key in ("priority", "impact", "urgency"):
        if data.get(key) is not None:
            doc[key] = data[key]
    intake = data.get("intake")
    flagged = isinstance(intake, Mapping) and intake.get("security") is True
    doc["security"] = bool(data.get("security", False)) or flagged
    if is_change(data):  # only then: the export of an incident stays as it was
        doc["kind"], doc["change_type"] = data["kind"], data.get("change_type")
    for key in ("org", "caller", "summary", "category", "channel"):
        doc[key] = data.get(key)
    # Edits after intake up to `now` (ticket_updated): the report shows what the ticket says.
    edited = ticket_fields([e for e in events if e.at <= now])
    for key in ("caller", "summary", "category"):
        doc[key] = edited.value(key) or doc[key]
    doc["events"] = [
        {
            **without_personal(e.type, e.data)[0],
            "type": e.type,
            "at": e.at.isoformat(),
            "actor": e.actor,
        }
        for e in events
        if e is not report and e.type != "ticket_reported" and e.at <= now
    ]
    return doc


def _evaluate(
    profile: Profile, docs: Sequence[Mapping[str, Any]], now: datetime, source: str
) -> list[ReportTicket]:
    return [read_ticket(doc, i, profile, now, source) for i, doc in enumerate(docs)]


def _history_entry(month: Month, profile: Profile, tickets: Sequence[ReportTicket]) -> Any:
    kpis = priority_kpis(profile, [t.evaluation for t in tickets])
    return {
        "month": str(month),
        "priorities": {
            k.priority: {
                "tickets": k.tickets,
                "resolved": k.resolved,
                "mttp_business_hours": k.mttp_business_hours,
            }
            for k in kpis
        },
    }


def _ready_key(device: DeviceFold) -> tuple[str, str] | None:
    """(depot, model) of a ready loaner, None for any other device."""
    if device.depot is not None and is_ready_stock(device):
        return device.depot, device.model or "?"
    return None


def _stock(
    source: EventSource, org: str, moment: datetime, since: datetime | None = None
) -> dict[str, Any] | None:
    """Ready loaners of `org` per depot and model at `moment`, against each minimum, and
    (with `since`) the lowest count of each between `since` and `moment`."""
    ready: dict[str, dict[str, int]] = {}
    #: (at, key, +1/-1): a loaner becoming ready or no longer ready within the period
    moves: list[tuple[datetime, tuple[str, str], int]] = []
    any_device = False
    for stream_events in source.device_streams():
        upto = [e for e in stream_events if e.at <= moment]
        if not upto:
            continue
        device = fold_device(upto)
        if device.org not in (org, None):
            continue
        any_device = True
        if since is not None:
            moves += _ready_moves(upto, since)
        key = _ready_key(device)
        if key is not None:
            per_model = ready.setdefault(key[0], {})
            per_model[key[1]] = per_model.get(key[1], 0) + 1
    if not any_device:
        return None
    lowest = _lowest(ready, moves)
    depots = []
    for depot_id, fields in sorted(source.depots().items()):
        minimum = fields.get("minimum")
        minimum = (
            {str(k): int(v) for k, v in minimum.items()} if isinstance(minimum, Mapping) else {}
        )
        stock = ready.get(depot_id, {})
        models = sorted({*minimum, *stock})
        depot: dict[str, Any] = {
            "id": depot_id,
            "name": fields.get("name") or depot_id,
            "minimum": minimum,
            "ready": {model: stock.get(model, 0) for model in models},
        }
        if since is not None:
            depot["lowest"] = {
                model: min(lowest.get((depot_id, model), stock.get(model, 0)), stock.get(model, 0))
                for model in models
            }
        depots.append(depot)
    return {"at": moment.isoformat(), "depots": depots}


def _ready_moves(
    events: Sequence[Event], since: datetime
) -> list[tuple[datetime, tuple[str, str], int]]:
    """Where one device became ready stock or stopped being it after `since`."""
    moves: list[tuple[datetime, tuple[str, str], int]] = []
    fold: DeviceFold | None = None
    key: tuple[str, str] | None = None
    for event in events:
        fold = apply_device_event(fold, event)
        new_key = _ready_key(fold)
        if new_key != key and event.at > since:
            if key is not None:
                moves.append((event.at, key, -1))
            if new_key is not None:
                moves.append((event.at, new_key, +1))
        key = new_key
    return moves


def _lowest(
    at_end: Mapping[str, Mapping[str, int]],
    moves: Sequence[tuple[datetime, tuple[str, str], int]],
) -> dict[tuple[str, str], int]:
    """The lowest count of each (depot, model) over the period: walked back from the
    count at its end through the moves (at one moment, all of its moves at once)."""
    count = {(d, m): n for d, models in at_end.items() for m, n in models.items()}
    lowest = dict(count)
    ordered = sorted(moves, key=lambda move: move[0], reverse=True)
    index = 0
    while index < len(ordered):
        moment = ordered[index][0]
        while index < len(ordered) and ordered[index][0] == moment:
            _, key, step = ordered[index]
            count[key] = count.get(key, 0) - step  # the count before this move
            index += 1
        for key, value in count.items():
            lowest[key] = min(lowest.get(key, value), value)
    return lowest


def organisation_profile(
    source: EventSource, org: str | None
) -> tuple[str, Mapping[str, Any], Profile, str | None]:
    """The organisation a report is for (`org`, or the source's only one), its record, its
    contract profile and the profile document published for it (None: the built-in).
    Raises UnknownOrganisation."""
    organisations = source.organisations()
    org_id = choose_organisation(org, organisations)
    fields = organisations[org_id]
    profile_name = str(fields.get("profile"))
    published = source.published_profile(profile_name)
    return org_id, fields, resolve_profile(profile_name, published), published


def build_export(
    source: EventSource,
    month: Month,
    org: str | None,
    now: datetime,
    generated_at: datetime | None = None,
    month_done: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """The export document of `month` for `org` from `source`, evaluated at `now`;
    `month_done()` is called after each of the 1 + HISTORY_MONTHS months is read.

    Raises UnknownOrganisation, InvalidMonth (a month after `now`), EmptyMonth.
    """
    org_id, fields, profile, published = organisation_profile(source, org)
    tz = profile.calendar.tz
    month.check_begun(now, tz)

    def month_docs(m: Month) -> list[dict[str, Any]]:
        end = min(m.end(tz), now)
        docs = [
            ticket_document(ticket_id, events, now)
            for ticket_id, events in source.ticket_streams(org_id, m.start(tz), end)
        ]
        if month_done is not None:
            month_done()
        return docs

    tickets = month_docs(month)
    if not tickets:
        raise EmptyMonth(org_id, str(month))
    history = []
    for back in range(HISTORY_MONTHS, 0, -1):
        earlier = month.shifted(-back)
        evaluated = _evaluate(profile, month_docs(earlier), now, source.name)
        history.append(_history_entry(earlier, profile, evaluated))
    stock_moment = min(month.end(tz), now)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "profile": profile.name,
        "now": now.isoformat(),
        "month": str(month),
        "org": {"id": org_id, "name": str(fields.get("name") or org_id)},
        "provider": profile.provider or DEFAULT_PROVIDER,
        "generated_at": (generated_at or datetime.now(UTC)).isoformat(),
        "tickets": tickets,
        "history": history,
        "stock": _stock(source, org_id, stock_moment, month.start(tz)),
        "vulnerabilities": month_vulnerabilities(
            source, org_id, month.start(tz).date(), month.shifted(1).start(tz).date()
        ),
        "escalations": escalation_documents(source, org_id, now),
        "staff": staff_names(source),
        # A profile published through the changes feed travels with the export, so the
        # report from the file uses the very same rules.
        **({"profile_document": published} if published is not None else {}),
    }


# ---------------------------------------------------------------------------- reading
@dataclass(frozen=True, slots=True)
class TrendPoint:
    """MTTP of one month per priority (business hours; None without resolved tickets)."""

    month: Month
    mttp_business_hours: Mapping[str, float | None]
    tickets: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class DepotStock:
    id: str
    name: str
    minimum: Mapping[str, int]
    ready: Mapping[str, int]
    #: The lowest count of each model in the month (None: an export without it).
    lowest: Mapping[str, int] | None = None

    def short(self, model: str) -> bool:
        return self.ready.get(model, 0) < self.minimum.get(model, 0)

    def lowest_of(self, model: str) -> int | None:
        return None if self.lowest is None else self.lowest.get(model, self.ready.get(model, 0))

    def short_in_month(self, model: str) -> bool:
        low = self.lowest_of(model)
        return low is not None and low < self.minimum.get(model, 0)


@dataclass(frozen=True, slots=True)
class StockReport:
    at: datetime
    depots: tuple[DepotStock, ...]


@dataclass(frozen=True, slots=True)
class MonthReport:
    """Everything the PDF and the CSV show, read from one export document."""

    month: Month
    org_id: str
    org_name: str
    provider: str
    profile: Profile
    now: datetime
    generated_at: datetime
    tickets: tuple[ReportTicket, ...]
    kpis: MonthKpis
    trend: tuple[TrendPoint, ...]
    stock: StockReport | None
    #: The organisation's vulnerabilities of the month (`security_figures.py`).
    vulnerabilities: tuple[Vulnerability, ...] = ()
    #: The organisation's registered escalations (escalation_report.py), by registration.
    escalations: tuple[EscalationState, ...] = ()
    #: The provider's people by user name (`staff:` records): who decided, by name.
    staff: Mapping[str, str] = field(default_factory=dict)

    def person(self, actor: str | None) -> str:
        """`actor` by name: its staff record's, else read from the user name itself."""
        if not actor:
            return "—"
        return self.staff.get(actor) or fallback_name(actor)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, problem: str) -> InvalidExport:
        return InvalidExport(self.source, field, problem)

    def mapping(self, raw: Any, field: str) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            raise self.fail(field, "expected a JSON object")
        return raw

    def text(self, raw: Mapping[str, Any], key: str, field: str | None = None) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field or key, "missing or not a non-empty string")
        return value

    def instant(self, raw: Mapping[str, Any], key: str, field: str | None = None) -> datetime:
        try:
            return parse_instant(raw.get(key), field or key)
        except ValueError as exc:
            raise self.fail(field or key, str(exc).split(": ", 1)[-1]) from None

    def number(self, value: Any, field: str) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail(field, f"{value!r} is not a number of 0 or more")
        return float(value)

    def count(self, value: Any, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(field, f"{value!r} is not a whole number of 0 or more")
        return value


def read_export(
    document: object, source: str, month: Month | None = None, org: str | None = None
) -> MonthReport:
    """The report data of an export; `month`/`org` (from the command line) must match it.

    Raises InvalidExport (or InvalidTimeline from the engine's parser) naming the field.
    """
    r = _Reader(source)
    doc = r.mapping(document, "document")
    if doc.get("format") != EXPORT_FORMAT:
        raise r.fail("format", f"expected {EXPORT_FORMAT!r}: is this a `halt-desk export` file?")
    if doc.get("version") != EXPORT_VERSION:
        raise r.fail("version", f"{doc.get('version')!r} is not a version this HALT Desk reads")
    try:
        exported_month = Month.parse(r.text(doc, "month"))
    except HaltDeskError:
        raise r.fail("month", f"{doc.get('month')!r} is not a month YYYY-MM") from None
    if month is not None and month != exported_month:
        raise r.fail("month", f"the export is for {exported_month}, not for {month}")
    org_raw = r.mapping(doc.get("org"), "org")
    org_id = r.text(org_raw, "id", "org.id")
    if org is not None and org != org_id:
        raise UnknownOrganisation(org, [org_id], f"the export is for {org_id!r}, not {org!r}")
    try:
        published = doc.get("profile_document")
        profile = resolve_profile(
            r.text(doc, "profile"), published if isinstance(published, str) else None
        )
    except HaltDeskError as exc:
        raise r.fail("profile", str(exc)) from None
    now = r.instant(doc, "now")
    generated_at = r.instant(doc, "generated_at") if "generated_at" in doc else now
    raw_tickets = doc.get("tickets")
    if not isinstance(raw_tickets, list):
        raise r.fail("tickets", "missing or not a list")
    if not raw_tickets:
        raise EmptyMonth(org_id, str(exported_month))
    tickets: list[ReportTicket] = []
    seen: set[str] = set()
    tz = profile.calendar.tz
    for index, raw in enumerate(raw_tickets):
        r.mapping(raw, f"tickets[{index}]")
    for ticket in _read_tickets(raw_tickets, profile, now, source):
        if ticket.id in seen:
            raise InvalidExport(source, "id", "appears more than once", ticket.id)
        seen.add(ticket.id)
        if ticket.org is not None and ticket.org != org_id:
            raise InvalidExport(source, "org", f"{ticket.org!r} is not {org_id!r}", ticket.id)
        if not exported_month.contains(ticket.evaluation.reported_at, tz):
            problem = (
                f"reported {ticket.evaluation.reported_at.isoformat()}, not in {exported_month}"
            )
            raise InvalidExport(source, "reported_at", problem, ticket.id)
        tickets.append(ticket)
    tickets.sort(key=lambda t: (t.evaluation.reported_at, t.id))
    kpis = compute_kpis(profile, tickets, now)
    return MonthReport(
        month=exported_month,
        org_id=org_id,
        org_name=str(org_raw.get("name") or org_id),
        provider=str(doc.get("provider") or profile.provider or DEFAULT_PROVIDER),
        profile=profile,
        now=now,
        generated_at=generated_at,
        tickets=tuple(tickets),
        kpis=kpis,
        trend=_read_trend(r, doc.get("history"), exported_month, profile, kpis),
        stock=_read_stock(r, doc.get("stock")),
        vulnerabilities=read_vulnerabilities(doc.get("vulnerabilities"), source),
        escalations=read_escalations(doc.get("escalations"), source),
        staff=_read_staff(doc.get("staff")),
    )


def _read_tickets(
    raw_tickets: Sequence[Mapping[str, Any]], profile: Profile, now: datetime, source: str
) -> list[ReportTicket]:
    """Every ticket evaluated, in this process.

    Forked workers (as `sla check` uses) were tried and were slower: sending the
    evaluated tickets back to the parent costs more than evaluating them.
    """
    return [read_ticket(raw, i, profile, now, source) for i, raw in enumerate(raw_tickets)]


def _read_trend(
    r: _Reader, raw: Any, month: Month, profile: Profile, kpis: MonthKpis
) -> tuple[TrendPoint, ...]:
    points: list[TrendPoint] = []
    if raw is not None:
        if not isinstance(raw, list):
            raise r.fail("history", "expected a list of months")
        for i, item in enumerate(raw):
            entry = r.mapping(item, f"history[{i}]")
            try:
                point_month = Month.parse(r.text(entry, "month", f"history[{i}].month"))
            except HaltDeskError:
                raise r.fail(f"history[{i}].month", "not a month YYYY-MM") from None
            if point_month >= month:
                raise r.fail(f"history[{i}].month", f"{point_month} is not before {month}")
            priorities = r.mapping(entry.get("priorities"), f"history[{i}].priorities")
            mttp: dict[str, float | None] = {}
            counts: dict[str, int] = {}
            for priority, figures_raw in priorities.items():
                where = f"history[{i}].priorities.{priority}"
                if priority not in profile.priorities:
                    raise r.fail(where, f"unknown priority for profile {profile.name}")
                figures = r.mapping(figures_raw, where)
                mttp[priority] = r.number(
                    figures.get("mttp_business_hours"), f"{where}.mttp_business_hours"
                )
                counts[priority] = r.count(figures.get("tickets", 0), f"{where}.tickets")
            points.append(TrendPoint(point_month, mttp, counts))
    points.sort(key=lambda p: p.month)
    points.append(
        TrendPoint(
            month,
            {k.priority: k.mttp_business_hours for k in kpis.priorities},
            {k.priority: k.tickets for k in kpis.priorities},
        )
    )
    return tuple(points[-(HISTORY_MONTHS + 1) :])


def _read_stock(r: _Reader, raw: Any) -> StockReport | None:
    if raw is None:
        return None
    stock = r.mapping(raw, "stock")
    at = r.instant(stock, "at", "stock.at")
    depots_raw = stock.get("depots")
    if not isinstance(depots_raw, list):
        raise r.fail("stock.depots", "missing or not a list")
    depots = []
    for i, item in enumerate(depots_raw):
        where = f"stock.depots[{i}]"
        depot = r.mapping(item, where)
        minimum = r.mapping(depot.get("minimum", {}), f"{where}.minimum")
        ready = r.mapping(depot.get("ready", {}), f"{where}.ready")
        lowest_raw = depot.get("lowest")
        lowest = None
        if lowest_raw is not None:
            low = r.mapping(lowest_raw, f"{where}.lowest")
            lowest = {str(k): r.count(v, f"{where}.lowest.{k}") for k, v in low.items()}
        depots.append(
            DepotStock(
                id=r.text(depot, "id", f"{where}.id"),
                name=str(depot.get("name") or depot["id"]),
                minimum={str(k): r.count(v, f"{where}.minimum.{k}") for k, v in minimum.items()},
                ready={str(k): r.count(v, f"{where}.ready.{k}") for k, v in ready.items()},
                lowest=lowest,
            )
        )
    return StockReport(at, tuple(depots))


def staff_names(source: Any) -> dict[str, str]:
    """User name → display name of every `staff:` record the source holds (the newest
    name given wins)."""
    names: dict[str, str] = {}
    for stream, events in source.streams_of("staff"):
        for event in events:
            name = event.data.get("name")
            if isinstance(name, str) and name.strip():
                names[stream.partition(":")[2]] = name.strip()
    return names


def _read_staff(raw: object) -> dict[str, str]:
    """The export's `staff` names (an older export has none: names are read from ids)."""
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): v for k, v in raw.items() if isinstance(v, str) and v.strip()}
