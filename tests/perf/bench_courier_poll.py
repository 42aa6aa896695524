"""Courier polling: 2,000 open shipments of one carrier, asked by central's built-in job
against the carrier's fake server on 127.0.0.1 (tests/courier_servers.py: at most 50
requests a second, 429 beyond), with TWO central processes (`halt-desk serve`, one SQLite
database) of which one holds the job.

Prints the round's wall time (first request to last status recorded), the CPU time of the
central processes (user+sys from /proc, both together, from before the round to after
it), the requests per shipment (each must be asked once), the 429s, the events recorded
and the load average. Targets (issue 22): ≤ 60 s wall, ≤ 5 s central CPU, within 50/s.

    .venv/bin/python tests/perf/bench_courier_poll.py [--shipments 2000] [--rate 45]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cryptography.fernet import Fernet
from sqlalchemy import text

from halt_desk.central.auth import Role, User
from halt_desk.central.courier_settings import configure
from halt_desk.central.service import Central
from tests.central_server import ProcessServer
from tests.courier_servers import FakeCarrier, Step

T0 = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """user+sys of a process and its waited-for children (utime, stime, cutime, cstime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLOCK_TICKS


def seed(central: Central, count: int) -> list[str]:
    """`count` open courier swaps, each with its loaner booked at PostNL."""
    user = User(0, "bench", Role.LOGISTICS)
    trackings = []
    batch: list[dict[str, object]] = []
    for n in range(count):
        tracking = f"3SBNCH{n:09d}"
        trackings.append(tracking)
        swap = f"swap:BENCH{n:05d}"
        for kind, data in (
            ("swap_opened", {"ticket": f"T{n:05d}", "org": "halt", "mode": "courier"}),
            ("shipment_status", {"leg": "out", "carrier": "postnl", "tracking": tracking,
                                 "status": "booked"}),
        ):  # fmt: skip
            batch.append({"id": str(uuid.uuid4()), "stream": swap, "type": kind,
                          "at": T0.isoformat(), "actor": "bench", "data": data})  # fmt: skip
        if len(batch) >= 500:
            assert all(r.status == "accepted" for r in central.record(user, batch, "bench"))
            batch = []
    if batch:
        assert all(r.status == "accepted" for r in central.record(user, batch, "bench"))
    return trackings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shipments", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=45.0)  # 10 % under the limit: jitter
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL")
    args = parser.parse_args()
    os.environ["HALT_DESK_CENTRAL_SECRET_KEY"] = Fernet.generate_key().decode()
    work = Path(tempfile.mkdtemp(prefix="bench-courier-"))
    url = f"sqlite+pysqlite:///{work / 'central.sqlite3'}"
    postgres = None
    if args.postgres:
        from tests.pg import ThrowawayPostgres

        postgres = ThrowawayPostgres()
        postgres.start()
        url = postgres.new_database("bench_courier")
    try:
        return run(args, work, url)
    finally:
        if postgres is not None:
            postgres.stop()


def run(args: argparse.Namespace, work: Path, url: str) -> int:
    fake = FakeCarrier("postnl").start()
    codes = [("2", "Zending in ontvangst genomen"), ("5", "Zending gesorteerd")]
    central = Central.open(url)
    admin = User(0, "admin", Role.ADMIN)
    org = {"name": "Halt", "profile": "halt"}
    central.record(admin, [{"id": str(uuid.uuid4()), "stream": "org:halt", "type":
                            "organisation_registered", "at": T0.isoformat(), "actor": "b",
                            "data": org}], "bench")  # fmt: skip
    trackings = seed(central, args.shipments)
    for tracking in trackings:
        steps = [Step(c, T0 + timedelta(minutes=10 * (i + 1)), t) for i, (c, t) in enumerate(codes)]
        fake.add(tracking, steps, shown=2)
    central.close()
    servers = [ProcessServer(url, work / f"data{i}") for i in (1, 2)]
    for server in servers:
        server.start()
    pids = [s.process.pid for s in servers if s.process is not None]
    before = sum(cpu_seconds(pid) for pid in pids)
    central = Central.open(url)
    configure(central.engine, "postnl", fake.api_key, base_url=fake.url, rate=args.rate,
              interval_minutes=60)  # fmt: skip
    started = time.monotonic()
    expected_events = 2 * args.shipments
    events = 0
    while time.monotonic() - started < 300:
        with central.engine.connect() as conn:
            events = conn.execute(
                text("SELECT count(*) FROM events WHERE actor = 'koerier'")
            ).scalar_one()
        if events >= expected_events:
            break
        time.sleep(0.25)
    wall = time.monotonic() - started
    time.sleep(6)  # another round of the job: nothing is due, nothing asked again
    after = sum(cpu_seconds(pid) for pid in pids)
    load = os.getloadavg()
    asked = fake.requests
    for server in servers:
        server.stop()
    fake.stop()
    central.close()
    once = sum(1 for t in trackings if asked.get(t) == 1)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"shipments {args.shipments}, rate {args.rate:g}/s, 2 central processes ({backend})")
    print(f"round wall {wall:.1f} s (configure → {events} statuses recorded)")
    print(f"central CPU (both processes, user+sys) {after - before:.2f} s "
          f"= {(after - before) / args.shipments * 1000:.2f} ms per shipment")  # fmt: skip
    print(f"asked once: {once}/{args.shipments}; asked more than once: "
          f"{sum(1 for t in trackings if asked.get(t, 0) > 1)}; 429s: {fake.refused}")  # fmt: skip
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    ok = wall <= 60 and after - before <= 5 and once == args.shipments and fake.refused == 0
    print("OK" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
