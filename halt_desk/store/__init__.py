"""The local SQLite cache: event log, outbox and folds of state (tickets, devices, reference).

with Store.open() as store:          # creates or migrates <user data dir>/cache.sqlite3
    store.record_event(event)        # event + outbox row + projections, one transaction
    store.ticket("T1")
"""

from halt_desk.store.cache import RecordingClock
from halt_desk.store.conflicts import ConflictView
from halt_desk.store.errors import (
    EventConflict,
    SchemaTooNew,
    StoreDiskError,
    StoreError,
    StoreUnreadable,
    UnknownConflict,
    UnknownStream,
)
from halt_desk.store.outbox import RejectedEvent
from halt_desk.store.queries import DeviceView, TicketListEntry, TicketView
from halt_desk.store.schema import backup_database
from halt_desk.store.store import Store, default_path
from halt_desk.store.sync_state import ClockOffset

__all__ = [
    "ClockOffset",
    "ConflictView",
    "DeviceView",
    "EventConflict",
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
