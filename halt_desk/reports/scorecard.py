"""The quarterly supplier scorecard (seed 003 §2.4.3 C): its export and its figures.

    document = build_quarter_export(source, Quarter.parse("2027-Q1"), "halt", now)
    card = read_quarter(document, "EXPORT.json")       # evaluated by domain.clocks
    card.months, card.categories, card.recurring, card.satisfaction

The quarter export is the month export (`export.py`) over three months, without the trend
and the stock, and with each ticket's `location` (the caller's work location):

```
{"format": "halt-desk-quarter-export", "version": 1, "profile": "halt", "now": "...",
 "quarter": "2027-Q1", "org": {"id", "name"}, "provider": "...", "generated_at": "...",
 "tickets": [{...as in the month export..., "location": "Den Haag" | null}],
 "escalations": [{"id", "events": [...]}]}   # see escalation_report.py
```
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from halt_desk.domain.clocks import ClockState
from halt_desk.domain.clockspec import CLOCK_NAMES
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.escalations import EscalationState
from halt_desk.domain.profiles import Profile, resolve_profile
from halt_desk.reports.errors import EmptyMonth, InvalidExport, UnknownOrganisation
from halt_desk.reports.escalation_report import (
    OpenAction,
    escalation_documents,
    in_period,
    open_actions,
    read_escalations,
)
from halt_desk.reports.export import (
    DEFAULT_PROVIDER,
    organisation_profile,
    ticket_document,
)
from halt_desk.reports.kpi import (
    PriorityKpi,
    ReportTicket,
    Satisfaction,
    Share,
    read_ticket,
)
from halt_desk.reports.month import Month
from halt_desk.reports.quarter import Quarter
from halt_desk.reports.sources import EventSource, EventsSource, StoreSource

_MET, _BREACHED = ClockState.MET, ClockState.BREACHED
QUARTER_FORMAT = "halt-desk-quarter-export"
QUARTER_VERSION = 1
#: Tickets with a breached clock of one category (or location) within one month from
#: which on the scorecard lists it as repetition (the escalation trigger of issue 23).
REPEAT_THRESHOLD = 3
#: Categories listed by name in the nature table; the rest are summed in one row.
TOP_CATEGORIES = 10


# ---------------------------------------------------------------------------- building
def _caller_locations(source: EventSource) -> dict[str, str]:
    """Employee id → the name of their work location (or its id), where the source has
    an employee register."""
    if isinstance(source, EventsSource):
        employees, locations = source._references("employee"), source._references("location")
    elif isinstance(source, StoreSource):
        employees = source._store.references("employee")
        locations = source._store.references("location")
    else:
        return {}
    found: dict[str, str] = {}
    for employee_id, fields in employees.items():
        location = fields.get("location")
        if isinstance(location, str) and location:
            name = (locations.get(location) or {}).get("name")
            found[employee_id] = str(name or location)
    return found


def build_quarter_export(
    source: EventSource,
    quarter: Quarter,
    org: str | None,
    now: datetime,
    generated_at: datetime | None = None,
) -> dict[str, Any]:
    """The quarter export of `org` from `source`, evaluated at `now`.

    Raises UnknownOrganisation, InvalidQuarter (a quarter after `now`), EmptyMonth (no
    ticket in the quarter).
    """
    org_id, fields, profile, published = organisation_profile(source, org)
    tz = profile.calendar.tz
    quarter.check_begun(now, tz)
    locations = _caller_locations(source)
    end = min(quarter.end(tz), now)
    tickets = []
    for ticket_id, events in source.ticket_streams(org_id, quarter.start(tz), end):
        doc = ticket_document(ticket_id, events, now)
        doc["location"] = locations.get(str(doc.get("caller")))
        tickets.append(doc)
    if not tickets:
        raise EmptyMonth(org_id, str(quarter))
    return {
        "format": QUARTER_FORMAT,
        "version": QUARTER_VERSION,
        "profile": profile.name,
        "now": now.isoformat(),
        "quarter": str(quarter),
        "org": {"id": org_id, "name": str(fields.get("name") or org_id)},
        "provider": profile.provider or DEFAULT_PROVIDER,
        "generated_at": (generated_at or datetime.now(UTC)).isoformat(),
        "tickets": tickets,
        "escalations": escalation_documents(source, org_id, now),
        **({"profile_document": published} if published is not None else {}),
    }


# ---------------------------------------------------------------------------- figures
@dataclass(frozen=True, slots=True)
class MonthFigures:
    """Reaction, resolution and communication of one month (or of the quarter: month None)."""

    month: Month | None
    tickets: int
    per_priority: Mapping[str, int]
    total: PriorityKpi
    breached_tickets: int
    missed_updates: int
    satisfaction: Satisfaction

    def clock(self, name: str) -> Share:
        return self.total.clocks.get(name, Share())


@dataclass(frozen=True, slots=True)
class CategoryRow:
    """Tickets of one category (None: the categories summed as "other") per priority."""

    category: str | None
    tickets: int
    per_priority: Mapping[str, int]
    security: int
    other: bool = False


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A category or location with breached tickets per month of the quarter."""

    kind: str  # "category" | "location"
    name: str
    breached: tuple[int, int, int]
    tickets: int

    @property
    def total(self) -> int:
        return sum(self.breached)


@dataclass(frozen=True, slots=True)
class QuarterReport:
    quarter: Quarter
    org_id: str
    org_name: str
    provider: str
    profile: Profile
    now: datetime
    generated_at: datetime
    tickets: tuple[ReportTicket, ...]
    months: tuple[MonthFigures, MonthFigures, MonthFigures]
    whole: MonthFigures
    categories: tuple[CategoryRow, ...]
    recurring: tuple[Recurrence, ...]
    #: The escalations that ran in the quarter (registered before its end, not closed
    #: before its start), by registration; how many were registered in each month.
    escalations: tuple[EscalationState, ...] = ()
    escalations_registered: tuple[int, int, int] = (0, 0, 0)
    #: Every corrective action of the organisation's escalations still open at `now`.
    open_actions: tuple[OpenAction, ...] = ()

    @property
    def satisfaction(self) -> Satisfaction:
        return self.whole.satisfaction


class _Tally:
    """The sums of one month's (or the quarter's) figures, gathered in one pass over the
    tickets (the same counting as `kpi.compute_kpis`, whose total it equals)."""

    def __init__(self, profile: Profile) -> None:
        self.per_priority = dict.fromkeys(profile.priorities, 0)
        self.met = dict.fromkeys(CLOCK_NAMES, 0)
        self.decided = dict.fromkeys(CLOCK_NAMES, 0)
        # tickets, within met, within decided, open, breached tickets, missed updates,
        # resolved (MTTR count), MTTR sum, MTTP count, MTTP sum, wall count, wall sum,
        # scores, score sum, by survey, servicedesk count/sum, information count/sum
        self.n = [0] * 19

    def add(self, ticket: ReportTicket) -> None:
        ev, n = ticket.evaluation, self.n
        n[0] += 1
        self.per_priority[ev.priority] = self.per_priority.get(ev.priority, 0) + 1
        if ev.within_norm is None:
            n[3] += 1
        else:
            n[2] += 1
            n[1] += ev.within_norm
        for name, clock in ev.clocks.items():
            if clock.state is _MET:
                self.met[name] += 1
                self.decided[name] += 1
            elif clock.state is _BREACHED:
                self.decided[name] += 1
                if name == "update":
                    n[5] += clock.missed or 0
        n[4] += bool(ev.breaches)
        for index, value in (
            (6, ev.mttr_business_minutes),
            (8, ev.mttp_business_minutes),
            (10, ev.mttp_wall_minutes),
        ):
            if value is not None:
                n[index] += 1
                n[index + 1] += value
        if ticket.csat is not None:
            n[12] += 1
            n[13] += ticket.csat
            n[14] += ticket.csat_by_survey
            for index, value in ((15, ticket.csat_servicedesk), (17, ticket.csat_information)):
                if value is not None:
                    n[index] += 1
                    n[index + 1] += value

    def merge(self, other: _Tally) -> None:
        for key, value in other.per_priority.items():
            self.per_priority[key] = self.per_priority.get(key, 0) + value
        for name in CLOCK_NAMES:
            self.met[name] += other.met[name]
            self.decided[name] += other.decided[name]
        self.n = [a + b for a, b in zip(self.n, other.n, strict=True)]

    def figures(self, month: Month | None, csat_norm: float) -> MonthFigures:
        n = self.n

        def mean(count: int, total: int, scale: float = 1.0) -> float | None:
            return total / count / scale if count else None

        total = PriorityKpi(
            priority="total",
            tickets=n[0],
            within_norm=Share(n[1], n[2]),
            open=n[3],
            norm=None,
            clocks={name: Share(self.met[name], self.decided[name]) for name in CLOCK_NAMES},
            resolved=n[6],
            mttr_business_hours=mean(n[6], n[7], 60.0),
            mttp_business_hours=mean(n[8], n[9], 60.0),
            mttp_wall_hours=mean(n[10], n[11], 60.0),
            mttp_norm_hours=None,
        )
        satisfaction = Satisfaction(
            responses=n[12],
            average=mean(n[12], n[13]),
            norm=csat_norm,
            by_survey=n[14],
            servicedesk=mean(n[15], n[16]),
            servicedesk_responses=n[15],
            information=mean(n[17], n[18]),
            information_responses=n[17],
        )
        return MonthFigures(
            month=month,
            tickets=n[0],
            per_priority=dict(self.per_priority),
            total=total,
            breached_tickets=n[4],
            missed_updates=n[5],
            satisfaction=satisfaction,
        )


def category_rows(
    profile: Profile, tickets: Sequence[ReportTicket], secure: frozenset[str] = frozenset()
) -> tuple[CategoryRow, ...]:
    """The TOP_CATEGORIES categories with most tickets (then by name), then "other";
    `secure`: the ids of the tickets carrying the security flag."""
    counts: dict[str | None, dict[str, int]] = {}
    security: dict[str | None, int] = {}
    for ticket in tickets:
        per = counts.setdefault(ticket.category, dict.fromkeys(profile.priorities, 0))
        per[ticket.evaluation.priority] = per.get(ticket.evaluation.priority, 0) + 1
        security[ticket.category] = security.get(ticket.category, 0) + (ticket.id in secure)
    ranked = sorted(counts, key=lambda c: (-sum(counts[c].values()), c is None, c or ""))
    rows = [
        CategoryRow(c, sum(counts[c].values()), counts[c], security[c])
        for c in ranked[:TOP_CATEGORIES]
    ]
    rest = ranked[TOP_CATEGORIES:]
    if rest:
        per_priority = {p: sum(counts[c].get(p, 0) for c in rest) for p in profile.priorities}
        rows.append(
            CategoryRow(
                None,
                sum(per_priority.values()),
                per_priority,
                sum(security[c] for c in rest),
                other=True,
            )
        )
    return tuple(rows)


def recurring(
    by_month: Sequence[Sequence[ReportTicket]], locations: Mapping[str, str | None]
) -> tuple[Recurrence, ...]:
    """Categories and locations with REPEAT_THRESHOLD or more breached tickets in one month
    of the quarter (`by_month`: the tickets of each of its three months); most breached
    first."""
    breached: dict[tuple[str, str], list[int]] = {}
    totals: dict[tuple[str, str], int] = {}
    for index, tickets in enumerate(by_month):
        for ticket in tickets:
            hit = bool(ticket.evaluation.breaches)
            for kind, name in (("category", ticket.category), ("location", locations[ticket.id])):
                if not name:
                    continue
                key = (kind, name)
                totals[key] = totals.get(key, 0) + 1
                if hit:
                    breached.setdefault(key, [0, 0, 0])[index] += 1
    found = [
        Recurrence(kind, name, (per[0], per[1], per[2]), totals[(kind, name)])
        for (kind, name), per in breached.items()
        if max(per) >= REPEAT_THRESHOLD
    ]
    found.sort(key=lambda r: (-r.total, r.kind, r.name))
    return tuple(found)


# ---------------------------------------------------------------------------- reading
def _fail(source: str, field: str, problem: str) -> InvalidExport:
    return InvalidExport(source, field, problem)


def _header(doc: Mapping[str, Any], source: str) -> tuple[Quarter, str, str, Profile]:
    if doc.get("format") != QUARTER_FORMAT:
        problem = f"expected {QUARTER_FORMAT!r}: is this a `halt-desk export --quarter` file?"
        raise _fail(source, "format", problem)
    if doc.get("version") != QUARTER_VERSION:
        raise _fail(source, "version", f"{doc.get('version')!r} is not a version this reads")
    try:
        quarter = Quarter.parse(doc.get("quarter"))  # type: ignore[arg-type]
    except HaltDeskError:
        raise _fail(source, "quarter", f"{doc.get('quarter')!r} is not a quarter") from None
    org_raw = doc.get("org")
    org_id = org_raw.get("id") if isinstance(org_raw, Mapping) else None
    if not isinstance(org_id, str) or not org_id:
        raise _fail(source, "org.id", "missing or not a non-empty string")
    org_name = str(org_raw.get("name") or org_id) if isinstance(org_raw, Mapping) else org_id
    try:
        published = doc.get("profile_document")
        profile = resolve_profile(
            str(doc.get("profile")), published if isinstance(published, str) else None
        )
    except HaltDeskError as exc:
        raise _fail(source, "profile", str(exc)) from None
    return quarter, org_id, org_name, profile


def _instant(doc: Mapping[str, Any], key: str, source: str) -> datetime:
    from halt_desk.domain.events import parse_instant

    try:
        return parse_instant(doc.get(key), key)
    except ValueError as exc:
        raise _fail(source, key, str(exc).split(": ", 1)[-1]) from None


def _escalations(
    raw: Any, source: str, org_id: str, start: datetime, bounds: Sequence[datetime]
) -> tuple[tuple[EscalationState, ...], tuple[int, int, int], tuple[OpenAction, ...]]:
    """The escalations that ran in the quarter [start, bounds[-1]), how many were registered
    in each of its months (`bounds`: the starts of months 2 and 3 and the end), and every
    open corrective action of the organisation's escalations."""
    states = read_escalations(raw, source)
    registered = [0, 0, 0]
    for state in states:
        if state.org != org_id:
            raise InvalidExport(
                source, "escalations", f"{state.id}: {state.org!r} is not {org_id!r}"
            )
        moment = state.registered_at
        if moment is not None and start <= moment < bounds[-1]:
            registered[bisect_right(bounds, moment)] += 1
    ran = tuple(s for s in states if in_period(s, start, bounds[-1]))
    return ran, (registered[0], registered[1], registered[2]), open_actions(states)


def read_quarter(
    document: object, source: str, quarter: Quarter | None = None, org: str | None = None
) -> QuarterReport:
    """The scorecard of a quarter export; `quarter`/`org` (command line) must match it.
    Raises InvalidExport (or InvalidTimeline from the engine's parser) naming the field."""
    if not isinstance(document, Mapping):
        raise _fail(source, "document", "expected a JSON object")
    exported, org_id, org_name, profile = _header(document, source)
    if quarter is not None and quarter != exported:
        raise _fail(source, "quarter", f"the export is for {exported}, not for {quarter}")
    if org is not None and org != org_id:
        raise UnknownOrganisation(org, [org_id], f"the export is for {org_id!r}, not {org!r}")
    now = _instant(document, "now", source)
    generated_at = _instant(document, "generated_at", source) if "generated_at" in document else now
    raw_tickets = document.get("tickets")
    if not isinstance(raw_tickets, list):
        raise _fail(source, "tickets", "missing or not a list")
    if not raw_tickets:
        raise EmptyMonth(org_id, str(exported))
    tz = profile.calendar.tz
    tickets: list[ReportTicket] = []
    locations: dict[str, str | None] = {}
    secure: set[str] = set()
    by_month: tuple[list[ReportTicket], ...] = ([], [], [])
    # The first instants of the second and third month and of the next quarter.
    bounds = [m.start(tz) for m in exported.months[1:]] + [exported.end(tz)]
    start = exported.start(tz)
    for index, raw in enumerate(raw_tickets):
        if not isinstance(raw, Mapping):
            raise _fail(source, f"tickets[{index}]", "expected a JSON object")
        ticket = read_ticket(raw, index, profile, now, source)
        if ticket.id in locations:
            raise InvalidExport(source, "id", "appears more than once", ticket.id)
        if ticket.org is not None and ticket.org != org_id:
            raise InvalidExport(source, "org", f"{ticket.org!r} is not {org_id!r}", ticket.id)
        reported_at = ticket.evaluation.reported_at
        month = bisect_right(bounds, reported_at)
        if reported_at < start or month > 2:
            problem = f"reported {ticket.evaluation.reported_at.isoformat()}, not in {exported}"
            raise InvalidExport(source, "reported_at", problem, ticket.id)
        location = raw.get("location")
        if raw.get("security") is True:
            secure.add(ticket.id)
        locations[ticket.id] = location if isinstance(location, str) and location else None
        if ticket.change is None:  # changes stay out of the incident figures (as the SLR)
            by_month[month].append(ticket)
            tickets.append(ticket)
    tickets.sort(key=lambda t: (t.evaluation.reported_at, t.id))
    tallies = []
    whole = _Tally(profile)
    for tickets_of_month in by_month:
        tally = _Tally(profile)
        for ticket in tickets_of_month:
            tally.add(ticket)
        whole.merge(tally)
        tallies.append(tally)
    escalations, registered, actions = _escalations(
        document.get("escalations"), source, org_id, start, bounds
    )
    first, second, third = (
        tally.figures(m, profile.csat_norm)
        for tally, m in zip(tallies, exported.months, strict=True)
    )
    return QuarterReport(
        quarter=exported,
        org_id=org_id,
        org_name=org_name,
        provider=str(document.get("provider") or profile.provider or DEFAULT_PROVIDER),
        profile=profile,
        now=now,
        generated_at=generated_at,
        tickets=tuple(tickets),
        months=(first, second, third),
        whole=whole.figures(None, profile.csat_norm),
        categories=category_rows(profile, tickets, frozenset(secure)),
        recurring=recurring(by_month, locations),
        escalations=escalations,
        escalations_registered=registered,
        open_actions=actions,
    )
