"""Home addresses (personal data, DESIGN §2.6): who may see one, and their removal from the
local cache 30 days after a swap closed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from halt_desk.domain.swaps import (
    HOME_ADDRESS_KEYS,
)
from halt_desk.logistics.swap_board import Swap, load_board
from halt_desk.store import Store

#: Home addresses stay in the local cache this long after a swap is closed.
ADDRESS_RETENTION = timedelta(days=30)


def purge_home_addresses(
    store: Store, now: datetime, retention: timedelta = ADDRESS_RETENTION
) -> int:
    """Removes home addresses from the local cache for every swap closed more than
    `retention` ago (DESIGN §2.6): from its `swap:` events and its ticket's
    `swap_requested`. Returns the events changed. The sync process runs it on a schedule
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
    streams = [f"swap:{s.id}" for s in closed]
    streams += [f"ticket:{s.record.ticket}" for s in closed if s.record is not None]
    ids: list[str] = []
    holding: set[str] = set()
    for stream, events in store.events_for_streams(streams).items():
        found = [e.id for e in events if HOME_ADDRESS_KEYS & e.data.keys()]
        ids += found
        if found:
            holding.add(stream)
    purged = store.purge_fields(ids, HOME_ADDRESS_KEYS) if ids else 0
    return purged, frozenset(holding) if purged else frozenset()


def may_see_home_address(role: str, user: str, swap: Swap, assignee: str | None) -> bool:
    """DESIGN §2.6 on this machine: logistics, and the engineer of an active swap (the
    swap's engineer or its ticket's assignee) while the swap is open."""
    if role == "logistics":
        return True
    if role != "field" or swap.record is None or swap.record.is_closed:
        return False
    return user in (swap.record.engineer, assignee)
