"""The clocks of an escalation (issue 23, seed 003 §2.4.3 A and B.4) on the business
calendar of the organisation's contract profile, the tickets' engine and states:

* `start` (every level): due 1 working day after the registration; stops at the first
  `escalation_informed`, `escalation_request_sent` or `escalation_meeting_held`.
* `meeting` (N2, N3): due 3 working days after the escalation first reached N2 or higher;
  stops at the first `escalation_meeting_held` from then on.
* `escalation` (N3): due 5 working days after it first reached N3; stops at the first
  `escalation_request_sent` from then on (the formal strategic escalation).
* `update` (N2, N3): the weekly update, every 5 working days from the first moment at N2
  or higher; each `escalation_update` restarts it; `escalation_closed` stops it.

"N working days" is N window days of business time, as for tickets (DESIGN §2.1): an
escalation registered on Friday 16:00 must start by Monday 16:00. A deadline clock that
has not stopped when the escalation closes or drops below the clock's level is
`breached` if its deadline had passed then, else `not_applicable` (no longer required).
The update clock is the ticket update clock's walk (`clockintervals.IntervalWalk`) with the
level as its priority: an interval is missed when the next update comes after its
deadline (wall clock), it follows level changes (N1 has none: a drop to N1 keeps the
intervals missed before, else `not_applicable`), and it is `breached` when `missed` > 0.
States as DESIGN §3.3: `met`, `breached`, `running`, `not_applicable`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from halt_desk.domain.clockintervals import IntervalWalk
from halt_desk.domain.clocks import ClockState
from halt_desk.domain.escalations import LEVELS, EscalationState, Status, level_rank
from halt_desk.domain.profiles import Profile

#: Working days from reaching a level to its deadline (seed 003 §2.4.3 A).
LEAD_DAYS: Mapping[str, int] = {"start": 1, "meeting": 3, "escalation": 5}
#: The level from which each clock applies.
CLOCK_LEVEL: Mapping[str, str] = {
    "start": "N1",
    "meeting": "N2",
    "escalation": "N3",
    "update": "N2",
}
#: The weekly update of N2/N3, in working days.
UPDATE_DAYS = 5
CLOCK_NAMES: tuple[str, ...] = ("start", "meeting", "escalation", "update")


@dataclass(frozen=True, slots=True)
class EscalationTimeline:
    """What the clocks need of one escalation: the moments, in time order per kind.
    `levels`: (at, level), the registration first."""

    id: str
    levels: tuple[tuple[datetime, str], ...]
    informed: tuple[datetime, ...] = ()
    requests: tuple[datetime, ...] = ()
    meetings: tuple[datetime, ...] = ()
    updates: tuple[datetime, ...] = ()
    closed_at: datetime | None = None

    @property
    def registered_at(self) -> datetime:
        return self.levels[0][0]

    @property
    def level(self) -> str:
        return self.levels[-1][1]

    @classmethod
    def of(cls, state: EscalationState) -> EscalationTimeline:
        """The timeline of a registered escalation (`domain.escalations`)."""
        if state.registered_at is None:
            raise ValueError(f"escalation {state.id} is not registered")
        return cls(
            id=state.id,
            levels=tuple((at, level) for at, level, _ in state.levels),
            informed=tuple(sorted(state.informed.values())),
            requests=tuple(sorted(state.requests)),
            meetings=tuple(sorted(at for at, _ in state.meetings)),
            updates=tuple(sorted(at for at, _ in state.updates)),
            closed_at=state.closed_at,
        )


@dataclass(frozen=True, slots=True)
class EscalationClock:
    """One clock of one escalation at the evaluation moment."""

    name: str
    state: ClockState
    due: datetime | None = None
    met_at: datetime | None = None
    missed: int | None = None  # update clock only
    last_update: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "due": _iso(self.due),
            "met_at": _iso(self.met_at),
            "state": self.state.value,
        }
        if self.name == "update":
            value["missed"] = self.missed or 0
            value["last_update"] = _iso(self.last_update)
        return value


@dataclass(frozen=True, slots=True)
class EscalationEvaluation:
    """The clocks of one escalation, as `halt-desk escalation check` prints them."""

    id: str
    level: str
    status: str
    clocks: Mapping[str, EscalationClock]

    @property
    def next_due(self) -> datetime | None:
        """The earliest deadline of a clock that has not stopped (for a countdown)."""
        dues = [
            c.due
            for c in self.clocks.values()
            if c.due is not None
            and c.met_at is None
            and c.state in (ClockState.RUNNING, ClockState.BREACHED)
        ]
        return min(dues) if dues else None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "status": self.status,
            "clocks": {name: clock.to_json() for name, clock in self.clocks.items()},
        }


def _iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat()


class _Clocks:
    """The arithmetic of one evaluation: calendar, working day and `now`."""

    def __init__(self, profile: Profile, timeline: EscalationTimeline, now: datetime) -> None:
        self.cal = profile.calendar
        self.tz = profile.calendar.tz
        self.day = float(profile.calendar.window.day_seconds)
        self.timeline = timeline
        self.now_ts = now.timestamp()
        self.closed_ts = None if timeline.closed_at is None else timeline.closed_at.timestamp()

    def local(self, ts: float) -> datetime:
        return datetime.fromtimestamp(ts, self.tz)

    def reached(self, level: str) -> tuple[float | None, float | None]:
        """When the escalation first reached `level` (or higher), and when it next fell
        below it (None: never)."""
        rank = level_rank(level)
        reach: float | None = None
        for at, current in self.timeline.levels:
            ts = at.timestamp()
            if reach is None and level_rank(current) >= rank:
                reach = ts
            elif reach is not None and level_rank(current) < rank:
                return reach, ts
        return reach, None

    def deadline(self, name: str, stops: Iterable[datetime]) -> EscalationClock:
        reach, drop = self.reached(CLOCK_LEVEL[name])
        if reach is None:
            return EscalationClock(name, ClockState.NOT_APPLICABLE)
        due_ts = self.cal.instant_ts(self.cal.ordinal(reach) + LEAD_DAYS[name] * self.day)
        due = self.local(due_ts)
        ends = [ts for ts in (drop, self.closed_ts) if ts is not None]
        end = min(ends) if ends else None
        stop = next((at.timestamp() for at in stops if at.timestamp() >= reach), None)
        if stop is not None and (end is None or stop <= end):
            state = ClockState.MET if stop <= due_ts else ClockState.BREACHED
            return EscalationClock(name, state, due, self.local(stop))
        if end is not None:
            if end > due_ts:
                return EscalationClock(name, ClockState.BREACHED, due)
            return EscalationClock(name, ClockState.NOT_APPLICABLE)
        state = ClockState.RUNNING if self.now_ts <= due_ts else ClockState.BREACHED
        return EscalationClock(name, state, due)

    def _interval(self, level: str) -> float | None:
        return UPDATE_DAYS * self.day if level_rank(level) >= level_rank("N2") else None

    def _count_missed(
        self, due: float, step: float, ts: float, ordinal: float
    ) -> tuple[int, float]:
        """Deadlines that passed before `ts` (wall clock), and the first one still open
        (the ticket engine's rule, `clocks._Evaluator._count_missed`)."""
        passed = 0 if ordinal <= due else math.ceil((ordinal - due) / step)
        edge = due + passed * step
        if edge == ordinal and ts > self.cal.instant_ts(edge):
            passed += 1  # `ts` lies after closing time, past a deadline at closing
        return passed, due + passed * step

    def update(self) -> EscalationClock:
        start, _ = self.reached(CLOCK_LEVEL["update"])
        if start is None:
            return EscalationClock("update", ClockState.NOT_APPLICABLE)
        levels = [(at.timestamp(), level) for at, level in self.timeline.levels]
        at_start = [level for ts, level in levels if ts <= start][-1]
        walk = IntervalWalk(
            self._interval,
            lambda level: len(LEVELS) - 1 - level_rank(level),  # 0: the most urgent
            self.cal.ordinal,
            self._count_missed,
            at_start,
        )
        changes = [(ts, level) for ts, level in levels if ts > start]
        restarts = [at.timestamp() for at in self.timeline.updates]
        walk.run(start, restarts, changes, [], self.closed_ts)
        next_due, interval, missed = walk.next_due, walk.interval, walk.missed
        if interval is None and missed == 0:
            return EscalationClock("update", ClockState.NOT_APPLICABLE)
        stop = self.closed_ts if self.closed_ts is not None else self.now_ts
        if next_due is not None and interval is not None:
            passed, next_due = self._count_missed(next_due, interval, stop, self.cal.ordinal(stop))
            missed += passed
        due = self.local(self.cal.instant_ts(next_due)) if next_due is not None else None
        last = self.local(walk.last_update) if walk.last_update is not None else None
        if missed:
            state = ClockState.BREACHED
        elif self.closed_ts is not None:
            state = ClockState.MET
        else:
            state = ClockState.RUNNING
        met_at = self.local(self.closed_ts) if self.closed_ts is not None else None
        return EscalationClock("update", state, due, met_at, missed, last)


def evaluate_escalation(
    profile: Profile, timeline: EscalationTimeline, now: datetime
) -> EscalationEvaluation:
    """Every clock of one escalation at `now` (timezone-aware)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    clocks = _Clocks(profile, timeline, now)
    starts = sorted((*timeline.informed, *timeline.requests, *timeline.meetings))
    results = {
        "start": clocks.deadline("start", starts),
        "meeting": clocks.deadline("meeting", timeline.meetings),
        "escalation": clocks.deadline("escalation", timeline.requests),
        "update": clocks.update(),
    }
    status = Status.CLOSED if timeline.closed_at is not None else Status.OPEN
    return EscalationEvaluation(timeline.id, timeline.level, status, results)


def evaluate_state(
    profile: Profile, state: EscalationState, now: datetime
) -> EscalationEvaluation | None:
    """The clocks of a registered escalation (None for a suggestion or a dismissed one)."""
    if state.registered_at is None:
        return None
    return evaluate_escalation(profile, EscalationTimeline.of(state), now)
