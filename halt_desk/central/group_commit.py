"""Group commit: concurrent pushes funnelled into one writer thread that records them
together, each caller handed its own results (on its thread or its event loop).
"""

from __future__ import annotations

import asyncio
import os
import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from halt_desk.central.auth import User
from halt_desk.central.engine import lost_connection
from halt_desk.central.service import Central
from halt_desk.central.validation import MAX_BATCH, EventResult
from halt_desk.domain.errors import HaltDeskError

#: Set to a folder, each server process's writer thread profiles its group commits (its
#: own CPU time, not its waits) into FOLDER/<pid>.prof, saved every second: what
#: tests/perf/bench_central.py --cprofile reads.
PROFILE_ENV = "HALT_DESK_PROFILE_WRITER"


class GroupCommitter:
    """Funnels concurrent `record` calls into one writer thread that commits them together.

    Each caller waits for its own results. While one transaction is being written, new
    submissions queue up; the next transaction takes all of them (up to a limit), so under
    load many small pushes cost one commit. If a combined transaction fails, its batches are
    retried one by one, so one bad batch never fails another caller's.
    """

    MAX_EVENTS_PER_COMMIT = 2000

    def __init__(self, central: Central) -> None:
        self.central = central
        self._queue: queue.Queue[_Submission | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="central-writer", daemon=True)
        self._thread.start()

    def record(self, user: User, raw_events: Sequence[object], address: str) -> list[EventResult]:
        submission = _Submission(user, raw_events, address, Future())
        self._submit(submission)
        assert submission.result is not None
        return submission.result.result()

    async def record_async(
        self, user: User, raw_events: Sequence[object], address: str
    ) -> list[EventResult]:
        """`record` for the event loop: waits for the writer without holding a thread."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[list[EventResult]] = loop.create_future()
        self._submit(_Submission(user, raw_events, address, waiter=(loop, waiter)))
        return await waiter

    def _submit(self, submission: _Submission) -> None:
        if len(submission.events) > MAX_BATCH:
            raise HaltDeskError(f"a batch holds at most {MAX_BATCH} events")
        self._queue.put(submission)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        profile = _WriterProfile(os.environ.get(PROFILE_ENV))
        while True:
            first = self._queue.get()
            if first is None:
                profile.save()
                return
            with profile:
                group = [first]
                self._take_queued(group)
                self._commit(group, late=True)

    def _take_queued(self, group: list[_Submission]) -> list[_Submission]:
        """Moves what waits in the queue into `group`, up to MAX_EVENTS_PER_COMMIT events
        in all; returns what it moved."""
        size = sum(len(submission.events) for submission in group)
        taken: list[_Submission] = []
        while size < self.MAX_EVENTS_PER_COMMIT:
            try:
                more = self._queue.get_nowait()
            except queue.Empty:
                break
            if more is None:
                self._queue.put(None)
                break
            taken.append(more)
            size += len(more.events)
        group.extend(taken)
        return taken

    def _commit(self, group: list[_Submission], *, again: bool = False, late: bool = False) -> None:
        """Records `group` in one transaction; with `late`, what arrives while it waits for
        the write lock joins it (and `group` grows)."""

        def more() -> list[tuple[User, Sequence[object], str]]:
            return [(s.user, s.events, s.address) for s in self._take_queued(group)]

        submissions = [(s.user, s.events, s.address) for s in group]
        try:
            outcomes = self.central.record_many(submissions, more if late else None)
        except Exception as exc:
            if lost_connection(exc) and not again:
                # The pool is invalidated by now: once more, on a new connection. Events
                # whose COMMIT did reach the database before the loss come back as
                # duplicates, with their seq, which a client takes as confirmed.
                self._commit(group, again=True)
                return
            if len(group) == 1:
                _settle([(group[0], exc)])
                return
            for submission in group:  # isolate the batch that failed
                self._commit([submission], again=again)
            return
        _settle(list(zip(group, outcomes, strict=True)))


_Outcome = list[EventResult] | BaseException


def _settle(settled: Sequence[tuple[_Submission, _Outcome]]) -> None:
    """Hands each caller its outcome: waiters on an event loop all in one call to it (one
    wake-up of the loop per commit, not one per push)."""
    loops: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], _Outcome]]] = {}
    for submission, outcome in settled:
        if submission.waiter is not None:
            loop, waiter = submission.waiter
            loops.setdefault(loop, []).append((waiter, outcome))
        elif submission.result is not None:
            if isinstance(outcome, BaseException):
                submission.result.set_exception(outcome)
            else:
                submission.result.set_result(outcome)
    for loop, waiters in loops.items():
        with suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(_settle_waiters, waiters)


def _settle_waiters(waiters: list[tuple[asyncio.Future[Any], _Outcome]]) -> None:
    for waiter, outcome in waiters:
        if waiter.done():  # cancelled: the client went away
            continue
        if isinstance(outcome, BaseException):
            waiter.set_exception(outcome)
        else:
            waiter.set_result(outcome)


@dataclass
class _Submission:
    """One caller's batch, and where its outcome goes: a thread's Future, or a Future of
    an event loop (set on that loop's thread)."""

    user: User
    events: Sequence[object]
    address: str
    result: Future[list[EventResult]] | None = None
    waiter: tuple[asyncio.AbstractEventLoop, asyncio.Future[list[EventResult]]] | None = None


class _WriterProfile:
    """cProfile around the writer's group commits when `folder` is set; nothing otherwise."""

    def __init__(self, folder: str | None) -> None:
        self.path = f"{folder}/{os.getpid()}.prof" if folder else None
        self._profile: Any = None
        if folder:
            import cProfile

            self._profile = cProfile.Profile(time.thread_time)
        self._saved = time.monotonic()

    def __enter__(self) -> None:
        if self._profile is not None:
            self._profile.enable()

    def __exit__(self, *exc: object) -> None:
        if self._profile is not None:
            self._profile.disable()
            if time.monotonic() - self._saved > 1.0:
                self.save()

    def save(self) -> None:
        if self._profile is not None and self.path is not None:
            self._profile.dump_stats(self.path)
            self._saved = time.monotonic()
