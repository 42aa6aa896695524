"""Hand-worked escalation clocks (issue 23, seed 003 §2.4.3) through the entry of
`halt-desk escalation check`.

Halt's window is Mon–Fri 08:00–17:00 (9 h = 1 working day): N1 starts within 1 working day
(9 h), N2 meets within 3 (27 h), N3 escalates within 5 (45 h); N2/N3 update every 5 working
days (45 h). Holidays used: King's Day Tue 27 April 2027, Ascension Thu 6 May 2027, Whit
Monday 17 May 2027, Liberation Day Mon 5 May 2025 (a day off in lustrum years only: 5 May
2027 is a working day).
"""

from __future__ import annotations

from typing import Any

import pytest

from halt_desk.domain.escalation_check import InvalidEscalationTimeline, check_escalations

NOW = "2027-06-30T12:00:00+02:00"


def t(local: str) -> str:
    """'2027-04-26 10:00' → ISO with the Amsterdam summer offset (all dates here are CEST)."""
    day, clock = local.split(" ")
    return f"{day}T{clock}:00+02:00"


def ev(kind: str, local: str, **fields: Any) -> dict[str, Any]:
    return {"type": "escalation_" + kind, "at": t(local), **fields}


def run(
    registered: str, level: str, events: list[dict[str, Any]] | None = None, now: str = NOW
) -> dict[str, Any]:
    document = {
        "profile": "halt",
        "now": now,
        "escalations": [
            {"id": "E1", "registered_at": t(registered), "level": level, "events": events or []}
        ],
    }
    result: dict[str, Any] = check_escalations(document)["escalations"][0]
    return result


def clock(result: dict[str, Any], name: str) -> dict[str, Any]:
    value: dict[str, Any] = result["clocks"][name]
    return value


# ------------------------------------------------------------------- N1: start, 1 working day
def test_n1_start_across_a_weekend() -> None:
    # Fri 23 Apr 16:00 + 9 h: Fri 16–17 (1 h), Mon 26 08–16 (8 h) → Mon 26 April 16:00
    result = run("2027-04-23 16:00", "N1", [ev("informed", "2027-04-26 15:59", who="internal")])
    assert clock(result, "start") == {
        "due": t("2027-04-26 16:00"),
        "met_at": t("2027-04-26 15:59"),
        "state": "met",
    }
    assert clock(result, "meeting")["state"] == "not_applicable"
    assert clock(result, "escalation")["state"] == "not_applicable"
    assert clock(result, "update") == {
        "due": None,
        "met_at": None,
        "state": "not_applicable",
        "missed": 0,
        "last_update": None,
    }


def test_n1_start_across_kings_day() -> None:
    # Mon 26 Apr 10:00 + 9 h: Mon 10–17 (7 h), Tue 27 King's Day, Wed 28 08–10 (2 h)
    result = run("2027-04-26 10:00", "N1", [ev("request_sent", "2027-04-28 10:01")])
    assert clock(result, "start")["due"] == t("2027-04-28 10:00")
    assert clock(result, "start")["state"] == "breached"
    assert clock(result, "start")["met_at"] == t("2027-04-28 10:01")


def test_n1_start_across_a_weekend_and_liberation_day_2025() -> None:
    # Fri 2 May 2025 16:00 + 9 h: Fri 1 h, Mon 5 May Liberation Day, Tue 6 08–16 (8 h)
    result = run("2025-05-02 16:00", "N1", now="2025-05-06 15:00".replace(" ", "T") + ":00+02:00")
    assert clock(result, "start") == {
        "due": t("2025-05-06 16:00"),
        "met_at": None,
        "state": "running",
    }
    late = run("2025-05-02 16:00", "N1", now=t("2025-05-06 16:01"))
    assert clock(late, "start")["state"] == "breached"


# -------------------------------------------------------------- N2: meeting, 3 working days
def test_n2_meeting_across_a_weekend_and_kings_day() -> None:
    # Fri 23 Apr 16:00 + 27 h: Fri 1, Mon 26 9 (10), Tue 27 King's Day, Wed 28 9 (19),
    # Thu 29 08–16 (8) → Thu 29 April 16:00
    result = run("2027-04-23 16:00", "N2", [ev("meeting_held", "2027-04-29 16:00", notes="x")])
    assert clock(result, "meeting") == {
        "due": t("2027-04-29 16:00"),
        "met_at": t("2027-04-29 16:00"),
        "state": "met",
    }
    # the meeting also starts the escalation (start clock, due Mon 26 16:00): late
    assert clock(result, "start")["state"] == "breached"


def test_n2_meeting_across_a_weekend_and_liberation_day_2025() -> None:
    # Fri 2 May 2025 16:00 + 27 h: Fri 1, Mon 5 Liberation Day, Tue 6 9 (10), Wed 7 9 (19),
    # Thu 8 08–16 (8) → Thu 8 May 16:00
    result = run("2025-05-02 16:00", "N2", now=t("2025-05-08 16:30"))
    assert clock(result, "meeting") == {
        "due": t("2025-05-08 16:00"),
        "met_at": None,
        "state": "breached",
    }


def test_a_meeting_before_the_upgrade_does_not_count_for_n2() -> None:
    # N1 on Mon 3 May 09:00, meeting 10:00 (operational), N2 on Tue 4 May 09:00:
    # + 27 h: Tue 8 h, Wed 5 9 (17; 5 May 2027 is a working day), Thu 6 Ascension,
    # Fri 7 9 (26), Mon 10 1 h → Mon 10 May 09:00
    events = [
        ev("meeting_held", "2027-05-03 10:00", notes="operationeel overleg"),
        ev("level_changed", "2027-05-04 09:00", level="N2", reason="herhaling"),
    ]
    result = run("2027-05-03 09:00", "N1", events, now=t("2027-05-07 12:00"))
    assert clock(result, "start")["state"] == "met"
    assert clock(result, "meeting") == {
        "due": t("2027-05-10 09:00"),
        "met_at": None,
        "state": "running",
    }
    assert result["level"] == "N2"


# ---------------------------------------------------------- N3: escalation, 5 working days
def test_n3_escalation_across_a_weekend_and_kings_day() -> None:
    # Fri 23 Apr 16:00 + 45 h: Fri 1, Mon 9 (10), Tue King's Day, Wed 9 (19), Thu 9 (28),
    # Fri 30 9 (37), Mon 3 May 08–16 (8) → Mon 3 May 16:00
    events = [
        ev("informed", "2027-04-26 09:00", who="director_operations"),
        ev("meeting_held", "2027-04-28 11:00", notes="herstelplan"),
        ev("request_sent", "2027-05-03 16:30"),
    ]
    result = run("2027-04-23 16:00", "N3", events)
    assert clock(result, "start")["state"] == "met"
    assert clock(result, "meeting")["state"] == "met"  # due Thu 29 Apr 16:00
    assert clock(result, "escalation") == {
        "due": t("2027-05-03 16:00"),
        "met_at": t("2027-05-03 16:30"),
        "state": "breached",
    }


def test_n3_escalation_across_ascension_counts_from_the_upgrade() -> None:
    # N3 on Tue 4 May 2027 09:00 + 45 h: Tue 8 h, Wed 5 9 (17), Thu 6 Ascension, Fri 7 9
    # (26), Mon 10 9 (35), Tue 11 9 (44), Wed 12 1 h → Wed 12 May 09:00
    events = [
        ev("level_changed", "2027-05-04 09:00", level="N3", reason="dreigende contractbreuk"),
        ev("request_sent", "2027-05-12 09:00"),
    ]
    result = run("2027-05-03 09:00", "N2", events)
    assert clock(result, "escalation") == {
        "due": t("2027-05-12 09:00"),
        "met_at": t("2027-05-12 09:00"),
        "state": "met",
    }


# --------------------------------------------------------------- the weekly update (N2/N3)
def test_missed_weekly_updates_across_holidays() -> None:
    # N2 on Mon 26 Apr 10:00. First update due + 45 h: Mon 7, Tue King's Day, Wed 9 (16),
    # Thu 9 (25), Fri 9 (34), Mon 3 May 9 (43), Tue 4 2 h → Tue 4 May 10:00; the update at
    # 09:00 is in time. Next due Tue 4 09:00 + 45 h: Tue 8, Wed 9 (17), Thu 6 Ascension,
    # Fri 9 (26), Mon 10 9 (35), Tue 11 9 (44), Wed 12 1 h → Wed 12 May 09:00: missed (1).
    # Then Wed 12 09:00 + 45 h: Wed 8, Thu 9 (17), Fri 9 (26), Mon 17 Whit Monday, Tue 18 9
    # (35), Wed 19 9 (44), Thu 20 1 h → Thu 20 May 09:00: missed (2). Then Thu 20 09:00 +
    # 45 h: Thu 8, Fri 9 (17), Mon 24 9 (26), Tue 9 (35), Wed 9 (44), Thu 27 1 h → due
    # Thu 27 May 09:00, still open on Mon 24 May 12:00.
    events = [ev("update", "2027-05-04 09:00", text="leverancier werkt aan herstel")]
    result = run("2027-04-26 10:00", "N2", events, now=t("2027-05-24 12:00"))
    assert clock(result, "update") == {
        "due": t("2027-05-27 09:00"),
        "met_at": None,
        "state": "breached",
        "missed": 2,
        "last_update": t("2027-05-04 09:00"),
    }


def test_weekly_updates_in_time_until_closing_are_met() -> None:
    events = [
        ev("update", "2027-05-04 09:00", text="week 1"),
        ev("update", "2027-05-11 09:00", text="week 2"),
        ev("closed", "2027-05-12 12:00", quality=7, speed=6, cooperation=8, lessons="x"),
    ]
    result = run("2027-04-26 10:00", "N2", events)
    assert result["status"] == "closed"
    # after the update of Tue 11 09:00 the next is due + 45 h: Tue 8, Wed 9 (17), Thu 9
    # (26), Fri 9 (35), Mon 17 Whit Monday, Tue 18 9 (44), Wed 19 1 h → Wed 19 May 09:00
    assert clock(result, "update") == {
        "due": t("2027-05-19 09:00"),
        "met_at": t("2027-05-12 12:00"),
        "state": "met",
        "missed": 0,
        "last_update": t("2027-05-11 09:00"),
    }


def test_an_update_clock_follows_the_level() -> None:
    # N1 → N2 on Mon 3 May 09:00: the first update is due 45 h later: Mon 8, Tue 9 (17),
    # Wed 9 (26), Thu Ascension, Fri 7 9 (35), Mon 10 9 (44), Tue 11 1 h → Tue 11 May 09:00.
    up = [ev("level_changed", "2027-05-03 09:00", level="N2", reason="structureel")]
    result = run("2027-04-28 09:00", "N1", up, now=t("2027-05-10 12:00"))
    assert clock(result, "update")["due"] == t("2027-05-11 09:00")
    assert clock(result, "update")["state"] == "running"
    # back to N1 before that deadline: no update required, none missed
    down = [*up, ev("level_changed", "2027-05-05 09:00", level="N1", reason="opgelost")]
    result = run("2027-04-28 09:00", "N1", down, now=t("2027-06-01 12:00"))
    assert clock(result, "update")["state"] == "not_applicable"
    assert clock(result, "meeting")["state"] == "not_applicable"  # not needed any more


def test_a_level_drop_after_the_deadline_keeps_the_breach() -> None:
    # N2 Mon 3 May 09:00, meeting due + 27 h: Mon 8, Tue 9 (17), Wed 9 (26), Thu 6
    # Ascension, Fri 7 1 h → Fri 7 May 09:00; back to N1 on Tue 11 May 09:00, which is
    # exactly the first update deadline (Mon 8, Tue 9, Wed 9, Fri 9, Mon 9 = 44, Tue 1 h):
    # not missed
    events = [ev("level_changed", "2027-05-11 09:00", level="N1", reason="afgeschaald")]
    result = run("2027-05-03 09:00", "N2", events)
    assert clock(result, "meeting") == {
        "due": t("2027-05-07 09:00"),
        "met_at": None,
        "state": "breached",
    }
    assert clock(result, "update")["state"] == "not_applicable"
    later = [ev("level_changed", "2027-05-11 09:01", level="N1", reason="afgeschaald")]
    result = run("2027-05-03 09:00", "N2", later)
    assert clock(result, "update") == {
        "due": None,
        "met_at": None,
        "state": "breached",
        "missed": 1,
        "last_update": None,
    }


# ------------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    ("escalation", "message"),
    [
        ({"id": "E1", "registered_at": "2027-05-03T09:00:00", "level": "N1"}, "offset"),
        ({"id": "E1", "registered_at": "2027-05-03T09:00:00+02:00", "level": "N4"}, "level"),
        (
            {
                "id": "E1",
                "registered_at": "2027-05-03T09:00:00+02:00",
                "level": "N1",
                "events": [{"type": "escalation_update", "at": "2027-05-02T09:00:00+02:00"}],
            },
            "before registered_at",
        ),
        (
            {
                "id": "E1",
                "registered_at": "2027-05-03T09:00:00+02:00",
                "level": "N1",
                "events": [{"type": "resolved", "at": "2027-05-04T09:00:00+02:00"}],
            },
            "unknown type",
        ),
    ],
)
def test_bad_timelines_are_named(escalation: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidEscalationTimeline, match=message):
        check_escalations({"profile": "halt", "now": NOW, "escalations": [escalation]})


def test_a_document_needs_a_profile_and_unique_ids() -> None:
    item = {"id": "E1", "registered_at": "2027-05-03T09:00:00+02:00", "level": "N1"}
    with pytest.raises(InvalidEscalationTimeline, match="profile"):
        check_escalations({"escalations": [item]})
    with pytest.raises(InvalidEscalationTimeline, match="more than once"):
        check_escalations({"profile": "halt", "escalations": [item, item]})
