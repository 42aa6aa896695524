"""The table sections of the service-level report's PDF: service levels per priority (one
column per clock of `domain.clockspec.CLOCKS`), MTTR and MTTP, uplifts, breaches, buffer
stock and satisfaction."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer

from halt_desk.domain.clockspec import CLOCK_NAMES
from halt_desk.reports.export import MonthReport, StockReport
from halt_desk.reports.kpi import Breach, PriorityKpi
from halt_desk.reports.pdf_charts import trend_chart
from halt_desk.reports.pdf_style import (
    BRAND,
    FAST_FONT,
    FAST_FONT_ITALIC,
    FONT,
    FONT_BOLD,
    GREEN,
    GREEN_BG,
    GREY_BG,
    INK,
    MUTED,
    RED,
    RED_BG,
    RULE,
    ZEBRA,
    duration,
    head,
    hours,
    norm_text,
    para,
    share_cell,
    styles,
    table,
    verdict,
    when,
)
from halt_desk.reports.texts import Texts

#: Widths (mm) of the service-level table's columns before, and after, the clock columns.
_KPI_LEADING_MM, _KPI_TRAILING_MM = (11, 14, 18, 14, 20), (11,)
#: The clock columns share what is left of the page; a clock's share is 15 unless named
#: here (a clock added to `CLOCKS` needs no entry: every clock column narrows a little).
_KPI_CLOCK_MM = {"resolution": 17, "onsite": 14, "swap": 14, "emergency_workplace": 17}
_KPI_CLOCKS_MM = 180 - sum(_KPI_LEADING_MM) - sum(_KPI_TRAILING_MM)


def _kpi_widths() -> list[float]:
    shares = [_KPI_CLOCK_MM.get(name, 15) for name in CLOCK_NAMES]
    clocks = [share * _KPI_CLOCKS_MM / sum(shares) for share in shares]
    return [m * mm for m in (*_KPI_LEADING_MM, *clocks, *_KPI_TRAILING_MM)]


def kpi_section(report: MonthReport, t: Texts) -> list[Any]:
    clocks = CLOCK_NAMES
    header = [
        *head(t, "prio", "tickets", "within_norm", "norm", "verdict"),
        *[para(t(f"col_{name}"), "cell_head") for name in clocks],
        *head(t, "open"),
    ]
    rows: list[list[Any]] = [header]
    extra: list[tuple[Any, ...]] = []
    kpis: list[PriorityKpi] = [*report.kpis.priorities, report.kpis.total]
    for row, kpi in enumerate(kpis, start=1):
        is_total = kpi.priority == "total"
        text, ink, background = verdict(t, kpi.norm_met)
        rows.append(
            [
                t("total") if is_total else kpi.priority,
                str(kpi.tickets),
                share_cell(t, kpi.within_norm),
                "" if is_total else norm_text(t, kpi.norm),
                "" if is_total else text,
                *[share_cell(t, kpi.clocks[name]) for name in clocks],
                str(kpi.open),
            ]
        )
        if not is_total:
            extra += [
                ("BACKGROUND", (4, row), (4, row), background),
                ("TEXTCOLOR", (4, row), (4, row), ink),
                ("FONT", (4, row), (4, row), FONT_BOLD, 7.5),
            ]
    widths = _kpi_widths()
    extra.append(("ALIGN", (1, 1), (1, -1), "RIGHT"))
    extra.append(("ALIGN", (-1, 1), (-1, -1), "RIGHT"))
    return [
        Paragraph(escape(t("s_kpi")), styles()["h1"]),
        table(rows, widths, extra, total_row=True),
        Spacer(1, 2 * mm),
        para(escape(t("s_kpi_note")), "note"),
    ]


def mttp_section(report: MonthReport, t: Texts) -> list[Any]:
    header = head(
        t, "priority", "resolved", "mttr_bh", "mttp_bh", "mttp_wh", "mttp_norm", "verdict"
    )
    rows: list[list[Any]] = [header]
    extra: list[tuple[Any, ...]] = []
    kpis = [*report.kpis.priorities, report.kpis.total]
    for row, kpi in enumerate(kpis, start=1):
        is_total = kpi.priority == "total"
        text, ink, background = verdict(t, kpi.mttp_norm_met)
        rows.append(
            [
                t("total") if is_total else kpi.priority,
                str(kpi.resolved),
                hours(t, kpi.mttr_business_hours),
                hours(t, kpi.mttp_business_hours),
                hours(t, kpi.mttp_wall_hours),
                "" if is_total else hours(t, kpi.mttp_norm_hours),
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
        Paragraph(escape(t("s_mttp")), styles()["h1"]),
        table(rows, widths, extra, total_row=True),
        Spacer(1, 2 * mm),
        para(escape(t("s_mttp_note")), "note"),
        CondPageBreak(80 * mm),
        Paragraph(escape(t("s_trend")), styles()["h2"]),
        trend_chart(report, t),
        para(escape(t("trend_note_norm" if has_norm else "trend_note_no_norm")), "note"),
    ]


def uplift_section(report: MonthReport, t: Texts) -> list[Any]:
    tz = report.profile.calendar.tz
    kpis = report.kpis
    flow: list[Any] = [Paragraph(escape(t("s_uplift")), styles()["h1"])]
    if not kpis.uplifts:
        flow.append(para(escape(t("uplift_none")), "body"))
    else:
        rows: list[list[Any]] = [head(t, "ticket", "date", "role_type", "motivation", "decided_by")]
        for u in kpis.uplifts:
            role = t.role(u.role_type)
            if u.role_explanation:
                role = f"{role}: {u.role_explanation}"
            rows.append(
                [
                    u.ticket,
                    when(t, u.decided_at, tz),
                    para(escape(role)),
                    para(escape(u.motivation)),
                    para(escape(report.person(u.decided_by))),
                ]
            )
        flow.append(table(rows, [m * mm for m in (32, 26, 36, 56, 30)]))
    if kpis.uplifts_refused:
        flow += [
            Spacer(1, 2 * mm),
            para(escape(t("uplift_refused", count=kpis.uplifts_refused)), "note"),
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


#: A depot that was short during the month but not at its end.
ORANGE = colors.HexColor("#b54708")
ORANGE_BG = colors.HexColor("#fef0c7")

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
        # `base` minus offsets[i] is the top of row i: row `start` right under the header
        # (a part after a page break starts at a later row; its rows were drawn below the
        # page, leaving the repeated header alone above a blank space)
        base = top - self.head_height + self.offsets[self.start]
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
        if b.missed is not None:  # an interval clock (update): intervals missed, not time late
            late = t("missed_updates", count=b.missed)
        elif b.stopped is None:
            late = f"{duration(t, b.late_business_minutes)} ({t('still_open')})"
        else:
            late = duration(t, b.late_business_minutes)
        if b.explanation:
            font = FAST_FONT if _fits_fast_font(b.explanation) else FONT
            explanation = _wrapped(b.explanation, text_width, font)
        else:
            explanation = missing
        cells = [b.ticket, b.priority, t.clock(b.clock), when(t, b.due, tz), late, explanation]
        rows.append((cells, not b.explanation))
    header = [t(key) for key in ("ticket", "prio", "clock", "due", "late", "explanation")]
    return _BreachRows(header, rows)


def breach_section(report: MonthReport, t: Texts) -> list[Any]:
    breaches = report.kpis.breaches
    flow: list[Any] = [Paragraph(escape(t("s_breaches")), styles()["h1"])]
    if not breaches:
        return [*flow, para(escape(t("breaches_none")), "body")]
    flow += [para(escape(t("breaches_note")), "note"), Spacer(1, 2 * mm)]
    flow.append(_breach_rows(report, t, breaches))
    return flow


def stock_section(stock: StockReport | None, report: MonthReport, t: Texts) -> list[Any]:
    flow: list[Any] = [Paragraph(escape(t("s_stock")), styles()["h1"])]
    if stock is None:
        return [*flow, para(escape(t("stock_none")), "body")]
    tz = report.profile.calendar.tz
    flow += [para(escape(t("stock_note", moment=when(t, stock.at, tz))), "note"), Spacer(1, 2 * mm)]
    lowest = any(depot.lowest is not None for depot in stock.depots)
    counts = ("stock_lowest", "stock_at_end") if lowest else ("in_stock",)
    rows: list[list[Any]] = [head(t, "depot", "model", *counts, "minimum", "verdict")]
    last = len(rows[0]) - 1
    extra: list[tuple[Any, ...]] = [("ALIGN", (2, 1), (last - 1, -1), "RIGHT")]
    for depot in stock.depots:
        for model in sorted({*depot.minimum, *depot.ready}):
            row = len(rows)
            has_minimum = model in depot.minimum
            if not has_minimum:
                text, ink, background = t("not_applicable"), MUTED, GREY_BG
            elif depot.short(model):
                text, ink, background = t("shortage"), RED, RED_BG
            elif depot.short_in_month(model):
                text, ink, background = t("shortage_in_month"), ORANGE, ORANGE_BG
            else:
                text, ink, background = t("sufficient"), GREEN, GREEN_BG
            figures = [str(depot.ready.get(model, 0))]
            if lowest:
                low = depot.lowest_of(model)
                figures.insert(0, "—" if low is None else str(low))
            minimum = str(depot.minimum[model]) if has_minimum else "—"
            rows.append([depot.name, model, *figures, minimum, text])
            extra += [
                ("BACKGROUND", (last, row), (last, row), background),
                ("TEXTCOLOR", (last, row), (last, row), ink),
                ("FONT", (last, row), (last, row), FONT_BOLD, 7.5),
            ]
    if len(rows) == 1:
        return [*flow, para(escape(t("stock_none")), "body")]
    widths = (38, 46, 22, 22, 22, 30) if lowest else (40, 58, 26, 26, 30)
    flow.append(table(rows, [m * mm for m in widths], extra))
    if lowest:
        flow += [Spacer(1, 1 * mm), para(escape(t("stock_lowest_note")), "note")]
    return flow
