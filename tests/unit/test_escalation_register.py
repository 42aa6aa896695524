"""The register on the desk's cache (issue 23): suggestions found over the cached tickets,
recorded as suggestions only, accepted (registered with the evidence) or dismissed
(recorded, not suggested again); the clocks on the organisation's contract."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from halt_desk.desk.escalation_register import (
    accept_suggestion,
    dismiss_suggestion,
    escalations_of_ticket,
    find_suggestions,
    load_register,
    record_escalation_event,
    record_suggestions,
    register_clocks,
    register_escalation,
)
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.escalations import Status
from halt_desk.domain.events import new_event
from halt_desk.store import Store
from tests.desk_data import reference_events

#: Tuesday 4 May 2027 10:00 (CEST)
NOW = datetime.fromisoformat("2027-05-04T10:00:00+02:00")


def at(local: str) -> datetime:
    return datetime.fromisoformat(local.replace(" ", "T") + ":00+02:00")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events(reference_events())
        for ticket, reported in (("HALT-1", "2027-05-03 09:00"), ("HALT-2", "2027-05-03 11:00")):
            data = {"org": "halt", "caller": "e1", "summary": "VPN plat", "channel": "phone",
                    "priority": "P1", "category": f"vpn-{ticket}"}  # fmt: skip
            opened.record_events(
                [new_event(f"ticket:{ticket}", "ticket_reported", at(reported), "agent", data)]
            )
        yield opened


def test_suggestions_are_recorded_then_accepted_or_dismissed(store: Store) -> None:
    # two P1 tickets without a phone response: reaction breached at 09:15 and 11:15
    found = record_suggestions(store, "regie-halt", NOW)
    assert [(s.trigger, s.evidence["tickets"]) for s in found] == [
        ("p1_breached", ["HALT-1"]),
        ("p1_breached", ["HALT-2"]),
    ]
    register = load_register(store, "halt")
    assert {s.status for s in register} == {Status.SUGGESTED}  # nothing applied silently
    assert find_suggestions(store, NOW) == []  # recorded once
    first, second = found
    accept_suggestion(
        store,
        first.id,
        "regie-halt",
        supplier="MSP",
        description="P1 zonder telefonische reactie",
        classification="operational",
    )
    dismiss_suggestion(store, second.id, "regie-halt", "al besproken in het overleg")
    states = {s.id: s for s in load_register(store)}
    accepted = states[first.id]
    assert accepted.status == Status.OPEN and accepted.level == "N1"
    # reaction due Mon 09:15, resolution (4 h) Mon 13:00: both late on Tuesday
    assert accepted.tickets == ("HALT-1",)
    assert accepted.breaches == ("HALT-1:reaction", "HALT-1:resolution")
    assert states[second.id].dismissed_reason == "al besproken in het overleg"
    assert find_suggestions(store, NOW) == []  # a dismissal is remembered
    with pytest.raises(DeskInputError):
        dismiss_suggestion(store, first.id, "regie-halt", "te laat")
    assert [s.id for s in escalations_of_ticket(store, "HALT-1")] == [first.id]
    # registered Tue 4 May 10:00 (the store's clock): start due + 9 h → Wed 5 May 10:00
    clocks = register_clocks(store, accepted, NOW)
    assert clocks is not None
    assert clocks.clocks["start"].due == at("2027-05-05 10:00")
    assert clocks.clocks["start"].state.value == "running"


def test_a_registered_escalation_and_its_events(store: Store) -> None:
    data = {"org": "halt", "supplier": "MSP", "description": "Structureel VPN",
            "classification": "beyond_operational", "level": "N2", "tickets": ["HALT-1"],
            "breaches": []}  # fmt: skip
    key = register_escalation(store, "regie-halt", data)
    assert key.startswith("ESC-")
    record_escalation_event(store, key, "escalation_meeting_held", "regie-halt", {"notes": "ok"})
    with pytest.raises(DeskInputError) as caught:
        record_escalation_event(store, key, "escalation_update", "regie-halt", {"text": " "})
    assert "Vul text van de escalatie in." in caught.value.message("nl")
    (state,) = [s for s in load_register(store) if s.id == key]
    assert len(state.meetings) == 1 and state.updates == ()
    clocks = register_clocks(store, state, NOW)
    assert clocks is not None and clocks.clocks["meeting"].state.value == "met"
