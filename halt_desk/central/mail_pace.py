"""How the mail job shares the machine with the pushes: a CPU budget while pushes flow.

The job counts the events others record (the growth of the events' seq, through any
central process, less the job's own state events). While they come faster than
BUSY_RATE a second, the job's own thread may use at most CPU_PER_PUSH seconds of CPU per
event pushed, and never less than MIN_SHARE of a core: after each piece of work it
sleeps until its CPU time fits that allowance. The pushes keep their CPU, the mail keeps
moving (slowly: a mail costs the job a few ms of CPU on a busy machine, its expansion
from the trigger included), and what waited goes out at full speed once the pushes
pause. Below BUSY_RATE (a desk's normal day) the job runs freely.

The budget is CPU time of the job's thread (`time.thread_time`), not wall time: waiting
for the SMTP server's replies costs the pushes nothing and is not counted.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: Events a second (by others) from which the job keeps to its budget.
BUSY_RATE = 50.0
#: The job's CPU seconds per event pushed while busy, and at least this share of a core.
CPU_PER_PUSH = 0.00001
MIN_SHARE = 0.02
#: Unused budget kept for later: at most this much CPU at once without a pause.
BURST = 0.005
#: The longest single pause; the push rate is looked at again after each.
MAX_PAUSE = 0.25
#: How often the seq is read, and for how long an event counts as a push in progress.
LOOK_EVERY = 0.2
PUSH_WINDOW = 0.5


class Pacer:
    """The job's view of the push load and its CPU allowance. `read_head` reads the
    events' seq (one cheap query)."""

    def __init__(self, read_head: Callable[[], int]) -> None:
        self._read_head = read_head
        self._head = -1  # the seq when last looked at
        self._own = 0  # events the job recorded since
        self._looked = 0.0  # monotonic: when the seq was last read
        self._pushed = -PUSH_WINDOW  # monotonic: when others last recorded events
        self.rate = 0.0  # others' events a second when last looked at
        self._cpu = time.thread_time()  # the job's CPU time when last paced
        self._credit = BURST  # CPU seconds the job may still use without a pause

    def recorded(self, count: int) -> None:
        """The job itself recorded `count` events (not pushes of others)."""
        self._own += count

    def flowing(self) -> bool:
        """Whether others recorded events in the last PUSH_WINDOW seconds."""
        self._look()
        return time.monotonic() - self._pushed < PUSH_WINDOW

    def busy(self) -> bool:
        """Whether pushes come in faster than BUSY_RATE (the budget applies)."""
        return self.flowing() and self.rate >= BUSY_RATE

    def pace(self) -> None:
        """Called after each piece of work: while busy, sleeps until the CPU the job used
        since the last call fits its allowance."""
        now = time.thread_time()
        used, self._cpu = now - self._cpu, now
        self._credit = min(BURST, self._credit) - used
        if self._credit >= 0:
            return  # within the burst: no need to look at the pushes yet
        if not self.busy():
            self._credit = BURST
            return
        while self._credit < 0 and self.busy():
            allowance = max(self.rate * CPU_PER_PUSH, MIN_SHARE)  # CPU seconds a second
            pause = min(MAX_PAUSE, -self._credit / allowance)
            time.sleep(pause)
            self._credit += pause * allowance
        self._cpu = time.thread_time()

    def _look(self) -> None:
        now = time.monotonic()
        elapsed = now - self._looked
        if elapsed < LOOK_EVERY:
            return
        head = self._read_head()
        if self._head >= 0:
            others = head - self._head - self._own
            self.rate = max(0, others) / elapsed
            if others > 0:
                self._pushed = now
        self._head, self._own, self._looked = head, 0, now
