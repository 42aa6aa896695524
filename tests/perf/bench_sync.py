"""Benchmarks of client sync end to end; prints figures, asserts nothing.

Run: .venv/bin/python tests/perf/bench_sync.py [--push N] [--pull N]
Targets on a 2-core machine: push 10,000 events from the outbox to central ≤ 5 s (the
whole `sync_once()` round, which also pulls them back and confirms them); pull 100,000
changes into an empty cache ≤ 10 s. Central runs as its own process (`halt-desk serve`,
SQLite) on 127.0.0.1.

A first sync of a new laptop with the progress it reports, against a central seeded once
and kept (`--central DIR`; seeded with `--pull N` events the first time, reused after):
    .venv/bin/python tests/perf/bench_sync.py --only first --pull 1000000 --central DIR
                                              [--progress none|text]
`--progress text` listens as `halt-desk sync --once` does on a terminal (the estimate of
the time left and the line it would write, for every page); `none` listens to nothing.
Prints wall time, the client's CPU time (user+sys of this process, the engine's helper
thread included) and the server's, and the number of progress reports.

Idle rounds (nothing to push, nothing new to pull) of a laptop that pulled the kept
central once, as `run_forever` repeats them every 30 s:
    .venv/bin/python tests/perf/bench_sync.py --only idle --pull 10000 --central DIR
                                              [--rounds 200]
Prints client and server CPU per idle round (ms) and how many rounds asked central
about its history (POST /api/v1/history).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from halt_desk.central.service import Central
from halt_desk.domain.events import Event, new_event
from halt_desk.store import Store
from halt_desk.sync import ServerClock, SyncEngine, client_factory
from tests.central_server import ProcessServer
from tests.perf.bench_central import ticket_events

if TYPE_CHECKING:
    from halt_desk.sync import SyncProgress

PROFILE = {"name": "Halt", "profile": "halt"}


def central_with_users(folder: Path) -> tuple[str, dict[str, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite+pysqlite:///{folder / 'central.sqlite3'}"
    with Central.open(url) as central:
        tokens = {role: central.add_user(f"{role}-bench", role) for role in ("admin", "agent")}
        admin = central.authenticate(tokens["admin"])
        assert admin is not None
        org = new_event("org:halt", "organisation_registered", datetime.now(UTC), "b", PROFILE)
        central.record(admin, [org.to_json()], "bench")
    return url, tokens


def client(path: Path, server: ProcessServer, token: str) -> tuple[Store, SyncEngine]:
    clock = ServerClock()
    store = Store.open(path, recording_clock=clock, clock=clock.now)
    clock.attach(store)
    engine = SyncEngine(store, client_factory(server.url, token), clock, pull_page=5000)
    return store, engine


def bench_push(folder: Path, count: int) -> None:
    url, tokens = central_with_users(folder)
    server = ProcessServer(url, folder / "server")
    server.start()
    try:
        store, engine = client(folder / "push.sqlite3", server, tokens["agent"])
        engine.sync_once()  # the organisation
        events = [Event.from_json(raw) for raw in ticket_events(count, "P")]
        started = time.perf_counter()
        store.record_events(events, bulk=True)
        recorded = time.perf_counter() - started
        pushed_at: list[float] = []

        def progress(report: SyncProgress) -> None:
            if report.phase == "pull" and report.done == 0 and not pushed_at:
                pushed_at.append(time.perf_counter())

        engine._on_progress = progress
        started = time.perf_counter()
        summary = engine.sync_once()
        total = time.perf_counter() - started
        assert summary.pushed == count and summary.outbox == 0, summary
        push = pushed_at[0] - started
        print(f"record {count} events (bulk, one transaction): {recorded:.2f} s")
        print(f"push {count} events (batches of 500) until all confirmed: {push:.2f} s")
        print(f"whole sync_once (push + pull of the same {count} back): {total:.2f} s")
        store.close()
    finally:
        server.stop()


def bench_pull(folder: Path, count: int) -> None:
    url, tokens = central_with_users(folder)
    started = time.perf_counter()
    with Central.open(url) as central:
        agent = central.authenticate(tokens["agent"])
        assert agent is not None
        events = ticket_events(count, "Q")
        for start in range(0, len(events), 1000):
            results = central.record(agent, events[start : start + 1000], "bench")
            assert all(r.status == "accepted" for r in results)
    print(f"(seeded central with {count} events in {time.perf_counter() - started:.1f} s)")
    server = ProcessServer(url, folder / "server")
    server.start()
    try:
        store, engine = client(folder / "pull.sqlite3", server, tokens["agent"])
        started = time.perf_counter()
        summary = engine.sync_once()
        elapsed = time.perf_counter() - started
        assert summary.pulled == count + 1, summary
        print(
            f"pull {count + 1} changes into an empty cache: {elapsed:.2f} s "
            f"({(count + 1) / elapsed:,.0f} events/s, {len(store.tickets())} tickets folded)"
        )
        store.close()
    finally:
        server.stop()


def seeded_central(folder: Path, count: int) -> tuple[str, str]:
    """A central in `folder` with `count` ticket events, seeded the first time only; its
    URL and the agent's token."""
    token_file = folder / "agent-token"
    url = f"sqlite+pysqlite:///{folder / 'central.sqlite3'}"
    if token_file.exists():
        return url, token_file.read_text()
    url, tokens = central_with_users(folder)
    with Central.open(url) as central:
        agent = central.authenticate(tokens["agent"])
        assert agent is not None
        for first in range(0, count, 100_000):
            events = ticket_events(min(100_000, count - first), f"F{first}-")
            for start in range(0, len(events), 1000):
                results = central.record(agent, events[start : start + 1000], "bench")
                assert all(r.status == "accepted" for r in results)
    token_file.write_text(tokens["agent"])
    return url, tokens["agent"]


def bench_first_sync(central_dir: Path, count: int, progress: str) -> None:
    """One first sync into an empty cache from the kept central, with or without the
    terminal's progress listener."""
    import resource

    from tests.perf.bench_central import cpu_seconds

    url, token = seeded_central(central_dir, count)
    server = ProcessServer(url, central_dir / "server")
    server.start()
    assert server.process is not None
    reports = [0]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store, engine = client(Path(tmp) / "first.sqlite3", server, token)
            engine._pull_page = 2000  # the app's page (sync_process uses the default)
            if progress == "text":
                from halt_desk.sync import TimeLeft, progress_text

                estimate = TimeLeft()
                lines: list[str] = []

                def listen(report: object) -> None:
                    reports[0] += 1
                    left = estimate.observe(report, time.monotonic())  # type: ignore[arg-type]
                    lines.append(progress_text(report, left))  # type: ignore[arg-type]

                engine._on_progress = listen
            server_cpu = cpu_seconds(server.process.pid)
            before = resource.getrusage(resource.RUSAGE_SELF)
            started = time.perf_counter()
            summary = engine.sync_once()
            elapsed = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_SELF)
            server_cpu = cpu_seconds(server.process.pid) - server_cpu
            client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            print(
                f"first sync ({progress}): pulled {summary.pulled} in {elapsed:.2f} s wall, "
                f"client CPU {client_cpu:.2f} s, server CPU {server_cpu:.2f} s, "
                f"{reports[0]} progress reports"
            )
            store.close()
    finally:
        server.stop()


def bench_idle_rounds(central_dir: Path, count: int, rounds: int) -> None:
    """`rounds` idle rounds after a first sync from the kept central: CPU per round."""
    import resource

    from halt_desk.sync import client as sync_client
    from tests.perf.bench_central import cpu_seconds

    url, token = seeded_central(central_dir, count)
    server = ProcessServer(url, central_dir / "server")
    server.start()
    assert server.process is not None
    asked = [0]
    history = sync_client.CentralClient.history

    def counted(self: sync_client.CentralClient, *args: object, **kwargs: object) -> object:
        asked[0] += 1
        return history(self, *args, **kwargs)  # type: ignore[arg-type]

    sync_client.CentralClient.history = counted  # type: ignore[assignment,method-assign]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store, engine = client(Path(tmp) / "idle.sqlite3", server, token)
            first = engine.sync_once()
            assert first.state == "online", first
            asked[0] = 0
            server_cpu = cpu_seconds(server.process.pid)
            before = resource.getrusage(resource.RUSAGE_SELF)
            started = time.perf_counter()
            for _ in range(rounds):
                summary = engine.sync_once()
                assert summary.state == "online" and summary.pulled == 0, summary
            elapsed = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_SELF)
            server_cpu = cpu_seconds(server.process.pid) - server_cpu
            client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            print(
                f"{rounds} idle rounds after pulling {first.pulled}: "
                f"{elapsed / rounds * 1000:.2f} ms wall, "
                f"client CPU {client_cpu / rounds * 1000:.2f} ms, "
                f"server CPU {server_cpu / rounds * 1000:.2f} ms per round; "
                f"history asked in {asked[0]} of {rounds} rounds"
            )
            store.close()
    finally:
        sync_client.CentralClient.history = history  # type: ignore[method-assign]
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--push", type=int, default=10_000)
    parser.add_argument("--pull", type=int, default=100_000)
    parser.add_argument("--only", choices=["push", "pull", "first", "idle"])
    parser.add_argument("--central", type=Path, help="kept central for --only first/idle")
    parser.add_argument("--progress", choices=["none", "text"], default="text")
    parser.add_argument("--rounds", type=int, default=200, help="idle rounds for --only idle")
    args = parser.parse_args()
    if args.only == "idle":
        if args.central is None:
            parser.error("--only idle needs --central DIR")
        bench_idle_rounds(args.central, args.pull, args.rounds)
        return
    if args.only == "first":
        if args.central is None:
            parser.error("--only first needs --central DIR")
        bench_first_sync(args.central, args.pull, args.progress)
        return
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "push"):
            bench_push(Path(tmp) / "push", args.push)
        if args.only in (None, "pull"):
            bench_pull(Path(tmp) / "pull", args.pull)


if __name__ == "__main__":
    main()
