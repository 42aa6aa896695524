"""The sync engine: push the outbox, pull the changes feed, keep the clock offset.

`SyncEngine.sync_once()` does one round and returns a `SyncSummary`; `run_forever(stop)`
repeats it in a worker thread with back-off while central cannot be reached. Progress and
state go out through plain callbacks (the desktop app wraps them in Qt signals); nothing
here imports Qt or waits on the UI.

Guarantees (DESIGN §1, §4): an outbox row leaves only when central answered `accepted` or
`duplicate` for it (in one transaction per batch, with its seq); a `rejected` event stays in
the store with central's reason and is not sent again by itself; any transport error, 5xx
or timeout leaves the outbox as it was, and the next round sends the same events again
(central answers `duplicate` for the ones it had). Pulled events and the cursor are written
in one transaction.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from halt_desk.domain.errors import HaltDeskError
from halt_desk.store import HistoryConflict, Store, StoreDiskError
from halt_desk.store.history_marks import RestoreNotice
from halt_desk.sync.central_restore import check_central
from halt_desk.sync.client import CentralClient, ChangesPage, RawAnswer
from halt_desk.sync.clock import ServerClock, describe_offset
from halt_desk.sync.errors import AuthenticationFailed, ProtocolError, ServerUnreachable, SyncError
from halt_desk.sync.number_top_up import top_up_numbers
from halt_desk.sync.progress import PUSH, Failure, SyncProgress

log = logging.getLogger(__name__)

PUSH_BATCH = 500
PULL_PAGE = 2000
#: At most this many seconds between two questions to central about its history when
#: the rounds in between gave no reason to ask (see `SyncEngine._exchange`).
HISTORY_CHECK_EVERY = 300.0


class SyncState(StrEnum):
    """What the sync status shows."""

    IDLE = "idle"  # not started yet
    SYNCING = "syncing"
    ONLINE = "online"  # last round reached central and finished
    CLOCK_WARNING = "clock_warning"  # online, but this computer's clock is > 2 min off
    OFFLINE = "offline"  # central not reachable; the outbox waits
    SIGNED_OUT = "signed_out"  # central refused the token
    ERROR = "error"  # central answered something unusable; see `error`


#: States in which the last round reached central.
REACHED = frozenset({SyncState.ONLINE, SyncState.CLOCK_WARNING})


@dataclass(frozen=True, slots=True)
class SyncSummary:
    """One round of sync: counts, the resulting state and what needs a person's eye."""

    state: SyncState
    pushed: int = 0  # accepted by central this round
    duplicates: int = 0  # central had them already (an earlier round's answer was lost)
    rejected: int = 0  # refused this round (kept with the reason)
    pulled: int = 0  # new events from other clients
    conflicts: int = 0  # new conflict records this round
    outbox: int = 0  # still waiting to be sent
    open_conflicts: int = 0
    rejected_total: int = 0
    clock_offset: timedelta | None = None  # central − device
    clock_measured_at: datetime | None = None
    error: str | None = None  # technical, English: for the log and the CLI
    warnings: tuple[str, ...] = field(default=())
    failure: Failure | None = None  # why it did not reach its end (what the person is told)
    #: Central was found restored from an older backup (or replaced): what this laptop did.
    #: In the summary of the first round that reached its end after it, once.
    central_restored: RestoreNotice | None = None

    def to_json(self) -> dict[str, object]:
        offset = self.clock_offset
        return {
            "state": str(self.state),
            "pushed": self.pushed,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "pulled": self.pulled,
            "conflicts": self.conflicts,
            "outbox": self.outbox,
            "open_conflicts": self.open_conflicts,
            "rejected_total": self.rejected_total,
            "clock_offset_ms": round(offset / timedelta(milliseconds=1)) if offset else 0,
            "clock_measured_at": (
                self.clock_measured_at.isoformat() if self.clock_measured_at else None
            ),
            "error": self.error,
            "warnings": list(self.warnings),
            "failure": str(self.failure) if self.failure else None,
            "central_restored": (
                self.central_restored.to_json() if self.central_restored else None
            ),
        }


StateCallback = Callable[[SyncState, str | None], None]
#: After every batch pushed and every page pulled (and at the start of each phase).
ProgressCallback = Callable[[SyncProgress], None]
SummaryCallback = Callable[[SyncSummary], None]


def _ignore(*_args: object) -> None:
    return None


def _failure(exc: HaltDeskError) -> Failure:
    if isinstance(exc, StoreDiskError):
        return Failure.DISK_FULL if exc.problem == "full" else Failure.DISK
    return Failure.PROTOCOL if isinstance(exc, ProtocolError) else Failure.OTHER


def _later(head: int | None, answer: int | None) -> int | None:
    """Central's head as the latest answer names it (it only grows)."""
    if answer is None:
        return head
    return answer if head is None else max(head, answer)


class SyncEngine:
    """Sync of one local store with central for one signed-in user.

    `client_factory` makes a `CentralClient` (a new one per round, so a thread that runs
    `run_forever` owns its own HTTP session); `clock` is the store's ServerClock.
    """

    def __init__(
        self,
        store: Store,
        client_factory: Callable[[ServerClock], CentralClient],
        clock: ServerClock,
        *,
        push_batch: int = PUSH_BATCH,
        pull_page: int = PULL_PAGE,
        on_state: StateCallback = _ignore,
        on_progress: ProgressCallback = _ignore,
        on_summary: SummaryCallback = _ignore,
    ) -> None:
        self.store = store
        self.clock = clock
        self._client_factory = client_factory
        self._push_batch = push_batch
        self._pull_page = pull_page
        self._on_state = on_state
        self._on_progress = on_progress
        self._on_summary = on_summary
        self._round = threading.Lock()
        self._wake = threading.Event()
        self._state = SyncState.IDLE
        self.last_summary: SyncSummary | None = None
        #: Organisations central reserves no ticket numbers of for this user.
        self._no_numbers: set[str] = set()
        #: Central gave a seq held here for another event: the next check recovers.
        self._suspect = False
        #: When central was last asked about its history (time.monotonic; None: not yet).
        self._checked_at: float | None = None

    @property
    def state(self) -> SyncState:
        return self._state

    def _set_state(self, state: SyncState, detail: str | None = None) -> None:
        self._state = state
        try:
            self._on_state(state, detail)
        except Exception:  # a broken listener must not stop sync
            log.exception("sync state listener failed")

    def _progress(self, progress: SyncProgress) -> None:
        try:
            self._on_progress(progress)
        except Exception:
            log.exception("sync progress listener failed")

    def wake(self) -> None:
        """Asks a running `run_forever` to sync now (e.g. after the user recorded events)."""
        self._wake.set()

    # ------------------------------------------------------------------ one round

    def sync_once(self) -> SyncSummary:
        """Pushes the whole outbox, then pulls every change; returns what happened. Never
        raises for network trouble: that is state OFFLINE with the outbox untouched."""
        with self._round:
            self._set_state(SyncState.SYNCING)
            counts = {"pushed": 0, "duplicates": 0, "rejected": 0, "pulled": 0, "conflicts": 0}
            state, error, failure = SyncState.ONLINE, None, None
            try:
                with self._client_factory(self.clock) as client:
                    self._exchange(client, counts)
                    top_up_numbers(self.store, client, self.clock.now(), self._no_numbers)
            except ServerUnreachable as exc:
                failure = Failure.UNTRUSTED if exc.untrusted else Failure.UNREACHABLE
                state, error = SyncState.OFFLINE, str(exc)
            except AuthenticationFailed as exc:
                state, error, failure = SyncState.SIGNED_OUT, str(exc), Failure.SIGNED_OUT
            except HaltDeskError as exc:
                self._suspect = self._suspect or isinstance(exc, HistoryConflict)
                state, error, failure = SyncState.ERROR, str(exc), _failure(exc)
            summary = self._summary(state, error, failure, counts)
            self.last_summary = summary
            if error:
                log.warning("sync round ended %s: %s", summary.state, error)
            self._set_state(summary.state, error)
            try:
                self._on_summary(summary)
            except Exception:
                log.exception("sync summary listener failed")
            return summary

    def _exchange(self, client: CentralClient, counts: dict[str, int]) -> None:
        """Push and pull, with central's history checked before anything it gives is
        written (central_restore.py). A round without a reason to ask (`_check_due`) first
        reads the feed from the seq before this cache's newest mark: when that page holds
        only the event at the mark, with the mark's chain, central still has the history
        pulled here and has nothing new, and the round writes nothing of central's, so the
        question is left out; anything else asks it before the pull."""
        first: tuple[int, ChangesPage] | None = None
        if self._check_due():
            self._check(client, suspect=self._suspect)
        else:
            first = self._probe(client)
            if first is None:
                self._check(client, suspect=False)
        try:
            self._push(client, counts)
            self._pull(client, counts, first)
        except HistoryConflict as exc:  # central was restored during the round
            log.warning("%s", exc)
            self._suspect = True  # until a recovery has run
            self._check(client, suspect=True)
            self._push(client, counts)
            self._pull(client, counts, None)

    def _check_due(self) -> bool:
        """Whether this round asks central about its history before anything else: the
        engine's first round, after a seq given twice, with events waiting to be sent (the
        question reports the ticket numbers they may use), and at least every
        `HISTORY_CHECK_EVERY` seconds (it also reports the numbers held here)."""
        return (
            self._suspect
            or self._checked_at is None
            or time.monotonic() - self._checked_at >= HISTORY_CHECK_EVERY
            or self.store.outbox_size() > 0
        )

    def _probe(self, client: CentralClient) -> tuple[int, ChangesPage] | None:
        """The feed's first page for the pull (empty) when central still gives this
        cache's newest mark and nothing after it; None: ask central about its history."""
        since = self.store.last_pulled_seq()
        mark = self.store.newest_mark()
        if mark is None or mark.seq != since:
            return None
        page = client.changes(since - 1, 2)  # the mark's event, and one more if any
        agrees = (
            [seq for seq, _event in page.events] == [since]
            and page.next == since
            and not page.more
            and page.chain == mark.chain
            and page.head is not None
            and page.head >= self.store.highest_seq()
        )
        return (since, ChangesPage([], since, False, page.head, None)) if agrees else None

    def _check(self, client: CentralClient, *, suspect: bool) -> None:
        check_central(self.store, client, suspect=suspect)
        self._suspect = False
        self._checked_at = time.monotonic()

    def _push(self, client: CentralClient, counts: dict[str, int]) -> None:
        total = self.store.outbox_size()
        done = 0
        self._progress(SyncProgress(PUSH, 0, total))
        previous: list[str] = []
        while True:
            batch = self.store.pending_outbox(self._push_batch)
            if not batch:
                return
            if [event.id for event in batch] == previous:  # pragma: no cover - store bug guard
                raise SyncError("the outbox did not move after central's answer")
            previous = [event.id for event in batch]
            results = client.push(batch)
            confirmed: dict[str, int | None] = {}
            rejected: dict[str, str] = {}
            for event, result in zip(batch, results, strict=True):
                if result.status == "rejected":
                    rejected[event.id] = result.reason or "rejected by central"
                else:
                    confirmed[event.id] = result.seq
                    counts["pushed" if result.status == "accepted" else "duplicates"] += 1
            counts["rejected"] += len(rejected)
            self.store.apply_push_results(confirmed, rejected)
            done += len(batch)
            self._progress(SyncProgress(PUSH, done, max(total, done)))

    def _pull(
        self,
        client: CentralClient,
        counts: dict[str, int],
        first: tuple[int, ChangesPage] | None,
    ) -> None:
        """Pulls page after page (`first`: the first page, already asked after the seq it
        names). While a page is written, a helper thread already asks central for the next
        one (after the page's last seq, where the written cursor will be): central prepares
        it on the other core instead of the two taking turns."""
        conflicts_before = len(self.store.conflicts())
        done = 0
        since = start = self.store.last_pulled_seq()
        self._progress(SyncProgress.pulled(0, start, start, None))
        if first is not None and first[0] == since:
            page = first[1]
        else:
            page = client.changes(since, self._pull_page)
        head = page.head
        self._progress(SyncProgress.pulled(0, start, start, head))
        with ThreadPoolExecutor(1, thread_name_prefix="halt-desk-pull") as helper:
            while True:
                ahead: Future[RawAnswer] | None = None
                if page.more and page.events:
                    ahead = helper.submit(client.fetch_changes, page.next, self._pull_page)
                if page.events:
                    mark = (page.next, page.chain) if page.chain is not None else None
                    counts["pulled"] += self.store.ingest_remote(
                        page.events, parsed=True, mark=mark
                    )
                    done += len(page.events)
                    head = _later(head, page.head)
                    if ahead is not None:
                        self._progress(SyncProgress.pulled(done, start, page.next, head))
                if ahead is None:
                    # The feed had nothing more up to the head it named: all of it is read.
                    end = max(page.next, head or 0)
                    self._progress(SyncProgress.pulled(done, start, end, end))
                    break
                cursor = self.store.last_pulled_seq()
                if cursor <= since:  # pragma: no cover - central bug guard
                    raise SyncError(f"central's changes feed did not move past seq {since}")
                answer = ahead.result()
                if cursor == page.next:
                    page = client.read_changes(answer)
                else:  # pragma: no cover - the page's `next` was not its last seq: ask again
                    page = client.changes(cursor, self._pull_page)
                since = cursor
        counts["conflicts"] = len(self.store.conflicts()) - conflicts_before

    def _summary(
        self,
        state: SyncState,
        error: str | None,
        failure: Failure | None,
        counts: dict[str, int],
    ) -> SyncSummary:
        warnings: list[str] = []
        measured = self.clock.measured_at
        offset = self.clock.offset() if measured is not None else None
        if offset is not None and self.clock.warning:
            warnings.append(
                f"this computer's clock is {describe_offset(offset)}; times are corrected "
                "with the measured offset, but please set the clock right"
            )
            if state is SyncState.ONLINE:
                state = SyncState.CLOCK_WARNING
        restored = self.store.restore_notice() if state in REACHED else None
        if restored is not None:  # told now, once: the summary carries it
            self.store.clear_restore_notice()
            warnings.append(
                "central was restored from an older backup: "
                f"{restored.resent} event(s) of this laptop sent again"
            )
        rejected_total = len(self.store.rejected_events())
        open_conflicts = len(self.store.conflicts(open_only=True))
        if rejected_total:
            warnings.append(f"{rejected_total} event(s) refused by central; see the reasons")
        if open_conflicts:
            warnings.append(f"{open_conflicts} conflicting edit(s) wait for a decision")
        return SyncSummary(
            state=state,
            outbox=self.store.outbox_size(),
            open_conflicts=open_conflicts,
            rejected_total=rejected_total,
            clock_offset=offset,
            clock_measured_at=measured,
            error=error,
            warnings=tuple(warnings),
            failure=failure,
            pushed=counts["pushed"],
            duplicates=counts["duplicates"],
            rejected=counts["rejected"],
            pulled=counts["pulled"],
            conflicts=counts["conflicts"],
            central_restored=restored,
        )

    # ------------------------------------------------------------------ the loop

    def run_forever(
        self,
        stop: threading.Event,
        *,
        interval: float = 30.0,
        max_backoff: float = 300.0,
        first_backoff: float = 1.0,
    ) -> None:
        """Syncs until `stop` is set: every `interval` seconds (or at once after `wake()`),
        and after a failed round again after a back-off that doubles up to `max_backoff`
        (with jitter, so many laptops coming back online do not hit central together)."""
        failures = 0
        while not stop.is_set():
            summary = self.sync_once()
            if summary.state in REACHED:
                failures = 0
                delay = interval
            else:
                failures += 1
                delay = min(max_backoff, first_backoff * 2 ** (failures - 1))
                delay *= random.uniform(0.5, 1.0)  # jitter, not security
                log.info("next sync attempt in %.1f s", delay)
            self._sleep(stop, delay)

    def _sleep(self, stop: threading.Event, delay: float) -> None:
        """Waits `delay` seconds, less if `stop` is set or `wake()` is called."""
        step = 0.2
        remaining = delay
        while remaining > 0 and not stop.is_set():
            if self._wake.wait(min(step, remaining)):
                break
            remaining -= step
        self._wake.clear()
