"""The words of the XLA section of the monthly report and of the quarterly supplier
scorecard (context "report", like `texts.py`), in the report's own language.

`say(texts("nl"), "sc_title")` → "Leveranciersscorecard".
"""

from __future__ import annotations

from collections.abc import Mapping

from halt_desk.i18n import NP_
from halt_desk.reports.texts import Texts

#: key → English message id (context "report")
CATALOGUE: Mapping[str, str] = {
    "s_xla": NP_("report", "XLA: user experience"),
    "xla_note": NP_(
        "report",
        "Scores from 1 to 10 from the survey after the resolution (overall satisfaction "
        "also counts the scores the servicedesk recorded when closing); the norm of each "
        "dimension is an average of 8 or more.",
    ),
    "xla_dimension": NP_("report", "Dimension"),
    "xla_overall": NP_("report", "Overall satisfaction"),
    "s_xla_mttp": NP_("report", "MTTP trend"),
    "xla_mttp_note": NP_(
        "report",
        "Mean MTTP in business hours this month against the mean of the earlier months "
        "of the six-month trend: falling, or stable (within 5 %) and under the norm, meets "
        "the XLA.",
    ),
    "xla_earlier": NP_("report", "Earlier months"),
    "xla_this_month": NP_("report", "This month"),
    "xla_direction": NP_("report", "Trend"),
    "trend_falling": NP_("report", "falling"),
    "trend_stable": NP_("report", "stable"),
    "trend_rising": NP_("report", "rising"),
    "sc_title": NP_("report", "Supplier scorecard"),
    "sc_header": NP_("report", "Scorecard {org} — {quarter}"),
    "sc_quarter": NP_("report", "Quarter"),
    "sc_intro": NP_(
        "report",
        "Quarterly review of the provider: nature and severity of the issues, reaction "
        "and resolution, communication, repetition and improvement potential. A ticket "
        "counts in the month in which it was reported; every clock comes from the same "
        "SLA engine as the monthly report, evaluated at the moment given above.",
    ),
    "s_nature": NP_("report", "Nature and severity of the issues"),
    "nature_note": NP_(
        "report",
        "Tickets reported per priority and month, and the categories with the most "
        "tickets by priority.",
    ),
    "share": NP_("report", "Share"),
    "security": NP_("report", "Security"),
    "other_categories": NP_("report", "Other categories"),
    "no_category": NP_("report", "(no category)"),
    "s_performance": NP_("report", "Reaction and resolution per month"),
    "performance_note": NP_(
        "report",
        "Share of the decided clocks that were met (met/decided); within norm: reaction "
        "and resolution both met. MTTR and MTTP in business hours over the resolved tickets.",
    ),
    "breached_tickets": NP_("report", "Tickets with a breach"),
    "s_communication": NP_("report", "Communication"),
    "communication_note": NP_(
        "report",
        "Status updates: share of the update clocks met (the user informed in time while "
        "the ticket ran); survey: the XLA dimensions, each against an average of 8 or more.",
    ),
    "missed_updates_col": NP_("report", "Updates missed"),
    "s_repetition": NP_("report", "Repetition"),
    "repetition_note": NP_(
        "report",
        "Categories and locations with three or more tickets with a breached clock within "
        "one month (the repetition that triggers an escalation); location: the caller's "
        "work location.",
    ),
    "repetition_none": NP_(
        "report", "No category or location had three or more breached tickets within a month."
    ),
    "kind": NP_("report", "Kind"),
    "kind_category": NP_("report", "category"),
    "kind_location": NP_("report", "location"),
    "name": NP_("report", "Name"),
    "s_escalations": NP_("report", "Escalations of the quarter"),
    "escalations_none": NP_("report", "No escalation ran in the quarter."),
    "escalations_summary": NP_(
        "report",
        "{count} escalation(s) ran in the quarter (N1 {n1}, N2 {n2}, N3 {n3}), {open} still "
        "open at the moment of evaluation; registered per month: {months}.",
    ),
    "escalation": NP_("report", "Escalation"),
    "level": NP_("report", "Level"),
    "classification": NP_("report", "Classification"),
    "registered": NP_("report", "Registered"),
    "closed_on": NP_("report", "Closed"),
    "open_actions_col": NP_("report", "Open actions"),
    "description": NP_("report", "Description"),
    "class_operational": NP_("report", "operational"),
    "class_beyond_operational": NP_("report", "beyond operational"),
    "class_strategic": NP_("report", "strategic"),
    "s_improvement": NP_("report", "Improvement potential: open corrective actions"),
    "improvement_none": NP_("report", "No corrective action is open."),
    "improvement_note": NP_(
        "report",
        "Corrective actions of the escalations still open or in progress at the moment of "
        "evaluation, by due date; a date in red has passed.",
    ),
    "action": NP_("report", "Action"),
    "owner": NP_("report", "Owner"),
    "action_open": NP_("report", "open"),
    "action_in_progress": NP_("report", "in progress"),
    "escalations_col": NP_("report", "Escalations"),
    "s_esc_overview": NP_("report", "Escalation overview"),
    "esc_overview_none": NP_("report", "No escalation ran this month."),
    "esc_open_col": NP_("report", "Open at month end"),
    "esc_closed_col": NP_("report", "Closed in the month"),
    "esc_levels_note": NP_(
        "report",
        "Escalations that ran this month, per level (the level at the end of the month, "
        "or when the escalation was closed).",
    ),
    "s_esc_causes": NP_("report", "Causes (RCA)"),
    "esc_cause": NP_("report", "Cause"),
    "esc_findings": NP_("report", "Meeting notes and lessons learned"),
    "s_esc_trend": NP_("report", "Escalations over six months"),
    "s_esc_actions": NP_("report", "Corrective actions"),
    "action_done": NP_("report", "done"),
    "action_cancelled": NP_("report", "cancelled"),
}


def say(t: Texts, key: str, **values: object) -> str:
    """The text of `key` in the language of `t` (placeholders filled with str.format)."""
    return t.word(CATALOGUE, key, **values)
