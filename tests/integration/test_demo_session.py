"""`halt-desk demo` without a window: the desk cache written as the first pull leaves it,
then a real central filled through its own checks, serving on loopback, and a real sync."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from halt_desk.demo.desk_cache import DEMO_USER, DemoData, prepare_demo_cache
from halt_desk.demo.desk_session import DemoCentral, start_demo_central
from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.domain.errors import HaltDeskError
from halt_desk.logistics.queue import queue_rows
from halt_desk.logistics.swap_board import SwapStep
from halt_desk.store import Store
from halt_desk.sync import ServerClock, SyncEngine, client_factory

NOW = datetime.now(UTC)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Store, DemoData, DemoCentral]]:
    store = Store.open(tmp_path / "demo-cache.sqlite3")
    data = prepare_demo_cache(store, months=1, tickets_per_month=60, now=NOW)
    central = start_demo_central(tmp_path, data)
    yield store, data, central
    central.stop()
    store.close()


def _sync(store: Store, central: DemoCentral) -> dict[str, int]:
    clock = ServerClock()
    engine = SyncEngine(store, client_factory(central.url, central.token), clock)
    summary = engine.sync_once()
    assert summary.state in ("online", "clock_warning"), summary.error
    return {"pushed": summary.pushed, "pulled": summary.pulled}


def test_the_demo_cache_is_what_the_first_pull_from_the_demo_central_leaves(
    demo: tuple[Store, DemoData, DemoCentral],
) -> None:
    store, data, central = demo
    assert central.events == len(data.events) == store.last_pulled_seq()
    assert store.outbox_size() == 0
    # Nothing new to fetch nor to send: the cache already holds what central serves.
    assert _sync(store, central) == {"pushed": 0, "pulled": 0}
    # The demo user is an agent: central's feed took out the home addresses, so did the cache.
    requests = [e for e in data.events if e.type == "swap_requested" and "home_address" in e.data]
    assert requests
    stored = {e.id: e for e in store.events_for(requests[0].stream)}
    assert "home_address" not in stored[requests[0].id].data


def test_an_event_recorded_in_the_demo_desk_reaches_the_embedded_central(
    demo: tuple[Store, DemoData, DemoCentral],
) -> None:
    store, data, central = demo
    ticket = next(t for t in store.tickets(open_only=True))
    note = ActionRequest(Action.COMMENT, text="Gebeld, laptop wordt opgehaald.")
    (event,) = record_action(store, ticket.id, note, DEMO_USER, datetime.now(UTC))
    assert store.outbox_size() == 1
    assert _sync(store, central)["pushed"] == 1
    assert store.outbox_size() == 0
    user = central.central.authenticate(central.token)
    assert user is not None
    page, _, _ = central.central.changes(user, len(data.events), 100, "127.0.0.1")
    assert [(e["id"], e["seq"]) for e in page] == [(event.id, len(data.events) + 1)]


def test_the_demo_queue_shows_open_swaps_in_every_step(
    demo: tuple[Store, DemoData, DemoCentral],
) -> None:
    store, _, _ = demo
    rows = queue_rows(store, NOW)
    assert {row.step for row in rows} == set(SwapStep) - {SwapStep.CLOSED}
    moving = [row for row in rows if row.step in (SwapStep.SHIP, SwapStep.IN_TRANSIT)]
    assert all(row.device and row.depot for row in moving)
    assert any(row.shipment and row.shipment.tracking for row in moving)


def test_a_demo_cache_that_differs_from_central_stops_the_demo(tmp_path: Path) -> None:
    with Store.open(tmp_path / "demo-cache.sqlite3") as store:
        data = prepare_demo_cache(store, months=1, tickets_per_month=20, now=NOW)
    changed = list(data.pulled)
    changed[5] = {**changed[5], "actor": "someone:else"}
    with pytest.raises(HaltDeskError, match="differs from central's feed at seq 6"):
        start_demo_central(tmp_path, replace(data, pulled=tuple(changed))).stop()


def test_the_demo_cache_must_be_new(tmp_path: Path) -> None:
    with Store.open(tmp_path / "demo-cache.sqlite3") as store:
        prepare_demo_cache(store, months=1, tickets_per_month=10, now=NOW)
        with pytest.raises(HaltDeskError, match="new and empty"):
            prepare_demo_cache(store, months=1, tickets_per_month=10, now=NOW)


def test_what_is_recorded_before_the_demo_central_is_up_is_sent_by_the_first_round(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "demo-cache.sqlite3") as store:
        data = prepare_demo_cache(store, months=1, tickets_per_month=30, now=NOW)
        ticket = next(t for t in store.tickets(open_only=True))
        note = ActionRequest(Action.COMMENT, text="Teruggebeld, nog geen oplossing.")
        (event,) = record_action(store, ticket.id, note, DEMO_USER, datetime.now(UTC))
        central = start_demo_central(tmp_path, data)  # the list was on screen meanwhile
        try:
            assert _sync(store, central) == {"pushed": 1, "pulled": 0}
            user = central.central.authenticate(central.token)
            assert user is not None
            page, _, _ = central.central.changes(user, len(data.events), 100, "127.0.0.1")
            assert [e["id"] for e in page] == [event.id]
            assert store.outbox_size() == 0
        finally:
            central.stop()
