"""The escalation register on this computer's cache (issue 23): what an "Escalaties" view
and the reports read, and the few actions the service manager records. Every action is
one event through `Store.record`, checked by `domain.escalations` (offline too); the
central checks it again.

Reading: `load_register` (every escalation and suggestion, folded; `folded_escalations`
with their events), `escalations_of_ticket`, `register_clocks` (the clocks of
`domain.escalation_clocks` on the organisation's contract). Recording:
`register_escalation`, `record_escalation_event` (any other event of the stream),
`find_suggestions` / `record_suggestions` (the triggers of `domain.escalation_triggers`
over the cached tickets), `accept_suggestion`, `dismiss_suggestion`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from halt_desk.domain.errors import DeskInputError, HaltDeskError
from halt_desk.domain.escalation_clocks import EscalationEvaluation, evaluate_state
from halt_desk.domain.escalation_triggers import Suggestion, suggest, ticket_facts
from halt_desk.domain.escalations import EscalationState, Status, fold_escalation
from halt_desk.domain.events import Event
from halt_desk.domain.messages import Msg
from halt_desk.store import Store

log = logging.getLogger(__name__)


def new_escalation_id() -> str:
    """A fresh escalation id (offline too): `ESC-` and 10 random hexadecimal digits."""
    return "ESC-" + uuid.uuid4().hex[:10].upper()


def folded_escalations(
    store: Store, org: str | None = None
) -> list[tuple[EscalationState, list[Event]]]:
    """Every escalation stream of the cache (of `org`), folded, with its events. A stream
    that no longer folds (cannot happen for events the store accepted) is logged and left
    out."""
    streams = store.streams_of_kind("escalation")
    found = []
    for stream, events in store.events_for_streams(streams).items():
        try:
            state = fold_escalation(events)
        except HaltDeskError as exc:  # pragma: no cover - the store folds strictly
            log.warning("escalation stream %s left out: %s", stream, exc)
            continue
        if state is not None and (org is None or state.org == org):
            found.append((state, events))
    return found


def load_register(store: Store, org: str | None = None) -> list[EscalationState]:
    """Every escalation of the cache (of `org`), folded (`folded_escalations`); newest
    first."""
    states = [state for state, _events in folded_escalations(store, org)]
    return sorted(states, key=escalation_moment, reverse=True)


def escalation_moment(state: EscalationState) -> datetime:
    """When the escalation began: registered, or else suggested."""
    moment = state.registered_at or state.suggested_at
    assert moment is not None
    return moment


def escalation(store: Store, escalation_id: str) -> EscalationState | None:
    return fold_escalation(store.events_for(f"escalation:{escalation_id}"))


def escalations_of_ticket(store: Store, ticket_id: str) -> list[EscalationState]:
    """The escalations (and suggestions) that link the ticket: in `tickets` or evidence."""
    return [
        state
        for state in load_register(store)
        if ticket_id in state.tickets or ticket_id in state.evidence.get("tickets", ())
    ]


def register_clocks(
    store: Store, state: EscalationState, now: datetime
) -> EscalationEvaluation | None:
    """The clocks of a registered escalation on its organisation's contract calendar."""
    return evaluate_state(store.organisation_contract(state.org), state, now)


def register_escalation(
    store: Store, actor: str, data: Mapping[str, Any], escalation_id: str | None = None
) -> str:
    """Records `escalation_registered` (fields: `domain.escalations`); returns the id."""
    key = escalation_id or new_escalation_id()
    store.record(f"escalation:{key}", "escalation_registered", actor, dict(data))
    return key


def record_escalation_event(
    store: Store, escalation_id: str, event_type: str, actor: str, data: Mapping[str, Any]
) -> Event:
    """Any other event of the register (level, informed, request, meeting, actions,
    update, closing); refused with the catalogue's words when it does not fit."""
    return store.record(f"escalation:{escalation_id}", event_type, actor, dict(data))


def find_suggestions(store: Store, now: datetime) -> list[Suggestion]:
    """The suggestions the cached tickets call for at `now` that the register lacks."""
    streams = store.streams_of_kind("ticket")
    facts = []
    contracts: dict[str, Any] = {}
    for stream, events in store.events_for_streams(streams).items():
        org = _org_of(events)
        if org is None:
            continue
        if org not in contracts:
            contracts[org] = store.organisation_contract(org)
        found = ticket_facts(stream.partition(":")[2], events, contracts[org], now, _locator(store))
        if found is not None:
            facts.append(found)
    return suggest(facts, load_register(store))


def _org_of(events: Sequence[Event]) -> str | None:
    reported = next((e for e in events if e.type == "ticket_reported"), None)
    org = reported.data.get("org") if reported is not None else None
    return org if isinstance(org, str) else None


def _locator(store: Store) -> Any:
    def location_of(caller: str) -> str | None:
        employee = store.reference(f"employee:{caller}") or {}
        location = employee.get("location")
        return location if isinstance(location, str) else None

    return location_of


def record_suggestions(store: Store, actor: str, now: datetime) -> list[Suggestion]:
    """Records each new suggestion as `escalation_suggested` (status "suggested": nothing
    is applied until the service manager accepts it); returns them."""
    found = find_suggestions(store, now)
    for suggestion in found:
        store.record(suggestion.stream, "escalation_suggested", actor, suggestion.event_data())
    return found


def accept_suggestion(
    store: Store,
    escalation_id: str,
    actor: str,
    *,
    supplier: str,
    description: str,
    classification: str,
    level: str | None = None,
) -> Event:
    """Registers a suggestion as an escalation on its own stream, its evidence linked
    (tickets and breaches); `level` defaults to the suggested one."""
    state = escalation(store, escalation_id)
    if state is None:
        raise DeskInputError("escalation", Msg.ESCALATION_NOT_FOUND, escalation=escalation_id)
    if state.status != Status.SUGGESTED:
        raise DeskInputError("escalation", Msg.ESCALATION_EXISTS, escalation=escalation_id)
    data = {
        "org": state.org,
        "supplier": supplier,
        "description": description,
        "classification": classification,
        "level": level or state.suggested_level,
        "tickets": list(state.evidence.get("tickets", [])),
        "breaches": list(state.evidence.get("breaches", [])),
    }
    return store.record(f"escalation:{escalation_id}", "escalation_registered", actor, data)


def dismiss_suggestion(store: Store, escalation_id: str, actor: str, reason: str) -> Event:
    """Dismisses a suggestion, with the reason (recorded; it is not suggested again)."""
    data = {"reason": reason}
    return store.record(
        f"escalation:{escalation_id}", "escalation_suggestion_dismissed", actor, data
    )
