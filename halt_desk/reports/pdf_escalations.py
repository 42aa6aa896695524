"""The escalation overview of the monthly report's PDF (seed 003 §2.4.3 C): open and closed
escalations per level, their causes (RCA), the trend over six months and the corrective
actions with owner and status."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from halt_desk.domain.escalations import LEVELS, EscalationState
from halt_desk.reports.escalation_report import MonthOverview, month_overview
from halt_desk.reports.export import MonthReport
from halt_desk.reports.pdf_style import head, para, styles, table
from halt_desk.reports.scorecard_texts import say
from halt_desk.reports.texts import Texts


def _heads(t: Texts, *keys: str) -> list[Any]:
    return [para(escape(say(t, key)), "cell_head") for key in keys]


_RIGHT = [("ALIGN", (1, 1), (-1, -1), "RIGHT")]


def _findings(state: EscalationState) -> str:
    parts = [notes for _, notes in state.meetings if notes]
    if state.evaluation is not None and state.evaluation.lessons:
        parts.append(state.evaluation.lessons)
    return " · ".join(parts) or "—"


def escalation_section(report: MonthReport, t: Texts) -> list[Any]:
    tz = report.profile.calendar.tz
    overview = month_overview(report.escalations, report.month, tz, report.now)
    h1 = Paragraph(escape(say(t, "s_esc_overview")), styles()["h1"])
    if not overview.ran:
        flow: list[Any] = [h1, para(escape(say(t, "esc_overview_none")), "body")]
    else:
        levels = [
            [*_heads(t, "level", "esc_open_col", "esc_closed_col")],
            *[
                [level, str(overview.open_per_level[level]), str(overview.closed_per_level[level])]
                for level in LEVELS
            ],
        ]
        causes = [
            _heads(t, "escalation", "level", "esc_cause", "esc_findings"),
            *[
                [s.id, s.level or "—", para(escape(s.description)), para(escape(_findings(s)))]
                for s in overview.ran
            ],
        ]
        flow = [
            KeepTogether(
                [
                    h1,
                    table(
                        levels,
                        [m * mm for m in (20, 45, 45)],
                        [("ALIGN", (1, 1), (-1, -1), "RIGHT")],
                    ),
                    Spacer(1, 2 * mm),
                    para(escape(say(t, "esc_levels_note")), "note"),
                ]
            ),
            KeepTogether(
                [
                    Paragraph(escape(say(t, "s_esc_causes")), styles()["h2"]),
                    table(causes, [m * mm for m in (24, 14, 70, 72)]),
                ]
            ),
        ]
    return [*flow, *_trend_and_actions(overview, t)]


def _trend_and_actions(overview: MonthOverview, t: Texts) -> list[Any]:
    """The six-month trend (left out when no escalation ran in it) and the actions."""
    flow: list[Any] = []
    if any(p.registered or p.open_at_end for p in overview.trend):
        trend = [
            [*head(t, "month"), *_heads(t, "registered", "closed_on", "esc_open_col")],
            *[
                [
                    t.month_short(p.month.month, p.month.year),
                    *[str(n) for n in (p.registered, p.closed, p.open_at_end)],
                ]
                for p in overview.trend
            ],
        ]
        flow.append(
            KeepTogether(
                [
                    Paragraph(escape(say(t, "s_esc_trend")), styles()["h2"]),
                    table(trend, [m * mm for m in (24, 35, 35, 45)], _RIGHT),
                ]
            )
        )
    if overview.actions:
        actions = [
            [*_heads(t, "escalation", "action", "owner"), *head(t, "due", "status")],
            *[
                [
                    escalation,
                    para(escape(a.action)),
                    para(escape(a.owner)),
                    a.due.strftime("%d-%m-%Y" if t.lang == "nl" else "%Y-%m-%d"),
                    say(t, f"action_{a.status}"),
                ]
                for escalation, a in overview.actions
            ],
        ]
        flow.append(
            KeepTogether(
                [
                    Paragraph(escape(say(t, "s_esc_actions")), styles()["h2"]),
                    table(actions, [m * mm for m in (26, 74, 36, 22, 22)]),
                ]
            )
        )
    return flow
