"""Field engineer mode without a screen: route order, the offline work packet check, the
onsite actions and their stamps, the clock warning."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import new_event
from halt_desk.domain.messages import Msg
from halt_desk.domain.swaps import SwapMode
from halt_desk.field.onsite import FieldRequest, clock_warning, record_field_action, sla_timeline
from halt_desk.field.packet import PacketEntry, gather_packet, missing_for_offline
from halt_desk.field.route import FieldAction, my_tickets, unsynced_ids
from halt_desk.logistics.swap_steps import SwapPlan, open_swap
from halt_desk.store import Store
from tests.desk_data import NOW, SETUP, reference_events
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket

ENGINEER = "field:jan"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        places = [
            new_event(
                "location:zwolle",
                "location_registered",
                SETUP,
                "admin",
                {"org": "halt", "name": "Regiokantoor Zwolle", "city": "Zwolle"},
            ),
            new_event(
                "location:utrecht",
                "location_registered",
                SETUP,
                "admin",
                {"org": "halt", "name": "Regiokantoor Utrecht", "city": "Utrecht"},
            ),
        ]
        opened.record_events(reference_events() + depot_events() + loaner_events(3) + places)
        yield opened


def assigned_ticket(store: Store, location: str | None = None, priority: str = "P2") -> str:
    ticket = swap_ticket(store, NOW, priority=priority)
    extra = {"location": location} if location else {}
    record_action(store, ticket, ActionRequest(Action.ASSIGNED, to=ENGINEER, extra=extra), "a", NOW)
    record_action(store, ticket, ActionRequest(Action.ONSITE_REQUESTED), "a", NOW)
    return ticket


def test_route_order_groups_by_city_then_deadline(store: Store) -> None:
    zwolle = assigned_ticket(store, "location:zwolle")
    utrecht_p3 = assigned_ticket(store, "location:utrecht", "P3")
    utrecht_p2 = assigned_ticket(store, "location:utrecht", "P2")
    nowhere = assigned_ticket(store)
    order = [item.id for item in my_tickets(store, ENGINEER, NOW)]
    assert order == [utrecht_p2, utrecht_p3, zwolle, nowhere]


def test_only_the_engineers_open_tickets_are_listed(store: Store) -> None:
    mine = assigned_ticket(store)
    swap_ticket(store, NOW)  # not assigned
    assert [item.id for item in my_tickets(store, "jan", NOW)] == [mine]
    assert my_tickets(store, "field:piet", NOW) == []


def test_packet_is_complete_only_once_the_loaner_is_reserved(store: Store) -> None:
    ticket = assigned_ticket(store)
    missing = missing_for_offline(gather_packet(store, ENGINEER, NOW))
    assert [(m.ticket, m.what) for m in missing] == [(ticket, "loaner")]  # only requested
    plan = SwapPlan(SwapMode.ONSITE, "depot-utrecht", "HALT-LT-00002", engineer=ENGINEER)
    open_swap(store, ticket, plan, "agent", NOW)
    assert missing_for_offline(gather_packet(store, ENGINEER, NOW)) == []


def test_missing_reference_records_and_address_are_named() -> None:
    entry = PacketEntry("T1", "e9", False, True, "location:x", False, "S1", None, None, False)
    assert [m.what for m in missing_for_offline([entry])] == [
        "caller",
        "location",
        "swap_address",
        "loaner",
    ]


def test_every_action_records_device_time_and_offset(store: Store) -> None:
    ticket = assigned_ticket(store)
    store.save_clock_offset(timedelta(minutes=5), NOW)
    later = NOW + timedelta(minutes=30)
    events = record_field_action(store, ticket, FieldRequest(FieldAction.ARRIVED), ENGINEER, later)
    assert events[0].type == "onsite_arrival"
    assert events[0].at == later
    assert events[0].data["clock_offset_ms"] == 0  # the store has no recording clock here
    assert events[0].id in unsynced_ids(store)
    item = my_tickets(store, ENGINEER, later)[0]
    assert item.onsite.met_at == later
    assert item.is_unsynced(item.actions[-1])


def test_loaner_issue_on_the_spot_stops_the_swap_clock(store: Store) -> None:
    ticket = assigned_ticket(store)
    plan = SwapPlan(SwapMode.ONSITE, "depot-utrecht", "HALT-LT-00001", engineer=ENGINEER)
    open_swap(store, ticket, plan, "agent", NOW)
    at = NOW + timedelta(hours=1)
    request = FieldRequest(FieldAction.LOANER_ISSUED, asset_tag="halt-lt-00001")
    events = record_field_action(store, ticket, request, ENGINEER, at)
    assert [e.type for e in events] == [
        "device_issued_onsite",
        "device_delivered",
        "swap_delivered",
    ]
    assert all("device_at" in e.data for e in events)
    assert my_tickets(store, ENGINEER, at)[0].swap_clock.met_at == at


def test_productive_again_needs_who_confirmed_and_sets_mttp(store: Store) -> None:
    ticket = assigned_ticket(store)
    at = NOW + timedelta(hours=2)
    with pytest.raises(DeskInputError) as refused:
        record_field_action(store, ticket, FieldRequest(FieldAction.PRODUCTIVE_AGAIN), ENGINEER, at)
    assert refused.value.field == "confirmed_by"
    confirmed = at - timedelta(minutes=10)
    request = FieldRequest(
        FieldAction.PRODUCTIVE_AGAIN, confirmed_by="Anna de Vries", productive_at=confirmed
    )
    [event] = record_field_action(store, ticket, request, ENGINEER, at)
    assert event.at == confirmed and event.data["confirmed_by"] == "Anna de Vries"
    assert my_tickets(store, ENGINEER, at)[0].evaluation.mttp_business_minutes == 110


def test_old_device_taken_back_is_a_device_of_its_own_and_a_note(store: Store) -> None:
    ticket = assigned_ticket(store)
    request = FieldRequest(FieldAction.OLD_DEVICE_COLLECTED, asset_tag="HALT-LT-00077")
    with pytest.raises(DeskInputError) as no_swap:
        record_field_action(store, ticket, request, ENGINEER, NOW)
    assert no_swap.value.code is Msg.TICKET_HAS_NO_SWAP
    record_action(store, ticket, ActionRequest(Action.SWAP_REQUESTED), "agent-1", NOW)
    plan = SwapPlan(SwapMode.ONSITE, DEPOT, "HALT-LT-00001", engineer=ENGINEER)
    swap, _ = open_swap(store, ticket, plan, "depot", NOW)
    events = record_field_action(store, ticket, request, ENGINEER, NOW)
    assert [(e.stream, e.type) for e in events] == [
        ("device:HALT-LT-00077", "device_registered"),
        ("device:HALT-LT-00077", "device_taken_back"),
        (f"ticket:{ticket}", "comment"),
    ]
    assert events[1].data["swap"] == swap and events[1].data["by"] == ENGINEER
    assert all("device_at" in e.data for e in events)  # stamped like every field action
    assert (events[2].data["kind"], events[2].data["asset"]) == (
        "old_device_collected",
        "HALT-LT-00077",
    )
    device = store.device("HALT-LT-00077")
    assert device is not None and device.state == "taken_back"
    with pytest.raises(DeskInputError) as refused:
        bad = FieldRequest(FieldAction.OLD_DEVICE_COLLECTED, asset_tag="?!")
        record_field_action(store, ticket, bad, ENGINEER, NOW)
    assert refused.value.field == "serial"


def test_an_old_device_without_asset_tag_is_taken_back_by_its_serial(store: Store) -> None:
    ticket = assigned_ticket(store)
    record_action(store, ticket, ActionRequest(Action.SWAP_REQUESTED), "agent-1", NOW)
    plan = SwapPlan(SwapMode.ONSITE, DEPOT, "HALT-LT-00001", engineer=ENGINEER)
    open_swap(store, ticket, plan, "depot", NOW)
    request = FieldRequest(
        FieldAction.OLD_DEVICE_COLLECTED, asset_tag="5cg0042xyz", model="HP ProBook 450 G9"
    )
    events = record_field_action(store, ticket, request, ENGINEER, NOW)
    assert events[0].stream == "device:SN-5CG0042XYZ"
    assert events[0].data["model"] == "HP ProBook 450 G9"
    assert events[-1].data["asset"] == "SN-5CG0042XYZ"


def test_a_ticket_of_someone_else_is_refused_naming_the_ticket(store: Store) -> None:
    ticket = swap_ticket(store, NOW)
    with pytest.raises(DeskInputError) as refused:
        record_field_action(store, ticket, FieldRequest(FieldAction.ARRIVED), ENGINEER, NOW)
    assert refused.value.field == "ticket" and ticket in refused.value.message("nl")


def test_clock_warning_only_beyond_two_minutes(store: Store) -> None:
    assert clock_warning(store) is None
    store.save_clock_offset(timedelta(minutes=2), NOW)
    assert clock_warning(store) is None
    store.save_clock_offset(timedelta(minutes=-10), NOW)
    assert clock_warning(store) == timedelta(minutes=-10)


def test_sla_timeline_leaves_out_home_addresses(store: Store) -> None:
    ticket = assigned_ticket(store)
    timeline = sla_timeline(store.events_for(f"ticket:{ticket}"), ticket)
    assert timeline["id"] == ticket and "priority" in timeline
    assert all("home_address" not in event for event in timeline["events"])
