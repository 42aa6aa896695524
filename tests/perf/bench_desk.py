"""Benchmarks of the desktop app; prints figures, asserts nothing.

Run: .venv/bin/python tests/perf/bench_desk.py [--tickets 50000] [--search-rows 200000]
     [--cache FILE] [--rounds 2] [--against TREE] [--ticket-events 200] [--ticket-only]
     [--assign-staff 2000] [--only-assign]
Targets on a 2-core machine, with 50,000 tickets in the cache: desk start (process start)
to a filled list ≤ 1.0 s; saving an intake p95 ≤ 10 ms; search as you type over 200,000
tickets ≤ 100 ms p95 per keystroke; opening a ticket with 200 events (window shown, clocks
and timeline filled) ≤ 100 ms; the assignment type-ahead over 2,000 colleagues ≤ 30 ms per
key (key press to the list painted, offscreen).

Each start and each series of saves runs in a process of its own and reports its own CPU
time (user + sys, every thread): on a machine shared with other work the CPU time is the
steadier figure, the wall time follows the load (printed with every figure).
`--against TREE` compares with another checkout (its own .venv), alternating A (TREE) and
B (this tree) for `--rounds` rounds in one stretch, each on a fresh copy of the same cache.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

from halt_desk.demo import generate
from halt_desk.desk.ticket_list import QuickFilter, TicketList, TicketListRow
from halt_desk.domain.events import Event, new_event
from halt_desk.store import Store
from ui.ticket_model import TicketTableModel

HERE = Path(__file__).resolve().parents[2]
NOW = datetime(2027, 3, 31, 12, 0, tzinfo=UTC)
SUMMARIES = (
    "Laptop start niet op",
    "VPN valt weg",
    "Outlook synchroniseert niet",
    "Printer offline",
    "Wachtwoord reset",
    "Teams-telefonie valt weg",
    "Kan dossier niet openen",
    "Scherm zwart",
)
#: The start sequence of `ui.app.run_app`: the window first, its first screenful straight
#: from the cache file, the cache opened on a worker thread (with the store's imports) and
#: attached. A tree without the first page (the base of a comparison) fills the list once
#: the whole list is read. Prints when the list is filled (rows painted) and when every
#: row is in, each with the process's CPU time so far.
WINDOW_PROBE = """
import os, resource, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
from pathlib import Path
from ui.app import application, local_now, open_local_cache
from ui.main_window import MainWindow
from ui.workers import run_in_background
app = application("nl")
window = MainWindow(None, "agent-1", local_now)
window.show()
app.processEvents()
print("shown", time.time(), cpu(), flush=True)
path = Path(sys.argv[1])
if hasattr(window, "show_first_page"):
    window.show_first_page(path)
run_in_background(lambda: open_local_cache(path), lambda opened: window.attach_store(opened[0]))
filled = False
while not window.loaded:
    app.processEvents()
    if not filled and window.model.rowCount() > 0:
        window.table.viewport().repaint()  # the rows painted, as the user sees them
        filled = True
        print("filled", time.time(), cpu(), window.model.rowCount(), flush=True)
    time.sleep(0.002)
if not filled:
    window.table.viewport().repaint()
    print("filled", time.time(), cpu(), window.model.rowCount(), flush=True)
print("loaded", time.time(), cpu(), window.model.tickets.total, flush=True)
# Measured. The reminders of 50,000 open tickets are still being evaluated on a worker thread
# (minutes); Qt's thread pool would wait for them at exit.
os._exit(0)
"""
#: Saves through `record_intake` (the core: look-ups, the event and its outbox row in one
#: transaction), then through the intake dialog as the agent does (Enter on the last field
#: until the dialog closed; of that, the time the UI thread was held by `save()`).
INTAKE_PROBE = """
import os, resource, statistics, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from datetime import UTC, datetime
from pathlib import Path
from halt_desk.desk.intake import CallerDirectory, Intake, record_intake
from halt_desk.store import Store
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
def p95(values):
    return statistics.quantiles(values, n=20)[18]
store = Store.open(Path(sys.argv[1]))
employees = store.employees()[:50]
def intake(n):
    e = employees[n % len(employees)]
    if e["org"] == "halt":
        return Intake(e["id"], "Laptop start niet op", "phone", "werkplek", "one", "stopped")
    return Intake(e["id"], "Laptop start niet op", "phone", "werkplek", "low", "low")
for n in range(10):  # warm: imports, caches, the statements compiled
    record_intake(store, intake(n), "agent-1", datetime.now(UTC))
saves, started = [], cpu()
for n in range(int(sys.argv[2])):
    begun = time.perf_counter()
    record_intake(store, intake(n), "agent-1", datetime.now(UTC))
    saves.append((time.perf_counter() - begun) * 1000)
print("core", statistics.median(saves), p95(saves), (cpu() - started) * 1000 / len(saves))
from ui.app import application
from ui.intake_dialog import IntakeDialog
app = application("nl")  # as in the app: its thread switch interval too
directory = CallerDirectory.load(store)
closed, held = [], []
for n in range(int(sys.argv[3])):
    e = employees[n % len(employees)]
    dialog = IntakeDialog(store, directory, "agent-1", lambda: datetime.now(UTC))
    dialog.show()
    dialog.choose_caller(directory.get(e["id"]))
    dialog.summary.setText("Laptop start niet op")
    dialog.category.setCurrentIndex(dialog.category.findData("werkplek"))
    answers = ("one", "stopped") if e["org"] == "halt" else ("low", "low")
    dialog.impact.setCurrentIndex(dialog.impact.findData(answers[0]))
    dialog.urgency.setCurrentIndex(dialog.urgency.findData(answers[1]))
    app.processEvents()
    begun = time.perf_counter()
    dialog.save()
    held.append((time.perf_counter() - begun) * 1000)
    while dialog.isVisible():
        app.processEvents()
    closed.append((time.perf_counter() - begun) * 1000)
    dialog.deleteLater()
    app.processEvents()
print("dialog", statistics.median(closed), p95(closed), statistics.median(held), p95(held))
os._exit(0)
"""


def cache_with_tickets(path: Path, count: int) -> None:
    """The demo's organisations and employees, then `count` reported tickets."""
    dataset = generate(seed=1, months=1, end=NOW.date(), tickets_per_month=10)
    reference = [e for e in dataset.events if e.stream_kind in ("org", "employee")]
    employees = [e.stream_key for e in reference if e.stream_kind == "employee"]
    orgs = {e.stream_key: e.data["org"] for e in reference if e.stream_kind == "employee"}
    rng = random.Random(3)
    tickets: list[Event] = []
    for n in range(count):
        caller = rng.choice(employees)
        org = orgs[caller]
        at = NOW - timedelta(minutes=rng.randrange(0, 90 * 24 * 60))
        data = {
            "org": org,
            "caller": caller,
            "summary": rng.choice(SUMMARIES),
            "channel": "phone",
            "category": "werkplek",
        }
        if org == "halt":
            data["priority"] = rng.choice(("P1", "P2", "P3", "P3", "P4"))
        else:
            data["impact"], data["urgency"] = rng.choice(("low", "middle", "high")), "middle"
        tickets.append(
            new_event(f"ticket:{org.upper()}-B-{n:06d}", "ticket_reported", at, "a", data)
        )
    with Store.open(path, clock=lambda: NOW) as store:
        store.record_events(reference, bulk=True)
        for start in range(0, len(tickets), 10_000):
            store.record_events(tickets[start : start + 10_000], bulk=True)


@dataclass
class Start:
    shown: float
    filled: float
    filled_cpu: float
    filled_rows: int
    loaded: float
    loaded_cpu: float
    total: int


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def tree_python(tree: Path) -> str:
    return str(tree / ".venv" / "bin" / "python")


def bench_start(tree: Path, path: Path) -> Start:
    started = time.time()
    output = subprocess.run(
        [tree_python(tree), "-c", WINDOW_PROBE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tree,
        timeout=600,
    ).stdout.split("\n")
    marks = {line.split()[0]: line.split()[1:] for line in output if line}
    return Start(
        shown=float(marks["shown"][0]) - started,
        filled=float(marks["filled"][0]) - started,
        filled_cpu=float(marks["filled"][1]),
        filled_rows=int(marks["filled"][2]),
        loaded=float(marks["loaded"][0]) - started,
        loaded_cpu=float(marks["loaded"][1]),
        total=int(marks["loaded"][2]),
    )


def bench_intake(tree: Path, path: Path, saves: int = 200, dialogs: int = 40) -> dict[str, float]:
    output = subprocess.run(
        [tree_python(tree), "-c", INTAKE_PROBE, str(path), str(saves), str(dialogs)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tree,
        timeout=600,
    ).stdout.split("\n")
    marks = {line.split()[0]: [float(v) for v in line.split()[1:]] for line in output if line}
    core, dialog = marks["core"], marks["dialog"]
    return {
        "p50": core[0],
        "p95": core[1],
        "cpu": core[2],
        "closed_p50": dialog[0],
        "closed_p95": dialog[1],
        "held_p50": dialog[2],
        "held_p95": dialog[3],
    }


def bench_search(rows: int) -> list[float]:
    rng = random.Random(5)
    base = datetime(2027, 1, 1, tzinfo=UTC)
    people = [
        f"{a} {b}"
        for a in ("Anna", "Bram", "Sanne", "Jan", "Fatima", "Kees", "Emre")
        for b in ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "El Idrissi")
    ]
    data = [
        TicketListRow(
            f"HALT-2027-{n:06d}",
            "halt",
            f"e{n % 300}",
            rng.choice(people),
            rng.choice(SUMMARIES),
            rng.choice(("P1", "P2", "P3", "P4")),
            False,
            rng.choice(("open", "open", "waiting", "resolved", "closed")),
            base + timedelta(minutes=n),
            base + timedelta(minutes=n + 240),
            None,
        )
        for n in range(rows)
    ]
    app = QApplication.instance() or QApplication([])
    model = TicketTableModel(base + timedelta(days=30))
    view = QTableView()
    view.setModel(model)
    view.resize(1200, 700)
    view.show()
    tickets = TicketList(data, "agent-1")
    tickets.sort("next_due")
    model.set_tickets(tickets)
    app.processEvents()
    timings: list[float] = []
    for query in ("laptop start", "jansen", "halt-2027-0012", "vpn"):
        model.set_filter(QuickFilter.ALL, "")
        app.processEvents()
        steps = [query[:end] for end in range(1, len(query) + 1)]
        steps += [query[:end] for end in range(len(query) - 1, -1, -1)]  # backspace
        for text in steps:
            started = time.perf_counter()
            model.set_filter(QuickFilter.ALL, text)
            app.processEvents()  # the view repaints what it shows
            timings.append((time.perf_counter() - started) * 1000)
    view.close()
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def _process_cpu_ms() -> float:
    """CPU time of this process so far (user + sys, every thread), in ms."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime) * 1000


def bench_ticket_window(events: int, opens: int = 30) -> tuple[list[float], list[float], int]:
    """Opens the ticket window `opens` times on a ticket with about `events` events (every
    kind of entry, a planned and shipped swap, names for every id) and times each from the
    constructor until the window is shown with its clocks and timeline filled and painted.
    Returns (wall ms, CPU ms) per open and the number of timeline entries."""
    sys.path.insert(0, str(HERE))  # tests.workspace_data: the same ticket the GUI tests open
    from tests.workspace_data import AGENT, busy_ticket, named_store
    from ui.ticket_dialog import TicketDialog

    app = QApplication.instance() or QApplication([])
    now = datetime(2027, 1, 12, 10, 0, tzinfo=UTC)
    walls: list[float] = []
    cpus: list[float] = []
    entries = 0
    with (
        tempfile.TemporaryDirectory() as folder,
        Store.open(Path(folder) / "cache.sqlite3", clock=lambda: now) as store,
    ):
        named_store(store)
        ticket = busy_ticket(store, now, notes=max(0, events - 20))
        for round_ in range(opens + 1):  # the first one warms up (imports, caches)
            started, cpu_at = time.perf_counter(), _process_cpu_ms()
            dialog = TicketDialog(store, ticket, AGENT, lambda: now)
            dialog.show()
            while dialog.evaluation is None or not dialog.timeline.entries:
                app.processEvents()
            dialog.repaint()  # painted, as a person would see it
            wall, cpu = (time.perf_counter() - started) * 1000, _process_cpu_ms() - cpu_at
            entries = len(dialog.timeline.entries)
            dialog.close()
            dialog.deleteLater()
            app.processEvents()
            if round_:
                walls.append(wall)
                cpus.append(cpu)
    return walls, cpus, entries


def report_ticket_window(events: int) -> None:
    walls, cpus, entries = bench_ticket_window(events)
    print(
        f"ticket window with {entries} timeline entries: open → shown and filled p50 "
        f"{statistics.median(walls):.1f} ms, p95 {p95(walls):.1f} ms, max {max(walls):.1f} ms; "
        f"CPU p50 {statistics.median(cpus):.1f} ms, p95 {p95(cpus):.1f} ms per open over "
        f"{len(walls)} opens (target ≤ 100 ms; {load()})",
        flush=True,
    )


def bench_assign(staff: int) -> tuple[list[float], list[float]]:
    """The assignment dialog's type-ahead over `staff` colleagues: per key, the whole path
    from the key press to the list filled and painted (offscreen). Wall and CPU ms per key."""
    from halt_desk.desk.staff import Colleague, StaffDirectory
    from ui.assign_dialog import AssignDialog

    rng = random.Random(7)
    first = ("Pieter", "Sanne", "Emre", "Fatima", "Linda", "Jan", "Iris", "Daan", "Noor", "Ruud")
    last = ("de Groot", "Visser", "Yılmaz", "el Amrani", "Dekker", "Bakker", "de Graaf",
            "de Jong", "Smit", "van Dijk", "Mulder", "Bos", "Peters", "Vos")  # fmt: skip
    colleagues = [
        Colleague(f"{role}:{n}", f"{rng.choice(first)} {rng.choice(last)} {n}", role)
        for n in range(staff)
        for role in [rng.choice(("agent", "agent", "field", "logistics"))]
    ]
    directory = StaffDirectory(colleagues)
    app = QApplication.instance() or QApplication([])
    with (
        tempfile.TemporaryDirectory() as folder,
        Store.open(Path(folder) / "cache.sqlite3") as store,
    ):
        dialog = AssignDialog(store, "HALT-2027-000001", "agent:1", lambda: NOW, None, directory)
        dialog.show()
        while not dialog.loaded:
            app.processEvents()
        wall: list[float] = []
        cpu: list[float] = []
        from PySide6.QtTest import QTest

        for query in ("pie", "de gr", "yilmaz", "jan b", "sanne v", "1234"):
            dialog.search.clear()
            app.processEvents()
            keys = list(query) + ["\b"] * len(query)
            for key in keys:
                started, cpu_started = time.perf_counter(), time.process_time()
                if key == "\b":
                    QTest.keyClick(dialog.search, Qt.Key.Key_Backspace)
                else:
                    QTest.keyClicks(dialog.search, key)
                app.processEvents()  # the list repaints what it shows
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
        dialog.close()
    return wall, cpu


def compare(trees: list[tuple[str, Path]], cache: Path, rounds: int) -> None:
    """Start and intake of each tree, alternating, each on a fresh copy of `cache`."""
    starts: dict[str, list[Start]] = {name: [] for name, _ in trees}
    saves: dict[str, list[dict[str, float]]] = {name: [] for name, _ in trees}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(1, rounds + 1):
            for name, tree in trees:
                # A folder of its own: no write-ahead log of the run before next to it.
                copy = Path(tempfile.mkdtemp(dir=folder)) / "cache.sqlite3"
                shutil.copyfile(cache, copy)
                start = bench_start(tree, copy)
                starts[name].append(start)
                print(
                    f"#{round_} {name} start: window {start.shown:.2f} s; list filled "
                    f"({start.filled_rows:,} rows) {start.filled:.2f} s, CPU "
                    f"{start.filled_cpu:.2f} s; all {start.total:,} rows {start.loaded:.2f} "
                    f"s, CPU {start.loaded_cpu:.2f} s ({load()})",
                    flush=True,
                )
                intake = bench_intake(tree, copy)
                saves[name].append(intake)
                print(
                    f"#{round_} {name} intake save: p50 {intake['p50']:.1f} ms, p95 "
                    f"{intake['p95']:.1f} ms, CPU {intake['cpu']:.2f} ms per save; dialog "
                    f"Enter → closed p50 {intake['closed_p50']:.1f} ms, p95 "
                    f"{intake['closed_p95']:.1f} ms, UI thread held p50 "
                    f"{intake['held_p50']:.1f} ms, p95 {intake['held_p95']:.1f} ms ({load()})",
                    flush=True,
                )
    for name, _ in trees:
        median = statistics.median
        runs, intakes = starts[name], saves[name]
        filled, filled_cpu = median(s.filled for s in runs), median(s.filled_cpu for s in runs)
        loaded, loaded_cpu = median(s.loaded for s in runs), median(s.loaded_cpu for s in runs)
        print(
            f"{name} medians over {rounds}: list filled {filled:.2f} s (CPU {filled_cpu:.2f} s), "
            f"all rows {loaded:.2f} s (CPU {loaded_cpu:.2f} s); intake p50 "
            f"{median(i['p50'] for i in intakes):.1f} ms, p95 "
            f"{median(i['p95'] for i in intakes):.1f} ms, CPU "
            f"{median(i['cpu'] for i in intakes):.2f} ms (targets: filled ≤ 1.0 s, "
            "intake p95 ≤ 10 ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--search-rows", type=int, default=200_000)
    parser.add_argument("--cache", help="reuse this cache file (made when missing)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--against", help="another checkout to compare with (A), this is B")
    parser.add_argument("--ticket-events", type=int, default=200, help="0: no ticket window")
    parser.add_argument("--ticket-only", action="store_true", help="only the ticket window")
    parser.add_argument("--assign-staff", type=int, default=2_000, help="0: no type-ahead")
    parser.add_argument("--only-assign", action="store_true", help="only the type-ahead")
    args = parser.parse_args()
    if args.ticket_events and not args.only_assign:
        report_ticket_window(args.ticket_events)
    if args.assign_staff and not args.ticket_only:
        wall, cpu = bench_assign(args.assign_staff)
        print(
            f"assignment type-ahead over {args.assign_staff:,} colleagues: wall p50 "
            f"{statistics.median(wall):.1f} ms, p95 {p95(wall):.1f} ms, max {max(wall):.1f} ms; "
            f"CPU p50 {statistics.median(cpu):.1f} ms, p95 {p95(cpu):.1f} ms per key over "
            f"{len(wall)} keys (target ≤ 30 ms per key; {load()})"
        )
    if args.ticket_only or args.only_assign:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.cache) if args.cache else Path(folder) / "cache.sqlite3"
        if not path.exists():
            started = time.perf_counter()
            cache_with_tickets(path, args.tickets)
            print(
                f"cache with {args.tickets:,} tickets made in {time.perf_counter() - started:.1f} s"
            )
        trees = [("B (this tree)", HERE)]
        if args.against:
            trees.insert(0, (f"A ({args.against})", Path(args.against).resolve()))
        compare(trees, path, args.rounds)
        if args.search_rows:
            timings = bench_search(args.search_rows)
            print(
                f"search as you type over {args.search_rows:,} tickets: "
                f"p50 {statistics.median(timings):.1f} ms, p95 {p95(timings):.1f} ms, "
                f"max {max(timings):.1f} ms over {len(timings)} keystrokes "
                f"(target p95 ≤ 100 ms; {load()})"
            )


if __name__ == "__main__":
    main()
