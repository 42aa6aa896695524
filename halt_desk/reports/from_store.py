"""The monthly report straight from a local cache that is already open (the desktop app's
menu): the same export, evaluation and rendering as `halt-desk report slr`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from halt_desk.reports.csv_out import kpi_csv, tickets_csv, tickets_path
from halt_desk.reports.export import build_export, read_export
from halt_desk.reports.month import Month
from halt_desk.reports.output import write_files
from halt_desk.reports.pdf import render_pdf
from halt_desk.reports.sources import StoreSource
from halt_desk.reports.texts import texts
from halt_desk.store import Store


def write_month_report(
    store: Store,
    month: str,
    org: str | None,
    out: Path,
    now: datetime,
    *,
    csv: Path | None = None,
    lang: str = "nl",
) -> list[Path]:
    """Writes the PDF (and the two CSV files) of `org`'s `month`; returns the files written.
    Raises the report's errors (InvalidMonth, UnknownOrganisation, EmptyMonth, …) before
    anything is written."""
    parsed = Month.parse(month)
    document = build_export(StoreSource(store), parsed, org, now)
    report = read_export(document, f"local cache {store.path.name}", parsed, org)
    t = texts(lang)
    outputs = [(out, render_pdf(report, t))]
    if csv is not None:
        outputs.append((csv, kpi_csv(report, t).encode("utf-8")))
        outputs.append((tickets_path(csv), tickets_csv(report, t).encode("utf-8")))
    write_files(outputs)
    return [path for path, _ in outputs]
