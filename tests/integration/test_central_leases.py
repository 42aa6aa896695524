"""Background jobs of the central run by one process at a time (central/leases.py): a lease
per job in the database, taken over when its holder dies, given up when it stops."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from halt_desk.central.leases import Job, JobRunner, Lease, release, take
from halt_desk.central.schema import job_leases
from halt_desk.central.service import Central
from tests.central_server import ProcessServer
from tests.lease_job import MARKS, MARKS_ENV

REPO = Path(__file__).resolve().parents[2]
#: Generous: a loaded machine is slow, never wrong.
TIMEOUT = 120.0


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.05)


@pytest.fixture
def central(db_url: str) -> Central:
    opened = Central.open(db_url)
    yield opened  # type: ignore[misc]
    opened.close()


def test_one_holder_until_the_lease_lapses_or_is_given_up(central: Central) -> None:
    engine = central.engine
    assert take(engine, "mail", "a", 60)
    assert take(engine, "mail", "a", 60)  # renewed
    assert not take(engine, "mail", "b", 60)
    release(engine, "mail", "b")  # not b's to give up
    assert not take(engine, "mail", "b", 60)
    release(engine, "mail", "a")
    assert take(engine, "mail", "b", 60)
    assert not take(engine, "mail", "a", 60)
    # Another job has a lease of its own; a lease that lapses goes to whoever asks next,
    # and the holder that let it lapse cannot renew it any more.
    assert take(engine, "couriers", "a", 0.2)
    wait_until(lambda: take(engine, "couriers", "c", 60), "the short lease lapsed")
    assert not take(engine, "couriers", "a", 60)
    with engine.connect() as conn:
        holders = dict(conn.execute(select(job_leases.c.name, job_leases.c.holder)).all())
    assert holders == {"mail": "b", "couriers": "c"}


def test_a_runner_runs_its_job_only_while_it_holds_the_lease(central: Central) -> None:
    runs: dict[str, list[str]] = {"held": [], "free": []}

    def runner_of(name: str) -> Callable[[Lease], None]:
        def run(lease: Lease) -> None:
            assert lease.held()
            runs[name].append(lease.holder)

        return run

    jobs = [Job(name, runner_of(name), every=0.05, lease_seconds=2.0) for name in runs]
    assert take(central.engine, "held", "someone-else", 600)
    runner = JobRunner(central.engine, jobs, holder="runner")
    runner.start()
    try:
        # "held" is someone else's: while "free" runs again and again, it never runs.
        wait_until(lambda: len(runs["free"]) >= 3, "the free job ran")
        assert runs["held"] == []
        release(central.engine, "held", "someone-else")
        wait_until(lambda: len(runs["held"]) >= 3, "the runner took the lease and ran its job")
    finally:
        runner.stop()
    assert set(runs["held"]) == set(runs["free"]) == {"runner"}
    # Stopped: the leases were given up, anyone may take them at once.
    assert take(central.engine, "held", "next", 60)
    assert take(central.engine, "free", "next", 60)


def test_an_idle_job_leaves_its_lease_alone_until_it_has_work(central: Central) -> None:
    busy = threading.Event()
    runs: list[str] = []
    job = Job("idle", lambda lease: runs.append(lease.holder), every=0.05, lease_seconds=2.0,
              idle=lambda: not busy.is_set(), idle_every=0.05)  # fmt: skip

    def holder() -> str | None:
        with central.engine.connect() as conn:
            found = conn.execute(select(job_leases.c.holder, job_leases.c.expires_at)
                                 .where(job_leases.c.name == "idle")).first()  # fmt: skip
        return found[0] if found is not None else None

    runner = JobRunner(central.engine, [job], holder="runner")
    runner.start()
    try:
        time.sleep(0.5)  # many idle looks: none took the lease or ran the job
        assert runs == [] and holder() is None
        busy.set()
        wait_until(lambda: len(runs) >= 3, "the job ran once it had work")
        assert holder() == "runner"
        busy.clear()  # idle again: the lease is given up, anyone may take it at once
        wait_until(lambda: take(central.engine, "idle", "other", 60), "the lease was given up")
        ran = len(runs)
        time.sleep(0.3)
        assert len(runs) == ran
    finally:
        runner.stop()


@dataclass
class Run:
    holder: str
    start: int
    end: int | None


def read_runs(marks: Path) -> list[Run]:
    """The runs in the marks file, in the order they started; a run whose process was
    killed has no end. Fails on an end without its start."""
    runs: list[Run] = []
    running: dict[str, Run] = {}
    if not marks.exists():
        return runs
    for line in marks.read_text().splitlines():
        kind, holder, at = line.split()
        if kind == "start":
            running[holder] = Run(holder, int(at), None)
            runs.append(running[holder])
        else:
            running.pop(holder).end = int(at)
    return runs


def pid_of(holder: str) -> int:
    return int(holder.split(":")[1])


def test_the_job_moves_when_its_holder_is_killed_and_never_runs_twice_at_once(
    db_url: str, tmp_path: Path
) -> None:
    Central.open(db_url).close()
    marks = tmp_path / "marks.txt"
    env = {
        "HALT_DESK_CENTRAL_JOBS": "tests.lease_job:MARKS",
        MARKS_ENV: str(marks),
        "PYTHONPATH": str(REPO),
    }
    first = ProcessServer(db_url, tmp_path / "a", env=env)
    second = ProcessServer(db_url, tmp_path / "b", env=env)
    first.start()
    try:
        wait_until(lambda: len(read_runs(marks)) >= 2, "the first server ran the job")
        second.start()
        done = len(read_runs(marks))
        wait_until(lambda: len(read_runs(marks)) >= done + 5, "more runs with both serving")
        assert first.process is not None and second.process is not None
        holding = read_runs(marks)[-1].holder
        victim = first if pid_of(holding) == first.process.pid else second
        survivor = second if victim is first else first
        assert survivor.process is not None
        survivor_pid = survivor.process.pid
        victim.kill()  # SIGKILL, mid-run or between runs
        killed_at = time.time_ns()
        wait_until(
            lambda: any(
                pid_of(run.holder) == survivor_pid and run.start > killed_at
                for run in read_runs(marks)
                if run.end is not None
            ),
            "the survivor took the job over",
        )
        survivor.stop()  # gives the lease up
    finally:
        first.stop()
        second.stop()
    runs = read_runs(marks)
    for before, after in itertools.pairwise(runs):
        # Each run ended before the next began; one cut short by the kill ended with it.
        ended = before.end if before.end is not None else killed_at
        assert after.start > ended, f"{after.holder} started while {before.holder} ran"
    unfinished = [run for run in runs if run.end is None]
    assert len(unfinished) <= 1 and all(pid_of(run.holder) == pid_of(holding) for run in unfinished)
    assert {pid_of(run.holder) for run in runs if run.start > killed_at} == {survivor_pid}
    central = Central.open(db_url)
    try:
        assert take(central.engine, MARKS.name, "after-the-test", 60)
    finally:
        central.close()
