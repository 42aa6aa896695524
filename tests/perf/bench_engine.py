"""Benchmarks of the contract engine; prints figures, asserts nothing.

Run: .venv/bin/python tests/perf/bench_engine.py [--tickets 100000] [--base DIR]
Targets on a 2-core machine: `sla check` on 100,000 timelines (≈ 8 events each) in
≤ 5 s end to end (wall), and ≥ 200,000 business-time additions per second. Each run of
`halt-desk sla check` prints its wall time, its CPU time (user + system of the command and
its workers), the 1-minute load average before and after it and the SHA-256 of its
output; the machine is shared, so CPU time is the steadier figure. `--base DIR` (a
checkout of another commit, e.g. a `git worktree add --detach DIR main`) alternates that
checkout's command with this one's (A B A B …) and says whether their outputs are the
same bytes, and says whether each runs the engine compiled by mypyc (`scripts/setup.sh`
builds it) or its Python sources. Also prints the CPU time of one ticket check as
central does it on every push (`timeline_from_events` and `evaluate` of a stored ticket
with 8 events).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
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


def time_check(path: Path, pythonpath: Path | None, folder: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of one `halt-desk sla check PATH` (with `pythonpath` first on
    the path: another checkout's command), and the SHA-256 of its output."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    command = [sys.executable, "-m", "halt_desk", "sla", "check", str(path)]
    out_path = folder / "out.json"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with out_path.open("wb") as out:
        subprocess.run(command, stdout=out, check=True, env=env, cwd=folder)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    digest = hashlib.sha256(out_path.read_bytes()).hexdigest()
    return wall, cpu, digest


def engine_of(pythonpath: Path | None, folder: Path) -> str:
    """Whether that checkout's command runs the engine compiled by mypyc or from source."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    code = "import halt_desk.domain.clocks as c; print(type(c.__loader__).__name__)"
    loader = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=folder
    ).stdout.strip()
    return "compiled (mypyc)" if loader == "ExtensionFileLoader" else "Python sources"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--additions", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=5, help="end-to-end runs of sla check")
    parser.add_argument("--base", help="a checkout of another commit to alternate with (A B A B)")
    parser.add_argument("--only-check", action="store_true", help="only the sla check runs")
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
        print(f"sla check end to end ({size:.0f} MB JSON in, JSON out), {args.runs} runs each:")
        commands: dict[str, Path | None] = {"this": None}
        if args.base:
            commands = {"base": Path(args.base).resolve(), **commands}
        for name, pythonpath in commands.items():
            print(f"  {name:4s}: engine {engine_of(pythonpath, Path(folder))}")
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        digests: dict[str, set[str]] = {name: set() for name in commands}
        for run in range(args.runs):
            for name, pythonpath in commands.items():
                before = os.getloadavg()[0]  # the machine's other work, before this run's
                wall, cpu, digest = time_check(path, pythonpath, Path(folder))
                figures[name].append((wall, cpu))
                digests[name].add(digest)
                load = os.getloadavg()[0]
                print(
                    f"  {name:4s} run {run + 1}: wall {wall:.2f} s, CPU {cpu:.2f} s, "
                    f"load {before:.2f} → {load:.2f}, output sha256 {digest[:16]}"
                )
        for name, runs in figures.items():
            walls, cpus = [w for w, _ in runs], [c for _, c in runs]
            wall_text = f"median {statistics.median(walls):.2f} s (best {min(walls):.2f}, "
            wall_text += f"worst {max(walls):.2f}; target ≤ 5 s)"
            cpu_text = f"median {statistics.median(cpus):.2f} s (best {min(cpus):.2f})"
            print(f"  {name:4s}: wall {wall_text}, CPU {cpu_text}")
        if args.base:
            same = digests["base"] == digests["this"] and len(digests["this"]) == 1
            print(f"  outputs of base and this: {'the same bytes' if same else 'DIFFERENT'}")
    if args.only_check:
        return

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
