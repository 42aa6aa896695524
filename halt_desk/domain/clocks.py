"""The SLA engine: every clock of DESIGN §2.4, MTTR and MTTP of §2.5, states of §3.3.

All arithmetic is done on business-time ordinals of the profile's calendar (see
`calendar.py`); an instant is compared with a deadline in wall-clock time, so a clock
stopped at 17:30 after a 17:00 deadline is breached even though no business time passed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from json.encoder import encode_basestring as _encode_string
from typing import Any, Final, NamedTuple

from halt_desk.domain.clockcode import (
    LAYOUT,
    bind_handlers,
    clocks_source,
    compile_function,
    new_marks_source,
)
from halt_desk.domain.clockintervals import IntervalWalk
from halt_desk.domain.clockspec import CLOCK_NAMES, CLOCKS, ClockKind
from halt_desk.domain.clocktimes import TEXTS, local_times, quoted_iso
from halt_desk.domain.errors import InvalidTimeline
from halt_desk.domain.profiles import ClockRule, Profile, Target
from halt_desk.domain.timeline import TicketTimeline, TimelineEvent

INF: Final = math.inf
_new_tuple: Final = tuple.__new__
#: `now` of the latest evaluation and its UTC epoch: one `sla check` asks for it per ticket.
_last_now: tuple[datetime, float] | None = None
_text_of: Final = TEXTS.get  # the ISO text of an instant made by `local_times`, by its id


def _epoch_of_now(now: datetime) -> float:
    global _last_now
    last = _last_now
    if last is not None and last[0] is now:
        return last[1]
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    _last_now = (now, now.timestamp())
    return _last_now[1]


class ClockState(StrEnum):
    MET = "met"
    BREACHED = "breached"
    RUNNING = "running"
    NOT_APPLICABLE = "not_applicable"


class TicketStatus(StrEnum):
    OPEN = "open"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


#: The members as module constants: in CPython 3.11 `ClockState.MET` is a look-up through
#: the enum's metaclass (about 0.3 µs), and the engine asks a dozen times per ticket
#: (`Final`: compiled by mypyc, a constant is a C static rather than a module look-up).
_MET: Final = ClockState.MET
_BREACHED: Final = ClockState.BREACHED
_RUNNING: Final = ClockState.RUNNING
_NA: Final = ClockState.NOT_APPLICABLE
_STATE_TEXT: Final = {state: f'"{state.value}"' for state in ClockState}
_OPEN: Final = TicketStatus.OPEN
_WAITING: Final = TicketStatus.WAITING
_RESOLVED: Final = TicketStatus.RESOLVED
_CLOSED: Final = TicketStatus.CLOSED
_STATUS_TEXT: Final = {status: f'"{status.value}"' for status in TicketStatus}


class ClockResult(NamedTuple):
    """One clock of one ticket at the evaluation moment.

    NamedTuples rather than frozen dataclasses for the engine's results: `sla check` builds
    six per ticket for 100,000 tickets, and tuples are several times cheaper to construct.
    """

    name: str
    state: ClockState
    due: datetime | None = None
    met_at: datetime | None = None  # when the clock stopped (met or late)
    warn_at: datetime | None = None
    paused: bool = False
    missed: int | None = None  # update clock: intervals that passed without an update
    last_update: datetime | None = None

    def to_json_text(self) -> str:
        """This clock as the JSON object of DESIGN §3.3 (written directly, for speed)."""
        if self.state is _NA:
            return _NOT_APPLICABLE_TEXT[self.name]
        return self._format()

    def _format(self) -> str:
        # The most frequent output line of `sla check` (six per ticket): locals and plain
        # comparisons rather than helper calls, which cost as much as the formatting itself.
        name, state, due, met_at, warn_at, paused, missed, last_update = self
        if due is None:
            due_text = "null"
        else:  # `quoted_iso` inline: its look-up usually answers
            known = _text_of(id(due))
            due_text = known[1] if known is not None and known[0] is due else quoted_iso(due)
        if met_at is None:
            met_text = "null"
        else:
            known = _text_of(id(met_at))
            met_text = known[1] if known is not None and known[0] is met_at else quoted_iso(met_at)
        text = f'{{"due":{due_text},"met_at":{met_text},"state":{_STATE_TEXT[state]}'
        if warn_at is not None:
            text += f',"warn_at":{quoted_iso(warn_at)}'
        fields = _JSON_FIELDS[name]
        if fields is _PAUSED:
            text += ',"paused":true' if paused else ',"paused":false'
        elif fields is _MISSED:
            text += f',"missed":{missed or 0},"last_update":{_iso(last_update)}'
        return text + "}"

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.to_json_text())
        return value


def _iso(instant: datetime | None) -> str:
    return "null" if instant is None else quoted_iso(instant)


#: `within_norm` (true, false or null) as JSON.
_NORM_TEXT: Final[Mapping[bool | None, str]] = {True: "true", False: "false", None: "null"}


class TicketEvaluation(NamedTuple):
    """The clocks and figures of one ticket, as `halt-desk sla check` prints them."""

    id: str
    priority: str
    uplift: bool
    status: TicketStatus
    clocks: Mapping[str, ClockResult]
    mttr_business_minutes: int | None
    mttp_business_minutes: int | None
    mttp_wall_minutes: int | None
    within_norm: bool | None
    reported_at: datetime
    resolved_at: datetime | None = None
    productive_at: datetime | None = None
    breaches: tuple[str, ...] = ()

    @property
    def next_due(self) -> datetime | None:
        """Earliest deadline of a clock that has not stopped: running, or breached and still
        open (an overdue ticket sorts first and counts down into "late")."""
        dues = [
            c.due
            for c in self.clocks.values()
            if c.due is not None and c.met_at is None and c.state in (_RUNNING, _BREACHED)
        ]
        return min(dues) if dues else None

    def to_json_text(self) -> str:
        """The ticket as the JSON object `sla check` prints (DESIGN §3.3).

        Written directly rather than through `json.dumps` of a dict: on 100,000 tickets
        that halves the cost of the output. `to_json()` parses this text, so there is
        one definition of the format.
        """
        parts = [
            _NOT_APPLICABLE_ITEM[name] if clock.state is _NA else f'"{name}":{clock._format()}'
            for name, clock in self.clocks.items()
        ]
        clocks = ",".join(parts)
        # the three minute counts: an int or None
        mttr, mttp = self.mttr_business_minutes, self.mttp_business_minutes
        wall = self.mttp_wall_minutes
        return (
            f'{{"id":{_encode_string(self.id)},"priority":{_encode_string(self.priority)},'
            f'"uplift":{"true" if self.uplift else "false"},"status":{_STATUS_TEXT[self.status]},'
            f'"clocks":{{{clocks}}},'
            f'"mttr_business_minutes":{"null" if mttr is None else int(mttr)},'
            f'"mttp_business_minutes":{"null" if mttp is None else int(mttp)},'
            f'"mttp_wall_minutes":{"null" if wall is None else int(wall)},'
            f'"within_norm":{_NORM_TEXT[self.within_norm]}}}'
        )

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.to_json_text())
        return value


#: The fields a clock's JSON has besides due, met_at, state and warn_at (§3.3): "paused"
#: for pausable clocks, "missed" and "last_update" for interval clocks.
_PAUSED, _MISSED, _NONE = "paused", "missed", ""
_JSON_FIELDS: Final = {
    spec.name: _PAUSED if spec.pausable else _MISSED if spec.kind is ClockKind.INTERVAL else _NONE
    for spec in CLOCKS
}
_NOT_APPLICABLE: Final = {name: ClockResult(name, _NA) for name in CLOCK_NAMES}
_NOT_APPLICABLE_TEXT: Final = {name: clock._format() for name, clock in _NOT_APPLICABLE.items()}
_NOT_APPLICABLE_ITEM: Final = {
    name: f'"{name}":{text}' for name, text in _NOT_APPLICABLE_TEXT.items()
}


@dataclass(slots=True)
class _Change:
    ts: float
    priority: str
    cell: tuple[str, str] | None


class _Evaluator:
    """Evaluates one ticket; a class only to share the folded facts between clocks (with
    slots: one is made per ticket, and its attributes are read a few dozen times)."""

    # fmt: off
    __slots__ = ("cal", "changes", "closed", "gaps", "local", "marks", "now_ts", "open_pause",
                 "open_pause_until", "pause_start", "pauses", "productive_ts",
                 "profile", "report_b", "report_ts", "resolved_ts", "spell_start", "spells",
                 "tl", "tz", "uplift")
    # fmt: on

    def __init__(self, profile: Profile, timeline: TicketTimeline, now: datetime) -> None:
        self.profile = profile
        self.cal = profile.calendar
        self.tl = timeline
        self.now_ts = _epoch_of_now(now)
        self.report_ts = timeline.reported_ts
        self.tz = self.cal.tz
        #: UTC epoch → datetime in the contract's zone (remembered: see `clocktimes`)
        self.local: Callable[[float], datetime] = local_times(self.tz)
        #: Where a pause that was never resumed counts as ended: now, or the clock's stop.
        self.open_pause_until = self.now_ts
        self.report_b = self.cal.ordinal(self.report_ts)
        self.uplift = False
        priority, cell = self._initial_priority()
        self.changes: list[_Change] = [_Change(self.report_ts, priority, cell)]
        #: What the clocks of `CLOCKS` found, at the places `clockcode.LAYOUT` gives them.
        self.marks: list[Any] = _new_marks()
        self.pauses: list[tuple[float, float | None]] = []  # business ordinals
        self.pause_start: float | None = None
        self.resolved_ts: float | None = None  # the latest `resolved` not reopened since
        self.productive_ts: float | None = None  # the first `productive_again` since reopened
        self.closed = False
        #: Reopened tickets: (resolved, reopened) epochs, and the spells the employee could
        #: not work before each reopen as (start, productive) epochs (see `evaluate`).
        self.gaps: list[tuple[float, float]] = []
        self.spells: list[tuple[float, float]] = []
        self.spell_start = self.report_ts
        self._fold()

    # ------------------------------------------------------------ priorities
    def _priority(self, value: str, where: str) -> str:
        if value not in self.profile.priorities:
            known = ", ".join(self.profile.priorities)
            problem = f"unknown priority {value!r} for profile {self.profile.name} ({known})"
            raise InvalidTimeline(self.tl.id, where, problem)
        return value

    def _cell(self, impact: str | None, urgency: str | None, where: str) -> tuple[str, str] | None:
        if impact is None or urgency is None:
            return None
        try:
            impact_level = self.profile.impact_level(impact)
        except ValueError as exc:
            raise InvalidTimeline(self.tl.id, f"{where}impact", str(exc)) from None
        try:
            return impact_level, self.profile.urgency_level(urgency)
        except ValueError as exc:
            raise InvalidTimeline(self.tl.id, f"{where}urgency", str(exc)) from None

    def _initial_priority(self) -> tuple[str, tuple[str, str] | None]:
        tl = self.tl
        if tl.impact is None and tl.priority in self.profile.priorities:
            return tl.priority, None  # a priority alone (most tickets): nothing to look up
        cell = self._cell(tl.impact, tl.urgency, "")
        if tl.priority is not None:
            return self._priority(tl.priority, "priority"), cell
        assert cell is not None  # parse_ticket demands priority or impact and urgency
        return self.profile.suggest_priority(cell[0], cell[1], tl.security), cell

    def _change_from(self, event: TimelineEvent) -> _Change:
        cell = self._cell(event.impact, event.urgency, f"{event.field}.")
        if event.priority is not None:
            priority = self._priority(event.priority, f"{event.field}.priority")
        elif cell is not None:
            priority = self.profile.suggest_priority(cell[0], cell[1])
        else:  # pragma: no cover - parse_ticket rejects it
            raise InvalidTimeline(self.tl.id, f"{event.field}.priority", "missing")
        return _Change(event.ts, priority, cell)

    def priority_at(self, ts: float) -> str:
        current = self.changes[0].priority
        for change in self.changes[1:]:
            if change.ts > ts:
                break
            current = change.priority
        return current

    # ------------------------------------------------------------------ fold
    def _fold(self) -> None:
        """One pass over the events collecting what each clock needs (see `_HANDLERS`)."""
        handlers = _HANDLERS  # every ticket event type (the timeline's parsers check them)
        for event in self.tl.events:
            handlers[event[_TYPE]](self, event)  # event.type, by index: a third cheaper
        pause_start = self.pause_start
        self.open_pause: float | None = pause_start
        if pause_start is not None:
            self.pauses.append((pause_start, None))

    # The events that are facts of the ticket rather than of one clock; `_bind_handlers`
    # adds what each clock of `CLOCKS` does on its events.
    def _on_priority_changed(self, event: TimelineEvent) -> None:
        change = self._change_from(event)
        # A change to the priority the ticket already has changes nothing, on every clock
        # (DESIGN §2.4): not even a DeSom matrix cell it names, nor the cell the ticket had.
        if change.priority != self.changes[-1].priority:
            self.changes.append(change)

    def _on_uplift_decided(self, event: TimelineEvent) -> None:
        profile = self.profile
        if not profile.uplift:
            problem = f"P1-uplift is not part of profile {profile.name}"
            raise InvalidTimeline(self.tl.id, f"{event.field}.type", problem)
        if event.granted:
            self.uplift = True
            top = profile.priorities[0]
            if self.changes[-1].priority != top:  # already the top: nothing changes
                self.changes.append(_Change(event.ts, top, self.changes[-1].cell))

    def _on_waiting_on_user(self, event: TimelineEvent) -> None:
        if self.pause_start is None and self.resolved_ts is None:
            self.pause_start = self.cal.ordinal(event.ts)

    def _on_resumed(self, event: TimelineEvent) -> None:
        if self.pause_start is not None:
            self.pauses.append((self.pause_start, self.cal.ordinal(event.ts)))
            self.pause_start = None

    def _on_resolved(self, event: TimelineEvent) -> None:
        if self.resolved_ts is None:
            self.resolved_ts = event.ts
            if self.pause_start is not None:  # resolving ends a pause
                self.pauses.append((self.pause_start, self.cal.ordinal(event.ts)))
                self.pause_start = None

    def _on_productive_again(self, event: TimelineEvent) -> None:
        if self.productive_ts is None:
            self.productive_ts = event.ts

    def _on_reopened(self, event: TimelineEvent) -> None:
        """A resolved ticket opens again (not a closed one, nor one still open): the time
        since `resolved` is a pause of the resolution clock, the clocks `resolved` stopped
        run again, and the employee counts as unable to work from here (MTTP)."""
        resolved_ts = self.resolved_ts
        if self.closed or resolved_ts is None:
            state = "closed" if self.closed else "not resolved"
            problem = f"reopened: the ticket is {state} at {event.at.isoformat()}"
            raise InvalidTimeline(self.tl.id, f"{event.field}.type", problem)
        ts = event.ts
        self.pauses.append((self.cal.ordinal(resolved_ts), self.cal.ordinal(ts)))
        self.gaps.append((resolved_ts, ts))
        marks = self.marks
        for place in _STOPPED_BY_RESOLVED:
            if marks[place] == resolved_ts:  # not a clock an earlier event stopped
                marks[place] = None
        productive = self.productive_ts if self.productive_ts is not None else resolved_ts
        self.spells.append((self.spell_start, productive))
        self.spell_start, self.productive_ts, self.resolved_ts = ts, None, None

    def _on_closed(self, event: TimelineEvent) -> None:
        self.closed = True

    # ------------------------------------------------------------ clock units
    def _paused_before(self, ordinal: float) -> float:
        """Business seconds of pause between the report and `ordinal`."""
        total = 0.0
        for start, end in self.pauses:
            if start >= ordinal:
                break
            if end is None:
                end = max(self.cal.ordinal(self.open_pause_until), start)
            total += min(end, ordinal) - start
        return total

    def _units(self, ordinal: float, pausable: bool) -> float:
        used = ordinal - self.report_b
        return used - self._paused_before(ordinal) if pausable and self.pauses else used

    def _ordinal_of_units(self, units: float, pausable: bool) -> float:
        """Inverse of `_units`: where the clock reaches `units` of running time."""
        if not pausable or not self.pauses:
            return self.report_b + units
        consumed = 0.0
        segment_start = self.report_b
        for start, end in self.pauses:
            active = start - segment_start
            if units <= consumed + active:
                return segment_start + (units - consumed)
            consumed += active
            if end is None:  # still paused: project as if it resumed at that moment
                resume_b = max(self.cal.ordinal(self.open_pause_until), start)
                return resume_b + (units - consumed)
            segment_start = end
        return segment_start + (units - consumed)

    def _target(self, rule: ClockRule, change: _Change) -> Target | None:
        if rule.cells and change.cell is not None:
            return rule.cells[change.cell]
        return rule.targets.get(change.priority)

    def _candidate(self, target: Target | None, ts: float, pausable: bool) -> float:
        """Deadline in clock units for a clock started (or re-rated) at `ts`."""
        if target is None:
            return INF
        if ts == self.report_ts:  # from the report (most clocks): no time used yet
            if target.days_later is None:
                return target.seconds
            ordinal = self.report_b
        else:
            ordinal = self.cal.ordinal(ts)
        if target.days_later is not None:
            day = self.cal.day_index(ordinal) + target.days_later
            return self.cal.day_end_ordinal(day) - self.report_b
        return self._units(ordinal, pausable) + target.seconds

    def _due_units(self, rule: ClockRule, stop_ts: float | None, pausable: bool) -> float:
        """Deadline after applying every priority change before the clock stopped.

        Consecutive changes always name different priorities (`_on_priority_changed` drops
        a change to the priority a ticket already has), so the rank decides: an upgrade
        starts "as if reported at the change" unless the old deadline is sooner, a
        downgrade recomputes from the report with the new target (DESIGN §2.4).
        """
        changes = self.changes
        first = changes[0]
        due = self._candidate(self._target(rule, first), first.ts, pausable)
        if len(changes) == 1:
            return due
        rank = self.profile.rank
        previous_rank = rank(first.priority)
        for change in changes[1:]:
            if stop_ts is not None and change.ts >= stop_ts:
                break
            change_rank = rank(change.priority)
            target = self._target(rule, change)
            if change_rank < previous_rank:
                due = min(due, self._candidate(target, change.ts, pausable))
            else:
                due = self._candidate(target, self.report_ts, pausable)
            previous_rank = change_rank
        return due

    # ------------------------------------------------------------------ clocks
    def deadline_clock(
        self, name: str, stop_ts: float | None, applies: bool = True, pausable: bool = False
    ) -> ClockResult:
        rule = self.profile.clocks.get(name)
        if rule is None or not applies:
            return _NOT_APPLICABLE[name]
        # A clock stopped while paused (a P1 workaround while waiting on the user) stays
        # paused up to its stop, whatever the moment of evaluation.
        self.open_pause_until = self.now_ts if stop_ts is None else stop_ts
        due_units = self._due_units(rule, stop_ts, pausable)
        if due_units == INF:
            return _NOT_APPLICABLE[name]
        cal = self.cal
        due_ts = cal.instant_ts(self._ordinal_of_units(due_units, pausable))
        warn_at = None
        final = self.changes[-1] if stop_ts is None else None
        if final is not None and final.priority in rule.warn:
            target = self._target(rule, final)
            if target is not None and not target.is_day_end:
                lead = target.seconds - rule.warn[final.priority].seconds
                warn_ord = self._ordinal_of_units(max(due_units - lead, 0.0), pausable)
                warn_at = self.local(cal.instant_ts(warn_ord))
        paused = pausable and self.open_pause is not None and stop_ts is None
        if stop_ts is not None:
            state = _MET if stop_ts <= due_ts else _BREACHED
            met_at = self.local(stop_ts)
        else:
            state = _BREACHED if self.now_ts > due_ts else _RUNNING
            met_at = None
        # tuple.__new__ rather than the NamedTuple's Python-level constructor (every field
        # given, so its defaults do not matter)
        fields = (name, state, self.local(due_ts), met_at, warn_at, paused, None, None)
        return _new_tuple(ClockResult, fields)

    def _interval(self, rule: ClockRule, priority: str) -> float | None:
        target = rule.targets.get(priority)
        return None if target is None else target.seconds

    def interval_clock(
        self,
        name: str,
        start_ts: float | None,
        restarts: Sequence[float],
        end_ts: float | None,
        applies: bool = True,
    ) -> ClockResult:
        """A deadline every interval from `start_ts` until `end_ts` (the update clock:
        status updates from the first response until resolved)."""
        rule = self.profile.clocks.get(name)
        if rule is None or start_ts is None or not applies:
            return _NOT_APPLICABLE[name]
        if len(self.changes) == 1 and not self.gaps:
            return self._steady_interval_clock(name, rule, start_ts, restarts, end_ts)
        walk = IntervalWalk(
            lambda priority: self._interval(rule, priority),
            self.profile.rank,
            self.cal.ordinal,
            self._count_missed,
            self.priority_at(start_ts),
        )
        changes = [(change.ts, change.priority) for change in self.changes[1:]]
        walk.run(start_ts, restarts, changes, self.gaps, end_ts)
        next_due, interval, missed = walk.next_due, walk.interval, walk.missed
        if not walk.applicable or (interval is None and missed == 0):
            # never required, or no longer required (downgraded to a priority without
            # updates, P4) with no interval missed before: open or resolved alike (§2.4)
            return _NOT_APPLICABLE[name]
        stop = end_ts if end_ts is not None else self.now_ts
        if next_due is not None and interval is not None:
            passed, next_due = self._count_missed(next_due, interval, stop, self.cal.ordinal(stop))
            missed += passed
        return self._interval_result(name, next_due, missed, walk.last_update, end_ts)

    def _steady_interval_clock(
        self,
        name: str,
        rule: ClockRule,
        start_ts: float,
        restarts: Sequence[float],
        end_ts: float | None,
    ) -> ClockResult:
        """`interval_clock` of a ticket whose priority never changed (most tickets): the
        same walk without the priority changes (`restarts` are in time order)."""
        interval = self._interval(rule, self.changes[0].priority)
        if interval is None:
            return _NOT_APPLICABLE[name]
        cal, count_missed = self.cal, self._count_missed
        next_due = cal.ordinal(start_ts) + interval
        missed = 0
        last_update: float | None = None
        for ts in restarts:
            if ts <= start_ts:
                continue
            if end_ts is not None and ts >= end_ts:
                break
            ordinal = cal.ordinal(ts)
            if ordinal >= next_due:  # a smaller ordinal is surely before the deadline
                passed, next_due = count_missed(next_due, interval, ts, ordinal)
                missed += passed
            last_update = ts
            next_due = ordinal + interval
        stop = end_ts if end_ts is not None else self.now_ts
        passed, next_due = count_missed(next_due, interval, stop, cal.ordinal(stop))
        return self._interval_result(name, next_due, missed + passed, last_update, end_ts)

    def _count_missed(
        self, due: float, step: float, ts: float, ordinal: float
    ) -> tuple[int, float]:
        """Deadlines that passed before `ts` (wall clock), and the first one still open."""
        passed = 0 if ordinal <= due else math.ceil((ordinal - due) / step)
        edge = due + passed * step
        if edge == ordinal and ts > self.cal.instant_ts(edge):
            passed += 1  # `ts` lies after closing time, past a deadline at closing
        return passed, due + passed * step

    def _interval_result(
        self,
        name: str,
        next_due: float | None,
        missed: int,
        last_update: float | None,
        end_ts: float | None,
    ) -> ClockResult:
        local = self.local
        due = local(self.cal.instant_ts(next_due)) if next_due is not None else None
        last = local(last_update) if last_update is not None else None
        if missed:
            state = _BREACHED
        elif end_ts is not None:
            state = _MET
        else:
            state = _RUNNING
        met_at = local(end_ts) if end_ts is not None else None
        return _new_tuple(ClockResult, (name, state, due, met_at, None, False, missed, last))

    # ------------------------------------------------------------------ result
    def evaluate(self) -> TicketEvaluation:
        clocks = _evaluate_clocks(self)
        mttr = mttp = mttp_wall = None
        if self.resolved_ts is not None:
            resolved_b = self.cal.ordinal(self.resolved_ts)
            mttr = int(self._units(resolved_b, pausable=True) // 60)
        productive_ts = self.productive_ts if self.productive_ts is not None else self.resolved_ts
        if productive_ts is not None and not self.spells:
            mttp = int((self.cal.ordinal(productive_ts) - self.report_b) // 60)
            mttp_wall = int((productive_ts - self.report_ts) // 60)
        elif productive_ts is not None:  # reopened: every spell the employee could not work
            spells = [*self.spells, (self.spell_start, productive_ts)]
            ordinal = self.cal.ordinal
            mttp = int(sum(ordinal(end) - ordinal(start) for start, end in spells) // 60)
            mttp_wall = int(sum(end - start for start, end in spells) // 60)
        within_norm: bool | None = True  # unless one is breached, or one is still open
        for name in _NORM_CLOCKS:
            state = clocks[name].state
            if state is _BREACHED:
                within_norm = False
                break
            if state is not _MET:
                within_norm = None
        if self.closed:
            status = _CLOSED
        elif self.resolved_ts is not None:
            status = _RESOLVED
        elif self.open_pause is not None:
            status = _WAITING
        else:
            status = _OPEN
        local = self.local
        breaches = tuple([n for n, c in clocks.items() if c.state is _BREACHED])
        fields = (  # every field, in order: tuple.__new__ rather than the keyword constructor
            self.tl.id,
            self.changes[-1].priority,
            self.uplift,
            status,
            clocks,
            mttr,
            mttp,
            mttp_wall,
            within_norm,
            self.tl.reported_at,
            local(self.resolved_ts) if self.resolved_ts else None,
            local(productive_ts) if productive_ts else None,
            breaches,
        )
        return _new_tuple(TicketEvaluation, fields)


# --------------------------------------------------------------------- event handlers
#: What an event does to the evaluator of its ticket.
Handler = Callable[[_Evaluator, TimelineEvent], None]

_FACT_HANDLERS: Mapping[str, Handler] = {
    "priority_changed": _Evaluator._on_priority_changed,
    "uplift_decided": _Evaluator._on_uplift_decided,
    "waiting_on_user": _Evaluator._on_waiting_on_user,
    "resumed": _Evaluator._on_resumed,
    "resolved": _Evaluator._on_resolved,
    "productive_again": _Evaluator._on_productive_again,
    "reopened": _Evaluator._on_reopened,
    "closed": _Evaluator._on_closed,
}


#: Places of `TimelineEvent.type` and `.ts`: the fold reads them by index, since CPython
#: 3.11 does not specialise the attribute access of a NamedTuple field.
_TYPE: Final = 0
_TS = TimelineEvent._fields.index("ts")
if TimelineEvent._fields[_TYPE] != "type":  # pragma: no cover - a guard for the next edit
    raise ImportError("clocks.py reads TimelineEvent.type as field 0")
if TicketEvaluation._fields[-1] != "breaches" or len(TicketEvaluation._fields) != 13:
    raise ImportError("evaluate() builds TicketEvaluation by position")  # pragma: no cover


def _ignore(ev: _Evaluator, event: TimelineEvent) -> None:
    """Events no clock reads (assigned, comment, …)."""


# The fast paths, written from the clock table once, at import (see `clockcode`).
_HANDLERS: dict[str, Handler]
_HANDLERS, HANDLER_SOURCES = bind_handlers(_FACT_HANDLERS, _ignore, _TS)
CLOCKS_SOURCE = clocks_source()
_evaluate_clocks: Final[Callable[[_Evaluator], dict[str, ClockResult]]] = compile_function(
    CLOCKS_SOURCE, "evaluate_clocks", {"NA": _NOT_APPLICABLE}
)
_new_marks: Final[Callable[[], list[Any]]] = compile_function(new_marks_source(), "new_marks")
_NORM_CLOCKS: Final = tuple(spec.name for spec in CLOCKS if spec.within_norm)
#: The marks of the clocks a `resolved` stops: a reopen lets them run again.
_STOPPED_BY_RESOLVED = tuple(
    where.stop
    for spec, where in zip(CLOCKS, LAYOUT, strict=True)
    if any(stop.event == "resolved" for stop in spec.stops)
)


def evaluate(profile: Profile, timeline: TicketTimeline, now: datetime) -> TicketEvaluation:
    """Every clock and figure of one ticket at `now` under `profile` (a naive `now` is a
    ValueError)."""
    return _Evaluator(profile, timeline, now).evaluate()
