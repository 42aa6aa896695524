"""The local SQLite cache: event log, outbox and folds of state (tickets, devices, reference).

with Store.open() as store:          # creates or migrates <user data dir>/cache.sqlite3
    store.record_event(event)        # event + outbox row + projections, one transaction
    store.ticket("T1")

The names below load on first use: `halt_desk.store.list_rows` (the desk's first page,
plain sqlite3) must not pull in SQLAlchemy with its package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from halt_desk.store.cache import RecordingClock
    from halt_desk.store.cache_file import default_path
    from halt_desk.store.conflicts import ConflictView
    from halt_desk.store.errors import (
        EventConflict,
        HistoryConflict,
        SchemaTooNew,
        StoreDiskError,
        StoreError,
        StoreUnreadable,
        UnknownConflict,
        UnknownStream,
    )
    from halt_desk.store.list_rows import TicketListEntry
    from halt_desk.store.outbox import RejectedEvent
    from halt_desk.store.queries import DeviceView, TicketView
    from halt_desk.store.schema import backup_database
    from halt_desk.store.store import Store
    from halt_desk.store.sync_state import ClockOffset

#: Each name of the package and the module that holds it.
_HOMES = {
    "ClockOffset": "sync_state",
    "ConflictView": "conflicts",
    "DeviceView": "queries",
    "EventConflict": "errors",
    "HistoryConflict": "errors",
    "RecordingClock": "cache",
    "RejectedEvent": "outbox",
    "SchemaTooNew": "errors",
    "Store": "store",
    "StoreDiskError": "errors",
    "StoreError": "errors",
    "StoreUnreadable": "errors",
    "TicketListEntry": "list_rows",
    "TicketView": "queries",
    "UnknownConflict": "errors",
    "UnknownStream": "errors",
    "backup_database": "schema",
    "default_path": "cache_file",
}

__all__ = [
    "ClockOffset",
    "ConflictView",
    "DeviceView",
    "EventConflict",
    "HistoryConflict",
    "RecordingClock",
    "RejectedEvent",
    "SchemaTooNew",
    "Store",
    "StoreDiskError",
    "StoreError",
    "StoreUnreadable",
    "TicketListEntry",
    "TicketView",
    "UnknownConflict",
    "UnknownStream",
    "backup_database",
    "default_path",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
