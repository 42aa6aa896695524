"""The local SQLite cache: event log, outbox and folds of state (tickets, devices, reference).

with Store.open() as store:          # creates or migrates <user data dir>/cache.sqlite3
    store.record_event(event)        # event + outbox row + projections, one transaction
    store.ticket("T1")
"""

from halt_desk.store.errors import (
    EventConflict,
    SchemaTooNew,
    StoreError,
    StoreUnreadable,
    UnknownStream,
)
from halt_desk.store.schema import backup_database
from halt_desk.store.store import DeviceView, Store, TicketView, default_path

__all__ = [
    "DeviceView",
    "EventConflict",
    "SchemaTooNew",
    "Store",
    "StoreError",
    "StoreUnreadable",
    "TicketView",
    "UnknownStream",
    "backup_database",
    "default_path",
]
