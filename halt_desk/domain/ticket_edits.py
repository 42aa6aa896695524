"""Editing a ticket after intake (`ticket_updated` {changes, reason, previous}): the fields an
agent may change, the checks of such an event wherever it is recorded (the desk, central),
and a ticket's current fields, its report with every edit folded over it.

`changes` maps each changed field to its new value (DESIGN §3.4); `previous` gives the old
value of each, for the timeline ("who changed what from what, and when"). A caller is an
employee id, never personal data itself. The priority is no field here: it changes by its
own event (`priority_changed` {priority, reason}), which the clocks follow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import Event
from halt_desk.domain.limits import FIELD_LIMITS
from halt_desk.domain.profiles import Profile

#: The fields `ticket_updated` may change, in the order a form shows them.
EDITABLE_FIELDS: tuple[str, ...] = ("summary", "caller", "category", "impact", "urgency")


@dataclass(frozen=True, slots=True)
class TicketFields:
    """What a ticket says about itself now: its report with every `ticket_updated` applied."""

    caller: str | None = None
    summary: str | None = None
    category: str | None = None
    impact: str | None = None
    urgency: str | None = None
    security: bool = False

    def value(self, name: str) -> str | None:
        value = getattr(self, name)
        return value if isinstance(value, str) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def report_fields(data: Mapping[str, Any]) -> TicketFields:
    """The fields of a `ticket_reported` event's data (impact and urgency on the report
    itself, or the intake's answers in `data.intake`)."""
    intake = data.get("intake")
    answers: Mapping[str, Any] = intake if isinstance(intake, Mapping) else {}
    return TicketFields(
        caller=_text(data.get("caller")),
        summary=_text(data.get("summary")),
        category=_text(data.get("category")),
        impact=_text(data.get("impact")) or _text(answers.get("impact")),
        urgency=_text(data.get("urgency")) or _text(answers.get("urgency")),
        security=data.get("security") is True or answers.get("security") is True,
    )


def apply_update(fields: TicketFields, data: Mapping[str, Any]) -> TicketFields:
    """`fields` with the changes of one `ticket_updated` event's data (unknown keys and
    values that are not text are passed over: central refuses them before they are kept)."""
    changes = data.get("changes")
    if not isinstance(changes, Mapping):
        return fields
    known: dict[str, Any] = {
        name: value
        for name, value in changes.items()
        if name in EDITABLE_FIELDS and isinstance(value, str) and value
    }
    return replace(fields, **known) if known else fields


def ticket_fields(events: Iterable[Event]) -> TicketFields:
    """A ticket's current fields from its events in fold order (the earliest report)."""
    ordered = list(events)
    reports = [event for event in ordered if event.type == "ticket_reported"]
    if not reports:
        return TicketFields()
    report = min(reports, key=lambda event: event.at)
    fields = report_fields(report.data)
    for event in ordered:
        if event.type == "ticket_updated":
            fields = apply_update(fields, event.data)
    return fields


def check_ticket_update(event: Event, profile: Profile) -> None:
    """Raises InvalidEvent naming the field for a `ticket_updated` that is not well formed:
    changes of known fields only, each a valid value (impact and urgency codes and the
    category of the contract `profile`, a summary and a caller within their limits), a
    written reason, and `previous` (if given) only for the fields it changes."""
    changes = event.data.get("changes")
    if not isinstance(changes, Mapping) or not changes:
        raise InvalidEvent(event.id, "data.changes", "give at least one changed field")
    for name, value in changes.items():
        _check_change(event, profile, str(name), value)
    reason = event.data.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidEvent(event.id, "data.reason", "a change after intake needs a reason")
    problem = FIELD_LIMITS["reason"].excess(reason)
    if problem is not None:
        raise InvalidEvent(event.id, "data.reason", f"too long: {problem}")
    previous = event.data.get("previous")
    if previous is None:
        return
    if not isinstance(previous, Mapping) or not set(previous) <= set(changes):
        raise InvalidEvent(
            event.id, "data.previous", "must give old values of the changed fields only"
        )
    for name, value in previous.items():
        if value is not None and not isinstance(value, str):
            raise InvalidEvent(event.id, f"data.previous.{name}", "expected text or null")


def _check_change(event: Event, profile: Profile, name: str, value: object) -> None:
    where = f"data.changes.{name}"
    if name not in EDITABLE_FIELDS:
        known = ", ".join(EDITABLE_FIELDS)
        raise InvalidEvent(event.id, where, f"{name!r} cannot be changed (only {known})")
    if not isinstance(value, str) or not value.strip():
        raise InvalidEvent(event.id, where, "expected a non-empty text")
    if name == "impact":
        _level(event, where, lambda: profile.impact_level(value))
    elif name == "urgency":
        _level(event, where, lambda: profile.urgency_level(value))
    elif name == "category" and value not in profile.categories:
        known = ", ".join(profile.categories)
        problem = f"{value!r} is not a category of contract {profile.name!r} ({known})"
        raise InvalidEvent(event.id, where, problem)
    limit = FIELD_LIMITS.get(name)
    too_long = limit.excess(value) if limit is not None else None
    if too_long is not None:
        raise InvalidEvent(event.id, where, f"too long: {too_long}")


def _level(event: Event, where: str, check: Any) -> None:
    try:
        check()
    except ValueError as exc:
        raise InvalidEvent(event.id, where, str(exc)) from None
