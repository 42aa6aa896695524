"""The employee's own (broken) device through a real central on 127.0.0.1 (issue 22): the
field engineer takes it back by its serial number (registered on the spot) while handing
over the loaner, logistics receives, diagnoses, wipes and hands it to the lessor on another
laptop; the swap closes only when the loaner is back too, on every laptop. Central checks
the life cycle again (no lessor without sanitisation) and the organisations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.domain.swaps import SwapMode
from halt_desk.field.onsite import FieldRequest, record_field_action
from halt_desk.field.route import FieldAction
from halt_desk.logistics.own_device import diagnose_device
from halt_desk.logistics.register import device_record
from halt_desk.logistics.scan_station import ScanSession, ScanStep, Verdict
from halt_desk.logistics.swap_board import SwapStep, load_board
from halt_desk.logistics.swap_steps import (
    Sanitisation,
    SwapPlan,
    book_return,
    open_swap,
    receive_device,
    record_sanitisation,
    return_to_lessor,
)
from tests.central_server import ThreadServer
from tests.swap_data import ALL_PASS, MODEL
from tests.sync_support import Desk, Laptop, laptop, wire

TZ = ZoneInfo("Europe/Amsterdam")
LOANER = "HALT-LT-00001"
DEPOT = "depot-utrecht"
ENGINEER = "field-a"


@pytest.fixture
def desk(db_url: str) -> Iterator[tuple[Desk, ThreadServer]]:
    desk = Desk.create(db_url)
    desk.seed("admin", [wire(f"depot:{DEPOT}", "depot_registered", {"name": "Depot Utrecht"})])
    data = {"serial": "SN000001X", "model": MODEL, "org": "halt", "depot": DEPOT}
    desk.seed(
        "depot-a",
        [
            wire(f"device:{LOANER}", "device_registered", data),
            wire(f"device:{LOANER}", "readiness_checked", ALL_PASS),
        ],
    )
    with ThreadServer(desk.central) as server:
        yield desk, server
    desk.central.close()


def onsite_swap(agent: Laptop, depot: Laptop, at: datetime) -> tuple[str, str]:
    agent.engine.sync_once()
    intake = Intake("e1", "Laptop kapot", "phone", "werkplek", "one", "stopped",
                    priority_override="P2", override_reason="werk ligt stil")  # fmt: skip
    ticket = record_intake(agent.store, intake, agent.user, at)
    agent.record(f"ticket:{ticket}", "assigned", {"to": ENGINEER})
    record_action(agent.store, ticket, ActionRequest(Action.SWAP_REQUESTED), agent.user, at)
    assert agent.engine.sync_once().rejected == 0
    depot.engine.sync_once()
    plan = SwapPlan(SwapMode.ONSITE, DEPOT, LOANER, engineer=ENGINEER)
    swap, _ = open_swap(depot.store, ticket, plan, depot.user, at + timedelta(minutes=5))
    assert depot.engine.sync_once().rejected == 0
    return ticket, swap


def test_the_own_device_life_cycle_goes_through_central_and_closes_the_swap_last(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    agent, depot_a, depot_b, field = (
        laptop(tmp_path, desk, u) for u in ("agent-a", "depot-a", "depot-b", ENGINEER)
    )
    t0 = datetime.now(UTC).astimezone(TZ) - timedelta(hours=3)
    ticket, swap = onsite_swap(agent, depot_a, t0)
    field.engine.sync_once()
    at = t0 + timedelta(minutes=60)
    record_field_action(field.store, ticket, FieldRequest(FieldAction.LOANER_ISSUED,
                        asset_tag=LOANER), ENGINEER, at)  # fmt: skip
    old = FieldRequest(FieldAction.OLD_DEVICE_COLLECTED, asset_tag="5cg0042xyz", model="ProBook")
    events = record_field_action(field.store, ticket, old, ENGINEER, at + timedelta(minutes=1))
    assert events[0].type == "device_registered" and events[0].data["owned"] is True
    summary = field.engine.sync_once()
    assert (summary.rejected, field.store.outbox_size()) == (0, 0)
    # The depot: the old device is in the register, taken back, held by the swap.
    depot_a.engine.sync_once()
    view = depot_a.store.device_by_serial("5CG0042XYZ")
    assert view is not None and (view.asset_tag, view.state) == ("SN-5CG0042XYZ", "taken_back")
    scan = ScanSession(depot_a.store, "depot-a", DEPOT, lambda: at + timedelta(hours=2),
                       ScanStep.RECEIVE)  # fmt: skip
    assert scan.handle("5CG0042XYZ").verdict is Verdict.GOOD  # its serial, scanned
    diagnose_device(
        depot_a.store, "SN-5CG0042XYZ", "SSD defect", "depot-a", at + timedelta(hours=3)
    )
    assert depot_a.engine.sync_once().rejected == 0
    # Another depot laptop wipes it and hands it to the lessor: the loaner is still out.
    depot_b.engine.sync_once()
    b = depot_b.store
    wiped = Sanitisation("nist_purge", "operator-7", "SAN-2027-00042")
    record_sanitisation(b, "SN-5CG0042XYZ", wiped, "depot-b", at + timedelta(hours=4))
    return_to_lessor(b, "SN-5CG0042XYZ", "depot-b", at + timedelta(hours=4, minutes=5))
    assert load_board(b, at + timedelta(hours=5)).swaps[swap].step is SwapStep.WITH_USER
    book_return(b, swap, "dhl", "JVGL0612345678901234", "depot-b", at + timedelta(hours=6))
    events = receive_device(b, LOANER, DEPOT, "depot-b", at + timedelta(hours=7))
    assert events[-1].type == "swap_closed" and events[-1].data["own_device"] == "SN-5CG0042XYZ"
    assert depot_b.engine.sync_once().rejected == 0
    # Everyone sees the end: the swap closed, the old device with the lessor.
    for other in (depot_a, field):
        other.engine.sync_once()
    assert load_board(depot_a.store, at + timedelta(hours=8)).swaps[swap].step is SwapStep.CLOSED
    fold = device_record(depot_a.store, "SN-5CG0042XYZ").fold
    assert (fold.state, fold.finding, fold.sanitised) == ("returned_to_lessor", "SSD defect", True)
    central, _ = desk
    with central.central.engine.connect() as conn:
        from sqlalchemy import text

        closed = conn.execute(text("SELECT closed FROM swaps WHERE id = :id"), {"id": swap})
        assert closed.scalar_one() in (True, 1)
    for each in (agent, depot_a, depot_b, field):
        each.close()


def test_central_refuses_an_unwiped_hand_back_and_a_take_back_for_a_closed_swap(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    central, _ = desk
    agent, depot_a = (laptop(tmp_path, desk, u) for u in ("agent-a", "depot-a"))
    t0 = datetime.now(UTC).astimezone(TZ) - timedelta(hours=3)
    ticket, swap = onsite_swap(agent, depot_a, t0)
    stream = "device:HALT-PC-00077"
    at = t0 + timedelta(minutes=30)
    registered = {"org": "halt", "type": "desktop", "owned": True}
    taken = {"swap": swap, "ticket": ticket, "by": ENGINEER, "location": "onsite"}
    central.seed(
        "depot-a",
        [
            wire(stream, "device_registered", registered, at),
            wire(stream, "device_taken_back", taken, at),
            wire(stream, "device_received", {"depot": DEPOT, "swap": swap}, at),
        ],
    )
    refused = central.central.record(
        central.user("depot-a"), [wire(stream, "device_returned_to_lessor", {"swap": swap}, at)],
        "test",
    )  # fmt: skip
    assert refused[0].status == "rejected"
    assert "sanitised" in (refused[0].reason or "")
    # A field engineer registers only an employee's own device, never a loaner.
    loaner = {"org": "halt", "type": "laptop", "serial": "SN9", "depot": DEPOT}
    [fake] = central.central.record(
        central.user(ENGINEER), [wire("device:HALT-LT-00099", "device_registered", loaner)], "t"
    )
    assert fake.status == "rejected" and "own device" in (fake.reason or "")
    # A take-back for a swap central does not hold is refused.
    other = {**taken, "swap": "HALT-2027-NOPE-SWAP1"}
    stream2 = "device:SN-ABCD1234"
    results = central.central.record(
        central.user("depot-a"),
        [
            wire(stream2, "device_registered", registered | {"serial": "ABCD1234"}, at),
            wire(stream2, "device_taken_back", other, at),
        ],
        "test",
    )
    assert results[1].status == "rejected" and "does not hold" in (results[1].reason or "")
    # The swap does not close while the employee's own device is still being handled (a
    # desk that has not heard of the take-back yet): central checks it again.
    [early] = central.central.record(
        central.user("depot-a"), [wire(f"swap:{swap}", "swap_closed", {"outcome": "returned"})],
        "test",
    )  # fmt: skip
    assert early.status == "rejected" and "HALT-PC-00077" in (early.reason or "")
    agent.close()
    depot_a.close()
