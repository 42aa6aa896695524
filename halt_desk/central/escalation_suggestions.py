"""The escalation triggers (`domain.escalation_triggers`) over what the central holds of
one organisation: its tickets, their callers' locations and its escalation register; the
same function the desk runs over its cache, so both find the same suggestions (same ids).

`find_suggestions` only reads; `record_suggestions` records the new ones as
`escalation_suggested` events in the name of a user allowed to keep the register (the
provider's service manager or the organisation's regie), through the central's own checks.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select

from halt_desk.central.auth import User
from halt_desk.central.batch import event_from_row
from halt_desk.central.engine import CentralDatabase
from halt_desk.central.reads import published_profile
from halt_desk.central.schema import events, organisations, reference_records
from halt_desk.central.service import Central
from halt_desk.central.validation import EventResult
from halt_desk.domain.escalation_triggers import Suggestion, suggest, ticket_facts
from halt_desk.domain.escalations import EscalationState, fold_escalation
from halt_desk.domain.events import Event


def find_suggestions(db: CentralDatabase, org: str, now: datetime) -> list[Suggestion]:
    """The suggestions the organisation's tickets call for at `now` that its register
    does not hold yet (suggestions, dismissed ones included)."""
    streams: dict[str, list[Event]] = {}
    with db.reader.connect() as conn:
        name = conn.execute(
            select(organisations.c.profile).where(organisations.c.id == org)
        ).scalar_one_or_none()
        if name is None:
            return []
        profile = published_profile(conn, name)
        query = (
            select(events)
            .where(events.c.org == org)
            .where(or_(events.c.stream.like("ticket:%"), events.c.stream.like("escalation:%")))
            .order_by(events.c.seq)
        )
        for row in conn.execute(query).mappings():
            streams.setdefault(row["stream"], []).append(event_from_row(row))
        locations = _locations(conn)
    known: list[EscalationState] = []
    facts = []
    for stream, history in streams.items():
        kind, _, key = stream.partition(":")
        if kind == "escalation":
            state = fold_escalation(history)
            if state is not None:
                known.append(state)
            continue
        found = ticket_facts(key, history, profile, now, locations.get)
        if found is not None:
            facts.append(found)
    return suggest(facts, known)


def _locations(conn: Any) -> dict[str, str]:
    """Employee id → location, of every employee record that names one."""
    query = select(reference_records.c.stream, reference_records.c.data).where(
        reference_records.c.stream.like("employee:%")
    )
    found: dict[str, str] = {}
    for stream, data in conn.execute(query):
        location = json.loads(data).get("location")
        if isinstance(location, str):
            found[stream.partition(":")[2]] = location
    return found


def suggestion_events(
    suggestions: Sequence[Suggestion], actor: str, now: datetime
) -> list[dict[str, Any]]:
    """The `escalation_suggested` events of `suggestions`, as the API takes them."""
    return [
        {
            "id": str(uuid.uuid4()),
            "stream": suggestion.stream,
            "type": "escalation_suggested",
            "at": now.isoformat(),
            "actor": actor,
            "data": suggestion.event_data(),
        }
        for suggestion in suggestions
    ]


def record_suggestions(
    central: Central, user: User, org: str, now: datetime | None = None
) -> list[EventResult]:
    """Finds and records the organisation's new suggestions as `user`; one result each."""
    moment = now or datetime.now(UTC)
    found = find_suggestions(central.db, org, moment)
    if not found:
        return []
    return central.record(user, suggestion_events(found, user.name, moment), "local")
