"""The report's words in Dutch (default) and English: one small catalogue, no Qt.

`texts("nl")("met")` → "gehaald". Every key has both languages (a test checks it), and
`{name}` placeholders are filled with `str.format`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from halt_desk.reports.errors import ReportError

LANGUAGES = ("nl", "en")

_MONTHS = {
    "nl": [
        *("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus"),
        *("september", "oktober", "november", "december"),
    ],
    "en": [
        *("January", "February", "March", "April", "May", "June", "July", "August"),
        *("September", "October", "November", "December"),
    ],
}
_MONTHS_SHORT = {
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}

#: key → (Dutch, English)
CATALOGUE: Mapping[str, tuple[str, str]] = {
    "title": ("Servicelevelrapportage", "Service level report"),
    "subtitle": ("SLR {month}", "SLR {month}"),
    "organisation": ("Organisatie", "Organisation"),
    "month": ("Maand", "Month"),
    "provider": ("Leverancier", "Provider"),
    "generated_at": ("Gemaakt op", "Generated at"),
    "evaluated_at": ("Klokken beoordeeld per", "Clocks evaluated at"),
    "profile": ("Contractprofiel", "Contract profile"),
    "tickets_reported": ("Gemelde tickets", "Tickets reported"),
    "cover_note": (
        "Een ticket telt mee in de maand waarin het is gemeld. Alle klokken komen uit "
        "dezelfde SLA-rekenkern als <i>halt-desk sla check</i>, in werktijd van het "
        "contract; een ticket is binnen norm als reactie én oplossing gehaald zijn. "
        "Percentages tellen alleen klokken die al beslist zijn (gehaald of "
        "overschreden); klokken die nog lopen staan als ‘open’.",
        "A ticket counts in the month in which it was reported. Every clock comes from the "
        "same SLA engine as <i>halt-desk sla check</i>, in the contract's business time; a "
        "ticket is within norm when both reaction and resolution were met. Percentages "
        "count only clocks already decided (met or breached); clocks still running are "
        "shown as ‘open’.",
    ),
    "header": ("SLR {org} — {month}", "SLR {org} — {month}"),
    "footer_page": ("Pagina {page} van {pages}", "Page {page} of {pages}"),
    "summary": ("Samenvatting", "Summary"),
    "summary_line": (
        "{met} van {total} prioriteiten halen de maandnorm.",
        "{met} of {total} priorities meet the monthly norm.",
    ),
    # sections
    "s_kpi": ("Servicelevels per prioriteit", "Service levels per priority"),
    "s_kpi_note": (
        "Binnen norm: aandeel tickets waarvan reactie en oplossing gehaald zijn, tegen de "
        "maandnorm uit het contract. De overige kolommen geven per klok het aandeel gehaald.",
        "Within norm: share of tickets whose reaction and resolution were met, against the "
        "monthly norm of the contract. The other columns give the share met per clock.",
    ),
    "s_mttp": ("MTTR en MTTP", "MTTR and MTTP"),
    "s_mttp_note": (
        "MTTR: werkuren van melding tot opgelost, pauzes (wachten op gebruiker) niet "
        "meegeteld. MTTP: van melding tot weer productief (of opgelost), pauzes wel "
        "meegeteld; in werkuren en in klokuren. Gemiddelden over de opgeloste tickets.",
        "MTTR: business hours from report to resolved, pauses (waiting on the user) "
        "excluded. MTTP: from report to productive again (or resolved), pauses included; "
        "in business hours and in wall-clock hours. Means over the resolved tickets.",
    ),
    "s_trend": ("MTTP-trend over zes maanden", "MTTP trend over six months"),
    "trend_note_norm": (
        "Staaf: gemiddelde MTTP in werkuren per maand; stippellijn: de MTTP-norm uit het "
        "contractprofiel.",
        "Bar: mean MTTP in business hours per month; dashed line: the MTTP norm of the "
        "contract profile.",
    ),
    "trend_note_no_norm": (
        "Staaf: gemiddelde MTTP in werkuren per maand. Het contractprofiel noemt geen "
        "MTTP-norm; daarom zonder normlijn.",
        "Bar: mean MTTP in business hours per month. The contract profile names no MTTP "
        "norm, so there is no norm line.",
    ),
    "norm_line": ("norm {hours} u", "norm {hours} h"),
    "s_uplift": ("P1-uplift (één medewerker)", "P1 uplift (one employee)"),
    "uplift_none": (
        "Deze maand is geen P1-uplift toegekend.",
        "No P1 uplift was granted this month.",
    ),
    "uplift_refused": (
        "Afgewezen verzoeken om uplift deze maand: {count}.",
        "Uplift requests refused this month: {count}.",
    ),
    "s_breaches": ("Normoverschrijdingen en toelichting", "Breaches and explanations"),
    "breaches_none": (
        "Deze maand is geen enkele klok overschreden.",
        "No clock was breached this month.",
    ),
    "breaches_note": (
        "Elke overschreden klok met de toelichting die op het ticket is vastgelegd "
        "(een opmerking gemarkeerd als toelichting op een overschrijding).",
        "Every breached clock with the explanation recorded on the ticket (a comment "
        "marked as the explanation of a breach).",
    ),
    "no_explanation": ("geen toelichting vastgelegd", "no explanation recorded"),
    "still_open": ("nog open", "still open"),
    "missed_updates": ("{count}× update gemist", "{count} update(s) missed"),
    "s_stock": ("Bufferstock per depot", "Buffer stock per depot"),
    "stock_note": (
        "Direct inzetbare loaners (op voorraad, alle gereedheidscontroles geslaagd) per "
        "depot en model op {moment}, tegen het afgesproken minimum.",
        "Ready loaners (in stock, every readiness check passed) per depot and model at "
        "{moment}, against the agreed minimum.",
    ),
    "stock_none": (
        "Er is geen apparatenregister in de bron; dit onderdeel vervalt.",
        "The source has no device register; this section is left out.",
    ),
    "s_csat": ("Klanttevredenheid", "Customer satisfaction"),
    "csat_none": (
        "Deze maand zijn geen tevredenheidsscores ontvangen.",
        "No satisfaction scores were received this month.",
    ),
    "csat_note": (
        "Score van 1 tot 10 die de gebruiker geeft bij het afsluiten van een ticket.",
        "Score from 1 to 10 the user gives when a ticket is closed.",
    ),
    # table headers
    "priority": ("Prioriteit", "Priority"),
    "prio": ("Prio", "Prio"),
    "col_reaction": ("Reactie", "Reaction"),
    "col_resolution": ("Oplossing", "Resolution"),
    "col_update": ("Updates", "Updates"),
    "col_onsite": ("Onsite", "Onsite"),
    "col_swap": ("Swap", "Swap"),
    "col_emergency_workplace": ("Nood-<br/>werkplek", "Emergency<br/>workplace"),
    "tickets": ("Tickets", "Tickets"),
    "within_norm": ("Binnen norm", "Within norm"),
    "norm": ("Norm", "Norm"),
    "verdict": ("Oordeel", "Verdict"),
    "open": ("Open", "Open"),
    "resolved": ("Opgelost", "Resolved"),
    "mttr_bh": ("MTTR (werkuren)", "MTTR (business h)"),
    "mttp_bh": ("MTTP (werkuren)", "MTTP (business h)"),
    "mttp_wh": ("MTTP (klokuren)", "MTTP (wall-clock h)"),
    "mttp_norm": ("MTTP-norm (werkuren)", "MTTP norm (business h)"),
    "ticket": ("Ticket", "Ticket"),
    "date": ("Datum", "Date"),
    "role_type": ("Roltype", "Role type"),
    "motivation": ("Motivatie", "Motivation"),
    "decided_by": ("Besloten door", "Decided by"),
    "clock": ("Klok", "Clock"),
    "due": ("Deadline", "Due"),
    "late": ("Te laat (werktijd)", "Late (business time)"),
    "explanation": ("Toelichting", "Explanation"),
    "depot": ("Depot", "Depot"),
    "model": ("Model", "Model"),
    "in_stock": ("Op voorraad", "In stock"),
    "minimum": ("Minimum", "Minimum"),
    "average_score": ("Gemiddelde score", "Average score"),
    "responses": ("Aantal reacties", "Responses"),
    "total": ("Totaal", "Total"),
    # verdicts
    "met": ("gehaald", "met"),
    "not_met": ("niet gehaald", "not met"),
    "not_applicable": ("n.v.t.", "n/a"),
    "shortage": ("tekort", "shortage"),
    "sufficient": ("op peil", "sufficient"),
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
    # clocks
    "clock_reaction": ("Reactie", "Reaction"),
    "clock_resolution": ("Oplossing", "Resolution"),
    "clock_update": ("Statusupdates", "Status updates"),
    "clock_onsite": ("Onsite", "Onsite"),
    "clock_swap": ("Swap", "Swap"),
    "clock_emergency_workplace": ("Noodwerkplek", "Emergency workplace"),
    # uplift role types (DESIGN §2.3)
    "role_board_or_press": ("directie of woordvoering", "board or press spokesperson"),
    "role_crisis_meeting": ("crisisoverleg", "crisis meeting"),
    "role_court_session": ("zitting of rechtszaak", "court session"),
    "role_class_or_group": ("les of voorlichting aan een groep", "lesson or talk to a group"),
    "role_chain_partner_meeting": (
        "bestuurlijk overleg met ketenpartners",
        "administrative meeting with chain partners",
    ),
    "role_other": ("anders", "other"),
    # CSV column headers that are not table headers above
    "status": ("Status", "Status"),
    "uplift": ("P1-uplift", "P1 uplift"),
    "reported_at": ("Gemeld op", "Reported at"),
    "category": ("Categorie", "Category"),
    "channel": ("Kanaal", "Channel"),
    "breaches": ("Overschreden klokken", "Breached clocks"),
    "csat": ("Tevredenheid", "Satisfaction"),
    "mttr_bm": ("MTTR (werkminuten)", "MTTR (business min)"),
    "mttp_bm": ("MTTP (werkminuten)", "MTTP (business min)"),
    "mttp_wm": ("MTTP (klokminuten)", "MTTP (wall-clock min)"),
    "norm_met": ("Norm gehaald", "Norm met"),
    "within_norm_met": ("Binnen norm (aantal)", "Within norm (count)"),
    "within_norm_decided": ("Beslist (aantal)", "Decided (count)"),
    "within_norm_pct": ("Binnen norm (%)", "Within norm (%)"),
    "norm_pct": ("Norm (%)", "Norm (%)"),
    "clock_pct": ("{clock} gehaald (%)", "{clock} met (%)"),
    "state_met": ("gehaald", "met"),
    "state_breached": ("overschreden", "breached"),
    "state_running": ("loopt", "running"),
    "state_not_applicable": ("n.v.t.", "n/a"),
    "status_open": ("open", "open"),
    "status_waiting": ("wacht op gebruiker", "waiting on user"),
    "status_resolved": ("opgelost", "resolved"),
    "status_closed": ("gesloten", "closed"),
}


@dataclass(frozen=True, slots=True)
class Texts:
    """The words of one language; call it with a key (and placeholders) to get a text."""

    lang: str

    def __call__(self, key: str, **values: object) -> str:
        nl, en = CATALOGUE[key]
        text = nl if self.lang == "nl" else en
        return text.format(**values) if values else text

    def month_name(self, month: int, year: int) -> str:
        return f"{_MONTHS[self.lang][month - 1]} {year}"

    def month_short(self, month: int, year: int) -> str:
        return f"{_MONTHS_SHORT[self.lang][month - 1]} {year % 100:02d}"

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


def texts(lang: str) -> Texts:
    """The catalogue for `lang` (`nl` or `en`); ReportError for another language."""
    if lang not in LANGUAGES:
        raise ReportError(f"--lang {lang!r}: expected one of {', '.join(LANGUAGES)}")
    return Texts(lang)
