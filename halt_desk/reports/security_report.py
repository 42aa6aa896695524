"""Security in the service-level report (seed 003 §2.1): the month's security incidents
(tickets with the security flag) with their handling against the norms, and the
vulnerabilities (CVE) with the measures taken (`security_figures.py`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from halt_desk.domain.clocks import ClockState
from halt_desk.domain.vulnerabilities import SEVERITIES
from halt_desk.i18n import NP_
from halt_desk.reports.pdf_style import (
    GREEN,
    GREEN_BG,
    MUTED,
    RED,
    RED_BG,
    head,
    para,
    styles,
    table,
    when,
)
from halt_desk.reports.security_figures import security_tickets

if TYPE_CHECKING:
    from halt_desk.reports.export import MonthReport
    from halt_desk.reports.texts import Texts

WORDS: Mapping[str, str] = {
    "s_security": NP_("report", "Security incidents"),
    "security_none": NP_("report", "No ticket with the security flag was reported this month."),
    "security_note": NP_(
        "report",
        "Tickets reported this month with the security flag, with their reaction and "
        "resolution against the norms of their priority (the same clocks as above).",
    ),
    "security_summary": NP_(
        "report",
        "{count} security incident(s); within norm: {met} of {decided} decided ({percent}).",
    ),
    "per_category": NP_("report", "Per category"),
    "handling_hours": NP_("report", "Handling (business h)"),
    "s_vulnerabilities": NP_("report", "Vulnerabilities (CVE) and measures"),
    "vulnerabilities_none": NP_(
        "report",
        "No vulnerabilities were recorded for this month (import them with "
        "halt-desk central security import).",
    ),
    "vulnerabilities_note": NP_(
        "report",
        "Vulnerabilities with a step this month, and those not yet dealt with at its end, "
        "as they stood at the end of the month.",
    ),
    "cve": NP_("report", "CVE"),
    "severity": NP_("report", "Severity"),
    "vuln_status": NP_("report", "Status"),
    "measure": NP_("report", "Measure taken"),
    "vuln_date": NP_("report", "Date"),
    "sev_low": NP_("report", "low"),
    "sev_medium": NP_("report", "medium"),
    "sev_high": NP_("report", "high"),
    "sev_critical": NP_("report", "critical"),
    "vs_open": NP_("report", "open"),
    "vs_in_progress": NP_("report", "in progress"),
    "vs_mitigated": NP_("report", "mitigated"),
    "vs_resolved": NP_("report", "resolved"),
    "vs_accepted": NP_("report", "risk accepted"),
}


def w(t: Texts, key: str, **values: object) -> str:
    return t.word(WORDS, key, **values)


def _head(t: Texts, *keys: str) -> list[Paragraph]:
    return head(t, *keys, words=WORDS)


_INK = {ClockState.MET: (GREEN, GREEN_BG), ClockState.BREACHED: (RED, RED_BG)}


def security_section(report: MonthReport, t: Texts) -> list[Any]:
    """The security incidents of the month and their handling."""
    flow: list[Any] = [Paragraph(escape(w(t, "s_security")), styles()["h1"])]
    incidents = security_tickets(report.tickets)
    if not incidents:
        return [*flow, para(escape(w(t, "security_none")), "body")]
    flow += [para(escape(w(t, "security_note")), "note"), Spacer(1, 2 * mm)]
    tz = report.profile.calendar.tz
    rows: list[list[Any]] = [
        _head(
            t,
            "ticket",
            "category",
            "prio",
            "reported_at",
            "col_reaction",
            "col_resolution",
            "handling_hours",
            "within_norm",
        )
    ]
    extra: list[tuple[Any, ...]] = [("ALIGN", (6, 1), (6, -1), "RIGHT")]
    for ticket in incidents:
        ev = ticket.evaluation
        row = len(rows)
        cells: list[Any] = [
            ticket.id,
            para(escape(t.category(ticket.category))),
            ev.priority,
            when(t, ev.reported_at, tz),
        ]
        for column, name in ((4, "reaction"), (5, "resolution")):
            state = ev.clocks[name].state
            cells.append(t(f"state_{state.value}"))
            ink, background = _INK.get(state, (MUTED, None))
            extra.append(("TEXTCOLOR", (column, row), (column, row), ink))
            if background is not None:
                extra.append(("BACKGROUND", (column, row), (column, row), background))
        mttr = ev.mttr_business_minutes
        cells.append("—" if mttr is None else t.number(mttr / 60))
        norm = ev.within_norm
        cells.append(t("not_applicable") if norm is None else t("yes" if norm else "no"))
        rows.append(cells)
    flow.append(table(rows, [m * mm for m in (30, 20, 12, 28, 21, 21, 26, 22)], extra))
    decided = [
        t_.evaluation.within_norm for t_ in incidents if t_.evaluation.within_norm is not None
    ]
    met = sum(1 for value in decided if value)
    percent = t.percent(100.0 * met / len(decided) if decided else None)
    categories = Counter(t.category(t_.category) for t_ in incidents)
    per_category = " · ".join(f"{name} {count}" for name, count in sorted(categories.items()))
    summary = w(t, "security_summary", count=len(incidents), met=met, decided=len(decided),
                percent=percent)  # fmt: skip
    flow += [
        Spacer(1, 2 * mm),
        para(escape(summary), "note"),
        para(escape(f"{w(t, 'per_category')}: {per_category}."), "note"),
    ]
    return flow


def vulnerability_section(report: MonthReport, t: Texts) -> list[Any]:
    """The month's vulnerabilities and the measures taken."""
    flow: list[Any] = [Paragraph(escape(w(t, "s_vulnerabilities")), styles()["h1"])]
    if not report.vulnerabilities:
        return [*flow, para(escape(w(t, "vulnerabilities_none")), "body")]
    flow += [para(escape(w(t, "vulnerabilities_note")), "note"), Spacer(1, 2 * mm)]
    rows: list[list[Any]] = [_head(t, "cve", "severity", "vuln_status", "measure", "vuln_date")]
    extra: list[tuple[Any, ...]] = []
    for vuln in report.vulnerabilities:
        row = len(rows)
        rows.append(
            [
                vuln.cve,
                w(t, f"sev_{vuln.severity}"),
                w(t, f"vs_{vuln.status}"),
                para(escape(vuln.measure or "—")),
                vuln.date.strftime("%d-%m-%Y"),
            ]
        )
        if vuln.severity in SEVERITIES[2:]:
            extra.append(("TEXTCOLOR", (1, row), (1, row), RED))
        if vuln.status in ("resolved", "accepted"):
            extra.append(("TEXTCOLOR", (2, row), (2, row), GREEN))
    flow.append(table(rows, [m * mm for m in (30, 18, 34, 76, 22)], extra))
    return flow
