"""A whole courier swap with no courier status typed in: the loaner goes out with PostNL,
the old device comes back with DHL, and central's own poller (the built-in job of the
server on 127.0.0.1, against fake carrier servers) records in transit, delivered (which
stops the swap clock), the return's transit and its delivery at the depot; the depot's
receive scan closes the swap. Every laptop learns it through the changes feed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet

from halt_desk.central.courier_settings import configure
from halt_desk.domain.swaps import ShipmentStatus, SwapMode
from halt_desk.logistics.swap_board import SwapStep, load_board
from halt_desk.logistics.swap_steps import (
    SwapPlan,
    book_return,
    open_swap,
    receive_device,
    ship_loaner,
)
from tests.central_server import ThreadServer
from tests.courier_servers import CarrierServers, Step, carrier_servers
from tests.integration.test_swap_sync import DEPOT, TAG, report_swap
from tests.swap_data import ALL_PASS, MODEL
from tests.sync_support import Desk, Laptop, laptop, wire

TZ = ZoneInfo("Europe/Amsterdam")
S = ShipmentStatus


@pytest.fixture(autouse=True)
def secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALT_DESK_CENTRAL_SECRET_KEY", Fernet.generate_key().decode())


@pytest.fixture
def swap_desk(tmp_path: Path) -> Iterator[tuple[Desk, ThreadServer]]:
    """Central with a depot and a ready loaner, served on 127.0.0.1 (its jobs running)."""
    desk = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    depot = {"name": "Depot Utrecht", "minimum": {MODEL: 1}}
    desk.seed("admin", [wire(f"depot:{DEPOT}", "depot_registered", depot)])
    data = {"serial": "SN000001X", "model": MODEL, "org": "halt", "depot": DEPOT}
    desk.seed("depot-a", [wire(f"device:{TAG}", "device_registered", data),
                          wire(f"device:{TAG}", "readiness_checked", ALL_PASS)])  # fmt: skip
    with ThreadServer(desk.central) as server:
        yield desk, server
    desk.central.close()


@pytest.fixture
def fakes() -> Iterator[CarrierServers]:
    yield from carrier_servers()


def wait_for(depot: Laptop, done: Callable[[], bool], what: str, timeout: float = 90) -> None:
    """Syncs `depot` until `done()` (central's job runs on its own clock)."""
    deadline = time.monotonic() + timeout
    while True:
        depot.engine.sync_once()
        if done():
            return
        assert time.monotonic() < deadline, f"central's poller did not record: {what}"
        time.sleep(0.3)


def test_a_courier_swap_from_ship_to_received_without_a_status_typed_in(
    tmp_path: Path,
    swap_desk: tuple[Desk, ThreadServer],
    fakes: CarrierServers,
) -> None:
    desk, _server = swap_desk
    for fake in (fakes["postnl"], fakes["dhl"]):
        configure(desk.central.engine, fake.carrier, fake.api_key, base_url=fake.url,
                  interval_minutes=0.02, rate=50)  # fmt: skip
    agent, depot = laptop(tmp_path, swap_desk, "agent-a"), laptop(tmp_path, swap_desk, "depot-a")
    t0 = (datetime.now(UTC).astimezone(TZ) - timedelta(hours=3)).replace(microsecond=0)
    agent.engine.sync_once()
    ticket = report_swap(agent, t0)
    agent.engine.sync_once()
    depot.engine.sync_once()
    swap, _ = open_swap(depot.store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, TAG), "depot-a",
                        t0 + timedelta(minutes=5))  # fmt: skip
    ship_loaner(
        depot.store, swap, "postnl", "3SHLTD123456789", "depot-a", t0 + timedelta(minutes=20)
    )
    minute = lambda n: t0 + timedelta(minutes=n)  # noqa: E731
    fakes["postnl"].add("3SHLTD123456789", [
        Step("2", minute(30), "Zending in ontvangst genomen", "Utrecht"),
        Step("5", minute(45), "Zending gesorteerd", "Nieuwegein"),
        Step("7", minute(60), "Zending in distributieproces", "Zwolle"),
        Step("11", minute(75), "Zending afgeleverd", "Zwolle"),
    ], shown=2)  # fmt: skip

    def outbound() -> S | None:
        record = load_board(depot.store, minute(80)).swaps[swap].record
        return record.outbound.status if record and record.outbound else None

    wait_for(depot, lambda: outbound() is S.IN_TRANSIT, "outbound in transit")
    fakes["postnl"].advance("3SHLTD123456789", to=4)
    wait_for(depot, lambda: outbound() is S.DELIVERED, "outbound delivered")
    board = load_board(depot.store, minute(80))
    assert board.swaps[swap].step is SwapStep.WITH_USER
    facts = board.swaps[swap].ticket
    assert facts is not None and facts.swap_met_at == minute(75)  # the carrier's moment
    # The old loaner goes back with DHL: booked by logistics, then tracked by central.
    book_return(depot.store, swap, "dhl", "JVGL0612345678901234", "depot-a", minute(100))
    fakes["dhl"].add("JVGL0612345678901234", [
        Step("transit", minute(110), "De zending is gesorteerd", "Nieuwegein"),
        Step("transit", minute(130), "Onderweg naar de ontvanger (bezorger)", "Utrecht"),
        Step("delivered", minute(150), "De zending is afgeleverd", "Utrecht"),
    ], shown=1)  # fmt: skip

    def inbound() -> S | None:
        record = load_board(depot.store, minute(160)).swaps[swap].record
        return record.inbound.status if record and record.inbound else None

    wait_for(depot, lambda: inbound() is S.IN_TRANSIT, "return in transit")
    fakes["dhl"].advance("JVGL0612345678901234", to=3)
    wait_for(depot, lambda: inbound() is S.DELIVERED, "return delivered at the depot")
    receive_device(depot.store, TAG, DEPOT, "depot-a", minute(165))
    assert depot.engine.sync_once().rejected == 0
    agent.engine.sync_once()
    final = load_board(agent.store, minute(170)).swaps[swap]
    assert final.step is SwapStep.CLOSED
    assert final.ticket is not None and final.ticket.swap_state == "met"
    statuses = [(e.actor, e.data) for e in agent.store.events_for(f"swap:{swap}")
                if e.type == "shipment_status"]  # fmt: skip
    # Logistics only handed the parcels over (booked, picked up at the door); no status
    # was typed in.
    by_desk = [(d["leg"], d["status"]) for actor, d in statuses if actor != "koerier"]
    assert by_desk == [("out", "booked"), ("return", "picked_up")]
    # PostNL names no place in its statuses; DHL does.
    by_carrier = [(d["leg"], d["status"], d.get("location")) for a, d in statuses if a == "koerier"]
    assert by_carrier == [
        ("out", "picked_up", None), ("out", "in_transit", None),
        ("out", "out_for_delivery", None), ("out", "delivered", None),
        ("return", "in_transit", "Nieuwegein"), ("return", "out_for_delivery", "Utrecht"),
        ("return", "delivered", "Utrecht"),
    ]  # fmt: skip
    for fake in (fakes["postnl"], fakes["dhl"]):
        assert fake.refused == 0
