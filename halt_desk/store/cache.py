"""One opened cache file: its engine, its two kinds of transaction (`write`, `read`) and
the clocks that folds and newly recorded events read. Every job module of the store takes it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from halt_desk.store.engine import read_only, repeatable
from halt_desk.store.projections import Clock


class RecordingClock(Protocol):
    """What `Store.record` needs of a clock: the device time the user sees, and the last
    known offset of central's clock from it (central − device)."""

    def device_now(self) -> datetime: ...

    def offset(self) -> timedelta: ...


class Cache:
    """The engine of the cache file and the clocks; safe to share between threads, as each
    transaction uses its own session."""

    __slots__ = ("_reader", "_repeatable", "clock", "engine", "recording_clock")

    def __init__(
        self, engine: Engine, clock: Clock, recording_clock: RecordingClock | None = None
    ) -> None:
        self.engine = engine
        #: The moment ticket clocks are evaluated at.
        self.clock = clock
        #: Stamps events made with `record()`; None: the system time, no offset.
        self.recording_clock = recording_clock
        self._reader = read_only(engine)
        self._repeatable = repeatable(engine)

    @contextmanager
    def write(self, *, repeatable: bool = False) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE): committed on success, else rolled back.
        `repeatable`: only what central can send again (see `engine.repeatable`)."""
        engine = self._repeatable if repeatable else self.engine
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read transaction (deferred BEGIN): never waits for a writer (WAL)."""
        with Session(self._reader) as session, session.begin():
            yield session
