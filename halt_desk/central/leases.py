"""Background jobs of the central, each run by one process at a time: a lease per job.

Several central processes (workers of one server, servers on several hosts) share one
database; a job such as sending mail or polling couriers must run in only one of them. A
job's row in `job_leases` names its holder and when the lease expires. A process takes the
lease when nobody holds it or the holder let it lapse, renews it before every run, and
gives it up when it stops; a holder that dies (kill -9, a lost host) is replaced once the
lease has expired.

Clocks: expiry is decided by the database's clock alone, in the one statement that takes
or renews the lease, so hosts whose clocks disagree cannot both think they hold it. The
holder itself goes by its own monotonic clock: it counts its lease from the moment
*before* it sent the renewal, and only for RUN_SHARE of the lease, so it stops believing
it holds the lease before the database can give it to another process (the database
counts from when the statement ran, which is later).
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, TextClause, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

#: Share of the lease a holder counts on (from before its renewal was sent): the rest is
#: the margin for the round trip and for clocks that run at slightly different rates.
RUN_SHARE = 0.8
#: Jobs a server runs besides its built-in ones: `module:attribute` names of `Job`s,
#: separated by commas (for an operator's own job, and for the tests).
JOBS_ENV = "HALT_DESK_CENTRAL_JOBS"

#: The database's clock in milliseconds since 1970, as SQL, per dialect.
_NOW_MS = {
    "postgresql": "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
    "sqlite": "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
}


def _now_ms(engine: Engine) -> str:
    try:
        return _NOW_MS[engine.dialect.name]
    except KeyError:
        raise NotImplementedError(f"leases on {engine.dialect.name}") from None


def _take_statement(engine: Engine) -> TextClause:
    now = _now_ms(engine)
    return text(
        "INSERT INTO job_leases (name, holder, expires_at, renewed_at) "
        f"VALUES (:name, :holder, {now} + :ms, {now}) "
        "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
        "expires_at = excluded.expires_at, renewed_at = excluded.renewed_at "
        "WHERE job_leases.holder = excluded.holder "
        "OR job_leases.expires_at <= excluded.renewed_at"
    )


def take(engine: Engine, name: str, holder: str, seconds: float) -> bool:
    """Takes the lease of job `name` for `holder`, or renews it, for `seconds` of database
    time; False while another holder's lease has not expired. One statement, atomic on
    every backend (two takers: the second sees the first's row)."""
    with engine.begin() as conn:
        result = conn.execute(
            _take_statement(engine),
            {"name": name, "holder": holder, "ms": round(seconds * 1000)},
        )
        return result.rowcount == 1


def release(engine: Engine, name: str, holder: str) -> None:
    """Gives the lease of `name` up if `holder` has it: another process may take it at once."""
    with engine.begin() as conn:
        conn.execute(
            text(
                f"UPDATE job_leases SET expires_at = {_now_ms(engine)} "
                "WHERE name = :name AND holder = :holder"
            ),
            {"name": name, "holder": holder},
        )


class Lease:
    """What a running job knows of its lease: whether it still holds it (`held`), and how to
    renew it between steps of a long run (`renew`)."""

    def __init__(self, engine: Engine, job: Job, holder: str, stopping: threading.Event) -> None:
        self.engine = engine
        self.job = job
        self.holder = holder
        self._stopping = stopping
        self.deadline = 0.0  # time.monotonic() up to which the lease is ours

    def renew(self) -> bool:
        """Renews the lease; False (and `held` False from then on) when it is lost."""
        started = time.monotonic()
        try:
            taken = take(self.engine, self.job.name, self.holder, self.job.lease_seconds)
        except SQLAlchemyError as exc:
            log.warning("job %s: could not renew its lease: %s", self.job.name, exc)
            taken = False
        # Not renewed (lost, or the database unreachable): stop counting on it at once.
        self.deadline = started + self.job.lease_seconds * RUN_SHARE if taken else 0.0
        return taken

    def held(self) -> bool:
        """Whether the job may go on: the lease is ours and the server is not stopping."""
        return time.monotonic() < self.deadline and not self._stopping.is_set()

    def seconds_left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


@dataclass(frozen=True, slots=True)
class Job:
    """A background job: `run` is called every `every` seconds in the one process holding
    the job's lease. A run must end within the lease (RUN_SHARE × `lease_seconds`), or
    call `lease.renew()` between its steps and stop when `lease.held()` turns False.

    `idle`, when given, tells cheaply (one read, no write) that the job has nothing to do
    at all (nothing configured): then no process takes or renews the lease, the holder
    gives it up, and every process only looks again every `idle_every` seconds.
    `first_after`: seconds from the process's start before the first run (0: at once)."""

    name: str
    run: Callable[[Lease], None]
    every: float = 60.0
    lease_seconds: float = 30.0
    idle: Callable[[], bool] | None = None
    idle_every: float = 5.0
    first_after: float = 0.0


def configured_jobs() -> list[Job]:
    """The jobs named in JOBS_ENV (`module:attribute`, comma-separated)."""
    jobs: list[Job] = []
    for entry in filter(None, (part.strip() for part in os.environ.get(JOBS_ENV, "").split(","))):
        module, _, attribute = entry.partition(":")
        job = getattr(importlib.import_module(module), attribute)
        if not isinstance(job, Job):
            raise TypeError(f"{JOBS_ENV}: {entry} is not a Job")
        jobs.append(job)
    return jobs


def new_holder() -> str:
    """A name for this process's leases, unique across hosts and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class JobRunner:
    """One thread per job: takes or renews the job's lease every third of the lease time,
    runs the job (when it is due) only right after a successful renewal, and on `stop`
    waits for a run to end and gives its leases up."""

    def __init__(self, engine: Engine, jobs: Sequence[Job], holder: str | None = None) -> None:
        self.engine = engine
        self.jobs = list(jobs)
        self.holder = holder or new_holder()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for job in self.jobs:
            thread = threading.Thread(
                target=self._loop, args=(job,), name=f"job-{job.name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 30.0) -> None:
        """Asks every job to stop, waits for runs under way (up to `timeout` in all), then
        gives the leases up."""
        self._stopping.set()
        end = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, end - time.monotonic()))
        self._threads.clear()

    def _loop(self, job: Job) -> None:
        lease = Lease(self.engine, job, self.holder, self._stopping)
        # The first run is due `first_after` seconds from now, each next `every` after.
        last_run = time.monotonic() - job.every + job.first_after
        poll = job.lease_seconds / 3
        while not self._stopping.is_set():
            if self._idle(job):
                if lease.deadline:
                    self._release(job)
                    lease.deadline = 0.0
                self._stopping.wait(job.idle_every)
                continue
            if lease.renew():
                due = time.monotonic() - last_run >= job.every
                if due and lease.held():
                    last_run = time.monotonic()
                    self._run(job, lease)
            self._stopping.wait(min(poll, job.every) if lease.held() else poll)
        self._release(job)

    def _release(self, job: Job) -> None:
        try:
            release(self.engine, job.name, self.holder)
        except SQLAlchemyError as exc:  # it lapses by itself
            log.warning("job %s: could not give its lease up: %s", job.name, exc)

    @staticmethod
    def _idle(job: Job) -> bool:
        if job.idle is None:
            return False
        try:
            return job.idle()
        except SQLAlchemyError as exc:  # the database unreachable: the lease tells
            log.warning("job %s: could not look whether it has work: %s", job.name, exc)
            return False

    @staticmethod
    def _run(job: Job, lease: Lease) -> None:
        try:
            job.run(lease)
        except Exception:
            log.exception("job %s failed", job.name)
        if lease.deadline and time.monotonic() > lease.deadline:
            log.warning(
                "job %s ran past its lease (%.0f s): another process may have started it",
                job.name,
                job.lease_seconds,
            )
