"""Escalations suggested by the tickets (issue 23): each trigger on hand-made tickets of
profile `halt` (Mon–Fri 08:00–17:00), evaluated by the SLA engine. P1 reaction 15 min,
P3 reaction 4 h; a P2 swap is due at the end of the next working day."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from halt_desk.domain.escalation_triggers import (
    Suggestion,
    TicketFacts,
    suggest,
    suggestion_id,
    ticket_facts,
)
from halt_desk.domain.escalations import EscalationState, Status, apply_escalation_event
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.profiles import load_profile

HALT = load_profile("halt")
LOCATIONS = {"e-utrecht-1": "utrecht", "e-utrecht-2": "utrecht", "e-utrecht-3": "utrecht"}


def at(local: str) -> datetime:
    return datetime.fromisoformat(local.replace(" ", "T") + ":00+02:00")


def ticket(
    ticket_id: str,
    reported: str,
    priority: str = "P3",
    category: str = "werkplek",
    caller: str = "e1",
    more: list[tuple[str, str, dict[str, Any]]] | None = None,
) -> list[Event]:
    stream = f"ticket:{ticket_id}"
    data = {"org": "halt", "caller": caller, "summary": "x", "channel": "phone"}
    data |= {"priority": priority, "category": category}
    events = [new_event(stream, "ticket_reported", at(reported), "agent", data)]
    for kind, moment, extra in more or []:
        events.append(new_event(stream, kind, at(moment), "agent", extra))
    return events


def facts(events: list[Event], now: str) -> TicketFacts:
    found = ticket_facts(
        events[0].stream_key, events, HALT, at(now), lambda caller: LOCATIONS.get(caller)
    )
    assert found is not None
    return found


def by_trigger(suggestions: list[Suggestion], trigger: str) -> list[Suggestion]:
    return [s for s in suggestions if s.trigger == trigger]


def test_a_breached_p1_suggests_n1_with_its_breach() -> None:
    # P1 Mon 3 May 09:00, no phone response: reaction due 09:15, breached at 10:00
    late = facts(ticket("T1", "2027-05-03 09:00", "P1"), "2027-05-03 10:00")
    # answered by phone at 09:10, updated at 09:35 (due 09:40), next update due 10:05
    answered = [
        ("first_response", "2027-05-03 09:10", {"channel": "phone"}),
        ("status_update", "2027-05-03 09:35", {"text": "bezig", "channel": "phone"}),
    ]
    in_time = facts(
        ticket("T2", "2027-05-03 09:00", "P1", "netwerk", more=answered), "2027-05-03 10:00"
    )
    assert in_time.breaches == ()
    # a P2 reported 08:00 is late at 09:00, but only a P1 suggests on its own
    p2_late = facts(ticket("T3", "2027-05-03 08:00", "P2", "mail"), "2027-05-03 10:00")
    found = suggest([late, in_time, p2_late])
    assert found == [
        Suggestion(
            suggestion_id("halt", "p1_breached", ["T1"]),
            "halt",
            "p1_breached",
            "N1",
            at("2027-05-03 09:15"),
            {"tickets": ["T1"], "breaches": ["T1:reaction"]},
        )
    ]
    # once suggested (whatever became of it), never again for that ticket
    known = suggested_state(found[0])
    assert suggest([late], [known]) == []


def suggested_state(suggestion: Suggestion) -> EscalationState:
    event = new_event(
        suggestion.stream, "escalation_suggested", suggestion.at, "regie", suggestion.event_data()
    )
    state = apply_escalation_event(None, event)
    assert state.status == Status.SUGGESTED
    return state


def test_three_breaches_of_one_category_within_a_month_suggest_n2() -> None:
    # P3 reaction 4 h: reported 09:00 → breached at 13:00 on 3 May, 20 May and 1 June:
    # 29 days from the first to the third
    tickets = [
        facts(ticket("C1", "2027-05-03 09:00", category="vpn"), "2027-06-02 12:00"),
        facts(ticket("C2", "2027-05-20 09:00", category="vpn"), "2027-06-02 12:00"),
        facts(ticket("C3", "2027-06-01 09:00", category="vpn"), "2027-06-02 12:00"),
    ]
    found = by_trigger(suggest(tickets), "repeated_breaches")
    assert len(found) == 1
    assert found[0].level == "N2" and found[0].at == at("2027-06-01 13:00")
    assert found[0].evidence["tickets"] == ["C1", "C2", "C3"]
    assert found[0].evidence["category"] == "vpn"
    assert "C1:reaction" in found[0].evidence["breaches"]
    # the third on 3 June instead: 31 days after the first; two within a month are not three
    spread = [
        *tickets[:2],
        facts(ticket("C4", "2027-06-03 09:00", category="vpn"), "2027-06-04 12:00"),
    ]
    assert by_trigger(suggest(spread), "repeated_breaches") == []


def test_three_breaches_at_one_location_suggest_n2_across_categories() -> None:
    tickets = [
        facts(
            ticket(f"L{n}", f"2027-05-0{n + 2} 09:00", category=f"c{n}", caller=f"e-utrecht-{n}"),
            "2027-05-10 12:00",
        )
        for n in (1, 2, 3)
    ]
    found = by_trigger(suggest(tickets), "repeated_breaches")
    assert [s.evidence.get("location") for s in found] == ["utrecht"]
    assert found[0].evidence["tickets"] == ["L1", "L2", "L3"]


def test_an_uplift_refused_and_later_granted_suggests_n1() -> None:
    criteria = {"critical_role": True, "direct_impact": True, "cannot_work": True}
    refused = {"granted": False, "criteria": criteria, "role_type": "court_session",
               "motivation": "zitting om 14:00"}  # fmt: skip
    granted = {**refused, "granted": True}
    events = ticket(
        "U1",
        "2027-05-03 09:00",
        more=[
            ("first_response", "2027-05-03 09:05", {"channel": "phone"}),
            ("uplift_decided", "2027-05-03 09:30", refused),
            ("uplift_decided", "2027-05-03 10:30", granted),
        ],
    )
    found = by_trigger(suggest([facts(events, "2027-05-03 10:40")]), "uplift_refused_then_granted")
    assert len(found) == 1 and found[0].level == "N1" and found[0].at == at("2027-05-03 10:30")
    assert found[0].evidence["tickets"] == ["U1"]
    # granted at once: nothing to suggest
    straight = ticket(
        "U2", "2027-05-03 09:00", more=[("uplift_decided", "2027-05-03 09:30", granted)]
    )
    assert (
        by_trigger(suggest([facts(straight, "2027-05-03 09:40")]), "uplift_refused_then_granted")
        == []
    )


def swap_ticket(ticket_id: str, day: str, category: str) -> list[Event]:
    # P2 reported 09:00, answered at 09:05 and updated in time; loaner requested at 09:10,
    # due at the end of the next working day (17:00), never delivered
    return ticket(
        ticket_id,
        f"{day} 09:00",
        "P2",
        category,
        more=[
            ("first_response", f"{day} 09:05", {"channel": "phone"}),
            ("swap_requested", f"{day} 09:10", {}),
            ("resolved", f"{day} 10:00", {"resolution": "noodoplossing"}),
        ],
    )


def test_two_swaps_missing_their_deadline_within_a_month_suggest_n2() -> None:
    # Mon 3 May → due Tue 4 May 17:00; Mon 24 May → due Tue 25 May 17:00: 21 days apart
    first = facts(swap_ticket("S1", "2027-05-03", "a"), "2027-06-01 12:00")
    second = facts(swap_ticket("S2", "2027-05-24", "b"), "2027-06-01 12:00")
    assert [name for name, _ in first.breaches] == ["swap"]
    found = suggest([first, second])
    assert [s.trigger for s in found] == ["swap_missed_twice"]
    assert found[0].at == at("2027-05-25 17:00") and found[0].level == "N2"
    assert found[0].evidence == {"tickets": ["S1", "S2"], "breaches": ["S1:swap", "S2:swap"]}
    # one swap missing is not a repetition
    assert suggest([first]) == []


def test_the_same_tickets_give_the_same_suggestion_id_everywhere() -> None:
    assert suggestion_id("halt", "p1_breached", ["B", "A"]) == suggestion_id(
        "halt", "p1_breached", ["A", "B"]
    )
    assert suggestion_id("halt", "p1_breached", ["A"]) != suggestion_id(
        "desom", "p1_breached", ["A"]
    )


@pytest.mark.parametrize("registered_level", ["N1", "N2"])
def test_a_ticket_of_a_registered_escalation_is_not_suggested_again(registered_level: str) -> None:
    late = facts(ticket("T1", "2027-05-03 09:00", "P1"), "2027-05-03 10:00")
    data = {"org": "halt", "supplier": "MSP", "description": "d", "classification": "strategic",
            "level": "N2", "tickets": ["T1"], "breaches": []}  # fmt: skip
    if registered_level == "N1":
        data["classification"], data["level"] = "operational", "N1"
    event = new_event("escalation:E", "escalation_registered", at("2027-05-03 09:30"), "r", data)
    assert suggest([late], [apply_escalation_event(None, event)]) == []


def test_one_repeated_breaches_suggestion_per_category_at_a_time() -> None:
    # six late P3 tickets of category vpn, two a week from 3 May: one suggestion (the
    # first three), none while it is pending; once dismissed on 20 May only the breaches
    # after that count (27 May, 1 and 2 June... three of them → a new one)
    days = ["2027-05-03", "2027-05-05", "2027-05-10", "2027-05-12", "2027-05-17", "2027-05-19"]
    days += ["2027-05-24", "2027-05-26", "2027-05-31"]
    tickets = [
        facts(ticket(f"V{n}", f"{day} 09:00", category="vpn"), "2027-06-02 12:00")
        for n, day in enumerate(days)
    ]
    (first,) = by_trigger(suggest(tickets), "repeated_breaches")
    assert first.evidence["tickets"] == ["V0", "V1", "V2"]
    pending = suggested_state(first)
    assert by_trigger(suggest(tickets, [pending]), "repeated_breaches") == []
    dismissal = new_event(
        first.stream, "escalation_suggestion_dismissed", at("2027-05-20 12:00"), "r",
        {"reason": "bekend probleem"},
    )  # fmt: skip
    dismissed = apply_escalation_event(pending, dismissal)
    (second,) = by_trigger(suggest(tickets, [dismissed]), "repeated_breaches")
    assert second.evidence["tickets"] == ["V6", "V7", "V8"]  # breaches after 20 May 12:00


def test_a_change_ticket_is_no_incident_for_the_triggers() -> None:
    change = ticket("C1", "2027-05-03 09:00", "P1")
    change[0] = replace(change[0], data={**change[0].data, "kind": "change",
                                         "change_type": "standard"})  # fmt: skip
    now = at("2027-05-10 10:00")
    assert ticket_facts("C1", change, HALT, now) is None
    assert ticket_facts("T1", ticket("T1", "2027-05-03 09:00", "P1"), HALT, now) is not None
