"""The scan classifier (pure) and the scan station's steps on a real store file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from halt_desk.couriers.postnl import s10_check_digit
from halt_desk.domain.events import new_event
from halt_desk.domain.swaps import SwapMode
from halt_desk.logistics.codes import CodeKind, classify, gs1_check_digit
from halt_desk.logistics.scan_station import ScanSession, ScanStep, Verdict
from halt_desk.logistics.swap_board import load_board
from halt_desk.logistics.swap_steps import SwapPlan, deliver, open_swap
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket


@pytest.mark.parametrize(
    ("raw", "kind", "value", "carrier"),
    [
        ("HALT-LT-00042", CodeKind.ASSET_TAG, "HALT-LT-00042", None),
        ("  halt-lt-00042\r", CodeKind.ASSET_TAG, "HALT-LT-00042", None),
        ("3SHLTD123456789", CodeKind.TRACKING, "3SHLTD123456789", "postnl"),
        ("]C13SABCD1234567", CodeKind.TRACKING, "3SABCD1234567", "postnl"),
        ("RR123456785NL", CodeKind.TRACKING, "RR123456785NL", "postnl"),
        ("JVGL0612345678901234", CodeKind.TRACKING, "JVGL0612345678901234", "dhl"),
        ("JJD000390007482736451", CodeKind.TRACKING, "JJD000390007482736451", "dhl"),
        ("1234567890", CodeKind.TRACKING, "1234567890", "dhl"),
        ("05212345678901", CodeKind.TRACKING, "05212345678901", "dpd"),
        ("%000744005212345678901101276", CodeKind.TRACKING, "05212345678901", "dpd"),
        ("5CG4ABC123", CodeKind.SERIAL, "5CG4ABC123", None),
        ("PF1A2B3C", CodeKind.SERIAL, "PF1A2B3C", None),
        ("RR123456789NL", CodeKind.SERIAL, "RR123456789NL", None),  # S10 check digit wrong
        # GS1 SSCC (AI 00): a shipment label, never a serial number, in every written form
        ("00106141411234567897", CodeKind.SSCC, "106141411234567897", None),
        ("(00)106141411234567897", CodeKind.SSCC, "106141411234567897", None),
        ("(00) 1 0614141 123456789 7", CodeKind.SSCC, "106141411234567897", None),
        ("]C100106141411234567897", CodeKind.SSCC, "106141411234567897", None),
        ("]d2(00)106141411234567897\r", CodeKind.SSCC, "106141411234567897", None),
        ("\x1d00340434161234567896", CodeKind.SSCC, "340434161234567896", None),
        ("00106141411234567890", CodeKind.UNKNOWN, "106141411234567890", None),  # check digit
        ("0010614141123456789", CodeKind.SERIAL, "0010614141123456789", None),  # 19 digits
        ("HALT-XX-00042", CodeKind.UNKNOWN, "HALT-XX-00042", None),
        ("hello", CodeKind.UNKNOWN, "HELLO", None),
        ("", CodeKind.UNKNOWN, "", None),
    ],
)
def test_codes_are_told_apart_by_their_published_formats(
    raw: str, kind: CodeKind, value: str, carrier: str | None
) -> None:
    code = classify(raw)
    assert (code.kind, code.value, code.carrier) == (kind, value, carrier)


def test_the_gs1_check_digit_of_an_sscc() -> None:
    assert gs1_check_digit("10614141123456789") == 7  # GS1's own example SSCC
    assert classify("00106141411234567891").problem == "check_digit"
    assert classify("00106141411234567897").problem is None


def test_an_sscc_is_read_as_a_shipment_label_at_every_step(store: Store) -> None:
    sscc = "]C100106141411234567897"
    # A device whose serial happens to be those digits is not what the label means.
    data = {"serial": "00106141411234567897", "model": "X", "type": "laptop", "org": "halt"}
    store.record_events([new_event("device:HALT-LT-00090", "device_registered", NOW, "d", data)])
    received = station(store, ScanStep.RECEIVE).handle(sscc)
    assert received.verdict is Verdict.UNKNOWN and received.code.kind is CodeKind.SSCC
    assert received.message("nl") == "Geen zending met code 106141411234567897 op deze computer."
    assert store.device("HALT-LT-00090").state == "unready"  # type: ignore[union-attr]
    shipped = station(store, ScanStep.SHIP).handle(sscc)
    assert shipped.verdict is Verdict.WRONG_STATE
    assert shipped.message("nl").startswith("106141411234567897 is een zendingslabel (SSCC)")
    wrong = station(store, ScanStep.RECEIVE).handle("(00)106141411234567890")
    assert wrong.verdict is Verdict.UNKNOWN
    assert "controlecijfer" in wrong.message("nl") and "106141411234567890" in wrong.message("nl")


def test_the_s10_check_digit_follows_the_upu_weights() -> None:
    assert s10_check_digit("12345678") == 5
    assert s10_check_digit("47312482") == 9  # the worked example of UPU S10 (RR473124829GB)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def station(store: Store, step: ScanStep) -> ScanSession:
    return ScanSession(store, "logistics:kees", DEPOT, lambda: NOW + timedelta(minutes=30), step)


def test_ship_takes_the_asset_tag_then_the_label(store: Store) -> None:
    ticket = swap_ticket(store, NOW)
    swap, _ = open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, "HALT-LT-00001"), "d", NOW)
    scan = station(store, ScanStep.SHIP)
    first = scan.handle("HALT-LT-00001\n")
    assert first.verdict is Verdict.NEXT and "scan nu het verzendlabel" in first.message("nl")
    second = scan.handle("3SHLTD123456789")
    assert second.verdict is Verdict.GOOD and second.swap == swap
    assert store.device("HALT-LT-00001").state == "shipped"  # type: ignore[union-attr]
    assert load_board(store, NOW).by_tracking["3SHLTD123456789"][0] == swap


def test_ship_refuses_a_loaner_in_stock_and_a_label_without_a_loaner(store: Store) -> None:
    scan = station(store, ScanStep.SHIP)
    label_first = scan.handle("3SHLTD123456789")
    assert label_first.verdict is Verdict.WRONG_STATE
    assert "eerst de assettag" in label_first.message("nl")
    in_stock = scan.handle("SN000002X")  # by serial
    assert in_stock.verdict is Verdict.WRONG_STATE
    assert "HALT-LT-00002 is op voorraad" in in_stock.message("nl")
    unknown = scan.handle("HALT-LT-09999")
    assert unknown.verdict is Verdict.UNKNOWN and "niet in het register" in unknown.message("nl")


def test_receive_by_return_label_closes_the_swap(store: Store) -> None:
    from halt_desk.logistics.swap_steps import book_return, ship_loaner

    ticket = swap_ticket(store, NOW)
    swap, _ = open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, "HALT-LT-00001"), "d", NOW)
    ship_loaner(store, swap, "postnl", "3SHLTD123456789", "d", NOW)
    deliver(store, swap, "d", NOW)
    book_return(store, swap, "dpd", "05212345678901", "d", NOW)
    scan = station(store, ScanStep.RECEIVE)
    outcome = scan.handle("%000744005212345678901101276")
    assert outcome.verdict is Verdict.GOOD and outcome.device == "HALT-LT-00001"
    assert load_board(store, NOW).swaps[swap].record.is_closed  # type: ignore[union-attr]
    again = scan.handle("HALT-LT-00001")
    assert again.verdict is Verdict.WRONG_STATE and "ontvangen in depot" in again.message("nl")


def test_issue_onsite_of_the_reserved_loaner(store: Store) -> None:
    ticket = swap_ticket(store, NOW, address=None)
    plan = SwapPlan(SwapMode.ONSITE, DEPOT, "HALT-LT-00003", engineer="field:wendy")
    swap, _ = open_swap(store, ticket, plan, "d", NOW)
    ship = station(store, ScanStep.SHIP).handle("HALT-LT-00003")
    assert ship.verdict is Verdict.WRONG_STATE and "op locatie" in ship.message("nl")
    outcome = station(store, ScanStep.ISSUE).handle("HALT-LT-00003")
    assert outcome.verdict is Verdict.GOOD and outcome.swap == swap
    assert store.device("HALT-LT-00003").state == "with_user"  # type: ignore[union-attr]
