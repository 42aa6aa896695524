"""Benchmark of `halt-desk demo`: "demo list filled", from the window shown to the first
filled page of the ticket list; prints figures, asserts nothing.

Run: .venv/bin/python tests/perf/bench_demo.py [--rounds 3] [--against TREE]
     [--months 3] [--tickets-per-month 400]
Target on a 2-core machine, with the default data set (3 months, 400 tickets a month):
the list filled ≤ 3 s after the window appeared.

Each start runs `ui.app.run_demo_app` offscreen in a process of its own with a fresh data
folder, as `halt-desk demo` does, and reports the wall time from the window shown to the
list filled (rows painted), the CPU time (user + sys, every thread) the app process spent
in that stretch, and that of the sync process when it did part of the work (a tree that
fills the list by its first sync). The CPU time is the steadier figure on a shared
machine; the wall time follows the load (printed with every figure). `--against TREE`
compares with another checkout, alternating A (TREE) and B (this tree); a TREE without a
.venv of its own runs with this tree's interpreter from its own folder (its `halt_desk`
and `ui` come first on the path; compile its catalogue first:
`.venv/bin/pybabel compile -D halt_desk -d TREE/resources/locale`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
#: Runs the demo as `halt-desk demo` does and watches its main window every 5 ms: when it
#: is shown, and when its list has rows (painted). Prints the marks as JSON, then quits.
PROBE = """
import json, os, resource, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from pathlib import Path
from PySide6.QtCore import QTimer
from ui.app import application, run_demo_app
from ui.main_window import MainWindow

def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

def child_cpu(pid):
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

app = application("nl")
marks = {}
deadline = time.monotonic() + 300

def watch():
    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
    window = windows[0] if windows else None
    if window is not None and "shown" not in marks and window.isVisible():
        marks["shown"] = (time.time(), cpu())
    if window is not None and "shown" in marks and window.model.rowCount() > 0:
        window.table.viewport().repaint()  # the rows painted, as the user sees them
        sync = window.sync.process_id if window.sync is not None else None
        marks["filled"] = (time.time(), cpu(), window.model.rowCount(), child_cpu(sync))
    if "filled" in marks or time.monotonic() > deadline:
        if window is not None:
            window.close()
        app.quit()
        return
    QTimer.singleShot(5, watch)

QTimer.singleShot(0, watch)
run_demo_app(Path(sys.argv[1]), months=int(sys.argv[2]), tickets_per_month=int(sys.argv[3]))
print(json.dumps(marks), flush=True)
os._exit(0)
"""


@dataclass
class Start:
    filled: float  # seconds from the window shown to the list filled
    cpu: float  # app process CPU seconds in that stretch
    sync_cpu: float  # the sync process's CPU seconds until then
    rows: int


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def tree_python(tree: Path) -> str:
    own = tree / ".venv" / "bin" / "python"
    return str(own) if own.exists() else sys.executable


def bench_start(tree: Path, months: int, per_month: int) -> Start:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "HALT_DESK_DATA_DIR": folder, "QT_QPA_PLATFORM": "offscreen"}
        output = subprocess.run(
            [tree_python(tree), "-c", PROBE, str(Path(folder) / "demo"), str(months),
             str(per_month)],
            capture_output=True, text=True, check=True, cwd=tree, timeout=600, env=env,
        ).stdout  # fmt: skip
    marks = json.loads(output.strip().splitlines()[-1])
    shown, filled = marks["shown"], marks["filled"]
    return Start(filled[0] - shown[0], filled[1] - shown[1], filled[3], filled[2])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", help="another checkout to compare with (A), this is B")
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--tickets-per-month", type=int, default=400)
    args = parser.parse_args()
    trees = [("B (this tree)", HERE)]
    if args.against:
        trees.insert(0, (f"A ({args.against})", Path(args.against).resolve()))
    starts: dict[str, list[Start]] = {name: [] for name, _ in trees}
    for round_ in range(1, args.rounds + 1):
        for name, tree in trees:
            start = bench_start(tree, args.months, args.tickets_per_month)
            starts[name].append(start)
            print(
                f"#{round_} {name} demo list filled: {start.filled:.2f} s after the window "
                f"({start.rows:,} rows), CPU {start.cpu:.2f} s in the app, "
                f"{start.sync_cpu:.2f} s in the sync process ({load()})",
                flush=True,
            )
    for name, _ in trees:
        runs = starts[name]
        print(
            f"{name} medians over {args.rounds}: demo list filled "
            f"{statistics.median(s.filled for s in runs):.2f} s, CPU "
            f"{statistics.median(s.cpu + s.sync_cpu for s in runs):.2f} s "
            f"(app and sync process; target: filled ≤ 3 s)"
        )


if __name__ == "__main__":
    main()
