"""Courier adapters against recorded answers of the carriers' tracking APIs (no network),
and polling that records what is new through the swap calls."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from halt_desk.couriers.base import ShipmentUnknown
from halt_desk.couriers.dhl import DHL
from halt_desk.couriers.dpd import DPD
from halt_desk.couriers.postnl import PostNL
from halt_desk.domain.swaps import Leg, ShipmentStatus, SwapMode
from halt_desk.logistics.swap_board import SwapStep, load_board
from halt_desk.logistics.swap_steps import SwapPlan, open_swap, ship_loaner
from halt_desk.logistics.tracking import adapters_from_keychain, poll_shipments
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket

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


class Keys:
    def __init__(self, keys: dict[str, str]) -> None:
        self.keys = keys

    def get(self, server: str) -> str | None:
        return self.keys.get(server)


def test_only_carriers_with_a_key_in_the_keychain_get_an_adapter() -> None:
    adapters = adapters_from_keychain(
        Keys({"courier:postnl": "k"}), Recorded("postnl_unknown.json")
    )
    assert list(adapters) == ["postnl"]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def test_polling_records_new_statuses_and_the_delivery_stops_the_swap_clock(store: Store) -> None:
    ticket = swap_ticket(store, NOW)
    early = NOW.replace(hour=9, minute=0)
    swap, _ = open_swap(
        store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, "HALT-LT-00001"), "d", early
    )
    ship_loaner(store, swap, "postnl", "3SHLTD123456789", "d", early.replace(minute=30))
    adapters = {"postnl": PostNL("k", Recorded("postnl_delivered.json"))}
    later = NOW.replace(hour=16)
    summary = poll_shipments(store, adapters, "poller", later)
    assert summary.errors == [] and summary.recorded == 4  # picked up … delivered
    board = load_board(store, later)
    assert board.swaps[swap].step is SwapStep.WITH_USER
    record = board.swaps[swap].record
    assert record is not None and record.outbound is not None
    assert record.outbound.status is S.DELIVERED and record.outbound.source == "api:postnl"
    statuses = [e.data for e in store.events_for(f"swap:{swap}") if e.type == "shipment_status"]
    assert [d["status"] for d in statuses] == [
        "booked", "picked_up", "in_transit", "out_for_delivery", "delivered",
    ]  # fmt: skip
    assert statuses[1]["source"] == "api:postnl"
    facts = board.swaps[swap].ticket
    assert facts is not None and facts.swap_met_at is not None
    assert facts.swap_met_at.isoformat() == "2027-01-12T15:42:10+01:00"
    assert poll_shipments(store, adapters, "poller", later).asked == 0  # final: not asked again
    assert Leg.OUT in {leg for _, leg in board.by_tracking.values()}
