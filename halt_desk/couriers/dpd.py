"""DPD tracking, shaped on DPD's public parcel life-cycle JSON (`GET https://tracking.dpd.de/
rest/plc/nl_NL/{parcel}`): `parcellifecycleResponse.parcelLifeCycleData.statusInfo[]` with
`status` (ACCEPTED, AT_SENDING_DEPOT, ON_THE_ROAD, AT_DELIVERY_DEPOT, OUT_FOR_DELIVERY,
DELIVERED, …), `statusHasBeenReached`, `date` and `location`. An API key, where a
contract gives one, goes in the `Authorization` header. No push: DPD is polled."""

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

BASE_URL = "https://tracking.dpd.de"
PATH = "/rest/plc/nl_NL/"
_TZ = ZoneInfo("Europe/Amsterdam")
_S = ShipmentStatus
STATUSES: dict[str, ShipmentStatus] = {
    "ACCEPTED": _S.BOOKED,
    "PICKUP": _S.PICKED_UP,
    "AT_SENDING_DEPOT": _S.PICKED_UP,
    "ON_THE_ROAD": _S.IN_TRANSIT,
    "AT_DELIVERY_DEPOT": _S.IN_TRANSIT,
    "OUT_FOR_DELIVERY": _S.OUT_FOR_DELIVERY,
    "DELIVERY_FAILED": _S.FAILED_ATTEMPT,
    "NOT_DELIVERED": _S.FAILED_ATTEMPT,
    "DELIVERED": _S.DELIVERED,
    "DELIVERED_PARCELSHOP": _S.DELIVERED,
    "RETURN_TO_SENDER": _S.RETURNED,
}


class DPD:
    carrier = "dpd"

    def __init__(self, api_key: str, fetch: Fetch, base_url: str = BASE_URL) -> None:
        self._key, self._fetch = api_key, fetch
        self._url = base_url.rstrip("/") + PATH

    def track(self, tracking: str) -> TrackingResult:
        headers = {"Accept": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        return parse(tracking, self._fetch(self._url + tracking, headers, {}))


def parse(tracking: str, answer: Any) -> TrackingResult:
    try:
        data = answer["parcellifecycleResponse"]["parcelLifeCycleData"]
    except (KeyError, TypeError):
        raise CourierError("dpd", tracking, "no parcelLifeCycleData in the answer") from None
    if not data:
        raise ShipmentUnknown("dpd", tracking, "unknown parcel number")
    updates: list[TrackingUpdate] = []
    for item in data.get("statusInfo") or []:
        if not item.get("statusHasBeenReached"):
            continue
        code = str(item.get("status", ""))
        status = STATUSES.get(code)
        if status is None:
            continue
        try:
            at = datetime.fromisoformat(str(item["date"]))
        except (KeyError, ValueError):
            raise CourierError("dpd", tracking, f"bad date in status {code}") from None
        if at.tzinfo is None:
            at = at.replace(tzinfo=_TZ)  # DPD gives Dutch local time without offset
        label = item.get("label") or code
        location = str(item.get("location") or "")
        updates.append(TrackingUpdate(status, at, str(label), code, location))
    updates.sort(key=lambda u: u.at)
    return TrackingResult("dpd", tracking, tuple(updates))


# Barcode formats DPD publishes: the 14-digit parcel number; the label's 28-character
# barcode is "%", 7 characters of destination postcode, the parcel number, 3-digit service
# and 3-digit country.
_PARCEL = re.compile(r"^\d{14}$")
_LABEL = re.compile(r"^%?[0-9A-Z]{7}(\d{14})\d{6}$")


def recognise(code: str) -> str | None:
    if _PARCEL.match(code):
        return code
    label = _LABEL.match(code)
    return label.group(1) if label else None


CARRIER = Carrier("dpd", "DPD", recognise, DPD, BASE_URL)
