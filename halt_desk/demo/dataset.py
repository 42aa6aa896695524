"""The demo data set behind `halt-desk demo`: reference data, loaners and months of
tickets of both customers, all as events, the same for the same arguments."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from operator import attrgetter, itemgetter
from typing import Any

from halt_desk.demo.business_minutes import BusinessMinutes, Terms
from halt_desk.demo.changes_demo import add_changes, add_vulnerabilities
from halt_desk.demo.desom_plan import DESOM_CELL_WEIGHTS, plan_desom
from halt_desk.demo.event_log import EventLog
from halt_desk.demo.governance import People, add_escalations, breached_facts
from halt_desk.demo.halt_plan import (
    HALT_INTAKE,
    HALT_PRIORITIES,
    HALT_PRIORITY_WEIGHTS,
    HaltTicket,
    plan_halt,
)
from halt_desk.demo.loaner_stock import LoanerStock
from halt_desk.demo.moments import report_moments
from halt_desk.demo.open_swaps import OpenSwapDesk, plan_open_swaps
from halt_desk.demo.planning import DEMO_MIX, Draws, Step
from halt_desk.demo.reference import (
    DEPOTS,
    DESK_AGENTS,
    DESOM_LOCATIONS,
    FIELD_ENGINEERS,
    HALT_LOCATIONS,
    LOGISTICS_STAFF,
    ORGANISATIONS,
    Depot,
    Device,
    Employee,
    Location,
    Organisation,
    build_devices,
    build_employees,
)
from halt_desk.demo.registration import register_reference_data
from halt_desk.demo.sample_texts import DESOM_SUMMARIES, HALT_SUMMARIES
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import load_profile

#: Share of the tickets that belong to Stichting Halt (the rest is SSC DeSom).
HALT_SHARE = 0.75
#: Chance that a P3 ticket of someone in a critical role asks for P1-uplift.
UPLIFT_RATE = 0.04


@dataclass(frozen=True, slots=True)
class DemoTicket:
    """A demo ticket as reported: `priority` for `halt`, `impact`/`urgency` for `desom`."""

    id: str
    org: str
    caller: str
    reported_at: datetime
    summary: str
    priority: str | None = None
    impact: str | None = None
    urgency: str | None = None


@dataclass(frozen=True, slots=True)
class DemoDataset:
    """Reference records and every event of the demo, `events` sorted by `at`.

    `now` is the end of the last day: events after it are not generated, so the
    tickets reported near the end are still open. The bulky fields stay out of `repr()`,
    which keeps names and phone numbers out of logs and test reports.
    """

    seed: int
    start: date
    end: date
    now: datetime
    organisations: tuple[Organisation, ...]
    locations: tuple[Location, ...]
    employees: tuple[Employee, ...] = field(repr=False)
    depots: tuple[Depot, ...]
    devices: tuple[Device, ...] = field(repr=False)
    agents: tuple[str, ...]
    field_engineers: tuple[str, ...]
    logistics_staff: tuple[str, ...]
    tickets: tuple[DemoTicket, ...] = field(repr=False)
    events: tuple[Event, ...] = field(repr=False)

    def profile_of(self, org: str) -> str:
        for organisation in self.organisations:
            if organisation.id == org:
                return organisation.profile
        raise KeyError(f"unknown organisation {org!r}")


def generate(
    seed: int = 1,
    months: int = 3,
    end: date = date(2026, 11, 30),
    tickets_per_month: int = 400,
    moment: datetime | None = None,
) -> DemoDataset:
    """The demo data set: `tickets_per_month` × `months` tickets (Halt and DeSom together)
    reported in the `months` calendar months that end on `end`, plus reference data.

    All chance comes from `random.Random(seed)` (event ids from a generator of their own),
    drawn in a fixed order: reference data, loaners, then the Halt and the DeSom tickets.
    Then a few Halt tickets whose loaner swaps are open in every step of the logistics
    queue at `moment` (the moment the demo shows, default the end of `end`), planned back
    from it with chance of their own (`open_swaps`).
    """
    if months < 1:
        raise ValueError(f"months: expected 1 or more, got {months}")
    if tickets_per_month < 0:
        raise ValueError(f"tickets_per_month: expected 0 or more, got {tickets_per_month}")
    rng = random.Random(seed)
    start = _months_back(end, months)
    halt_profile, desom_profile = load_profile("halt"), load_profile("desom")
    halt_cal = BusinessMinutes(halt_profile.calendar)
    now = datetime.combine(end, time(23, 59), halt_cal.tz)
    log = EventLog(random.Random(f"halt-desk-demo-ids/{seed}"), now)

    employees = build_employees(rng)
    devices = build_devices(rng)
    ready_from = register_reference_data(rng, log, halt_cal, start, employees, devices)
    swaps_rng = random.Random(f"halt-desk-demo-swaps/{seed}")
    loaners = LoanerStock(rng, halt_cal, devices, ready_from, log, swaps_rng)

    total = tickets_per_month * months
    halt_count = round(total * HALT_SHARE)
    intake = _Intake(rng, Draws(rng), log, start, end)
    _report_halt_tickets(intake, Terms(halt_profile, halt_cal), halt_count, employees, loaners)
    desom_terms = Terms(desom_profile, BusinessMinutes(desom_profile.calendar))
    _report_desom_tickets(intake, desom_terms, total - halt_count, employees)
    desk = OpenSwapDesk(swaps_rng, halt_cal, log, loaners, lambda at: intake.ticket_id("HALT", at))
    shown = min(now, moment) if moment is not None else now
    for tid, reported, caller, summary, priority in plan_open_swaps(desk, employees, shown):
        intake.tickets.append(DemoTicket(tid, "halt", caller, reported, summary, priority=priority))
    _add_governance(seed, intake, halt_cal, employees, shown)

    intake.tickets.sort(key=attrgetter("reported_at"))
    return DemoDataset(
        seed=seed,
        start=start,
        end=end,
        now=now,
        organisations=ORGANISATIONS,
        locations=HALT_LOCATIONS + DESOM_LOCATIONS,
        employees=employees,
        depots=DEPOTS,
        devices=devices,
        agents=DESK_AGENTS,
        field_engineers=FIELD_ENGINEERS,
        logistics_staff=LOGISTICS_STAFF,
        tickets=tuple(intake.tickets),
        events=tuple(sorted(log.events, key=attrgetter("at"))),
    )


def _add_governance(
    seed: int,
    intake: _Intake,
    cal: BusinessMinutes,
    employees: tuple[Employee, ...],
    shown: datetime,
) -> None:
    """Halt's change tickets, vulnerabilities and escalations, and both organisations'
    suggested escalations (changes_demo.py, governance.py), with chance of their own:
    the tickets above stay as they were."""
    rng = random.Random(f"halt-desk-demo-governance/{seed}")
    staff = [e for e in employees if e.org == "halt"]
    people = People.of(employees, DESK_AGENTS[4])
    ticket_id = partial(intake.ticket_id, "HALT")
    for change in add_changes(rng, cal, intake.log, shown, staff, ticket_id):
        intake.tickets.append(
            DemoTicket(change.id, "halt", change.caller, change.reported_at, change.summary,
                       priority="P4")
        )  # fmt: skip
    add_vulnerabilities(intake.log, shown, people.manager.id)
    profiles = {o.id: load_profile(o.profile) for o in ORGANISATIONS}
    facts = breached_facts(intake.log.events, profiles, employees, shown)
    summaries = {t.id: t.summary for t in intake.tickets}
    add_escalations(intake.log, facts, people, shown, summaries)


def _months_back(end: date, months: int) -> date:
    """The first day of a period of `months` calendar months that ends on `end`."""
    after = end + timedelta(days=1)
    month_index = after.year * 12 + after.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(after.day, 0, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(slots=True)
class _Intake:
    """What reporting the tickets of both customers shares: the chance, the event log,
    the period and the ticket numbers per prefix and year; collects the tickets."""

    rng: random.Random
    draw: Draws
    log: EventLog
    start: date
    end: date
    counters: dict[tuple[str, int], int] = field(default_factory=dict)
    tickets: list[DemoTicket] = field(default_factory=list)

    def ticket_id(self, prefix: str, reported: datetime) -> str:
        key = (prefix, reported.year)
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{prefix}-{reported.year}-{self.counters[key]:06d}"

    def channel(self, priority: str) -> str:
        if priority == "P1":
            return self.rng.choices(("phone", "email", "portal"), (8, 1, 1))[0]
        return self.rng.choices(("phone", "email", "portal"), (4, 2, 4))[0]

    def report(
        self, tid: str, reported: datetime, caller: str, data: dict[str, Any]
    ) -> tuple[str, str, str]:
        """Records `ticket_reported`; returns who handles the ticket: (desk agent, field
        engineer, logistics staff)."""
        rng = self.rng
        agent = rng.choice(DESK_AGENTS)
        actors = (agent, rng.choice(FIELD_ENGINEERS), rng.choice(LOGISTICS_STAFF))
        reporter = f"portal:{caller}" if data["channel"] == "portal" else agent
        self.log.add(f"ticket:{tid}", "ticket_reported", reported, reporter, data)
        return actors

    def follow_up(
        self, tid: str, cal: BusinessMinutes, reported: datetime, steps: list[Step]
    ) -> None:
        """Records the planned steps, never before the report, in time order (stable)."""
        placed: list[tuple[datetime, str, dict[str, Any], str]] = []
        for b, event_type, data, actor, wall in steps:
            at = cal.at(b) if wall is None else cal.calendar.to_datetime(wall)
            placed.append((max(at, reported), event_type, data, actor))
        placed.sort(key=itemgetter(0))
        stream = f"ticket:{tid}"
        for at, event_type, data, actor in placed:
            self.log.add(stream, event_type, at, actor, data)


def _report_halt_tickets(
    intake: _Intake,
    terms: Terms,
    count: int,
    employees: tuple[Employee, ...],
    loaners: LoanerStock,
) -> None:
    """`count` Halt tickets: a priority and summary, a caller (now and then one in a
    critical role asking for uplift), the report and the planned follow-up."""
    rng, cal = intake.rng, terms.clock
    staff = [e for e in employees if e.org == "halt"]
    critical = [e for e in staff if e.uplift_role is not None]
    for ts, b0, outside in report_moments(rng, cal, intake.start, intake.end, count):
        reported = cal.calendar.to_datetime(ts)
        tid = intake.ticket_id("HALT", reported)
        priority = rng.choices(HALT_PRIORITIES, HALT_PRIORITY_WEIGHTS)[0]
        summary, category, kind = rng.choice(HALT_SUMMARIES[priority])
        caller = rng.choice(staff)
        uplift: str | None = None
        if priority == "P3" and kind != "request" and critical and rng.random() < UPLIFT_RATE:
            caller = rng.choice(critical)
            uplift = caller.uplift_role
        impact, urgency = HALT_INTAKE[priority]
        data: dict[str, Any] = {
            "org": "halt",
            "caller": caller.id,
            "summary": summary,
            "channel": "phone" if uplift else intake.channel(priority),
            "category": category,
            "priority": priority,
            # The intake answers that suggest this priority (profile matrix; the security
            # flag marks a high-risk incident, which always suggests P1).
            "intake": {
                "impact": impact,
                "urgency": urgency,
                "security": category == "security" and priority == "P1",
            },
        }
        actors = intake.report(tid, reported, caller.id, data)
        ticket = HaltTicket(tid, ts, b0, outside, priority, kind, caller.region, uplift)
        steps = plan_halt(intake.draw, terms, ticket, actors, DEMO_MIX, loaners)
        intake.follow_up(tid, cal, reported, steps)
        intake.tickets.append(
            DemoTicket(tid, "halt", caller.id, reported, summary, priority=priority)
        )


def _report_desom_tickets(
    intake: _Intake, terms: Terms, count: int, employees: tuple[Employee, ...]
) -> None:
    """`count` DeSom tickets: an impact and urgency, a summary and caller, the report and
    the planned follow-up."""
    rng, cal = intake.rng, terms.clock
    staff = [e for e in employees if e.org == "desom"]
    cells = list(DESOM_CELL_WEIGHTS)
    cell_weights = list(DESOM_CELL_WEIGHTS.values())
    for ts, b0, _ in report_moments(rng, cal, intake.start, intake.end, count):
        reported = cal.calendar.to_datetime(ts)
        tid = intake.ticket_id("DESOM", reported)
        impact, urgency = rng.choices(cells, cell_weights)[0]
        summary, category = rng.choice(DESOM_SUMMARIES[urgency])
        caller = rng.choice(staff)
        channel = "phone" if (impact, urgency) == ("high", "high") else intake.channel("P3")
        data = {
            "org": "desom",
            "caller": caller.id,
            "summary": summary,
            "channel": channel,
            "category": category,
            "impact": impact,
            "urgency": urgency,
        }
        actors = intake.report(tid, reported, caller.id, data)
        steps = plan_desom(intake.draw, terms, b0, impact, urgency, actors, DEMO_MIX)
        intake.follow_up(tid, cal, reported, steps)
        intake.tickets.append(
            DemoTicket(tid, "desom", caller.id, reported, summary, impact=impact, urgency=urgency)
        )
