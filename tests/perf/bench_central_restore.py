"""What a central restore costs a laptop (prints; not a test):

* the history check at the start of every round: a no-op `sync_once` with it and without
  it (alternating, A B A B), wall and CPU time of this process (client and the
  in-process central together);
* the recovery itself: `Store.forget_after` over N events (half this laptop's), wall and
  CPU time.

    .venv/bin/python tests/perf/bench_central_restore.py [N]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from halt_desk.sync import rounds
from tests.central_server import ThreadServer
from tests.sync_support import REPORT_DATA, Desk, Laptop


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def _timed(work: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    work()  # type: ignore[operator]
    return time.perf_counter() - wall, _cpu() - cpu


def main(events: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-restore-"))
    desk = Desk.create(f"sqlite+pysqlite:///{folder / 'central.sqlite3'}")
    with ThreadServer(desk.central) as server:
        laptop = Laptop(folder / "a.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
        laptop.engine.sync_once()
        for n in range(events // 10):
            stream = f"ticket:B{n}"
            laptop.record(stream, "ticket_reported", {**REPORT_DATA, "priority": "P3"})
            for k in range(9):
                laptop.record(stream, "comment", {"text": f"note {k}"})
        laptop.engine.sync_once()
        real = rounds.check_central
        figures: dict[str, list[tuple[float, float]]] = {"with check": [], "without": []}
        for _ in range(10):
            for name in figures:
                rounds.check_central = real if name == "with check" else (lambda *a, **k: False)  # type: ignore[assignment]
                figures[name].append(_timed(laptop.engine.sync_once))
        rounds.check_central = real
        for name, runs in figures.items():
            wall = sorted(w for w, _ in runs)[len(runs) // 2] * 1000
            cpu = sum(c for _, c in runs) / len(runs) * 1000
            print(f"no-op round {name:>10}: median wall {wall:6.1f} ms, mean CPU {cpu:6.1f} ms")
        central = laptop.store.central_identity() or ""
        wall, cpu = _timed(lambda: laptop.store.forget_after(1, central, other_central=False))
        print(f"recovery over {events} events: wall {wall:.2f} s, CPU {cpu:.2f} s")
        wall, cpu = _timed(laptop.engine.sync_once)
        print(f"the round that sends them again and pulls: wall {wall:.2f} s, CPU {cpu:.2f} s")
        laptop.close()
    desk.central.close()
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
