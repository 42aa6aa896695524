"""Hand-worked contract scenarios of DESIGN §2 through the same entry as `sla check`.

Every expected time below was worked out by hand from the rules; the comment next to
it shows the arithmetic. Halt's window is Mon–Fri 08:00–17:00 (9 h = 1 working day),
DeSom's 08:00–16:00 (8 h). January 2027: Fri 1 is New Year's Day, Mon 4 … Fri 8.
"""

from __future__ import annotations

from typing import Any

import pytest

from halt_desk.domain.errors import InvalidTimeline
from halt_desk.domain.sla import check_document

NOW = "2027-06-30T12:00:00+02:00"


def t(local: str) -> str:
    """'2027-01-05 10:00' → ISO with the Amsterdam winter/summer offset."""
    day, clock = local.split(" ")
    month = int(day[5:7])
    offset = "+02:00" if 4 <= month <= 10 else "+01:00"
    if day.startswith("2027-03") and int(day[8:10]) >= 28:
        offset = "+02:00"
    if day.startswith("2027-10") and int(day[8:10]) >= 31:
        offset = "+01:00"
    return f"{day}T{clock}:00{offset}"


def ev(kind: str, local: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "at": t(local), **fields}


def run(
    reported: str,
    events: list[dict[str, Any]] | None = None,
    priority: str | None = "P3",
    now: str = NOW,
    profile: str = "halt",
    **ticket: Any,
) -> dict[str, Any]:
    raw: dict[str, Any] = {"id": "T1", "reported_at": t(reported), "events": events or []}
    if priority is not None:
        raw["priority"] = priority
    raw.update(ticket)
    document = {"profile": profile, "now": now if "T" in now else t(now), "tickets": [raw]}
    result: dict[str, Any] = check_document(document)["tickets"][0]
    return result


def clock(result: dict[str, Any], name: str) -> dict[str, Any]:
    value: dict[str, Any] = result["clocks"][name]
    return value


# ---------------------------------------------------------------- reaction
def test_p2_reported_friday_afternoon_is_answered_in_time_on_monday() -> None:
    # 16:50–17:00 Friday (10 min) + 50 min Monday → Mon 08:50.
    result = run(
        "2027-01-08 16:50", [ev("first_response", "2027-01-11 08:20", channel="phone")], "P2"
    )
    assert clock(result, "reaction") == {
        "due": t("2027-01-11 08:50"),
        "met_at": t("2027-01-11 08:20"),
        "state": "met",
    }


def test_p1_email_does_not_stop_reaction_but_a_later_call_does() -> None:
    events = [
        ev("first_response", "2027-01-05 10:05", channel="email"),
        ev("first_response", "2027-01-05 10:20", channel="phone"),
    ]
    reaction = clock(run("2027-01-05 10:00", events, "P1"), "reaction")
    assert reaction["due"] == t("2027-01-05 10:15")
    assert reaction["met_at"] == t("2027-01-05 10:20")
    assert reaction["state"] == "breached"


def test_p1_call_after_email_within_fifteen_minutes_is_met() -> None:
    events = [
        ev("first_response", "2027-01-05 10:05", channel="email"),
        ev("first_response", "2027-01-05 10:12", channel="phone"),
    ]
    reaction = clock(run("2027-01-05 10:00", events, "P1"), "reaction")
    assert (reaction["met_at"], reaction["state"]) == (t("2027-01-05 10:12"), "met")


def test_p3_reaction_is_stopped_by_any_channel() -> None:
    events = [ev("first_response", "2027-01-05 13:00", channel="email")]
    reaction = clock(run("2027-01-05 10:00", events, "P3"), "reaction")
    assert (reaction["due"], reaction["state"]) == (t("2027-01-05 14:00"), "met")


def test_p4_reaction_is_one_working_day() -> None:
    reaction = clock(run("2027-01-05 10:00", [], "P4", now="2027-01-05 15:00"), "reaction")
    assert (reaction["due"], reaction["state"]) == (t("2027-01-06 10:00"), "running")


def test_report_on_a_holiday_counts_from_the_next_working_morning() -> None:
    reaction = clock(run("2027-01-01 11:00", [], "P2", now="2027-01-04 08:30"), "reaction")
    assert (reaction["due"], reaction["state"]) == (t("2027-01-04 09:00"), "running")


def test_report_on_saturday_counts_from_monday_opening() -> None:
    reaction = clock(run("2027-01-09 10:00", [], "P1", now="2027-01-11 08:16"), "reaction")
    assert (reaction["due"], reaction["state"]) == (t("2027-01-11 08:15"), "breached")


def test_open_reaction_is_running_until_due_and_breached_after() -> None:
    assert (
        clock(run("2027-01-05 10:00", [], "P2", now="2027-01-05 11:00"), "reaction")["state"]
        == "running"
    )
    assert (
        clock(run("2027-01-05 10:00", [], "P2", now="2027-01-05 11:01"), "reaction")["state"]
        == "breached"
    )


# -------------------------------------------------------------- resolution
def test_p1_resolution_runs_overnight() -> None:
    # 14:00 + 4 h: 3 h on Tuesday, 1 h Wednesday → Wed 09:00.
    result = run("2027-01-05 14:00", [ev("resolved", "2027-01-06 08:55")], "P1")
    assert clock(result, "resolution")["due"] == t("2027-01-06 09:00")
    assert clock(result, "resolution")["state"] == "met"


def test_p1_workaround_stops_resolution_but_not_mttr() -> None:
    events = [ev("workaround", "2027-01-05 11:30"), ev("resolved", "2027-01-07 10:00")]
    result = run("2027-01-05 10:00", events, "P1")
    resolution = clock(result, "resolution")
    assert (resolution["met_at"], resolution["state"]) == (t("2027-01-05 11:30"), "met")
    # MTTR to resolved: Tue 10–17 (420) + Wed 540 + Thu 08–10 (120) = 1080.
    assert result["mttr_business_minutes"] == 1080


def test_p3_workaround_does_not_stop_resolution() -> None:
    resolution = clock(
        run(
            "2027-01-05 10:00", [ev("workaround", "2027-01-05 11:00")], "P3", now="2027-01-05 12:00"
        ),
        "resolution",
    )
    assert resolution["state"] == "running"


def test_p3_resolved_after_31_business_hours_is_met() -> None:
    # Mon–Wed = 27 h, + 4 h → Thu 12:00; due at 32 h → Thu 13:00.
    resolution = clock(run("2027-01-04 08:00", [ev("resolved", "2027-01-07 12:00")]), "resolution")
    assert (resolution["due"], resolution["state"]) == (t("2027-01-07 13:00"), "met")


def test_p3_resolved_after_33_business_hours_is_breached() -> None:
    resolution = clock(run("2027-01-04 08:00", [ev("resolved", "2027-01-07 14:00")]), "resolution")
    assert (resolution["due"], resolution["state"]) == (t("2027-01-07 13:00"), "breached")


def test_p3_open_resolution_warns_at_24_business_hours() -> None:
    # Mon 9 h + Tue 9 h = 18 h, + 6 h → Wed 14:00.
    resolution = clock(run("2027-01-04 08:00", [], now="2027-01-06 15:00"), "resolution")
    assert resolution["warn_at"] == t("2027-01-06 14:00")
    assert resolution["state"] == "running"


def test_p4_resolution_is_five_working_days() -> None:
    resolution = clock(run("2027-01-05 10:00", [], "P4", now="2027-01-06 10:00"), "resolution")
    assert resolution["due"] == t("2027-01-12 10:00")


def test_waiting_on_user_pauses_only_resolution() -> None:
    # P2 at Tue 09:00: 1 h used, paused 10:00 → Wed 10:00, 7 h left → Wed 17:00.
    events = [ev("waiting_on_user", "2027-01-05 10:00"), ev("resumed", "2027-01-06 10:00")]
    result = run("2027-01-05 09:00", events, "P2", now="2027-01-06 11:00")
    assert clock(result, "resolution")["due"] == t("2027-01-06 17:00")
    assert clock(result, "reaction")["due"] == t("2027-01-05 10:00")
    assert clock(result, "reaction")["state"] == "breached"


def test_open_pause_shows_waiting_and_projects_the_deadline_from_now() -> None:
    # 1 h used before the pause; 7 h left counted from now (Wed 12:00) → Thu 10:00.
    events = [ev("waiting_on_user", "2027-01-05 10:00")]
    result = run("2027-01-05 09:00", events, "P2", now="2027-01-06 12:00")
    resolution = clock(result, "resolution")
    assert resolution["paused"] is True
    assert resolution["state"] == "running"
    assert resolution["due"] == t("2027-01-07 10:00")
    assert result["status"] == "waiting"


def test_mttr_excludes_pauses_and_mttp_does_not() -> None:
    events = [
        ev("waiting_on_user", "2027-01-05 10:00"),
        ev("resumed", "2027-01-05 12:00"),
        ev("resolved", "2027-01-05 14:00"),
    ]
    result = run("2027-01-05 09:00", events)
    assert result["mttr_business_minutes"] == 180
    assert result["mttp_business_minutes"] == 300
    assert result["mttp_wall_minutes"] == 300


def test_resolving_while_waiting_ends_the_pause() -> None:
    events = [ev("waiting_on_user", "2027-01-05 10:00"), ev("resolved", "2027-01-05 15:00")]
    result = run("2027-01-05 09:00", events)
    assert result["mttr_business_minutes"] == 60
    assert result["status"] == "resolved"


# -------------------------------------------------------- priority changes
def test_upgrade_p3_to_p1_takes_the_earlier_deadline() -> None:
    # P3 at Mon 09:00 → due Thu 14:00; upgrade Tue 10:00 → Tue 14:00 wins.
    events = [ev("priority_changed", "2027-01-05 10:00", priority="P1")]
    result = run("2027-01-04 09:00", events, "P3", now="2027-01-05 11:00")
    assert result["priority"] == "P1"
    assert clock(result, "resolution")["due"] == t("2027-01-05 14:00")


def test_upgrade_keeps_an_old_deadline_that_is_sooner() -> None:
    # P2 at Tue 09:00 → due Tue 17:00; P1 from 15:00 would give Wed 10:00.
    events = [ev("priority_changed", "2027-01-05 15:00", priority="P1")]
    result = run("2027-01-05 09:00", events, "P2", now="2027-01-05 16:00")
    assert clock(result, "resolution")["due"] == t("2027-01-05 17:00")


def test_downgrade_p1_to_p3_recomputes_from_the_report() -> None:
    # P3 from Tue 09:00: Tue 8 + Wed 9 + Thu 9 = 26 h, + 6 h → Fri 14:00.
    events = [
        ev("priority_changed", "2027-01-05 09:10", priority="P3"),
        ev("first_response", "2027-01-05 09:40", channel="email"),
    ]
    result = run("2027-01-05 09:00", events, "P1", now="2027-01-05 12:00")
    assert clock(result, "resolution")["due"] == t("2027-01-08 14:00")
    assert clock(result, "reaction") == {
        "due": t("2027-01-05 13:00"),
        "met_at": t("2027-01-05 09:40"),
        "state": "met",
    }


def test_downgrade_after_the_reaction_stopped_does_not_rescue_it() -> None:
    events = [
        ev("first_response", "2027-01-05 09:40", channel="phone"),
        ev("priority_changed", "2027-01-05 10:00", priority="P3"),
    ]
    reaction = clock(run("2027-01-05 09:00", events, "P1"), "reaction")
    assert (reaction["due"], reaction["state"]) == (t("2027-01-05 09:15"), "breached")


def test_granted_uplift_gives_p1_norms_from_the_decision() -> None:
    uplift = {
        "granted": True,
        "criteria": {"critical_role": True, "direct_impact": True, "cannot_work": True},
        "role_type": "class_or_group",
        "motivation": "Geeft over een uur les aan een klas",
    }
    events = [ev("uplift_decided", "2027-01-05 10:05", **uplift)]
    result = run("2027-01-05 10:00", events, "P3", now="2027-01-05 10:10")
    assert (result["priority"], result["uplift"]) == ("P1", True)
    assert clock(result, "reaction")["due"] == t("2027-01-05 10:20")
    assert clock(result, "resolution")["due"] == t("2027-01-05 14:05")


def test_refused_uplift_keeps_the_priority() -> None:
    events = [ev("uplift_decided", "2027-01-05 10:05", granted=False)]
    result = run("2027-01-05 10:00", events, "P3", now="2027-01-05 10:10")
    assert (result["priority"], result["uplift"]) == ("P3", False)


# ------------------------------------------------------------ status updates
def test_p1_updates_every_half_hour_are_met() -> None:
    events = [
        ev("first_response", "2027-01-05 10:10", channel="phone"),
        ev("status_update", "2027-01-05 10:35"),
        ev("status_update", "2027-01-05 11:05"),
        ev("resolved", "2027-01-05 11:20"),
    ]
    update = clock(run("2027-01-05 10:00", events, "P1"), "update")
    assert (update["state"], update["missed"]) == ("met", 0)
    assert update["last_update"] == t("2027-01-05 11:05")


def test_p1_without_updates_misses_each_half_hour() -> None:
    events = [
        ev("first_response", "2027-01-05 10:10", channel="phone"),
        ev("resolved", "2027-01-05 11:30"),
    ]
    update = clock(run("2027-01-05 10:00", events, "P1"), "update")
    assert (update["state"], update["missed"]) == ("breached", 2)  # 10:40 and 11:10


def test_p4_has_no_update_clock() -> None:
    events = [ev("first_response", "2027-01-05 10:10", channel="email")]
    assert clock(run("2027-01-05 10:00", events, "P4"), "update")["state"] == "not_applicable"


def test_update_clock_waits_for_the_first_response() -> None:
    assert clock(run("2027-01-05 10:00", [], "P1", now="2027-01-05 10:05"), "update") == {
        "due": None,
        "met_at": None,
        "state": "not_applicable",
        "missed": 0,
        "last_update": None,
    }


def test_p3_daily_update_restarts_at_each_update() -> None:
    events = [
        ev("first_response", "2027-01-05 10:00", channel="phone"),
        ev("status_update", "2027-01-06 09:30"),
    ]
    update = clock(run("2027-01-05 09:00", events, "P3", now="2027-01-06 12:00"), "update")
    assert (update["state"], update["due"], update["missed"]) == (
        "running",
        t("2027-01-07 09:30"),
        0,
    )


def test_update_sent_in_the_evening_after_a_17h_deadline_is_late() -> None:
    events = [
        ev("first_response", "2027-01-05 15:00", channel="phone"),
        ev("status_update", "2027-01-05 17:30"),
    ]
    update = clock(run("2027-01-05 14:50", events, "P2", now="2027-01-06 09:00"), "update")
    assert (update["state"], update["missed"]) == ("breached", 1)


# ------------------------------------------------------------------- onsite
def test_p2_onsite_within_eight_hours_is_met() -> None:
    events = [ev("onsite_requested", "2027-01-05 09:30"), ev("onsite_arrival", "2027-01-05 16:00")]
    onsite = clock(run("2027-01-05 09:00", events, "P2"), "onsite")
    assert (onsite["due"], onsite["state"]) == (t("2027-01-05 17:00"), "met")


def test_onsite_clock_applies_only_when_requested() -> None:
    events = [ev("onsite_arrival", "2027-01-05 16:00")]
    assert clock(run("2027-01-05 09:00", events, "P2"), "onsite")["state"] == "not_applicable"


def test_p3_onsite_is_two_working_days() -> None:
    events = [ev("onsite_requested", "2027-01-05 11:00")]
    onsite = clock(run("2027-01-05 11:00", events, "P3", now="2027-01-06 11:00"), "onsite")
    assert (onsite["due"], onsite["state"]) == (t("2027-01-07 11:00"), "running")


# --------------------------------------------------------------------- swap
def test_same_day_swap_reported_at_1630_is_due_at_1700() -> None:
    events = [ev("swap_requested", "2027-01-05 16:35"), ev("swap_delivered", "2027-01-05 16:55")]
    swap = clock(run("2027-01-05 16:30", events, "P1"), "swap")
    assert (swap["due"], swap["state"]) == (t("2027-01-05 17:00"), "met")


def test_same_day_swap_reported_at_1800_is_due_next_day_at_1700() -> None:
    events = [ev("swap_requested", "2027-01-05 18:05")]
    swap = clock(run("2027-01-05 18:00", events, "P1", now="2027-01-06 12:00"), "swap")
    assert (swap["due"], swap["state"]) == (t("2027-01-06 17:00"), "running")


def test_p2_swap_is_due_at_closing_of_the_next_working_day() -> None:
    events = [ev("swap_requested", "2027-01-08 10:00")]
    swap = clock(run("2027-01-08 10:00", events, "P2", now="2027-01-08 12:00"), "swap")
    assert swap["due"] == t("2027-01-11 17:00")


def test_p3_swap_is_two_working_days() -> None:
    events = [ev("swap_requested", "2027-01-05 10:00")]
    swap = clock(run("2027-01-05 10:00", events, "P3", now="2027-01-05 12:00"), "swap")
    assert swap["due"] == t("2027-01-07 10:00")


def test_swap_delivered_after_closing_misses_same_day() -> None:
    events = [ev("swap_requested", "2027-01-05 16:35"), ev("swap_delivered", "2027-01-05 17:30")]
    assert clock(run("2027-01-05 16:30", events, "P1"), "swap")["state"] == "breached"


def test_emergency_workplace_within_four_hours_when_the_swap_is_late() -> None:
    # Reported Tue 16:30: swap due 17:00; emergency workplace due 16:30 + 4 h → Wed 11:30.
    events = [
        ev("swap_requested", "2027-01-05 16:35"),
        ev("emergency_workplace", "2027-01-06 09:00"),
        ev("swap_delivered", "2027-01-06 10:00"),
    ]
    result = run("2027-01-05 16:30", events, "P1")
    assert clock(result, "swap")["state"] == "breached"
    emergency = clock(result, "emergency_workplace")
    assert emergency == {
        "due": t("2027-01-06 11:30"),
        "met_at": t("2027-01-06 09:00"),
        "state": "met",
    }


def test_emergency_workplace_is_only_a_p1_clock() -> None:
    events = [ev("swap_requested", "2027-01-05 10:00")]
    result = run("2027-01-05 10:00", events, "P2", now="2027-01-05 11:00")
    assert clock(result, "emergency_workplace")["state"] == "not_applicable"


def test_productive_again_stops_the_emergency_workplace_clock() -> None:
    events = [ev("swap_requested", "2027-01-05 10:00"), ev("productive_again", "2027-01-05 11:00")]
    emergency = clock(run("2027-01-05 10:00", events, "P1"), "emergency_workplace")
    assert (emergency["met_at"], emergency["state"]) == (t("2027-01-05 11:00"), "met")


def test_upgrade_to_p1_starts_a_same_day_swap_from_the_upgrade() -> None:
    # P3 swap due Thu 10:00; P1 from Wed 09:00 → closing Wed 17:00.
    events = [
        ev("swap_requested", "2027-01-05 10:00"),
        ev("priority_changed", "2027-01-06 09:00", priority="P1"),
    ]
    result = run("2027-01-05 10:00", events, "P3", now="2027-01-06 10:00")
    assert clock(result, "swap")["due"] == t("2027-01-06 17:00")
    assert clock(result, "emergency_workplace")["due"] == t("2027-01-06 13:00")


# -------------------------------------------------------------- MTTR / MTTP
def test_mttp_ends_at_productive_again() -> None:
    events = [ev("productive_again", "2027-01-05 12:00"), ev("resolved", "2027-01-06 10:00")]
    result = run("2027-01-05 10:00", events)
    assert result["mttp_business_minutes"] == 120
    assert result["mttp_wall_minutes"] == 120
    assert result["mttr_business_minutes"] == 540


def test_mttp_without_productive_again_ends_at_resolved() -> None:
    result = run("2027-01-05 10:00", [ev("resolved", "2027-01-06 10:00")])
    assert result["mttp_business_minutes"] == 540
    assert result["mttp_wall_minutes"] == 1440


def test_open_ticket_has_no_mttr_or_mttp() -> None:
    result = run("2027-01-05 10:00", [], now="2027-01-05 11:00")
    assert result["mttr_business_minutes"] is None
    assert result["mttp_business_minutes"] is None
    assert result["within_norm"] is None


def test_within_norm_needs_reaction_and_resolution_met() -> None:
    good = [
        ev("first_response", "2027-01-05 10:30", channel="phone"),
        ev("resolved", "2027-01-05 15:00"),
    ]
    late = [
        ev("first_response", "2027-01-05 15:00", channel="phone"),
        ev("resolved", "2027-01-05 16:00"),
    ]
    assert run("2027-01-05 10:00", good)["within_norm"] is True
    assert run("2027-01-05 10:00", late)["within_norm"] is False


# -------------------------------------------------------------- halt intake
@pytest.mark.parametrize(
    ("impact", "urgency", "security", "expected"),
    [
        ("organisation", "stopped", False, "P1"),
        ("several", "stopped", False, "P2"),
        ("one", "stopped", False, "P3"),
        ("one", "workaround", False, "P4"),
        ("one", "workaround", True, "P1"),
    ],
)
def test_halt_matrix_suggests_the_priority(
    impact: str, urgency: str, security: bool, expected: str
) -> None:
    result = run("2027-01-05 10:00", [], None, impact=impact, urgency=urgency, security=security)
    assert result["priority"] == expected


# -------------------------------------------------------------------- desom
def test_desom_high_high_is_p1_with_four_hours() -> None:
    result = run(
        "2027-01-05 10:00",
        [],
        None,
        now="2027-01-05 10:05",
        profile="desom",
        impact="high",
        urgency="high",
    )
    assert result["priority"] == "P1"
    assert clock(result, "reaction")["due"] == t("2027-01-05 10:15")
    assert clock(result, "resolution")["due"] == t("2027-01-05 14:00")


@pytest.mark.parametrize(
    ("impact", "urgency", "priority", "due"),
    [
        ("low", "high", "P3", "2027-01-06 10:00"),  # 1 day = 8 working hours
        ("high", "low", "P3", "2027-01-08 10:00"),  # 3 days
        ("middle", "middle", "P3", "2027-01-08 10:00"),  # 3 days
        ("low", "low", "P5", "2027-01-19 10:00"),  # 10 days
        ("middle", "high", "P2", "2027-01-06 10:00"),  # 1 day
    ],
)
def test_desom_resolution_follows_the_matrix_cell(
    impact: str, urgency: str, priority: str, due: str
) -> None:
    result = run(
        "2027-01-05 10:00",
        [],
        None,
        now="2027-01-05 11:00",
        profile="desom",
        impact=impact,
        urgency=urgency,
    )
    assert result["priority"] == priority
    assert clock(result, "resolution")["due"] == t(due)


def test_desom_p5_reaction_is_two_working_hours() -> None:
    result = run("2027-01-05 15:00", [], "P5", now="2027-01-05 15:30", profile="desom")
    assert clock(result, "reaction")["due"] == t("2027-01-06 09:00")


def test_desom_accepts_the_seed_words_for_urgency() -> None:
    result = run(
        "2027-01-05 10:00",
        [],
        None,
        now="2027-01-05 10:05",
        profile="desom",
        impact="middle",
        urgency="unavailable",
    )
    assert result["priority"] == "P2"


def test_desom_has_no_update_onsite_or_swap_clocks() -> None:
    events = [
        ev("first_response", "2027-01-05 10:05", channel="phone"),
        ev("onsite_requested", "2027-01-05 10:10"),
        ev("swap_requested", "2027-01-05 10:10"),
    ]
    result = run("2027-01-05 10:00", events, "P2", now="2027-01-05 11:00", profile="desom")
    for name in ("update", "onsite", "swap", "emergency_workplace"):
        assert clock(result, name)["state"] == "not_applicable"


def test_desom_priority_change_by_matrix_cell() -> None:
    # low/low (P5, 10 days) → high/high (P1) at 11:00 → 11:00 + 4 h = 15:00.
    events = [ev("priority_changed", "2027-01-05 11:00", impact="high", urgency="high")]
    result = run(
        "2027-01-05 10:00",
        events,
        None,
        now="2027-01-05 12:00",
        profile="desom",
        impact="low",
        urgency="low",
    )
    assert result["priority"] == "P1"
    assert clock(result, "resolution")["due"] == t("2027-01-05 15:00")


def test_uplift_is_refused_as_input_for_desom() -> None:
    events = [ev("uplift_decided", "2027-01-05 10:05", granted=True)]
    with pytest.raises(InvalidTimeline, match="uplift"):
        run("2027-01-05 10:00", events, "P3", profile="desom")


def test_every_ticket_reports_all_six_clocks() -> None:
    result = run("2027-01-05 10:00", [])
    assert list(result["clocks"]) == [
        "reaction",
        "resolution",
        "update",
        "onsite",
        "swap",
        "emergency_workplace",
    ]


def test_downgrade_to_p4_ends_the_update_duty() -> None:
    events = [
        ev("first_response", "2027-01-05 10:05", channel="phone"),
        ev("priority_changed", "2027-01-05 10:20", priority="P4"),
    ]
    update = clock(run("2027-01-05 10:00", events, "P1", now="2027-01-06 12:00"), "update")
    assert update["state"] == "not_applicable"


def test_upgrade_from_p4_starts_the_update_duty() -> None:
    # P4 has no updates; P1 from 11:00 wants one by 11:30.
    events = [
        ev("first_response", "2027-01-05 10:05", channel="email"),
        ev("priority_changed", "2027-01-05 11:00", priority="P1"),
    ]
    update = clock(run("2027-01-05 10:00", events, "P4", now="2027-01-05 11:20"), "update")
    assert (update["state"], update["due"]) == ("running", t("2027-01-05 11:30"))


def test_repeating_the_same_priority_changes_nothing() -> None:
    # P3 at 10:40, P1 from 13:22 → 13:22 + 4 h = Wed 08:22; a second "P1" keeps it.
    events = [
        ev("priority_changed", "2027-01-05 13:22", priority="P1"),
        ev("priority_changed", "2027-01-05 13:22", priority="P1"),
    ]
    result = run("2027-01-05 10:40", events, "P3", now="2027-01-05 14:00")
    assert clock(result, "resolution")["due"] == t("2027-01-06 08:22")


def test_granted_uplift_on_a_p1_ticket_changes_no_deadline() -> None:
    events = [ev("uplift_decided", "2027-01-05 11:00", granted=True)]
    result = run("2027-01-05 10:00", events, "P1", now="2027-01-05 11:05")
    assert clock(result, "resolution")["due"] == t("2027-01-05 14:00")
    assert result["uplift"] is True


def test_p1_workaround_while_waiting_on_the_user_is_met() -> None:
    # Paused from 10:30 with 30 min used; the workaround at 16:00 stops a paused clock.
    events = [ev("waiting_on_user", "2027-01-05 10:30"), ev("workaround", "2027-01-05 16:00")]
    for now in ("2027-01-05 16:30", "2027-01-08 12:00"):
        resolution = clock(run("2027-01-05 10:00", events, "P1", now=now), "resolution")
        assert (resolution["state"], resolution["due"]) == ("met", t("2027-01-06 10:30"))
