"""Benchmarks of the contract engine; prints figures, asserts nothing.

Run: .venv/bin/python tests/perf/bench_engine.py [--tickets 100000]
Targets on a 2-core machine: `sla check` on 100,000 timelines (≈ 8 events each) in
≤ 10 s end to end, and ≥ 200,000 business-time additions per second. Also prints the CPU
time of one ticket check as central does it on every push (`timeline_from_events` and
`evaluate` of a stored ticket with 8 events); the machine is shared, so CPU time is the
steadier figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from halt_desk.demo import generate_timelines
from halt_desk.domain.clocks import evaluate
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import load_profile
from halt_desk.domain.sla import evaluate_document
from halt_desk.domain.timeline import timeline_from_events


def bench_additions(count: int) -> float:
    calendar = load_profile("halt").calendar
    rng = random.Random(7)
    base = datetime(2027, 1, 4, 8, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    starts = [base + timedelta(minutes=rng.randrange(0, 525_600)) for _ in range(1000)]
    minutes = [rng.randrange(0, 5000) for _ in range(1000)]
    started = time.perf_counter()
    for i in range(count):
        calendar.add_business_minutes(starts[i % 1000], minutes[i % 1000])
    return count / (time.perf_counter() - started)


def bench_push_check(document: dict[str, Any], rounds: int = 20) -> float:
    """CPU µs per `evaluate(profile, timeline_from_events(...), now)` of an 8-event ticket."""
    profile = load_profile("halt")
    tickets: list[tuple[str, list[Event]]] = []
    for raw in document["tickets"]:
        if len(raw["events"]) != 8:
            continue
        stream = f"ticket:{raw['id']}"
        report = {k: v for k, v in raw.items() if k not in ("id", "reported_at", "events")}
        at = datetime.fromisoformat(raw["reported_at"])
        events = [Event(str(uuid.uuid4()), stream, "ticket_reported", at, "bench", report)]
        for item in raw["events"]:
            data = {k: v for k, v in item.items() if k not in ("type", "at")}
            at = datetime.fromisoformat(item["at"])
            events.append(Event(str(uuid.uuid4()), stream, item["type"], at, "bench", data))
        tickets.append((raw["id"], events))
    now = datetime.now(UTC)
    started = time.process_time()
    for _ in range(rounds):
        for ticket_id, events in tickets:
            evaluate(profile, timeline_from_events(ticket_id, events), now)
    return (time.process_time() - started) / (rounds * len(tickets)) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--additions", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=5, help="end-to-end runs of sla check")
    args = parser.parse_args()

    started = time.perf_counter()
    document = generate_timelines(args.tickets, seed=1, profile="halt")
    generated = time.perf_counter() - started
    events = sum(len(t["events"]) for t in document["tickets"])
    print(
        f"generated {args.tickets:,} timelines, {events / args.tickets:.1f} events each, "
        f"in {generated:.2f} s"
    )

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "timelines.json"
        path.write_text(json.dumps(document))
        size = path.stat().st_size / 1e6
        exe = Path(sys.executable).with_name("halt-desk")
        runs = []
        for _ in range(args.runs):
            started = time.perf_counter()
            with open(os.devnull, "w") as sink:
                subprocess.run([str(exe), "sla", "check", str(path)], stdout=sink, check=True)
            runs.append(time.perf_counter() - started)
    print(
        f"sla check end to end ({size:.0f} MB JSON in, JSON out), {args.runs} runs: "
        f"median {statistics.median(runs):.2f} s, best {min(runs):.2f} s, "
        f"worst {max(runs):.2f} s (target ≤ 10 s)"
    )

    started = time.perf_counter()
    evaluate_document(document)
    in_process = time.perf_counter() - started
    print(
        f"evaluate_document in process: {in_process:.2f} s, "
        f"{args.tickets / in_process:,.0f} tickets/s"
    )

    cpu = bench_push_check(document)
    print(f"central push check (timeline_from_events + evaluate, 8 events): {cpu:.1f} µs CPU")

    rate = bench_additions(args.additions)
    print(f"business-time additions: {rate:,.0f} per second (target ≥ 200,000)")


if __name__ == "__main__":
    main()
