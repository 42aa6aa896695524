"""A loaner swap end to end through a real central on 127.0.0.1: recorded offline on one
logistics laptop, synced, continued on another; two laptops reserving the same loaner
offline → the second reservation is refused at sync, naming the other swap; the home
address reaches logistics but not another agent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.domain.swaps import Leg, ShipmentStatus, SwapMode
from halt_desk.logistics.register import check_readiness
from halt_desk.logistics.swap_board import SwapStep, load_board, swap_rejections
from halt_desk.logistics.swap_steps import (
    Sanitisation,
    SwapPlan,
    book_return,
    deliver,
    open_swap,
    receive_device,
    record_sanitisation,
    record_shipment_status,
    ship_loaner,
)
from tests.central_server import ThreadServer
from tests.swap_data import ALL_PASS, HOME, MODEL
from tests.sync_support import Desk, Laptop, laptop, wire

TZ = ZoneInfo("Europe/Amsterdam")
TAG = "HALT-LT-00001"
DEPOT = "depot-utrecht"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Desk, ThreadServer]]:
    desk = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    desk.seed(
        "admin",
        [
            wire(
                f"depot:{DEPOT}",
                "depot_registered",
                {"name": "Depot Utrecht", "minimum": {MODEL: 1}},
            )
        ],
    )
    devices = []
    for number in (1, 2):
        stream = f"device:HALT-LT-{number:05d}"
        data = {"serial": f"SN{number:06d}X", "model": MODEL, "org": "halt", "depot": DEPOT}
        devices += [
            wire(stream, "device_registered", data),
            wire(stream, "readiness_checked", ALL_PASS),
        ]
    desk.seed("depot-a", devices)
    with ThreadServer(desk.central) as server:
        yield desk, server
    desk.central.close()


def base() -> datetime:
    return datetime.now(UTC).astimezone(TZ) - timedelta(hours=2)


def report_swap(agent: Laptop, at: datetime, summary: str = "Laptop defect") -> str:
    intake = Intake("e1", summary, "phone", "werkplek", "one", "stopped", priority_override="P2",
                    override_reason="laptop kapot, werk ligt stil")  # fmt: skip
    ticket = record_intake(agent.store, intake, agent.user, at)
    request = ActionRequest(Action.SWAP_REQUESTED, extra={"home_address": HOME})
    record_action(agent.store, ticket, request, agent.user, at)
    return ticket


def test_a_swap_recorded_offline_continues_on_another_laptop_through_central(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    agent, depot_a, depot_b = (laptop(tmp_path, desk, u) for u in ("agent-a", "depot-a", "depot-b"))
    other_agent = laptop(tmp_path, desk, "agent-b")
    t0 = base()
    agent.engine.sync_once()
    ticket = report_swap(agent, t0)
    assert agent.engine.sync_once().rejected == 0
    depot_a.engine.sync_once()
    # Depot A works offline: plan, reserve and ship, nothing sent yet.
    swap, _ = open_swap(
        depot_a.store,
        ticket,
        SwapPlan(SwapMode.COURIER, DEPOT, TAG),
        "depot-a",
        t0 + timedelta(minutes=5),
    )
    ship_loaner(
        depot_a.store, swap, "postnl", "3SHLTD123456789", "depot-a", t0 + timedelta(minutes=20)
    )
    assert depot_a.store.outbox_size() == 4
    summary = depot_a.engine.sync_once()
    assert (summary.pushed, summary.rejected) == (4, 0)
    # Depot B continues: courier status, delivery, return leg, sanitisation, back in stock.
    depot_b.engine.sync_once()
    board = load_board(depot_b.store, t0 + timedelta(minutes=21))
    assert board.swaps[swap].step is SwapStep.IN_TRANSIT and board.swaps[swap].home_address == HOME
    b = depot_b.store
    record_shipment_status(
        b, swap, Leg.OUT, ShipmentStatus.OUT_FOR_DELIVERY, "depot-b", t0 + timedelta(minutes=60)
    )
    deliver(b, swap, "depot-b", t0 + timedelta(minutes=90))
    book_return(b, swap, "dpd", "05212345678901", "depot-b", t0 + timedelta(minutes=100))
    receive_device(b, TAG, DEPOT, "depot-b", t0 + timedelta(minutes=110))
    record_sanitisation(
        b,
        TAG,
        Sanitisation("nist_purge", "operator-7", "SAN-2027-00042"),
        "depot-b",
        t0 + timedelta(minutes=115),
    )
    check_readiness(b, TAG, ALL_PASS, "depot-b", t0 + timedelta(minutes=118))
    summary = depot_b.engine.sync_once()
    assert summary.rejected == 0 and summary.outbox == 0
    # Everyone sees the same end: swap delivered in time on the ticket, loaner in stock.
    agent.engine.sync_once()
    other_agent.engine.sync_once()
    depot_a.engine.sync_once()
    for client in (agent, depot_a):
        device = client.store.device(TAG)
        assert device is not None and device.state == "in_stock"
    facts = load_board(agent.store, t0 + timedelta(minutes=120)).swaps[swap]
    assert facts.ticket is not None and facts.ticket.swap_state == "met"
    assert facts.step is SwapStep.CLOSED
    # The address went to logistics, not to another agent.
    assert load_board(depot_a.store, t0).swaps[swap].home_address == HOME
    assert load_board(other_agent.store, t0).swaps[swap].home_address is None
    # The agent who typed it keeps central's redacted copy after the round trip.
    assert load_board(agent.store, t0).swaps[swap].home_address is None


def test_two_offline_reservations_of_one_loaner_the_second_is_refused_naming_the_other_swap(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    agent, depot_a, depot_b = (laptop(tmp_path, desk, u) for u in ("agent-a", "depot-a", "depot-b"))
    t0 = base()
    agent.engine.sync_once()
    first, second = report_swap(agent, t0, "Scherm kapot"), report_swap(agent, t0, "Start niet")
    agent.engine.sync_once()
    depot_a.engine.sync_once()
    depot_b.engine.sync_once()
    swap_a, _ = open_swap(
        depot_a.store, first, SwapPlan(SwapMode.COURIER, DEPOT, TAG), "depot-a", t0
    )
    swap_b, _ = open_swap(
        depot_b.store, second, SwapPlan(SwapMode.COURIER, DEPOT, TAG), "depot-b", t0
    )
    assert depot_a.engine.sync_once().rejected == 0
    summary = depot_b.engine.sync_once()
    assert summary.rejected == 1
    (rejection,) = swap_rejections(depot_b.store)
    assert (rejection.device, rejection.swap, rejection.other_swap) == (TAG, swap_b, swap_a)
    assert f"al gereserveerd voor omruiling {swap_a}" in rejection.message("nl")
    board = load_board(depot_b.store, t0)
    assert board.swaps[swap_b].step is SwapStep.RESERVE  # needs another loaner
    assert board.swaps[swap_a].device == TAG
