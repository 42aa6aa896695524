"""The governance parts of the monthly report as CSV, one file per table next to the KPI
file, in the conventions of `csv_out.py` (Dutch `;` and decimal comma, UTF-8 with a byte
order mark, percentages and hours as plain numbers):

* `NAME-xla.csv`: the XLA figures — overall satisfaction and the two survey dimensions
  against their norm, and the MTTP trend per priority (`xla.py`);
* `NAME-change-kpis.csv`: KPI 5 and KPI 6 of the changes (`change_figures.py`);
* `NAME-escalations.csv`: escalations still open and closed per level in the month;
  `NAME-escalation-trend.csv`: registered, closed and open at the end over six months;
  `NAME-actions.csv`: the corrective actions with owner, due date and status
  (`escalation_report.month_overview`);
* `NAME-security.csv`: the month's security incidents; `NAME-vulnerabilities.csv`: the
  vulnerabilities (CVE) and the measures taken (`security_figures.py`).

Every file is written with its header even when the month has no rows, so a script that
reads them finds the same set of files every month.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from halt_desk.domain.escalations import LEVELS
from halt_desk.reports import change_report, security_report
from halt_desk.reports.change_figures import change_kpis
from halt_desk.reports.csv_out import _num, _write, _yes_no
from halt_desk.reports.escalation_report import month_overview
from halt_desk.reports.export import MonthReport
from halt_desk.reports.scorecard_texts import say
from halt_desk.reports.security_figures import security_tickets
from halt_desk.reports.texts import Texts
from halt_desk.reports.xla import mttp_trends, xla_scores

#: The file name's suffix of each table, in the order they are written.
SUFFIXES = (
    "xla",
    "change-kpis",
    "escalations",
    "escalation-trend",
    "actions",
    "security",
    "vulnerabilities",
)


def governance_path(kpi_path: Path, suffix: str) -> Path:
    """`slr.csv` → `slr-xla.csv` (next to it)."""
    return kpi_path.with_name(f"{kpi_path.stem}-{suffix}{kpi_path.suffix or '.csv'}")


def xla_csv(report: MonthReport, t: Texts) -> str:
    """One row per XLA dimension (its average against the norm), then one per priority
    (the MTTP of the earlier months against this month's, the direction and the norm)."""
    rows: list[list[Any]] = [
        [
            t("month"),
            say(t, "xla_dimension"),
            t("priority"),
            say(t, "xla_earlier"),
            say(t, "xla_this_month"),
            t("responses"),
            say(t, "xla_direction"),
            t("norm"),
            t("norm_met"),
        ]
    ]
    month = str(report.month)
    names = {
        "overall": say(t, "xla_overall"),
        "servicedesk": t("csat_servicedesk"),
        "information": t("csat_information"),
    }
    for score in xla_scores(report.kpis.satisfaction):
        rows.append(
            [
                month,
                names[score.dimension],
                "",
                "",
                _num(t, score.average, 2),
                score.responses,
                "",
                _num(t, score.norm, 1),
                _yes_no(t, score.met),
            ]
        )
    for trend in mttp_trends(report):
        direction = trend.direction
        rows.append(
            [
                month,
                say(t, "s_xla_mttp"),
                trend.priority,
                _num(t, trend.earlier, 2),
                _num(t, trend.current, 2),
                "",
                "" if direction is None else say(t, f"trend_{direction}"),
                _num(t, trend.norm, 2),
                _yes_no(t, trend.met),
            ]
        )
    return _write(t, rows)


def change_kpis_csv(report: MonthReport, t: Texts) -> str:
    """KPI 5 and KPI 6: the changes of their type, met of decided, the share and the norm."""
    w = change_report.w
    rows: list[list[Any]] = [
        [
            t("month"),
            w(t, "kpi"),
            w(t, "change_type"),
            w(t, "change_count"),
            t("within_norm_met"),
            t("within_norm_decided"),
            w(t, "change_open"),
            w(t, "change_share"),
            t("norm_pct"),
            t("norm_met"),
        ]
    ]
    for kpi in change_kpis([ticket.change for ticket in report.tickets]):
        rows.append(
            [
                str(report.month),
                w(t, f"kpi_{kpi.clock}"),
                w(t, f"type_{kpi.change_type}"),
                kpi.changes,
                kpi.met,
                kpi.decided,
                kpi.open,
                _num(t, kpi.percent),
                _num(t, kpi.norm, 0),
                _yes_no(t, kpi.norm_met),
            ]
        )
    return _write(t, rows)


def escalation_csvs(report: MonthReport, t: Texts) -> tuple[str, str, str]:
    """(per level, six-month trend, corrective actions) of the month's escalation overview."""
    overview = month_overview(
        report.escalations, report.month, report.profile.calendar.tz, report.now
    )
    month = str(report.month)
    levels: list[list[Any]] = [
        [t("month"), say(t, "level"), say(t, "esc_open_col"), say(t, "esc_closed_col")],
        *[
            [month, level, overview.open_per_level[level], overview.closed_per_level[level]]
            for level in LEVELS
        ],
    ]
    trend: list[list[Any]] = [
        [t("month"), say(t, "registered"), say(t, "closed_on"), say(t, "esc_open_col")],
        *[[str(p.month), p.registered, p.closed, p.open_at_end] for p in overview.trend],
    ]
    actions: list[list[Any]] = [
        [
            t("month"),
            say(t, "escalation"),
            say(t, "action"),
            say(t, "owner"),
            t("due"),
            t("status"),
        ],
        *[
            [month, escalation, a.action, a.owner, a.due.isoformat(), say(t, f"action_{a.status}")]
            for escalation, a in overview.actions
        ],
    ]
    return _write(t, levels), _write(t, trend), _write(t, actions)


def security_csv(report: MonthReport, t: Texts) -> str:
    """One row per security incident of the month (as the PDF's security section)."""
    w = security_report.w
    tz = report.profile.calendar.tz
    rows: list[list[Any]] = [
        [
            t("ticket"),
            t("reported_at"),
            t("priority"),
            t("category"),
            t("col_reaction"),
            t("col_resolution"),
            w(t, "handling_hours"),
            t("within_norm"),
        ]
    ]
    for ticket in security_tickets(report.tickets):
        ev = ticket.evaluation
        mttr = ev.mttr_business_minutes
        rows.append(
            [
                ticket.id,
                ev.reported_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                ev.priority,
                ticket.category or "",
                t(f"state_{ev.clocks['reaction'].state.value}"),
                t(f"state_{ev.clocks['resolution'].state.value}"),
                "" if mttr is None else _num(t, mttr / 60, 2),
                _yes_no(t, ev.within_norm),
            ]
        )
    return _write(t, rows)


def vulnerabilities_csv(report: MonthReport, t: Texts) -> str:
    """The month's vulnerabilities as they stood at its end, most severe first."""
    w = security_report.w
    rows: list[list[Any]] = [
        [
            t("month"),
            w(t, "cve"),
            w(t, "severity"),
            w(t, "vuln_status"),
            w(t, "measure"),
            w(t, "vuln_date"),
        ]
    ]
    for vuln in report.vulnerabilities:
        rows.append(
            [
                str(report.month),
                vuln.cve,
                w(t, f"sev_{vuln.severity}"),
                w(t, f"vs_{vuln.status}"),
                vuln.measure,
                vuln.date.isoformat(),
            ]
        )
    return _write(t, rows)


def governance_csvs(report: MonthReport, t: Texts, kpi_path: Path) -> list[tuple[Path, str]]:
    """Every governance table as (path next to `kpi_path`, CSV text), in SUFFIXES order."""
    levels, trend, actions = escalation_csvs(report, t)
    make: dict[str, Callable[[], str]] = {
        "xla": lambda: xla_csv(report, t),
        "change-kpis": lambda: change_kpis_csv(report, t),
        "escalations": lambda: levels,
        "escalation-trend": lambda: trend,
        "actions": lambda: actions,
        "security": lambda: security_csv(report, t),
        "vulnerabilities": lambda: vulnerabilities_csv(report, t),
    }
    return [(governance_path(kpi_path, suffix), make[suffix]()) for suffix in SUFFIXES]
