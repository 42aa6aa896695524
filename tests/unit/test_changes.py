"""`Changes`: what an action or a sync round changed, derived from the streams written since
a marker, and which screen each change concerns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from halt_desk.changes import Changes, changes_since
from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.domain.events import new_event
from halt_desk.domain.swaps import SwapMode
from halt_desk.logistics.stock import record_mitigation
from halt_desk.logistics.swap_steps import SwapPlan, open_swap
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.swap_data import DEPOT, MODEL, depot_events, loaner_events, swap_ticket


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def test_streams_are_sorted_by_what_the_screens_show() -> None:
    changes = Changes.of_streams(
        ["ticket:T1", "ticket:T2", "device:HALT-LT-00001", "swap:T1-SWAP1", "stock:depot-x"],
        ["swap_requested", "device_reserved"],
    )
    assert changes.tickets == {"T1", "T2"}
    assert changes.devices == {"HALT-LT-00001"}
    assert changes.swaps == {"T1-SWAP1"}
    assert changes.stock and not changes.reference and not changes.everything
    assert changes.types == {"swap_requested", "device_reserved"}


@pytest.mark.parametrize(
    "stream", ["org:halt", "employee:e1", "location:l1", "depot:d", "profile:p"]
)
def test_reference_data_concerns_every_screen(stream: str) -> None:
    changes = Changes.of_streams([stream])
    assert changes.reference and changes.ticket_list and changes.device_register
    assert (
        changes.concerns_ticket("any") and changes.concerns_logistics() and changes.concerns_field()
    )


def test_nothing_changed_is_empty_and_merging_keeps_everything() -> None:
    assert not Changes() and not Changes.of_streams([])
    merged = Changes.of_streams(["ticket:T1"]) | Changes(sent=True) | Changes.of_streams(["swap:S"])
    assert merged.tickets == {"T1"} and merged.swaps == {"S"} and merged.sent
    assert Changes.all().everything and Changes.all().ticket_list


def test_who_is_concerned_by_a_ticket_change() -> None:
    changes = Changes.of_streams(["ticket:T1"], ["comment"])
    assert changes.ticket_list and changes.concerns_ticket("T1")
    assert not changes.concerns_ticket("T2")
    assert not changes.device_register
    assert changes.concerns_logistics(["T1"]) and not changes.concerns_logistics(["T2"])
    assert changes.concerns_field(["T1"]) and not changes.concerns_field(["T2"])


def test_a_new_swap_request_or_assignment_reaches_screens_that_did_not_show_the_ticket() -> None:
    assert Changes.of_streams(["ticket:T9"], ["swap_requested"]).concerns_logistics([])
    assert Changes.of_streams(["ticket:T9"], ["assigned"]).concerns_field([])


def test_devices_and_swaps_do_not_touch_the_ticket_list() -> None:
    changes = Changes.of_streams(["device:HALT-LT-00001", "swap:S1"])
    assert not changes.ticket_list and changes.device_register and changes.concerns_logistics()
    assert changes.concerns_field([], ["S1"]) and not changes.concerns_field([], ["S2"])


def test_a_rewritten_stream_is_named_as_such() -> None:
    changes = Changes.of_streams(["swap:S1", "ticket:T1"], rewritten=True)
    assert changes.rewritten == {"swap:S1", "ticket:T1"} and changes.concerns_ticket("T1")


def test_changes_since_reads_what_was_written_after_the_marker(store: Store) -> None:
    marker = store.change_marker()
    assert changes_since(store, marker) == (Changes(), marker)
    ticket = swap_ticket(store, NOW)
    changes, after = changes_since(store, marker)
    assert changes.tickets == {ticket} and "swap_requested" in changes.types
    assert after == store.change_marker() > marker
    open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, "HALT-LT-00001"), "depot", NOW)
    record_mitigation(store, "depot-zwolle", MODEL, "other_depot", "Utrecht levert", "d", NOW)
    changes, _ = changes_since(store, after)
    assert changes.swaps and changes.devices == {"HALT-LT-00001"} and changes.stock
    assert not changes.reference


def test_a_rename_and_a_pulled_page_are_seen_whoever_wrote_them(store: Store) -> None:
    marker = store.change_marker()
    store.record_events([new_event("employee:e1", "employee_updated", NOW, "admin", {"name": "A"})])
    changes, marker = changes_since(store, marker)
    assert changes.reference and changes.ticket_list
    ticket = swap_ticket(store, NOW)
    pulled = new_event(f"ticket:{ticket}", "comment", NOW, "agent-2", {"text": "gebeld"})
    store.ingest_remote([(1, pulled)])
    record_action(store, ticket, ActionRequest(Action.COMMENT, text="ok"), "agent-1", NOW)
    changes, _ = changes_since(store, marker)
    assert changes.tickets == {ticket} and {"comment", "ticket_reported"} <= changes.types


def test_events_of_a_stream_of_no_other_kind_are_a_change() -> None:
    # An escalation or a notice pulled by sync: only its type says what changed, and the
    # windows that show it must still hear of it (a falsy Changes is never broadcast).
    changes = Changes.of_streams(["escalation:ESC-1"], ["escalation_update"])
    assert changes and changes.types == {"escalation_update"}
    assert not changes.ticket_list
    assert not Changes()
