"""Properties of the SLA engine over random timelines (Hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from halt_desk.domain.clocks import ClockState, TicketEvaluation, evaluate
from halt_desk.domain.events import CLOCK_EVENT_TYPES
from halt_desk.domain.profiles import load_profile
from halt_desk.domain.timeline import parse_ticket

AMS = ZoneInfo("Europe/Amsterdam")
HALT = load_profile("halt")
# A reopen needs a resolved ticket (tests/unit/test_clocks_reopen.py), not a random moment.
TYPES = [*sorted(CLOCK_EVENT_TYPES - {"uplift_decided", "reopened"}), "comment"]


@st.composite
def timelines(draw: st.DrawFn) -> dict[str, Any]:
    reported = draw(
        st.datetimes(
            min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(AMS)
        )
    )
    events = []
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(TYPES))
        # in UTC: adding to a local time keeps the wall clock, not the instant, across DST
        at = reported.astimezone(UTC) + timedelta(minutes=draw(st.integers(0, 60 * 24 * 10)))
        event: dict[str, Any] = {"type": kind, "at": at.isoformat()}
        if kind == "first_response":
            event["channel"] = draw(st.sampled_from(["phone", "email", "portal", "onsite"]))
        if kind == "priority_changed":
            event["priority"] = draw(st.sampled_from(HALT.priorities))
        events.append(event)
    return {
        "id": "T",
        "reported_at": reported.isoformat(),
        "priority": draw(st.sampled_from(HALT.priorities)),
        "events": events,
    }


def run(raw: dict[str, Any], now: datetime) -> TicketEvaluation:
    return evaluate(HALT, parse_ticket(raw, "ticket"), now)


offsets = st.integers(min_value=0, max_value=60 * 24 * 20)


@settings(max_examples=300, deadline=None)
@given(timelines(), offsets)
def test_states_agree_with_due_and_met_at(raw: dict[str, Any], offset: int) -> None:
    reported = datetime.fromisoformat(raw["reported_at"])
    now = reported + timedelta(minutes=offset)
    result = run(raw, now)
    for clock in result.clocks.values():
        if clock.state is ClockState.NOT_APPLICABLE or clock.name == "update":
            continue
        assert clock.due is not None and clock.due >= reported
        if clock.met_at is not None:
            assert (clock.state is ClockState.MET) == (clock.met_at <= clock.due)
        else:
            assert (clock.state is ClockState.BREACHED) == (now > clock.due)


@settings(max_examples=300, deadline=None)
@given(timelines(), offsets)
def test_mttr_never_exceeds_mttp_without_productive_again(raw: dict[str, Any], offset: int) -> None:
    raw["events"] = [e for e in raw["events"] if e["type"] != "productive_again"]
    now = datetime.fromisoformat(raw["reported_at"]) + timedelta(minutes=offset)
    result = run(raw, now)
    if result.mttr_business_minutes is not None:
        assert result.mttp_business_minutes is not None
        assert 0 <= result.mttr_business_minutes <= result.mttp_business_minutes
        assert result.mttp_business_minutes <= result.mttp_wall_minutes  # type: ignore[operator]


@settings(max_examples=200, deadline=None)
@given(timelines(), offsets, st.integers(1, 60 * 24 * 5))
def test_a_breach_stays_a_breach_as_time_goes_on(
    raw: dict[str, Any], offset: int, later: int
) -> None:
    now = datetime.fromisoformat(raw["reported_at"]) + timedelta(minutes=offset)
    before = run(raw, now)
    after = run(raw, now + timedelta(minutes=later))
    for name, clock in before.clocks.items():
        if clock.state is ClockState.BREACHED:
            assert after.clocks[name].state is ClockState.BREACHED


@settings(max_examples=200, deadline=None)
@given(timelines(), offsets)
def test_comments_change_no_clock(raw: dict[str, Any], offset: int) -> None:
    now = datetime.fromisoformat(raw["reported_at"]) + timedelta(minutes=offset)
    without = {**raw, "events": [e for e in raw["events"] if e["type"] != "comment"]}
    assert run(raw, now).to_json() == run(without, now).to_json()


@st.composite
def reopened_timelines(draw: st.DrawFn) -> dict[str, Any]:
    """A random timeline, then resolve/reopen cycles at rising moments. Without what a
    resolve changes besides the clock's stop (it ends a wait; a priority change from then on
    no longer re-rates a stopped clock), so the cycles are the only difference."""
    raw = draw(timelines())
    left_out = {"resolved", "productive_again", "reopened", "workaround", "priority_changed"}
    left_out |= {"waiting_on_user", "resumed"}
    raw["events"] = [e for e in raw["events"] if e["type"] not in left_out]
    reported = datetime.fromisoformat(raw["reported_at"]).astimezone(UTC)
    moment = reported
    for n in range(draw(st.integers(1, 5))):
        moment += timedelta(minutes=draw(st.integers(0, 60 * 24 * 3)))
        kind = "resolved" if n % 2 == 0 else "reopened"
        raw["events"].append({"type": kind, "at": moment.isoformat(), "reason": "x"})
    return raw


@settings(max_examples=300, deadline=None)
@given(reopened_timelines(), offsets)
def test_reopens_never_bring_the_resolution_due_forward(raw: dict[str, Any], offset: int) -> None:
    """A resolved spell is a pause: the resolution due is never sooner than with the cycles
    left out, and MTTR ≤ MTTP ≤ MTTP wall clock still holds."""
    now = datetime.fromisoformat(raw["reported_at"]) + timedelta(minutes=offset)
    without = dict(
        raw, events=[e for e in raw["events"] if e["type"] not in {"resolved", "reopened"}]
    )
    result, plain = run(raw, now), run(without, now)
    due, plain_due = result.clocks["resolution"].due, plain.clocks["resolution"].due
    assert due is not None and plain_due is not None and due >= plain_due, raw
    if result.mttr_business_minutes is not None:
        assert result.mttp_business_minutes is not None
        assert 0 <= result.mttr_business_minutes <= result.mttp_business_minutes
        assert result.mttp_business_minutes <= result.mttp_wall_minutes  # type: ignore[operator]
