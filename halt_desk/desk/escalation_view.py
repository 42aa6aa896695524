"""What the desk's "Escalaties" window shows (issue 23, seed 003 §2.4.3), read and worded
off the UI thread: one `EscalationEntry` per escalation or suggestion of the cache with its
list texts (organisation by name, level, status, linked tickets, the next clock as a
working-time countdown, the weekly-update reminder of N2/N3) and its detail (facts,
clocks, history in words, action list). Qt-free; `ui.escalation_window` shows it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from halt_desk.desk.escalation_register import escalation_moment, folded_escalations
from halt_desk.desk.escalation_words import (
    ACTION_STATUS_WORDS,
    CLASSIFICATION_SHORT,
    CLOCK_SHORT,
    CLOCK_STATE_WORDS,
    CLOCK_WORDS,
    INFORMED_WORDS,
    STATUS_WORDS,
    TRIGGER_WORDS,
    breach_words,
    escalation_number,
    word,
    working_span,
)
from halt_desk.desk.names import Names, names_for
from halt_desk.desk.staff import role_of
from halt_desk.domain.clocks import ClockState, evaluate
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.escalation_clocks import UPDATE_DAYS, EscalationEvaluation, evaluate_state
from halt_desk.domain.escalations import EscalationState, Status, level_rank
from halt_desk.domain.events import Event
from halt_desk.domain.messages import Msg
from halt_desk.domain.profiles import Profile
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.i18n import _
from halt_desk.store import Store

#: Roles that record in the register (central checks it again: own organisation only).
WRITER_ROLES = frozenset({"regie", "admin"})
#: The order of the list: suggestions first, then open, closed, dismissed.
STATUS_ORDER = {Status.SUGGESTED: 0, Status.OPEN: 1, Status.CLOSED: 2, Status.DISMISSED: 3}
MOMENT = "%d-%m-%Y %H:%M"


def ticket_numbers(store: Store, text: str) -> list[str]:
    """The ticket numbers typed in `text` (separated by commas or spaces), each checked
    to be in the cache; DeskInputError naming the first unknown one."""
    found: list[str] = []
    for part in text.replace(",", " ").replace(";", " ").split():
        number = part.strip()
        if store.ticket(number) is None and store.ticket(number.upper()) is not None:
            number = number.upper()
        if store.ticket(number) is None:
            raise DeskInputError("tickets", Msg.TICKET_NOT_FOUND, ticket=number)
        if number not in found:
            found.append(number)
    return found


def breaches_of(store: Store, tickets: Iterable[str], now: datetime) -> list[str]:
    """The breached norms of `tickets` at `now` as the register keeps them
    ("HALT-1:reaction"), by the same engine as the ticket window's clocks."""
    found: list[str] = []
    for number in tickets:
        ticket = store.ticket(number)
        if ticket is None:
            continue
        contract = store.organisation_contract(ticket.org)
        events = store.events_for(f"ticket:{number}")
        evaluation = evaluate(contract, timeline_from_events(number, events), now)
        found += [
            f"{number}:{name}"
            for name, clock in evaluation.clocks.items()
            if clock.state is ClockState.BREACHED
        ]
    return found


def may_record(user: str) -> bool:
    """Whether `user` (an actor id such as `regie:…`) may record in the register."""
    return role_of(user) in WRITER_ROLES


@dataclass(frozen=True, slots=True)
class ClockLine:
    """One clock of the detail pane: name, deadline, state and countdown (all words)."""

    name: str
    due: str
    state: str
    countdown: str
    late: bool  # the countdown is overdue
    breached: bool  # the state is a breach (missed updates too)


@dataclass(frozen=True, slots=True)
class ActionLine:
    action: str
    owner: str
    due: str
    status: str
    code: str  # the status code (the dialog preselects it)


@dataclass(frozen=True, slots=True)
class EscalationEntry:
    """One escalation or suggestion with every text the window shows of it."""

    state: EscalationState
    org_name: str
    level: str
    status: str
    description: str
    tickets: str
    next_clock: str
    late: bool
    reminder: str
    facts: tuple[tuple[str, str], ...]
    clocks: tuple[ClockLine, ...]
    history: tuple[tuple[str, str], ...]  # (moment, what happened)
    actions: tuple[ActionLine, ...]
    due_ts: float | None = None  # the next deadline (the list's order)

    @property
    def id(self) -> str:
        return self.state.id

    @property
    def number(self) -> str:
        """The escalation as people name it (escalation_words.escalation_number)."""
        return escalation_number(self.state.id, self.state.status is Status.SUGGESTED)

    @property
    def is_open(self) -> bool:
        return self.state.status in (Status.SUGGESTED, Status.OPEN)


@dataclass(frozen=True, slots=True)
class RegisterRead:
    entries: tuple[EscalationEntry, ...]
    orgs: dict[str, str]  # id → name, every organisation of the cache


def in_month(state: EscalationState, month: tuple[int, int] | None, tz: tzinfo) -> bool:
    """Whether the escalation ran in `month` (year, month): begun before its end, not
    ended before its start. None: every month."""
    if month is None:
        return True
    year, number = month
    first = date(year, number, 1)
    after = date(year + number // 12, number % 12 + 1, 1)
    begun = escalation_moment(state).astimezone(tz).date()
    ended = state.closed_at or state.dismissed_at
    return begun < after and (ended is None or ended.astimezone(tz).date() >= first)


def read_register(
    store: Store,
    now: datetime,
    org: str | None = None,
    month: tuple[int, int] | None = None,
) -> RegisterRead:
    """Every escalation and suggestion of the cache (of `org`, running in `month`), in the
    list's order: suggestions first, then open ones by their next deadline, then closed."""
    names = names_for(store)
    contracts: dict[str, Profile] = {}
    entries = []
    for state, events in folded_escalations(store, org):
        if state.org not in contracts:
            contracts[state.org] = store.organisation_contract(state.org)
        contract = contracts[state.org]
        if not in_month(state, month, contract.calendar.tz):
            continue
        entries.append(_entry(state, events, contract, names, now))
    entries.sort(key=_order)
    orgs = {key: names.org(key) for key in store.references("org")}
    return RegisterRead(tuple(entries), orgs)


def _order(entry: EscalationEntry) -> tuple[int, float]:
    state = entry.state
    rank = STATUS_ORDER.get(state.status, 4)
    if state.status == Status.OPEN:
        return rank, entry.due_ts if entry.due_ts is not None else float("inf")
    return rank, -escalation_moment(state).timestamp()


def _entry(
    state: EscalationState, events: Sequence[Event], contract: Profile, names: Names, now: datetime
) -> EscalationEntry:
    tz = contract.calendar.tz
    evaluation = evaluate_state(contract, state, now) if state.is_open or state.closed_at else None
    next_clock, late, due = "", False, None
    if evaluation is not None and state.is_open:
        next_clock, late, due = _next_clock(evaluation, contract, now)
    level = state.level or ""
    if state.status == Status.SUGGESTED:
        level = state.suggested_level or ""
    tickets = state.tickets if state.level else tuple(state.evidence.get("tickets", ()))
    return EscalationEntry(
        state=state,
        org_name=names.org(state.org),
        level=level,
        status=word(STATUS_WORDS, state.status),
        description=state.description
        or _("Suggestion: {why}").format(why=word(TRIGGER_WORDS, state.trigger)),
        tickets=_tickets_text(tickets),
        next_clock=next_clock,
        late=late,
        reminder=_reminder(state, evaluation, contract, now),
        facts=_facts(state, names, tz),
        clocks=_clock_lines(evaluation, contract, now) if evaluation is not None else (),
        history=tuple(_history(events, names, tz)),
        actions=tuple(
            ActionLine(
                a.action,
                owner_name(a.owner, names),
                a.due.strftime("%d-%m-%Y"),
                word(ACTION_STATUS_WORDS, a.status),
                a.status,
            )
            for a in state.actions.values()
        ),
        due_ts=due,
    )


def _tickets_text(tickets: Sequence[str]) -> str:
    """The list's tickets column: the first number, and how many more ("HALT-1 (+2)")."""
    if len(tickets) <= 1:
        return "".join(tickets)
    return _("{first} (+{n})").format(first=tickets[0], n=len(tickets) - 1)


def owner_name(owner: str, names: Names) -> str:
    """An action's owner: a colleague or employee by name; a name typed as text as it is."""
    if role_of(owner) or names.staff.get(owner) is not None or owner in names.employees:
        return names.person(owner)
    return owner


def _next_clock(
    evaluation: EscalationEvaluation, contract: Profile, now: datetime
) -> tuple[str, bool, float | None]:
    """The running (or breached, not yet met) clock whose deadline comes first."""
    waiting = [
        clock
        for clock in evaluation.clocks.values()
        if clock.due is not None
        and clock.met_at is None
        and clock.state in (ClockState.RUNNING, ClockState.BREACHED)
    ]
    if not waiting:
        return "", False, None
    first = min(waiting, key=lambda c: c.due or now)
    assert first.due is not None
    span, late = working_span(contract.calendar, first.due, now)
    text = _("{clock}: {countdown}").format(clock=word(CLOCK_SHORT, first.name), countdown=span)
    return text, late, first.due.timestamp()


def _reminder(
    state: EscalationState,
    evaluation: EscalationEvaluation | None,
    contract: Profile,
    now: datetime,
) -> str:
    """The weekly-update reminder of an open N2/N3 escalation: missed, or due within a
    working day; "" otherwise."""
    if evaluation is None or not state.is_open or level_rank(state.level or "N1") < 1:
        return ""
    clock = evaluation.clocks["update"]
    if clock.missed and _still_missing(clock.due, clock.last_update, contract):
        return _("Weekly update missed ({n}×)").format(n=clock.missed)
    if clock.due is not None and clock.met_at is None and clock.due > now:
        minutes = contract.calendar.business_minutes_between(now, clock.due)
        if minutes <= contract.calendar.day_minutes:
            span, _late = working_span(contract.calendar, clock.due, now)
            return _("Weekly update due: {countdown}").format(countdown=span)
    return ""


def _still_missing(due: datetime | None, last: datetime | None, contract: Profile) -> bool:
    """Whether no update came since the last deadline that passed (the one an interval
    before `due`): a missed update that was caught up no longer needs a reminder."""
    if due is None:
        return True
    calendar = contract.calendar
    step = UPDATE_DAYS * calendar.window.day_seconds
    passed = calendar.instant_ts(calendar.ordinal(due.timestamp()) - step)
    return last is None or last.timestamp() < passed


def _when(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime(MOMENT) if moment is not None else ""


def _facts(state: EscalationState, names: Names, tz: tzinfo) -> tuple[tuple[str, str], ...]:
    facts: list[tuple[str, str]] = [(_("Organisation"), names.org(state.org))]
    if state.status in (Status.SUGGESTED, Status.DISMISSED):
        facts += [
            (_("Suggested"), _when(state.suggested_at, tz)),
            (_("Reason for the suggestion"), word(TRIGGER_WORDS, state.trigger)),
            (_("Suggested level"), state.suggested_level or ""),
            (_("Tickets"), ", ".join(state.evidence.get("tickets", ()))),
            (
                _("Breached norms"),
                ", ".join(breach_words(b) for b in state.evidence.get("breaches", ())),
            ),
        ]
        if state.dismissed_reason:
            facts.append((_("Dismissed"), state.dismissed_reason))
        return tuple((label, value) for label, value in facts if value)
    facts += [
        (_("Provider"), state.supplier),
        (_("Level"), state.level or ""),
        (_("Classification"), word(CLASSIFICATION_SHORT, state.classification)),
        (
            _("Registered"),
            f"{_when(state.registered_at, tz)} · {names.person(state.registered_by)}",
        ),
        (_("Tickets"), ", ".join(state.tickets)),
        (_("Breached norms"), ", ".join(breach_words(b) for b in state.breaches)),
        (
            _("Informed"),
            ", ".join(
                f"{word(INFORMED_WORDS, who)} ({_when(at, tz)})"
                for who, at in state.informed.items()
            ),
        ),
    ]
    missing = state.missing_informed() if state.is_open else ()
    if missing:
        facts.append((_("Still to inform"), ", ".join(word(INFORMED_WORDS, w) for w in missing)))
    if state.evaluation is not None:
        score = state.evaluation
        facts.append(
            (
                _("Evaluation"),
                _("quality {q}, speed {s}, cooperation {c}").format(
                    q=score.quality, s=score.speed, c=score.cooperation
                ),
            )
        )
        facts.append((_("Lessons learned"), score.lessons))
    return tuple((label, value) for label, value in facts if value)


def _clock_lines(
    evaluation: EscalationEvaluation, contract: Profile, now: datetime
) -> tuple[ClockLine, ...]:
    tz = contract.calendar.tz
    lines = []
    for name, clock in evaluation.clocks.items():
        countdown, late = "", False
        running = clock.state in (ClockState.RUNNING, ClockState.BREACHED)
        if clock.met_at is not None and name != "update":
            countdown = _("met on {when}").format(when=_when(clock.met_at, tz))
            late = clock.state is ClockState.BREACHED
        elif clock.due is not None and running and evaluation.status == Status.OPEN:
            countdown, late = working_span(contract.calendar, clock.due, now)
        else:
            late = clock.state is ClockState.BREACHED
        state = word(CLOCK_STATE_WORDS, clock.state.value)
        if name == "update" and clock.missed:
            state = _("missed {n}×").format(n=clock.missed)
        breached = clock.state is ClockState.BREACHED
        due = _when(clock.due, tz)
        lines.append(ClockLine(word(CLOCK_WORDS, name), due, state, countdown, late, breached))
    return tuple(lines)


def _history(events: Iterable[Event], names: Names, tz: tzinfo) -> list[tuple[str, str]]:
    return [(_when(event.at, tz), history_line(event, names)) for event in events]


def history_line(event: Event, names: Names) -> str:
    """One event of the stream as a Dutch (or English) sentence: who did what."""
    data: dict[str, Any] = dict(event.data)
    who = names.person(event.actor)
    kind = event.type
    if kind == "escalation_registered":
        return _("{who} registered the escalation at level {level}: {description}").format(
            who=who, level=data.get("level", ""), description=data.get("description", "")
        )
    if kind == "escalation_suggested":
        return _("HALT Desk suggested an escalation at level {level}: {why}").format(
            level=data.get("level", ""), why=word(TRIGGER_WORDS, data.get("trigger"))
        )
    if kind == "escalation_level_changed":
        return _("{who} changed the level to {level}: {reason}").format(
            who=who, level=data.get("level", ""), reason=data.get("reason", "")
        )
    if kind == "escalation_informed":
        return _("{who} recorded that {whom} was informed").format(
            who=who, whom=word(INFORMED_WORDS, data.get("who"))
        )
    if kind == "escalation_request_sent":
        text = str(data.get("text") or "").strip()
        line = _("{who} sent the formal recovery request to the provider").format(who=who)
        return f"{line}: {text}" if text else line
    if kind == "escalation_meeting_held":
        return _("{who} recorded a meeting with the provider: {notes}").format(
            who=who, notes=data.get("notes", "")
        )
    return _more_history(kind, data, who, names)


def _more_history(kind: str, data: dict[str, Any], who: str, names: Names) -> str:
    if kind == "escalation_action_added":
        due = str(data.get("due", ""))
        with contextlib.suppress(ValueError):
            due = date.fromisoformat(due).strftime("%d-%m-%Y")
        return _("{who} added the action “{action}” for {owner}, due {due}").format(
            who=who,
            action=data.get("action", ""),
            owner=owner_name(str(data.get("owner", "")), names),
            due=due,
        )
    if kind == "escalation_action_updated":
        return _("{who} set the action “{action}” to {status}").format(
            who=who,
            action=data.get("action", ""),
            status=word(ACTION_STATUS_WORDS, data.get("status")),
        )
    if kind == "escalation_update":
        return _("{who} gave the weekly update: {text}").format(who=who, text=data.get("text", ""))
    if kind == "escalation_closed":
        return _(
            "{who} closed the escalation (quality {q}, speed {s}, cooperation {c}): {lessons}"
        ).format(
            who=who,
            q=data.get("quality", ""),
            s=data.get("speed", ""),
            c=data.get("cooperation", ""),
            lessons=data.get("lessons", ""),
        )
    if kind == "escalation_suggestion_dismissed":
        return _("{who} dismissed the suggestion: {reason}").format(
            who=who, reason=data.get("reason", "")
        )
    return _("{who} recorded a change").format(who=who)
