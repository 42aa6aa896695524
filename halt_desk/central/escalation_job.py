"""The escalation job: a built-in background job of central (leases.py: one process at a
time) that runs the escalation triggers (escalation_suggestions.py) over every
organisation every ESCALATION_EVERY seconds and records each new suggestion as
`escalation_suggested` in the name of the central.

Recorded once: a suggestion's stream id follows from its organisation, trigger and
tickets, the triggers leave out tickets already evidence of a suggestion of the same
trigger (pending, dismissed or registered), and the central refuses a second
`escalation_suggested` on a stream that has one; so neither a run after a dismissal nor
a process that takes the job over (its holder died in the middle of a run) records one
twice. A recorded suggestion is a notification for the regie (domain/notifications.py).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from functools import partial

from sqlalchemy import select

from halt_desk.central.auth import Role, User
from halt_desk.central.escalation_suggestions import record_suggestions
from halt_desk.central.leases import Job, Lease
from halt_desk.central.schema import organisations
from halt_desk.central.service import Central

log = logging.getLogger(__name__)

JOB_NAME = "escalation-suggestions"
#: Seconds between two runs (every organisation in each run); the tests make it short.
EVERY_ENV = "HALT_DESK_ESCALATION_EVERY"
DEFAULT_EVERY = 300.0
#: The actor of the suggestions it records.
CENTRAL_ACTOR = "central"
_CENTRAL_USER = User(0, CENTRAL_ACTOR, Role.ADMIN)
#: The lease: a few runs long (a process that takes the job over after a kill waits for
#: it to lapse), at least MIN_LEASE (one organisation's round must fit), at most
#: LEASE_SECONDS (a run renews it between organisations).
LEASE_SECONDS = 60.0
MIN_LEASE = 5.0


def every_from_environment() -> float:
    """The interval EVERY_ENV names (seconds, at least 1), else DEFAULT_EVERY."""
    raw = os.environ.get(EVERY_ENV, "").strip()
    if not raw:
        return DEFAULT_EVERY
    try:
        value = float(raw)
    except ValueError:
        log.warning("%s=%r is not a number of seconds; using %s", EVERY_ENV, raw, DEFAULT_EVERY)
        return DEFAULT_EVERY
    return max(1.0, value)


def escalation_job(central: Central, every: float | None = None) -> Job:
    """The built-in job the server runs (central/api.py)."""
    interval = every if every is not None else every_from_environment()
    return Job(
        JOB_NAME,
        partial(run, central),
        every=interval,
        lease_seconds=min(LEASE_SECONDS, max(MIN_LEASE, interval * 4)),
        idle=partial(idle, central),
        idle_every=30.0,
        # Not at start: a restart need not look at every ticket again at once, and what
        # was found before is in the database (the demo holds what its data suggests).
        first_after=interval,
    )


def idle(central: Central) -> bool:
    """No organisation yet: nothing to look at (one read)."""
    with central.reader.connect() as conn:
        return conn.execute(select(organisations.c.id).limit(1)).first() is None


def run(central: Central, lease: Lease) -> None:
    """A run of the job: one round at this moment."""
    run_round(central, lease)


def run_round(central: Central, lease: Lease, now: datetime | None = None) -> int:
    """One round over every organisation while the lease is ours; the number of
    suggestions recorded."""
    with central.reader.connect() as conn:
        orgs = list(conn.execute(select(organisations.c.id).order_by(organisations.c.id)).scalars())
    recorded = 0
    for org in orgs:
        if lease.seconds_left() < lease.job.lease_seconds * 0.5 and not lease.renew():
            break
        if not lease.held():
            break
        try:
            results = record_suggestions(central, _CENTRAL_USER, org, now or datetime.now(UTC))
        except Exception:  # one organisation's trouble does not stop the others
            log.exception("escalation suggestions of %s failed", org)
            continue
        for result in results:
            if result.status == "accepted":
                recorded += 1
            else:
                log.warning("escalation suggestion of %s not recorded: %s", org, result)
    if recorded:
        log.info("escalation suggestions: recorded %s", recorded)
    return recorded
