"""The walk of an interval clock (the update clock, DESIGN §2.4) over a ticket whose
priority changed or that was reopened; `clocks.py` walks the usual ticket itself.

Each restart event (`status_update`) begins a new interval; an interval that passed without
one counts as missed. A priority change re-rates the running interval: an upgrade starts the
new interval at the change unless the old deadline is sooner, a downgrade measures the new
interval from the last restart. A reopened ticket runs no interval from `resolved` to
`reopened`: the intervals missed before the resolve still count, and the reopen begins a
new interval (the agent has just heard the caller), at the priority of that moment.
All moments are UTC epochs, all deadlines business-time ordinals of the contract's calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: Kinds of the moments the walk visits, in the order they sort at one instant.
_UPDATE, _CHANGE, _RESOLVED, _REOPENED = 0, 1, 2, 3


@dataclass(slots=True)
class IntervalWalk:
    """One interval clock walked from its start to its stop (or to the last event)."""

    #: The clock's interval at a priority in business seconds (None: not required).
    interval_of: Callable[[str], float | None]
    rank: Callable[[str], int]
    ordinal: Callable[[float], float]
    #: `(due, step, ts, ordinal)` → the deadlines passed before `ts` and the first open one.
    count_missed: Callable[[float, float, float, float], tuple[int, float]]
    priority: str
    interval: float | None = None
    restart: float = 0.0
    next_due: float | None = None
    missed: int = 0
    last_update: float | None = None
    applicable: bool = False
    suspended: bool = False

    def run(
        self,
        start_ts: float,
        restarts: Sequence[float],
        changes: Sequence[tuple[float, str]],
        gaps: Sequence[tuple[float, float]],
        end_ts: float | None,
    ) -> None:
        """Walks the restarts, priority changes (ts, priority) and reopen gaps (resolved,
        reopened) between `start_ts` and `end_ts`."""
        self.interval = self.interval_of(self.priority)
        self.applicable = self.interval is not None
        self.restart = self.ordinal(start_ts)
        if self.interval is not None:
            self.next_due = self.restart + self.interval
        items: list[tuple[float, int, str]] = [(ts, _UPDATE, "") for ts in restarts]
        items += [(ts, _CHANGE, priority) for ts, priority in changes]
        for resolved_ts, reopened_ts in gaps:
            items += [(resolved_ts, _RESOLVED, ""), (reopened_ts, _REOPENED, "")]
        if any(begin <= start_ts < end for begin, end in gaps):
            self.suspended, self.next_due = True, None  # started while resolved
        items.sort()  # by time; an update before a priority change at the same moment
        for ts, kind, priority in items:
            if ts <= start_ts or (end_ts is not None and ts >= end_ts):
                continue
            ordinal = self.ordinal(ts)
            if kind >= _RESOLVED or self.suspended:
                self._gap(kind, ts, ordinal, priority)
                continue
            self._count_until(ts, ordinal)
            if kind == _UPDATE:
                self.last_update, self.restart = ts, ordinal
                if self.interval is not None:
                    self.next_due = ordinal + self.interval
            else:
                self._change(ordinal, priority)

    def _count_until(self, ts: float, ordinal: float) -> None:
        next_due, interval = self.next_due, self.interval
        # an instant with a smaller ordinal is surely before the deadline
        if next_due is not None and interval is not None and ordinal >= next_due:
            passed, self.next_due = self.count_missed(next_due, interval, ts, ordinal)
            self.missed += passed

    def _change(self, ordinal: float, priority: str) -> None:
        if priority == self.priority:
            return
        new_interval = self.interval_of(priority)
        previous, self.priority = self.priority, priority
        if new_interval is None:
            self.next_due, self.interval = None, None
            return
        self.applicable = True
        next_due = self.next_due
        if next_due is None or self.rank(priority) < self.rank(previous):
            candidate = ordinal + new_interval
            self.next_due = candidate if next_due is None else min(next_due, candidate)
        else:
            self.next_due = self.restart + new_interval
        self.interval = new_interval

    def _gap(self, kind: int, ts: float, ordinal: float, priority: str) -> None:
        """A moment of a reopen gap, or any moment inside one (updates there count not)."""
        if kind == _RESOLVED:  # what was missed until the resolve counts, then none runs
            self._count_until(ts, ordinal)
            self.suspended, self.next_due = True, None
        elif kind == _REOPENED:
            self.suspended = False
            if self.interval is not None:
                self.restart, self.next_due = ordinal, ordinal + self.interval
        elif kind == _CHANGE:  # the interval the reopen will begin follows the priority
            self.priority = priority
            self.interval = self.interval_of(priority)
            self.applicable = self.applicable or self.interval is not None
