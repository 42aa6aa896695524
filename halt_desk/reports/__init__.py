"""The monthly service-level report (SLR) as PDF and CSV, and the month export it reads.

    document = build_export(source, Month.parse("2027-01"), "halt", now)   # export.py
    report = read_export(document, "EXPORT.json")        # evaluated by domain.clocks
    report.kpis                                          # kpi.py: pure figures
    render_pdf(report, texts("nl")); kpi_csv(...); tickets_csv(...)

No Qt here: the desktop app's menu entry calls these same functions.
"""

from halt_desk.reports.csv_out import kpi_csv, tickets_csv, tickets_path
from halt_desk.reports.errors import (
    EmptyMonth,
    InvalidExport,
    InvalidMonth,
    OutputNotWritten,
    ReportError,
    SourceUnavailable,
    UnknownOrganisation,
)
from halt_desk.reports.export import MonthReport, build_export, read_export
from halt_desk.reports.kpi import MonthKpis, PriorityKpi, ReportTicket, Share, compute_kpis
from halt_desk.reports.month import Month
from halt_desk.reports.output import write_files
from halt_desk.reports.texts import texts

__all__ = [
    "EmptyMonth",
    "InvalidExport",
    "InvalidMonth",
    "Month",
    "MonthKpis",
    "MonthReport",
    "OutputNotWritten",
    "PriorityKpi",
    "ReportError",
    "ReportTicket",
    "Share",
    "SourceUnavailable",
    "UnknownOrganisation",
    "build_export",
    "compute_kpis",
    "kpi_csv",
    "read_export",
    "texts",
    "tickets_csv",
    "tickets_path",
    "write_files",
]
