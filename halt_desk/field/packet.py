"""Taking today's work along: sync, then check that everything the engineer needs offline
is in the cache.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from halt_desk.field.route import my_tickets
from halt_desk.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PacketEntry:
    """What the cache holds for one ticket the engineer takes along (`gather_packet`)."""

    ticket: str
    caller: str | None
    caller_known: bool
    organisation_known: bool
    location: str | None
    location_known: bool
    swap: str | None  # the active swap, if any
    swap_address: str | None
    loaner: str | None
    loaner_known: bool


@dataclass(frozen=True, slots=True)
class MissingItem:
    """One thing the engineer would miss offline: which ticket, what (a field name) and why."""

    ticket: str
    what: str  # caller | organisation | location | swap_address | loaner
    detail: str


@dataclass(frozen=True, slots=True)
class Readiness:
    """The answer of "take today's work along": complete or not, and what is missing."""

    tickets: tuple[str, ...]
    missing: tuple[MissingItem, ...]
    synced: bool  # the sync round before the check reached central
    error: str | None = None

    @property
    def complete(self) -> bool:
        return self.synced and not self.missing


def missing_for_offline(entries: Iterable[PacketEntry]) -> list[MissingItem]:
    """Pure check of a work packet: every reference record present (caller, organisation,
    location when the ticket has one), the home address when a swap is active, and the
    loaner known (reserved and in the device register). Returns what is missing."""
    missing: list[MissingItem] = []
    for entry in entries:
        if not entry.caller or not entry.caller_known:
            missing.append(MissingItem(entry.ticket, "caller", f"caller {entry.caller!r}"))
        if not entry.organisation_known:
            missing.append(MissingItem(entry.ticket, "organisation", "organisation record"))
        if entry.location and not entry.location_known:
            missing.append(MissingItem(entry.ticket, "location", f"location {entry.location}"))
        if entry.swap is not None:
            if not entry.swap_address:
                missing.append(MissingItem(entry.ticket, "swap_address", f"swap {entry.swap}"))
            if not entry.loaner or not entry.loaner_known:
                missing.append(MissingItem(entry.ticket, "loaner", f"swap {entry.swap}"))
    return missing


def gather_packet(store: Store, engineer: str, now: datetime) -> list[PacketEntry]:
    """What the cache holds for each open ticket assigned to `engineer`."""
    entries: list[PacketEntry] = []
    orgs = store.references("org")
    locations = store.references("location")
    for item in my_tickets(store, engineer, now):
        ticket = item.ticket
        caller = store.reference(f"employee:{ticket.caller}") if ticket.caller else None
        loaner = item.loaner
        entries.append(
            PacketEntry(
                ticket=ticket.id,
                caller=ticket.caller,
                caller_known=caller is not None,
                organisation_known=ticket.org in orgs,
                location=item.location,
                location_known=item.location is None or item.location in locations,
                swap=item.swap.id if item.swap is not None else None,
                swap_address=item.swap_address,
                loaner=loaner,
                loaner_known=loaner is not None and store.device(loaner) is not None,
            )
        )
    return entries


def take_work_along(
    store: Store, engineer: str, sync: Callable[[], Any] | None, now: Callable[[], datetime]
) -> Readiness:
    """ "Take today's work along": one sync round (`sync()`, e.g. `SyncEngine.sync_once`;
    None offline), then the completeness check of the engineer's open tickets."""
    synced, error = False, None
    if sync is not None:
        summary = sync()
        error = getattr(summary, "error", None)
        synced = error is None
    entries = gather_packet(store, engineer, now())
    missing = missing_for_offline(entries)
    if missing:
        log.info("work packet incomplete: %d item(s) missing", len(missing))
    return Readiness(tuple(e.ticket for e in entries), tuple(missing), synced, error)
