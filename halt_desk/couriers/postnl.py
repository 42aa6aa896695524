"""PostNL Shipping Status API (v2, `GET /shipment/v2/status/barcode/{barcode}`, header
`apikey`): `CurrentStatus` / `CompleteStatus` with `StatusCode`, `PhaseCode` and a
`TimeStamp` in `dd-MM-yyyy HH:mm:ss` (Dutch local time); `Expectation` {ETAFrom, ETATo}
the delivery window PostNL expects. PostNL offers no push: its statuses are polled."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from halt_desk.couriers.base import (
    CourierError,
    Fetch,
    ShipmentUnknown,
    TrackingResult,
    TrackingUpdate,
)
from halt_desk.couriers.registry import Carrier
from halt_desk.domain.swaps import ShipmentStatus

BASE_URL = "https://api.postnl.nl"
PATH = "/shipment/v2/status/barcode/"
_TZ = ZoneInfo("Europe/Amsterdam")
_S = ShipmentStatus
#: PostNL status codes we map directly (others fall back to their phase).
STATUS_CODES: dict[str, ShipmentStatus] = {
    "1": _S.BOOKED,  # Zending voorgemeld
    "2": _S.PICKED_UP,  # Zending in ontvangst genomen
    "3": _S.PICKED_UP,  # Zending afgehaald
    "4": _S.FAILED_ATTEMPT,  # Zending niet afgehaald
    "5": _S.IN_TRANSIT,  # Zending gesorteerd
    "6": _S.IN_TRANSIT,  # Zending niet gesorteerd
    "7": _S.OUT_FOR_DELIVERY,  # Zending in distributieproces
    "8": _S.FAILED_ATTEMPT,  # Zending niet afgeleverd
    "11": _S.DELIVERED,  # Zending afgeleverd
    "12": _S.FAILED_ATTEMPT,  # Zending beschikbaar op afhaallocatie
    "13": _S.BOOKED,  # Voorgemeld: nog niet aangenomen
    "14": _S.RETURNED,  # Zending retour afzender
}
#: Phases: 1 collection, 2 sorting, 3 distribution, 4 delivered.
PHASE_CODES: dict[str, ShipmentStatus] = {
    "1": _S.PICKED_UP,
    "2": _S.IN_TRANSIT,
    "3": _S.OUT_FOR_DELIVERY,
    "4": _S.DELIVERED,
}


class PostNL:
    carrier = "postnl"

    def __init__(self, api_key: str, fetch: Fetch, base_url: str = BASE_URL) -> None:
        self._key, self._fetch = api_key, fetch
        self._url = base_url.rstrip("/") + PATH

    def track(self, tracking: str) -> TrackingResult:
        answer = self._fetch(
            self._url + tracking, {"apikey": self._key, "Accept": "application/json"},
            {"detail": "true", "language": "NL"},
        )  # fmt: skip
        return parse(tracking, answer)


def parse(tracking: str, answer: Any) -> TrackingResult:
    """The updates of a Shipping Status answer, oldest first."""
    try:
        shipment = (answer.get("CompleteStatus") or answer["CurrentStatus"])["Shipment"]
        if isinstance(shipment, list):
            shipment = shipment[0]
    except (AttributeError, KeyError, TypeError, IndexError):
        if isinstance(answer, dict) and answer.get("Warnings"):
            raise ShipmentUnknown("postnl", tracking, "unknown barcode") from None
        raise CourierError("postnl", tracking, "no Shipment in the answer") from None
    raw = list(shipment.get("OldStatuses") or [])
    if shipment.get("Status"):
        raw.append(shipment["Status"])
    updates = [u for u in (_update(tracking, item) for item in raw) if u is not None]
    updates.sort(key=lambda u: u.at)
    expectation = shipment.get("Expectation") or {}
    expected = _moment(expectation.get("ETATo") or expectation.get("ETAFrom"))
    return TrackingResult("postnl", tracking, tuple(dict.fromkeys(updates)), expected)


def _moment(text: Any) -> datetime | None:
    """A PostNL time (`dd-MM-yyyy HH:mm:ss`, or ISO-8601) in Dutch time; None if unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.strptime(text, "%d-%m-%Y %H:%M:%S").replace(tzinfo=_TZ)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=_TZ)


def _update(tracking: str, item: Any) -> TrackingUpdate | None:
    code = str(item.get("StatusCode", "")).strip()
    status = STATUS_CODES.get(code) or PHASE_CODES.get(str(item.get("PhaseCode", "")).strip())
    if status is None:
        return None
    try:
        at = datetime.strptime(str(item["TimeStamp"]), "%d-%m-%Y %H:%M:%S").replace(tzinfo=_TZ)
    except (KeyError, ValueError):
        raise CourierError("postnl", tracking, f"bad TimeStamp in status {code}") from None
    return TrackingUpdate(status, at, str(item.get("StatusDescription", "")), code)


# Barcode formats PostNL publishes: the domestic "3S" code (3S + 4-character customer code +
# serial, 13–15 characters) and international UPU S10 (2 letters, 8 digits, check digit, NL).
_POSTNL_3S = re.compile(r"^3S[A-Z0-9]{4}\d{5,11}$")
_S10 = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of 8 digits (weights 8 6 4 2 3 5 9 7, modulo 11)."""
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def recognise(code: str) -> str | None:
    if _POSTNL_3S.match(code):
        return code
    s10 = _S10.match(code)
    if s10 and s10.group(4) == "NL" and s10_check_digit(s10.group(2)) == int(s10.group(3)):
        return code
    return None


CARRIER = Carrier("postnl", "PostNL", recognise, PostNL, BASE_URL)
