"""Hand-worked scenarios of a reopened ticket (`reopened` {reason}, issue 18).

The rules (README, `sla check`): the business time between `resolved` and `reopened` is a
pause of the resolution clock (its due moves by that time); the update clock runs no
interval while the ticket is resolved, and the reopen begins a new one; MTTR counts to the
last `resolved`, without the resolved periods and the waits; MTTP adds up the spells the
employee could not work (report or reopen → that round's first `productive_again`, else its
`resolved`). A reopen of a ticket that is not resolved, or closed, is refused.

Every expected time was worked out by hand; the comment beside it shows the arithmetic.
Halt: Mon–Fri 08:00–17:00 (9 h a day). January 2027 has no holidays after Fri 1:
Tue 5, Wed 6, Thu 7, Fri 8, Mon 11, Tue 12, Wed 13, Thu 14, Fri 15.
"""

from __future__ import annotations

import pytest

from halt_desk.domain.errors import InvalidTimeline
from tests.unit.test_clocks import clock, ev, run, t


# ------------------------------------------------------------- reopen within a day
def test_p3_reopened_the_same_day_moves_the_resolution_due_by_the_resolved_hours() -> None:
    # P3 (32 h) reported Tue 09:00, first response 09:30, resolved 11:00, reopened 13:00
    # (2 h resolved), resolved again Wed 10:00.
    events = [
        ev("first_response", "2027-01-05 09:30", channel="phone"),
        ev("resolved", "2027-01-05 11:00"),
        ev("reopened", "2027-01-05 13:00", reason="Printer weigert weer"),
        ev("resolved", "2027-01-06 10:00"),
    ]
    result = run("2027-01-05 09:00", events, priority="P3", now="2027-01-06 12:00")
    # due: 32 h + 2 h = 34 h from Tue 09:00: Tue 8, Wed 9 (17), Thu 9 (26), Fri 8 → Fri 16:00
    resolution = clock(result, "resolution")
    assert resolution["due"] == t("2027-01-08 16:00")
    assert (resolution["met_at"], resolution["state"]) == (t("2027-01-06 10:00"), "met")
    assert result["status"] == "resolved"
    # MTTR: Tue 09–11 (2 h) + Tue 13–17 (4 h) + Wed 08–10 (2 h) = 8 h
    assert result["mttr_business_minutes"] == 480
    # MTTP: the spells Tue 09–11 and Tue 13 – Wed 10: 2 h + 6 h business; 2 h + 21 h wall
    assert result["mttp_business_minutes"] == 480
    assert result["mttp_wall_minutes"] == 23 * 60
    # Update (P3: 1 working day): 09:30 → due Wed 09:30; resolved at 11:00 stops it; the
    # reopen at 13:00 begins a new interval → due Wed 13:00; resolved Wed 10:00: met.
    update = clock(result, "update")
    assert (update["state"], update["missed"], update["due"]) == ("met", 0, t("2027-01-06 13:00"))


def test_a_reopened_ticket_is_open_again_and_its_resolution_clock_runs() -> None:
    events = [
        ev("first_response", "2027-01-05 09:30", channel="phone"),
        ev("resolved", "2027-01-05 11:00"),
        ev("reopened", "2027-01-05 13:00", reason="Printer weigert weer"),
    ]
    result = run("2027-01-05 09:00", events, priority="P3", now="2027-01-05 15:00")
    resolution = clock(result, "resolution")
    assert result["status"] == "open"
    assert (resolution["state"], resolution["met_at"]) == ("running", None)
    assert resolution["due"] == t("2027-01-08 16:00")  # as above: 34 h from Tue 09:00
    assert result["mttr_business_minutes"] is None
    assert result["mttp_business_minutes"] is None  # the employee cannot work again yet


# ------------------------------------------------------------ reopen across a weekend
WEEKEND = [
    ev("first_response", "2027-01-08 15:10", channel="phone"),
    ev("resolved", "2027-01-08 16:30"),
    ev("reopened", "2027-01-11 09:00", reason="Na het weekend weer geen VPN"),
    ev("status_update", "2027-01-11 10:30", channel="phone", text="Wij kijken ernaar"),
]


def test_p2_reopened_on_monday_pauses_only_the_business_time_of_the_weekend() -> None:
    result = run("2027-01-08 15:00", WEEKEND, priority="P2", now="2027-01-11 12:00")
    # resolved Fri 16:30 → reopened Mon 09:00: Fri 16:30–17:00 + Mon 08:00–09:00 = 1.5 h.
    # due: 8 h + 1.5 h from Fri 15:00: Fri 2 h, Mon 7.5 h → Mon 15:30
    resolution = clock(result, "resolution")
    assert (resolution["state"], resolution["due"]) == ("running", t("2027-01-11 15:30"))
    # Update (P2: 2 h): Fri 15:10 → due Mon 08:10, but resolved Fri 16:30 first; the reopen
    # Mon 09:00 begins an interval (due 11:00), the update at 10:30 the next → due 12:30.
    update = clock(result, "update")
    assert (update["state"], update["missed"], update["due"]) == (
        "running",
        0,
        t("2027-01-11 12:30"),
    )


def test_p2_reopened_over_the_weekend_and_resolved_on_monday_counts_no_weekend() -> None:
    events = [*WEEKEND, ev("resolved", "2027-01-11 13:00")]
    result = run("2027-01-08 15:00", events, priority="P2", now="2027-01-11 14:00")
    resolution = clock(result, "resolution")
    assert (resolution["state"], resolution["met_at"]) == ("met", t("2027-01-11 13:00"))
    # MTTR: Fri 15:00–16:30 (1.5 h) + Mon 09:00–13:00 (4 h) = 5.5 h
    assert result["mttr_business_minutes"] == 330
    # MTTP: the same two spells, in business and in wall-clock time alike
    assert (result["mttp_business_minutes"], result["mttp_wall_minutes"]) == (330, 330)


def test_without_a_new_update_the_reopened_interval_is_missed() -> None:
    events = WEEKEND[:3]  # no status update after the reopen
    result = run("2027-01-08 15:00", events, priority="P2", now="2027-01-11 12:00")
    # reopen Mon 09:00 → due 11:00, passed at 12:00: one interval missed, next due 13:00
    update = clock(result, "update")
    assert (update["state"], update["missed"], update["due"]) == (
        "breached",
        1,
        t("2027-01-11 13:00"),
    )


# ---------------------------------------------------------- two resolve/reopen cycles
def test_two_cycles_count_every_open_hour_and_no_resolved_hour() -> None:
    events = [
        ev("first_response", "2027-01-11 08:05", channel="phone"),
        ev("resolved", "2027-01-11 10:00"),
        ev("reopened", "2027-01-11 12:00", reason="Weer kapot"),
        ev("productive_again", "2027-01-11 15:00"),
        ev("resolved", "2027-01-12 09:00"),
        ev("reopened", "2027-01-13 08:00", reason="Toch weer kapot"),
        ev("resolved", "2027-01-13 11:00"),
    ]
    result = run("2027-01-11 08:00", events, priority="P3", now="2027-01-13 12:00")
    # resolved spells: Mon 10–12 (2 h) and Tue 09:00 – Wed 08:00 (8 h + 0 h = 8 h).
    # due: 32 + 2 + 8 = 42 h from Mon 08:00: Mon 9, Tue 18, Wed 27, Thu 36, Fri 6 → Fri 14:00
    resolution = clock(result, "resolution")
    assert resolution["due"] == t("2027-01-15 14:00")
    assert (resolution["state"], resolution["met_at"]) == ("met", t("2027-01-13 11:00"))
    # MTTR to the last resolve: Mon 08–10 (2) + Mon 12 – Tue 09 (5 + 1) + Wed 08–11 (3) = 11 h
    assert result["mttr_business_minutes"] == 660
    # MTTP: Mon 08–10 (2 h), Mon 12–15 (productive again, 3 h), Wed 08–11 (3 h) = 8 h
    assert (result["mttp_business_minutes"], result["mttp_wall_minutes"]) == (480, 480)
    assert result["status"] == "resolved"


# --------------------------------------------------------- a P1 reopened across the night
P1_NIGHT = [
    ev("first_response", "2027-01-12 15:05", channel="phone"),
    ev("status_update", "2027-01-12 15:30", channel="phone", text="Storing bij provider"),
    ev("resolved", "2027-01-12 15:50"),
    ev("reopened", "2027-01-13 08:30", reason="Storing is terug"),
    ev("status_update", "2027-01-13 08:55", channel="email", text="Opnieuw gemeld"),
]


def test_p1_reopened_the_next_morning_counts_none_of_the_night() -> None:
    result = run("2027-01-12 15:00", P1_NIGHT, priority="P1", now="2027-01-13 09:15")
    # resolved Tue 15:50 → reopened Wed 08:30: Tue 70 min + Wed 30 min = 100 min.
    # due: 240 + 100 = 340 min from Tue 15:00: Tue 120 min, Wed 220 min → Wed 11:40
    resolution = clock(result, "resolution")
    assert (resolution["state"], resolution["due"]) == ("running", t("2027-01-13 11:40"))
    assert clock(result, "reaction")["state"] == "met"
    # Update (P1: 30 min): 15:30 → due 16:00, resolved at 15:50 first; the reopen at 08:30
    # begins an interval (due 09:00), the update at 08:55 the next → due 09:25
    update = clock(result, "update")
    assert (update["state"], update["missed"], update["due"]) == (
        "running",
        0,
        t("2027-01-13 09:25"),
    )


def test_a_p1_workaround_before_the_resolve_keeps_the_resolution_clock_met() -> None:
    # The workaround stopped the P1 resolution clock (the contract's "noodoplossing");
    # a reopen resumes only the clocks the resolve stopped.
    events = [*P1_NIGHT[:2], ev("workaround", "2027-01-12 15:40"), *P1_NIGHT[2:]]
    result = run("2027-01-12 15:00", events, priority="P1", now="2027-01-13 09:15")
    resolution = clock(result, "resolution")
    assert (resolution["state"], resolution["met_at"]) == ("met", t("2027-01-12 15:40"))
    assert clock(result, "update")["state"] == "running"


# ------------------------------------------------- waiting on the user after a reopen
def test_waiting_on_the_user_in_the_reopened_period_pauses_as_well() -> None:
    events = [
        ev("first_response", "2027-01-13 09:10", channel="phone"),
        ev("resolved", "2027-01-13 10:00"),
        ev("reopened", "2027-01-13 11:00", reason="Werkt niet op de tweede laptop"),
        ev("waiting_on_user", "2027-01-13 12:00"),
        ev("resumed", "2027-01-14 09:00"),
        ev("resolved", "2027-01-14 12:00"),
    ]
    waiting = run("2027-01-13 09:00", events[:4], priority="P2", now="2027-01-13 14:00")
    assert waiting["status"] == "waiting"
    assert clock(waiting, "resolution")["paused"] is True
    result = run("2027-01-13 09:00", events, priority="P2", now="2027-01-14 13:00")
    # paused: resolved Wed 10–11 (1 h) and waiting Wed 12 – Thu 09 (5 h + 1 h = 6 h)
    # due: 8 + 1 + 6 = 15 h from Wed 09:00: Wed 8 h, Thu 7 h → Thu 15:00
    resolution = clock(result, "resolution")
    assert resolution["due"] == t("2027-01-14 15:00")
    assert (resolution["state"], resolution["met_at"]) == ("met", t("2027-01-14 12:00"))
    # MTTR: Wed 09–10 (1) + Wed 11–12 (1) + Thu 09–12 (3) = 5 h
    assert result["mttr_business_minutes"] == 300
    # MTTP: Wed 09–10 (1 h) + Wed 11 – Thu 12 (6 h + 4 h): 11 h; wall 1 h + 25 h
    assert (result["mttp_business_minutes"], result["mttp_wall_minutes"]) == (660, 26 * 60)


def test_waiting_on_the_user_while_resolved_changes_nothing() -> None:
    plain = [ev("resolved", "2027-01-13 10:00"), ev("reopened", "2027-01-13 11:00", reason="x")]
    waits = [
        plain[0],
        ev("waiting_on_user", "2027-01-13 10:15"),
        ev("resumed", "2027-01-13 10:45"),
        plain[1],
    ]
    now = "2027-01-13 12:00"
    assert run("2027-01-13 09:00", plain, priority="P2", now=now) == run(
        "2027-01-13 09:00", waits, priority="P2", now=now
    )


# ------------------------------------------------------------------------ refusals
@pytest.mark.parametrize(
    ("events", "field", "problem"),
    [
        ([ev("reopened", "2027-01-05 10:00", reason="x")], "events[0].type", "not resolved"),
        (
            [
                ev("resolved", "2027-01-05 10:00"),
                ev("reopened", "2027-01-05 11:00", reason="x"),
                ev("reopened", "2027-01-05 12:00", reason="x"),
            ],
            "events[2].type",
            "not resolved",
        ),
        (
            [
                ev("resolved", "2027-01-05 10:00"),
                ev("closed", "2027-01-05 10:30"),
                ev("reopened", "2027-01-05 11:00", reason="x"),
            ],
            "events[2].type",
            "closed",
        ),
    ],
)
def test_a_reopen_of_a_ticket_that_is_not_resolved_is_refused_naming_ticket_and_field(
    events: list[dict[str, object]], field: str, problem: str
) -> None:
    with pytest.raises(InvalidTimeline) as caught:
        run("2027-01-05 09:00", events, priority="P3", now="2027-01-05 15:00")
    assert caught.value.ticket == "T1"
    assert caught.value.field == field
    assert problem in str(caught.value)


def test_an_upgrade_while_resolved_rates_the_reopened_ticket_at_the_new_priority() -> None:
    events = [
        ev("first_response", "2027-01-11 09:05", channel="phone"),
        ev("resolved", "2027-01-11 11:00"),
        ev("priority_changed", "2027-01-11 15:00", priority="P2"),
        ev("reopened", "2027-01-12 09:00", reason="Nu de hele afdeling"),
    ]
    result = run("2027-01-11 09:00", events, priority="P3", now="2027-01-12 12:00")
    assert result["priority"] == "P2"
    # Upgrade P3 → P2 at Mon 15:00, inside the resolved spell (Mon 11:00 – Tue 09:00): as if
    # reported then, 2 h used + 8 h = 10 h of running time; Mon 09–11, Tue 09–17 → Tue 17:00
    resolution = clock(result, "resolution")
    assert (resolution["state"], resolution["due"]) == ("running", t("2027-01-12 17:00"))
    # Update: the reopen begins a P2 interval (2 h): due 11:00, missed at 12:00; next 13:00
    update = clock(result, "update")
    assert (update["state"], update["missed"], update["due"]) == (
        "breached",
        1,
        t("2027-01-12 13:00"),
    )
