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
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from halt_desk.demo import HALT_SHARE, generate
from halt_desk.reports import read_export, texts
from halt_desk.reports.csv_out import kpi_csv, tickets_csv
from halt_desk.reports.export import build_export
from halt_desk.reports.governance_csv import governance_csvs
from halt_desk.reports.month import Month
from halt_desk.reports.pdf import render_pdf
from halt_desk.reports.sources import EventsSource


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def escalation_streams(count: int, end: date) -> list[dict[str, object]]:
    """`count` escalations spread over the six months before `end`: registered, informed,
    with two actions, a meeting, and every other one closed (export documents)."""
    streams = []
    for n in range(count):
        day = end.toordinal() - 180 + (n * 179) // max(count, 1)
        at = datetime.fromordinal(day).replace(hour=10, tzinfo=ZoneInfo("Europe/Amsterdam"))

        def event(kind: str, hours: int, start: datetime = at, **data: object) -> dict[str, object]:
            moment = (start + timedelta(hours=hours)).isoformat()
            return {"type": f"escalation_{kind}", "at": moment, "actor": "regie", **data}

        level = ("N1", "N2", "N3")[n % 3]
        events = [
            event("registered", 0, org="halt", supplier="MSP", description=f"Oorzaak {n}",
                  classification="operational" if level == "N1" else "beyond_operational",
                  level=level, tickets=[], breaches=[]),
            event("informed", 1, who="internal"),
            event("meeting_held", 2, notes=f"Overleg {n}"),
            event("action_added", 3, action=f"Maatregel {n}a", owner="MSP", due=str(end)),
            event("action_added", 4, action=f"Maatregel {n}b", owner="Regie", due=str(end)),
        ]  # fmt: skip
        if n % 2:
            events += [
                event("action_updated", 48, action=f"Maatregel {n}a", status="done"),
                event("closed", 72, quality=7, speed=6, cooperation=8, lessons=f"Les {n}"),
            ]
        streams.append({"id": f"ESC-{n:05d}", "events": events})
    return streams


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
    parser.add_argument("--escalations", type=int, default=200, help="escalations (SLR)")
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
    document["escalations"] = escalation_streams(args.escalations, date(2026, 10, 31))
    prepared = time.perf_counter() - started
    count = len(document["tickets"])
    print(
        f"prepared a month export of {count:,} tickets and {args.escalations} escalations "
        f"in {prepared:.1f} s (not timed below)"
    )

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
        started = time.perf_counter()
        governance_csvs(report, t, Path(folder) / "slr.csv")
        governance_time = time.perf_counter() - started
        print(
            f"in process: read + evaluate {evaluated:.2f} s, PDF {rendered:.2f} s "
            f"({len(pdf) / 1e6:.1f} MB, {len(report.kpis.breaches):,} breaches listed), "
            f"CSV {csv_time:.2f} s, governance CSV tables {governance_time:.3f} s"
        )

        exe = Path(sys.executable).with_name("halt-desk")
        command = [str(exe), "report", "slr", "--month", "2026-10", "--from", str(export)]
        command += ["--out", str(Path(folder) / "slr.pdf"), "--csv", str(Path(folder) / "slr.csv")]
        times, cpus = [], []
        for _ in range(args.runs):
            cpu, started = _children_cpu(), time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - started)
            cpus.append(_children_cpu() - cpu)
        print(
            f"halt-desk report slr --from (PDF + CSV), {count:,} tickets, "
            f"{args.escalations} escalations: wall best {min(times):.2f} s, median "
            f"{statistics.median(times):.2f} s; CPU (user+sys) median "
            f"{statistics.median(cpus):.2f} s over {args.runs} runs; load "
            f"{os.getloadavg()[0]:.2f} (target ≤ 3 s)"
        )


if __name__ == "__main__":
    main()
