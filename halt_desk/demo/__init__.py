"""Deterministic demo data: two customers, loaner depots and months of tickets as events.

`generate()` builds the data set behind `halt-desk demo` (reference data, devices and
tickets, all as events of DESIGN §3.2–§3.4); `timelines()` turns its tickets into the
§3.3 input of `halt-desk sla check`; `generate_timelines()` makes large synthetic §3.3
inputs for the benchmarks. The same arguments always give the same result: all chance
comes from `random.Random(seed)`, never from the clock or the global generator.
"""

from __future__ import annotations

import gc
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate, count
from operator import attrgetter, itemgetter
from typing import Any

from halt_desk.demo._clock import BusinessMinutes, Terms
from halt_desk.demo._names import DESOM_SUMMARIES, HALT_SUMMARIES
from halt_desk.demo._reference import (
    DEPOT_MINIMUM,
    DEPOTS,
    DESK_AGENTS,
    DESOM_LOCATIONS,
    FIELD_ENGINEERS,
    HALT_LOCATIONS,
    LOGISTICS_STAFF,
    NEAREST_DEPOT,
    ORGANISATIONS,
    Depot,
    Device,
    Employee,
    Location,
    Organisation,
    build_devices,
    build_employees,
)
from halt_desk.demo._tickets import (
    BENCHMARK_MIX,
    DEMO_MIX,
    DESOM_CELL_WEIGHTS,
    HALT_INTAKE,
    HALT_PRIORITIES,
    HALT_PRIORITY_WEIGHTS,
    Draws,
    HaltTicket,
    Mix,
    Step,
    plan_desom,
    plan_halt,
)
from halt_desk.domain.events import CLOCK_EVENT_TYPES, Event
from halt_desk.domain.profiles import Profile, load_profile

__all__ = [
    "DemoDataset",
    "DemoTicket",
    "Depot",
    "Device",
    "Employee",
    "Location",
    "Organisation",
    "generate",
    "generate_timelines",
    "timelines",
]

#: Share of the tickets that belong to Stichting Halt (the rest is SSC DeSom).
HALT_SHARE = 0.75
#: Share of reports made outside the service window (evenings, early mornings, weekends).
OUTSIDE_SHARE = 0.10
#: Chance that a P3 ticket of someone in a critical role asks for P1-uplift.
UPLIFT_RATE = 0.04
#: Ticket event types that move a clock: the §3.3 types plus a (granted) uplift.
CLOCK_MOVING_TYPES = CLOCK_EVENT_TYPES | {"uplift_decided"}
#: Relative report volume Monday … Sunday (on the window days of the profile).
WEEKDAY_WEIGHTS = (1.3, 1.1, 1.0, 1.0, 0.75, 0.3, 0.2)
SYSTEM_ACTOR = "system:demo-import"
#: A report: (UTC epoch seconds, business minute at which its clocks start, outside the window).
Report = tuple[float, int, bool]
#: The profiles the demo can plan tickets for.
PLANNED_PROFILES = ("halt", "desom")


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


class _EventLog:
    """Collects events with deterministic ids, leaving out anything after `now`."""

    def __init__(self, id_rng: random.Random, now: datetime) -> None:
        self._ids = id_rng
        self._now = now
        self.events: list[Event] = []

    def add(
        self, stream: str, event_type: str, at: datetime, actor: str, data: dict[str, Any]
    ) -> None:
        if at > self._now:
            return
        event_id = str(uuid.UUID(int=self._ids.getrandbits(128), version=4))
        self.events.append(Event(event_id, stream, event_type, at, actor, data))


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


def _report_moments(
    rng: random.Random, cal: BusinessMinutes, start: date, end: date, count: int
) -> list[Report]:
    """`count` reports in [start, end], about 10 % outside the window, in time order."""
    draw = Draws(rng)
    width = cal.width
    days = cal.business_days(start, end)
    cum = list(accumulate(WEEKDAY_WEIGHTS[cal.day_date(i).weekday()] for i in days))
    outside = round(count * OUTSIDE_SHARE) if days else 0
    moments: list[Report] = []
    if days:
        first_minute = [cal.day_start(i) for i in days]
        opening_ts = [cal.instant(b, at_opening=True) for b in first_minute]
        for j in rng.choices(range(len(days)), cum_weights=cum, k=count - outside):
            minute = int(draw.triangular(0, width - 1, width * 0.25))
            moments.append((opening_ts[j] + 60 * minute, first_minute[j] + minute, False))
    span = (end - start).days + 1
    for _ in range(outside):
        day = start + timedelta(days=rng.randrange(span))
        if cal.is_business_day(day):
            if rng.random() < 0.35:
                minute = rng.randint(6 * 60 + 30, cal.opens - 1)
            else:
                minute = rng.randint(cal.closes, 22 * 60 + 30)
        else:
            minute = rng.randint(8 * 60 + 30, 21 * 60 + 30)
        at = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=cal.tz)
        ts = at.timestamp()
        moments.append((ts, cal.index(ts), True))
    moments.sort(key=itemgetter(0))
    return moments


def _resolve(
    cal: BusinessMinutes, reported: datetime, steps: list[Step]
) -> list[tuple[datetime, str, dict[str, Any], str]]:
    """Steps with wall-clock times, never before the report, in time order (stable)."""
    placed: list[tuple[datetime, str, dict[str, Any], str]] = []
    for b, event_type, data, actor, wall in steps:
        at = cal.at(b) if wall is None else cal.calendar.to_datetime(wall)
        placed.append((max(at, reported), event_type, data, actor))
    placed.sort(key=itemgetter(0))
    return placed


class _Depots:
    """The loaner stock: hands out the ready laptop that has waited longest, and records
    its trip (reserve, courier, delivery, return, sanitisation, readiness) as events."""

    def __init__(
        self,
        rng: random.Random,
        cal: BusinessMinutes,
        devices: tuple[Device, ...],
        ready_from: dict[str, int],
        log: _EventLog,
    ) -> None:
        self._rng = rng
        self._cal = cal
        self._log = log
        self._free_from = dict(ready_from)
        self._by_depot = {d.id: [dev for dev in devices if dev.depot == d.id] for d in DEPOTS}
        self._certificates = 0

    def __call__(self, ticket: HaltTicket, swap: str, requested: int, delivered: int) -> str | None:
        rng, width = self._rng, self._cal.width
        for depot in NEAREST_DEPOT.get(ticket.region, ("depot-utrecht", "depot-zwolle")):
            ready = [
                dev
                for dev in self._by_depot[depot]
                if self._free_from.get(dev.asset_tag, requested + 1) <= requested
            ]
            if not ready:
                continue
            device = min(ready, key=lambda dev: (self._free_from[dev.asset_tag], dev.asset_tag))
            staff = rng.choice(LOGISTICS_STAFF)
            reserved = requested + rng.randint(2, 15)
            shipped = reserved + max(1, min(rng.randint(20, 60), (delivered - reserved) // 2))
            returned = delivered + rng.randint(5 * width, 15 * width)
            received = returned + rng.randint(width // 2, 2 * width)
            sanitised = received + rng.randint(60, width)
            checked = sanitised + rng.randint(30, 120)
            self._certificates += 1
            certificate = f"SAN-{self._cal.at(sanitised).year}-{self._certificates:05d}"
            trips = (
                (reserved, "device_reserved", {"swap": swap, "ticket": ticket.id}),
                (shipped, "device_shipped", {"swap": swap, **self._courier()}),
                (delivered, "device_delivered", {"swap": swap}),
                (returned, "device_return_shipped", {"swap": swap, **self._courier()}),
                (received, "device_received", {"depot": depot}),
                (
                    sanitised,
                    "device_sanitised",
                    {
                        "method": "BitLocker crypto-erase en Autopilot-reset",
                        "operator": staff,
                        "certificate": certificate,
                    },
                ),
                (
                    checked,
                    "readiness_checked",
                    {
                        "autopilot": True,
                        "bitlocker": True,
                        "base_apps": True,
                        "mfa": True,
                    },
                ),
            )
            stream = f"device:{device.asset_tag}"
            for b, event_type, data in trips:
                self._log.add(stream, event_type, self._cal.at(b), staff, data)
            self._free_from[device.asset_tag] = checked
            return device.asset_tag
        return None

    def _courier(self) -> dict[str, str]:
        rng = self._rng
        if rng.random() < 0.6:
            return {"carrier": "postnl", "tracking": f"3SHLTD{rng.randrange(10**8, 10**9)}"}
        return {"carrier": "dhl", "tracking": f"JVGL{rng.randrange(10**15, 10**16)}"}


def _reference_events(
    rng: random.Random,
    log: _EventLog,
    cal: BusinessMinutes,
    start: date,
    employees: tuple[Employee, ...],
    devices: tuple[Device, ...],
) -> dict[str, int]:
    """Registers organisations, locations, employees, depots and loaners two weeks before
    `start`; returns, per ready loaner, the business index from which it is in stock."""
    base = datetime.combine(start - timedelta(days=14), time(9, 0), cal.tz)
    tick = count()

    def at() -> datetime:
        return base + timedelta(seconds=next(tick))

    for org in ORGANISATIONS:
        log.add(
            f"org:{org.id}",
            "organisation_registered",
            at(),
            SYSTEM_ACTOR,
            {"name": org.name, "profile": org.profile},
        )
    for loc in HALT_LOCATIONS + DESOM_LOCATIONS:
        log.add(
            f"location:{loc.id}",
            "location_registered",
            at(),
            SYSTEM_ACTOR,
            {"org": loc.org, "name": loc.name, "city": loc.city, "region": loc.region},
        )
    for depot in DEPOTS:
        log.add(
            f"depot:{depot.id}",
            "depot_registered",
            at(),
            SYSTEM_ACTOR,
            {"name": depot.name, "city": depot.city, "minimum": DEPOT_MINIMUM[depot.id]},
        )
    for emp in employees:
        data = {
            "org": emp.org,
            "name": emp.name,
            "email": emp.email,
            "phone": emp.phone,
            "team": emp.team,
            "region": emp.region,
            "location": emp.location,
            "role": emp.role,
        }
        log.add(f"employee:{emp.id}", "employee_registered", at(), SYSTEM_ACTOR, data)

    registered = datetime.combine(start - timedelta(days=10), time(10, 0), cal.tz)
    checked = datetime.combine(start - timedelta(days=7), time(10, 0), cal.tz)
    # Two loaners fail one readiness check at first and are fixed in the first weeks.
    not_ready = set(rng.sample(range(len(devices)), k=min(2, len(devices))))
    ready_from: dict[str, int] = {}
    for n, dev in enumerate(devices):
        stream = f"device:{dev.asset_tag}"
        staff = LOGISTICS_STAFF[n % len(LOGISTICS_STAFF)]
        log.add(
            stream,
            "device_registered",
            registered + timedelta(minutes=n),
            staff,
            {
                "serial": dev.serial,
                "model": dev.model,
                "type": dev.type,
                "org": dev.org,
                "depot": dev.depot,
            },
        )
        checks = {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True}
        check_at = checked + timedelta(minutes=n)
        if n in not_ready:
            checks[rng.choice(("bitlocker", "base_apps"))] = False
            log.add(stream, "readiness_checked", check_at, staff, checks)
            fixed = cal.index_of(check_at) + rng.randint(5 * cal.width, 15 * cal.width)
            log.add(
                stream,
                "readiness_checked",
                cal.at(fixed),
                staff,
                {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True},
            )
            ready_from[dev.asset_tag] = fixed
        else:
            log.add(stream, "readiness_checked", check_at, staff, checks)
            ready_from[dev.asset_tag] = cal.index_of(check_at)
    return ready_from


def _ticket_id(prefix: str, reported: datetime, counters: dict[tuple[str, int], int]) -> str:
    key = (prefix, reported.year)
    counters[key] = counters.get(key, 0) + 1
    return f"{prefix}-{reported.year}-{counters[key]:06d}"


def _report_channel(rng: random.Random, priority: str) -> str:
    if priority == "P1":
        return rng.choices(("phone", "email", "portal"), (8, 1, 1))[0]
    return rng.choices(("phone", "email", "portal"), (4, 2, 4))[0]


def generate(
    seed: int = 1,
    months: int = 3,
    end: date = date(2026, 11, 30),
    tickets_per_month: int = 400,
) -> DemoDataset:
    """The demo data set: `tickets_per_month` × `months` tickets (Halt and DeSom together)
    reported in the `months` calendar months that end on `end`, plus reference data."""
    if months < 1:
        raise ValueError(f"months: expected 1 or more, got {months}")
    if tickets_per_month < 0:
        raise ValueError(f"tickets_per_month: expected 0 or more, got {tickets_per_month}")
    rng = random.Random(seed)
    start = _months_back(end, months)
    halt_profile, desom_profile = load_profile("halt"), load_profile("desom")
    halt_cal = BusinessMinutes(halt_profile.calendar)
    desom_cal = BusinessMinutes(desom_profile.calendar)
    now = datetime.combine(end, time(23, 59), halt_cal.tz)
    log = _EventLog(random.Random(f"halt-desk-demo-ids/{seed}"), now)

    employees = build_employees(rng)
    devices = build_devices(rng)
    ready_from = _reference_events(rng, log, halt_cal, start, employees, devices)
    depots = _Depots(rng, halt_cal, devices, ready_from, log)

    total = tickets_per_month * months
    halt_count = round(total * HALT_SHARE)
    halt_staff = [e for e in employees if e.org == "halt"]
    critical = [e for e in halt_staff if e.uplift_role is not None]
    desom_staff = [e for e in employees if e.org == "desom"]
    halt_terms = Terms(halt_profile, halt_cal)
    desom_terms = Terms(desom_profile, desom_cal)
    counters: dict[tuple[str, int], int] = {}
    tickets: list[DemoTicket] = []

    draw = Draws(rng)
    for ts, b0, outside in _report_moments(rng, halt_cal, start, end, halt_count):
        reported = halt_cal.calendar.to_datetime(ts)
        tid = _ticket_id("HALT", reported, counters)
        priority = rng.choices(HALT_PRIORITIES, HALT_PRIORITY_WEIGHTS)[0]
        summary, category, kind = rng.choice(HALT_SUMMARIES[priority])
        caller = rng.choice(halt_staff)
        uplift: str | None = None
        if priority == "P3" and kind != "request" and critical and rng.random() < UPLIFT_RATE:
            caller = rng.choice(critical)
            uplift = caller.uplift_role
        channel = "phone" if uplift else _report_channel(rng, priority)
        impact, urgency = HALT_INTAKE[priority]
        data: dict[str, Any] = {
            "org": "halt",
            "caller": caller.id,
            "summary": summary,
            "channel": channel,
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
        agent = rng.choice(DESK_AGENTS)
        actors = (agent, rng.choice(FIELD_ENGINEERS), rng.choice(LOGISTICS_STAFF))
        stream = f"ticket:{tid}"
        reporter = f"portal:{caller.id}" if channel == "portal" else agent
        log.add(stream, "ticket_reported", reported, reporter, data)
        ticket = HaltTicket(tid, ts, b0, outside, priority, kind, caller.region, uplift)
        steps = plan_halt(draw, halt_terms, ticket, actors, DEMO_MIX, depots)
        for at, event_type, step_data, actor in _resolve(halt_cal, reported, steps):
            log.add(stream, event_type, at, actor, step_data)
        tickets.append(DemoTicket(tid, "halt", caller.id, reported, summary, priority=priority))

    cells = list(DESOM_CELL_WEIGHTS)
    cell_weights = list(DESOM_CELL_WEIGHTS.values())
    for ts, b0, _ in _report_moments(rng, desom_cal, start, end, total - halt_count):
        reported = desom_cal.calendar.to_datetime(ts)
        tid = _ticket_id("DESOM", reported, counters)
        impact, urgency = rng.choices(cells, cell_weights)[0]
        summary, category = rng.choice(DESOM_SUMMARIES[urgency])
        caller = rng.choice(desom_staff)
        channel = "phone" if (impact, urgency) == ("high", "high") else _report_channel(rng, "P3")
        data = {
            "org": "desom",
            "caller": caller.id,
            "summary": summary,
            "channel": channel,
            "category": category,
            "impact": impact,
            "urgency": urgency,
        }
        agent = rng.choice(DESK_AGENTS)
        actors = (agent, rng.choice(FIELD_ENGINEERS), rng.choice(LOGISTICS_STAFF))
        stream = f"ticket:{tid}"
        reporter = f"portal:{caller.id}" if channel == "portal" else agent
        log.add(stream, "ticket_reported", reported, reporter, data)
        steps = plan_desom(draw, desom_terms, b0, impact, urgency, actors, DEMO_MIX)
        for at, event_type, step_data, actor in _resolve(desom_cal, reported, steps):
            log.add(stream, event_type, at, actor, step_data)
        tickets.append(
            DemoTicket(tid, "desom", caller.id, reported, summary, impact=impact, urgency=urgency)
        )

    events = sorted(log.events, key=attrgetter("at"))
    tickets.sort(key=attrgetter("reported_at"))
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
        tickets=tuple(tickets),
        events=tuple(events),
    )


def _flatten(event_type: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"type": event_type, "at": at.isoformat()}
    for key, value in data.items():
        if key not in item:
            item[key] = dict(value) if isinstance(value, dict) else value
    return item


def timelines(
    dataset: DemoDataset,
    profile: str,
    now: datetime | None = None,
    *,
    clock_events_only: bool = False,
) -> dict[str, Any]:
    """The §3.3 input of `sla check` for the tickets of organisations with `profile`.

    `ticket_reported` becomes the ticket's `reported_at` and `priority` (or `impact` and
    `urgency`); every later ticket event is kept with its data flattened into it, or,
    with `clock_events_only`, only those that move a clock: the §3.3 types and
    `uplift_decided` (a granted uplift is the ticket's change to P1). Events after `now`
    (default `dataset.now`) are left out, and so are tickets reported after it.
    """
    orgs = {org.id for org in dataset.organisations if org.profile == profile}
    if not orgs:
        known = ", ".join(sorted({org.profile for org in dataset.organisations}))
        raise ValueError(f"profile: no demo organisation has profile {profile!r} (known: {known})")
    if now is None:
        now = dataset.now
    elif now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now: {now.isoformat()} has no UTC offset")
    tickets: dict[str, dict[str, Any]] = {}
    for event in dataset.events:
        if event.at > now:
            break
        if event.stream_kind != "ticket":
            continue
        key = event.stream_key
        if event.type == "ticket_reported":
            if event.data.get("org") not in orgs:
                continue
            ticket: dict[str, Any] = {"id": key, "reported_at": event.at.isoformat()}
            if "priority" in event.data:
                ticket["priority"] = event.data["priority"]
            else:
                ticket["impact"] = event.data["impact"]
                ticket["urgency"] = event.data["urgency"]
            ticket["events"] = []
            tickets[key] = ticket
        elif key in tickets and (not clock_events_only or event.type in CLOCK_MOVING_TYPES):
            tickets[key]["events"].append(_flatten(event.type, event.at, dict(event.data)))
    return {"profile": profile, "now": now.isoformat(), "tickets": list(tickets.values())}


#: The benchmark inputs span a year and are evaluated on its last afternoon.
BENCHMARK_START = date(2025, 12, 1)
BENCHMARK_END = date(2026, 11, 30)
BENCHMARK_HALT_WEIGHTS = (15.0, 32.0, 38.0, 15.0)


def generate_timelines(count: int, seed: int = 1, profile: str = "halt") -> dict[str, Any]:
    """A §3.3 input of `count` synthetic tickets (≈ 8 clock events each) for benchmarks.

    It has every priority, reports outside the window, pauses, priority changes, swaps,
    onsite visits, workarounds and uplifts; 5 % of the tickets are reported in the last
    week before the top-level `now`, so some clocks are still running.
    """
    if count < 0:
        raise ValueError(f"count: expected 0 or more, got {count}")
    if profile not in PLANNED_PROFILES:
        raise ValueError(f"profile: expected one of {', '.join(PLANNED_PROFILES)}, got {profile!r}")
    # The document is close to a million small acyclic objects; left running, the cyclic
    # garbage collector rescans the growing document again and again (a quarter of the run).
    with _collector_paused():
        return _benchmark_document(count, seed, load_profile(profile))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pauses the cyclic garbage collector (reference counting goes on), then restores it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _benchmark_document(count: int, seed: int, contract: Profile) -> dict[str, Any]:
    rng = random.Random(seed)
    draw = Draws(rng)
    cal = BusinessMinutes(contract.calendar)
    terms = Terms(contract, cal)
    now = datetime.combine(BENCHMARK_END, time(15, 0), cal.tz)
    now_ts = now.timestamp()
    now_b = cal.index(now_ts)
    recent = count // 20
    moments = _report_moments(
        rng, cal, BENCHMARK_START, BENCHMARK_END - timedelta(days=7), count - recent
    )
    for _ in range(recent):
        b = now_b - draw.randint(1, 5 * cal.width)
        moments.append((cal.instant(b, at_opening=True), b, False))
    cells = tuple(DESOM_CELL_WEIGHTS)
    cell_cum = tuple(accumulate(DESOM_CELL_WEIGHTS.values()))
    halt_cum = tuple(accumulate(BENCHMARK_HALT_WEIGHTS))
    actors = ("agent:benchmark", "field:benchmark", "logistics:benchmark")
    mix: Mix = BENCHMARK_MIX
    halt = contract.name == "halt"
    iso, iso_at_opening = cal.iso_texts, cal.iso_at_opening
    to_datetime = contract.calendar.to_datetime
    by_minute = itemgetter(0)
    tickets: list[dict[str, Any]] = []
    for n, (ts, b0, outside) in enumerate(moments, start=1):
        tid = f"T{n:06d}"
        # A report inside the window lies on a whole business minute (read at the
        # opening: 08:00, not the previous day's 17:00); one outside is formatted alone.
        reported = to_datetime(ts).isoformat() if outside else iso_at_opening[b0]
        ticket: dict[str, Any]
        if halt:
            priority = draw.pick(HALT_PRIORITIES, halt_cum)
            kind = draw.choice(HALT_SUMMARIES[priority])[2]
            if priority in ("P3", "P4") and draw.random() < (0.5 if priority == "P3" else 0.2):
                kind = "hardware"
            uplift = "class_or_group" if priority == "P3" and draw.random() < 0.03 else None
            planned = HaltTicket(tid, ts, b0, outside, priority, kind, "West", uplift)
            steps = plan_halt(draw, terms, planned, actors, mix)
            ticket = {"id": tid, "reported_at": reported, "priority": priority}
        else:
            impact, urgency = draw.pick(cells, cell_cum)
            steps = plan_desom(draw, terms, b0, impact, urgency, actors, mix)
            ticket = {"id": tid, "reported_at": reported, "impact": impact, "urgency": urgency}
        # Every business-minute step lies after the report, so sorting by minute is
        # enough; the steps after `now` have not happened yet.
        steps.sort(key=by_minute)
        events: list[dict[str, Any]] = []
        for b, event_type, data, _, wall in steps:
            if wall is None:
                if b > now_b:
                    break
                at = iso[b]
            elif wall <= now_ts:
                at = to_datetime(wall).isoformat()
            else:
                break
            # Each step's data is a fresh dict of its own: it becomes the event.
            data["type"] = event_type
            data["at"] = at
            events.append(data)
        ticket["events"] = events
        tickets.append(ticket)
    return {"profile": contract.name, "now": now.isoformat(), "tickets": tickets}
