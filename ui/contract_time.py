"""Times on screen in the time zone of the contract (Europe/Amsterdam for both contracts),
never in the computer's: a laptop set to UTC shows the same 14:05 as the desk in Utrecht.
Every window shows an instant through `ContractZones.shown`; nothing in ui/ calls a bare
`astimezone()`."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, tzinfo
from functools import cache

from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.profiles import available_profiles, load_profile
from halt_desk.store import Store

log = logging.getLogger(__name__)

#: Day and time, as lists and histories show them.
DAY_TIME = "%d-%m-%Y %H:%M"
#: Day and time without the year (a working day's view).
SHORT = "%d-%m %H:%M"


@cache
def default_zone() -> tzinfo:
    """The zone of the built-in contract profiles: what a time belongs to before an
    organisation is known (an empty cache, a device in a depot)."""
    zones = {str(load_profile(name).calendar.tz): load_profile(name).calendar.tz
             for name in available_profiles()}  # fmt: skip
    if len(zones) > 1:
        log.warning("built-in profiles name several time zones: %s", ", ".join(sorted(zones)))
    return zones[min(zones)]


class ContractZones:
    """The time zone of each organisation's contract in a cache, looked up once each."""

    def __init__(self, store: Store | None = None) -> None:
        self.store = store
        self._zones: dict[str | None, tzinfo] = {}

    def of(self, org: str | None = None) -> tzinfo:
        """`org`'s contract zone; without an organisation (or one this cache does not know
        yet) the built-in profiles' zone."""
        found = self._zones.get(org)
        if found is None:
            found = self._zones[org] = self._look_up(org)
        return found

    def learn(self, orgs: Iterable[str | None]) -> None:
        """Looks up the zones of `orgs` now: call it on the worker that reads the rows, so
        the UI thread shows them without reading the cache."""
        for org in orgs:
            self.of(org)

    def _look_up(self, org: str | None) -> tzinfo:
        if org is None or self.store is None:
            return default_zone()
        try:
            return self.store.organisation_contract(org).calendar.tz
        except HaltDeskError:  # not (yet) in this cache: its reference data comes by sync
            return default_zone()

    def shown(self, instant: datetime | None, org: str | None = None, fmt: str = DAY_TIME) -> str:
        """`instant` as the contract's clock on the wall shows it ("" for None)."""
        return instant.astimezone(self.of(org)).strftime(fmt) if instant is not None else ""

    def now(self, instant: datetime, org: str | None = None) -> datetime:
        """`instant` in the contract's zone (to read its hour and minute, or to build a
        time the user typed in that zone)."""
        return instant.astimezone(self.of(org))
