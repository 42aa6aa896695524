"""What a servicedesk agent does, as plain calls: intake, the P1-uplift, ticket actions.

Every function checks the input, builds the events of DESIGN §3.4 and records them through
the store in one transaction, so a screen, a script and a test do exactly the same thing.
Errors are `DeskInputError`s naming the field, with a Dutch message for the screen.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from halt_desk.domain.clocks import TicketStatus
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import FIRST_RESPONSE_CHANNELS, Event
from halt_desk.domain.profiles import Profile
from halt_desk.domain.uplift import UpliftDecision, UpliftRequest, decide_uplift
from halt_desk.store import Store, TicketView

#: Channels a ticket can come in by (the intake form's list, in its order).
REPORT_CHANNELS: tuple[str, ...] = ("phone", "email", "portal", "onsite")
#: Categories of the intake form (the customers' own words, as the demo data uses them).
CATEGORIES: tuple[str, ...] = (
    "werkplek",
    "m365",
    "netwerk",
    "kernapplicatie",
    "applicatie",
    "account",
    "telefonie",
    "security",
    "verzoek",
    "vraag",
)
#: Alphabet of the random part of a ticket number: no 0/O or 1/I/L to misread on the phone.
_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MIN_OVERRIDE_REASON = 5
CSAT_RANGE = range(1, 11)


class DeskInputError(HaltDeskError):
    """Input a person must correct: names the field, and says what is wrong in Dutch."""

    def __init__(self, field_name: str, message_nl: str, message_en: str) -> None:
        self.field = field_name
        self.message_nl = message_nl
        super().__init__(f"{field_name}: {message_en}")


@dataclass(frozen=True, slots=True)
class Intake:
    """The intake form: who calls, what is wrong, and the answers that set the priority."""

    caller: str  # employee id from the directory
    summary: str
    channel: str
    category: str
    impact: str
    urgency: str
    security: bool = False
    priority_override: str | None = None
    override_reason: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class EmployeeMatch:
    """One hit of the caller lookup."""

    id: str
    name: str
    org: str
    email: str | None
    phone: str | None
    team: str | None
    location: str | None
    role: str | None


class Action(StrEnum):
    """The buttons of the ticket view (DESIGN §3.3/§3.4 event types)."""

    FIRST_RESPONSE = "first_response"
    STATUS_UPDATE = "status_update"
    WAITING_ON_USER = "waiting_on_user"
    RESUMED = "resumed"
    ONSITE_REQUESTED = "onsite_requested"
    SWAP_REQUESTED = "swap_requested"
    WORKAROUND = "workaround"
    PRODUCTIVE_AGAIN = "productive_again"
    RESOLVED = "resolved"
    CLOSED = "closed"
    COMMENT = "comment"
    ASSIGNED = "assigned"


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """One action on a ticket with the fields it needs (`channel`, `text`, `score`, `to`)."""

    action: Action
    channel: str | None = None
    text: str = ""
    score: int | None = None
    to: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def new_ticket_id(org: str, at: datetime) -> str:
    """A ticket number made offline without coordination: org, year, 8 random characters
    (≈ 2·10^11 possibilities a year; a clash is refused by central and shown)."""
    random_part = "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))
    return f"{org.upper()}-{at.year}-{random_part}"


class CallerDirectory:
    """The employee directory in memory, for a lookup on every keystroke without I/O."""

    def __init__(self, employees: Sequence[EmployeeMatch]) -> None:
        self.employees = list(employees)
        self._text = [f"{e.name}\x1f{e.email or ''}".lower() for e in self.employees]
        self._digits = ["".join(ch for ch in e.phone or "" if ch.isdigit()) for e in self.employees]

    @classmethod
    def load(cls, store: Store) -> CallerDirectory:
        return cls([EmployeeMatch(**row) for row in store.employees()])

    def get(self, employee_id: str) -> EmployeeMatch | None:
        return next((e for e in self.employees if e.id == employee_id), None)

    def find(self, text: str, limit: int = 20) -> list[EmployeeMatch]:
        """Employees whose name or e-mail contains `text`, or whose phone number contains
        its digits (three or more; spaces and dashes ignored), by name."""
        needle = text.strip().lower()
        if not needle:
            return []
        digits = "".join(ch for ch in needle if ch.isdigit())
        by_phone = len(digits) >= 3
        hits: list[EmployeeMatch] = []
        for employee, words, phone in zip(self.employees, self._text, self._digits, strict=True):
            if needle in words or (by_phone and digits in phone):
                hits.append(employee)
                if len(hits) == limit:
                    break
        return hits


def find_callers(store: Store, text: str, limit: int = 20) -> list[EmployeeMatch]:
    """Employees whose name, e-mail or phone number matches `text` (the caller lookup)."""
    return CallerDirectory.load(store).find(text, limit)


def suggested_priority(profile: Profile, impact: str, urgency: str, security: bool) -> str:
    """The priority the profile's intake matrix suggests (DESIGN §2.2)."""
    try:
        return profile.suggest_priority(impact, urgency, security)
    except HaltDeskError:
        raise DeskInputError(
            "impact", "Kies impact en urgentie uit de lijst.", "unknown impact or urgency"
        ) from None


def intake_events(
    store: Store, intake: Intake, actor: str, now: datetime, ticket_id: str | None = None
) -> list[Event]:
    """The events an intake records: `ticket_reported` with the suggested priority and the
    answers that gave it, then `priority_changed` with the reason if the agent overrides."""
    caller = store.reference(f"employee:{intake.caller}") if intake.caller else None
    if caller is None:
        raise DeskInputError("caller", "Kies een melder uit het medewerkersbestand.", "unknown")
    org = str(caller.get("org") or "")
    profile = store.organisation_contract(org)
    summary = intake.summary.strip()
    if not summary:
        raise DeskInputError("summary", "Vul een korte omschrijving in.", "summary is empty")
    if intake.channel not in REPORT_CHANNELS:
        raise DeskInputError("channel", "Kies een kanaal.", f"unknown channel {intake.channel!r}")
    if intake.category not in CATEGORIES:
        raise DeskInputError("category", "Kies een categorie.", "unknown category")
    if intake.impact not in profile.impacts:
        raise DeskInputError("impact", "Kies de impact.", f"unknown impact {intake.impact!r}")
    if intake.urgency not in profile.urgencies:
        raise DeskInputError("urgency", "Kies de urgentie.", f"unknown urgency {intake.urgency!r}")
    suggested = suggested_priority(profile, intake.impact, intake.urgency, intake.security)
    override = intake.priority_override
    if override is not None and override != suggested:
        if override not in profile.priorities:
            raise DeskInputError("priority", "Kies een bestaande prioriteit.", "unknown priority")
        if len(intake.override_reason.strip()) < MIN_OVERRIDE_REASON:
            raise DeskInputError(
                "override_reason",
                "Geef een reden waarom u van de voorgestelde prioriteit afwijkt.",
                "an override needs a reason",
            )
    ticket_id = ticket_id or new_ticket_id(org, now)
    stream = f"ticket:{ticket_id}"
    data: dict[str, Any] = {
        "org": org,
        "caller": intake.caller,
        "summary": summary,
        "channel": intake.channel,
        "category": intake.category,
        "priority": suggested,
        "intake": {
            "impact": intake.impact,
            "urgency": intake.urgency,
            "security": intake.security,
        },
    }
    if intake.description.strip():
        data["description"] = intake.description.strip()
    events = [store.stamped_event(stream, "ticket_reported", actor, data, at=now)]
    if override is not None and override != suggested:
        events.append(
            store.stamped_event(
                stream,
                "priority_changed",
                actor,
                {
                    "priority": override,
                    "override": True,
                    "suggested": suggested,
                    "reason": intake.override_reason.strip(),
                },
                at=now,
            )
        )
    return events


def record_intake(store: Store, intake: Intake, actor: str, now: datetime) -> str:
    """Checks and records an intake in one transaction; returns the new ticket number."""
    events = intake_events(store, intake, actor, now)
    store.record_events(events, bulk=True)  # the report and its override, or neither
    return events[0].stream_key


def record_uplift(
    store: Store, ticket_id: str, request: UpliftRequest, actor: str, now: datetime
) -> UpliftDecision:
    """Decides the P1-uplift (DESIGN §2.3) and records the decision, granted or refused."""
    ticket = _open_ticket(store, ticket_id)
    profile = store.organisation_contract(ticket.org)
    if not profile.uplift:
        raise DeskInputError(
            "uplift",
            "Het contract van deze organisatie kent geen P1-uplift.",
            f"profile {profile.name} has no uplift",
        )
    decision = decide_uplift(request)
    store.record_event(
        store.stamped_event(
            f"ticket:{ticket_id}", "uplift_decided", actor, decision.event_data(), at=now
        )
    )
    return decision


def _first_response(request: ActionRequest) -> dict[str, Any]:
    if request.channel not in FIRST_RESPONSE_CHANNELS:
        raise DeskInputError("channel", "Kies hoe u de melder hebt bereikt.", "unknown channel")
    return {"channel": request.channel}


def _comment(request: ActionRequest) -> dict[str, Any]:
    if not request.text.strip():
        raise DeskInputError("text", "Schrijf een notitie.", "comment is empty")
    return {"text": request.text.strip()}


def _assigned(request: ActionRequest) -> dict[str, Any]:
    if not request.to or not request.to.strip():
        raise DeskInputError("to", "Kies aan wie u de melding toewijst.", "assignee missing")
    return {"to": request.to.strip()}


def _closed(request: ActionRequest) -> dict[str, Any]:
    if request.score is not None and request.score not in CSAT_RANGE:
        raise DeskInputError("score", "Een tevredenheidscijfer is 1 tot en met 10.", "1-10")
    return {}


#: The actions whose fields need checking; the others carry only an optional note.
_ACTION_CHECKS: dict[Action, Callable[[ActionRequest], dict[str, Any]]] = {
    Action.FIRST_RESPONSE: _first_response,
    Action.COMMENT: _comment,
    Action.ASSIGNED: _assigned,
    Action.CLOSED: _closed,
}


def action_events(
    store: Store, ticket_id: str, request: ActionRequest, actor: str, now: datetime
) -> list[Event]:
    """The events of one action (closing with a score also records `csat_recorded`)."""
    ticket = _open_ticket(store, ticket_id)
    check = _ACTION_CHECKS.get(request.action)
    data = check(request) if check is not None else {}
    if request.text.strip() and request.action is not Action.COMMENT:
        data["text"] = request.text.strip()
    data.update(request.extra)
    stream = f"ticket:{ticket.id}"
    events = [store.stamped_event(stream, request.action.value, actor, data, at=now)]
    if request.action is Action.CLOSED and request.score is not None:
        score = {"score": request.score}
        events.insert(0, store.stamped_event(stream, "csat_recorded", actor, score, at=now))
    return events


def record_action(
    store: Store, ticket_id: str, request: ActionRequest, actor: str, now: datetime
) -> list[Event]:
    """Checks and records one ticket action in one transaction; returns its events."""
    events = action_events(store, ticket_id, request, actor, now)
    store.record_events(events, bulk=True)
    return events


def _open_ticket(store: Store, ticket_id: str) -> TicketView:
    ticket = store.ticket(ticket_id)
    if ticket is None:
        raise DeskInputError("ticket", f"Melding {ticket_id} bestaat niet.", "unknown ticket")
    if ticket.status == TicketStatus.CLOSED:
        raise DeskInputError("ticket", f"Melding {ticket_id} is gesloten.", "ticket is closed")
    return ticket
