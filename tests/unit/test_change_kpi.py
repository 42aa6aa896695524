"""The change clocks (domain/change_kpi.py) on the contract calendar, worked out by hand,
and the rules central and the desk check on change events."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from halt_desk.domain.change_kpi import (
    check_change_event,
    check_change_report,
    evaluate_change,
)
from halt_desk.domain.clocks import ClockState
from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.profiles import load_profile

AMS = ZoneInfo("Europe/Amsterdam")
HALT = load_profile("halt")  # Mon–Fri 08:00–17:00, Dutch holidays (Koningsdag)


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


def plan(at: str, day: str) -> tuple[str, datetime, dict[str, Any]]:
    return ("change_planned", t(at), {"date": day})


def done(at: str) -> tuple[str, datetime, dict[str, Any]]:
    return ("change_implemented", t(at), {})


def test_first_plan_within_5_working_days_skips_the_weekend_and_koningsdag() -> None:
    """Reported Thu 22-04-2027 10:00: Fri 23 (1), Mon 26 (2), Tue 27 Koningsdag (not a
    working day), Wed 28 (3), Thu 29 (4), Fri 30 (5): due Fri 30-04 17:00."""
    reported = t("2027-04-22T10:00")
    now = t("2027-05-10T12:00")
    on_time = evaluate_change(
        HALT, "minor", reported, [plan("2027-04-30T16:59", "2027-05-12")], now
    )
    clock = on_time.clocks["change_first_plan"]
    assert clock.due == t("2027-04-30T17:00") and clock.state is ClockState.MET
    late = evaluate_change(HALT, "minor", reported, [plan("2027-04-30T17:01", "2027-05-12")], now)
    assert late.clocks["change_first_plan"].state is ClockState.BREACHED
    running = evaluate_change(HALT, "minor", reported, [], t("2027-04-30T16:00"))
    assert running.clocks["change_first_plan"].state is ClockState.RUNNING
    open_late = evaluate_change(HALT, "minor", reported, [], now)
    assert open_late.clocks["change_first_plan"].state is ClockState.BREACHED
    assert open_late.clocks["change_planning"].state is ClockState.NOT_APPLICABLE


def test_a_report_on_saturday_counts_from_monday() -> None:
    """Sat 24-04-2027: the first working day counted is Mon 26 (day 0); +5 skipping
    Koningsdag: Wed 28 (1) … Mon 03-05 (4), Tue 04-05 (5) → due Tue 04-05 17:00."""
    change = evaluate_change(HALT, "minor", t("2027-04-24T11:00"), [], t("2027-04-24T12:00"))
    assert change.clocks["change_first_plan"].due == t("2027-05-04T17:00")


def test_standard_within_planning_is_the_end_of_the_latest_plan_date() -> None:
    reported, now = t("2027-03-01T09:00"), t("2027-03-31T12:00")
    evening = evaluate_change(
        HALT,
        "standard",
        reported,
        [plan("2027-03-01T10:00", "2027-03-05"), done("2027-03-05T22:00")],
        now,
    )
    assert evening.clocks["change_planning"].state is ClockState.MET
    assert evening.clocks["change_planning"].due == t("2027-03-06T00:00")
    replanned = evaluate_change(
        HALT,
        "standard",
        reported,
        [plan("2027-03-01T10:00", "2027-03-05"), plan("2027-03-04T10:00", "2027-03-09"),
         done("2027-03-08T10:00")],
        now,
    )  # fmt: skip
    assert replanned.planned is not None and replanned.planned.day == 9 and replanned.plans == 2
    assert replanned.clocks["change_planning"].state is ClockState.MET
    # a plan recorded after the implementation does not move the planning
    after = evaluate_change(
        HALT, "standard", reported,
        [plan("2027-03-01T10:00", "2027-03-05"), done("2027-03-08T10:00"),
         plan("2027-03-09T10:00", "2027-03-20")],
        now,
    )  # fmt: skip
    assert after.clocks["change_planning"].state is ClockState.BREACHED
    unplanned = evaluate_change(HALT, "standard", reported, [done("2027-03-02T10:00")], now)
    assert unplanned.clocks["change_planning"].state is ClockState.BREACHED
    waiting = evaluate_change(HALT, "standard", reported, [], now)
    assert waiting.clocks["change_planning"].state is ClockState.RUNNING
    assert waiting.clocks["change_planning"].due is None
    overdue = evaluate_change(
        HALT, "standard", reported, [plan("2027-03-01T10:00", "2027-03-05")], now
    )
    assert overdue.clocks["change_planning"].state is ClockState.BREACHED


def test_events_after_now_do_not_count() -> None:
    change = evaluate_change(
        HALT,
        "minor",
        t("2027-03-01T09:00"),
        [plan("2027-03-03T10:00", "2027-03-10")],
        t("2027-03-02T09:00"),
    )
    assert change.clocks["change_first_plan"].state is ClockState.RUNNING


def event(kind: str, data: dict[str, Any], stream: str = "ticket:T1") -> Event:
    return new_event(stream, kind, t("2027-03-01T09:00"), "agent:a", data)


REPORT = {"org": "halt", "caller": "e1", "summary": "x", "channel": "phone", "priority": "P4"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "wijziging"}, "data.kind"),
        ({"kind": "change"}, "data.change_type"),
        ({"kind": "change", "change_type": "big"}, "data.change_type"),
        ({"change_type": "minor"}, "data.change_type"),
    ],
)
def test_a_bad_change_report_is_refused_naming_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidEvent) as caught:
        check_change_report(event("ticket_reported", REPORT | data))
    assert caught.value.field == field


def test_plans_only_on_a_change_and_only_before_its_implementation() -> None:
    incident = [event("ticket_reported", REPORT)]
    change = [event("ticket_reported", REPORT | {"kind": "change", "change_type": "minor"})]
    with pytest.raises(InvalidEvent, match="only for a change ticket"):
        check_change_event(event("change_planned", {"date": "2027-03-05"}), incident)
    check_change_event(event("change_planned", {"date": "2027-03-05"}), change)
    with pytest.raises(InvalidEvent, match=r"data\.date"):
        check_change_event(event("change_planned", {"date": "05-03-2027"}), change)
    implemented = [*change, event("change_implemented", {})]
    with pytest.raises(InvalidEvent, match="implemented already"):
        check_change_event(event("change_implemented", {}), implemented)
    check_change_report(event("ticket_reported", REPORT))  # an incident: nothing to say
