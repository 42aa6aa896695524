"""The courier poller: a built-in background job of central (leases.py: one process at a
time) that asks the configured carriers about every open shipment and records what is new
(courier_events.py).

A round (every few seconds) asks the shipments whose turn has come (`courier_polls.
next_at`), each carrier in a thread of its own at no more than its configured rate. Before
it asks a group of shipments it moves their turn on by the carrier's interval and commits
that, so a process that takes the job over (the holder died, or lost its lease) asks only
what the first did not: each shipment is asked once a round. What the carrier answers is
recorded in batches. A carrier that says "too many requests" (429, Retry-After), fails
(5xx) or does not answer in time is paused (its Retry-After, else 1, 2, 4 … 60 s) and the
shipment asked again; one that gives an answer we cannot read moves on to the next turn
(logged with carrier and tracking code, never the key).
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, bindparam, delete, func, select, update

from halt_desk.central.courier_events import OpenShipment, open_shipments, record, status_events
from halt_desk.central.courier_settings import CourierSettings, load
from halt_desk.central.leases import Job, Lease
from halt_desk.central.schema import (
    audit_log,
    courier_poller_state,
    courier_polls,
    courier_settings,
    seq_counter,
)
from halt_desk.central.service import Central
from halt_desk.couriers.base import CourierAdapter, CourierBusy, CourierError, Fetch, http_fetch
from halt_desk.couriers.registry import carriers
from halt_desk.domain.events import Event

log = logging.getLogger(__name__)

JOB_NAME = "courier-poll"
#: Shipments whose turn is moved on (and committed) at once, and events recorded at once.
GROUP = 50
#: The longest pause after a refusal without Retry-After, and how often one shipment is
#: asked again within a round before it waits for its next turn.
MAX_PAUSE = 60.0
ATTEMPTS = 4
#: How long one request may take.
TIMEOUT = 10.0
#: Requests in flight per carrier at most (each still waits for its slot of the rate).
WORKERS = 4


@dataclass
class RoundReport:
    """What one round did, per carrier (for the log and the tests)."""

    asked: dict[str, int] = field(default_factory=dict)
    recorded: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)  # 429 / 5xx / timeouts
    failed: dict[str, int] = field(default_factory=dict)  # unreadable or unknown


def _now_ms() -> int:
    return int(time.time() * 1000)


class _Pacer:
    """At most `rate` requests a second over all of a carrier's workers: each request
    starts no sooner than 1/rate after the one before; a refusal pauses them all."""

    def __init__(self, rate: float, stopping: Callable[[], bool]) -> None:
        self.gap = 1.0 / rate
        self._next = 0.0
        self._pause_until = 0.0
        self._stopping = stopping
        self._lock = threading.Lock()

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._pause_until = max(self._pause_until, time.monotonic() + seconds)

    def wait(self) -> bool:
        """Sleeps until this request's slot; False when the run must stop instead."""
        while True:
            if self._stopping():
                return False
            with self._lock:
                now = time.monotonic()
                slot = max(self._next, self._pause_until, now)
                if slot - now <= 0.5:
                    self._next = slot + self.gap
            left = slot - now
            if left <= 0.5:
                if left > 0:
                    time.sleep(left)
                return True
            time.sleep(0.5)  # a long pause: look at the lease again in between


class _CarrierRound:
    """One carrier's shipments of a round, shared by its workers: the next shipment (a
    group's turns moved on first), the events waiting to be recorded, what was asked."""

    def __init__(self, poller: CourierPoller, carrier: str, shipments: list[OpenShipment],
                 interval_ms: int) -> None:  # fmt: skip
        self.poller, self.carrier, self.interval_ms = poller, carrier, interval_ms
        self._todo = list(reversed(shipments))
        self._ready: collections.deque[OpenShipment] = collections.deque()  # claimed, not asked
        self._pending: list[Event] = []
        self._lock = threading.Lock()

    def next(self) -> OpenShipment | None:
        with self._lock:
            if not self._ready and self._todo:
                group = [self._todo.pop() for _ in range(min(GROUP, len(self._todo)))]
                turn = _now_ms() + self.interval_ms
                self.poller._move_turns(self.carrier, [s.tracking for s in group], turn)
                self._ready.extend(group)
            return self._ready.popleft() if self._ready else None

    def give_back(self, shipment: OpenShipment) -> None:
        """A shipment taken but not asked (the run stops)."""
        with self._lock:
            self._ready.appendleft(shipment)

    def add(self, made: list[Event]) -> list[Event]:
        """Adds events; the batch to record now (a full group), if any."""
        with self._lock:
            self._pending += made
            if len(self._pending) < GROUP:
                return []
            batch, self._pending = self._pending, []
            return batch

    def finish(self, stopped: bool) -> list[Event]:
        """The events left to record; when the run stopped early, the claimed shipments not
        asked get their turn back (while the lease is still ours) for the next holder (a
        holder that dies leaves them for their next turn)."""
        with self._lock:
            if stopped and self._ready:
                self.poller._move_turns(self.carrier, [s.tracking for s in self._ready], 0)
                self._ready.clear()
            batch, self._pending = self._pending, []
            return batch


class CourierPoller:
    """The job's work over one `Central`; `fetch_for` makes each carrier's HTTP (tests may
    give another timeout)."""

    def __init__(self, central: Central, fetch_for: Callable[[str], Fetch] | None = None) -> None:
        self.central = central
        self.engine: Engine = central.engine
        self._fetch_for = fetch_for or (lambda carrier: http_fetch(TIMEOUT, carrier))
        self.last_round = RoundReport()
        self._intervals: dict[str, int] = {}
        self._last_key: object = None

    def job(self, every: float = 5.0, lease_seconds: float = 30.0) -> Job:
        return Job(JOB_NAME, self.run, every=every, lease_seconds=lease_seconds, idle=self.idle)

    def idle(self) -> bool:
        """No carrier configured: nothing to poll (one read; the lease is left alone)."""
        with self.engine.connect() as conn:
            return conn.execute(select(courier_settings.c.carrier).limit(1)).first() is None

    def run(self, lease: Lease) -> None:
        settings = {c: s for c, s in load(self.engine).items() if s.api_key}
        if not settings or self._quiet(settings):
            return
        due = self._due(settings)
        report = RoundReport()
        threads = [
            threading.Thread(
                target=self._carrier_round,
                args=(settings[carrier], shipments, lease, report),
                name=f"courier-{carrier}",
                daemon=True,
            )
            for carrier, shipments in due.items()
            if shipments
        ]
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            if lease.seconds_left() < lease.job.lease_seconds * 0.5:
                lease.renew()
            for thread in threads:
                thread.join(timeout=lease.job.lease_seconds / 10)
        self.last_round = report
        if report.asked:
            log.info(
                "courier poll: asked %s, recorded %s, refused %s, failed %s",
                report.asked,
                report.recorded,
                report.refused,
                report.failed,
            )

    # ------------------------------------------------------------------ turns
    def _quiet(self, settings: dict[str, CourierSettings]) -> bool:
        """Nothing to do since the last round: no event and no audit entry (a restore
        found) since, the same settings, and no shipment's turn has come. Saves reading
        every open shipment's statuses every few seconds."""
        with self.engine.connect() as conn:
            head = conn.execute(select(seq_counter.c.value)).scalar()
            audit = conn.execute(select(func.max(audit_log.c.id))).scalar()
            soonest = conn.execute(select(func.min(courier_polls.c.next_at))).scalar()
        key = (head, audit, tuple(sorted(map(repr, settings.values()))))
        quiet = key == self._last_key and (soonest is None or soonest > _now_ms())
        self._last_key = key
        return quiet

    def _due(self, settings: dict[str, CourierSettings]) -> dict[str, list[OpenShipment]]:
        """The open shipments of configured carriers whose turn has come; new shipments
        get a turn at once, shipments no longer open lose theirs."""
        shipments = [s for s in open_shipments(self.central) if s.carrier in settings]
        by_key = {s.key: s for s in shipments}
        with self.engine.begin() as conn:
            turns = {
                (row.carrier, row.tracking): row.next_at
                for row in conn.execute(select(courier_polls)).all()
            }
            fresh = [k for k in by_key if k not in turns]
            if fresh:
                conn.execute(
                    courier_polls.insert(),
                    [{"carrier": c, "tracking": t, "next_at": 0, "failures": 0} for c, t in fresh],
                )
            gone = [{"c": c, "t": t} for c, t in turns if (c, t) not in by_key and c in settings]
            if gone:
                conn.execute(
                    delete(courier_polls)
                    .where(courier_polls.c.carrier == bindparam("c"))
                    .where(courier_polls.c.tracking == bindparam("t")),
                    gone,
                )
            if _restored(conn):
                # Central was restored from a backup (a laptop found it behind): statuses
                # recorded after the backup are lost. Every open shipment is asked now,
                # and its whole history read again.
                log.warning("courier poll: central was restored; asking every open shipment")
                conn.execute(update(courier_polls).values(next_at=0))
                turns = dict.fromkeys(turns, 0)
        now = _now_ms()
        due: dict[str, list[OpenShipment]] = {}
        for key, shipment in sorted(by_key.items(), key=lambda item: turns.get(item[0], 0)):
            if turns.get(key, 0) <= now:
                due.setdefault(shipment.carrier, []).append(shipment)
        return due

    def _move_turns(self, carrier: str, trackings: Sequence[str], at_ms: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(courier_polls)
                .where(courier_polls.c.carrier == carrier)
                .where(courier_polls.c.tracking == bindparam("t"))
                .values(next_at=at_ms),
                [{"t": t} for t in trackings],
            )

    def _note_failure(self, carrier: str, tracking: str, problem: str, retry_ms: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(courier_polls)
                .where(courier_polls.c.carrier == carrier)
                .where(courier_polls.c.tracking == tracking)
                .values(
                    failures=courier_polls.c.failures + 1,
                    problem=problem[:200],
                    next_at=_now_ms() + retry_ms,
                )
            )

    # ------------------------------------------------------------------ asking
    def _carrier_round(
        self,
        settings: CourierSettings,
        shipments: list[OpenShipment],
        lease: Lease,
        report: RoundReport,
    ) -> None:
        """WORKERS threads ask the carrier (so that one slow answer does not hold up the
        rate), paced together."""
        carrier = settings.carrier
        pacer = _Pacer(settings.rate, lambda: not lease.held())
        interval_ms = self._intervals[carrier] = int(settings.interval_minutes * 60_000)
        work = _CarrierRound(self, carrier, shipments, interval_ms)
        stopped = threading.Event()

        def worker() -> None:
            adapter = carriers()[carrier].adapter(
                settings.api_key, self._fetch_for(carrier), settings.base_url
            )
            while (shipment := work.next()) is not None:
                made = self._ask(adapter, shipment, pacer, report)
                if made is None:
                    work.give_back(shipment)
                    stopped.set()
                    return
                _add(report.recorded, carrier, record(self.central, work.add(made), carrier))

        threads = [threading.Thread(target=worker, name=f"courier-{carrier}-{n}", daemon=True)
                   for n in range(min(WORKERS, len(shipments)))]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        left = work.finish(stopped.is_set())
        _add(report.recorded, carrier, record(self.central, left, carrier))

    def _ask(
        self,
        adapter: CourierAdapter,
        shipment: OpenShipment,
        pacer: _Pacer,
        report: RoundReport,
    ) -> list[Event] | None:
        """What the carrier adds to one shipment; None when the run must stop."""
        carrier = shipment.carrier
        for attempt in range(ATTEMPTS):
            if not pacer.wait():
                return None
            _add(report.asked, carrier, 1)
            try:
                result = adapter.track(shipment.tracking)
            except CourierBusy as exc:
                _add(report.refused, carrier, 1)
                pause = exc.retry_after if exc.retry_after is not None else 2.0**attempt
                pacer.pause(min(MAX_PAUSE, max(pause, pacer.gap)))
                log.info("courier %s %s: %s; pausing %.1f s", carrier, shipment.tracking,
                         exc.problem, min(MAX_PAUSE, pause))  # fmt: skip
                continue
            except CourierError as exc:
                _add(report.failed, carrier, 1)
                log.warning("courier %s %s: %s", carrier, shipment.tracking, exc.problem)
                self._note_failure(
                    carrier, shipment.tracking, exc.problem, self._intervals[carrier]
                )
                return []
            return status_events(self.central, shipment, result, "carrier")
        retry_ms = int(min(MAX_PAUSE, 2.0**ATTEMPTS) * 1000)
        self._note_failure(carrier, shipment.tracking, "carrier busy", retry_ms)
        return []


def _restored(conn: Connection) -> bool:
    """Whether a `central.restore_found` audit entry came since the last look (history.py
    writes one when a laptop finds central behind what it pulled). How far the poller
    looked is kept in the database: a restore takes it back with everything else, and the
    entry written after the restore lies beyond it."""
    seen = conn.execute(
        select(courier_poller_state.c.value).where(courier_poller_state.c.name == "audit_seen")
    ).scalar()
    last = conn.execute(select(func.max(audit_log.c.id))).scalar() or 0
    if seen == last:
        return False
    found = (
        seen is not None
        and conn.execute(
            select(audit_log.c.id)
            .where(audit_log.c.id > seen)
            .where(audit_log.c.action == "central.restore_found")
            .limit(1)
        ).first()
        is not None
    )
    if seen is None:
        conn.execute(courier_poller_state.insert().values(name="audit_seen", value=last))
    else:
        conn.execute(
            update(courier_poller_state)
            .where(courier_poller_state.c.name == "audit_seen")
            .values(value=last)
        )
    return found


def _add(counts: dict[str, int], carrier: str, n: int) -> None:
    if n:
        counts[carrier] = counts.get(carrier, 0) + n


def poller_jobs(central: Central) -> list[Job]:
    """The built-in jobs of the courier poller (api.py starts them with the others)."""
    return [CourierPoller(central).job()]
