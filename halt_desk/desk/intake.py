"""Ticket intake as plain calls: the caller directory, the suggested priority from the
contract's matrix, and recording a new ticket with its override in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from halt_desk.desk.assign import assignment_data
from halt_desk.desk.notices import link_event, open_notice
from halt_desk.desk.staff import StaffDirectory
from halt_desk.domain.change_kpi import CHANGE_KIND, CHANGE_TYPES
from halt_desk.domain.errors import DeskInputError, HaltDeskError
from halt_desk.domain.events import Event
from halt_desk.domain.messages import Msg
from halt_desk.domain.profiles import DEFAULT_CATEGORIES, Profile
from halt_desk.domain.ticket_numbers import provisional_id, series_year
from halt_desk.domain.ticket_rules import check_ticket_rules
from halt_desk.store import Store

#: Channels a ticket can come in by (the intake form's list, in its order).
REPORT_CHANNELS: tuple[str, ...] = ("phone", "email", "portal", "onsite")
#: Categories of the intake form (the customers' own words, as the demo data uses them).
CATEGORIES: tuple[str, ...] = DEFAULT_CATEGORIES
MIN_OVERRIDE_REASON = 5
#: What a ticket is: a disruption or question (incident), or a request to change (change).
TICKET_KINDS: tuple[str, ...] = ("incident", CHANGE_KIND)


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
    assignee: str | None = None  # user name of whom the ticket goes to at once (optional)
    notice: str | None = None  # an open disruption notice the report belongs to (optional)
    #: "incident" (the default) or "change" with its `change_type` (domain.change_kpi).
    kind: str = "incident"
    change_type: str | None = None


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


def new_ticket_id(org: str, at: datetime) -> str:
    """A provisional ticket id (`HALT-2026-VKMPQRT`): what a ticket keeps when this desk
    holds no number of its organisation's series; recording replaces it by the next
    number when it does (`Store.record_ticket`). Ids of the older random form
    (`HALT-2027-K7M2Q9XW`) stay valid."""
    return provisional_id(org, series_year(at))


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
        raise DeskInputError("impact", Msg.CHOOSE_IMPACT_AND_URGENCY) from None


def intake_events(
    store: Store, intake: Intake, actor: str, now: datetime, ticket_id: str | None = None
) -> list[Event]:
    """The events an intake records: `ticket_reported` with the suggested priority and the
    answers that gave it, then `priority_changed` with the reason if the agent overrides."""
    found = store.caller_contract(intake.caller) if intake.caller else None
    if found is None:
        raise DeskInputError("caller", Msg.CHOOSE_CALLER)
    caller, profile = found
    org = str(caller.get("org") or "")
    summary = intake.summary.strip()
    if not summary:
        raise DeskInputError("summary", Msg.FILL_IN_SUMMARY)
    if intake.channel not in REPORT_CHANNELS:
        raise DeskInputError("channel", Msg.CHOOSE_CHANNEL)
    if intake.category not in CATEGORIES:
        raise DeskInputError("category", Msg.CHOOSE_CATEGORY)
    if intake.impact not in profile.impacts:
        raise DeskInputError("impact", Msg.CHOOSE_IMPACT)
    if intake.urgency not in profile.urgencies:
        raise DeskInputError("urgency", Msg.CHOOSE_URGENCY)
    if intake.kind not in TICKET_KINDS:
        raise DeskInputError("kind", Msg.CHOOSE_CHANGE_TYPE)
    if intake.kind == CHANGE_KIND and intake.change_type not in CHANGE_TYPES:
        raise DeskInputError("change_type", Msg.CHOOSE_CHANGE_TYPE)
    suggested = suggested_priority(profile, intake.impact, intake.urgency, intake.security)
    override = intake.priority_override
    if override is not None and override != suggested:
        if override not in profile.priorities:
            raise DeskInputError("priority", Msg.CHOOSE_PRIORITY)
        if len(intake.override_reason.strip()) < MIN_OVERRIDE_REASON:
            raise DeskInputError("override_reason", Msg.OVERRIDE_NEEDS_REASON)
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
    if intake.kind == CHANGE_KIND:
        data["kind"], data["change_type"] = CHANGE_KIND, intake.change_type
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
    if intake.assignee:  # recorded with the report: assigned from its first moment
        staff = StaffDirectory.load(store)
        data = assignment_data(staff, intake.assignee, actor, None, ticket_id)
        events.append(store.stamped_event(stream, "assigned", actor, data, at=now))
    if intake.notice:  # reported during a disruption: linked from its first moment
        open_notice(store, intake.notice)
        events.append(link_event(store, ticket_id, org, intake.notice, actor, now))
    for event in events:
        check_ticket_rules(event, profile)  # what central checks again
    return events


def record_intake(store: Store, intake: Intake, actor: str, now: datetime) -> str:
    """Checks and records an intake in one transaction; returns the new ticket number: the
    next of its organisation's series, or a provisional id when this desk holds none."""
    events = intake_events(store, intake, actor, now)
    return store.record_ticket(events)  # the report and its override, or neither
