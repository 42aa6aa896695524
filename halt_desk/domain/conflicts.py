"""Which two ticket events edit the same field differently (sync conflicts, DESIGN §1).

Two clients that work offline can both change one field of a ticket. Whether their edits
were *concurrent* is a matter of what each client had seen (the sync layer knows that);
this module only says which field two events touch and whether they disagree on it. A
person settles a conflict with a `conflict_resolved` event; nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from halt_desk.domain.events import Event

#: The field a ticket event sets, for the events that set a single-valued field.
FIELD_OF_TYPE: Mapping[str, str] = {
    "assigned": "assignee",
    "priority_changed": "priority",
    "uplift_decided": "uplift",
}
#: Events that end the work on a ticket; any concurrent further edit is a conflict on
#: the ticket's `status`.
ENDING_TYPES: frozenset[str] = frozenset({"resolved", "closed"})
#: Ticket events that change nothing another edit could contradict.
NEUTRAL_TYPES: frozenset[str] = frozenset(
    {"ticket_reported", "comment", "csat_recorded", "conflict_resolved"}
)
STATUS_FIELD = "status"


def field_value(event: Event) -> Any:
    """The value `event` gives its field (what a person chooses between)."""
    data = event.data
    if event.type == "assigned":
        return data.get("to")
    if event.type == "priority_changed":
        if data.get("priority") is not None:
            return data.get("priority")
        return {"impact": data.get("impact"), "urgency": data.get("urgency")}
    if event.type == "uplift_decided":
        return bool(data.get("granted"))
    if event.type == "ticket_updated":  # the edit as a whole is what a person chooses
        changes = data.get("changes")
        return dict(changes) if isinstance(changes, Mapping) else {}
    return event.type


def conflict_field(first: Event, second: Event) -> str | None:
    """The field two events of one ticket both set to different values, or None.

    `assigned`, `priority_changed` and `uplift_decided` conflict with an event of the same
    type that gives another value, two `ticket_updated` when they set one field (summary,
    caller, …) to different values; `resolved`/`closed` conflict with any other edit
    (not a comment, CSAT score or conflict resolution) of the same ticket.
    """
    if first.stream != second.stream or first.stream_kind != "ticket" or first.id == second.id:
        return None
    if first.type in NEUTRAL_TYPES or second.type in NEUTRAL_TYPES:
        return None
    first_ends, second_ends = first.type in ENDING_TYPES, second.type in ENDING_TYPES
    if first_ends != second_ends:
        return STATUS_FIELD
    if first_ends:
        return None  # both end the ticket: they agree
    if first.type == second.type == "ticket_updated":
        return _edited_differently(first, second)
    field = FIELD_OF_TYPE.get(first.type)
    if field is None or FIELD_OF_TYPE.get(second.type) != field:
        return None
    return field if field_value(first) != field_value(second) else None


def _edited_differently(first: Event, second: Event) -> str | None:
    """The first field (by name) two `ticket_updated` events both change, to different
    values; None if they change other fields or agree."""
    mine, theirs = field_value(first), field_value(second)
    for name in sorted(set(mine) & set(theirs)):
        if mine[name] != theirs[name]:
            return str(name)
    return None
