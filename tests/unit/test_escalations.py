"""The escalation register's stream (issue 23): what each event requires, what it refuses
(with the catalogue's Dutch words), and the state the fold leaves."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest

from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.escalation_clocks import EscalationTimeline
from halt_desk.domain.escalations import (
    EscalationState,
    Status,
    apply_escalation_event,
    fold_escalation,
    state_to_json,
)
from halt_desk.domain.events import Event, new_event

STREAM = "escalation:ESC-1"
REGISTERED = {
    "org": "halt",
    "supplier": "SSC DeSom",
    "description": "Herhaalde P1-overschrijdingen op VPN",
    "classification": "beyond_operational",
    "level": "N2",
    "tickets": ["HALT-2027-000001", "HALT-2027-000002"],
    "breaches": ["HALT-2027-000001:resolution"],
}


def e(kind: str, day: int, hour: int = 10, **data: Any) -> Event:
    at = datetime.fromisoformat(f"2027-05-{day:02d}T{hour:02d}:00:00+02:00")
    return new_event(STREAM, "escalation_" + kind, at, "regie-halt", data)


def registered(**changes: Any) -> Event:
    return e("registered", 3, **{**REGISTERED, **changes})


def test_a_whole_escalation_folds_to_its_state() -> None:
    state = fold_escalation(
        [
            registered(),
            e("informed", 3, 11, who="internal"),
            e("informed", 3, 12, who="information_manager"),
            e("request_sent", 4, text="Formeel herstelverzoek, termijn 10 mei"),
            e("meeting_held", 5, notes="Herstelplan afgesproken"),
            e("action_added", 5, 11, action="Extra VPN-capaciteit", owner="MSP", due="2027-05-14"),
            e("action_updated", 12, action="Extra VPN-capaciteit", status="done"),
            e("update", 10, text="Capaciteit wordt uitgebreid"),
            e("level_changed", 11, level="N3", reason="Termijn verstreken"),
            e("closed", 20, quality=6, speed=5, cooperation=7, lessons="Eerder opschalen"),
        ]
    )
    assert state is not None
    assert state.status == Status.CLOSED and state.level == "N3"
    assert state.tickets == ("HALT-2027-000001", "HALT-2027-000002")
    assert [level for _, level, _ in state.levels] == ["N2", "N3"]
    assert set(state.informed) == {"internal", "information_manager"}
    assert state.missing_informed() == ("director_operations",)
    action = state.actions["Extra VPN-capaciteit"]
    assert (action.owner, action.due, action.status) == ("MSP", date(2027, 5, 14), "done")
    assert state.open_actions == ()
    assert state.evaluation is not None and state.evaluation.lessons == "Eerder opschalen"
    plain = state_to_json(state)
    assert json.loads(json.dumps(plain)) == plain
    assert plain["actions"] == [
        {
            "action": "Extra VPN-capaciteit",
            "owner": "MSP",
            "due": "2027-05-14",
            "status": "done",
            "added_at": "2027-05-05T11:00:00+02:00",
            "updated_at": "2027-05-12T10:00:00+02:00",
        }
    ]
    assert plain["evaluation"]["cooperation"] == 7 and plain["suggestion"] is None
    assert [lv["level"] for lv in plain["levels"]] == ["N2", "N3"]
    timeline = EscalationTimeline.of(state)
    assert timeline.level == "N3" and len(timeline.updates) == 1
    assert timeline.closed_at == state.closed_at


@pytest.mark.parametrize(
    ("changes", "field", "dutch"),
    [
        (
            {"level": "N1"},
            "level",
            "Een operationeel overstijgend of strategisch probleem wordt ten minste op niveau N2",
        ),
        ({"classification": "strategic", "level": "N1"}, "level", "niveau N2"),
        ({"level": "N4"}, "level", "Kies level uit: N1, N2, N3."),
        ({"supplier": " "}, "supplier", "Vul supplier van de escalatie in."),
        ({"tickets": "HALT-1"}, "tickets", "tickets is een lijst met teksten."),
        ({"classification": "big"}, "classification", "Kies classification uit"),
    ],
)
def test_registration_is_checked(changes: dict[str, Any], field: str, dutch: str) -> None:
    with pytest.raises(DeskInputError) as caught:
        apply_escalation_event(None, registered(**changes))
    assert caught.value.field == field
    assert dutch in caught.value.message("nl")


def test_an_operational_issue_may_stay_at_n1_until_reclassified() -> None:
    state = apply_escalation_event(None, registered(classification="operational", level="N1"))
    with pytest.raises(DeskInputError, match="at level N2 at least"):
        apply_escalation_event(
            state,
            e("level_changed", 4, level="N1", reason="x", classification="beyond_operational"),
        )
    raised = apply_escalation_event(
        state,
        e("level_changed", 4, level="N2", reason="herhaling", classification="beyond_operational"),
    )
    assert raised.level == "N2" and raised.classification == "beyond_operational"
    with pytest.raises(DeskInputError, match="at level N2 already"):
        apply_escalation_event(raised, e("level_changed", 5, level="N2", reason="x"))
    with pytest.raises(DeskInputError, match="at level N2 at least"):  # not back below
        apply_escalation_event(raised, e("level_changed", 5, level="N1", reason="x"))


@pytest.mark.parametrize(
    ("event", "dutch"),
    [
        (e("informed", 4, who="minister"), "Kies who uit: internal, information_manager"),
        (e("meeting_held", 4, notes=""), "Vul notes van de escalatie in."),
        (e("update", 4), "Vul text van de escalatie in."),
        (e("action_added", 4, action="A", owner="B", due="volgende week"), "JJJJ-MM-DD"),
        (e("action_updated", 4, action="Onbekend", status="done"), "geen “Onbekend”"),
        (e("closed", 4, quality=11, speed=5, cooperation=5, lessons="x"), "1 tot en met 10"),
        (e("closed", 4, quality=True, speed=5, cooperation=5, lessons="x"), "quality is een"),
        (registered(), "is al geregistreerd"),
        (e("suggestion_dismissed", 4, reason="x"), "kan nu niet"),
    ],
)
def test_events_of_an_open_escalation_are_checked(event: Event, dutch: str) -> None:
    state = apply_escalation_event(None, registered())
    with pytest.raises(DeskInputError) as caught:
        apply_escalation_event(state, event)
    assert dutch in caught.value.message("nl")


def test_nothing_follows_the_closing_and_nothing_precedes_the_registration() -> None:
    with pytest.raises(DeskInputError, match="does not exist"):
        apply_escalation_event(None, e("update", 3, text="x"))
    state = fold_escalation(
        [registered(), e("closed", 4, quality=5, speed=5, cooperation=5, lessons="x")]
    )
    with pytest.raises(DeskInputError, match="closed or dismissed"):
        apply_escalation_event(state, e("update", 5, text="x"))


def suggested(**changes: Any) -> Event:
    data = {
        "org": "halt",
        "trigger": "p1_breached",
        "evidence": {"tickets": ["HALT-2027-000001"], "breaches": ["HALT-2027-000001:reaction"]},
        "level": "N1",
        **changes,
    }
    return e("suggested", 3, **data)


def test_a_suggestion_is_accepted_by_registering_it_or_dismissed() -> None:
    state = apply_escalation_event(None, suggested())
    assert state.status == Status.SUGGESTED and state.trigger == "p1_breached"
    assert state.level is None
    accepted = apply_escalation_event(state, registered(classification="operational", level="N1"))
    assert accepted.status == Status.OPEN and accepted.trigger == "p1_breached"
    dismissed = apply_escalation_event(state, e("suggestion_dismissed", 4, reason="bekend"))
    assert dismissed.status == Status.DISMISSED and dismissed.dismissed_reason == "bekend"
    with pytest.raises(DeskInputError, match="closed or dismissed"):
        apply_escalation_event(dismissed, registered())
    with pytest.raises(DeskInputError, match="cannot be recorded"):
        apply_escalation_event(state, e("update", 4, text="x"))
    with pytest.raises(DeskInputError, match="organisation halt"):
        apply_escalation_event(state, registered(org="desom"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"trigger": "gut"}, "trigger"),
        ({"evidence": {}}, "evidence"),
        ({"evidence": {"tickets": "T1"}}, "evidence.tickets"),
        ({"evidence": {"tickets": ["T1"], "breaches": [3]}}, "evidence.breaches"),
        ({"level": "N3"}, "level"),
        ({"org": ["halt"]}, "org"),
    ],
)
def test_a_suggestion_is_checked(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(DeskInputError) as caught:
        apply_escalation_event(None, suggested(**changes))
    assert caught.value.field == field


@pytest.mark.parametrize("who", [["internal"], {"a": 1}, 3, None])
def test_odd_values_are_refused_not_crashed_on(who: object) -> None:
    state = apply_escalation_event(None, registered())
    with pytest.raises(DeskInputError):
        apply_escalation_event(state, e("informed", 4, who=who))
    with pytest.raises(DeskInputError):
        apply_escalation_event(state, e("level_changed", 4, level=who, reason="x"))
    with pytest.raises(DeskInputError):
        apply_escalation_event(state, e("action_added", 4, action="a", owner="b", due=who))


def test_a_state_has_no_timeline_before_registration() -> None:
    state = EscalationState(id="S", org="halt", status=Status.SUGGESTED)
    with pytest.raises(ValueError):
        EscalationTimeline.of(state)
