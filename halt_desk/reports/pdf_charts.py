"""The charts of the service-level report's PDF (reportlab.graphics): the MTTP trend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from halt_desk.reports.export import MonthReport, TrendPoint
from halt_desk.reports.pdf_style import BRAND, CONTENT_WIDTH, FONT, FONT_BOLD, INK, MUTED, RED, RULE
from halt_desk.reports.texts import Texts


def trend_chart(report: MonthReport, t: Texts) -> Drawing:
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


class _Plot(NamedTuple):
    """The plot area of one panel: its origin and size (points) and the value at its top."""

    x: float
    y: float
    width: float
    height: float
    top: float


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
    values = [p.mttp_business_hours.get(priority) for p in trend]
    highest = max([v for v in values if v is not None] + ([norm] if norm is not None else []) + [0])
    step_size = _axis_step(highest * 1.1)
    plot = _Plot(x0 + left, y0 + bottom, width - left - right, height - bottom - top, 4 * step_size)
    drawing.add(
        String(x0 + left, y0 + height - 11, priority, fontName=FONT_BOLD, fontSize=9, fillColor=INK)
    )
    _axis(drawing, plot, step_size, t)
    _bars(drawing, plot, trend, values, norm, t)
    drawing.add(
        Line(plot.x, plot.y, plot.x + plot.width, plot.y, strokeColor=MUTED, strokeWidth=0.6)
    )
    if norm is not None:
        _norm_line(drawing, plot, y0 + height, norm, t)


def _axis(drawing: Drawing, plot: _Plot, step_size: float, t: Texts) -> None:
    """Grid lines and their labels, in four steps of `step_size`."""
    px, py = plot.x, plot.y
    for step in range(5):
        value = step_size * step
        y = py + plot.height * step / 4
        drawing.add(Line(px, y, px + plot.width, y, strokeColor=RULE, strokeWidth=0.4))
        label = t.number(value, 0 if float(value).is_integer() else 2 if step_size < 0.5 else 1)
        drawing.add(
            String(
                px - 3, y - 2.5, label, fontName=FONT, fontSize=6, fillColor=MUTED, textAnchor="end"
            )
        )


def _bars(
    drawing: Drawing,
    plot: _Plot,
    trend: Sequence[TrendPoint],
    values: Sequence[float | None],
    norm: float | None,
    t: Texts,
) -> None:
    """A bar per month (red above the norm, dark for the report's month) with its value."""
    px, py = plot.x, plot.y
    slot = plot.width / max(len(trend), 1)
    bar_w = slot * 0.55
    for i, (point, bar) in enumerate(zip(trend, values, strict=True)):
        cx = px + slot * (i + 0.5)
        is_current = i == len(trend) - 1
        if bar is not None:
            bar_h = plot.height * bar / plot.top
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


def _norm_line(drawing: Drawing, plot: _Plot, panel_top: float, norm: float, t: Texts) -> None:
    """The dashed norm line across the plot, and its legend at the panel's top right."""
    px, right = plot.x, plot.x + plot.width
    y = plot.y + plot.height * norm / plot.top
    drawing.add(Line(px, y, right, y, strokeColor=RED, strokeWidth=1, strokeDashArray=[3, 2]))
    drawing.add(
        String(
            right,
            panel_top - 11,
            t("norm_line", hours=t.number(norm, 0 if float(norm).is_integer() else 1)),
            fontName=FONT,
            fontSize=7,
            fillColor=RED,
            textAnchor="end",
        )
    )
    drawing.add(
        Line(
            right - 62,
            panel_top - 8.5,
            right - 50,
            panel_top - 8.5,
            strokeColor=RED,
            strokeWidth=1,
            strokeDashArray=[3, 2],
        )
    )
