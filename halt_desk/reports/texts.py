"""The report's words: its keys, marked for the catalogue (context "report"), and `Texts`,
which puts them in the report's own language (`--lang`), whatever the screens speak.

`texts("nl")("met")` → "gehaald"; `{name}` placeholders are filled with `str.format`.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import dataclass

from halt_desk.i18n import LANGUAGES, NP_, translator
from halt_desk.reports.errors import ReportError

_MONTHS = (
    NP_("month", "January"),
    NP_("month", "February"),
    NP_("month", "March"),
    NP_("month", "April"),
    NP_("month", "May"),
    NP_("month", "June"),
    NP_("month", "July"),
    NP_("month", "August"),
    NP_("month", "September"),
    NP_("month", "October"),
    NP_("month", "November"),
    NP_("month", "December"),
)
_MONTHS_SHORT = (
    NP_("month", "Jan"),
    NP_("month", "Feb"),
    NP_("month", "Mar"),
    NP_("month", "Apr"),
    NP_("month", "May"),
    NP_("month", "Jun"),
    NP_("month", "Jul"),
    NP_("month", "Aug"),
    NP_("month", "Sep"),
    NP_("month", "Oct"),
    NP_("month", "Nov"),
    NP_("month", "Dec"),
)

#: key → English message id (context "report")
CATALOGUE: Mapping[str, str] = {
    "title": NP_("report", "Service level report"),
    "subtitle": NP_("report", "SLR {month}"),
    "organisation": NP_("report", "Organisation"),
    "month": NP_("report", "Month"),
    "provider": NP_("report", "Provider"),
    "generated_at": NP_("report", "Generated at"),
    "evaluated_at": NP_("report", "Clocks evaluated at"),
    "profile": NP_("report", "Contract profile"),
    "tickets_reported": NP_("report", "Tickets reported"),
    "cover_note": NP_(
        "report",
        "A ticket counts in the month in which it was reported. Every clock comes from "
        "the same SLA engine as <i>halt-desk sla check</i>, in the contract's business "
        "time; a ticket is within norm when both reaction and resolution were met. "
        "Percentages count only clocks already decided (met or breached); clocks still "
        "running are shown as ‘open’.",
    ),
    "header": NP_("report", "SLR {org} — {month}"),
    "footer_page": NP_("report", "Page {page} of {pages}"),
    "summary": NP_("report", "Summary"),
    "summary_line": NP_("report", "{met} of {total} priorities meet the monthly norm."),
    "s_kpi": NP_("report", "Service levels per priority"),
    "s_kpi_note": NP_(
        "report",
        "Within norm: share of tickets whose reaction and resolution were met, against "
        "the monthly norm of the contract. The other columns give the share met per "
        "clock.",
    ),
    "s_mttp": NP_("report", "MTTR and MTTP"),
    "s_mttp_note": NP_(
        "report",
        "MTTR: business hours from report to resolved, pauses (waiting on the user) "
        "excluded. MTTP: from report to productive again (or resolved), pauses included; "
        "in business hours and in wall-clock hours. Means over the resolved tickets.",
    ),
    "s_trend": NP_("report", "MTTP trend over six months"),
    "trend_note_norm": NP_(
        "report",
        "Bar: mean MTTP in business hours per month; dashed line: the MTTP norm of the "
        "contract profile.",
    ),
    "trend_note_no_norm": NP_(
        "report",
        "Bar: mean MTTP in business hours per month. The contract profile names no MTTP "
        "norm, so there is no norm line.",
    ),
    "norm_line": NP_("report", "norm {hours} h"),
    "s_uplift": NP_("report", "P1 uplift (one employee)"),
    "uplift_none": NP_("report", "No P1 uplift was granted this month."),
    "uplift_refused": NP_("report", "Uplift requests refused this month: {count}."),
    "s_breaches": NP_("report", "Breaches and explanations"),
    "breaches_none": NP_("report", "No clock was breached this month."),
    "breaches_note": NP_(
        "report",
        "Every breached clock with the explanation recorded on the ticket (a comment "
        "marked as the explanation of a breach).",
    ),
    "no_explanation": NP_("report", "no explanation recorded"),
    "still_open": NP_("report", "still open"),
    "missed_updates": NP_("report", "{count} update(s) missed"),
    "s_stock": NP_("report", "Buffer stock per depot"),
    "stock_note": NP_(
        "report",
        "Ready loaners (in stock, every readiness check passed) per depot and model at "
        "{moment}, against the agreed minimum.",
    ),
    "stock_none": NP_("report", "The source has no device register; this section is left out."),
    "stock_lowest": NP_("report", "Lowest in month"),
    "stock_at_end": NP_("report", "At month end"),
    "shortage_in_month": NP_("report", "short during month"),
    "stock_lowest_note": NP_(
        "report",
        "Lowest in month: the fewest ready loaners of the model at any moment of the month.",
    ),
    "s_csat": NP_("report", "Customer satisfaction"),
    "csat_none": NP_("report", "No satisfaction scores were received this month."),
    "csat_note": NP_("report", "Score from 1 to 10 the user gives when a ticket is closed."),
    "csat_sources": NP_(
        "report",
        "{survey} answered the survey after the resolution, {agents} recorded by the "
        "servicedesk when closing; one response per ticket, the caller's own answer first.",
    ),
    "csat_dimension": NP_("report", "Experience"),
    "csat_servicedesk": NP_("report", "Servicedesk experience"),
    "csat_information": NP_("report", "Information provision"),
    "priority": NP_("report", "Priority"),
    "prio": NP_("report", "Prio"),
    "col_reaction": NP_("report", "Reaction"),
    "col_resolution": NP_("report", "Resolution"),
    "col_update": NP_("report", "Updates"),
    "col_onsite": NP_("report", "Onsite"),
    "col_swap": NP_("report", "Swap"),
    "col_emergency_workplace": NP_("report", "Emergency<br/>workplace"),
    "tickets": NP_("report", "Tickets"),
    "within_norm": NP_("report", "Within norm"),
    "norm": NP_("report", "Norm"),
    "verdict": NP_("report", "Verdict"),
    "open": NP_("report", "Open"),
    "resolved": NP_("report", "Resolved"),
    "mttr_bh": NP_("report", "MTTR (business h)"),
    "mttp_bh": NP_("report", "MTTP (business h)"),
    "mttp_wh": NP_("report", "MTTP (wall-clock h)"),
    "mttp_norm": NP_("report", "MTTP norm (business h)"),
    "ticket": NP_("report", "Ticket"),
    "date": NP_("report", "Date"),
    "role_type": NP_("report", "Role type"),
    "motivation": NP_("report", "Motivation"),
    "decided_by": NP_("report", "Decided by"),
    "clock": NP_("report", "Clock"),
    "due": NP_("report", "Due"),
    "late": NP_("report", "Late (business time)"),
    "explanation": NP_("report", "Explanation"),
    "depot": NP_("report", "Depot"),
    "model": NP_("report", "Model"),
    "in_stock": NP_("report", "In stock"),
    "minimum": NP_("report", "Minimum"),
    "average_score": NP_("report", "Average score"),
    "responses": NP_("report", "Responses"),
    "total": NP_("report", "Total"),
    "met": NP_("report", "met"),
    "not_met": NP_("report", "not met"),
    "not_applicable": NP_("report", "n/a"),
    "shortage": NP_("report", "shortage"),
    "sufficient": NP_("report", "sufficient"),
    "yes": NP_("report", "yes"),
    "no": NP_("report", "no"),
    "clock_reaction": NP_("report", "Reaction"),
    "clock_resolution": NP_("report", "Resolution"),
    "clock_update": NP_("report", "Status updates"),
    "clock_onsite": NP_("report", "Onsite"),
    "clock_swap": NP_("report", "Swap"),
    "clock_emergency_workplace": NP_("report", "Emergency workplace"),
    "role_board_or_press": NP_("report", "board or press spokesperson"),
    "role_crisis_meeting": NP_("report", "crisis meeting"),
    "role_court_session": NP_("report", "court session"),
    "role_class_or_group": NP_("report", "lesson or talk to a group"),
    "role_chain_partner_meeting": NP_("report", "administrative meeting with chain partners"),
    "role_other": NP_("report", "other"),
    "status": NP_("report", "Status"),
    "uplift": NP_("report", "P1 uplift"),
    "reported_at": NP_("report", "Reported at"),
    "category": NP_("report", "Category"),
    "channel": NP_("report", "Channel"),
    "breaches": NP_("report", "Breached clocks"),
    "csat": NP_("report", "Satisfaction"),
    "mttr_bm": NP_("report", "MTTR (business min)"),
    "mttp_bm": NP_("report", "MTTP (business min)"),
    "mttp_wm": NP_("report", "MTTP (wall-clock min)"),
    "norm_met": NP_("report", "Norm met"),
    "within_norm_met": NP_("report", "Within norm (count)"),
    "within_norm_decided": NP_("report", "Decided (count)"),
    "within_norm_pct": NP_("report", "Within norm (%)"),
    "norm_pct": NP_("report", "Norm (%)"),
    "clock_pct": NP_("report", "{clock} met (%)"),
    "state_met": NP_("report", "met"),
    "state_breached": NP_("report", "breached"),
    "state_running": NP_("report", "running"),
    "state_not_applicable": NP_("report", "n/a"),
    "status_open": NP_("report", "open"),
    "status_waiting": NP_("report", "waiting on user"),
    "status_resolved": NP_("report", "resolved"),
    "status_closed": NP_("report", "closed"),
}


@dataclass(frozen=True, slots=True)
class Texts:
    """The report's words in one language; call it with a key (and placeholders)."""

    lang: str

    @property
    def catalogue(self) -> gettext.NullTranslations:
        return translator(self.lang)

    def __call__(self, key: str, **values: object) -> str:
        return self.word(CATALOGUE, key, **values)

    def word(self, table: Mapping[str, str], key: str, **values: object) -> str:
        """The text of `key` in `table` (a section's own words, marked NP_("report", …)) in
        this language, placeholders filled with str.format."""
        text = self.catalogue.pgettext("report", table[key])
        return text.format(**values) if values else text

    def month_name(self, month: int, year: int) -> str:
        return f"{self.catalogue.pgettext('month', _MONTHS[month - 1])} {year}"

    def month_short(self, month: int, year: int) -> str:
        return f"{self.catalogue.pgettext('month', _MONTHS_SHORT[month - 1])} {year % 100:02d}"

    def number(self, value: float, decimals: int = 1) -> str:
        """A figure with the language's decimal mark (Dutch: comma)."""
        text = f"{value:,.{decimals}f}"
        if self.lang == "nl":
            text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
        return text

    def percent(self, value: float | None) -> str:
        return self("not_applicable") if value is None else f"{self.number(value)} %"

    def role(self, role_type: str | None) -> str:
        key = f"role_{role_type}"
        return self(key) if key in CATALOGUE else (role_type or "—")

    def clock(self, name: str) -> str:
        return self(f"clock_{name}")

    def category(self, code: str | None) -> str:
        """A ticket category by the name the desk shows ("werkplek" → "Werkplek en
        laptop"); a code the desk has no name for as it is."""
        from halt_desk.desk.ticket_words import CATEGORIES

        if not code:
            return "—"
        known = CATEGORIES.get(code)
        return self.catalogue.gettext(known) if known is not None else code


def texts(lang: str) -> Texts:
    """The report's words in `lang` (`nl` or `en`); ReportError for another language."""
    if lang not in LANGUAGES:
        raise ReportError(f"--lang {lang!r}: expected one of {', '.join(LANGUAGES)}")
    return Texts(lang)
