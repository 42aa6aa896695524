"""Courier adapters against recorded answers of the carriers' tracking APIs (no network),
their base URLs, locations, expected delivery and the problems they report (central's
polling: tests/integration/test_courier_poll.py)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from halt_desk.couriers.base import ShipmentUnknown, TrackingUpdate, retry_after_seconds
from halt_desk.couriers.dhl import DHL
from halt_desk.couriers.dpd import DPD
from halt_desk.couriers.postnl import PostNL
from halt_desk.domain.swaps import ShipmentStatus
from tests.desk_data import NOW

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "couriers"
S = ShipmentStatus


class Recorded:
    """A `Fetch` that answers from a fixture file and remembers what was asked."""

    def __init__(self, name: str) -> None:
        self.answer = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
        self.calls: list[tuple[str, dict[str, str], dict[str, str]]] = []

    def __call__(self, url: str, headers: Mapping[str, str], params: Mapping[str, str]) -> Any:
        self.calls.append((url, dict(headers), dict(params)))
        return self.answer


def test_postnl_shipping_status_maps_every_phase_to_our_statuses() -> None:
    fetch = Recorded("postnl_delivered.json")
    result = PostNL("key-1", fetch).track("3SHLTD123456789")
    assert [u.status for u in result.updates] == [
        S.BOOKED, S.PICKED_UP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED,
    ]  # fmt: skip
    assert result.current is not None and result.current.at.isoformat() == (
        "2027-01-12T15:42:10+01:00"
    )
    url, headers, params = fetch.calls[0]
    assert url.endswith("/shipment/v2/status/barcode/3SHLTD123456789")
    assert headers["apikey"] == "key-1" and params["detail"] == "true"


def test_postnl_unknown_barcode_is_shipment_unknown() -> None:
    with pytest.raises(ShipmentUnknown, match="3SABCD1234567"):
        PostNL("k", Recorded("postnl_unknown.json")).track("3SABCD1234567")


def test_dhl_unified_api_tells_picked_up_out_for_delivery_and_failed_attempt() -> None:
    fetch = Recorded("dhl_failed_attempt.json")
    result = DHL("key-2", fetch).track("JVGL0612345678901234")
    assert [u.status for u in result.updates] == [
        S.BOOKED, S.PICKED_UP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.FAILED_ATTEMPT,
    ]  # fmt: skip
    assert fetch.calls[0][1]["DHL-API-Key"] == "key-2"
    assert fetch.calls[0][2]["trackingNumber"] == "JVGL0612345678901234"


def test_dpd_life_cycle_keeps_only_reached_statuses_in_dutch_time() -> None:
    result = DPD("", Recorded("dpd_out_for_delivery.json")).track("05212345678901")
    assert [u.status for u in result.updates] == [
        S.BOOKED, S.PICKED_UP, S.IN_TRANSIT, S.IN_TRANSIT, S.OUT_FOR_DELIVERY,
    ]  # fmt: skip
    assert result.updates[-1].at.utcoffset() == timedelta(hours=1)


def test_base_url_is_configuration_and_problems_are_told_apart() -> None:
    fetch = Recorded("dhl_failed_attempt.json")
    result = DHL("k", fetch, "http://127.0.0.1:9/").track("JVGL0612345678901234")
    assert fetch.calls[0][0] == "http://127.0.0.1:9/track/shipments"
    assert result.current is not None and result.current.location == "Zwolle"
    assert result.current.problem == "delivery_failed"
    failed = TrackingUpdate(S.FAILED_ATTEMPT, NOW, "Adres onbekend", "8")
    assert failed.problem == "address_problem"
    assert TrackingUpdate(S.RETURNED, NOW, "Retour afzender", "14").problem == "returned_to_sender"
    assert TrackingUpdate(S.IN_TRANSIT, NOW, "Gesorteerd", "5").problem is None
    fetch = Recorded("postnl_delivered.json")
    PostNL("k", fetch, "https://sandbox.example").track("3SHLTD123456789")
    assert fetch.calls[0][0] == "https://sandbox.example/shipment/v2/status/barcode/3SHLTD123456789"


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
