"""Change management in the service-level report (seed 003 §10.2, KPI 5 and 6).

The changes of the month are the change tickets reported in it (like incidents). Each is
evaluated by `domain.change_kpi`: KPI 5 is the share of standard changes implemented
within planning, KPI 6 the share of minor changes whose first plan date was given within 5
working days; a clock still running is left out of the share (like the incident clocks)
and shown as open. Both against the norm of 95 % per month. Major, emergency and project
changes are counted, without a norm ("in overleg").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from halt_desk.domain.change_kpi import CHANGE_CLOCKS, CHANGE_TYPES
from halt_desk.domain.clocks import ClockState
from halt_desk.i18n import NP_
from halt_desk.reports.change_figures import change_kpis, type_counts
from halt_desk.reports.pdf_style import (
    FONT_BOLD,
    GREEN,
    GREEN_BG,
    MUTED,
    RED,
    RED_BG,
    head,
    para,
    styles,
    table,
    verdict,
    when,
)

if TYPE_CHECKING:
    from halt_desk.reports.export import MonthReport
    from halt_desk.reports.kpi import ReportTicket
    from halt_desk.reports.texts import Texts

__all__ = ["change_section", "changes_csv", "changes_path"]

#: The section's words (context "report"), looked up in the report's language.
WORDS: Mapping[str, str] = {
    "s_changes": NP_("report", "Change management"),
    "changes_none": NP_("report", "No changes were reported this month."),
    "changes_note": NP_(
        "report",
        "Changes reported this month. KPI 5: standard changes implemented on or before "
        "their planned date; KPI 6: minor changes with a first plan date given within 5 "
        "working days of the report. A change still open is left out of the share.",
    ),
    "kpi": NP_("report", "KPI"),
    "kpi_change_planning": NP_("report", "Standard changes implemented within planning"),
    "kpi_change_first_plan": NP_("report", "Minor changes planned within 5 working days"),
    "change_met": NP_("report", "Met"),
    "change_open": NP_("report", "Open"),
    "change_share": NP_("report", "Share"),
    "change_type": NP_("report", "Type of change"),
    "change_count": NP_("report", "Changes"),
    "change_planned_for": NP_("report", "Planned for"),
    "change_implemented_at": NP_("report", "Implemented"),
    "change_verdict": NP_("report", "KPI"),
    "type_standard": NP_("report", "Standard"),
    "type_minor": NP_("report", "Minor"),
    "type_major": NP_("report", "Major"),
    "type_emergency": NP_("report", "Emergency"),
    "type_project": NP_("report", "Project"),
    "in_consultation": NP_("report", "by agreement"),
}


def w(t: Texts, key: str, **values: object) -> str:
    return t.word(WORDS, key, **values)


# ---------------------------------------------------------------------------- PDF
def _head(t: Texts, *keys: str) -> list[Paragraph]:
    return head(t, *keys, words=WORDS)


def change_section(report: MonthReport, t: Texts) -> list[Any]:
    """The change KPIs against their norm, the count per type, and one row per change."""
    flow: list[Any] = [Paragraph(escape(w(t, "s_changes")), styles()["h1"])]
    changes = [ticket for ticket in report.tickets if ticket.change is not None]
    if not changes:
        return [*flow, para(escape(w(t, "changes_none")), "body")]
    flow += [para(escape(w(t, "changes_note")), "note"), Spacer(1, 2 * mm)]
    rows: list[list[Any]] = [
        _head(
            t, "kpi", "change_count", "change_met", "change_open", "change_share", "norm", "verdict"
        )
    ]
    extra: list[tuple[Any, ...]] = [("ALIGN", (1, 1), (5, -1), "RIGHT")]
    for number, kpi in zip((5, 6), change_kpis([c.change for c in changes]), strict=True):
        text, ink, background = verdict(t, kpi.norm_met)
        row = len(rows)
        label = f"{number}. {w(t, f'kpi_{kpi.clock}')}"
        rows.append(
            [
                para(escape(label)),
                str(kpi.changes),
                f"{kpi.met}/{kpi.decided}",
                str(kpi.open),
                t.percent(kpi.percent),
                f"≥ {t.number(kpi.norm, 0)} %",
                text,
            ]
        )
        extra += [
            ("BACKGROUND", (6, row), (6, row), background),
            ("TEXTCOLOR", (6, row), (6, row), ink),
            ("FONT", (6, row), (6, row), FONT_BOLD, 7.5),
        ]
    flow.append(table(rows, [m * mm for m in (54, 24, 18, 14, 20, 20, 30)], extra))
    counts = type_counts([c.change for c in changes])
    summary = " · ".join(f"{w(t, f'type_{kind}')} {counts[kind]}" for kind in CHANGE_TYPES)
    consult = ", ".join(w(t, f"type_{kind}") for kind in ("major", "emergency", "project"))
    flow += [
        Spacer(1, 2 * mm),
        para(
            escape(f"{w(t, 'change_count')}: {summary}. {consult}: {w(t, 'in_consultation')}."),
            "note",
        ),
        Spacer(1, 3 * mm),
        _change_rows(report, t, changes),
    ]
    return flow


def _change_rows(report: MonthReport, t: Texts, changes: Sequence[ReportTicket]) -> Any:
    tz = report.profile.calendar.tz
    rows: list[list[Any]] = [
        _head(
            t,
            "ticket",
            "change_type",
            "reported_at",
            "change_planned_for",
            "change_implemented_at",
            "change_verdict",
        )
    ]
    extra: list[tuple[Any, ...]] = []
    for ticket in changes:
        change = ticket.change
        assert change is not None
        measured = [c for c in change.clocks.values() if c.state is not ClockState.NOT_APPLICABLE]
        state = measured[0].state if measured else ClockState.NOT_APPLICABLE
        row = len(rows)
        rows.append(
            [
                ticket.id,
                w(t, f"type_{change.change_type}"),
                when(t, ticket.evaluation.reported_at, tz),
                change.planned.strftime("%d-%m-%Y") if change.planned else "—",
                when(t, change.implemented_at, tz),
                t(f"state_{state.value}"),
            ]
        )
        ink = {ClockState.MET: GREEN, ClockState.BREACHED: RED}.get(state, MUTED)
        background = {ClockState.MET: GREEN_BG, ClockState.BREACHED: RED_BG}.get(state)
        extra.append(("TEXTCOLOR", (5, row), (5, row), ink))
        if background is not None:
            extra.append(("BACKGROUND", (5, row), (5, row), background))
    return table(rows, [m * mm for m in (34, 24, 30, 26, 30, 36)], extra)


# ---------------------------------------------------------------------------- CSV
def changes_path(kpi_path: Path) -> Path:
    """`slr.csv` → `slr-changes.csv` (next to it)."""
    return kpi_path.with_name(f"{kpi_path.stem}-changes{kpi_path.suffix or '.csv'}")


def changes_csv(report: MonthReport, t: Texts) -> str | None:
    """One line per change of the month (as `tickets_csv`, which lists the incidents), or
    None when the month has no changes (no file is written then)."""
    from halt_desk.reports.csv_out import _write

    changes = [ticket for ticket in report.tickets if ticket.change is not None]
    if not changes:
        return None
    tz = report.profile.calendar.tz

    def local(instant: datetime | None) -> str:
        return "" if instant is None else instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")

    header = [
        t("ticket"),
        w(t, "change_type"),
        t("reported_at"),
        w(t, "change_planned_for"),
        w(t, "change_implemented_at"),
        *(f"KPI {n}" for n in (5, 6)),
        t("category"),
    ]
    rows: list[list[Any]] = [header]
    for ticket in changes:
        change = ticket.change
        assert change is not None
        states = [t(f"state_{change.clocks[name].state.value}") for name in CHANGE_CLOCKS]
        planned = change.planned.isoformat() if change.planned else ""
        rows.append(
            [
                ticket.id,
                w(t, f"type_{change.change_type}"),
                local(ticket.evaluation.reported_at),
                planned,
                local(change.implemented_at),
                *states,
                ticket.category or "",
            ]
        )
    return _write(t, rows)
