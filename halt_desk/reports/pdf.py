"""The service-level report as a PDF (reportlab; charts with reportlab.graphics).

A4 portrait: a cover page, then the sections of the report with a running header and a
footer "page N of M". Text is set in Bitstream Vera (shipped inside reportlab), which has
every character the report uses (ë, ≥, –) on any machine.
"""

from __future__ import annotations

import io
import os
from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from halt_desk.reports.export import MonthReport, StockReport, TrendPoint
from halt_desk.reports.kpi import Breach, PriorityKpi, Share
from halt_desk.reports.texts import Texts

FONT = "HaltVera"
FONT_BOLD = "HaltVera-Bold"
FONT_ITALIC = "HaltVera-Italic"

INK = colors.HexColor("#1d2733")
MUTED = colors.HexColor("#667085")
BRAND = colors.HexColor("#1f4e79")
BRAND_LIGHT = colors.HexColor("#e8eef5")
ZEBRA = colors.HexColor("#f4f6f9")
RULE = colors.HexColor("#d0d7e1")
GREEN = colors.HexColor("#1e7b34")
GREEN_BG = colors.HexColor("#e3f4e6")
RED = colors.HexColor("#b42318")
RED_BG = colors.HexColor("#fde8e6")
GREY_BG = colors.HexColor("#eef0f3")

PAGE_WIDTH, PAGE_HEIGHT = A4
#: The breach list can run to thousands of rows: it is set in the PDF's built-in
#: Helvetica (WinAnsi: every Dutch letter, – and ‘’), which costs a fraction of an
#: embedded TrueType font; a cell with a character outside it falls back to Vera.
FAST_FONT, FAST_FONT_ITALIC = "Helvetica", "Helvetica-Oblique"
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN


@cache
def _register_fonts() -> None:
    import reportlab

    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, file in (
        (FONT, "Vera.ttf"),
        (FONT_BOLD, "VeraBd.ttf"),
        (FONT_ITALIC, "VeraIt.ttf"),
        (f"{FONT}-BoldItalic", "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=f"{FONT}-BoldItalic"
    )


@cache
def _styles() -> dict[str, ParagraphStyle]:
    _register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12, textColor=INK)
    return {
        "body": base,
        "note": ParagraphStyle("note", base, fontSize=7.5, leading=10, textColor=MUTED),
        "title": ParagraphStyle(
            "title", base, fontName=FONT_BOLD, fontSize=26, leading=32, textColor=BRAND
        ),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=15, leading=20, textColor=INK),
        "h1": ParagraphStyle(
            "h1",
            base,
            fontName=FONT_BOLD,
            fontSize=13,
            leading=17,
            textColor=BRAND,
            spaceBefore=10,
            spaceAfter=5,
        ),
        "h2": ParagraphStyle(
            "h2", base, fontName=FONT_BOLD, fontSize=10, leading=13, spaceBefore=6, spaceAfter=3
        ),
        "cell": ParagraphStyle("cell", base, fontSize=7.5, leading=9.5),
        "cell_head": ParagraphStyle(
            "cell_head", base, fontName=FONT_BOLD, fontSize=7.5, leading=9, textColor=colors.white
        ),
        "cell_right": ParagraphStyle(
            "cell_right", base, fontSize=7.5, leading=9, alignment=TA_RIGHT
        ),
        "cell_missing": ParagraphStyle(
            "cell_missing", base, fontName=FONT_ITALIC, fontSize=7.5, leading=9.5, textColor=RED
        ),
    }


# ---------------------------------------------------------------------------- pages
def _canvas_class(t: Texts, header: str, generated: str) -> type[Canvas]:
    """A canvas that draws the header and "page N of M" once the page count is known."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, 12 * mm, PAGE_WIDTH - MARGIN, 12 * mm)
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.drawString(MARGIN, 8 * mm, generated)
            self.drawRightString(
                PAGE_WIDTH - MARGIN, 8 * mm, t("footer_page", page=number, pages=total)
            )
            if number > 1:
                self.setFillColor(BRAND)
                self.rect(0, PAGE_HEIGHT - 4 * mm, PAGE_WIDTH, 4 * mm, stroke=0, fill=1)
                self.setFont(FONT_BOLD, 8)
                self.setFillColor(INK)
                self.drawString(MARGIN, PAGE_HEIGHT - 11 * mm, header)
                self.setFont(FONT, 8)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 11 * mm, "HALT Desk")
                self.line(MARGIN, PAGE_HEIGHT - 13 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 13 * mm)
            self.restoreState()

    return NumberedCanvas


def _cover_background(canvas: Canvas, _doc: Any) -> None:
    canvas.saveState()
    canvas.setFillColor(BRAND)
    canvas.rect(0, PAGE_HEIGHT - 70 * mm, PAGE_WIDTH, 70 * mm, stroke=0, fill=1)
    canvas.setFillColor(colors.HexColor("#2d6aa3"))
    canvas.rect(0, PAGE_HEIGHT - 73 * mm, PAGE_WIDTH, 3 * mm, stroke=0, fill=1)
    canvas.restoreState()


# ---------------------------------------------------------------------------- helpers
def _p(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(text, _styles()[style])


def _when(t: Texts, instant: datetime | None, tz: Any, with_time: bool = True) -> str:
    if instant is None:
        return "—"
    local = instant.astimezone(tz)
    if t.lang == "nl":
        return local.strftime("%d-%m-%Y %H:%M" if with_time else "%d-%m-%Y")
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def _duration(t: Texts, minutes: int | None) -> str:
    if minutes is None:
        return "—"
    hours, rest = divmod(max(minutes, 0), 60)
    unit = "u" if t.lang == "nl" else "h"
    return f"{hours} {unit} {rest:02d} m" if hours else f"{rest} m"


def _hours(t: Texts, value: float | None) -> str:
    return "—" if value is None else t.number(value)


def _norm_text(t: Texts, norm: float | None) -> str:
    if norm is None:
        return "—"
    decimals = 0 if float(norm).is_integer() else 1
    return f"≥ {t.number(norm, decimals)} %"


def _share_cell(t: Texts, share: Share) -> Paragraph:
    if share.decided == 0:
        return _p(f'<font color="#667085">{t("not_applicable")}</font>', "cell_right")
    return _p(
        f"{t.percent(share.percent)}<br/>"
        f'<font size="6" color="#667085">{share.met}/{share.decided}</font>',
        "cell_right",
    )


def _verdict(t: Texts, met: bool | None) -> tuple[str, Any, Any]:
    """Text, text colour and background of a met / not met mark."""
    if met is None:
        return t("not_applicable"), MUTED, GREY_BG
    if met:
        return t("met"), GREEN, GREEN_BG
    return t("not_met"), RED, RED_BG


def _table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    extra: Sequence[tuple[Any, ...]] = (),
    total_row: bool = False,
) -> Table:
    table = Table(list(rows), colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7.5),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), BRAND),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
    ]
    if total_row:
        commands += [
            ("FONT", (0, -1), (-1, -1), FONT_BOLD, 7.5),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, BRAND),
            ("BACKGROUND", (0, -1), (-1, -1), BRAND_LIGHT),
        ]
    table.setStyle(TableStyle(commands + list(extra)))
    return table


def _head(t: Texts, *keys: str) -> list[Paragraph]:
    return [_p(escape(t(key)), "cell_head") for key in keys]


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
        (t("evaluated_at"), _when(t, report.now, tz)),
        (t("generated_at"), _when(t, report.generated_at, tz)),
    ]
    facts_table = Table(
        [[_p(f"<b>{escape(k)}</b>"), _p(escape(v), "body")] for k, v in facts],
        colWidths=[50 * mm, CONTENT_WIDTH - 50 * mm],
    )
    facts_table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    # One tile per priority: within-norm share against the norm.
    tiles: list[Any] = []
    extra: list[tuple[Any, ...]] = []
    for col, kpi in enumerate(kpis.priorities):
        text, ink, background = _verdict(t, kpi.norm_met)
        tiles.append(
            _p(
                f'<font size="11"><b>{escape(kpi.priority)}</b></font><br/>'
                f'<font size="14">{t.percent(kpi.within_norm.percent)}</font><br/>'
                f'<font size="7">{t("norm")} {_norm_text(t, kpi.norm)}</font><br/>'
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
    white = ParagraphStyle("cover_white", _styles()["title"], textColor=colors.white)
    white_sub = ParagraphStyle("cover_white_sub", _styles()["subtitle"], textColor=colors.white)
    return [
        Spacer(1, 8 * mm),
        Paragraph(escape(t("title")), white),
        Spacer(1, 2 * mm),
        Paragraph(escape(f"{report.org_name} · {month}"), white_sub),
        Spacer(1, 34 * mm),
        facts_table,
        Spacer(1, 10 * mm),
        Paragraph(escape(t("summary")), _styles()["h1"]),
        tile_table,
        Spacer(1, 3 * mm),
        _p(escape(t("summary_line", met=met_count, total=decided)), "body"),
        Spacer(1, 8 * mm),
        _p(t("cover_note"), "note"),
    ]


def _kpi_section(report: MonthReport, t: Texts) -> list[Any]:
    clocks = ("reaction", "resolution", "update", "onsite", "swap", "emergency_workplace")
    header = [
        *_head(t, "prio", "tickets", "within_norm", "norm", "verdict"),
        *[_p(t(f"col_{name}"), "cell_head") for name in clocks],
        *_head(t, "open"),
    ]
    rows: list[list[Any]] = [header]
    extra: list[tuple[Any, ...]] = []
    kpis: list[PriorityKpi] = [*report.kpis.priorities, report.kpis.total]
    for row, kpi in enumerate(kpis, start=1):
        is_total = kpi.priority == "total"
        text, ink, background = _verdict(t, kpi.norm_met)
        rows.append(
            [
                t("total") if is_total else kpi.priority,
                str(kpi.tickets),
                _share_cell(t, kpi.within_norm),
                "" if is_total else _norm_text(t, kpi.norm),
                "" if is_total else text,
                *[_share_cell(t, kpi.clocks[name]) for name in clocks],
                str(kpi.open),
            ]
        )
        if not is_total:
            extra += [
                ("BACKGROUND", (4, row), (4, row), background),
                ("TEXTCOLOR", (4, row), (4, row), ink),
                ("FONT", (4, row), (4, row), FONT_BOLD, 7.5),
            ]
    widths = [m * mm for m in (11, 14, 18, 14, 20, 15, 17, 15, 14, 14, 17, 11)]
    extra.append(("ALIGN", (1, 1), (1, -1), "RIGHT"))
    extra.append(("ALIGN", (-1, 1), (-1, -1), "RIGHT"))
    return [
        Paragraph(escape(t("s_kpi")), _styles()["h1"]),
        _table(rows, widths, extra, total_row=True),
        Spacer(1, 2 * mm),
        _p(escape(t("s_kpi_note")), "note"),
    ]


def _mttp_section(report: MonthReport, t: Texts) -> list[Any]:
    header = _head(
        t, "priority", "resolved", "mttr_bh", "mttp_bh", "mttp_wh", "mttp_norm", "verdict"
    )
    rows: list[list[Any]] = [header]
    extra: list[tuple[Any, ...]] = []
    kpis = [*report.kpis.priorities, report.kpis.total]
    for row, kpi in enumerate(kpis, start=1):
        is_total = kpi.priority == "total"
        text, ink, background = _verdict(t, kpi.mttp_norm_met)
        rows.append(
            [
                t("total") if is_total else kpi.priority,
                str(kpi.resolved),
                _hours(t, kpi.mttr_business_hours),
                _hours(t, kpi.mttp_business_hours),
                _hours(t, kpi.mttp_wall_hours),
                "" if is_total else _hours(t, kpi.mttp_norm_hours),
                "" if is_total else text,
            ]
        )
        if not is_total:
            extra += [
                ("BACKGROUND", (6, row), (6, row), background),
                ("TEXTCOLOR", (6, row), (6, row), ink),
                ("FONT", (6, row), (6, row), FONT_BOLD, 7.5),
            ]
    extra.append(("ALIGN", (1, 1), (5, -1), "RIGHT"))
    widths = [m * mm for m in (22, 20, 27, 27, 27, 30, 27)]
    has_norm = bool(report.profile.mttp_norms)
    return [
        Paragraph(escape(t("s_mttp")), _styles()["h1"]),
        _table(rows, widths, extra, total_row=True),
        Spacer(1, 2 * mm),
        _p(escape(t("s_mttp_note")), "note"),
        CondPageBreak(80 * mm),
        Paragraph(escape(t("s_trend")), _styles()["h2"]),
        _trend_chart(report, t),
        _p(escape(t("trend_note_norm" if has_norm else "trend_note_no_norm")), "note"),
    ]


def _trend_chart(report: MonthReport, t: Texts) -> Drawing:
    """Small multiples: one bar chart of monthly MTTP per priority, with its norm line."""
    priorities = report.profile.priorities
    per_row = 2
    rows = -(-len(priorities) // per_row)
    panel_w, panel_h = CONTENT_WIDTH / per_row, 52 * mm
    drawing = Drawing(CONTENT_WIDTH, rows * panel_h)
    for index, priority in enumerate(priorities):
        x0 = (index % per_row) * panel_w
        y0 = (rows - 1 - index // per_row) * panel_h
        norm = report.profile.mttp_norms.get(priority)
        _trend_panel(
            drawing,
            x0,
            y0,
            panel_w,
            panel_h,
            priority,
            report.trend,
            None if norm is None else norm / 3600.0,
            t,
        )
    return drawing


def _axis_step(value: float) -> float:
    """A "round" step (1, 2, 2.5 or 5 × a power of ten) so that 4 steps reach `value`."""
    if value <= 0:
        return 0.25
    candidates = [m * s for s in (0.01, 0.1, 1, 10, 100, 1000) for m in (1, 2, 2.5, 5)]
    return min((c for c in candidates if 4 * c >= value), default=value / 4)


def _trend_panel(
    drawing: Drawing,
    x0: float,
    y0: float,
    width: float,
    height: float,
    priority: str,
    trend: Sequence[TrendPoint],
    norm: float | None,
    t: Texts,
) -> None:
    left, right, bottom, top = 22.0, 10.0, 20.0, 18.0
    plot_w = width - left - right
    plot_h = height - bottom - top
    px, py = x0 + left, y0 + bottom
    values = [p.mttp_business_hours.get(priority) for p in trend]
    highest = max([v for v in values if v is not None] + ([norm] if norm is not None else []) + [0])
    step_size = _axis_step(highest * 1.1)
    scale_top = 4 * step_size
    drawing.add(
        String(x0 + left, y0 + height - 11, priority, fontName=FONT_BOLD, fontSize=9, fillColor=INK)
    )
    for step in range(5):
        value = step_size * step
        y = py + plot_h * step / 4
        drawing.add(Line(px, y, px + plot_w, y, strokeColor=RULE, strokeWidth=0.4))
        label = t.number(value, 0 if float(value).is_integer() else 2 if step_size < 0.5 else 1)
        drawing.add(
            String(
                px - 3, y - 2.5, label, fontName=FONT, fontSize=6, fillColor=MUTED, textAnchor="end"
            )
        )
    slot = plot_w / max(len(trend), 1)
    bar_w = slot * 0.55
    for i, (point, bar) in enumerate(zip(trend, values, strict=True)):
        cx = px + slot * (i + 0.5)
        is_current = i == len(trend) - 1
        if bar is not None:
            bar_h = plot_h * bar / scale_top
            over = norm is not None and bar > norm
            fill = RED if over else (BRAND if is_current else colors.HexColor("#8fb0d3"))
            drawing.add(Rect(cx - bar_w / 2, py, bar_w, bar_h, fillColor=fill, strokeColor=None))
            drawing.add(
                String(
                    cx,
                    py + bar_h + 2,
                    t.number(bar),
                    fontName=FONT,
                    fontSize=6,
                    fillColor=INK,
                    textAnchor="middle",
                )
            )
        else:
            drawing.add(
                String(
                    cx, py + 2, "—", fontName=FONT, fontSize=6, fillColor=MUTED, textAnchor="middle"
                )
            )
        drawing.add(
            String(
                cx,
                py - 9,
                t.month_short(point.month.month, point.month.year),
                fontName=FONT_BOLD if is_current else FONT,
                fontSize=6,
                fillColor=INK,
                textAnchor="middle",
            )
        )
    drawing.add(Line(px, py, px + plot_w, py, strokeColor=MUTED, strokeWidth=0.6))
    if norm is not None:
        y = py + plot_h * norm / scale_top
        drawing.add(
            Line(px, y, px + plot_w, y, strokeColor=RED, strokeWidth=1, strokeDashArray=[3, 2])
        )
        drawing.add(
            String(
                px + plot_w,
                y0 + height - 11,
                t("norm_line", hours=t.number(norm, 0 if float(norm).is_integer() else 1)),
                fontName=FONT,
                fontSize=7,
                fillColor=RED,
                textAnchor="end",
            )
        )
        drawing.add(
            Line(
                px + plot_w - 62,
                y0 + height - 8.5,
                px + plot_w - 50,
                y0 + height - 8.5,
                strokeColor=RED,
                strokeWidth=1,
                strokeDashArray=[3, 2],
            )
        )


def _uplift_section(report: MonthReport, t: Texts) -> list[Any]:
    tz = report.profile.calendar.tz
    kpis = report.kpis
    flow: list[Any] = [Paragraph(escape(t("s_uplift")), _styles()["h1"])]
    if not kpis.uplifts:
        flow.append(_p(escape(t("uplift_none")), "body"))
    else:
        rows: list[list[Any]] = [
            _head(t, "ticket", "date", "role_type", "motivation", "decided_by")
        ]
        for u in kpis.uplifts:
            role = t.role(u.role_type)
            if u.role_explanation:
                role = f"{role}: {u.role_explanation}"
            rows.append(
                [
                    u.ticket,
                    _when(t, u.decided_at, tz),
                    _p(escape(role)),
                    _p(escape(u.motivation)),
                    _p(escape(u.decided_by or "—")),
                ]
            )
        flow.append(_table(rows, [m * mm for m in (32, 26, 36, 56, 30)]))
    if kpis.uplifts_refused:
        flow += [
            Spacer(1, 2 * mm),
            _p(escape(t("uplift_refused", count=kpis.uplifts_refused)), "note"),
        ]
    return flow


def _fits_fast_font(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _wrapped(text: str, width: float, font: str = FONT, size: float = 7.5) -> str:
    """`text` broken into lines that fit `width` points (a plain table cell: much cheaper
    to lay out than a Paragraph, which counts with thousands of breach rows)."""
    return "\n".join(simpleSplit(text, font, size, width))


BREACH_WIDTHS = tuple(m * mm for m in (30, 13, 24, 26, 30, 57))
_LINE = 9.0  # leading of a breach row's text
_PAD = 3.0


class _BreachRows(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """The breach list drawn straight onto the canvas: a header band, zebra rows, and a
    split at any row boundary (header repeated). A platypus Table of thousands of rows
    costs seconds in cell styling and re-measuring at every page break; this does not."""

    def __init__(
        self,
        header: Sequence[str],
        rows: Sequence[tuple[list[str], bool]],
        start: int = 0,
        stop: int | None = None,
        offsets: Sequence[float] | None = None,
    ) -> None:
        super().__init__()
        self.header = header
        self.rows = rows  # (cells, explanation missing), shared by the parts of a split
        self.start, self.stop = start, len(rows) if stop is None else stop
        if offsets is None:  # offsets[i]: height of rows[:i]; computed once for all parts
            offsets = [0.0]
            for cells, _ in rows:
                lines = max(cell.count("\n") + 1 for cell in cells)
                offsets.append(offsets[-1] + lines * _LINE + 2 * _PAD)
        self.offsets = offsets
        self.head_height = _LINE + 2 * _PAD + 2

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = sum(BREACH_WIDTHS)
        self.height = self.head_height + self.offsets[self.stop] - self.offsets[self.start]
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        limit = self.offsets[self.start] + avail_height - self.head_height
        cut = bisect_right(self.offsets, limit, self.start, self.stop + 1) - 1
        if cut <= self.start:
            return []
        if cut >= self.stop:
            return [self]
        return [
            _BreachRows(self.header, self.rows, self.start, cut, self.offsets),
            _BreachRows(self.header, self.rows, cut, self.stop, self.offsets),
        ]

    def draw(self) -> None:
        canvas = self.canv
        width = sum(BREACH_WIDTHS)
        top = self.height
        canvas.setFillColor(BRAND)
        canvas.rect(0, top - self.head_height, width, self.head_height, stroke=0, fill=1)
        text = canvas.beginText()
        text.setFillColor(colors.white)
        text.setFont(FONT_BOLD, 7.5)
        x = 0.0
        for label, column in zip(self.header, BREACH_WIDTHS, strict=True):
            text.setTextOrigin(x + _PAD, top - _PAD - 8)
            text.textOut(label)
            x += column
        canvas.drawText(text)
        # Backgrounds and rules first, then all the text in one text object.
        base = top - self.head_height - self.offsets[self.start]
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.25)
        canvas.setFillColor(ZEBRA)
        for index in range(self.start, self.stop):
            low = base - self.offsets[index + 1]
            if (index - self.start) % 2:
                canvas.rect(0, low, width, self.offsets[index + 1] - self.offsets[index], 0, 1)
            canvas.line(0, low, width, low)
        text = canvas.beginText()
        font = FAST_FONT
        text.setFont(font, 7.5)
        text.setFillColor(INK)
        for index in range(self.start, self.stop):
            cells, missing = self.rows[index]
            x = 0.0
            line_top = base - self.offsets[index] - _PAD - 7
            for column, cell in enumerate(cells):
                wanted = FAST_FONT
                if column == 5:
                    if missing:
                        wanted = FAST_FONT_ITALIC
                    elif not _fits_fast_font(cell):
                        wanted = FONT
                if wanted != font:
                    font = wanted
                    text.setFont(font, 7.5)
                    text.setFillColor(RED if font == FAST_FONT_ITALIC else INK)
                line_y = line_top
                for line in cell.split("\n"):
                    text.setTextOrigin(x + _PAD, line_y)
                    text.textOut(line)
                    line_y -= _LINE
                x += BREACH_WIDTHS[column]
        canvas.drawText(text)


def _breach_rows(report: MonthReport, t: Texts, breaches: Sequence[Breach]) -> _BreachRows:
    tz = report.profile.calendar.tz
    text_width = BREACH_WIDTHS[-1] - 2 * _PAD
    missing = t("no_explanation")
    rows: list[tuple[list[str], bool]] = []
    for b in breaches:
        if b.clock == "update":
            late = t("missed_updates", count=b.missed or 0)
        elif b.stopped is None:
            late = f"{_duration(t, b.late_business_minutes)} ({t('still_open')})"
        else:
            late = _duration(t, b.late_business_minutes)
        if b.explanation:
            font = FAST_FONT if _fits_fast_font(b.explanation) else FONT
            explanation = _wrapped(b.explanation, text_width, font)
        else:
            explanation = missing
        cells = [b.ticket, b.priority, t.clock(b.clock), _when(t, b.due, tz), late, explanation]
        rows.append((cells, not b.explanation))
    header = [t(key) for key in ("ticket", "prio", "clock", "due", "late", "explanation")]
    return _BreachRows(header, rows)


def _breach_section(report: MonthReport, t: Texts) -> list[Any]:
    breaches = report.kpis.breaches
    flow: list[Any] = [Paragraph(escape(t("s_breaches")), _styles()["h1"])]
    if not breaches:
        return [*flow, _p(escape(t("breaches_none")), "body")]
    flow += [_p(escape(t("breaches_note")), "note"), Spacer(1, 2 * mm)]
    flow.append(_breach_rows(report, t, breaches))
    return flow


def _stock_section(stock: StockReport | None, report: MonthReport, t: Texts) -> list[Any]:
    flow: list[Any] = [Paragraph(escape(t("s_stock")), _styles()["h1"])]
    if stock is None:
        return [*flow, _p(escape(t("stock_none")), "body")]
    tz = report.profile.calendar.tz
    flow += [_p(escape(t("stock_note", moment=_when(t, stock.at, tz))), "note"), Spacer(1, 2 * mm)]
    rows: list[list[Any]] = [_head(t, "depot", "model", "in_stock", "minimum", "verdict")]
    extra: list[tuple[Any, ...]] = [("ALIGN", (2, 1), (3, -1), "RIGHT")]
    for depot in stock.depots:
        for model in sorted({*depot.minimum, *depot.ready}):
            row = len(rows)
            has_minimum = model in depot.minimum
            short = depot.short(model)
            if has_minimum:
                text = t("shortage") if short else t("sufficient")
                ink, background = (RED, RED_BG) if short else (GREEN, GREEN_BG)
            else:
                text, ink, background = t("not_applicable"), MUTED, GREY_BG
            rows.append(
                [
                    depot.name,
                    model,
                    str(depot.ready.get(model, 0)),
                    str(depot.minimum[model]) if has_minimum else "—",
                    text,
                ]
            )
            extra += [
                ("BACKGROUND", (4, row), (4, row), background),
                ("TEXTCOLOR", (4, row), (4, row), ink),
                ("FONT", (4, row), (4, row), FONT_BOLD, 7.5),
            ]
    if len(rows) == 1:
        return [*flow, _p(escape(t("stock_none")), "body")]
    flow.append(_table(rows, [m * mm for m in (40, 58, 26, 26, 30)], extra))
    return flow


def _csat_section(report: MonthReport, t: Texts) -> list[Any]:
    csat = report.kpis.satisfaction
    flow: list[Any] = [Paragraph(escape(t("s_csat")), _styles()["h1"])]
    if csat.average is None:
        return [*flow, _p(escape(t("csat_none")), "body")]
    text, ink, background = _verdict(t, csat.met)
    decimals = 0 if float(csat.norm).is_integer() else 1
    rows = [
        _head(t, "average_score", "responses", "norm", "verdict"),
        [t.number(csat.average), str(csat.responses), f"≥ {t.number(csat.norm, decimals)}", text],
    ]
    extra = [
        ("BACKGROUND", (3, 1), (3, 1), background),
        ("TEXTCOLOR", (3, 1), (3, 1), ink),
        ("FONT", (3, 1), (3, 1), FONT_BOLD, 7.5),
        ("FONT", (0, 1), (0, 1), FONT_BOLD, 11),
    ]
    flow += [
        _table(rows, [m * mm for m in (40, 40, 30, 40)], extra),
        Spacer(1, 2 * mm),
        _p(escape(t("csat_note")), "note"),
    ]
    return flow


# ---------------------------------------------------------------------------- document
def render_pdf(report: MonthReport, t: Texts) -> bytes:
    """The report as PDF bytes (written to a file by the caller, atomically)."""
    _register_fonts()
    buffer = io.BytesIO()
    tz = report.profile.calendar.tz
    month = t.month_name(report.month.month, report.month.year)
    header = t("header", org=report.org_name, month=month)
    generated = f"{t('generated_at')} {_when(t, report.generated_at, tz)}"
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=f"{t('title')} {report.org_name} {report.month}",
        author="HALT Desk",
        subject=t("subtitle", month=report.month),
        creator="HALT Desk",
        invariant=1,
    )
    cover_frame = Frame(MARGIN, 16 * mm, CONTENT_WIDTH, PAGE_HEIGHT - 24 * mm, id="cover")
    body_frame = Frame(MARGIN, 16 * mm, CONTENT_WIDTH, PAGE_HEIGHT - 34 * mm, id="body")
    doc.addPageTemplates(
        [
            PageTemplate("cover", [cover_frame], onPage=_cover_background),
            PageTemplate("body", [body_frame]),
        ]
    )
    story: list[Any] = [
        *_cover(report, t),
        NextPageTemplate("body"),
        PageBreak(),
        *_kpi_section(report, t),
        *_mttp_section(report, t),
        PageBreak(),
        KeepTogether(_uplift_section(report, t)),
        *_breach_section(report, t),
        CondPageBreak(60 * mm),
        KeepTogether(_stock_section(report.stock, report, t)),
        KeepTogether(_csat_section(report, t)),
    ]
    doc.build(story, canvasmaker=_canvas_class(t, header, generated))
    return buffer.getvalue()
