"""Benchmark of `GET /api/v1/notices/{id}/deliveries`: a notice of 1,001 employees with a
publication, a follow-up and an all-clear (21 of each failed), in a mail outbox that also
holds many other mails (tickets'), read through the API on loopback. The outbox has no
index on `stream`, so the grouped query scans it: the figures show what that costs as
the outbox grows. Prints figures, asserts nothing.

Run: .venv/bin/python tests/perf/bench_notice_deliveries.py [--other 200000] [--postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import requests

from halt_desk.central.auth import Role, User
from halt_desk.central.embedded import EmbeddedServer
from halt_desk.central.schema import mail_outbox
from halt_desk.central.service import Central
from tests.mail_support import wire

EMPLOYEES = 1001
FAILED = 21


def _row(n: int, stream: str, event_id: str, state: str, to: str) -> dict[str, object]:
    return {
        "message_id": f"<bench-{n}@bench.invalid>",
        "org": "halt",
        "kind": "notice_published",
        "to_addr": to,
        "lang": "nl",
        "stream": stream,
        "event_id": event_id,
        "context": "{}",
        "state": state,
        "attempts": 0,
        "next_try_ms": 0,
        "reason": "550 5.1.1 no such user" if state == "failed" else None,
        "queued_at": datetime.now(UTC).isoformat(),
        "sent_at": None,
        "recorded": "done",
    }


def fill(central: Central, other: int) -> str:
    """The notice's three events at central and the outbox rows; returns the notice id."""
    admin = User(0, "admin", Role.ADMIN)
    org = {"name": "Stichting Halt", "profile": "halt"}
    central.record(admin, [wire("org:halt", "organisation_registered", org, "admin")], "bench")
    data = {
        "org": "halt",
        "kind": "disruption",
        "scope": {"kind": "org"},
        "title": "T",
        "text": "x",
    }
    steps = [
        wire("notice:BENCH", "notice_published", data),
        wire("notice:BENCH", "notice_updated", {"text": "Bijna."}),
        wire("notice:BENCH", "notice_closed", {"text": "Opgelost."}),
    ]
    agent = User(0, "agent-a", Role.AGENT)
    assert {r.status for r in central.record(agent, steps, "bench")} == {"accepted"}
    rows: list[dict[str, object]] = []
    n = 0
    for step in steps:
        for k in range(EMPLOYEES):
            state = "failed" if k < FAILED else "sent"
            rows.append(_row(n, "notice:BENCH", str(step["id"]), state, f"m{k}@halt.nl"))
            n += 1
    for k in range(other):
        rows.append(_row(n, f"ticket:HALT-2026-{k:06d}", f"e{k}", "sent", "caller@halt.nl"))
        n += 1
    with central.engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(mail_outbox.insert(), rows[start : start + 5000])
    return "BENCH"


def run(url: str, other: int, requests_count: int) -> None:
    central = Central.open(url)
    notice = fill(central, other)
    token = central.add_user("bench-agent", "agent", "halt")
    with EmbeddedServer(central) as server:
        address = f"{server.url}/api/v1/notices/{notice}/deliveries"
        headers = {"Authorization": f"Bearer {token}"}
        with requests.Session() as session:
            session.get(address, headers=headers, timeout=60).raise_for_status()  # warm
            load = os.getloadavg()[0]
            times = []
            for _ in range(requests_count):
                started = time.perf_counter()
                answer = session.get(address, headers=headers, timeout=60)
                times.append((time.perf_counter() - started) * 1000)
                answer.raise_for_status()
    events = answer.json()["events"]
    assert [e["failed"] for e in events] == [FAILED] * 3, events
    times.sort()
    print(
        f"{central.engine.dialect.name}: outbox {3 * EMPLOYEES + other} rows "
        f"({other} of other streams), {requests_count} reads: "
        f"p50 {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, "
        f"max {times[-1]:.1f} ms (load average {load:.2f} at start)"
    )
    central.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--other", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-deliveries-"))
    os.environ.setdefault("HALT_DESK_CENTRAL_KEY_FILE", str(folder / "central.key"))
    if not args.postgres:
        run(f"sqlite+pysqlite:///{folder / 'central.sqlite3'}", args.other, args.requests)
        return
    from tests.pg import ThrowawayPostgres

    pg = ThrowawayPostgres()
    pg.start()
    try:
        run(pg.new_database("bench"), args.other, args.requests)
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
