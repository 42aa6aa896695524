"""DHL Shipment Tracking – Unified API (`GET https://api-eu.dhl.com/track/shipments?
trackingNumber=…`, header `DHL-API-Key`): `shipments[].events[]` with `timestamp`,
`statusCode` (pre-transit, transit, delivered, failure, unknown), `description` and
`location.address.addressLocality`; `estimatedTimeOfDelivery` (or the end of
`estimatedDeliveryTimeFrame`) when DHL expects the delivery.

Push (Shipment Tracking – Unified – Push): DHL posts the same `shipments[]` to the hook we
subscribed, authenticated by the header and token we gave in the subscription
(`ApiKeyAuthentication`); DHL does not sign the body (`parse_push`)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from halt_desk.couriers.base import (
    CourierError,
    Fetch,
    ShipmentUnknown,
    TrackingResult,
    TrackingUpdate,
)
from halt_desk.couriers.registry import Carrier
from halt_desk.domain.swaps import ShipmentStatus

BASE_URL = "https://api-eu.dhl.com"
PATH = "/track/shipments"
_S = ShipmentStatus


class DHL:
    carrier = "dhl"

    def __init__(self, api_key: str, fetch: Fetch, base_url: str = BASE_URL) -> None:
        self._key, self._fetch = api_key, fetch
        self._url = base_url.rstrip("/") + PATH

    def track(self, tracking: str) -> TrackingResult:
        answer = self._fetch(
            self._url, {"DHL-API-Key": self._key, "Accept": "application/json"},
            {"trackingNumber": tracking, "language": "nl"},
        )  # fmt: skip
        return parse(tracking, answer)


def status_of(code: str, description: str) -> ShipmentStatus | None:
    """The Unified API's coarse statusCode, refined by its description where the code alone
    does not tell (picked up, out for delivery, returned)."""
    text = description.lower()
    if code == "pre-transit":
        return _S.BOOKED
    if code == "transit":
        if "out for delivery" in text or "onderweg naar" in text or "bezorger" in text:
            return _S.OUT_FOR_DELIVERY
        if "picked up" in text or "opgehaald" in text or "pickup" in text:
            return _S.PICKED_UP
        if "return" in text or "retour" in text:
            return _S.RETURNED
        return _S.IN_TRANSIT
    if code == "delivered":
        return _S.DELIVERED
    if code == "failure":
        return _S.RETURNED if ("return" in text or "retour" in text) else _S.FAILED_ATTEMPT
    return None


def parse(tracking: str, answer: Any) -> TrackingResult:
    try:
        shipments = answer["shipments"]
    except (KeyError, TypeError):
        raise CourierError("dhl", tracking, "no shipments in the answer") from None
    if not shipments:
        raise ShipmentUnknown("dhl", tracking, "unknown tracking number")
    return _shipment(tracking, shipments[0])


def parse_push(body: Any) -> list[TrackingResult]:
    """The shipments of a push (the Unified format); CourierError if it has none."""
    try:
        shipments = list(body["shipments"])
    except (KeyError, TypeError):
        raise CourierError("dhl", "push", "no shipments in the push") from None
    found: list[TrackingResult] = []
    for shipment in shipments:
        tracking = str(shipment.get("id") or "") if isinstance(shipment, dict) else ""
        if not tracking:
            raise CourierError("dhl", "push", "a shipment without id")
        found.append(_shipment(tracking, shipment))
    return found


def _shipment(tracking: str, shipment: Any) -> TrackingResult:
    if not isinstance(shipment, dict):
        raise CourierError("dhl", tracking, "a shipment that is not an object")
    raw = list(shipment.get("events") or []) or [shipment.get("status") or {}]
    updates: list[TrackingUpdate] = []
    for item in raw:
        code = str(item.get("statusCode", ""))
        description = str(item.get("description") or item.get("status") or "")
        status = status_of(code, description)
        if status is None:
            continue
        try:
            at = datetime.fromisoformat(str(item["timestamp"]))
        except (KeyError, ValueError):
            raise CourierError("dhl", tracking, "bad timestamp in an event") from None
        if at.tzinfo is None:
            raise CourierError("dhl", tracking, "an event timestamp without UTC offset")
        updates.append(TrackingUpdate(status, at, description, code, _locality(item)))
    updates.sort(key=lambda u: u.at)
    return TrackingResult("dhl", tracking, tuple(updates), _expected(shipment))


def _locality(item: Any) -> str:
    try:
        return str(item["location"]["address"]["addressLocality"] or "")
    except (KeyError, TypeError):
        return ""


def _expected(shipment: Any) -> datetime | None:
    frame = shipment.get("estimatedDeliveryTimeFrame") or {}
    text = shipment.get("estimatedTimeOfDelivery") or (
        frame.get("estimatedThrough") if isinstance(frame, dict) else None
    )
    try:
        moment = datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


# Barcode formats DHL publishes: DHL Parcel Benelux JVGL + digits; DHL eCommerce/Parcel
# Europe JJD + digits; DHL Express waybill: 10 digits.
_JVGL = re.compile(r"^JVGL\d{8,22}$")
_JJD = re.compile(r"^JJD\d{10,22}$")
_EXPRESS = re.compile(r"^\d{10}$")


def recognise(code: str) -> str | None:
    return code if _JVGL.match(code) or _JJD.match(code) or _EXPRESS.match(code) else None


CARRIER = Carrier("dhl", "DHL", recognise, DHL, BASE_URL, push=parse_push)
