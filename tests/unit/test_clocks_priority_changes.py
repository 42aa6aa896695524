"""Hand-worked scenarios of priority changes (DESIGN §2.4): P4 after a downgrade has no
update clock, and a change to the priority a ticket already has changes nothing.

Both were found by a differential test against an independent implementation of §2.4
(issue 19). Every expected time was worked out by hand; the comment next to it shows the
arithmetic. Halt: Mon–Fri 08:00–17:00 (9 h a day); DeSom: Mon–Fri 08:00–16:00 (8 h a day).
January 2027: Tue 5, Wed 6, Thu 7, Fri 8, Mon 11, Tue 12.
"""

from __future__ import annotations

from tests.unit.test_clocks import clock, ev, run, t

NOT_APPLICABLE_UPDATE = {
    "due": None,
    "met_at": None,
    "state": "not_applicable",
    "missed": 0,
    "last_update": None,
}


# ------------------------------------------------- P4 after a downgrade: no update clock
def test_p2_down_to_p4_without_a_missed_update_has_no_update_clock_open_or_resolved() -> None:
    # P2 reported Tue 10:00; first response 10:10 → first update due 10:10 + 2 h = 12:10.
    # Downgraded to P4 at 11:00, before 12:10: no interval was missed, and P4 has none.
    events = [
        ev("first_response", "2027-01-05 10:10", channel="phone"),
        ev("priority_changed", "2027-01-05 11:00", priority="P4"),
    ]
    still_open = run("2027-01-05 10:00", events, "P2", now="2027-01-05 15:00")
    assert clock(still_open, "update") == NOT_APPLICABLE_UPDATE

    resolved = [*events, ev("resolved", "2027-01-06 10:00")]
    result = run("2027-01-05 10:00", resolved, "P2", now="2027-01-07 12:00")
    assert clock(result, "update") == NOT_APPLICABLE_UPDATE
    # The resolution clock follows the downgrade: P4 = 5 working days from the report,
    # Tue 10:00 + 45 h = Tue 7 + Wed 9 + Thu 9 + Fri 9 + Mon 9 + Tue 2 h → Tue 12 Jan 10:00.
    assert clock(result, "resolution")["due"] == t("2027-01-12 10:00")
    assert clock(result, "resolution")["state"] == "met"


def test_an_update_missed_before_the_downgrade_to_p4_still_counts() -> None:
    # P2 reported Tue 10:00; first response 10:10 → update due 12:10; none came.
    # Downgraded to P4 at 13:00: the 12:10 interval had passed (1 missed); from then on
    # no update is due, so no deadline is pending (due null).
    events = [
        ev("first_response", "2027-01-05 10:10", channel="phone"),
        ev("priority_changed", "2027-01-05 13:00", priority="P4"),
    ]
    still_open = run("2027-01-05 10:00", events, "P2", now="2027-01-06 12:00")
    assert clock(still_open, "update") == {
        "due": None,
        "met_at": None,
        "state": "breached",
        "missed": 1,
        "last_update": None,
    }

    resolved = [*events, ev("resolved", "2027-01-06 10:00")]
    result = run("2027-01-05 10:00", resolved, "P2", now="2027-01-07 12:00")
    assert clock(result, "update") == {
        "due": None,
        "met_at": t("2027-01-06 10:00"),
        "state": "breached",
        "missed": 1,
        "last_update": None,
    }


def test_update_clock_starts_at_any_first_response_and_keeps_the_due_pending_at_resolved() -> None:
    # P1 reported Tue 10:00; an e-mail answer at 10:05 does not stop the P1 reaction clock
    # (phone only) but starts the update clock: due 10:05 + 30 min = 10:35.
    events = [ev("first_response", "2027-01-05 10:05", channel="email")]
    update = clock(run("2027-01-05 10:00", events, "P1", now="2027-01-05 10:20"), "update")
    assert (update["state"], update["due"]) == ("running", t("2027-01-05 10:35"))

    # An update at 10:30 → next due 11:00; resolved at 10:50 stops the clock with the
    # deadline pending then (11:00), met.
    events += [ev("status_update", "2027-01-05 10:30"), ev("resolved", "2027-01-05 10:50")]
    update = clock(run("2027-01-05 10:00", events, "P1", now="2027-01-05 16:00"), "update")
    assert update == {
        "due": t("2027-01-05 11:00"),
        "met_at": t("2027-01-05 10:50"),
        "state": "met",
        "missed": 0,
        "last_update": t("2027-01-05 10:30"),
    }


# ------------------------------------------- a change to the same priority changes nothing
def desom_low_high(events: list[dict[str, object]], now: str) -> dict[str, object]:
    """A DeSom ticket in cell impact low / urgency high: P3 with 1 working day."""
    return run(
        "2027-01-05 10:00", events, None, now=now, profile="desom", impact="low", urgency="high"
    )


def test_desom_change_to_p3_on_a_p3_cell_keeps_its_one_day() -> None:
    # Cell low/high: P3, resolution 1 working day = 8 h: Tue 10:00 + 6 h (to 16:00) + 2 h
    # → Wed 10:00. "priority_changed" to P3 at 11:00 changes nothing (not 3 working days):
    # resolved Wed 12:00 is late.
    events = [
        ev("priority_changed", "2027-01-05 11:00", priority="P3"),
        ev("first_response", "2027-01-05 10:20", channel="email"),
        ev("resolved", "2027-01-06 12:00"),
    ]
    result = desom_low_high(events, "2027-01-07 12:00")
    assert result["priority"] == "P3"
    assert clock(result, "resolution") == {
        "due": t("2027-01-06 10:00"),
        "met_at": t("2027-01-06 12:00"),
        "state": "breached",
        "paused": False,
    }
    # P3 reaction 30 working minutes → 10:30, met at 10:20; the change does not touch it.
    assert clock(result, "reaction")["due"] == t("2027-01-05 10:30")
    assert result["within_norm"] is False


def test_desom_change_to_another_p3_cell_changes_nothing_either() -> None:
    # middle/middle is also P3 (3 working days), but the priority stays P3: the ticket
    # keeps its 1 working day, due Wed 10:00, and is still running on Tue 15:00.
    events = [ev("priority_changed", "2027-01-05 11:00", impact="middle", urgency="middle")]
    resolution = clock(desom_low_high(events, "2027-01-05 15:00"), "resolution")
    assert (resolution["due"], resolution["state"]) == (t("2027-01-06 10:00"), "running")


def test_desom_p3_without_a_cell_uses_three_working_days() -> None:
    # Priority P3 only: 3 working days = 24 h: Tue 6 + Wed 8 + Thu 8 + Fri 2 h → Fri 10:00.
    result = run("2027-01-05 10:00", [], "P3", now="2027-01-05 11:00", profile="desom")
    assert clock(result, "resolution")["due"] == t("2027-01-08 10:00")


def test_desom_p3_cell_up_to_p2_and_back_to_p3_takes_p3_without_a_cell() -> None:
    # Cell low/high: due Wed 10:00. Up to P2 (1 working day, no cell) at 10:30: as if
    # reported then → Wed 10:30; the sooner one stays, Wed 10:00. Back down to P3 (no
    # cell) at 11:00: a downgrade recomputes from the report with P3's 3 working days
    # → Fri 10:00 (as above).
    events = [
        ev("priority_changed", "2027-01-05 10:30", priority="P2"),
        ev("priority_changed", "2027-01-05 11:00", priority="P3"),
    ]
    resolution = clock(desom_low_high(events, "2027-01-05 12:00"), "resolution")
    assert resolution["due"] == t("2027-01-08 10:00")


def test_halt_change_to_the_same_priority_changes_no_clock() -> None:
    # P2 reported Tue 10:00: reaction 1 h → 11:00; resolution 8 h → Tue 7 h + Wed 1 h →
    # Wed 09:00; first response 10:10 → update due 12:10; swap next day → Wed 17:00;
    # onsite 8 h → Wed 09:00. "P2" again at 10:40 keeps every one of them.
    base = [
        ev("first_response", "2027-01-05 10:10", channel="phone"),
        ev("onsite_requested", "2027-01-05 10:15"),
        ev("swap_requested", "2027-01-05 10:15"),
    ]
    same = [*base, ev("priority_changed", "2027-01-05 10:40", priority="P2")]
    expected = {
        "reaction": t("2027-01-05 11:00"),
        "resolution": t("2027-01-06 09:00"),
        "update": t("2027-01-05 12:10"),
        "onsite": t("2027-01-06 09:00"),
        "swap": t("2027-01-06 17:00"),
    }
    for events in (base, same):
        result = run("2027-01-05 10:00", events, "P2", now="2027-01-05 11:30")
        assert {name: clock(result, name)["due"] for name in expected} == expected
