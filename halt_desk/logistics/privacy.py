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
    `swap_requested`. Run at start and after each sync; returns the events changed."""
    ids: list[str] = []
    if not store.has_event_before("swap_closed", now - retention):
        return 0  # the usual case, answered by one indexed query instead of the whole board
    board = load_board(store, now)
    closed = [
        s
        for s in board.swaps.values()
        if s.record is not None
        and s.record.closed_at is not None
        and now - s.record.closed_at >= retention
    ]
    if not closed:
        return 0
    streams = [f"swap:{s.id}" for s in closed]
    streams += [f"ticket:{s.record.ticket}" for s in closed if s.record is not None]
    for events in store.events_for_streams(streams).values():
        ids += [e.id for e in events if HOME_ADDRESS_KEYS & e.data.keys()]
    return store.purge_fields(ids, HOME_ADDRESS_KEYS) if ids else 0


def may_see_home_address(role: str, user: str, swap: Swap, assignee: str | None) -> bool:
    """DESIGN §2.6 on this machine: logistics, and the engineer of an active swap (the
    swap's engineer or its ticket's assignee) while the swap is open."""
    if role == "logistics":
        return True
    if role != "field" or swap.record is None or swap.record.is_closed:
        return False
    return user in (swap.record.engineer, assignee)
