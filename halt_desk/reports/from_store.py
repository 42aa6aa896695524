"""The monthly report straight from a local cache that is already open (the desktop app's
menu): the same export, evaluation and rendering as `halt-desk report slr`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from halt_desk.reports.change_report import changes_csv, changes_path
from halt_desk.reports.csv_out import kpi_csv, tickets_csv, tickets_path
from halt_desk.reports.export import HISTORY_MONTHS, build_export, read_export
from halt_desk.reports.governance_csv import governance_csvs
from halt_desk.reports.month import Month
from halt_desk.reports.output import write_files
from halt_desk.reports.pdf import render_pdf
from halt_desk.reports.sources import StoreSource
from halt_desk.reports.texts import texts
from halt_desk.store import Store

#: (steps done, steps in all): after each step, from the thread that makes the report.
ReportProgress = Callable[[int, int], None]


def write_month_report(
    store: Store,
    month: str,
    org: str | None,
    out: Path,
    now: datetime,
    *,
    csv: Path | None = None,
    lang: str = "nl",
    progress: ReportProgress | None = None,
) -> list[Path]:
    """Writes the PDF (and the CSV files, as `report slr --csv`) of `org`'s `month`;
    returns the files written.
    Raises the report's errors (InvalidMonth, UnknownOrganisation, EmptyMonth, …) before
    anything is written. `progress(done, total)` is told after each step: each month read
    (the report's and the ones of its trend), the PDF, the CSV files, the writing."""
    steps = 1 + HISTORY_MONTHS + 1 + (1 if csv is not None else 0) + 1
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, steps)

    parsed = Month.parse(month)
    document = build_export(StoreSource(store), parsed, org, now, month_done=step)
    report = read_export(document, f"local cache {store.path.name}", parsed, org)
    t = texts(lang)
    outputs = [(out, render_pdf(report, t))]
    step()
    if csv is not None:
        outputs.append((csv, kpi_csv(report, t).encode("utf-8")))
        outputs.append((tickets_path(csv), tickets_csv(report, t).encode("utf-8")))
        changes = changes_csv(report, t)
        if changes is not None:
            outputs.append((changes_path(csv), changes.encode("utf-8")))
        for path, text in governance_csvs(report, t, csv):
            outputs.append((path, text.encode("utf-8")))
        step()
    write_files(outputs)
    step()
    return [path for path, _ in outputs]
