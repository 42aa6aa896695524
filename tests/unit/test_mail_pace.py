"""The mail job's CPU budget (halt_desk/central/mail_pace.py): while others push fast it
pays back every millisecond of CPU beyond its burst by pausing, at its allowance; on a
quiet day it never pauses. The pauses are recorded, not slept, so nothing here leans on
the machine's speed."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from halt_desk.central import mail_pace
from halt_desk.central.mail_pace import BURST, CPU_PER_PUSH, MIN_SHARE, Pacer


def _burn(seconds: float) -> None:
    """Uses about `seconds` of this thread's CPU."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def _pacer(step: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Pacer, list[float]]:
    """A pacer whose seq grows by `step` at every look, its pauses recorded."""
    seq = [0]

    def head() -> int:
        seq[0] += step
        return seq[0]

    pauses: list[float] = []
    sleep: Callable[[float], None] = pauses.append
    clock = SimpleNamespace(thread_time=time.thread_time, monotonic=time.monotonic, sleep=sleep)
    monkeypatch.setattr(mail_pace, "time", clock)  # this module's pauses only
    pacer = Pacer(head)
    pacer.flowing()  # the first look: where the seq stands
    return pacer, pauses


def test_while_pushes_flow_the_job_pays_its_cpu_back_in_pauses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pacer, pauses = _pacer(1000, monkeypatch)
    time.sleep(mail_pace.LOOK_EVERY)  # the next look sees the pushes
    _burn(BURST + 0.02)
    pacer.pace()
    assert pacer.rate >= mail_pace.BUSY_RATE
    allowance = max(pacer.rate * CPU_PER_PUSH, MIN_SHARE)
    assert pauses and all(p <= mail_pace.MAX_PAUSE for p in pauses)
    # Every CPU second beyond the burst is paid back at the allowance (at least 0.02 s
    # of CPU over the burst, so at least 0.02 / allowance seconds of pause).
    assert sum(pauses) * allowance >= 0.02 - 1e-9


def test_on_a_quiet_day_the_job_never_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    pacer, pauses = _pacer(0, monkeypatch)
    for _ in range(3):
        _burn(BURST + 0.01)
        pacer.pace()
    assert pauses == [] and pacer.rate == 0


def test_the_job_does_not_count_its_own_events_as_pushes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pacer, pauses = _pacer(500, monkeypatch)
    time.sleep(mail_pace.LOOK_EVERY)
    pacer.recorded(500)  # the seq grew only by the job's own state events
    _burn(BURST + 0.01)
    pacer.pace()
    assert pauses == [] and pacer.rate == 0
