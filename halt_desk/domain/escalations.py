"""The escalation register (issue 23, seed 003 §2.4.3): one `escalation:<id>` stream per
escalation of an organisation against its provider, folded to its state.

A stream begins with `escalation_registered` (the service manager registers it) or with
`escalation_suggested` (a trigger of `domain.escalation_triggers` proposes one); a
suggestion becomes an escalation by `escalation_registered` on the same stream, or ends by
`escalation_suggestion_dismissed`. Nothing follows `escalation_closed` or a dismissal.

Event data (times are the events' `at`):

* `escalation_registered` {org, supplier, description, classification, level, tickets,
  breaches}: `classification` is `operational` (eenmalige verstoring of SLA-afwijking),
  `beyond_operational` (operationeel overstijgend: herhaling, structureel, meerdere
  processen) or `strategic` (kritieke verstoring, (dreigende) contractbreuk); the last two
  need level N2 at least (seed: "operationeel overstijgend → tactisch"). `tickets`: ticket
  ids; `breaches`: "<ticket>:<clock>" texts (both lists, may be empty).
* `escalation_level_changed` {level, reason[, classification]}: a new level with a reason,
  never below what the classification needs.
* `escalation_informed` {who}: `internal` (N1), `information_manager` (N2),
  `director_operations` (N3).
* `escalation_request_sent` {[text]}: the formal recovery request to the provider.
* `escalation_meeting_held` {notes}; `escalation_update` {text} (the weekly update).
* `escalation_action_added` {action, owner, due}: `action` is the action's text and its
  key within the escalation; `due` a date YYYY-MM-DD.
* `escalation_action_updated` {action, status}: status `open`, `in_progress`, `done` or
  `cancelled`.
* `escalation_closed` {quality, speed, cooperation, lessons}: scores 1–10, lessons text.
* `escalation_suggested` {org, trigger, evidence, level}: `trigger` one of TRIGGERS,
  `evidence` {tickets: [...], breaches: [...], detail}; level N1 or N2.
* `escalation_suggestion_dismissed` {reason}.

Every refusal is a `DeskInputError` naming the field, worded by the catalogue (Dutch
first); the store and central fold with `apply_escalation_event`, so they refuse alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event
from halt_desk.domain.messages import Msg

LEVELS: tuple[str, ...] = ("N1", "N2", "N3")
CLASSIFICATIONS: tuple[str, ...] = ("operational", "beyond_operational", "strategic")
#: The lowest level a classification allows (seed 003 §2.4.3 A, NB).
MINIMUM_LEVEL: Mapping[str, str] = {
    "operational": "N1",
    "beyond_operational": "N2",
    "strategic": "N2",
}
#: Who is informed, and from which level on it is required (seed 003 §2.4.3 B.2).
INFORMED: Mapping[str, str] = {
    "internal": "N1",
    "information_manager": "N2",
    "director_operations": "N3",
}
ACTION_STATUSES: tuple[str, ...] = ("open", "in_progress", "done", "cancelled")
#: Triggers of a suggested escalation (`domain.escalation_triggers`).
TRIGGERS: tuple[str, ...] = (
    "p1_breached",
    "repeated_breaches",
    "uplift_refused_then_granted",
    "swap_missed_twice",
)


class Status:
    SUGGESTED = "suggested"
    OPEN = "open"
    CLOSED = "closed"
    DISMISSED = "dismissed"


@dataclass(frozen=True, slots=True)
class Action:
    """A corrective action of the action list (N2/N3): text, owner, due date and status."""

    action: str
    owner: str
    due: date
    status: str = "open"
    added_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The closing evaluation (seed 003 §2.4.3 B.5), scores 1–10."""

    quality: int
    speed: int
    cooperation: int
    lessons: str


@dataclass(frozen=True, slots=True)
class EscalationState:
    """An escalation as its stream leaves it. `levels`: (at, level, reason) from the
    registration on, in order; `informed`: who → first moment informed."""

    id: str
    org: str
    status: str
    level: str | None = None
    supplier: str = ""
    description: str = ""
    classification: str = ""
    tickets: tuple[str, ...] = ()
    breaches: tuple[str, ...] = ()
    registered_at: datetime | None = None
    registered_by: str = ""
    levels: tuple[tuple[datetime, str, str], ...] = ()
    informed: Mapping[str, datetime] = field(default_factory=dict)
    requests: tuple[datetime, ...] = ()
    meetings: tuple[tuple[datetime, str], ...] = ()
    actions: Mapping[str, Action] = field(default_factory=dict)
    updates: tuple[tuple[datetime, str], ...] = ()
    closed_at: datetime | None = None
    evaluation: Evaluation | None = None
    suggested_at: datetime | None = None
    trigger: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    suggested_level: str | None = None
    dismissed_reason: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def open_actions(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions.values() if a.status in ("open", "in_progress"))

    def missing_informed(self) -> tuple[str, ...]:
        """Who must still be informed at the current level (N2: + information manager…)."""
        if self.level is None:
            return ()
        rank = LEVELS.index(self.level)
        return tuple(
            who
            for who, level in INFORMED.items()
            if LEVELS.index(level) <= rank and who not in self.informed
        )


def level_rank(level: str) -> int:
    """0 for N1 … 2 for N3."""
    return LEVELS.index(level)


def _text(event: Event, key: str, code: Msg = Msg.ESCALATION_FIELD_REQUIRED) -> str:
    value = event.data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DeskInputError(key, code, field=key)
    return value.strip()


def _choice(event: Event, key: str, choices: Iterable[str]) -> str:
    value = event.data.get(key)
    options = tuple(choices)
    if value not in options:
        raise DeskInputError(key, Msg.ESCALATION_CHOICE, field=key, options=", ".join(options))
    assert isinstance(value, str)
    return value


def _texts(event: Event, key: str) -> tuple[str, ...]:
    value = event.data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DeskInputError(key, Msg.ESCALATION_LIST_OF_TEXTS, field=key)
    return tuple(value)


def _score(event: Event, key: str) -> int:
    value = event.data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise DeskInputError(key, Msg.ESCALATION_SCORE, field=key)
    return value


def _check_level(level: str, classification: str) -> None:
    minimum = MINIMUM_LEVEL[classification]
    if level_rank(level) < level_rank(minimum):
        raise DeskInputError("level", Msg.ESCALATION_LEVEL_TOO_LOW, level=minimum)


def _registered(state: EscalationState | None, event: Event) -> EscalationState:
    if state is not None and state.status in (Status.CLOSED, Status.DISMISSED):
        raise DeskInputError("escalation", Msg.ESCALATION_ENDED, escalation=state.id)
    if state is not None and state.status != Status.SUGGESTED:
        raise DeskInputError("escalation", Msg.ESCALATION_EXISTS, escalation=event.stream_key)
    org = _text(event, "org")
    if state is not None and org != state.org:
        raise DeskInputError("org", Msg.ESCALATION_OTHER_ORG, org=state.org)
    classification = _choice(event, "classification", CLASSIFICATIONS)
    level = _choice(event, "level", LEVELS)
    _check_level(level, classification)
    base = state or EscalationState(id=event.stream_key, org=org, status=Status.OPEN)
    return replace(
        base,
        status=Status.OPEN,
        level=level,
        supplier=_text(event, "supplier"),
        description=_text(event, "description"),
        classification=classification,
        tickets=_texts(event, "tickets"),
        breaches=_texts(event, "breaches"),
        registered_at=event.at,
        registered_by=event.actor,
        levels=((event.at, level, ""),),
    )


def _suggested(state: EscalationState | None, event: Event) -> EscalationState:
    if state is not None:
        raise DeskInputError("escalation", Msg.ESCALATION_EXISTS, escalation=event.stream_key)
    evidence = event.data.get("evidence")
    if not isinstance(evidence, Mapping) or not evidence:
        raise DeskInputError("evidence", Msg.ESCALATION_FIELD_REQUIRED, field="evidence")
    return EscalationState(
        id=event.stream_key,
        org=_text(event, "org"),
        status=Status.SUGGESTED,
        suggested_at=event.at,
        trigger=_choice(event, "trigger", TRIGGERS),
        evidence=dict(evidence),
        suggested_level=_choice(event, "level", LEVELS[:2]),
    )


def _level_changed(state: EscalationState, event: Event) -> EscalationState:
    level = _choice(event, "level", LEVELS)
    reason = _text(event, "reason")
    classification = state.classification
    if "classification" in event.data:
        classification = _choice(event, "classification", CLASSIFICATIONS)
    if level == state.level and classification == state.classification:
        raise DeskInputError("level", Msg.ESCALATION_SAME_LEVEL, level=level)
    _check_level(level, classification)
    return replace(
        state,
        level=level,
        classification=classification,
        levels=(*state.levels, (event.at, level, reason)),
    )


def _action_added(state: EscalationState, event: Event) -> EscalationState:
    text = _text(event, "action")
    if text in state.actions:
        raise DeskInputError("action", Msg.ESCALATION_ACTION_EXISTS, action=text)
    owner = _text(event, "owner")
    try:
        due = date.fromisoformat(_text(event, "due"))
    except ValueError:
        raise DeskInputError("due", Msg.ESCALATION_DATE, field="due") from None
    action = Action(text, owner, due, "open", event.at, None)
    return replace(state, actions={**state.actions, text: action})


def _action_updated(state: EscalationState, event: Event) -> EscalationState:
    text = _text(event, "action")
    known = state.actions.get(text)
    if known is None:
        raise DeskInputError("action", Msg.ESCALATION_NO_SUCH_ACTION, action=text)
    status = _choice(event, "status", ACTION_STATUSES)
    action = replace(known, status=status, updated_at=event.at)
    return replace(state, actions={**state.actions, text: action})


def _closed(state: EscalationState, event: Event) -> EscalationState:
    evaluation = Evaluation(
        _score(event, "quality"),
        _score(event, "speed"),
        _score(event, "cooperation"),
        _text(event, "lessons"),
    )
    return replace(state, status=Status.CLOSED, closed_at=event.at, evaluation=evaluation)


def _on_open(state: EscalationState, event: Event) -> EscalationState:
    """An event of an open escalation."""
    kind = event.type
    if kind == "escalation_level_changed":
        return _level_changed(state, event)
    if kind == "escalation_informed":
        who = _choice(event, "who", INFORMED)
        informed = dict(state.informed)
        informed.setdefault(who, event.at)
        return replace(state, informed=informed)
    if kind == "escalation_request_sent":
        return replace(state, requests=(*state.requests, event.at))
    if kind == "escalation_meeting_held":
        return replace(state, meetings=(*state.meetings, (event.at, _text(event, "notes"))))
    if kind == "escalation_action_added":
        return _action_added(state, event)
    if kind == "escalation_action_updated":
        return _action_updated(state, event)
    if kind == "escalation_update":
        return replace(state, updates=(*state.updates, (event.at, _text(event, "text"))))
    if kind == "escalation_closed":
        return _closed(state, event)
    raise DeskInputError("type", Msg.ESCALATION_NOT_NOW, event=kind)


def apply_escalation_event(state: EscalationState | None, event: Event) -> EscalationState:
    """`state` after `event`; raises DeskInputError when the event does not fit."""
    kind = event.type
    if kind == "escalation_registered":
        return _registered(state, event)
    if kind == "escalation_suggested":
        return _suggested(state, event)
    if state is None:
        raise DeskInputError("escalation", Msg.ESCALATION_NOT_FOUND, escalation=event.stream_key)
    if state.status == Status.SUGGESTED:
        if kind != "escalation_suggestion_dismissed":
            raise DeskInputError("type", Msg.ESCALATION_NOT_NOW, event=kind)
        reason = _text(event, "reason")
        return replace(state, status=Status.DISMISSED, dismissed_reason=reason)
    if state.status != Status.OPEN:
        raise DeskInputError("escalation", Msg.ESCALATION_ENDED, escalation=state.id)
    return _on_open(state, event)


def fold_escalation(events: Iterable[Event]) -> EscalationState | None:
    """The state of one escalation stream (events in stream order); raises on a misfit."""
    state: EscalationState | None = None
    for event in events:
        state = apply_escalation_event(state, event)
    return state
