"""Courier track-and-trace: one interface (`CourierAdapter`), one module per carrier
(PostNL, DHL, DPD), and background polling of open shipments (`poll_shipments`)."""

from halt_desk.couriers.base import (
    CourierAdapter,
    CourierError,
    Fetch,
    ShipmentUnknown,
    TrackingResult,
    TrackingUpdate,
    http_fetch,
)
from halt_desk.couriers.poll import (
    ADAPTERS,
    PollSummary,
    adapters_from_keychain,
    keychain_entry,
    poll_shipments,
)

__all__ = [
    "ADAPTERS",
    "CourierAdapter",
    "CourierError",
    "Fetch",
    "PollSummary",
    "ShipmentUnknown",
    "TrackingResult",
    "TrackingUpdate",
    "adapters_from_keychain",
    "http_fetch",
    "keychain_entry",
    "poll_shipments",
]
