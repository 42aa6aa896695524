"""The clock table (domain/clockspec.py) and what the engine, reports and profiles read of it."""

from __future__ import annotations

import dataclasses

import pytest

from halt_desk.domain import clockspec
from halt_desk.domain.clocks import _HANDLERS, CLOCKS_SOURCE, HANDLER_SOURCES
from halt_desk.domain.clockspec import (
    CLOCK_NAMES,
    CLOCKS,
    REQUIRED_CLOCKS,
    ClockKind,
    ClockSpec,
    Stop,
)
from halt_desk.domain.events import TICKET_EVENT_TYPES
from halt_desk.domain.profiles import CLOCK_NAMES as PROFILE_CLOCK_NAMES
from halt_desk.domain.profiles import load_profile
from halt_desk.reports.texts import CATALOGUE


def test_clock_names_are_those_of_design_3_3_in_their_order() -> None:
    expected = ("reaction", "resolution", "update", "onsite", "swap", "emergency_workplace")
    assert expected == CLOCK_NAMES
    assert PROFILE_CLOCK_NAMES is CLOCK_NAMES


def test_reaction_and_resolution_are_required_and_decide_within_norm() -> None:
    assert REQUIRED_CLOCKS == ("reaction", "resolution")
    assert [spec.name for spec in CLOCKS if spec.within_norm] == ["reaction", "resolution"]


def test_only_the_resolution_clock_pauses_and_only_update_is_an_interval_clock() -> None:
    assert [spec.name for spec in CLOCKS if spec.pausable] == ["resolution"]
    assert [spec.name for spec in CLOCKS if spec.kind is ClockKind.INTERVAL] == ["update"]


def test_every_ticket_event_type_has_a_handler() -> None:
    assert set(_HANDLERS) == TICKET_EVENT_TYPES


def test_every_declared_event_of_a_clock_is_written_into_its_handler() -> None:
    for spec in CLOCKS:
        events = [stop.event for stop in spec.stops]
        events += [e for e in (spec.restarts, spec.requested_by) if e is not None]
        for event in events:
            assert event in HANDLER_SOURCES, (spec.name, event)
    assert all(repr(name) in CLOCKS_SOURCE for name in CLOCK_NAMES)


def test_every_clock_has_its_report_labels_in_both_languages() -> None:
    for name in CLOCK_NAMES:
        assert f"clock_{name}" in CATALOGUE
        assert f"col_{name}" in CATALOGUE


def test_the_built_in_profiles_give_targets_only_for_clocks_of_the_table() -> None:
    for profile_name in ("halt", "desom"):
        assert set(load_profile(profile_name).clocks) <= set(CLOCK_NAMES)


def test_a_table_with_an_unknown_event_type_is_refused() -> None:
    wrong = ClockSpec("escalation", stops=(Stop("escalated"),))
    with pytest.raises(ValueError, match="escalation: unknown event types"):
        clockspec._check((*CLOCKS, wrong))


def test_a_deadline_clock_must_run_from_the_report() -> None:
    wrong = dataclasses.replace(CLOCKS[0], starts="first_response")
    with pytest.raises(ValueError, match="runs from the report"):
        clockspec._check((wrong, *CLOCKS[1:]))


def test_two_clocks_with_one_name_are_refused() -> None:
    with pytest.raises(ValueError, match="distinct"):
        clockspec._check((*CLOCKS, CLOCKS[0]))
