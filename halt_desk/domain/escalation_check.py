"""`halt-desk escalation check` as a function: escalation timelines in, their clocks out.

Input (JSON), in the style of `sla check` (DESIGN §3.3):

    {"profile": "halt", "now": "2027-05-03T12:00:00+02:00",
     "escalations": [{"id": "E1", "registered_at": "2027-04-23T16:00:00+02:00", "level": "N2",
                      "events": [{"type": "escalation_informed", "at": "..."},
                                 {"type": "escalation_level_changed", "at": "...", "level": "N3"},
                                 {"type": "escalation_update", "at": "..."}]}]}

Event types are the stream's (`domain.escalations`); the clocks read
`escalation_level_changed` (with `level`), `escalation_informed`,
`escalation_request_sent`, `escalation_meeting_held`, `escalation_update` and
`escalation_closed`; the action list's events are accepted and change no clock. An event
before `registered_at` or after `escalation_closed` is refused, as is an unknown type or
level. Output: `{"profile", "now", "escalations": [{"id", "level", "status", "clocks":
{"start"|"meeting"|"escalation"|"update": {"due", "met_at", "state"(, "missed",
"last_update")}}}]}` (`domain.escalation_clocks`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from halt_desk.domain.errors import HaltDeskError, OutOfCalendarRange, UnknownProfile
from halt_desk.domain.escalation_clocks import (
    EscalationEvaluation,
    EscalationTimeline,
    evaluate_escalation,
)
from halt_desk.domain.escalations import LEVELS
from halt_desk.domain.events import ESCALATION_EVENT_TYPES, parse_instant
from halt_desk.domain.profiles import load_profile

#: Event types a timeline may carry (registration and suggestions are its header).
TIMELINE_TYPES = ESCALATION_EVENT_TYPES - {
    "escalation_registered",
    "escalation_suggested",
    "escalation_suggestion_dismissed",
}
_MOMENT_KINDS = {
    "escalation_informed": "informed",
    "escalation_request_sent": "requests",
    "escalation_meeting_held": "meetings",
    "escalation_update": "updates",
}


class InvalidEscalationTimeline(HaltDeskError):
    """An escalation timeline that cannot be evaluated: names the escalation and field."""

    def __init__(self, escalation: str | None, field: str, problem: str) -> None:
        self.escalation = escalation
        self.field = field
        self.problem = problem
        where = f"escalation {escalation!r}: " if escalation is not None else ""
        super().__init__(f"{where}{field}: {problem}")


def _instant(value: object, escalation: str | None, where: str) -> datetime:
    try:
        return parse_instant(value, where)
    except ValueError as exc:
        problem = str(exc).split(": ", 1)[-1]
        raise InvalidEscalationTimeline(escalation, where, problem) from None


def _id(raw: Mapping[str, Any], where: str) -> str:
    value = raw.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        raise InvalidEscalationTimeline(None, f"{where}.id", "missing or not a non-empty string")
    return value


def parse_escalation(raw: object, where: str) -> EscalationTimeline:
    """One escalation of the `escalations` list; errors name it and the field."""
    if not isinstance(raw, Mapping):
        raise InvalidEscalationTimeline(None, where, "expected an object")
    ident = _id(raw, where)
    registered = _instant(raw.get("registered_at"), ident, "registered_at")
    level = raw.get("level")
    if level not in LEVELS:
        raise InvalidEscalationTimeline(ident, "level", f"{level!r} is not one of N1, N2, N3")
    raw_events = raw.get("events", [])
    if not isinstance(raw_events, list):
        raise InvalidEscalationTimeline(ident, "events", "not a list")
    levels: list[tuple[datetime, str]] = [(registered, level)]
    moments: dict[str, list[datetime]] = {kind: [] for kind in _MOMENT_KINDS.values()}
    closed: datetime | None = None
    parsed = []
    for index, item in enumerate(raw_events):
        field = f"events[{index}]"
        if not isinstance(item, Mapping):
            raise InvalidEscalationTimeline(ident, field, "expected an object")
        kind = item.get("type")
        if kind not in TIMELINE_TYPES:
            raise InvalidEscalationTimeline(ident, f"{field}.type", f"unknown type {kind!r}")
        at = _instant(item.get("at"), ident, f"{field}.at")
        if at < registered:
            raise InvalidEscalationTimeline(ident, f"{field}.at", "before registered_at")
        parsed.append((at, index, str(kind), item))
    for at, index, kind, item in sorted(parsed, key=lambda p: (p[0], p[1])):
        field = f"events[{index}]"
        if closed is not None:
            raise InvalidEscalationTimeline(ident, field, "after escalation_closed")
        if kind == "escalation_level_changed":
            if item.get("level") not in LEVELS:
                problem = f"{item.get('level')!r} is not one of N1, N2, N3"
                raise InvalidEscalationTimeline(ident, f"{field}.level", problem)
            levels.append((at, str(item["level"])))
        elif kind == "escalation_closed":
            closed = at
        elif kind in _MOMENT_KINDS:
            moments[_MOMENT_KINDS[kind]].append(at)
    return EscalationTimeline(
        id=ident,
        levels=tuple(levels),
        informed=tuple(moments["informed"]),
        requests=tuple(moments["requests"]),
        meetings=tuple(moments["meetings"]),
        updates=tuple(moments["updates"]),
        closed_at=closed,
    )


def evaluate_escalations(
    document: object, profile: str | None = None, now: datetime | None = None
) -> tuple[str, datetime, list[EscalationEvaluation]]:
    """Every escalation of the document, or the first error (nothing partial)."""
    if not isinstance(document, Mapping):
        raise InvalidEscalationTimeline(
            None, "document", "expected a JSON object with 'escalations'"
        )
    name = profile or document.get("profile")
    if not isinstance(name, str) or not name:
        problem = "missing: give 'profile' in the file or --profile"
        raise InvalidEscalationTimeline(None, "profile", problem)
    try:
        loaded = load_profile(name)
    except UnknownProfile as exc:
        raise InvalidEscalationTimeline(
            None, "--profile" if profile else "profile", str(exc)
        ) from None
    if now is None and document.get("now") is not None:
        now = _instant(document.get("now"), None, "now")
    moment = now or datetime.now(UTC)
    raw = document.get("escalations")
    if not isinstance(raw, list):
        raise InvalidEscalationTimeline(None, "escalations", "missing or not a list")
    seen: set[str] = set()
    results: list[EscalationEvaluation] = []
    for index, item in enumerate(raw):
        timeline = parse_escalation(item, f"escalations[{index}]")
        if timeline.id in seen:
            raise InvalidEscalationTimeline(timeline.id, "id", "appears more than once")
        seen.add(timeline.id)
        try:
            results.append(evaluate_escalation(loaded, timeline, moment))
        except (OutOfCalendarRange, OverflowError, ValueError) as exc:
            raise InvalidEscalationTimeline(timeline.id, "registered_at", str(exc)) from None
    return loaded.name, moment, results


def check_escalations(
    document: object, profile: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The JSON output of `halt-desk escalation check`."""
    name, moment, results = evaluate_escalations(document, profile, now)
    return {
        "profile": name,
        "now": moment.isoformat(),
        "escalations": [result.to_json() for result in results],
    }
