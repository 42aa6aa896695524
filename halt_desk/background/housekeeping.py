"""Housekeeping of the local cache, on a schedule, by the sync process and `halt-desk sync`
(never by a window): home addresses of swaps closed 30+ days ago leave the cache (DESIGN
§2.6). It runs at start, every hour, and after a round that pulled a swap closure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from halt_desk.changes import Changes, changes_since

if TYPE_CHECKING:
    from halt_desk.store import Store
    from halt_desk.sync.rounds import SyncSummary

log = logging.getLogger(__name__)

#: Between two runs while nothing asks for one sooner.
HOUSEKEEPING_INTERVAL = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class HousekeepingReport:
    """One run: when, how many events lost personal data, and their streams."""

    at: datetime
    purged: int
    streams: frozenset[str]

    def to_json(self) -> dict[str, object]:
        return {"at": self.at.isoformat(), "purged": self.purged, "streams": sorted(self.streams)}


def run_housekeeping(store: Store, now: datetime) -> HousekeepingReport:
    """Every housekeeping job once, at `now`."""
    from halt_desk.logistics.privacy import purge_expired_home_addresses

    purged, streams = purge_expired_home_addresses(store, now)
    if purged:
        log.info("housekeeping: removed home addresses from %d event(s)", purged)
    return HousekeepingReport(now, purged, streams)


class HousekeepingSchedule:
    """When housekeeping is due: at first, then `interval` after the last run, and at once
    after a round that pulled a swap closure (its addresses may be past their retention
    already: a new cache pulls months of closed swaps)."""

    def __init__(self, interval: timedelta = HOUSEKEEPING_INTERVAL) -> None:
        self.interval = interval
        self.last: datetime | None = None
        self._closure_pulled = False

    def pulled(self, changes: Changes) -> None:
        """What a round wrote to the cache."""
        if changes.swap_closures:
            self._closure_pulled = True

    def due(self, now: datetime) -> bool:
        return self.last is None or self._closure_pulled or now - self.last >= self.interval

    def ran(self, now: datetime) -> None:
        self.last = now
        self._closure_pulled = False


class Housekeeper:
    """Runs housekeeping on `store` when `schedule` says: `start()` once, `after_round()`
    with each sync round's summary. A failed run is logged and tried again when next due."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        schedule: HousekeepingSchedule | None = None,
    ) -> None:
        self.store, self.clock = store, clock
        self.schedule = schedule or HousekeepingSchedule()
        self._marker = store.change_marker()

    def start(self) -> HousekeepingReport | None:
        return self._run_if_due()

    def after_round(self, summary: SyncSummary) -> HousekeepingReport | None:
        if summary.pulled:
            changes, self._marker = changes_since(self.store, self._marker)
            self.schedule.pulled(changes)
        return self._run_if_due()

    def _run_if_due(self) -> HousekeepingReport | None:
        now = self.clock()
        if not self.schedule.due(now):
            return None
        self.schedule.ran(now)  # a failure too: no retry at every round of a broken cache
        try:
            return run_housekeeping(self.store, now)
        except Exception:  # the cache stays usable
            log.exception("housekeeping failed")
            return None
