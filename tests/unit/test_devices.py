"""The device life cycle (DESIGN §2.6): every legal move, every refused one, and no surprises."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import count
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from halt_desk.domain.devices import (
    HELD_STATES,
    READINESS_CHECKS,
    TERMINAL_STATES,
    DeviceFold,
    DeviceState,
    apply_device_event,
    fold_device,
    is_ready_stock,
)
from halt_desk.domain.errors import HaltDeskError, IllegalTransition, InvalidEvent
from halt_desk.domain.events import DEVICE_EVENT_TYPES, Event, new_event

S = DeviceState
TAG = "HALT-LT-00042"
STREAM = f"device:{TAG}"
START = datetime.fromisoformat("2027-01-04T09:00:00+01:00")
_minutes: Iterator[int] = count()

ALL_PASS = dict.fromkeys(READINESS_CHECKS, True)
ONE_FAILS = ALL_PASS | {"bitlocker": False}
REGISTRATION = {
    "serial": "5CG1234",
    "model": "EliteBook 840",
    "type": "laptop",
    "org": "halt",
    "depot": "depot-utrecht",
}
SANITISATION = {
    "method": "BitLocker crypto-erase",
    "operator": "log-2",
    "certificate": "SAN-2027-00001",
}


def ev(event_type: str, data: dict[str, Any] | None = None, stream: str = STREAM) -> Event:
    at = START + timedelta(minutes=next(_minutes))
    return new_event(stream, event_type, at, "log-1", data)


def data_for(event_type: str, swap: str = "S-17") -> dict[str, Any]:
    """Well-formed data of each device event type, for swap `swap`."""
    data: dict[str, dict[str, Any]] = {
        "device_registered": REGISTRATION,
        "readiness_checked": ALL_PASS,
        "device_reserved": {"swap": swap, "ticket": "T-1"},
        "device_released": {"swap": swap},
        "device_shipped": {"swap": swap, "carrier": "postnl", "tracking": "3SHLTD123"},
        "device_issued_onsite": {"swap": swap},
        "device_delivered": {"swap": swap},
        "device_return_shipped": {"swap": swap, "carrier": "dhl", "tracking": "JVGL1"},
        "device_received": {"depot": "depot-zwolle"},
        "device_sanitised": SANITISATION,
        "device_returned_to_lessor": {},
        "device_retired": {},
        "device_taken_back": {"swap": swap, "by": "field:pieter", "location": "loc-zwolle"},
        "device_diagnosed": {"swap": swap, "finding": "moederbord defect"},
        "device_repaired": {"swap": swap},
        "device_returned_to_owner": {"swap": swap},
    }
    return data[event_type]


def step(event_type: str) -> Event:
    return ev(event_type, data_for(event_type))


#: One way to reach each state, all for swap S-17.
PATHS: dict[DeviceState, list[str]] = {
    S.UNREADY: ["device_registered"],
    S.IN_STOCK: ["device_registered", "readiness_checked"],
    S.RESERVED: ["device_registered", "readiness_checked", "device_reserved"],
    S.SHIPPED: ["device_registered", "readiness_checked", "device_reserved", "device_shipped"],
}
PATHS[S.ISSUED_ONSITE] = [*PATHS[S.RESERVED], "device_issued_onsite"]
PATHS[S.WITH_USER] = [*PATHS[S.SHIPPED], "device_delivered"]
PATHS[S.RETURN_SHIPPED] = [*PATHS[S.WITH_USER], "device_return_shipped"]
PATHS[S.RECEIVED] = [*PATHS[S.RETURN_SHIPPED], "device_received"]
PATHS[S.SANITISED] = [*PATHS[S.RECEIVED], "device_sanitised"]
PATHS[S.RETURNED_TO_LESSOR] = [*PATHS[S.SANITISED], "device_returned_to_lessor"]
PATHS[S.RETIRED] = [*PATHS[S.IN_STOCK], "device_retired"]
# The employee's own device (taken back in swap S-17):
PATHS[S.TAKEN_BACK] = ["device_registered", "device_taken_back"]
PATHS[S.DIAGNOSED] = [*PATHS[S.TAKEN_BACK], "device_received", "device_diagnosed"]
PATHS[S.REPAIRED] = [*PATHS[S.DIAGNOSED], "device_repaired"]
PATHS[S.RETURNED_TO_OWNER] = [*PATHS[S.REPAIRED], "device_returned_to_owner"]


def reach(state: DeviceState) -> DeviceFold:
    fold = fold_device(step(event_type) for event_type in PATHS[state])
    assert fold.state is state
    return fold


def test_every_state_has_a_path() -> None:
    assert set(PATHS) == set(DeviceState)


# --- legal moves ---------------------------------------------------------------------------

#: (from, event type, data, to): every move DESIGN §2.6 allows, with the holding swap's id.
LEGAL: list[tuple[DeviceState, str, dict[str, Any], DeviceState]] = [
    (S.UNREADY, "readiness_checked", ALL_PASS, S.IN_STOCK),
    (S.UNREADY, "readiness_checked", ONE_FAILS, S.UNREADY),
    (S.IN_STOCK, "readiness_checked", ALL_PASS, S.IN_STOCK),
    (S.IN_STOCK, "readiness_checked", ONE_FAILS, S.UNREADY),
    (S.SANITISED, "readiness_checked", ALL_PASS, S.IN_STOCK),
    (S.SANITISED, "readiness_checked", ONE_FAILS, S.UNREADY),
    (S.IN_STOCK, "device_reserved", data_for("device_reserved"), S.RESERVED),
    (S.RESERVED, "device_released", data_for("device_released"), S.IN_STOCK),
    (S.RESERVED, "device_shipped", data_for("device_shipped"), S.SHIPPED),
    (S.RESERVED, "device_issued_onsite", data_for("device_issued_onsite"), S.ISSUED_ONSITE),
    (S.IN_STOCK, "device_issued_onsite", data_for("device_issued_onsite"), S.ISSUED_ONSITE),
    (S.SHIPPED, "device_delivered", data_for("device_delivered"), S.WITH_USER),
    (S.ISSUED_ONSITE, "device_delivered", data_for("device_delivered"), S.WITH_USER),
    (S.WITH_USER, "device_return_shipped", data_for("device_return_shipped"), S.RETURN_SHIPPED),
    (S.WITH_USER, "device_return_shipped", {}, S.RETURN_SHIPPED),
    (S.RETURN_SHIPPED, "device_received", data_for("device_received"), S.RECEIVED),
    (S.WITH_USER, "device_received", data_for("device_received"), S.RECEIVED),
    (S.RECEIVED, "device_sanitised", SANITISATION, S.SANITISED),
    (S.RECEIVED, "device_returned_to_lessor", {}, S.RETURNED_TO_LESSOR),
    (S.SANITISED, "device_returned_to_lessor", {}, S.RETURNED_TO_LESSOR),
    (S.UNREADY, "device_retired", {}, S.RETIRED),
    (S.IN_STOCK, "device_retired", {}, S.RETIRED),
    (S.RECEIVED, "device_retired", {}, S.RETIRED),
    (S.SANITISED, "device_retired", {}, S.RETIRED),
    # the employee's own device
    (S.UNREADY, "device_taken_back", data_for("device_taken_back"), S.TAKEN_BACK),
    (S.TAKEN_BACK, "device_return_shipped", data_for("device_return_shipped"), S.RETURN_SHIPPED),
    (S.TAKEN_BACK, "device_received", data_for("device_received"), S.RECEIVED),
    (S.DIAGNOSED, "device_diagnosed", data_for("device_diagnosed"), S.DIAGNOSED),
    (S.DIAGNOSED, "device_repaired", data_for("device_repaired"), S.REPAIRED),
    (S.DIAGNOSED, "device_sanitised", SANITISATION, S.SANITISED),
    (
        S.REPAIRED,
        "device_returned_to_owner",
        data_for("device_returned_to_owner"),
        S.RETURNED_TO_OWNER,
    ),
    (S.RETURNED_TO_OWNER, "device_taken_back", data_for("device_taken_back"), S.TAKEN_BACK),
]
LEGAL_TYPES: set[tuple[DeviceState, str]] = {(before, t) for before, t, _, _ in LEGAL}


@pytest.mark.parametrize(
    ("before", "event_type", "data", "after"),
    LEGAL,
    ids=[f"{b}-{t}-{a}" for b, t, _, a in LEGAL],
)
def test_a_legal_move_takes_the_device_to_its_next_state(
    before: DeviceState, event_type: str, data: dict[str, Any], after: DeviceState
) -> None:
    assert apply_device_event(reach(before), ev(event_type, data)).state is after


def test_registration_makes_an_unready_device_with_its_fields() -> None:
    fold = apply_device_event(None, step("device_registered"))
    assert fold == DeviceFold(
        asset_tag=TAG,
        state=S.UNREADY,
        org="halt",
        depot="depot-utrecht",
        model="EliteBook 840",
        serial="5CG1234",
        type="laptop",
        readiness=dict.fromkeys(READINESS_CHECKS, False),
    )


def test_a_readiness_check_keeps_each_result() -> None:
    fold = apply_device_event(reach(S.UNREADY), ev("readiness_checked", ONE_FAILS))
    assert fold.readiness == ONE_FAILS


def test_a_missing_readiness_check_has_not_passed() -> None:
    fold = apply_device_event(reach(S.UNREADY), ev("readiness_checked", {"autopilot": True}))
    assert fold.state is S.UNREADY
    assert fold.readiness == dict.fromkeys(READINESS_CHECKS, False) | {"autopilot": True}


def test_a_reservation_records_the_swap_and_its_ticket() -> None:
    fold = reach(S.RESERVED)
    assert (fold.swap, fold.ticket) == ("S-17", "T-1")


def test_a_release_frees_the_device_from_its_swap() -> None:
    fold = apply_device_event(reach(S.RESERVED), step("device_released"))
    assert (fold.state, fold.swap, fold.ticket) == (S.IN_STOCK, None, None)
    assert is_ready_stock(fold)


def test_an_onsite_issue_from_stock_is_held_by_its_swap() -> None:
    issue = ev("device_issued_onsite", {"swap": "S-20", "ticket": "T-9"})
    fold = apply_device_event(reach(S.IN_STOCK), issue)
    assert (fold.swap, fold.ticket) == ("S-20", "T-9")


def test_receiving_a_device_clears_the_swap_and_sets_the_depot() -> None:
    fold = reach(S.RECEIVED)
    assert (fold.swap, fold.ticket, fold.depot) == (None, None, "depot-zwolle")


def test_a_full_trip_brings_the_loaner_back_to_ready_stock() -> None:
    fold = apply_device_event(reach(S.SANITISED), step("readiness_checked"))
    assert is_ready_stock(fold)
    again = apply_device_event(fold, ev("device_reserved", {"swap": "S-20", "ticket": "T-2"}))
    assert (again.state, again.swap) == (S.RESERVED, "S-20")


@pytest.mark.parametrize("state", list(DeviceState))
def test_only_a_ready_device_in_stock_is_ready_stock(state: DeviceState) -> None:
    assert is_ready_stock(reach(state)) is (state is S.IN_STOCK)


# --- refused moves -------------------------------------------------------------------------

#: Every (state, event type) pair the life cycle refuses, with well-formed data for the swap
#: that holds the device: refused because of the state alone.
ILLEGAL: list[tuple[DeviceState, str]] = [
    (state, event_type)
    for state in DeviceState
    for event_type in sorted(DEVICE_EVENT_TYPES)
    if (state, event_type) not in LEGAL_TYPES
]


@pytest.mark.parametrize(("state", "event_type"), ILLEGAL, ids=[f"{s}-{t}" for s, t in ILLEGAL])
def test_an_illegal_move_is_refused_naming_device_state_and_event(
    state: DeviceState, event_type: str
) -> None:
    fold = reach(state)
    with pytest.raises(IllegalTransition) as refused:
        apply_device_event(fold, step(event_type))
    error = refused.value
    assert (error.asset_tag, error.state, error.event_type) == (TAG, state, event_type)
    assert error.swap == fold.swap
    message = str(error)
    assert message.startswith(f"device {TAG} is {state}")
    assert f"{event_type}" in message and "refused" in message
    if state in HELD_STATES:
        assert f"for swap {fold.swap}" in message


def test_the_table_covers_every_state_and_event_type() -> None:
    assert len(ILLEGAL) + len(LEGAL_TYPES) == len(DeviceState) * len(DEVICE_EVENT_TYPES)


#: (state, event type): moves that are legal for the swap holding the device, but not for
#: another one.
OTHER_SWAP: list[tuple[DeviceState, str]] = [
    (S.RESERVED, "device_released"),
    (S.RESERVED, "device_shipped"),
    (S.RESERVED, "device_issued_onsite"),
    (S.SHIPPED, "device_delivered"),
    (S.ISSUED_ONSITE, "device_delivered"),
    (S.WITH_USER, "device_return_shipped"),
    (S.WITH_USER, "device_received"),
    (S.RETURN_SHIPPED, "device_received"),
    (S.TAKEN_BACK, "device_return_shipped"),
    (S.TAKEN_BACK, "device_received"),
    (S.REPAIRED, "device_returned_to_owner"),
]


@pytest.mark.parametrize(
    ("state", "event_type"), OTHER_SWAP, ids=[f"{s}-{t}" for s, t in OTHER_SWAP]
)
def test_a_move_for_another_swap_is_refused_naming_the_swap_that_holds_the_device(
    state: DeviceState, event_type: str
) -> None:
    data = data_for(event_type, swap="S-20") | {"swap": "S-20"}
    with pytest.raises(IllegalTransition) as refused:
        apply_device_event(reach(state), ev(event_type, data))
    assert refused.value.swap == "S-17"
    assert refused.value.event_swap == "S-20"
    assert str(refused.value).startswith(
        f"device {TAG} is {state} for swap S-17; {event_type} for swap S-20 refused"
    )


def test_a_second_reservation_names_the_swap_that_holds_the_device() -> None:
    second = ev("device_reserved", {"swap": "S-20", "ticket": "T-2"})
    with pytest.raises(IllegalTransition) as refused:
        apply_device_event(reach(S.RESERVED), second)
    assert str(refused.value) == (
        f"device {TAG} is reserved for swap S-17; device_reserved for swap S-20 refused "
        "(only a device in_stock can be reserved)"
    )


@pytest.mark.parametrize("state", sorted(TERMINAL_STATES))
@pytest.mark.parametrize("event_type", sorted(DEVICE_EVENT_TYPES))
def test_a_device_that_left_the_life_cycle_takes_no_event(
    state: DeviceState, event_type: str
) -> None:
    with pytest.raises(IllegalTransition, match="left the life cycle"):
        apply_device_event(reach(state), step(event_type))


def test_a_device_is_registered_only_once() -> None:
    with pytest.raises(IllegalTransition, match="already registered"):
        apply_device_event(reach(S.IN_STOCK), step("device_registered"))


@pytest.mark.parametrize("event_type", sorted(DEVICE_EVENT_TYPES - {"device_registered"}))
def test_an_event_before_the_registration_is_refused(event_type: str) -> None:
    with pytest.raises(IllegalTransition) as refused:
        apply_device_event(None, step(event_type))
    assert refused.value.state is None
    assert str(refused.value).startswith(f"device {TAG} is not registered; {event_type}")


def test_fold_device_stops_at_the_first_refused_event() -> None:
    events = [step("device_registered"), step("device_shipped"), step("readiness_checked")]
    with pytest.raises(IllegalTransition, match="device_shipped"):
        fold_device(events)


def test_fold_device_needs_an_event() -> None:
    with pytest.raises(ValueError, match="device_registered"):
        fold_device([])


# --- malformed data ------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["method", "operator", "certificate"])
@pytest.mark.parametrize("value", [None, "", "  "])
def test_sanitisation_needs_method_operator_and_certificate(field: str, value: Any) -> None:
    data = SANITISATION | {field: value}
    with pytest.raises(InvalidEvent, match=rf"data\.{field}"):
        apply_device_event(reach(S.RECEIVED), ev("device_sanitised", data))


@pytest.mark.parametrize(
    ("state", "event_type", "field"),
    [
        (S.IN_STOCK, "device_reserved", "swap"),
        (S.IN_STOCK, "device_reserved", "ticket"),
        (S.RESERVED, "device_shipped", "swap"),
        (S.RESERVED, "device_released", "swap"),
        (S.SHIPPED, "device_delivered", "swap"),
        (S.RETURN_SHIPPED, "device_received", "depot"),
    ],
)
def test_a_move_without_the_field_it_needs_is_invalid(
    state: DeviceState, event_type: str, field: str
) -> None:
    data = {k: v for k, v in data_for(event_type).items() if k != field}
    with pytest.raises(InvalidEvent, match=rf"data\.{field}"):
        apply_device_event(reach(state), ev(event_type, data))


def test_a_readiness_check_must_be_true_or_false() -> None:
    with pytest.raises(InvalidEvent, match=r"data\.mfa"):
        apply_device_event(reach(S.UNREADY), ev("readiness_checked", ALL_PASS | {"mfa": "yes"}))


def test_an_event_of_another_device_is_invalid() -> None:
    other = ev("readiness_checked", ALL_PASS, stream="device:HALT-LT-00043")
    with pytest.raises(InvalidEvent, match="HALT-LT-00043"):
        apply_device_event(reach(S.UNREADY), other)


def test_a_ticket_event_is_not_a_device_event() -> None:
    comment = new_event("ticket:T-1", "comment", START, "agent-1", {"text": "hallo"})
    with pytest.raises(InvalidEvent, match="stream"):
        apply_device_event(reach(S.UNREADY), comment)


# --- properties ----------------------------------------------------------------------------

SWAPS = st.sampled_from(["S-1", "S-2"])


@st.composite
def well_formed_events(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """Any device event type with well-formed data for one of two swaps."""
    event_type = draw(st.sampled_from(sorted(DEVICE_EVENT_TYPES)))
    data = data_for(event_type, swap=draw(SWAPS))
    if event_type == "readiness_checked":
        data = {check: draw(st.booleans()) for check in READINESS_CHECKS}
    return event_type, data


def _check_invariants(fold: DeviceFold) -> None:
    assert isinstance(fold.state, DeviceState)
    assert fold.asset_tag == TAG
    if fold.owned:
        # An employee's own device: its swap holds it from taken back to its end state,
        # and it never becomes loaner stock.
        assert (fold.swap is not None) is (fold.state not in OWN_DEVICE_FREE)
        assert not is_ready_stock(fold)
        if fold.state in (S.RETURNED_TO_LESSOR, S.RETIRED):
            assert fold.sanitised  # never to the lessor or the scrap heap unwiped
        return
    # A loaner: a swap holds it exactly in the states between reservation and return.
    assert (fold.swap is not None) is (fold.state in HELD_STATES)
    assert is_ready_stock(fold) is (fold.state is S.IN_STOCK)
    if fold.state is S.IN_STOCK:
        assert all(fold.readiness.values())


#: States in which no swap holds an employee's own device.
OWN_DEVICE_FREE = {S.UNREADY, S.RETURNED_TO_OWNER, S.RETURNED_TO_LESSOR, S.RETIRED}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(DeviceState)), st.lists(well_formed_events(), max_size=40))
def test_any_event_sequence_applies_or_is_an_illegal_transition(
    start: DeviceState, moves: list[tuple[str, dict[str, Any]]]
) -> None:
    # Starting anywhere in the cycle: random walks from registration mostly end retired.
    fold: DeviceFold | None = reach(start)
    for event_type, data in moves:
        before = fold
        try:
            fold = apply_device_event(fold, ev(event_type, data))
        except IllegalTransition as refused:
            assert before is not None
            assert refused.state == before.state and refused.swap == before.swap
            assert TAG in str(refused) and str(before.state) in str(refused)
            continue
        assert before is not None and before.state not in TERMINAL_STATES
        _check_invariants(fold)


DATA_KEYS = ["swap", "ticket", "depot", "method", "operator", "certificate", *READINESS_CHECKS]
JSON_VALUES = st.none() | st.booleans() | st.integers() | st.text(max_size=3) | SWAPS


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(DEVICE_EVENT_TYPES)),
            st.dictionaries(
                st.sampled_from(DATA_KEYS),
                JSON_VALUES,
            ),
        ),
        max_size=30,
    )
)
def test_any_data_is_either_applied_or_refused_with_a_clear_error(
    moves: list[tuple[str, dict[str, Any]]],
) -> None:
    fold: DeviceFold | None = None
    for event_type, data in moves:
        try:
            fold = apply_device_event(fold, ev(event_type, data))
        except (IllegalTransition, InvalidEvent) as refused:
            assert isinstance(refused, HaltDeskError)
            continue
        _check_invariants(fold)
