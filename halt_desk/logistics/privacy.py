"""Home addresses (personal data, DESIGN §2.6): who may see one, and their removal from the
local cache 30 days after a swap closed. What is personal is the event type's schema
(domain/personal.py), never a field's name.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from halt_desk.domain.events import Event
from halt_desk.domain.personal import may_hold_personal, purged
from halt_desk.logistics.swap_board import Swap, load_board
from halt_desk.store import Store

#: Home addresses stay in the local cache this long after a swap is closed.
ADDRESS_RETENTION = timedelta(days=30)


def purge_home_addresses(
    store: Store, now: datetime, retention: timedelta = ADDRESS_RETENTION
) -> int:
    """Removes home addresses from the local cache for every swap closed more than
    `retention` ago (DESIGN §2.6): the personal fields its schema declares (on the swap's
    own streams every undeclared field too) of its `swap:` events, of its ticket's events
    about it (`swap_requested`) and of its loaner's shipping events. Returns the events
    changed. The sync process runs it on a schedule
    (`halt_desk.background.housekeeping`), never a window."""
    return purge_expired_home_addresses(store, now, retention)[0]


def purge_expired_home_addresses(
    store: Store, now: datetime, retention: timedelta = ADDRESS_RETENTION
) -> tuple[int, frozenset[str]]:
    """`purge_home_addresses`, also naming the streams whose events held an expired address
    (rewritten in place: the screens showing them read again)."""
    if not store.has_event_before("swap_closed", now - retention):
        return 0, frozenset()  # the usual case: one indexed query instead of the whole board
    board = load_board(store, now)
    closed = [
        s
        for s in board.swaps.values()
        if s.record is not None
        and s.record.closed_at is not None
        and now - s.record.closed_at >= retention
    ]
    if not closed:
        return 0, frozenset()
    swaps = {f"swap:{s.id}" for s in closed}
    streams = set(swaps)
    streams |= {f"ticket:{s.record.ticket}" for s in closed if s.record is not None}
    streams |= {f"device:{s.device}" for s in closed if s.device}
    ids: list[str] = []
    holding: set[str] = set()
    for stream, events in store.events_for_streams(sorted(streams)).items():
        found = [e.id for e in events if _in_scope(stream, e, swaps) and _holds_personal(e)]
        ids += found
        if found:
            holding.add(stream)
    count = store.purge_personal(ids) if ids else 0
    return count, frozenset(holding) if count else frozenset()


def _in_scope(stream: str, event: Event, closed: set[str]) -> bool:
    """An event of a closed swap's stream, or one on its ticket or loaner that names a
    closed swap (or, on the ticket, names none: a request before its swap had an id)."""
    if stream in closed:
        return True
    swap = event.data.get("swap")
    if isinstance(swap, str) and swap:
        return f"swap:{swap}" in closed
    return stream.startswith("ticket:")


def _holds_personal(event: Event) -> bool:
    return may_hold_personal(event.type) and purged(event.type, event.data) is not None


def may_see_home_address(role: str, user: str, swap: Swap, assignee: str | None) -> bool:
    """DESIGN §2.6 on this machine: logistics, and the engineer of an active swap (the
    swap's engineer or its ticket's assignee) while the swap is open."""
    if role == "logistics":
        return True
    if role != "field" or swap.record is None or swap.record.is_closed:
        return False
    return user in (swap.record.engineer, assignee)
