"""The changes feed per page: a regie user bound to one organisation among ten against a
user of the provider reading everything (target: the bound feed ≤ 20 % slower per page).

Run: .venv/bin/python tests/perf/bench_feed.py [--backend sqlite|postgres|both]
     [--tickets N] [--rounds N] [--passes N]
The server runs as its own process (`halt-desk serve`) on 127.0.0.1 over a database with
10 organisations and 4 events per ticket; both users page with limit=500. Measured A B A B
(unbound, bound alternating), wall time and the server's CPU time (user + system, all its
processes) per page; prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from halt_desk.central.auth import Role, User
from halt_desk.central.service import Central
from tests.central_server import ProcessServer, bearer

START = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
ORGS = [f"org{n}" for n in range(10)]
PAGE = 500
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def event(stream: str, kind: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": at.isoformat(),
        "actor": "bench",
        "data": data,
    }


def load(central: Central, tickets: int) -> int:
    """Ten organisations and `tickets` tickets spread over them, 4 events each."""
    admin, agent = User(0, "bench-admin", Role.ADMIN), User(0, "bench-agent", Role.AGENT)
    orgs = [
        event(f"org:{o}", "organisation_registered", START, {"name": o, "profile": "halt"})
        for o in ORGS
    ]
    central.record(admin, orgs, "bench")
    batch: list[dict[str, Any]] = []
    for n in range(tickets):
        stream, at = f"ticket:B{n}", START + timedelta(minutes=3 * n)
        report = {"org": ORGS[n % 10], "caller": "e1", "summary": "Laptop", "channel": "phone"}
        batch += [
            event(stream, "ticket_reported", at, {**report, "priority": "P3"}),
            event(stream, "assigned", at + timedelta(minutes=1), {"to": "field-1"}),
            event(stream, "first_response", at + timedelta(minutes=2), {"channel": "phone"}),
            event(stream, "comment", at + timedelta(minutes=3), {"text": "Belt terug " * 8}),
        ]
        if len(batch) >= 500:
            central.record_many([(agent, batch, "bench")])
            batch = []
    if batch:
        central.record_many([(agent, batch, "bench")])
    return central.event_count()


def cpu_seconds(root: int) -> float:
    total = 0
    pids = [root] + [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and _parent(int(p.name)) == root
    ]
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def page_through(
    session: requests.Session, url: str, token: str, pid: int, pages: int, passes: int = 1
) -> tuple[float, float, int]:
    """Wall seconds and server CPU seconds per full page, over at most `pages` pages from
    the start, `passes` times (the CPU clock ticks in 10 ms: enough pages to tell)."""
    done, events = 0, 0
    cpu0, wall0 = cpu_seconds(pid), time.perf_counter()
    for _ in range(passes):
        done, events = _pages(session, url, token, pages, done, events)
    wall, cpu = time.perf_counter() - wall0, cpu_seconds(pid) - cpu0
    return wall / done, cpu / done, events // done


def _pages(
    session: requests.Session, url: str, token: str, pages: int, done: int, events: int
) -> tuple[int, int]:
    since, limit = 0, done + pages
    while done < limit:
        response = session.get(
            f"{url}/api/v1/changes",
            params={"since": since, "limit": PAGE},
            headers=bearer(token),
            timeout=60,
        )
        response.raise_for_status()
        body = response.json()
        events += len(body["events"])
        done += 1
        since = body["next"]
        if not body["more"]:
            break
    return done, events


def bench(backend: str, tickets: int, rounds: int, passes: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-feed-"))
    pg = None
    if backend == "postgres":
        from tests.pg import ThrowawayPostgres

        pg = ThrowawayPostgres()
        pg.start()
        url = pg.new_database("feed")
    else:
        url = f"sqlite+pysqlite:///{folder / 'central.sqlite3'}"
    central = Central.open(url)
    started = time.perf_counter()
    count = load(central, tickets)
    provider = central.add_user("regie-msp", "regie")
    bound = central.add_user("regie-org3", "regie", ["org3"])
    central.close()
    print(f"{backend}: {count} events loaded in {time.perf_counter() - started:.0f} s")
    server = ProcessServer(url, folder / "data")
    server.start()
    assert server.process is not None
    pages = (tickets * 4 // 10) // PAGE  # the bound user's whole feed, in full pages
    figures: dict[str, list[tuple[float, float]]] = {"unbound": [], "bound": []}
    try:
        with requests.Session() as session:
            page_through(session, server.url, provider, server.process.pid, 2)  # warm up
            for _ in range(rounds):
                for name, token in (("unbound", provider), ("bound", bound)):
                    wall, cpu, size = page_through(
                        session, server.url, token, server.process.pid, pages, passes
                    )
                    assert size == PAGE, (name, size)
                    figures[name].append((wall, cpu))
    finally:
        server.stop()
        if pg is not None:
            pg.stop()
    load_avg = os.getloadavg()[0]
    summary = {}
    for name, values in figures.items():
        wall = statistics.median(v[0] for v in values) * 1000
        cpu = statistics.median(v[1] for v in values) * 1000
        summary[name] = (wall, cpu)
        print(
            f"  {name:8s} {pages} pages of {PAGE} x {passes}: median {wall:6.1f} ms wall, "
            f"{cpu:6.1f} ms server CPU per page (rounds: "
            + ", ".join(f"{w * 1000:.1f}/{c * 1000:.1f}" for w, c in values)
            + ")"
        )
    (uw, uc), (bw, bc) = summary["unbound"], summary["bound"]
    print(
        f"  bound vs unbound per page: wall {100 * (bw / uw - 1):+.0f} %, "
        f"server CPU {100 * (bc / uc - 1):+.0f} % (load average {load_avg:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--tickets", type=int, default=12_500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--passes", type=int, default=5, help="times through the pages per round")
    args = parser.parse_args()
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        bench(backend, args.tickets, args.rounds, args.passes)


if __name__ == "__main__":
    main()
