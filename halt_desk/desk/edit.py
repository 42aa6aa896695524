"""Editing a ticket after intake, as plain calls: summary, caller, category, impact and
urgency (`ticket_updated` {changes, reason, previous}) and the priority (`priority_changed`
{priority, reason}), recorded together in one transaction.

When new impact or urgency answers give another priority in the contract's matrix, that
priority is recorded too (the clocks follow it, DESIGN §2.4), unless the agent keeps the
priority: the edit then says so (`priority_kept`), with the same reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from halt_desk.desk.assign import open_ticket
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event
from halt_desk.domain.limits import check_input_limits
from halt_desk.domain.messages import Msg
from halt_desk.domain.profiles import Profile
from halt_desk.domain.ticket_edits import EDITABLE_FIELDS, TicketFields, ticket_fields
from halt_desk.domain.ticket_rules import check_ticket_rules
from halt_desk.store import Store, TicketView
from halt_desk.store.errors import UnknownStream

#: The shortest reason a change takes (as for a priority override at intake).
MIN_REASON = 5


@dataclass(frozen=True, slots=True)
class TicketEdit:
    """What the agent asks: new values (`changes`; unchanged ones are dropped), the reason,
    a chosen `priority` (None: as the matrix gives it), or `keep_priority` despite the
    matrix."""

    changes: Mapping[str, str] = field(default_factory=dict)
    reason: str = ""
    priority: str | None = None
    keep_priority: bool = False


@dataclass(frozen=True, slots=True)
class EditState:
    """A ticket as the edit form starts from it."""

    ticket: TicketView
    fields: TicketFields
    profile: Profile

    @property
    def priority(self) -> str:
        return self.ticket.priority


@dataclass(frozen=True, slots=True)
class EditPlan:
    """What an edit records: the changed fields with their old values, the new priority
    (None: unchanged), the matrix's priority for the new answers (None: not asked), and
    whether the agent keeps the priority the matrix would change."""

    changes: dict[str, str]
    previous: dict[str, str | None]
    priority: str | None
    suggested: str | None
    kept: bool
    reason: str

    @property
    def priority_follows_matrix(self) -> bool:
        return self.priority is not None and self.priority == self.suggested


def edit_state(store: Store, ticket_id: str) -> EditState:
    """The ticket's current fields and contract (an open ticket; DeskInputError if not)."""
    ticket = open_ticket(store, ticket_id)
    fields = ticket_fields(store.events_for(f"ticket:{ticket.id}"))
    return EditState(ticket, fields, store.organisation_contract(ticket.org))


def _checked_changes(
    state: EditState, edit: TicketEdit, caller_org: Callable[[str], str | None]
) -> dict[str, str]:
    """The fields that really change, each checked (DeskInputError naming the field)."""
    profile, fields = state.profile, state.fields
    changes: dict[str, str] = {}
    for name, raw in edit.changes.items():
        if name not in EDITABLE_FIELDS:
            continue
        value = raw.strip() if isinstance(raw, str) else ""
        if value == (fields.value(name) or ""):
            continue
        if name == "summary" and not value:
            raise DeskInputError("summary", Msg.FILL_IN_SUMMARY)
        if name == "category" and value not in profile.categories:
            raise DeskInputError("category", Msg.CHOOSE_CATEGORY)
        if name == "impact" and value not in profile.impacts:
            raise DeskInputError("impact", Msg.CHOOSE_IMPACT)
        if name == "urgency" and value not in profile.urgencies:
            raise DeskInputError("urgency", Msg.CHOOSE_URGENCY)
        if name == "caller":
            org = caller_org(value) if value else None
            if org is None:
                raise DeskInputError("caller", Msg.CHOOSE_CALLER)
            if org != state.ticket.org:
                raise DeskInputError("caller", Msg.CALLER_OTHER_ORGANISATION)
        changes[name] = value
    return changes


def matrix_priority(state: EditState, changes: Mapping[str, str]) -> str | None:
    """The priority the contract's matrix gives for the ticket's impact and urgency after
    `changes`; None unless one of them changes (or either is unknown)."""
    if "impact" not in changes and "urgency" not in changes:
        return None
    impact = changes.get("impact", state.fields.impact)
    urgency = changes.get("urgency", state.fields.urgency)
    if impact is None or urgency is None:
        return None
    return state.profile.suggest_priority(impact, urgency, state.fields.security)


def plan_edit(
    state: EditState, edit: TicketEdit, caller_org: Callable[[str], str | None]
) -> EditPlan:
    """What `edit` would record on the ticket of `state` (the form shows it before saving);
    DeskInputError naming the field for what cannot be recorded. `caller_org` gives an
    employee's organisation (None: not in the directory)."""
    changes = _checked_changes(state, edit, caller_org)
    current = state.priority
    suggested = matrix_priority(state, changes)
    chosen = edit.priority if edit.priority not in (None, current) else None
    if chosen is not None and chosen not in state.profile.priorities:
        raise DeskInputError("priority", Msg.CHOOSE_PRIORITY)
    matrix_moves = suggested is not None and suggested != current
    kept = matrix_moves and chosen is None and (edit.keep_priority or edit.priority == current)
    priority = chosen or (suggested if matrix_moves and not kept else None)
    if not changes and priority is None:
        raise DeskInputError("changes", Msg.NOTHING_CHANGED)
    reason = edit.reason.strip()
    if len(reason) < MIN_REASON:
        raise DeskInputError("reason", Msg.EDIT_NEEDS_REASON)
    check_input_limits({**changes, "reason": reason})
    previous = {name: state.fields.value(name) for name in changes}
    return EditPlan(changes, previous, priority, suggested, kept, reason)


def plan_events(
    store: Store, state: EditState, plan: EditPlan, actor: str, now: datetime
) -> list[Event]:
    """The events of `plan`: `ticket_updated` (if fields change), then `priority_changed`
    (if the priority does), both at `now`, each checked as central checks it."""
    stream = f"ticket:{state.ticket.id}"
    events: list[Event] = []
    if plan.changes:
        data: dict[str, Any] = {
            "changes": plan.changes,
            "reason": plan.reason,
            "previous": plan.previous,
        }
        if plan.kept:
            data["priority_kept"] = {"priority": state.priority, "suggested": plan.suggested}
        events.append(store.stamped_event(stream, "ticket_updated", actor, data, at=now))
    if plan.priority is not None:
        change: dict[str, Any] = {
            "priority": plan.priority,
            "reason": plan.reason,
            "previous": state.priority,
        }
        if plan.suggested is not None:
            change["suggested"] = plan.suggested
            if plan.priority != plan.suggested:
                change["override"] = True
        events.append(store.stamped_event(stream, "priority_changed", actor, change, at=now))
    for event in events:
        check_ticket_rules(event, state.profile)  # what central checks again
    return events


def employee_org(store: Store) -> Callable[[str], str | None]:
    """An employee's organisation from the directory (None: not in it)."""

    def org(employee_id: str) -> str | None:
        try:
            found = store.caller_contract(employee_id)
        except UnknownStream:  # an employee of an organisation this desk does not know
            return None
        value = found[0].get("org") if found is not None else None
        return value if isinstance(value, str) else None

    return org


def edit_events(
    store: Store, ticket_id: str, edit: TicketEdit, actor: str, now: datetime
) -> list[Event]:
    """The checked events of `edit` on `ticket_id` (not recorded)."""
    state = edit_state(store, ticket_id)
    plan = plan_edit(state, edit, employee_org(store))
    return plan_events(store, state, plan, actor, now)


def record_edit(
    store: Store, ticket_id: str, edit: TicketEdit, actor: str, now: datetime
) -> list[Event]:
    """Checks and records `edit` in one transaction (the fields and the priority, or
    neither); returns its events."""
    events = edit_events(store, ticket_id, edit, actor, now)
    store.record_events(events, bulk=True)
    return events
