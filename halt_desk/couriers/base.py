"""One interface for courier track-and-trace: a carrier's answer mapped onto the shipment
statuses of DESIGN §2.6 (booked … returned).

An adapter gets its HTTP through a `Fetch` function (URL, headers, query → parsed JSON), so
tests feed it recorded answers and the app the real `http_fetch`. Keys come from the
keychain (`halt_desk.couriers.poll.adapters_from_keychain`), never from a file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.swaps import ShipmentStatus

#: (url, headers, query parameters) → the answer's JSON.
Fetch = Callable[[str, Mapping[str, str], Mapping[str, str]], Any]


class CourierError(HaltDeskError):
    """The carrier could not be asked or gave an answer we cannot read: names the carrier
    and the tracking code (never the key)."""

    def __init__(self, carrier: str, tracking: str, problem: str) -> None:
        self.carrier, self.tracking, self.problem = carrier, tracking, problem
        super().__init__(f"{carrier} {tracking}: {problem}")


class ShipmentUnknown(CourierError):
    """The carrier does not know this tracking code (yet)."""


@dataclass(frozen=True, slots=True)
class TrackingUpdate:
    """One status of a shipment as the carrier reported it."""

    status: ShipmentStatus
    at: datetime
    description: str  # the carrier's own words (no personal data)
    code: str  # the carrier's status code


@dataclass(frozen=True, slots=True)
class TrackingResult:
    carrier: str
    tracking: str
    updates: tuple[TrackingUpdate, ...]  # oldest first

    @property
    def current(self) -> TrackingUpdate | None:
        return self.updates[-1] if self.updates else None


class CourierAdapter(Protocol):
    """A carrier's public tracking API behind one call."""

    carrier: str

    def track(self, tracking: str) -> TrackingResult: ...


def http_fetch(timeout: float = 15.0) -> Fetch:
    """The real `Fetch`: an HTTPS GET with `requests` (TLS verified), JSON back; a 404 is
    ShipmentUnknown, anything else that fails a CourierError."""
    import requests

    def fetch(url: str, headers: Mapping[str, str], params: Mapping[str, str]) -> Any:
        try:
            response = requests.get(
                url, headers=dict(headers), params=dict(params), timeout=timeout
            )
        except requests.RequestException as exc:
            raise CourierError("http", url, f"not reachable ({type(exc).__name__})") from None
        if response.status_code == 404:
            raise ShipmentUnknown("http", url, "not found")
        if not response.ok:
            raise CourierError("http", url, f"HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise CourierError("http", url, "the answer is not JSON") from None

    return fetch
