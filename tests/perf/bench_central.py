"""Benchmarks of the central API on SQLite and PostgreSQL; prints figures, asserts nothing.

Run: .venv/bin/python tests/perf/bench_central.py [--backend sqlite|postgres|both]
Targets on a 2-core machine: 10,000 events in batches of 500 accepted in ≤ 5 s; ≥ 1,000
events/s sustained with 20 concurrent clients, p99 ≤ 50 ms per single-event push.
The server runs as its own process (`halt-desk serve`) on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from halt_desk.central.service import Central
from tests.central_server import ProcessServer, bearer

START = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)


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
    """`count` ticket events: reports followed by a realistic handful of events each."""
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


@contextmanager
def running_server(backend: str, folder: Path) -> Iterator[tuple[ProcessServer, dict[str, str]]]:
    pg = None
    if backend == "postgres":
        from tests.pg import ThrowawayPostgres

        pg = ThrowawayPostgres()
        pg.start()
        url = pg.new_database("bench")
    else:
        url = f"sqlite+pysqlite:///{folder / 'central.sqlite3'}"
    central = Central.open(url)
    tokens = {role: central.add_user(f"{role}-bench", role) for role in ("admin", "agent")}
    central.close()
    server = ProcessServer(url, folder / "data")
    server.start()
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
        )
        yield server, tokens
    finally:
        server.stop()
        if pg is not None:
            pg.stop()


def bench_batches(server: ProcessServer, token: str) -> float:
    events = ticket_events(10_000, "B")
    session = requests.Session()
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
    return time.perf_counter() - started


def bench_concurrent(
    server: ProcessServer, token: str, clients: int = 20, per_client: int = 100
) -> tuple[float, float, float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        session = requests.Session()
        mine = ticket_events(per_client, f"C{number}-")
        own: list[float] = []
        for item in mine:
            started = time.perf_counter()
            response = session.post(
                f"{server.url}/api/v1/events",
                json={"events": [item]},
                headers=bearer(token),
                timeout=60,
            )
            own.append(time.perf_counter() - started)
            assert response.json()["results"][0]["status"] == "accepted"
        with lock:
            latencies.extend(own)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p99 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for backend in backends:
        with (
            tempfile.TemporaryDirectory() as folder,
            running_server(backend, Path(folder)) as (
                server,
                tokens,
            ),
        ):
            seconds = bench_batches(server, tokens["agent"])
            print(
                f"[{backend}] 10,000 events in batches of 500: {seconds:.2f} s "
                f"({10_000 / seconds:,.0f} events/s; target ≤ 5 s)"
            )
            rate, median, p99 = bench_concurrent(server, tokens["agent"])
            print(
                f"[{backend}] 20 concurrent clients, single-event pushes: {rate:,.0f} events/s, "
                f"median {median:.1f} ms, p99 {p99:.1f} ms (targets ≥ 1,000/s, p99 ≤ 50 ms)"
            )


if __name__ == "__main__":
    main()
