"""Carrier exceptions on the logistics queue: a failed delivery, an address problem, a
return to sender and an expected delivery after the swap clock's deadline are flagged (in
Dutch words) and come first; a delivery that goes well is not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from halt_desk.domain.events import new_event
from halt_desk.domain.swaps import SwapMode
from halt_desk.i18n import current_language, set_language
from halt_desk.logistics.queue import queue_rows
from halt_desk.logistics.swap_steps import SwapPlan, open_swap, ship_loaner
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def shipped(store: Store, tag: str, tracking: str) -> str:
    early = NOW.replace(hour=9, minute=0)
    ticket = swap_ticket(store, early)
    swap, _ = open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, tag), "d", early)
    ship_loaner(store, swap, "dhl", tracking, "d", early.replace(minute=30))
    return swap


def carrier_says(store: Store, swap: str, tracking: str, status: str, **extra: Any) -> None:
    data = {"leg": "out", "carrier": "dhl", "tracking": tracking, "status": status,
            "source": "carrier", **extra}  # fmt: skip
    at = NOW.replace(hour=11)
    store.record_events([new_event(f"swap:{swap}", "shipment_status", at, "koerier", data)])


def test_carrier_exceptions_are_flagged_first_in_dutch(store: Store) -> None:
    fine = shipped(store, "HALT-LT-00001", "JVGL0000000000000001")
    carrier_says(store, fine, "JVGL0000000000000001", "in_transit")
    failed = shipped(store, "HALT-LT-00002", "JVGL0000000000000002")
    carrier_says(store, failed, "JVGL0000000000000002", "failed_attempt",
                 problem="address_problem", text="Adres onvolledig")  # fmt: skip
    late = shipped(store, "HALT-LT-00003", "JVGL0000000000000003")
    rows = {row.swap: row for row in queue_rows(store, NOW.replace(hour=12))}
    due = rows[late].swap_due
    assert due is not None
    carrier_says(store, late, "JVGL0000000000000003", "in_transit",
                 expected=(due + timedelta(hours=5)).isoformat())  # fmt: skip
    ordered = queue_rows(store, NOW.replace(hour=12))
    flags = {row.swap: row.exception for row in ordered}
    assert flags == {fine: None, failed: "address_problem", late: "late"}
    assert {row.swap for row in ordered[:2]} == {failed, late}  # flagged ones first
    before = current_language()
    set_language("nl")
    try:
        text = next(row for row in ordered if row.swap == late).exception_text()
    finally:
        set_language(before)
    assert text.startswith("DHL: haalt de deadline van de omruiling niet (HALT-")
    # In time after all: the flag goes.
    carrier_says(store, late, "JVGL0000000000000003", "out_for_delivery",
                 expected=(due - timedelta(hours=1)).isoformat())  # fmt: skip
    rows = {row.swap: row for row in queue_rows(store, NOW.replace(hour=12))}
    assert rows[late].exception is None
