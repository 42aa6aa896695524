"""How far a sync round is, the time it still needs, and both in the reader's words.

The engine reports a `SyncProgress` after every batch it pushed and every page it pulled.
For the pull it knows central's head (the highest seq handed out, sent with every page of
the changes feed), so it can say how much is left: every seq between its cursor and the
head, of which a user bound to some organisations reads only theirs — the total is an upper
bound, written with "±". `TimeLeft` turns the reports into the time left from the rate at
which the cursor moved (smoothed, so one slow page does not swing it); `feedback` says it
in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

PUSH = "push"
PULL = "pull"


class Failure(StrEnum):
    """Why a round did not reach its end, as the person is told (`failure_text`)."""

    UNREACHABLE = "unreachable"  # no answer from central: the outbox waits
    UNTRUSTED = "untrusted"  # TLS refused central's certificate: the outbox waits for IT
    SIGNED_OUT = "signed_out"  # central refused the token
    DISK_FULL = "disk_full"  # the local cache could not grow
    DISK = "disk"  # the local cache could not be written otherwise
    PROTOCOL = "protocol"  # central answered something this client cannot use
    STOPPED = "stopped"  # the app's sync process ended
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """Where a round is: `done` events of the phase ("push" or "pull") so far.

    Push: `total` is the outbox at the round's start. Pull: `start` is the cursor when the
    round began, `cursor` the last seq written, `head` central's highest seq at the last
    answer (None before the first, or from a central that does not say)."""

    phase: str
    done: int
    total: int | None = None
    start: int = 0
    cursor: int = 0
    head: int | None = None

    @classmethod
    def pulled(cls, done: int, start: int, cursor: int, head: int | None) -> SyncProgress:
        """A pull's progress; the total is what is done plus every seq left up to the head
        (exact for a user who reads every organisation, an upper bound otherwise)."""
        total = None if head is None else done + max(0, head - cursor)
        return cls(PULL, done, total, start, cursor, head)

    @property
    def fraction(self) -> float | None:
        """0.0 … 1.0 of the phase, None when the end is not known. The pull counts seqs,
        not events: for a bound user the seqs of other organisations pass by unread."""
        if self.phase == PULL:
            if self.head is None:
                return None
            span = self.head - self.start
            return 1.0 if span <= 0 else min(1.0, max(0.0, (self.cursor - self.start) / span))
        if self.total is None:
            return None
        return 1.0 if self.total <= 0 else min(1.0, self.done / self.total)

    @property
    def left(self) -> int | None:
        """Seqs (pull) or events (push) still to go."""
        if self.phase == PULL:
            return None if self.head is None else max(0, self.head - self.cursor)
        return None if self.total is None else max(0, self.total - self.done)

    def to_json(self) -> dict[str, object]:
        return {
            "phase": self.phase,
            "done": self.done,
            "total": self.total,
            "start": self.start,
            "cursor": self.cursor,
            "head": self.head,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> SyncProgress:
        def number(key: str) -> int | None:
            value = data.get(key)
            return int(value) if isinstance(value, int | float) else None

        return cls(
            str(data["phase"]),
            number("done") or 0,
            number("total"),
            number("start") or 0,
            number("cursor") or 0,
            number("head"),
        )


class TimeLeft:
    """The seconds a phase still needs, from the rate its reports moved at: an exponentially
    smoothed rate (time constant `smoothing` seconds), said only once `settle` seconds of
    reports are in (the first page's rate says little)."""

    def __init__(self, *, smoothing: float = 8.0, settle: float = 2.0) -> None:
        self.smoothing = smoothing
        self.settle = settle
        self._first: float | None = None
        self._last: tuple[float, int] | None = None  # time, position
        self._rate: float | None = None  # positions per second
        self._phase: str | None = None

    def observe(self, progress: SyncProgress, now: float) -> float | None:
        """Takes a report made at `now` (a monotonic clock, seconds); the seconds left, or
        None while it cannot say yet."""
        position = progress.cursor if progress.phase == PULL else progress.done
        if progress.phase != self._phase:
            self._phase, self._first, self._last, self._rate = progress.phase, now, None, None
        if self._last is not None:
            then, before = self._last
            elapsed = now - then
            if elapsed <= 0:
                return self._estimate(progress, now)
            sample = max(0, position - before) / elapsed
            if self._rate is None:
                self._rate = sample
            else:
                weight = 1.0 - math.exp(-elapsed / self.smoothing)
                self._rate += weight * (sample - self._rate)
        self._last = (now, position)
        return self._estimate(progress, now)

    def _estimate(self, progress: SyncProgress, now: float) -> float | None:
        left = progress.left
        if left is None or self._first is None or now - self._first < self.settle:
            return None
        if left == 0:
            return 0.0
        if not self._rate:
            return None
        return left / self._rate
