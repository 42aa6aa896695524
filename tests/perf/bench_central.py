"""Benchmarks of the central API on SQLite and PostgreSQL; prints figures, asserts nothing.

Run: .venv/bin/python tests/perf/bench_central.py [--backend sqlite|postgres|both]
     [--workers N] [--servers N] [--load wrk|python] [--duration S] [--warmup S]
     [--health] [--profile DIR] [--cprofile DIR]
Targets on a 2-core machine: 10,000 events in batches of 500 accepted in ≤ 5 s; ≥ 1,000
events/s sustained with 20 concurrent clients, p99 ≤ 50 ms per single-event push.
The server runs as its own process (`halt-desk serve`) on 127.0.0.1. The concurrent load
comes from `wrk` (scripts/setup.sh --bench installs it) with tests/perf/push.lua, so the
load generator costs little CPU; without wrk, from 20 Python threads. Every figure comes
with the server's CPU time (all its processes), the fair measure on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from halt_desk.central.group_commit import PROFILE_ENV
from halt_desk.central.service import Central
from tests.central_server import ProcessServer, bearer

START = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
PUSH_SCRIPT = Path(__file__).with_name("push.lua")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
#: The root process of the PostgreSQL server of the running benchmark (None on SQLite).
DATABASE_PROCESS: list[int | None] = [None]
#: The database URL of the running benchmark.
DATABASE_URL: list[str] = [""]
#: Where the writer thread of a server process spends its time (wall clock), by the
#: first of these functions on its stack: the part of a group commit it is in. Names of
#: both the old writer (Batch.open, catch_up: everything under the lock) and the new one.
PHASES = (
    ("Batch.lock", "lock: wait for it, counter, audit head, changes since (RT)"),
    ("Batch.open_locked", "locked: check again after a conflict"),
    ("Batch.open", "locked: lock + reads (RT, old writer)"),
    ("StreamCache.catch_up", "locked: catch-up reads (RT, old writer)"),
    ("GroupTransaction.commit", "locked: writes + COMMIT (RT)"),
    ("Batch.prepare", "unlocked: reads ahead of the lock (RT)"),
    ("group_reads", "unlocked: reads ahead of the lock (RT)"),
    ("_apply_group", "check (unlocked in the new writer)"),
    ("_apply_batch", "check (locked in the old writer)"),
    ("Queue.get", "idle: waiting for pushes"),
)


def event(stream: str, kind: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": at.isoformat(),
        "actor": "bench",
        "data": data,
    }


def ticket_events(count: int, prefix: str) -> list[dict[str, Any]]:
    """`count` ticket events: reports followed by a realistic handful of events each
    (the same sequence as tests/perf/push.lua)."""
    events: list[dict[str, Any]] = []
    n = 0
    while len(events) < count:
        stream = f"ticket:{prefix}{n}"
        reported = START + timedelta(minutes=7 * n)
        events.append(
            event(
                stream,
                "ticket_reported",
                reported,
                {
                    "org": "halt",
                    "caller": "e1",
                    "summary": "Laptop",
                    "priority": "P3",
                    "channel": "phone",
                },
            )
        )
        for k, kind in enumerate(
            (
                "first_response",
                "status_update",
                "comment",
                "status_update",
                "workaround",
                "productive_again",
                "resolved",
            )
        ):
            data = {"channel": "phone"} if kind == "first_response" else {}
            if kind == "comment":
                data = {"text": "bezig"}
            events.append(event(stream, kind, reported + timedelta(minutes=10 * (k + 1)), data))
        n += 1
    return events[:count]


# ---------------------------------------------------------------------- server CPU time
def process_tree(root: int) -> list[int]:
    """`root` and every process below it (the workers of `halt-desk serve --workers`)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(parents.get(pid, []))
    return tree


def cpu_by_process(root: int) -> dict[int, float]:
    """User + system CPU time of each live process of the server so far."""
    times: dict[int, float] = {}
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    return times


def main_thread_cpu(root: int) -> dict[int, float]:
    """User + system CPU time of the main thread (the event loop: HTTP, parsing, answers) of
    each live process of the server; the rest of a process's time is its other threads'
    (the writer thread's group commits, nearly all of it)."""
    times: dict[int, float] = {}
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return times


def settled(root: int, timeout: float = 60.0) -> None:
    """Waits until every process of the server has started (its CPU time stands still
    for half a second): one worker answering /health does not mean the others listen,
    and wrk's connections would all go to the first one."""
    deadline = time.monotonic() + timeout
    before = cpu_by_process(root)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_by_process(root)
        if now == before:
            return
        before = now


def cpu_seconds(root: int) -> float:
    """User + system CPU time of the live processes of the server so far."""
    return sum(cpu_by_process(root).values())


def database_cpu_seconds() -> float | None:
    root = DATABASE_PROCESS[0]
    return cpu_seconds(root) if root is not None else None


def group_commits() -> int | None:
    """Updates of the sequence counter so far (one per group commit with accepted events;
    PostgreSQL only, from its statistics, which lag up to a second)."""
    if not DATABASE_URL[0].startswith("postgresql"):
        return None
    import psycopg

    url = DATABASE_URL[0].replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'seq_counter'"
        ).fetchone()
    return int(row[0]) if row else None


def profile_start(server: ProcessServer, folder: Path, seconds: float) -> list[Any]:
    """py-spy (when installed) on every server process that serves requests, for
    `seconds`: raw stacks of every thread, idle ones too (wall clock)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists() and not shutil.which("py-spy"):
        print("--profile: py-spy is not installed (pip install py-spy)", file=sys.stderr)
        return []
    assert server.process is not None
    pids = process_tree(server.process.pid)
    if len(pids) > 1:  # uvicorn's supervisor only watches its workers
        pids = [pid for pid in pids if pid != server.process.pid]
    folder.mkdir(parents=True, exist_ok=True)
    command = [spy, "record", "--nonblocking", "--idle", "--threads", "-f", "raw", "-r", "200"]
    return [
        subprocess.Popen(
            [*command, "-d", str(round(seconds)), "-p", str(pid), "-o", str(folder / f"{pid}.txt")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in pids
    ]


def profile_summary(spies: list[Any], folder: Path) -> str:
    """Share of the writer threads' samples per phase of a group commit (PHASES)."""
    for spy in spies:
        spy.wait()
    counts: dict[str, int] = {}
    total = 0
    for path in folder.glob("*.txt"):
        for line in path.read_text().splitlines():
            stack, _, number = line.rpartition(" ")
            if "central-writer" not in stack.partition(";")[0]:
                continue
            names = [frame.partition(" (")[0] for frame in stack.split(";")]
            phase = next((label for name, label in PHASES if name in names), "other")
            counts[phase] = counts.get(phase, 0) + int(number)
            total += int(number)
    lines = [f"  {count * 100 / max(total, 1):5.1f} % {phase}" for phase, count in counts.items()]
    return "writer threads' wall time (py-spy):\n" + "\n".join(sorted(lines, reverse=True))


def cprofile_summary(folder: Path, top: int = 25) -> str:
    """The writer threads' own CPU time (`--cprofile`: cProfile in every server process,
    warm-up included) by function, in µs per push (pushes: the batches they checked),
    slowed down by the profiling itself: for comparing runs, not as absolute figures."""
    import pstats

    files = [str(path) for path in folder.glob("*.prof")]
    if not files:
        return "--cprofile: no profile was written"
    stats: Any = pstats.Stats(*files)
    pushes = sum(v[1] for k, v in stats.stats.items() if k[2] == "_apply_batch") or 1
    commits = sum(v[1] for k, v in stats.stats.items() if k[2] == "record_many") // 2 or 1
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:top]
    lines = [
        f"  {own * 1e6 / pushes:7.1f} own {total * 1e6 / pushes:7.1f} with callees  "
        f"{calls / pushes:6.2f} calls  {Path(name[0]).name}:{name[1]} {name[2]}"
        for name, (_, calls, own, total, _) in rows
    ]
    return (
        f"writer threads' CPU (cProfile), µs per push, {pushes} pushes in {commits} group "
        "commits:\n" + "\n".join(lines)
    )


def _since(before: float | None) -> float | None:
    now = database_cpu_seconds()
    return now - before if now is not None and before is not None else None


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_seconds: float
    failures: int
    generator_cpu_seconds: float | None = None  # wrk's own CPU time, when wrk made the load
    database_cpu_seconds: float | None = None  # PostgreSQL's CPU time (all its processes)
    group_commits: int | None = None  # counter updates (PostgreSQL): pushes share these
    #: CPU seconds of each server process, most first: how the load was shared out
    process_cpu_seconds: list[float] | None = None
    #: CPU seconds of the server processes' main threads (event loops), all together
    loop_cpu_seconds: float | None = None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_seconds * 1000 / max(self.requests, 1)


@contextmanager
def running_server(
    backend: str, folder: Path, workers: int, count: int = 1
) -> Iterator[tuple[list[ProcessServer], dict[str, str]]]:
    pg = None
    if backend == "postgres":
        from tests.pg import ThrowawayPostgres

        pg = ThrowawayPostgres()
        pg.start()
        url = pg.new_database("bench")
        DATABASE_URL[0] = url
        process = getattr(pg, "_process", None)  # the postmaster, to count its CPU time
        DATABASE_PROCESS[0] = process.pid if process is not None else None
    else:
        DATABASE_PROCESS[0] = None
        url = f"sqlite+pysqlite:///{folder / 'central.sqlite3'}"
    central = Central.open(url)
    tokens = {role: central.add_user(f"{role}-bench", role) for role in ("admin", "agent")}
    central.close()
    servers = [ProcessServer(url, folder / f"data{n}", workers=workers) for n in range(count)]
    for server in servers:
        server.start()
        assert server.process is not None
        settled(server.process.pid)
    server = servers[0]
    try:
        requests.post(
            f"{server.url}/api/v1/events",
            headers=bearer(tokens["admin"]),
            json={
                "events": [
                    event(
                        "org:halt",
                        "organisation_registered",
                        START,
                        {"name": "Halt", "profile": "halt"},
                    )
                ]
            },
            timeout=30,
        ).raise_for_status()
        yield servers, tokens
    finally:
        for server in servers:
            server.stop()
        if pg is not None:
            pg.stop()


def bench_batches(server: ProcessServer, token: str) -> tuple[float, float, float | None]:
    """Seconds, server CPU seconds and PostgreSQL CPU seconds (None on SQLite) for 10,000
    events in batches of 500."""
    events = ticket_events(10_000, "B")
    session = requests.Session()
    assert server.process is not None
    cpu = cpu_seconds(server.process.pid)
    database_cpu = database_cpu_seconds()
    started = time.perf_counter()
    for i in range(0, len(events), 500):
        response = session.post(
            f"{server.url}/api/v1/events",
            json={"events": events[i : i + 500]},
            headers=bearer(token),
            timeout=120,
        )
        results = response.json()["results"]
        assert all(r["status"] == "accepted" for r in results), results[:3]
    seconds = time.perf_counter() - started
    return seconds, cpu_seconds(server.process.pid) - cpu, _since(database_cpu)


def bench_wrk(
    servers: list[ProcessServer],
    token: str,
    clients: int,
    seconds: float,
    path: str = "/api/v1/events",
    profile: Path | None = None,
) -> Load:
    """wrk with one thread and one connection per client (each walks its own tickets in
    order); the pushes of push.lua, or plain GETs of `path` when it is not /events. With
    several servers (hosts behind a load balancer) one wrk per server, the clients shared
    out evenly."""
    roots = [server.process.pid for server in servers if server.process is not None]
    groups = group_commits()
    spies = [
        spy
        for server in servers
        for spy in (profile_start(server, profile, seconds) if profile is not None else [])
    ]
    before = {pid: cpu for root in roots for pid, cpu in cpu_by_process(root).items()}
    loops = {pid: cpu for root in roots for pid, cpu in main_thread_cpu(root).items()}
    database_cpu = database_cpu_seconds()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    runs = []
    for n, server in enumerate(servers):
        share = clients // len(servers) + (n < clients % len(servers))
        command = ["wrk", f"-t{share}", f"-c{share}", f"-d{round(seconds)}s", "--latency", "-s"]
        command += [os.environ.get("BENCH_SCRIPT", str(PUSH_SCRIPT)), server.url + path]
        env = {**os.environ, "BENCH_TOKEN": token, "BENCH_RUN": str(random.getrandbits(31))}
        env["BENCH_PATH"] = path
        runs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True))
    outputs = [run.communicate()[0] for run in runs]
    after_cpu = {pid: cpu for root in roots for pid, cpu in cpu_by_process(root).items()}
    after_loops = {pid: cpu for root in roots for pid, cpu in main_thread_cpu(root).items()}
    loop_cpu = sum(seconds - loops.get(pid, 0.0) for pid, seconds in after_loops.items())
    shares = sorted(
        (seconds - before.get(pid, 0.0) for pid, seconds in after_cpu.items()), reverse=True
    )
    if profile is not None:
        print(profile_summary(spies, profile))
    if groups is not None:
        time.sleep(1.5)  # the statistics' lag
        after_groups = group_commits()
        groups = after_groups - groups if after_groups is not None else None
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    figures = [
        json.loads(next(x for x in out.splitlines() if x.startswith("JSON "))[5:])
        for out in outputs
    ]
    for part in figures:
        if part["rejected"] or part["errors"]:
            print(part, file=sys.stderr)
    requests = sum(part["requests"] for part in figures)
    return Load(
        requests=requests,
        seconds=max(part["duration_us"] for part in figures) / 1e6,
        # Of several wrk runs: the median weighted by requests, the worst p99.
        p50_ms=sum(part["p50_us"] * part["requests"] for part in figures) / max(requests, 1) / 1000,
        p99_ms=max(part["p99_us"] for part in figures) / 1000,
        cpu_seconds=sum(shares),
        failures=sum(part["rejected"] + part["errors"] for part in figures),
        generator_cpu_seconds=wrk_cpu,
        database_cpu_seconds=_since(database_cpu),
        group_commits=groups,
        process_cpu_seconds=shares,
        loop_cpu_seconds=loop_cpu,
    )


def bench_python(
    server: ProcessServer, token: str, clients: int = 20, per_client: int = 100
) -> Load:
    """The fallback load generator: `clients` Python threads on the same cores."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()

    def client(number: int) -> None:
        nonlocal failures
        session = requests.Session()
        mine = ticket_events(per_client, f"C{number}-")
        own: list[float] = []
        bad = 0
        for item in mine:
            started = time.perf_counter()
            response = session.post(
                f"{server.url}/api/v1/events",
                json={"events": [item]},
                headers=bearer(token),
                timeout=60,
            )
            own.append(time.perf_counter() - started)
            if response.json()["results"][0]["status"] != "accepted":
                bad += 1
        with lock:
            latencies.extend(own)
            failures += bad

    assert server.process is not None
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    cpu = cpu_seconds(server.process.pid)
    database_cpu = database_cpu_seconds()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(server.process.pid) - cpu
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    return Load(
        len(latencies),
        elapsed,
        statistics.median(latencies) * 1000,
        p99 * 1000,
        cpu,
        failures,
        database_cpu_seconds=_since(database_cpu),
    )


def describe(load: Load) -> str:
    generator = ""
    if load.database_cpu_seconds is not None:
        generator += (
            f", PostgreSQL {load.database_cpu_seconds * 1000 / max(load.requests, 1):.2f} ms"
        )
    if load.generator_cpu_seconds is not None:
        generator += f", wrk {load.generator_cpu_seconds * 1000 / max(load.requests, 1):.2f} ms"
    if load.group_commits:
        generator += f", {load.requests / load.group_commits:.1f} pushes per commit"
    if load.loop_cpu_seconds is not None:
        loop = load.loop_cpu_seconds * 1000 / max(load.requests, 1)
        others = load.cpu_ms_per_request - loop
        generator += f" (event loops {loop:.2f} ms, other threads {others:.2f} ms)"
    if load.process_cpu_seconds and len(load.process_cpu_seconds) > 1:
        shares = " + ".join(f"{seconds:.1f}" for seconds in load.process_cpu_seconds)
        generator += f", CPU s by process {shares}"
    return (
        f"{load.rate:,.0f}/s, median {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms, "
        f"server CPU {load.cpu_ms_per_request:.3f} ms per request{generator} "
        f"({load.requests} requests in {load.seconds:.1f} s, {load.failures} not accepted)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", type=int, default=None, help="halt-desk serve --workers")
    parser.add_argument("--load", choices=["wrk", "python"], default=None)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of wrk load")
    parser.add_argument("--health", action="store_true", help="also GET /health with wrk")
    parser.add_argument(
        "--servers", type=int, default=1, help="separate `serve`s (hosts), wrk shared out"
    )
    parser.add_argument("--no-batches", action="store_true")
    parser.add_argument(
        "--warmup", type=float, default=3.0, help="seconds of wrk load before measuring"
    )
    parser.add_argument("--profile", type=Path, help="py-spy the server's pushes into DIR")
    parser.add_argument(
        "--cprofile", type=Path, help="cProfile the server's writer threads into DIR"
    )
    args = parser.parse_args()
    load = args.load or ("wrk" if shutil.which("wrk") else "python")
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1 and 5 min), {load}")
    for backend in backends:
        if args.cprofile is not None:
            (args.cprofile / backend).mkdir(parents=True, exist_ok=True)
            os.environ[PROFILE_ENV] = str(args.cprofile / backend)
        with (
            tempfile.TemporaryDirectory() as folder,
            running_server(backend, Path(folder), args.workers, args.servers) as (
                servers,
                tokens,
            ),
        ):
            if not args.no_batches:
                seconds, cpu, database_cpu = bench_batches(servers[0], tokens["agent"])
                database = f", PostgreSQL {database_cpu:.2f} s" if database_cpu else ""
                print(
                    f"[{backend}] 10,000 events in batches of 500: {seconds:.2f} s "
                    f"({10_000 / seconds:,.0f} events/s, server CPU {cpu:.2f} s{database}; "
                    "target ≤ 5 s)"
                )
            if args.health and load == "wrk":
                health = bench_wrk(servers, "", args.clients, args.duration, "/api/v1/health")
                print(f"[{backend}] GET /health, {args.clients} connections: {describe(health)}")
            if load == "wrk" and args.warmup > 0:
                # Every process serves a while first: its first pushes compile statements,
                # import lazily and fill its caches, once per process (not per push).
                bench_wrk(servers, tokens["agent"], args.clients, args.warmup)
            if load == "wrk":
                profile = args.profile / backend if args.profile is not None else None
                pushes = bench_wrk(
                    servers, tokens["agent"], args.clients, args.duration, profile=profile
                )
            else:
                pushes = bench_python(servers[0], tokens["agent"], args.clients)
            print(
                f"[{backend}] {args.clients} concurrent clients, single-event pushes: "
                f"{describe(pushes)} (targets ≥ 1,000/s, p99 ≤ 50 ms)"
            )
            if args.cprofile is not None:
                print(cprofile_summary(args.cprofile / backend))
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1 and 5 min)")


if __name__ == "__main__":
    main()
