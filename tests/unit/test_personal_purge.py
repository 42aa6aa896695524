"""The 30-day purge of a closed swap's personal data goes by the event types' schemas
(domain/personal.py), never by a field's name: undeclared fields on the swap's own streams
go, a ticket comment stays whatever its keys (DESIGN §2.6, issue 17). What the desk writes
out for others (the month export, the SLA timeline) leaves the personal fields out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from halt_desk.domain.events import new_event
from halt_desk.domain.swaps import SwapMode
from halt_desk.field.onsite import sla_timeline
from halt_desk.logistics.privacy import purge_expired_home_addresses, purge_home_addresses
from halt_desk.logistics.swap_board import load_board
from halt_desk.logistics.swap_steps import (
    SwapPlan,
    deliver,
    open_swap,
    receive_device,
    ship_loaner,
)
from halt_desk.reports.export import ticket_document
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.swap_data import DEPOT, HOME, depot_events, loaner_events, swap_ticket

TAG = "HALT-LT-00001"
CLOSED = NOW + timedelta(minutes=120)
COMMENT = {"text": "Belt terug na de levering", "address": "Kerkstraat 5, Zwolle"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def closed_swap_with_undeclared_fields(store: Store) -> tuple[str, str]:
    """A courier swap whose events carry personal data under keys no schema declares (as
    another client might send them), a ticket comment with an `address` key, then closed
    and sent to central."""
    ticket = swap_ticket(store, NOW)
    swap, _ = open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, TAG), "d", NOW)
    shipped = {"swap": swap, "carrier": "postnl", "tracking": "3SHLTD1", "delivery": HOME}
    status = {
        "leg": "out",
        "carrier": "postnl",
        "tracking": "3SHLTD1",
        "status": "picked_up",
        "source": "manual",
        "contact": {"address": "Kerkstraat 5", "private_phone": "06-12345678"},
    }
    store.record_events(
        [
            new_event(f"swap:{swap}", "swap_updated", at(1), "d", {"Home_Address": "Laan 3"}),
            new_event(f"device:{TAG}", "device_shipped", at(2), "d", shipped),
            new_event(f"swap:{swap}", "shipment_status", at(2), "d", status),
            new_event(f"ticket:{ticket}", "comment", at(3), "agent-1", COMMENT),
        ],
        bulk=True,
    )
    deliver(store, swap, "d", at(60))
    receive_device(store, TAG, DEPOT, "d", CLOSED)
    store.mark_sent([e.id for e in store.pending_outbox(1000)])
    return ticket, swap


def data_of(store: Store, stream: str, event_type: str) -> list[dict[str, Any]]:
    return [dict(e.data) for e in store.events_for(stream) if e.type == event_type]


def test_personal_data_under_undeclared_keys_on_a_swap_goes_after_30_days(store: Store) -> None:
    ticket, swap = closed_swap_with_undeclared_fields(store)
    assert purge_home_addresses(store, CLOSED + timedelta(days=29, hours=23)) == 0
    assert data_of(store, f"swap:{swap}", "swap_updated")[0]["Home_Address"] == "Laan 3"
    count, streams = purge_expired_home_addresses(store, CLOSED + timedelta(days=30))
    # swap_requested (ticket), swap_updated, shipment_status (swap), device_shipped (device).
    assert count == 4
    assert streams == {f"swap:{swap}", f"ticket:{ticket}", f"device:{TAG}"}
    updated = data_of(store, f"swap:{swap}", "swap_updated")[0]
    assert "Home_Address" not in updated and updated["purged"] == ["Home_Address"]
    status = next(d for d in data_of(store, f"swap:{swap}", "shipment_status") if "purged" in d)
    assert "contact" not in status and status["purged"] == ["contact"]
    assert status["tracking"] == "3SHLTD1" and status["status"] == "picked_up"
    shipped = data_of(store, f"device:{TAG}", "device_shipped")[0]
    assert shipped["purged"] == ["delivery"] and shipped["tracking"] == "3SHLTD1"
    request = data_of(store, f"ticket:{ticket}", "swap_requested")[0]
    assert "home_address" not in request and request["purged"] == ["home_address"]
    left = repr([e.data for s in streams for e in store.events_for(s) if e.type != "comment"])
    assert not any(p in left for p in (HOME, "Laan 3", "Kerkstraat 5", "06-12345678"))
    # Public fields and the folds stay intact; a second run finds nothing more.
    assert load_board(store, CLOSED).swaps[swap].record.outcome == "returned"  # type: ignore[union-attr]
    assert purge_home_addresses(store, CLOSED + timedelta(days=31)) == 0


def test_a_ticket_comment_is_untouched_by_the_purge(store: Store) -> None:
    ticket, _ = closed_swap_with_undeclared_fields(store)
    assert purge_home_addresses(store, CLOSED + timedelta(days=30)) > 0
    assert data_of(store, f"ticket:{ticket}", "comment") == [COMMENT]


def test_the_purge_leaves_events_not_yet_sent_to_central(store: Store) -> None:
    ticket = swap_ticket(store, NOW)
    swap, _ = open_swap(
        store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, TAG, home_address="Nieuw 2"), "d", NOW
    )
    store.mark_sent([e.id for e in store.pending_outbox(1000)])
    extra = new_event(f"swap:{swap}", "swap_updated", at(1), "d", {"Home_Address": "Laan 3"})
    store.record_events([extra], bulk=True)  # still in the outbox
    ship_loaner(store, swap, "postnl", "3SHLTD123456789", "d", at(2))
    deliver(store, swap, "d", at(60))
    receive_device(store, TAG, DEPOT, "d", CLOSED)
    store.mark_sent([e.id for e in store.pending_outbox(1000) if e.id != extra.id])
    assert purge_home_addresses(store, CLOSED + timedelta(days=30)) == 2
    assert data_of(store, f"swap:{swap}", "swap_updated") == [{**extra.data}]


def test_the_month_export_and_sla_timeline_leave_the_home_address_out(store: Store) -> None:
    ticket = swap_ticket(store, NOW)
    store.record_events([new_event(f"ticket:{ticket}", "comment", at(3), "a", COMMENT)])
    events = store.events_for(f"ticket:{ticket}")
    assert any(e.data.get("home_address") == HOME for e in events)  # in the cache
    for document in (ticket_document(ticket, events, at(10)), sla_timeline(events, ticket)):
        written = document["events"]
        assert HOME not in repr(written)
        assert [e for e in written if e["type"] == "swap_requested"]
        assert [
            {"text": e["text"], "address": e["address"]} for e in written if e["type"] == "comment"
        ] == [COMMENT]
