"""The quarterly supplier scorecard as a PDF (reportlab), in the look of the monthly
report (`pdf_style.py`): a title band with the facts, then nature and severity, reaction
and resolution per month, communication, repetition."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    NextPageTemplate,
    Paragraph,
    Spacer,
)

from halt_desk.reports.escalation_report import OPEN_ACTION_STATUSES, per_level
from halt_desk.reports.pdf_document import build_document
from halt_desk.reports.pdf_style import (
    FONT_BOLD,
    RED,
    RED_BG,
    cover_facts,
    head,
    hours,
    para,
    share_cell,
    styles,
    table,
    when,
)
from halt_desk.reports.pdf_xla import score_table
from halt_desk.reports.scorecard import REPEAT_THRESHOLD, MonthFigures, QuarterReport
from halt_desk.reports.scorecard_texts import say
from halt_desk.reports.texts import Texts
from halt_desk.reports.xla import xla_scores


def month_label(t: Texts, figures: MonthFigures) -> str:
    month = figures.month
    return say(t, "sc_quarter") if month is None else t.month_short(month.month, month.year)


def quarter_months(t: Texts, card: QuarterReport) -> str:
    first, _, last = card.quarter.months
    begin = t.month_name(first.month, first.year).split()[0]
    return f"{begin} – {t.month_name(last.month, last.year)}"


def _h1(text: str) -> Paragraph:
    return Paragraph(escape(text), styles()["h1"])


def _cell(text: str) -> Paragraph:
    """A header cell of a figures column: right-aligned over its numbers."""
    style = ParagraphStyle("sc_head_right", styles()["cell_head"], alignment=TA_RIGHT)
    return Paragraph(escape(text), style)


def _heads(t: Texts, *keys: str) -> list[Paragraph]:
    return [_cell(t(key)) for key in keys]


def _facts(card: QuarterReport, t: Texts) -> list[Any]:
    tz = card.profile.calendar.tz
    facts = [
        (t("organisation"), card.org_name),
        (say(t, "sc_quarter"), f"{card.quarter} ({quarter_months(t, card)})"),
        (t("provider"), card.provider),
        (t("profile"), f"{card.profile.title} ({card.profile.name})"),
        (t("tickets_reported"), str(card.whole.tickets)),
        (t("evaluated_at"), when(t, card.now, tz)),
        (t("generated_at"), when(t, card.generated_at, tz)),
    ]
    facts_table = cover_facts(facts, padding=4)
    white = ParagraphStyle("sc_white", styles()["title"], textColor=colors.white)
    white_sub = ParagraphStyle("sc_white_sub", styles()["subtitle"], textColor=colors.white)
    return [
        Spacer(1, 8 * mm),
        Paragraph(escape(say(t, "sc_title")), white),
        Spacer(1, 2 * mm),
        Paragraph(escape(f"{card.org_name} · {card.quarter}"), white_sub),
        Spacer(1, 36 * mm),
        facts_table,
        Spacer(1, 3 * mm),
        para(escape(say(t, "sc_intro")), "note"),
    ]


def nature_section(card: QuarterReport, t: Texts) -> list[Any]:
    periods = [*card.months, card.whole]
    rows: list[list[Any]] = [
        [*head(t, "prio"), *[_cell(month_label(t, f)) for f in periods], _cell(say(t, "share"))]
    ]
    total = card.whole.tickets
    for priority in card.profile.priorities:
        count = card.whole.per_priority.get(priority, 0)
        rows.append(
            [
                priority,
                *[str(f.per_priority.get(priority, 0)) for f in periods],
                t.percent(100.0 * count / total if total else None),
            ]
        )
    rows.append([t("total"), *[str(f.tickets) for f in periods], t.percent(100.0)])
    extra = [("ALIGN", (1, 1), (-1, -1), "RIGHT")]
    by_priority = table(rows, [m * mm for m in (20, 26, 26, 26, 26, 26)], extra, total_row=True)
    priorities = card.profile.priorities
    category_rows: list[list[Any]] = [
        [
            *head(t, "category"),
            *_heads(t, "tickets"),
            *[_cell(p) for p in priorities],
            _cell(say(t, "security")),
        ]
    ]
    for row in card.categories:
        name = (
            say(t, "other_categories")
            if row.other
            else t.category(row.category)
            if row.category
            else say(t, "no_category")
        )
        category_rows.append(
            [
                para(escape(name)),
                str(row.tickets),
                *[str(row.per_priority.get(p, 0)) for p in priorities],
                str(row.security),
            ]
        )
    widths = [60 * mm, 20 * mm, *[16 * mm] * len(priorities), 22 * mm]
    return [
        _h1(say(t, "s_nature")),
        by_priority,
        Spacer(1, 3 * mm),
        table(category_rows, widths, [("ALIGN", (1, 1), (-1, -1), "RIGHT")]),
        Spacer(1, 2 * mm),
        para(escape(say(t, "nature_note")), "note"),
    ]


def performance_section(card: QuarterReport, t: Texts) -> list[Any]:
    rows: list[list[Any]] = [
        [
            *head(t, "month"),
            *_heads(t, "tickets", "col_reaction", "col_resolution", "within_norm"),
            _cell(say(t, "breached_tickets")),
            *_heads(t, "mttr_bh", "mttp_bh"),
        ]
    ]
    for f in [*card.months, card.whole]:
        rows.append(
            [
                month_label(t, f),
                str(f.tickets),
                share_cell(t, f.clock("reaction")),
                share_cell(t, f.clock("resolution")),
                share_cell(t, f.total.within_norm),
                str(f.breached_tickets),
                hours(t, f.total.mttr_business_hours),
                hours(t, f.total.mttp_business_hours),
            ]
        )
    widths = [m * mm for m in (22, 18, 22, 22, 24, 26, 23, 23)]
    return [
        _h1(say(t, "s_performance")),
        table(rows, widths, [("ALIGN", (1, 1), (-1, -1), "RIGHT")], total_row=True),
        Spacer(1, 2 * mm),
        para(escape(say(t, "performance_note")), "note"),
    ]


def _average(t: Texts, value: float | None) -> str:
    return "—" if value is None else t.number(value)


def communication_section(card: QuarterReport, t: Texts) -> list[Any]:
    rows: list[list[Any]] = [
        [
            *head(t, "month"),
            *_heads(t, "clock_update"),
            _cell(say(t, "missed_updates_col")),
            _cell(say(t, "xla_overall")),
            *_heads(t, "csat_servicedesk", "csat_information"),
        ]
    ]
    for f in [*card.months, card.whole]:
        s = f.satisfaction
        rows.append(
            [
                month_label(t, f),
                share_cell(t, f.clock("update")),
                str(f.missed_updates),
                _average(t, s.average),
                _average(t, s.servicedesk),
                _average(t, s.information),
            ]
        )
    widths = [m * mm for m in (20, 28, 24, 34, 37, 37)]
    return [
        _h1(say(t, "s_communication")),
        table(rows, widths, [("ALIGN", (1, 1), (-1, -1), "RIGHT")], total_row=True),
        Spacer(1, 3 * mm),
        score_table(t, xla_scores(card.satisfaction)),
        Spacer(1, 2 * mm),
        para(escape(say(t, "communication_note")), "note"),
    ]


def repetition_section(card: QuarterReport, t: Texts) -> list[Any]:
    flow: list[Any] = [_h1(say(t, "s_repetition"))]
    if not card.recurring:
        return [*flow, para(escape(say(t, "repetition_none")), "body")]
    rows: list[list[Any]] = [
        [
            para(escape(say(t, "kind")), "cell_head"),
            para(escape(say(t, "name")), "cell_head"),
            *[_cell(month_label(t, f)) for f in card.months],
            _cell(say(t, "sc_quarter")),
            *_heads(t, "tickets"),
        ]
    ]
    extra: list[tuple[Any, ...]] = [("ALIGN", (2, 1), (-1, -1), "RIGHT")]
    for row, item in enumerate(card.recurring, start=1):
        rows.append(
            [
                say(t, f"kind_{item.kind}"),
                para(escape(t.category(item.name) if item.kind == "category" else item.name)),
                *[str(n) for n in item.breached],
                str(item.total),
                str(item.tickets),
            ]
        )
        for col, count in enumerate(item.breached, start=2):
            if count >= REPEAT_THRESHOLD:
                extra += [
                    ("BACKGROUND", (col, row), (col, row), RED_BG),
                    ("TEXTCOLOR", (col, row), (col, row), RED),
                    ("FONT", (col, row), (col, row), FONT_BOLD, 7.5),
                ]
    widths = [m * mm for m in (22, 58, 20, 20, 20, 20, 20)]
    return [
        *flow,
        table(rows, widths, extra),
        Spacer(1, 2 * mm),
        para(escape(say(t, "repetition_note")), "note"),
    ]


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def escalation_section(card: QuarterReport, t: Texts) -> list[Any]:
    flow: list[Any] = [_h1(say(t, "s_escalations"))]
    if not card.escalations:
        return [*flow, para(escape(say(t, "escalations_none")), "body")]
    tz = card.profile.calendar.tz
    levels = per_level(card.escalations)
    months = ", ".join(
        f"{month_label(t, f)} {count}"
        for f, count in zip(card.months, card.escalations_registered, strict=True)
    )
    still_open = sum(1 for s in card.escalations if s.is_open)
    rows: list[list[Any]] = [
        [
            para(escape(say(t, key)), "cell_head")
            for key in ("escalation", "level", "classification", "registered", "closed_on")
        ]
        + [_cell(say(t, "open_actions_col")), para(escape(say(t, "description")), "cell_head")]
    ]
    for state in card.escalations:
        rows.append(
            [
                state.id,
                state.level or "—",
                para(escape(say(t, f"class_{state.classification}"))),
                when(t, state.registered_at, tz, with_time=False),
                when(t, state.closed_at, tz, with_time=False),
                str(sum(1 for a in state.actions.values() if a.status in OPEN_ACTION_STATUSES)),
                para(escape(_short(state.description))),
            ]
        )
    summary = say(
        t,
        "escalations_summary",
        count=len(card.escalations),
        n1=levels["N1"],
        n2=levels["N2"],
        n3=levels["N3"],
        open=still_open,
        months=months,
    )
    widths = [m * mm for m in (22, 13, 30, 25, 20, 16, 54)]
    return [
        *flow,
        table(rows, widths, [("ALIGN", (5, 1), (5, -1), "RIGHT")]),
        Spacer(1, 2 * mm),
        para(escape(summary), "note"),
    ]


def improvement_section(card: QuarterReport, t: Texts) -> list[Any]:
    flow: list[Any] = [_h1(say(t, "s_improvement"))]
    if not card.open_actions:
        return [*flow, para(escape(say(t, "improvement_none")), "body")]
    today = card.now.astimezone(card.profile.calendar.tz).date()
    rows: list[list[Any]] = [
        [para(escape(say(t, key)), "cell_head") for key in ("escalation", "action", "owner")]
        + head(t, "due", "status")
    ]
    extra: list[tuple[Any, ...]] = []
    for row, item in enumerate(card.open_actions, start=1):
        action = item.action
        due = action.due.strftime("%d-%m-%Y" if t.lang == "nl" else "%Y-%m-%d")
        rows.append(
            [
                item.escalation,
                para(escape(action.action)),
                para(escape(action.owner)),
                due,
                say(t, f"action_{action.status}"),
            ]
        )
        if item.overdue(today):
            extra += [
                ("TEXTCOLOR", (3, row), (3, row), RED),
                ("FONT", (3, row), (3, row), FONT_BOLD, 7.5),
            ]
    return [
        *flow,
        table(rows, [m * mm for m in (26, 74, 36, 22, 22)], extra),
        Spacer(1, 2 * mm),
        para(escape(say(t, "improvement_note")), "note"),
    ]


def render_scorecard_pdf(card: QuarterReport, t: Texts) -> bytes:
    """The scorecard as PDF bytes (written to a file by the caller, atomically)."""
    tz = card.profile.calendar.tz
    header = say(t, "sc_header", org=card.org_name, quarter=str(card.quarter))
    sections: Sequence[list[Any]] = (
        nature_section(card, t),
        performance_section(card, t),
        communication_section(card, t),
        repetition_section(card, t),
        improvement_section(card, t),
        escalation_section(card, t),
    )
    story: list[Any] = [*_facts(card, t), NextPageTemplate("body")]
    for section in sections:
        story += [CondPageBreak(50 * mm), KeepTogether(section)]
    return build_document(
        story,
        t,
        title=f"{say(t, 'sc_title')} {card.org_name} {card.quarter}",
        subject=header,
        header=header,
        generated=f"{t('generated_at')} {when(t, card.generated_at, tz)}",
    )
