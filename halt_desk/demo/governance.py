"""Escalations of Stichting Halt in the demo (seed 003 §2.4.3), over tickets of the demo
that really missed their deadlines, placed back from the moment the demo shows:

* one closed: N1, registered some six weeks ago, closed three weeks ago with its
  evaluation (quality, speed, cooperation, lessons learned);
* one at N2 (beyond the operational: three missed deadlines in one category), with the
  information manager informed, the recovery request, a meeting, an action list, one
  weekly update and the next one missed;
* one at N1 just started (a P1 past its deadline, informed internally);
* and the suggestions the central's escalation job would have made (the triggers of
  `domain.escalation_triggers` over the other tickets, of both organisations): each
  dismissed the next day by who keeps the register, except each organisation's newest,
  which still waits for a decision.

The ICT service manager of the seed is the demo's ICT coordinator at Halt; action
holders are named by name (Halt employees and the servicedesk's agents).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from halt_desk.demo.event_log import EventLog
from halt_desk.demo.reference import STAFF_NAMES, Employee
from halt_desk.domain.escalation_triggers import Suggestion, TicketFacts, suggest, ticket_facts
from halt_desk.domain.escalations import fold_escalation
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import Profile

SUPPLIER = "MSP (servicedesk en werkplekbeheer)"
#: A suggestion is dismissed a day after it was made (at the latest at the moment shown;
#: all but the newest), with this reason.
DISMISS_AFTER = timedelta(days=1)
DISMISSED = "Besproken in het operationeel overleg: eenmalig, geen escalatie nodig"
MAX_ROUNDS = 10
#: What a missed deadline means, per clock, in the register's description.
MISSED = {
    "reaction": "niet op tijd opgepakt",
    "resolution": "niet binnen de termijn opgelost",
    "update": "tussentijdse update aan de melder niet op tijd gegeven",
    "onsite": "engineer niet op tijd op locatie",
    "swap": "vervangend apparaat niet op tijd geleverd",
}


@dataclass(frozen=True, slots=True)
class People:
    """Who keeps the register (the service manager) and who holds actions."""

    manager: Employee
    functional: Employee
    agent: str  # the servicedesk's agent who follows the actions up
    desom_regie: Employee  # who decides on DeSom's suggestions

    @classmethod
    def of(cls, employees: Sequence[Employee], agent: str) -> People:
        def first(org: str, role: str) -> Employee:
            return next(e for e in employees if e.org == org and e.role == role)

        return cls(
            first("halt", "ICT-coördinator"),
            first("halt", "Functioneel beheerder"),
            agent,
            first("desom", "Teamleider"),
        )

    def keeper(self, org: str) -> str:
        """Who keeps the register of `org` (decides on its suggestions)."""
        return self.manager.id if org == "halt" else self.desom_regie.id

    @property
    def agent_name(self) -> str:
        return STAFF_NAMES[self.agent]


def breached_facts(
    events: Iterable[Event],
    profiles: Mapping[str, Profile],
    employees: Sequence[Employee],
    now: datetime,
) -> list[TicketFacts]:
    """The trigger facts of every ticket with a missed deadline at `now`, under its
    organisation's profile (changes have none: `ticket_facts` leaves them out)."""
    location = {e.id: e.location for e in employees}
    streams: dict[str, list[Event]] = {}
    for event in events:
        if event.stream_kind == "ticket":
            streams.setdefault(event.stream_key, []).append(event)
    found: list[TicketFacts] = []
    for tid, history in streams.items():
        profile = profiles.get(str(history[0].data.get("org")))
        if profile is None:
            continue
        facts = ticket_facts(tid, sorted(history, key=lambda e: e.at), profile, now, location.get)
        if facts is not None and facts.breaches:
            found.append(facts)
    return found


def _texts(tickets: Sequence[TicketFacts]) -> tuple[list[str], list[str]]:
    return [t.id for t in tickets], [b for t in tickets for b in t.breach_texts()[:1]]


def _about(ticket: TicketFacts, summaries: Mapping[str, str]) -> str:
    """ "P1 <ticket> (<summary>): <what was missed>" for a register's description."""
    clock = ticket.breaches[0][0]
    summary = summaries.get(ticket.id, "")
    return f"P1 {ticket.id} ({summary}): {MISSED.get(clock, 'termijn overschreden')}"


def add_escalations(
    log: EventLog,
    facts: Sequence[TicketFacts],
    people: People,
    shown: datetime,
    summaries: Mapping[str, str],
) -> None:
    """The three escalations and the pending suggestion (see the module's text)."""
    tz = shown.tzinfo

    def day(days_back: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine((shown - timedelta(days=days_back)).date(), time(hour, minute), tz)

    halt = [f for f in facts if f.org == "halt"]
    p1s = sorted((f for f in halt if f.priority == "P1"), key=lambda f: f.breaches[0][1])
    old_p1 = [f for f in p1s if f.breaches[0][1] < day(45, 0)]
    new_p1 = [f for f in p1s if day(10, 0) <= f.breaches[0][1] < day(3, 8)]
    used = {f.id for f in [*old_p1[-1:], *new_p1[-1:]]}
    group = _category_group(halt, used, day(40, 0), day(19, 0))
    used |= {f.id for f in group}
    if old_p1:
        _closed(log, people, old_p1[-1], day, _about(old_p1[-1], summaries))
    if group:
        _tactical(log, people, group, day)
    if new_p1:
        _started(log, people, new_p1[-1], day, _about(new_p1[-1], summaries))
    for org in sorted({f.org for f in facts}):
        free = [f for f in facts if f.org == org and f.id not in used]
        _pending(log, free, people.keeper(org), shown)


def _category_group(
    facts: Sequence[TicketFacts], used: set[str], start: datetime, end: datetime
) -> list[TicketFacts]:
    """Three tickets of one category whose deadlines passed between `start` and `end`."""
    by_category: dict[str, list[TicketFacts]] = {}
    for f in facts:
        if f.id not in used and f.category and start <= f.breaches[0][1] < end:
            by_category.setdefault(f.category, []).append(f)
    ranked = sorted(by_category.items(), key=lambda item: (-len(item[1]), item[0]))
    return sorted(ranked[0][1], key=lambda f: f.breaches[0][1])[:3] if ranked else []


def _register(
    log: EventLog, number: str, actor: str, group: Sequence[TicketFacts], at: datetime, **data: str
) -> str:
    """Registers `ESC-HALT-<number>` with Stichting Halt's provider over the tickets of
    `group` (the first breach of each); its stream."""
    stream = f"escalation:ESC-HALT-{number}"
    tickets, breaches = _texts(group)
    log.add(stream, "escalation_registered", at, actor, {"org": "halt", "supplier": SUPPLIER,
            **data, "tickets": tickets, "breaches": breaches})  # fmt: skip
    return stream


def _closed(log: EventLog, people: People, ticket: TicketFacts, day: Any, about: str) -> None:
    actor = people.manager.id
    stream = _register(log, "01", actor, [ticket], day(42, 10),
                       description=f"{about}; teams konden een middag niet verder",
                       classification="operational", level="N1")  # fmt: skip
    log.add(stream, "escalation_informed", day(42, 11), actor, {"who": "internal"})
    log.add(
        stream,
        "escalation_request_sent",
        day(42, 14),
        actor,
        {"text": "Herstelverzoek: oorzaakanalyse (RCA) en maatregelen binnen tien werkdagen"},
    )
    action = "Monitoring en P1-alarmering bij de MSP aanscherpen"
    log.add(stream, "escalation_action_added", day(41, 9), actor,
            {"action": action, "owner": people.agent_name,
             "due": (day(30, 0)).date().isoformat()})  # fmt: skip
    log.add(stream, "escalation_action_updated", day(31, 16), actor,
            {"action": action, "status": "done"})  # fmt: skip
    log.add(stream, "escalation_closed", day(21, 15), actor, {
        "quality": 8, "speed": 6, "cooperation": 8,
        "lessons": "Grote verstoringen eerder als P1 herkennen; de alarmering werkt nu "
                   "en de MSP belt de regie binnen een half uur.",
    })  # fmt: skip


def _tactical(log: EventLog, people: People, group: Sequence[TicketFacts], day: Any) -> None:
    actor = people.manager.id
    category = group[0].category
    stream = _register(log, "02", actor, group, day(18, 9, 30),
                       description=f"Herhaalde termijnoverschrijdingen in de categorie "
                                   f"{category}: structureel probleem, meerdere teams geraakt",
                       classification="beyond_operational", level="N2")  # fmt: skip
    log.add(stream, "escalation_informed", day(18, 10), actor, {"who": "internal"})
    log.add(stream, "escalation_informed", day(18, 11), actor, {"who": "information_manager"})
    log.add(
        stream,
        "escalation_request_sent",
        day(18, 15),
        actor,
        {"text": "Formeel herstelverzoek met termijnen: plan van aanpak binnen vijf werkdagen"},
    )
    log.add(stream, "escalation_meeting_held", day(16, 14), actor, {
        "notes": "Overleg met de MSP: oorzaak ligt bij de overdracht tussen servicedesk en "
                 "tweede lijn; acties en eigenaren vastgelegd."})  # fmt: skip
    actions = (
        ("Overdracht servicedesk naar tweede lijn herzien", people.agent_name, 9, "in_progress"),
        ("Kennisartikelen voor deze categorie bijwerken", people.functional.name, 5, "done"),
        ("Wekelijkse rapportage van de openstaande meldingen", people.manager.name, 2, None),
    )
    for text, owner, due_back, status in actions:
        log.add(
            stream,
            "escalation_action_added",
            day(16, 16),
            actor,
            {"action": text, "owner": owner, "due": day(due_back, 0).date().isoformat()},
        )
        if status is not None:
            log.add(stream, "escalation_action_updated", day(12, 10), actor,
                    {"action": text, "status": status})  # fmt: skip
    log.add(stream, "escalation_update", day(13, 15), actor, {
        "text": "Weekupdate aan de informatiemanager: plan van aanpak ontvangen, overdracht "
                "wordt aangepast; nog twee meldingen over de termijn."})  # fmt: skip
    # The next weekly update (due a week later) was not given: the register shows it missed.


def _started(log: EventLog, people: People, ticket: TicketFacts, day: Any, about: str) -> None:
    actor = people.manager.id
    stream = _register(log, "03", actor, [ticket], day(2, 9),
                       description=f"{about}; eenmalige verstoring",
                       classification="operational", level="N1")  # fmt: skip
    log.add(stream, "escalation_informed", day(2, 9, 30), actor, {"who": "internal"})


def _pending(log: EventLog, facts: Sequence[TicketFacts], manager: str, shown: datetime) -> None:
    """What the central's escalation job would have recorded over the months: every
    suggestion the triggers find, the service manager dismissing each the next day
    (handled in the operational meeting), except the newest, which still waits. Rounds
    until the triggers find nothing new (a dismissal lets later breaches count again)."""
    streams: dict[str, list[Event]] = {}
    for event in log.events:
        if event.stream_kind == "escalation":
            streams.setdefault(event.stream, []).append(event)
    known = [s for s in map(fold_escalation, streams.values()) if s is not None]
    recorded: list[Suggestion] = []
    for _ in range(MAX_ROUNDS):
        found = [s for s in suggest(facts, known) if s.at <= shown]
        if not found:
            break
        for suggestion in found:
            stream = suggestion.stream
            events = [Event(f"demo-{stream}", stream, "escalation_suggested", suggestion.at,
                            "central", suggestion.event_data())]  # fmt: skip
            dismissed = min(suggestion.at + DISMISS_AFTER, shown)
            events.append(Event(f"demo-{stream}-x", stream, "escalation_suggestion_dismissed",
                                dismissed, manager, {"reason": DISMISSED}))  # fmt: skip
            known.append(fold_escalation(events))  # type: ignore[arg-type]
            recorded.append(suggestion)
    recorded.sort(key=lambda s: (s.at, s.id))
    for n, suggestion in enumerate(recorded):
        log.add(suggestion.stream, "escalation_suggested", suggestion.at, "central",
                suggestion.event_data())  # fmt: skip
        if n < len(recorded) - 1:
            dismissed = min(suggestion.at + DISMISS_AFTER, shown)
            log.add(suggestion.stream, "escalation_suggestion_dismissed", dismissed, manager,
                    {"reason": DISMISSED})  # fmt: skip
