"""The XLA section of the monthly report's PDF (seed 003 §10.5): satisfaction and the
survey's two dimensions against the norm, and the direction of the MTTP trend."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from halt_desk.reports.export import MonthReport
from halt_desk.reports.pdf_style import FONT_BOLD, head, hours, para, styles, table, verdict
from halt_desk.reports.scorecard_texts import say
from halt_desk.reports.texts import Texts
from halt_desk.reports.xla import XlaScore, mttp_trends, xla_scores

_DIMENSION_KEYS = {"servicedesk": "csat_servicedesk", "information": "csat_information"}


def dimension_name(t: Texts, score: XlaScore) -> str:
    if score.dimension == "overall":
        return say(t, "xla_overall")
    return t(_DIMENSION_KEYS[score.dimension])


def norm_score(t: Texts, norm: float) -> str:
    return f"≥ {t.number(norm, 0 if float(norm).is_integer() else 1)}"


def score_table(t: Texts, scores: tuple[XlaScore, ...]) -> Any:
    """Dimension, average, responses, norm, verdict: one row per XLA dimension."""
    rows: list[list[Any]] = [
        [
            para(escape(say(t, "xla_dimension")), "cell_head"),
            *head(t, "average_score", "responses", "norm", "verdict"),
        ]
    ]
    extra: list[tuple[Any, ...]] = [("ALIGN", (1, 1), (3, -1), "RIGHT")]
    for row, score in enumerate(scores, start=1):
        text, ink, background = verdict(t, score.met)
        average = "—" if score.average is None else t.number(score.average)
        rows.append(
            [
                para(escape(dimension_name(t, score))),
                average,
                str(score.responses),
                norm_score(t, score.norm),
                text,
            ]
        )
        extra += [
            ("BACKGROUND", (4, row), (4, row), background),
            ("TEXTCOLOR", (4, row), (4, row), ink),
            ("FONT", (4, row), (4, row), FONT_BOLD, 7.5),
        ]
    return table(rows, [m * mm for m in (60, 30, 25, 25, 30)], extra)


def xla_section(report: MonthReport, t: Texts) -> list[Any]:
    satisfaction = report.kpis.satisfaction
    flow: list[Any] = [
        Paragraph(escape(say(t, "s_xla")), styles()["h1"]),
        score_table(t, xla_scores(satisfaction)),
        Spacer(1, 2 * mm),
        para(escape(say(t, "xla_note")), "note"),
    ]
    if satisfaction.responses:
        sources = t("csat_sources", survey=satisfaction.by_survey, agents=satisfaction.by_agents)
        flow.append(para(escape(sources), "note"))
    rows: list[list[Any]] = [
        [
            *head(t, "prio"),
            para(escape(say(t, "xla_earlier")), "cell_head"),
            para(escape(say(t, "xla_this_month")), "cell_head"),
            *head(t, "mttp_norm"),
            para(escape(say(t, "xla_direction")), "cell_head"),
            *head(t, "verdict"),
        ]
    ]
    extra: list[tuple[Any, ...]] = [("ALIGN", (1, 1), (3, -1), "RIGHT")]
    for row, trend in enumerate(mttp_trends(report), start=1):
        text, ink, background = verdict(t, trend.met)
        direction = trend.direction
        rows.append(
            [
                trend.priority,
                hours(t, trend.earlier),
                hours(t, trend.current),
                hours(t, trend.norm),
                "—" if direction is None else say(t, f"trend_{direction}"),
                text,
            ]
        )
        extra += [
            ("BACKGROUND", (5, row), (5, row), background),
            ("TEXTCOLOR", (5, row), (5, row), ink),
            ("FONT", (5, row), (5, row), FONT_BOLD, 7.5),
        ]
    flow += [
        Spacer(1, 2 * mm),
        Paragraph(escape(say(t, "s_xla_mttp")), styles()["h2"]),
        table(rows, [m * mm for m in (15, 32, 32, 40, 25, 26)], extra),
        Spacer(1, 2 * mm),
        para(escape(say(t, "xla_mttp_note")), "note"),
    ]
    return flow
