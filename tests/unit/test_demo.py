"""The demo data set: deterministic, well-formed, and the right size and shape."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from halt_desk.demo import DemoDataset, generate, generate_timelines, timelines
from halt_desk.demo.business_minutes import BusinessMinutes, Terms
from halt_desk.demo.changes_demo import CHANGES
from halt_desk.demo.open_swaps import SCENARIOS
from halt_desk.domain.devices import apply_device_event
from halt_desk.domain.events import CLOCK_EVENT_TYPES, TICKET_EVENT_TYPES, Event
from halt_desk.domain.profiles import load_profile
from halt_desk.domain.sla import evaluate_document
from halt_desk.domain.swaps import fold_swap


@pytest.fixture(scope="module")
def dataset() -> DemoDataset:
    return generate()


def _employees(dataset: DemoDataset, org: str) -> list[dict[str, object]]:
    return [
        dict(e.data)
        for e in dataset.events
        if e.type == "employee_registered" and e.data["org"] == org
    ]


def test_same_seed_gives_identical_events(dataset: DemoDataset) -> None:
    again = generate()
    assert [e.to_json() for e in again.events] == [e.to_json() for e in dataset.events]


def test_different_seed_gives_different_events(dataset: DemoDataset) -> None:
    other = generate(seed=2)
    assert [e.to_json() for e in other.events] != [e.to_json() for e in dataset.events]


def test_halt_has_about_300_employees_in_nine_teams_and_four_regions(
    dataset: DemoDataset,
) -> None:
    halt = _employees(dataset, "halt")
    assert 280 <= len(halt) <= 320
    regional_teams = {e["team"] for e in halt} - {"Halt Service Eenheid"}
    assert len(regional_teams) == 9
    assert {e["region"] for e in halt} == {"Noord", "Oost", "Zuid", "West"}


def test_desom_has_about_120_employees(dataset: DemoDataset) -> None:
    assert 110 <= len(_employees(dataset, "desom")) <= 130


def test_halt_has_five_locations_and_there_are_two_depots(dataset: DemoDataset) -> None:
    streams = Counter(e.stream_kind for e in dataset.events if e.type.endswith("_registered"))
    halt_locations = [
        e for e in dataset.events if e.type == "location_registered" and e.data["org"] == "halt"
    ]
    assert len(halt_locations) == 5
    assert streams["depot"] == 2
    assert streams["org"] == 2


def test_employees_have_halt_addresses_and_dutch_mobile_numbers(dataset: DemoDataset) -> None:
    for employee in _employees(dataset, "halt"):
        local, _, domain = str(employee["email"]).partition("@")
        assert domain == "halt.nl"
        assert "." in local and local == local.lower()
        assert str(employee["phone"]).startswith("06-")
        assert len(str(employee["phone"])) == 11


def test_loaners_are_registered_with_asset_tag_and_readiness(dataset: DemoDataset) -> None:
    registered = [e for e in dataset.events if e.type == "device_registered"]
    owned = [e for e in registered if e.data.get("owned") is True]
    # Two employees' own devices, taken back in an open swap and registered by serial.
    assert [e.stream_key[:6] for e in owned] == ["SN-5CG", "SN-5CG"]
    registered = [e for e in registered if e not in owned]
    assert registered
    for event in registered:
        tag = event.stream_key
        assert tag.startswith("HALT-LT-") and len(tag) == len("HALT-LT-00042")
        assert event.data["depot"] in {"depot-utrecht", "depot-zwolle"}
    checked = {e.stream for e in dataset.events if e.type == "readiness_checked"}
    assert {e.stream for e in registered} <= checked


def test_loaner_trips_follow_the_device_life_cycle(dataset: DemoDataset) -> None:
    streams: dict[str, list[Event]] = {}
    for event in dataset.events:
        if event.stream_kind == "device":
            streams.setdefault(event.stream, []).append(event)
    travelled = 0
    for events in streams.values():
        fold = None
        for event in events:  # the domain's rules refuse any move the life cycle forbids
            fold = apply_device_event(fold, event)
        travelled += any(e.type == "device_reserved" for e in events)
    assert travelled > 10


def test_every_loaner_trip_has_its_swap_record(dataset: DemoDataset) -> None:
    swaps: dict[str, list[Event]] = {}
    for event in dataset.events:
        if event.stream_kind == "swap":
            swaps.setdefault(event.stream_key, []).append(event)
    reserved = {e.data["swap"] for e in dataset.events if e.type == "device_reserved"}
    assert reserved <= set(swaps)
    tickets = {t.id for t in dataset.tickets}
    for events in swaps.values():
        record = fold_swap(events)  # opened first, nothing after closing, known statuses
        assert record.ticket in tickets
        shipments = [e for e in events if e.type == "shipment_status"]
        assert all(e.data["carrier"] in {"postnl", "dhl"} for e in shipments)


def test_ticket_count_is_tickets_per_month_times_months(dataset: DemoDataset) -> None:
    reported = [e for e in dataset.events if e.type == "ticket_reported"]
    # plus one ticket per open swap the logistics queue shows, and Halt's change tickets
    assert len(reported) == 400 * 3 + len(SCENARIOS) + len(CHANGES) == len(dataset.tickets)


def test_smaller_arguments_give_a_smaller_data_set() -> None:
    small = generate(months=1, tickets_per_month=40)
    reported = sum(1 for e in small.events if e.type == "ticket_reported")
    assert reported == 40 + len(SCENARIOS) + len(CHANGES)
    assert small.start == date(2026, 11, 1)


def test_every_event_survives_the_wire_format(dataset: DemoDataset) -> None:
    for event in dataset.events:
        assert Event.from_json(event.to_json()) == event


def test_events_are_sorted_by_time(dataset: DemoDataset) -> None:
    times = [e.at for e in dataset.events]
    assert times == sorted(times)


def test_all_times_are_timezone_aware(dataset: DemoDataset) -> None:
    assert all(e.at.tzinfo is not None for e in dataset.events)


def test_no_event_after_now(dataset: DemoDataset) -> None:
    assert max(e.at for e in dataset.events) <= dataset.now


def test_ticket_events_are_at_or_after_their_report(dataset: DemoDataset) -> None:
    reported: dict[str, datetime] = {}
    for event in dataset.events:
        if event.stream_kind != "ticket":
            continue
        if event.type == "ticket_reported":
            reported[event.stream] = event.at
        else:
            assert event.stream in reported, f"{event.type} before report in {event.stream}"
            assert event.at >= reported[event.stream]


def test_tickets_report_priority_or_impact_and_urgency(dataset: DemoDataset) -> None:
    for event in dataset.events:
        if event.type != "ticket_reported":
            continue
        if event.data["org"] == "halt":
            assert event.data["priority"] in {"P1", "P2", "P3", "P4"}
        else:
            assert event.data["impact"] in {"low", "middle", "high"}
            assert event.data["urgency"] in {"low", "middle", "high"}


def test_priority_mix_is_roughly_as_planned(dataset: DemoDataset) -> None:
    mix = Counter(t.priority for t in dataset.tickets if t.org == "halt")
    total = sum(mix.values())
    assert 0.01 <= mix["P1"] / total <= 0.06
    assert 0.06 <= mix["P2"] / total <= 0.15
    assert 0.45 <= mix["P3"] / total <= 0.65
    assert 0.24 <= mix["P4"] / total <= 0.40


def test_about_one_in_ten_reports_is_outside_business_hours(dataset: DemoDataset) -> None:
    halt = [t.reported_at for t in dataset.tickets if t.org == "halt"]
    outside = [at for at in halt if at.weekday() > 4 or not 8 <= at.hour < 17]
    assert 0.05 <= len(outside) / len(halt) <= 0.15


def test_some_uplifts_are_granted_and_some_refused(dataset: DemoDataset) -> None:
    decisions = [e.data for e in dataset.events if e.type == "uplift_decided"]
    granted = sum(1 for d in decisions if d["granted"])
    assert granted > len(decisions) / 2
    assert granted < len(decisions)
    for decision in decisions:
        assert set(decision["criteria"]) == {"critical_role", "direct_impact", "cannot_work"}
        assert decision["motivation"]


def test_most_tickets_of_the_last_day_are_still_open(dataset: DemoDataset) -> None:
    resolved = {e.stream for e in dataset.events if e.type == "resolved"}
    last_day = [t for t in dataset.tickets if t.reported_at.date() == dataset.end]
    still_open = [t for t in last_day if f"ticket:{t.id}" not in resolved]
    assert len(still_open) > len(last_day) / 2


def test_only_known_ticket_event_types_are_used(dataset: DemoDataset) -> None:
    used = {e.type for e in dataset.events if e.stream_kind == "ticket"}
    assert used <= TICKET_EVENT_TYPES
    assert {"swap_delivered", "onsite_arrival", "waiting_on_user", "uplift_decided"} <= used


def test_timelines_have_the_sla_check_shape(dataset: DemoDataset) -> None:
    result = timelines(dataset, "halt")
    assert result["profile"] == "halt"
    assert datetime.fromisoformat(result["now"]).tzinfo is not None
    assert len(result["tickets"]) == sum(1 for t in dataset.tickets if t.org == "halt")
    for ticket in result["tickets"]:
        assert set(ticket) == {"id", "reported_at", "priority", "events"}
        assert datetime.fromisoformat(ticket["reported_at"]).tzinfo is not None
        for event in ticket["events"]:
            assert event["type"] in TICKET_EVENT_TYPES - {"ticket_reported"}
            assert datetime.fromisoformat(event["at"]) >= datetime.fromisoformat(
                ticket["reported_at"]
            )


def test_timelines_flatten_event_data(dataset: DemoDataset) -> None:
    result = timelines(dataset, "halt")
    responses = [e for t in result["tickets"] for e in t["events"] if e["type"] == "first_response"]
    assert responses
    assert all(e["channel"] in {"phone", "email", "portal", "onsite"} for e in responses)


def test_desom_timelines_give_impact_and_urgency(dataset: DemoDataset) -> None:
    result = timelines(dataset, "desom")
    assert result["tickets"]
    assert all(set(t) == {"id", "reported_at", "impact", "urgency", "events"}
               for t in result["tickets"])  # fmt: skip


def test_timelines_can_keep_only_clock_moving_events(dataset: DemoDataset) -> None:
    result = timelines(dataset, "halt", clock_events_only=True)
    used = {e["type"] for t in result["tickets"] for e in t["events"]}
    assert used <= CLOCK_EVENT_TYPES | {"uplift_decided"}
    assert "uplift_decided" in used


def test_timelines_reject_an_unknown_profile(dataset: DemoDataset) -> None:
    with pytest.raises(ValueError, match="profile"):
        timelines(dataset, "gemeente-x")


def test_benchmark_timelines_have_about_eight_events_per_ticket() -> None:
    result = generate_timelines(1000)
    assert len(result["tickets"]) == 1000
    average = sum(len(t["events"]) for t in result["tickets"]) / 1000
    assert 7 <= average <= 9


def test_benchmark_timelines_are_deterministic() -> None:
    assert generate_timelines(300, seed=5) == generate_timelines(300, seed=5)


def test_benchmark_timelines_use_only_clock_moving_types() -> None:
    first = generate_timelines(300, seed=5)
    used = {e["type"] for t in first["tickets"] for e in t["events"]}
    assert used <= CLOCK_EVENT_TYPES | {"uplift_decided"}
    assert {"priority_changed", "waiting_on_user", "swap_requested", "onsite_arrival"} <= used


def test_benchmark_timelines_include_open_tickets() -> None:
    result = generate_timelines(1000)
    assert "now" in result
    still_open = [
        t for t in result["tickets"] if not any(e["type"] == "resolved" for e in t["events"])
    ]
    assert still_open


def test_halt_intake_answers_suggest_the_reported_priority(dataset: DemoDataset) -> None:
    profile = load_profile("halt")
    reports = [e.data for e in dataset.events if e.type == "ticket_reported"]
    halt = [data for data in reports if data["org"] == "halt"]
    assert halt
    for data in halt:
        assert profile.suggest_priority(**data["intake"]) == data["priority"]


def test_reports_outside_the_profile_window_are_about_one_in_ten(dataset: DemoDataset) -> None:
    for org in ("halt", "desom"):
        calendar = load_profile(dataset.profile_of(org)).calendar
        reported = [t.reported_at for t in dataset.tickets if t.org == org]
        outside = [at for at in reported if not calendar.is_open(at)]
        assert 0.05 <= len(outside) / len(reported) <= 0.15


@pytest.mark.parametrize("profile", ["halt", "desom"])
def test_demo_timelines_evaluate_without_error(dataset: DemoDataset, profile: str) -> None:
    _, _, results = evaluate_document(timelines(dataset, profile))
    assert len(results) == sum(1 for t in dataset.tickets if dataset.profile_of(t.org) == profile)


@pytest.mark.parametrize("profile", ["halt", "desom"])
def test_benchmark_timelines_evaluate_without_error(profile: str) -> None:
    document = generate_timelines(2000, profile=profile)
    name, _, results = evaluate_document(document)
    assert name == profile
    assert len(results) == 2000
    states = Counter(state for r in results for state in _clock_states(r.to_json()))
    assert states["met"] > states["breached"] > 0


def _clock_states(result: dict[str, object]) -> list[str]:
    clocks = result["clocks"]
    assert isinstance(clocks, dict)
    return [str(clock["state"]) for clock in clocks.values()]


def test_benchmark_timelines_reject_a_profile_without_a_planner() -> None:
    with pytest.raises(ValueError, match="profile"):
        generate_timelines(10, profile="gemeente-x")


_FINGERPRINT = """
import hashlib, json
from halt_desk.demo import generate, generate_timelines
events = [e.to_json() for e in generate(seed=3, months=1, tickets_per_month=60).events]
document = generate_timelines(300, seed=5)
print(hashlib.sha256(json.dumps([events, document], sort_keys=True).encode()).hexdigest())
"""


def test_same_seed_gives_identical_output_across_processes() -> None:
    def fingerprint(hash_seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run(
            [sys.executable, "-c", _FINGERPRINT], env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    here = [e.to_json() for e in generate(seed=3, months=1, tickets_per_month=60).events]
    document = generate_timelines(300, seed=5)
    expected = hashlib.sha256(json.dumps([here, document], sort_keys=True).encode()).hexdigest()
    assert fingerprint("1") == fingerprint("2") == expected


_CLOCKS = {name: BusinessMinutes(load_profile(name).calendar) for name in ("halt", "desom")}
# Minute indexes from 2024 to about 2032: DST changes, holidays and day boundaries.
_FIRST = _CLOCKS["halt"].index_of(datetime.fromisoformat("2024-01-01T00:00:00+01:00"))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(_CLOCKS)), st.integers(0, 1_000_000), st.booleans())
def test_demo_minutes_render_and_round_trip_like_the_profile_calendar(
    name: str, offset: int, at_opening: bool
) -> None:
    clock = _CLOCKS[name]
    b = _FIRST + offset
    assert clock.iso(b, at_opening) == clock.at(b, at_opening).isoformat()
    assert clock.index(clock.instant(b, at_opening)) == b


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 1_000_000), st.sampled_from(["P1", "P2", "P3", "P4"]))
def test_demo_swap_deadline_is_the_profile_swap_target(offset: int, priority: str) -> None:
    profile = load_profile("halt")
    clock = _CLOCKS["halt"]
    terms = Terms(profile, clock)
    b = _FIRST + offset
    start = clock.at(b, at_opening=True)
    target = profile.clocks["swap"].targets[priority]
    if target.days_later is not None:
        expected = profile.calendar.end_of_window(start, target.days_later)
    else:
        expected = profile.calendar.add_business_minutes(start, target.seconds / 60)
    assert clock.at(terms.swap_due(priority, b)) == expected
