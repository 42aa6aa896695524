"""Benchmark of the escalation job's round (central/escalation_job.py) and the desk's
notification list (desk/notifications.py) on the demo data; prints figures, asserts
nothing.

Run: .venv/bin/python tests/perf/bench_escalation_job.py [--months 3]
     [--tickets-per-month 400] [--rounds 5]

The round: the triggers over every ticket of each organisation of a central (SQLite)
filled with the demo data through its own checks, as the job runs it every
HALT_DESK_ESCALATION_EVERY seconds (nothing new to record: the demo holds what the
triggers find). The list: the newest notifications of a desk cache with the same data.
Wall times follow the machine's load, printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from halt_desk.central.escalation_job import run_round
from halt_desk.central.leases import Job, JobRunner, Lease
from halt_desk.central.service import Central
from halt_desk.demo import generate
from halt_desk.demo.desk_session import load_demo
from halt_desk.desk.notifications import desk_notifications
from halt_desk.store import Store


def timed(action: object, rounds: int) -> list[float]:
    times: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--tickets-per-month", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    dataset = generate(months=args.months, tickets_per_month=args.tickets_per_month)
    now: datetime = dataset.now
    tickets = len(dataset.tickets)
    with tempfile.TemporaryDirectory() as folder:
        central = Central.open(f"sqlite+pysqlite:///{Path(folder) / 'central.sqlite3'}")
        try:
            load_demo(central, dataset.events)
            runner = JobRunner(central.engine, [])
            job = Job("bench", lambda lease: None, lease_seconds=600)
            lease = Lease(central.engine, job, runner.holder, runner._stopping)
            lease.renew()
            recorded: list[int] = []
            rounds = timed(lambda: recorded.append(run_round(central, lease, now)), args.rounds)
        finally:
            central.close()
        with Store.open(Path(folder) / "cache.sqlite3") as store:
            store.record_events(dataset.events, bulk=True)
            found: list[int] = []
            lists = timed(
                lambda: found.append(len(desk_notifications(store, "agent:nieuw"))), args.rounds
            )
    load = os.getloadavg()
    print(f"demo data: {tickets} tickets, {len(dataset.events)} events; load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")  # fmt: skip
    print(f"escalation round (all organisations): median {statistics.median(rounds):.0f} ms, "
          f"max {max(rounds):.0f} ms, recorded {sum(recorded)}")  # fmt: skip
    print(f"notification list ({found[0]} shown): median {statistics.median(lists):.1f} ms, "
          f"max {max(lists):.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
