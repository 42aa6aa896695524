"""Benchmark of the monthly service-level report; prints figures, asserts nothing.

Run: .venv/bin/python tests/perf/bench_report.py [--tickets 20000]
Target on a 2-core machine: a month of 20,000 tickets (one organisation) from a month
export to the PDF in ≤ 5 s end to end (`halt-desk report slr --from EXPORT.json`).

    .venv/bin/python tests/perf/bench_report.py --scorecard [--tickets 60000]
The quarterly supplier scorecard of a quarter of 60,000 tickets from a quarter export to
PDF + CSV in ≤ 5 s end to end (`halt-desk report scorecard --from EXPORT.json`); wall and
CPU time (user + sys of the command) and the load average are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from halt_desk.demo import HALT_SHARE, generate
from halt_desk.reports import read_export, texts
from halt_desk.reports.csv_out import kpi_csv, tickets_csv
from halt_desk.reports.export import build_export
from halt_desk.reports.month import Month
from halt_desk.reports.pdf import render_pdf
from halt_desk.reports.sources import EventsSource


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_scorecard(tickets: int, runs: int) -> None:
    from halt_desk.reports.quarter import Quarter
    from halt_desk.reports.scorecard import build_quarter_export, read_quarter
    from halt_desk.reports.scorecard_csv import scorecard_csv
    from halt_desk.reports.scorecard_pdf import render_scorecard_pdf

    started = time.perf_counter()
    per_month = round(tickets / 3 / HALT_SHARE)
    dataset = generate(seed=1, months=3, end=date(2026, 12, 31), tickets_per_month=per_month)
    now = datetime(2027, 1, 20, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    source = EventsSource(dataset.events, "benchmark")
    document = build_quarter_export(source, Quarter(2026, 4), "halt", now)
    count = len(document["tickets"])
    prepared = time.perf_counter() - started
    print(f"prepared a quarter export of {count:,} tickets in {prepared:.1f} s (not timed below)")
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "quarter.json"
        export.write_text(json.dumps(document, ensure_ascii=False))
        print(f"export file: {export.stat().st_size / 1e6:.1f} MB")
        started = time.perf_counter()
        card = read_quarter(json.loads(export.read_text()), "quarter.json")
        evaluated = time.perf_counter() - started
        t = texts("nl")
        started = time.perf_counter()
        pdf = render_scorecard_pdf(card, t)
        scorecard_csv(card, t)
        rendered = time.perf_counter() - started
        print(f"in process: read + evaluate {evaluated:.2f} s, PDF + CSV {rendered:.2f} s "
              f"({len(pdf) / 1e3:.0f} kB)")  # fmt: skip
        exe = Path(sys.executable).with_name("halt-desk")
        command = [str(exe), "report", "scorecard", "--quarter", "2026-Q4", "--from", str(export)]
        command += ["--out", str(Path(folder) / "card.pdf"), "--csv", str(Path(folder) / "c.csv")]
        walls, cpus = [], []
        for _ in range(runs):
            cpu, started = _children_cpu(), time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            walls.append(time.perf_counter() - started)
            cpus.append(_children_cpu() - cpu)
        load = os.getloadavg()[0]
        print(
            f"halt-desk report scorecard --from (PDF + CSV), {count:,} tickets: wall best "
            f"{min(walls):.2f} s, median {statistics.median(walls):.2f} s; CPU (user+sys) "
            f"median {statistics.median(cpus):.2f} s over {runs} runs; load {load:.2f} "
            f"(target ≤ 5 s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=None, help="Halt tickets in the period")
    parser.add_argument("--runs", type=int, default=3, help="end-to-end runs")
    parser.add_argument("--scorecard", action="store_true", help="the quarterly scorecard")
    args = parser.parse_args()
    if args.scorecard:
        bench_scorecard(args.tickets or 60_000, args.runs)
        return
    args.tickets = args.tickets or 20_000

    started = time.perf_counter()
    per_month = round(args.tickets / HALT_SHARE)
    dataset = generate(seed=1, months=1, end=date(2026, 10, 31), tickets_per_month=per_month)
    now = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    source = EventsSource(dataset.events, "benchmark")
    document = build_export(source, Month(2026, 10), "halt", now)
    prepared = time.perf_counter() - started
    count = len(document["tickets"])
    print(f"prepared a month export of {count:,} tickets in {prepared:.1f} s (not timed below)")

    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.json"
        export.write_text(json.dumps(document, ensure_ascii=False))
        print(f"export file: {export.stat().st_size / 1e6:.1f} MB")

        started = time.perf_counter()
        report = read_export(json.loads(export.read_text()), "export.json")
        evaluated = time.perf_counter() - started
        t = texts("nl")
        started = time.perf_counter()
        pdf = render_pdf(report, t)
        rendered = time.perf_counter() - started
        started = time.perf_counter()
        kpi_csv(report, t)
        tickets_csv(report, t)
        csv_time = time.perf_counter() - started
        print(
            f"in process: read + evaluate {evaluated:.2f} s, PDF {rendered:.2f} s "
            f"({len(pdf) / 1e6:.1f} MB, {len(report.kpis.breaches):,} breaches listed), "
            f"CSV {csv_time:.2f} s"
        )

        exe = Path(sys.executable).with_name("halt-desk")
        command = [str(exe), "report", "slr", "--month", "2026-10", "--from", str(export)]
        command += ["--out", str(Path(folder) / "slr.pdf"), "--csv", str(Path(folder) / "slr.csv")]
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - started)
        print(
            f"halt-desk report slr --from (PDF + CSV), {count:,} tickets: "
            f"best {min(times):.2f} s, median {statistics.median(times):.2f} s "
            f"over {args.runs} runs (target ≤ 5 s)"
        )


if __name__ == "__main__":
    main()
