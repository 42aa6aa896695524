"""The employee's own (broken) device as a device of its own (issue 22): taken back in a
swap, to the depot, diagnosed, then repaired and returned to its owner, or (wiped first)
to the lessor or the scrap heap; the swap closes only when both devices have an end state.
Plain calls on a real store file, refusals in Dutch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.messages import Msg
from halt_desk.domain.swaps import Leg, SwapMode
from halt_desk.logistics.own_device import (
    TakeBack,
    diagnose_device,
    next_own_device_steps,
    own_device_key,
    repair_device,
    retire_device,
    return_to_owner,
    ship_own_device,
    take_back_device,
)
from halt_desk.logistics.queue import queue_rows
from halt_desk.logistics.refusals import DeviceRefused
from halt_desk.logistics.register import device_record
from halt_desk.logistics.scan_station import ScanSession, ScanStep, Verdict
from halt_desk.logistics.swap_board import SwapStep, load_board
from halt_desk.logistics.swap_steps import (
    Sanitisation,
    SwapPlan,
    book_return,
    close_swap,
    deliver,
    open_swap,
    receive_device,
    record_sanitisation,
    return_to_lessor,
    ship_loaner,
)
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket

LOANER = "HALT-LT-00001"
WIPED = Sanitisation("nist_purge", "Kees", "SAN-2027-00042")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def later(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def delivered_swap(store: Store) -> str:
    """A courier swap whose loaner is with the employee."""
    ticket = swap_ticket(store, NOW)
    swap, _ = open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, LOANER), "d", later(5))
    ship_loaner(store, swap, "postnl", "3SHLTD123456789", "d", later(10))
    deliver(store, swap, "d", later(60))
    return swap


def step_of(store: Store, swap: str, at: datetime) -> SwapStep:
    return load_board(store, at).swaps[swap].step


def test_a_device_without_asset_tag_is_registered_on_the_spot_by_its_serial(
    store: Store,
) -> None:
    swap = delivered_swap(store)
    take = TakeBack(serial="5cg9 old77", model="HP ProBook 450", location="loc-zwolle")
    with pytest.raises(DeskInputError) as bad:
        take_back_device(store, swap, take, "field:pieter", later(61))
    assert bad.value.code is Msg.FILL_IN_TAG_OR_SERIAL  # a space is no part of a serial
    take = TakeBack(serial="5CG9OLD77", model="HP ProBook 450", location="loc-zwolle")
    events = take_back_device(store, swap, take, "field:pieter", later(61))
    assert [e.type for e in events] == ["device_registered", "device_taken_back"]
    assert {e.stream for e in events} == {"device:SN-5CG9OLD77"}
    assert events[1].data == {
        "swap": swap, "ticket": swap.removesuffix("-SWAP1"), "by": "field:pieter",
        "location": "loc-zwolle",
    }  # fmt: skip
    fold = device_record(store, "SN-5CG9OLD77").fold
    assert (fold.state, fold.swap, fold.owned, fold.org) == ("taken_back", swap, True, "halt")
    view = store.device_by_serial("5CG9OLD77")
    assert view is not None and view.state == "taken_back"  # the register (F8) shows it
    board = load_board(store, later(62))
    assert (board.swaps[swap].own_device, board.swaps[swap].own_device_state) == (
        "SN-5CG9OLD77",
        "taken_back",
    )
    assert board.swaps[swap].device == LOANER  # the loaner stays the swap's loaner


def test_a_known_device_is_taken_back_by_its_tag_without_a_new_registration(
    store: Store,
) -> None:
    store.record_events(loaner_events(1, start=50)[:1], bulk=True)  # registered, not ready
    swap = delivered_swap(store)
    events = take_back_device(
        store, swap, TakeBack(asset_tag="halt-lt-00050", location="loc-1"), "d", later(61)
    )
    assert [e.type for e in events] == ["device_taken_back"]
    with pytest.raises(DeskInputError) as twice:
        take_back_device(store, swap, TakeBack(serial="ABCD1234", location="x"), "d", later(62))
    assert twice.value.message("nl") == (
        f"Omruiling {swap} heeft apparaat HALT-LT-00050 al teruggenomen."
    )


def test_the_loaner_itself_or_a_device_in_stock_cannot_be_taken_back(store: Store) -> None:
    swap = delivered_swap(store)
    with pytest.raises(DeskInputError) as loaner:
        take_back_device(store, swap, TakeBack(asset_tag=LOANER, location="x"), "d", later(61))
    assert loaner.value.code is Msg.OWN_DEVICE_IS_LOANER
    with pytest.raises(DeviceRefused) as stock:
        take_back_device(
            store, swap, TakeBack(asset_tag="HALT-LT-00002", location="x"), "d", later(61)
        )
    assert "HALT-LT-00002 is op voorraad" in stock.value.message("nl")
    assert "terugnemen kan niet" in stock.value.message("nl")


def test_repaired_and_returned_the_swap_closes_when_the_loaner_is_back(store: Store) -> None:
    swap = delivered_swap(store)
    take_back_device(store, swap, TakeBack(serial="OLD0001", location="loc-1"), "f", later(61))
    tag = own_device_key("", "OLD0001")
    assert tag == "SN-OLD0001"
    ship_own_device(store, tag, "dhl", "JVGL0699999999999999", "d", later(70))
    record = load_board(store, later(71)).swaps[swap].record
    assert record is not None and record.own_device is not None
    assert (record.own_device.leg, record.own_device.status) == (Leg.OWN_DEVICE, "picked_up")
    # The depot scans the label of the own device's parcel: that device is received.
    scan = ScanSession(store, "logistics:kees", DEPOT, lambda: later(900), ScanStep.RECEIVE)
    outcome = scan.handle("JVGL0699999999999999")
    assert outcome.verdict is Verdict.GOOD and outcome.device == tag
    assert "eigen apparaat" in outcome.message("nl") and "diagnose" in outcome.message("nl")
    board = load_board(store, later(901))
    assert board.swaps[swap].record.own_device.status == "delivered"  # type: ignore[union-attr]
    assert board.swaps[swap].step is SwapStep.WITH_USER  # the loaner is still out
    assert next_own_device_steps(device_record(store, tag).fold) == [
        "device_diagnosed",
        "device_sanitised",
    ]
    with pytest.raises(DeskInputError) as empty:
        diagnose_device(store, tag, "  ", "d", later(902))
    assert empty.value.code is Msg.FILL_IN_FINDING
    diagnose_device(store, tag, "Moederbord defect", "d", later(903))
    repair_device(store, tag, "d", later(960), "Moederbord vervangen")
    events = return_to_owner(store, tag, "d", later(1000))
    assert [e.type for e in events] == ["device_returned_to_owner"]  # the loaner is out
    assert step_of(store, swap, later(1001)) is SwapStep.WITH_USER
    book_return(store, swap, "dhl", "JVGL0612345678901234", "d", later(1100))
    back = receive_device(store, LOANER, DEPOT, "d", later(1200))
    closed = [e for e in back if e.type == "swap_closed"]
    assert closed and closed[0].data == {"outcome": "returned", "device": LOANER, "own_device": tag}
    assert step_of(store, swap, later(1201)) is SwapStep.CLOSED
    fold = device_record(store, tag).fold
    assert (fold.state, fold.swap, fold.finding) == ("returned_to_owner", None, "Moederbord defect")


def test_to_the_lessor_only_after_sanitisation_and_then_the_swap_closes(store: Store) -> None:
    swap = delivered_swap(store)
    take_back_device(store, swap, TakeBack(asset_tag="HALT-PC-00077", location="l"), "f", later(61))
    book_return(store, swap, "dhl", "JVGL0612345678901234", "d", later(100))
    back = receive_device(store, LOANER, DEPOT, "d", later(200))
    assert "swap_closed" not in [e.type for e in back]  # the own device is not done
    assert step_of(store, swap, later(201)) is SwapStep.OWN_DEVICE
    rows = [r for r in queue_rows(store, later(201)) if r.swap == swap]
    assert [(r.step, r.own_device, r.own_state) for r in rows] == [
        ("own_device", "HALT-PC-00077", "taken_back")
    ]
    with pytest.raises(DeskInputError) as early:
        close_swap(store, swap, "geannuleerd", "d", later(202))
    assert early.value.code is Msg.OWN_DEVICE_NOT_DONE
    # The engineer brings the device to the depot himself: received without a courier.
    scan = ScanSession(store, "logistics:kees", DEPOT, lambda: later(300), ScanStep.RECEIVE)
    assert scan.handle("HALT-PC-00077").verdict is Verdict.GOOD
    diagnose_device(store, "HALT-PC-00077", "Scherm en behuizing gebroken", "d", later(301))
    with pytest.raises(DeskInputError) as unwiped:
        return_to_lessor(store, "HALT-PC-00077", "d", later(302))
    assert unwiped.value.message("nl").startswith(
        "Leg eerst het wissen van de gegevens van HALT-PC-00077 vast"
    )
    with pytest.raises(DeskInputError) as loaner:
        repair_device(store, LOANER, "d", later(303))  # a loaner has no repair step
    assert loaner.value.code is Msg.NOT_AN_OWN_DEVICE
    record_sanitisation(store, "HALT-PC-00077", WIPED, "d", later(304))
    event = return_to_lessor(store, "HALT-PC-00077", "d", later(305), "RMA-1")
    assert event.data == {"reference": "RMA-1", "swap": swap}
    assert step_of(store, swap, later(306)) is SwapStep.CLOSED
    view = store.device("HALT-PC-00077")
    assert view is not None and view.state == "returned_to_lessor"


def test_retired_only_after_sanitisation(store: Store) -> None:
    swap = delivered_swap(store)
    take_back_device(store, swap, TakeBack(serial="OLD0002", location="l"), "f", later(61))
    receive_device(store, "SN-OLD0002", DEPOT, "d", later(100))
    with pytest.raises(DeskInputError) as unwiped:
        retire_device(store, "SN-OLD0002", "d", later(101))
    assert unwiped.value.code is Msg.SANITISE_FIRST
    record_sanitisation(store, "SN-OLD0002", WIPED, "d", later(102))
    events = retire_device(store, "SN-OLD0002", "d", later(103), "niet te repareren")
    assert [e.type for e in events] == ["device_retired"]  # the loaner is still out
    assert step_of(store, swap, later(104)) is SwapStep.WITH_USER
    book_return(store, swap, "dhl", "JVGL0612345678901234", "d", later(200))
    receive_device(store, LOANER, DEPOT, "d", later(300))
    assert step_of(store, swap, later(301)) is SwapStep.CLOSED


def test_a_device_back_with_its_owner_can_be_taken_back_by_a_later_swap(store: Store) -> None:
    first = delivered_swap(store)
    take_back_device(store, first, TakeBack(serial="OLD0003", location="l"), "f", later(61))
    receive_device(store, "SN-OLD0003", DEPOT, "d", later(62))
    diagnose_device(store, "SN-OLD0003", "Accu", "d", later(63))
    repair_device(store, "SN-OLD0003", "d", later(64))
    return_to_owner(store, "SN-OLD0003", "d", later(65))
    book_return(store, first, "dhl", "JVGL0612345678901234", "d", later(66))
    receive_device(store, LOANER, DEPOT, "d", later(67))
    ticket = swap_ticket(store, later(70))
    plan = SwapPlan(SwapMode.COURIER, DEPOT, "HALT-LT-00002")
    second, _ = open_swap(store, ticket, plan, "d", later(71))
    take_back_device(store, second, TakeBack(serial="OLD0003", location="l"), "f", later(72))
    board = load_board(store, later(73))
    assert board.swaps[first].own_device_state == "returned_to_owner"
    assert board.swaps[first].step is SwapStep.CLOSED
    assert board.swaps[second].own_device_state == "taken_back"


# ------------------------------------------------------------------ defect 2


def _closed_ticket(store: Store, ticket: str, at: datetime) -> None:
    record_action(store, ticket, ActionRequest(Action.RESOLVED, text="Opgelost"), "a", at)
    record_action(store, ticket, ActionRequest(Action.CLOSED, score=8), "a", at)


@pytest.mark.parametrize("with_record", [True, False], ids=["swap-record", "request-only"])
def test_a_returned_loaner_is_received_when_its_ticket_is_already_closed(
    store: Store, with_record: bool
) -> None:
    """Defect 2 of issue 22: scanning a loaner "retour onderweg" at Ontvangen said "Swap …
    bestaat niet" once its ticket was closed (the look-up left such swaps out)."""
    ticket = swap_ticket(store, NOW)
    swap = f"{ticket}-SWAP1"
    if with_record:
        open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, LOANER), "d", later(5))
        ship_loaner(store, swap, "postnl", "3SHLTD123456789", "d", later(10))
        deliver(store, swap, "d", later(60))
        book_return(store, swap, "dhl", "JVGL0612345678901234", "d", later(100))
    else:  # the cache holds the loaner's moves, not the swap's own stream
        from halt_desk.domain.events import new_event

        stream = f"device:{LOANER}"
        moves = [
            ("device_reserved", {"swap": swap, "ticket": ticket}),
            ("device_shipped", {"swap": swap, "carrier": "postnl", "tracking": "3SHLTD1234"}),
            ("device_delivered", {"swap": swap}),
            ("device_return_shipped", {"swap": swap, "carrier": "dhl", "tracking": "JVGL1"}),
        ]
        store.record_events(
            [new_event(stream, t, later(5 + i), "d", data) for i, (t, data) in enumerate(moves)],
            bulk=True,
        )
    _closed_ticket(store, ticket, later(120))
    assert store.ticket(ticket).status == "closed"  # type: ignore[union-attr]
    scan = ScanSession(store, "logistics:kees", DEPOT, lambda: later(200), ScanStep.RECEIVE)
    outcome = scan.handle(f"  {LOANER}\r\n")
    assert outcome.verdict is Verdict.GOOD, outcome.message("nl")
    assert outcome.message("nl").startswith(f"{LOANER} ontvangen in {DEPOT}")
    assert device_record(store, LOANER).fold.state == "received"
    # Sanitisation and the hand-back to the lessor work whatever the ticket's state.
    record_sanitisation(store, LOANER, WIPED, "d", later(201))
    return_to_lessor(store, LOANER, "d", later(202))
    assert store.device(LOANER).state == "returned_to_lessor"  # type: ignore[union-attr]
