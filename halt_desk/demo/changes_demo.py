"""Change tickets and vulnerabilities of Stichting Halt in the demo (seed 003 §10.2 and
§2.1), placed back from the moment the demo shows so that the last month's report has
change KPIs and a security section with figures.

Change tickets (`kind: change`): standard changes planned and carried out, most within
their plan and one a day late; minor changes whose first plan date is given back within
5 working days, one after that; one standard change reported a few days before the
moment shown and planned for after it.
Each is answered, planned (`change_planned`), carried out (`change_implemented`) and
resolved.

Vulnerabilities (`vulnerability:halt/<CVE>`): a handful with their measures, a few dealt
with, one mitigated, one still in progress.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from halt_desk.demo.business_minutes import BusinessMinutes
from halt_desk.demo.event_log import EventLog
from halt_desk.demo.reference import DESK_AGENTS, Employee
from halt_desk.domain.vulnerabilities import stream_of

#: (change type, summary, category, business days from report to first plan, business
#: days from plan date to implementation: 0 on the day, 1 a day late, None not yet).
CHANGES: tuple[tuple[str, str, str, int, int | None], ...] = (
    ("standard", "Nieuwe medewerker: laptop en account klaarzetten", "verzoek", 1, 0),
    ("minor", "Wifi-instellingen regiokantoor aanpassen na verbouwing", "netwerk", 3, 0),
    ("standard", "Toegang tot de teammap voor een nieuwe teamleider", "account", 1, 0),
    ("minor", "Firewallregel voor de koppeling met een ketenpartner", "netwerk", 4, 0),
    ("standard", "Extra licentie Microsoft 365 toekennen", "m365", 2, 0),
    ("minor", "Nieuwe versie Teams uitrollen naar de pilotgroep", "m365", 2, 0),
    ("standard", "Printer toevoegen op het regiokantoor", "werkplek", 2, 1),
    ("minor", "Formulier in het registratiesysteem uitbreiden met een veld", "applicatie", 8, 0),
    ("standard", "Mailbox doorsturen na vertrek van een medewerker", "m365", 1, 0),
    ("standard", "Gedeelde agenda voor de zittingsplanning aanmaken", "m365", 1, None),
)
RESOLUTION = "Wijziging uitgevoerd en met de aanvrager gecontroleerd"
#: Calendar days between a change's plan being given and its plan date.
PLAN_AHEAD = 4
#: (CVE, severity, [(days before the shown moment, status, measure)]), Dutch measures.
VULNERABILITIES: tuple[tuple[str, str, tuple[tuple[int, str, str], ...]], ...] = (
    ("CVE-2026-41207", "critical", (
        (38, "open", ""),
        (36, "in_progress", "Noodpatch getest op de testwerkplekken"),
        (33, "resolved", "Patch van de leverancier op alle laptops uitgerold (Intune)"),
    )),
    ("CVE-2026-39816", "high", (
        (27, "open", ""),
        (22, "mitigated", "Kwetsbare functie in de VPN-client uitgeschakeld tot de update"),
    )),
    ("CVE-2026-44051", "medium", (
        (19, "open", ""),
        (12, "resolved", "Browserupdate via het beheerplatform afgedwongen"),
    )),
    ("CVE-2026-45530", "low", (
        (15, "open", ""),
        (9, "accepted", "Onderdeel niet in gebruik bij Halt; besloten met de informatiemanager"),
    )),
    ("CVE-2026-47112", "high", (
        (6, "open", ""),
        (4, "in_progress", "Update van de printerfirmware ingepland met de leverancier"),
    )),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ChangeTicket:
    id: str
    reported_at: datetime
    caller: str
    summary: str


def _business_day(cal: BusinessMinutes, day: date, step: int = 1) -> date:
    """`day` itself when it is a business day, else the next one (or previous: step -1)."""
    while not cal.is_business_day(day):
        day += timedelta(days=step)
    return day


def _add_business_days(cal: BusinessMinutes, day: date, days: int) -> date:
    for _ in range(days):
        day = _business_day(cal, day + timedelta(days=1))
    return day


def _at(cal: BusinessMinutes, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), cal.tz)


def add_changes(
    rng: random.Random,
    cal: BusinessMinutes,
    log: EventLog,
    shown: datetime,
    staff: list[Employee],
    ticket_id: Callable[[datetime], str],
) -> list[ChangeTicket]:
    """The change tickets (CHANGES), reported in the six weeks before `shown`, in order."""
    made: list[ChangeTicket] = []
    first = shown.date() - timedelta(days=42)
    for n, (change_type, summary, category, to_plan, late) in enumerate(CHANGES):
        day = _business_day(cal, first + timedelta(days=n * 3 + rng.randrange(2)))
        if late is None:  # still to be carried out: reported a few days ago, not late yet
            day = _business_day(cal, shown.date() - timedelta(days=2), step=-1)
        reported = _at(cal, day, 9 + rng.randrange(6), rng.randrange(60))
        caller = rng.choice(staff)
        agent = rng.choice(DESK_AGENTS)
        tid = ticket_id(reported)
        stream = f"ticket:{tid}"
        data = {
            "org": "halt", "caller": caller.id, "summary": summary, "channel": "portal",
            "category": category, "priority": "P4", "kind": "change",
            "change_type": change_type,
            "intake": {"impact": "none", "urgency": "workaround", "security": False},
        }  # fmt: skip
        log.add(stream, "ticket_reported", reported, f"portal:{caller.id}", data)
        log.add(stream, "first_response", reported + timedelta(minutes=25), agent,
                {"channel": "portal"})  # fmt: skip
        planned_on = _add_business_days(cal, day, to_plan)
        # The change still to be carried out is planned after the moment shown.
        ahead_of = planned_on if late is not None else max(planned_on, shown.date())
        plan_date = _business_day(cal, ahead_of + timedelta(days=PLAN_AHEAD))
        log.add(stream, "change_planned", _at(cal, planned_on, 11), agent,
                {"date": plan_date.isoformat()})  # fmt: skip
        if late is not None:
            done_day = _add_business_days(cal, plan_date, late)
            done = _at(cal, done_day, 17, 30)
            log.add(stream, "change_implemented", done, agent, {})
            resolved = {"resolution": RESOLUTION}
            log.add(stream, "resolved", done + timedelta(minutes=20), agent, resolved)
        made.append(ChangeTicket(tid, reported, caller.id, summary))
    return made


def add_vulnerabilities(log: EventLog, shown: datetime, actor: str) -> None:
    """The vulnerabilities of Halt (VULNERABILITIES) with their steps up to `shown`."""
    for cve, severity, steps in VULNERABILITIES:
        stream = stream_of("halt", cve)
        for n, (days_back, status, measure) in enumerate(steps):
            day = (shown - timedelta(days=days_back)).date()
            at = datetime.combine(day, time(10, 0), shown.tzinfo)
            if n == 0:
                data = {"org": "halt", "cve": cve, "severity": severity, "status": status,
                        "measure": measure, "date": day.isoformat()}  # fmt: skip
                log.add(stream, "vulnerability_registered", at, actor, data)
            else:
                changed = {"status": status, "measure": measure, "date": day.isoformat()}
                log.add(stream, "vulnerability_updated", at, actor, changed)
