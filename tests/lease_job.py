"""A background job for the lease tests: each run appends a start and an end mark (with
its holder and the time) to the file named by HALT_DESK_TEST_MARKS, working a little in
between, so that overlapping runs of two processes would show in the file."""

from __future__ import annotations

import os
import time

from halt_desk.central.leases import Job, Lease

MARKS_ENV = "HALT_DESK_TEST_MARKS"


def _mark(kind: str, holder: str) -> None:
    line = f"{kind} {holder} {time.time_ns()}\n".encode()
    fd = os.open(os.environ[MARKS_ENV], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)  # one write on an O_APPEND file: lines never interleave
    finally:
        os.close(fd)


def _run(lease: Lease) -> None:
    _mark("start", lease.holder)
    end = time.monotonic() + 0.2
    while time.monotonic() < end and lease.held():
        time.sleep(0.02)
    _mark("end", lease.holder)


MARKS = Job("test-marks", _run, every=0.1, lease_seconds=3.0)
