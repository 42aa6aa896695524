"""§3.3 inputs of `halt-desk sla check`: from the demo data set (`timelines`), and large
synthetic ones for the benchmarks and golden tests (`generate_timelines`)."""

from __future__ import annotations

import gc
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from operator import itemgetter
from typing import Any

from halt_desk.demo.business_minutes import BusinessMinutes, Terms
from halt_desk.demo.dataset import DemoDataset
from halt_desk.demo.desom_plan import DESOM_CELL_WEIGHTS, plan_desom
from halt_desk.demo.halt_plan import HALT_PRIORITIES, HaltTicket, plan_halt
from halt_desk.demo.moments import Report, report_moments
from halt_desk.demo.planning import BENCHMARK_MIX, Draws, Step
from halt_desk.demo.sample_texts import HALT_SUMMARIES
from halt_desk.domain.events import CLOCK_EVENT_TYPES
from halt_desk.domain.profiles import Profile, load_profile

#: Ticket event types that move a clock: the §3.3 types plus a (granted) uplift.
CLOCK_MOVING_TYPES = CLOCK_EVENT_TYPES | {"uplift_decided"}
#: The profiles the demo can plan tickets for.
PLANNED_PROFILES = ("halt", "desom")
#: The benchmark inputs span a year and are evaluated on its last afternoon.
BENCHMARK_START = date(2025, 12, 1)
BENCHMARK_END = date(2026, 11, 30)
BENCHMARK_HALT_WEIGHTS = (15.0, 32.0, 38.0, 15.0)


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


def _flatten(event_type: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"type": event_type, "at": at.isoformat()}
    for key, value in data.items():
        if key not in item:
            item[key] = dict(value) if isinstance(value, dict) else value
    return item


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
    now_b = cal.index(now.timestamp())
    moments = _benchmark_moments(rng, draw, cal, now_b, count)
    cells = tuple(DESOM_CELL_WEIGHTS)
    cell_cum = tuple(accumulate(DESOM_CELL_WEIGHTS.values()))
    halt_cum = tuple(accumulate(BENCHMARK_HALT_WEIGHTS))
    actors = ("agent:benchmark", "field:benchmark", "logistics:benchmark")
    mix = BENCHMARK_MIX
    halt = contract.name == "halt"
    iso_at_opening = cal.iso_at_opening
    to_datetime = contract.calendar.to_datetime
    happened = _Happened(cal, now)
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
        ticket["events"] = happened(steps)
        tickets.append(ticket)
    return {"profile": contract.name, "now": now.isoformat(), "tickets": tickets}


def _benchmark_moments(
    rng: random.Random, draw: Draws, cal: BusinessMinutes, now_b: int, count: int
) -> list[Report]:
    """The reports over the benchmark year, and 5 % in the last week before `now_b`
    (at an opening), whose clocks may still run."""
    recent = count // 20
    last = BENCHMARK_END - timedelta(days=7)
    moments = report_moments(rng, cal, BENCHMARK_START, last, count - recent)
    for _ in range(recent):
        b = now_b - draw.randint(1, 5 * cal.width)
        moments.append((cal.instant(b, at_opening=True), b, False))
    return moments


_BY_MINUTE = itemgetter(0)


class _Happened:
    """A ticket's planned steps up to `now` as §3.3 events (each step's data becomes one)."""

    __slots__ = ("_iso", "_now_b", "_now_ts", "_to_datetime")

    def __init__(self, cal: BusinessMinutes, now: datetime) -> None:
        self._iso = cal.iso_texts
        self._now_ts = now.timestamp()
        self._now_b = cal.index(self._now_ts)
        self._to_datetime: Callable[[float], datetime] = cal.calendar.to_datetime

    def __call__(self, steps: list[Step]) -> list[dict[str, Any]]:
        iso, now_b, now_ts, to_datetime = self._iso, self._now_b, self._now_ts, self._to_datetime
        # Every business-minute step lies after the report, so sorting by minute is
        # enough; the steps after `now` have not happened yet.
        steps.sort(key=_BY_MINUTE)
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
        return events
