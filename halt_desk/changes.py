"""What changed in the local cache, sorted by what the screens show: the tickets, devices and
swaps that got events, and whether buffer stock or reference data did (Anki's `OpChanges`).

Every action and every sync round is followed by one `Changes`, derived from the streams
of the events written since the last look (`changes_since`), and each open window decides
from it whether what it shows is concerned. Qt-free, so the sync process and tests use it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the desk window imports this before the store loads (start time)
    from halt_desk.store import Store

#: Stream kinds of reference data: every screen may show a name or a rule from them.
REFERENCE_KINDS = frozenset({"org", "employee", "location", "depot", "profile", "staff"})
#: Ticket event types that put a ticket on a screen that did not show it before: a swap
#: request joins the logistics queue, an assignment the engineer's day.
SWAP_REQUEST_TYPES = frozenset({"swap_requested"})
ASSIGNMENT_TYPES = frozenset({"assigned", "ticket_reported"})
#: The event type that makes home addresses due for removal 30 days later.
SWAP_CLOSURE_TYPES = frozenset({"swap_closed"})


@dataclass(frozen=True, slots=True)
class Changes:
    """What an action or a sync round changed. Empty (falsy) when nothing did."""

    tickets: frozenset[str] = frozenset()  # ticket ids that got events
    devices: frozenset[str] = frozenset()  # asset tags that got events
    swaps: frozenset[str] = frozenset()  # swap ids that got events
    stock: bool = False  # a depot's buffer stock (`stock:<depot>`: a mitigation)
    reference: bool = False  # organisations, employees, locations, depots or profiles
    types: frozenset[str] = frozenset()  # the event types written
    sent: bool = False  # events reached central: their "not yet synced" marks go
    #: Rows changed without a new event (a refusal, a conflict, a choice on one): every
    #: screen reads all it shows again.
    everything: bool = False
    #: Streams whose stored events were rewritten without a new event (a purge).
    rewritten: frozenset[str] = frozenset()

    @classmethod
    def of_streams(
        cls,
        streams: Iterable[str],
        types: Iterable[str] = (),
        *,
        rewritten: bool = False,
    ) -> Changes:
        """The changes of events on `streams` (`ticket:<id>`, `device:<tag>`, `swap:<id>`,
        `stock:<depot>`, `org:<id>` …) of `types`; `rewritten`: the streams' stored events
        changed in place."""
        tickets: set[str] = set()
        devices: set[str] = set()
        swaps: set[str] = set()
        stock = reference = False
        seen: list[str] = []
        for stream in streams:
            seen.append(stream)
            kind, _, key = stream.partition(":")
            if kind == "ticket":
                tickets.add(key)
            elif kind == "device":
                devices.add(key)
            elif kind == "swap":
                swaps.add(key)
            elif kind == "stock":
                stock = True
            elif kind in REFERENCE_KINDS:
                reference = True
        return cls(
            frozenset(tickets),
            frozenset(devices),
            frozenset(swaps),
            stock,
            reference,
            frozenset(types),
            rewritten=frozenset(seen) if rewritten else frozenset(),
        )

    @classmethod
    def of_written(cls, written: Iterable[tuple[str, str]]) -> Changes:
        """The changes of stored events given as (stream, event type) pairs."""
        pairs = list(written)
        return cls.of_streams((stream for stream, _ in pairs), (kind for _, kind in pairs))

    @classmethod
    def all(cls) -> Changes:
        """Rows changed without new events: every screen reads what it shows again."""
        return cls(everything=True)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.tickets | other.tickets,
            self.devices | other.devices,
            self.swaps | other.swaps,
            self.stock or other.stock,
            self.reference or other.reference,
            self.types | other.types,
            self.sent or other.sent,
            self.everything or other.everything,
            self.rewritten | other.rewritten,
        )

    def __bool__(self) -> bool:
        return bool(
            self.tickets
            or self.devices
            or self.swaps
            or self.stock
            or self.reference
            or self.sent
            or self.everything
            # events on streams of no kind above (escalations, notices): their types say it
            or self.types
            or self.rewritten
        )

    # ------------------------------------------------------------------ who is concerned

    @property
    def ticket_list(self) -> bool:
        """The desk's ticket list may show something else (a row, a name, a deadline)."""
        return bool(self.tickets) or self.reference or self.everything

    def concerns_ticket(self, ticket_id: str) -> bool:
        """One ticket's view (its events, clocks, caller, contract) may be stale."""
        return ticket_id in self.tickets or self.reference or self.everything

    def concerns_logistics(self, shown_tickets: Iterable[str] = ()) -> bool:
        """The swap queue and the buffer stock: any swap, device or stock change, a ticket
        the queue shows, or a new swap request."""
        return bool(
            self.swaps
            or self.devices
            or self.stock
            or self.reference
            or self.everything
            or self.types & SWAP_REQUEST_TYPES
            or not self.tickets.isdisjoint(shown_tickets)
        )

    @property
    def device_register(self) -> bool:
        """The device register: devices, and the names of organisations and depots."""
        return bool(self.devices) or self.reference or self.everything

    def concerns_field(
        self, shown_tickets: Iterable[str] = (), shown_swaps: Iterable[str] = ()
    ) -> bool:
        """The engineer's day: a ticket or swap it shows, an assignment, reference data."""
        return bool(
            self.reference
            or self.everything
            or self.types & ASSIGNMENT_TYPES
            or not self.tickets.isdisjoint(shown_tickets)
            or not self.swaps.isdisjoint(shown_swaps)
        )

    @property
    def swap_closures(self) -> bool:
        """A swap was closed: home addresses may fall due for removal."""
        return bool(self.types & SWAP_CLOSURE_TYPES)


def changes_since(store: Store, marker: int) -> tuple[Changes, int]:
    """What was written to the cache after `marker` (a `Store.change_marker()`), and the
    marker to ask from next time. Read off the UI thread; a write that lands between the
    two reads is reported now and again next time (the screens read it twice, never not)."""
    now_at = store.change_marker()
    if now_at <= marker:
        return Changes(), marker
    return Changes.of_written(store.streams_written_since(marker)), now_at
