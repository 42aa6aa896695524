"""The service-level report as a PDF (reportlab): the document and its cover page.

A4 portrait: a cover page, then the sections of the report (`pdf_tables.py`, with the
charts of `pdf_charts.py`) with a running header and a footer "page N of M" (the frame
the scorecard shares: `pdf_document.py`); fonts, colours and cell helpers are in
`pdf_style.py`.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from halt_desk.reports.change_report import change_section
from halt_desk.reports.export import MonthReport
from halt_desk.reports.pdf_document import build_document
from halt_desk.reports.pdf_escalations import escalation_section
from halt_desk.reports.pdf_style import (
    CONTENT_WIDTH,
    RULE,
    cover_facts,
    norm_text,
    para,
    styles,
    verdict,
    when,
)
from halt_desk.reports.pdf_tables import (
    breach_section,
    kpi_section,
    mttp_section,
    stock_section,
    uplift_section,
)
from halt_desk.reports.pdf_xla import xla_section
from halt_desk.reports.security_report import security_section, vulnerability_section
from halt_desk.reports.texts import Texts


# ---------------------------------------------------------------------------- sections
def _cover(report: MonthReport, t: Texts) -> list[Any]:
    tz = report.profile.calendar.tz
    month = t.month_name(report.month.month, report.month.year)
    kpis = report.kpis
    facts = [
        (t("organisation"), report.org_name),
        (t("month"), month),
        (t("provider"), report.provider),
        (t("profile"), f"{report.profile.title} ({report.profile.name})"),
        (t("tickets_reported"), str(kpis.total.tickets)),
        (t("evaluated_at"), when(t, report.now, tz)),
        (t("generated_at"), when(t, report.generated_at, tz)),
    ]
    facts_table = cover_facts(facts)
    # One tile per priority: within-norm share against the norm.
    tiles: list[Any] = []
    extra: list[tuple[Any, ...]] = []
    for col, kpi in enumerate(kpis.priorities):
        text, ink, background = verdict(t, kpi.norm_met)
        tiles.append(
            para(
                f'<font size="11"><b>{escape(kpi.priority)}</b></font><br/>'
                f'<font size="14">{t.percent(kpi.within_norm.percent)}</font><br/>'
                f'<font size="7">{t("norm")} {norm_text(t, kpi.norm)}</font><br/>'
                f'<font size="8" color="{ink.hexval().replace("0x", "#")}"><b>{text}</b></font>',
                "body",
            )
        )
        extra.append(("BACKGROUND", (col, 0), (col, 0), background))
    met_count = sum(1 for k in kpis.priorities if k.norm_met)
    decided = sum(1 for k in kpis.priorities if k.norm_met is not None)
    width = CONTENT_WIDTH / max(len(tiles), 1)
    tile_table = Table([tiles], colWidths=[width] * len(tiles))
    tile_table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 2, colors.white),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                *extra,
            ]
        )
    )
    white = ParagraphStyle("cover_white", styles()["title"], textColor=colors.white)
    white_sub = ParagraphStyle("cover_white_sub", styles()["subtitle"], textColor=colors.white)
    return [
        Spacer(1, 8 * mm),
        Paragraph(escape(t("title")), white),
        Spacer(1, 2 * mm),
        Paragraph(escape(f"{report.org_name} · {month}"), white_sub),
        Spacer(1, 34 * mm),
        facts_table,
        Spacer(1, 10 * mm),
        Paragraph(escape(t("summary")), styles()["h1"]),
        tile_table,
        Spacer(1, 3 * mm),
        para(escape(t("summary_line", met=met_count, total=decided)), "body"),
        Spacer(1, 8 * mm),
        para(t("cover_note"), "note"),
    ]


# ---------------------------------------------------------------------------- document
def render_pdf(report: MonthReport, t: Texts) -> bytes:
    """The report as PDF bytes (written to a file by the caller, atomically)."""
    tz = report.profile.calendar.tz
    month = t.month_name(report.month.month, report.month.year)
    story: list[Any] = [
        *_cover(report, t),
        NextPageTemplate("body"),
        PageBreak(),
        *kpi_section(report, t),
        *mttp_section(report, t),
        PageBreak(),
        KeepTogether(uplift_section(report, t)),
        *breach_section(report, t),
        CondPageBreak(60 * mm),
        KeepTogether(stock_section(report.stock, report, t)),
        *escalation_section(report, t),
        KeepTogether(xla_section(report, t)),
        CondPageBreak(70 * mm),
        *change_section(report, t),
        CondPageBreak(60 * mm),
        *security_section(report, t),
        CondPageBreak(40 * mm),
        *vulnerability_section(report, t),
    ]
    return build_document(
        story,
        t,
        title=f"{t('title')} {report.org_name} {report.month}",
        subject=t("subtitle", month=report.month),
        header=t("header", org=report.org_name, month=month),
        generated=f"{t('generated_at')} {when(t, report.generated_at, tz)}",
    )
