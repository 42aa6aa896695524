"""The report as CSV for spreadsheets: the KPI table, and one line per ticket.

Two files, because the two tables have different columns: `NAME.csv` (one row per
priority plus the total, the figures of the PDF's KPI and MTTR/MTTP tables) and
`NAME-tickets.csv` (one row per ticket of the month). Dutch (the default) is written the
way Excel with Dutch regional settings opens it directly in columns: `;` between fields
and a decimal comma; English uses `,` and a decimal point. Both are UTF-8 with a byte
order mark (so Excel shows ë and é), times are local to the contract (`YYYY-MM-DD HH:MM`),
and percentages and hours are plain numbers without a unit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from halt_desk.domain.clocks import ClockState, TicketStatus
from halt_desk.domain.clockspec import CLOCK_NAMES
from halt_desk.reports.export import MonthReport
from halt_desk.reports.kpi import PriorityKpi
from halt_desk.reports.texts import Texts


def delimiter(t: Texts) -> str:
    return ";" if t.lang == "nl" else ","


def tickets_path(kpi_path: Path) -> Path:
    """`slr.csv` → `slr-tickets.csv` (next to it)."""
    return kpi_path.with_name(f"{kpi_path.stem}-tickets{kpi_path.suffix or '.csv'}")


def _num(t: Texts, value: float | None, decimals: int = 1) -> str:
    if value is None:
        return ""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if t.lang == "nl" else text


def _yes_no(t: Texts, value: bool | None) -> str:
    return t("not_applicable") if value is None else t("yes" if value else "no")


def _write(t: Texts, rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter(t), lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def kpi_csv(report: MonthReport, t: Texts) -> str:
    header = [
        t("month"),
        t("priority"),
        t("tickets"),
        t("within_norm_met"),
        t("within_norm_decided"),
        t("within_norm_pct"),
        t("norm_pct"),
        t("norm_met"),
        *[t("clock_pct", clock=t.clock(name)) for name in CLOCK_NAMES],
        t("open"),
        t("resolved"),
        t("mttr_bh"),
        t("mttp_bh"),
        t("mttp_wh"),
        t("mttp_norm"),
    ]
    rows: list[list[Any]] = [header]
    kpis: list[PriorityKpi] = [*report.kpis.priorities, report.kpis.total]
    for kpi in kpis:
        is_total = kpi.priority == "total"
        rows.append(
            [
                str(report.month),
                t("total") if is_total else kpi.priority,
                kpi.tickets,
                kpi.within_norm.met,
                kpi.within_norm.decided,
                _num(t, kpi.within_norm.percent),
                _num(t, kpi.norm, 0) if kpi.norm is not None else "",
                "" if is_total else _yes_no(t, kpi.norm_met),
                *[_num(t, kpi.clocks[name].percent) for name in CLOCK_NAMES],
                kpi.open,
                kpi.resolved,
                _num(t, kpi.mttr_business_hours, 2),
                _num(t, kpi.mttp_business_hours, 2),
                _num(t, kpi.mttp_wall_hours, 2),
                _num(t, kpi.mttp_norm_hours, 2),
            ]
        )
    return _write(t, rows)


def tickets_csv(report: MonthReport, t: Texts) -> str:
    tz = report.profile.calendar.tz

    def when(instant: datetime) -> str:
        return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")

    header = [
        t("ticket"),
        t("reported_at"),
        t("priority"),
        t("uplift"),
        t("status"),
        t("within_norm"),
        *[t.clock(name) for name in CLOCK_NAMES],
        t("mttr_bm"),
        t("mttp_bm"),
        t("mttp_wm"),
        t("csat"),
        t("category"),
        t("channel"),
        t("breaches"),
    ]
    rows: list[list[Any]] = [header]
    states = {state: t(f"state_{state}") for state in ClockState}
    statuses = {status: t(f"status_{status}") for status in TicketStatus}
    clock_names = {name: t.clock(name) for name in CLOCK_NAMES}
    yes, no = t("yes"), t("no")
    for ticket in report.tickets:
        if ticket.change is not None:
            continue  # the changes have a file of their own (change_report.changes_csv)
        ev = ticket.evaluation
        rows.append(
            [
                ev.id,
                when(ev.reported_at),
                ev.priority,
                yes if ev.uplift else no,
                statuses[ev.status],
                _yes_no(t, ev.within_norm),
                *[states[clock.state] for clock in ev.clocks.values()],
                "" if ev.mttr_business_minutes is None else ev.mttr_business_minutes,
                "" if ev.mttp_business_minutes is None else ev.mttp_business_minutes,
                "" if ev.mttp_wall_minutes is None else ev.mttp_wall_minutes,
                "" if ticket.csat is None else ticket.csat,
                ticket.category or "",
                ticket.channel or "",
                ", ".join(clock_names[name] for name in ev.breaches),
            ]
        )
    return _write(t, rows)
