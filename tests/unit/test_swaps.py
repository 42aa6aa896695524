"""Loaner swaps as plain calls on a real store file: register, swap life cycle, refusals in
Dutch, suggestions against the swap deadline, the queue, buffer stock and the purge."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.swaps import Leg, ShipmentStatus, SwapMode
from halt_desk.logistics.loaners import suggest_loaner
from halt_desk.logistics.privacy import purge_home_addresses
from halt_desk.logistics.queue import queue_rows
from halt_desk.logistics.refusals import DeviceRefused
from halt_desk.logistics.register import (
    DeviceRegistration,
    check_readiness,
    device_record,
    register_device,
)
from halt_desk.logistics.stock import buffer_stock, record_mitigation
from halt_desk.logistics.swap_board import SwapStep, load_board
from halt_desk.logistics.swap_steps import (
    Sanitisation,
    SwapPlan,
    book_return,
    deliver,
    issue_onsite,
    open_swap,
    receive_device,
    record_emergency_workplace,
    record_sanitisation,
    record_shipment_status,
    return_to_lessor,
    ship_loaner,
)
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.swap_data import ALL_PASS, DEPOT, HOME, MODEL, depot_events, loaner_events, swap_ticket

TAG = "HALT-LT-00001"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def later(minutes: int) -> object:
    return NOW + timedelta(minutes=minutes)


def test_a_registered_device_is_ready_stock_only_after_the_whole_checklist(store: Store) -> None:
    registration = DeviceRegistration(
        "halt-lt-00042", "5cg4abc123", "HP EliteBook 840 G11", "halt", DEPOT,
        lessor="Lease BV", purchase_date=date(2026, 3, 1),
    )  # fmt: skip
    register_device(store, registration, "depot", NOW)
    record = device_record(store, "HALT-LT-00042")
    assert record.fold.state == "unready" and record.fold.serial == "5CG4ABC123"
    assert (record.lessor, record.purchase_date) == ("Lease BV", "2026-03-01")
    check_readiness(store, "HALT-LT-00042", ALL_PASS | {"mfa": False}, "depot", NOW)
    assert device_record(store, "HALT-LT-00042").missing_checks == ("mfa",)
    check_readiness(store, "HALT-LT-00042", ALL_PASS, "depot", NOW)
    assert device_record(store, "HALT-LT-00042").ready


def test_a_bad_asset_tag_or_a_serial_in_use_is_refused_naming_the_field(store: Store) -> None:
    with pytest.raises(DeskInputError) as bad:
        register_device(store, DeviceRegistration("LT-42", "X1234", MODEL, "halt", DEPOT), "d", NOW)
    assert bad.value.field == "asset_tag" and "HALT-LT-00042" in bad.value.message("nl")
    with pytest.raises(DeskInputError) as used:
        register_device(
            store, DeviceRegistration("HALT-LT-00099", "SN000001X", MODEL, "halt", DEPOT), "d", NOW
        )
    assert used.value.field == "serial"


def test_a_courier_swap_from_request_to_loaner_back_in_stock(store: Store) -> None:
    ticket = swap_ticket(store, NOW)
    suggestion = suggest_loaner(store, ticket, NOW)
    assert suggestion.device == TAG and suggestion.depot == DEPOT and suggestion.meets_deadline
    swap, _ = open_swap(
        store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, suggestion.device), "depot", later(5)
    )
    assert load_board(store, later(5)).swaps[swap].step is SwapStep.SHIP
    ship_loaner(store, swap, "postnl", "3SHLTD123456789", "depot", later(20))
    record_shipment_status(
        store, swap, Leg.OUT, ShipmentStatus.OUT_FOR_DELIVERY, "depot", later(90)
    )
    record_shipment_status(store, swap, Leg.OUT, ShipmentStatus.DELIVERED, "depot", later(120))
    view = store.ticket(ticket)
    board = load_board(store, later(121))
    assert board.swaps[swap].step is SwapStep.WITH_USER and board.swaps[swap].delivered
    assert board.swaps[swap].ticket is not None
    assert board.swaps[swap].ticket.swap_state == "met" and view is not None
    book_return(store, swap, "dhl", "JVGL0612345678901234", "depot", later(3000))
    assert board.by_tracking == {"3SHLTD123456789": (swap, Leg.OUT)}
    receive_device(store, TAG, DEPOT, "depot", later(4000))
    closed = load_board(store, later(4000)).swaps[swap]
    assert closed.step is SwapStep.CLOSED and closed.record is not None
    assert closed.record.inbound is not None and closed.record.inbound.status == "delivered"
    record_sanitisation(
        store,
        TAG,
        Sanitisation("bitlocker_crypto_erase", "Kees", "SAN-2027-00001"),
        "d",
        later(4100),
    )
    check_readiness(store, TAG, ALL_PASS, "depot", later(4200))
    device = store.device(TAG)
    assert device is not None and device.state == "in_stock"


def test_an_onsite_issue_stops_the_swap_clock_at_once(store: Store) -> None:
    ticket = swap_ticket(store, NOW, address=None)
    plan = SwapPlan(SwapMode.ONSITE, DEPOT, TAG, engineer="field:pieter")
    swap, _ = open_swap(store, ticket, plan, "depot", later(5))
    issue_onsite(store, swap, "field:pieter", later(60))
    facts = load_board(store, later(61)).swaps[swap].ticket
    assert facts is not None and facts.swap_met_at == later(60)
    assert store.device(TAG).state == "with_user"  # type: ignore[union-attr]


def test_an_illegal_move_says_the_state_and_why_in_dutch(store: Store) -> None:
    first = swap_ticket(store, NOW)
    second = swap_ticket(store, NOW)
    open_swap(store, first, SwapPlan(SwapMode.COURIER, DEPOT, TAG), "depot", later(1))
    with pytest.raises(DeviceRefused) as refused:
        open_swap(store, second, SwapPlan(SwapMode.COURIER, DEPOT, TAG), "depot", later(2))
    assert f"Apparaat {TAG} is gereserveerd voor omruiling {first}-SWAP1" in refused.value.message(
        "nl"
    )
    assert "reserveren kan niet" in refused.value.message("nl")
    assert load_board(store, later(2)).for_ticket(second)[0].record is None  # nothing stored
    with pytest.raises(DeviceRefused) as early:
        record_sanitisation(store, "HALT-LT-00002", Sanitisation("nist_purge", "K", "C1"), "d", NOW)
    assert "op voorraad" in early.value.message("nl")


def test_a_courier_swap_needs_an_address_and_a_valid_tracking_code(store: Store) -> None:
    ticket = swap_ticket(store, NOW, address=None)
    with pytest.raises(DeskInputError) as no_address:
        open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, TAG), "depot", NOW)
    assert no_address.value.field == "home_address"
    swap, _ = open_swap(
        store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, TAG, home_address=HOME), "depot", NOW
    )
    with pytest.raises(DeskInputError) as wrong:
        ship_loaner(store, swap, "dpd", "3SHLTD123456789", "depot", NOW)
    assert wrong.value.field == "tracking"


def test_no_depot_in_time_suggests_the_fastest_and_an_emergency_workplace_stops_its_clock(
    store: Store,
) -> None:
    ticket = swap_ticket(store, NOW, priority="P1")
    evening = NOW.replace(hour=16, minute=0)
    suggestion = suggest_loaner(store, ticket, evening)
    assert suggestion.device is not None and not suggestion.meets_deadline
    record_emergency_workplace(store, ticket, "virtual_workplace", "agent-1", evening)
    facts = load_board(store, evening).for_ticket(ticket)[0].ticket
    assert facts is not None and facts.emergency_kind == "virtual_workplace"


def test_the_queue_puts_the_deadline_that_falls_first_on_top(store: Store) -> None:
    late = swap_ticket(store, NOW)  # P2: swap by the end of the next working day
    early = swap_ticket(store, NOW + timedelta(hours=2), priority="P1")  # today, 4 h workplace
    rows = queue_rows(store, NOW + timedelta(hours=3))
    assert [r.ticket for r in rows] == [early, late]
    assert rows[0].clock == "emergency_workplace"
    assert rows[0].step is SwapStep.PLAN and rows[0].due is not None


def test_a_shortage_shows_per_depot_and_model_and_a_mitigation_is_recorded(store: Store) -> None:
    ticket = swap_ticket(store, NOW)
    open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, TAG), "depot", NOW)
    levels = {(s.depot, s.model): s for s in buffer_stock(store)}
    assert levels[(DEPOT, MODEL)].ready == 2 and levels[(DEPOT, MODEL)].shortage == 0
    assert levels[("depot-zwolle", MODEL)].shortage == 1
    record_mitigation(store, "depot-zwolle", MODEL, "other_depot", "Utrecht levert", "d", NOW)
    zwolle = next(s for s in buffer_stock(store) if s.depot == "depot-zwolle")
    assert zwolle.mitigation is not None and zwolle.mitigation["kind"] == "other_depot"
    with pytest.raises(DeskInputError):
        record_mitigation(store, "depot-zwolle", MODEL, "wishful", "hopen", "d", NOW)


def test_a_device_back_to_its_lessor_leaves_the_life_cycle(store: Store) -> None:
    ticket = swap_ticket(store, NOW)
    swap, _ = open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, TAG), "depot", NOW)
    ship_loaner(store, swap, "dpd", "05212345678901", "depot", later(1))
    deliver(store, swap, "depot", later(60))
    book_return(store, swap, "dpd", "05212345678902", "depot", later(600))
    receive_device(store, TAG, DEPOT, "depot", later(700))
    return_to_lessor(store, TAG, "depot", later(800), reference="RMA-1")
    assert store.device(TAG).state == "returned_to_lessor"  # type: ignore[union-attr]
    with pytest.raises(DeviceRefused) as gone:
        check_readiness(store, TAG, ALL_PASS, "depot", later(900))
    assert "uit de omloop" in gone.value.message("nl")


def test_home_addresses_leave_the_cache_30_days_after_the_swap_closed(store: Store) -> None:
    ticket = swap_ticket(store, NOW)
    swap, _ = open_swap(
        store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, TAG, home_address="Nieuw 2"), "d", NOW
    )
    ship_loaner(store, swap, "postnl", "3SHLTD123456789", "d", later(1))
    deliver(store, swap, "d", later(60))
    receive_device(store, TAG, DEPOT, "d", later(120))
    # Sent to central (no longer in the outbox), as it is 30 days on.
    store.mark_sent([e.id for e in store.pending_outbox(1000)])
    assert purge_home_addresses(store, later(120) + timedelta(days=29)) == 0  # type: ignore[operator]
    assert load_board(store, later(121)).swaps[swap].home_address == "Nieuw 2"
    assert purge_home_addresses(store, later(120) + timedelta(days=30)) == 2  # type: ignore[operator]
    texts = [e.data for s in (f"swap:{swap}", f"ticket:{ticket}") for e in store.events_for(s)]
    assert not any("home_address" in data for data in texts)
    assert load_board(store, later(121)).swaps[swap].home_address is None
