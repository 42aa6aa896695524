"""The words of the desk's "Escalaties" window (issue 23), Qt-free: the register in its
order with the list texts, the working-time countdown, the weekly-update reminder, the
detail (facts, clocks, history, actions), a refusal in the screen's words, and the ticket
numbers and breached norms a new escalation links."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from halt_desk.desk.escalation_view import (
    breaches_of,
    in_month,
    may_record,
    read_register,
    ticket_numbers,
)
from halt_desk.desk.escalation_words import refusal_text, working_span
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event
from halt_desk.domain.messages import Msg
from halt_desk.i18n import set_language
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events, staff_events
from tests.escalation_data import (
    CLOSED,
    N1,
    N2,
    SUGGESTION,
    TICKETS,
    at,
    register_store_events,
)  # fmt: skip


@pytest.fixture(autouse=True)
def dutch() -> Iterator[None]:
    set_language("nl")
    yield
    set_language("nl")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        events: list[Event] = [*reference_events(), *staff_events(), *register_store_events()]
        opened.record_events(events, bulk=True)
        yield opened


def test_the_register_in_its_order_with_its_list_texts(store: Store) -> None:
    read = read_register(store, NOW)
    assert [e.id for e in read.entries] == [SUGGESTION, N1, N2, CLOSED]
    suggestion, n1, n2, closed = read.entries
    assert (suggestion.status, suggestion.level, suggestion.tickets) == (
        "voorgesteld", "N1", TICKETS[2],
    )  # fmt: skip
    assert suggestion.description == "Voorstel: een P1-melding overschreed de norm"
    assert (n1.org_name, n1.next_clock, n1.late, n1.reminder) == (
        "Stichting Halt", "Start: nog 4 u 00 min", False, "",
    )  # fmt: skip
    assert n2.reminder == "Weekupdate gemist (1×)"
    assert n2.tickets == f"{TICKETS[0]} (+1)"
    assert (closed.status, closed.next_clock, closed.reminder) == ("gesloten", "", "")
    assert read.orgs == {"halt": "Stichting Halt"}


def test_an_n1_clock_that_passed_is_late_in_working_time(store: Store) -> None:
    later = at("2027-01-13 11:00")  # start was due Tuesday 14:00
    n1 = next(e for e in read_register(store, later).entries if e.id == N1)
    assert n1.late and n1.next_clock.startswith("Start: te laat ")
    # Tuesday 14:00–17:00 and Wednesday 08:00–11:00: six hours of the service window
    assert n1.next_clock == "Start: te laat 6 u 00 min"


def test_the_detail_in_words(store: Store) -> None:
    n2 = next(e for e in read_register(store, NOW).entries if e.id == N2)
    facts = dict(n2.facts)
    assert facts["Leverancier"] == "Netwerkpartner BV"
    assert facts["Classificatie"] == "operationeel overstijgend"
    assert facts["Overschreden normen"] == f"{TICKETS[0]} Reactie"
    assert facts["Geregistreerd"] == "04-01-2027 09:00 · Marieke Bos"
    clocks = {line.name: line for line in n2.clocks}
    assert clocks["Start (binnen 1 werkdag)"].countdown == "gehaald op 04-01-2027 11:00"
    assert clocks["Weekupdate"].state == "1× gemist" and clocks["Weekupdate"].breached
    assert [(a.action, a.owner, a.due, a.status) for a in n2.actions] == [
        ("Firmware VPN-concentrator bijwerken", "Linda Dekker", "15-01-2027", "in uitvoering"),
        ("Rapport storingsoorzaak opleveren", "Leverancier (P. Peters)", "20-01-2027", "open"),
    ]
    lines = [text for _when, text in n2.history]
    assert lines[0] == (
        "Marieke Bos registreerde de escalatie op niveau N2: VPN valt structureel weg bij "
        "thuiswerkers"
    )
    assert "Marieke Bos legde vast dat de informatiemanager is geïnformeerd" in lines
    assert lines[-1] == (
        "Marieke Bos zette de actie “Firmware VPN-concentrator bijwerken” op in uitvoering"
    )
    for text in lines:  # no event names, no ids of people
        assert "escalation_" not in text and "regie:" not in text and "agent:" not in text


def test_a_caught_up_weekly_update_needs_no_reminder(store: Store) -> None:
    from halt_desk.desk.escalation_register import record_escalation_event

    record_escalation_event(store, N2, "escalation_update", "regie:marieke.bos", {"text": "Stand"})
    n2 = next(e for e in read_register(store, NOW).entries if e.id == N2)
    assert n2.reminder == ""  # the missed interval stays in the clock, not as a reminder
    assert dict((c.name, c.state) for c in n2.clocks)["Weekupdate"] == "1× gemist"
    soon = NOW + timedelta(days=6)  # Monday 18 January 10:00: due Tuesday 10:00
    n2 = next(e for e in read_register(store, soon).entries if e.id == N2)
    assert n2.reminder.startswith("Weekupdate nodig: nog ")


def test_working_span_counts_working_days_and_hours(store: Store) -> None:
    calendar = store.organisation_contract("halt").calendar
    friday = at("2027-01-15 16:00")
    assert working_span(calendar, at("2027-01-18 16:00"), friday) == ("nog 1 werkdag", False)
    assert working_span(calendar, at("2027-01-15 16:30"), friday) == ("nog 30 min", False)
    late, is_late = working_span(calendar, friday, at("2027-01-15 18:00"))
    assert is_late and late.startswith("te laat")
    set_language("en")
    assert working_span(calendar, at("2027-01-20 16:00"), friday) == ("3 working days left", False)


def test_a_refusal_names_its_field_in_words() -> None:
    required = DeskInputError("reason", Msg.ESCALATION_FIELD_REQUIRED, field="reason")
    assert refusal_text(required) == "Vul de reden van de escalatie in."
    choice = DeskInputError("who", Msg.ESCALATION_CHOICE, field="who", options="internal, x")
    assert refusal_text(choice) == "Kies wie is geïnformeerd."
    score = DeskInputError("quality", Msg.ESCALATION_SCORE, field="quality")
    assert refusal_text(score) == "De kwaliteit is een cijfer van 1 tot en met 10."
    other = DeskInputError("org", Msg.ESCALATION_OTHER_ORG, org="halt")
    assert "Stichting Halt" in refusal_text(other, {"halt": "Stichting Halt"})
    late = DeskInputError("type", Msg.ESCALATION_NOT_NOW, event="escalation_update")
    assert "escalation_update" not in refusal_text(late)


def test_ticket_numbers_and_their_breached_norms(store: Store) -> None:
    assert ticket_numbers(store, f"{TICKETS[0]}, {TICKETS[1].lower()} {TICKETS[0]}") == [
        TICKETS[0], TICKETS[1],
    ]  # fmt: skip
    with pytest.raises(DeskInputError) as caught:
        ticket_numbers(store, "HALT-0000")
    assert caught.value.message("nl") == "Melding HALT-0000 bestaat niet."
    assert breaches_of(store, [TICKETS[0]], NOW) == [
        f"{TICKETS[0]}:reaction", f"{TICKETS[0]}:resolution",
    ]  # fmt: skip


def test_who_records_and_which_month(store: Store) -> None:
    assert may_record("regie:marieke.bos") and may_record("admin:joost.smit")
    assert not may_record("agent:sanne.visser") and not may_record("field:pieter.degroot")
    states = {e.id: e.state for e in read_register(store, NOW).entries}
    tz = datetime.now().astimezone().tzinfo
    assert tz is not None
    assert in_month(states[CLOSED], (2026, 12), tz) and in_month(states[CLOSED], (2027, 1), tz)
    assert not in_month(states[N2], (2026, 12), tz)
    assert [e.id for e in read_register(store, NOW, "halt", (2026, 12)).entries] == [CLOSED]
    assert read_register(store, NOW, "other").entries == ()


def test_a_suggestion_shows_no_digest_as_its_number() -> None:
    """A suggestion's id is a digest of its evidence: on screen it is "Voorstel", and once
    accepted it reads as a register number."""
    from halt_desk.desk.escalation_words import escalation_number

    assert escalation_number("SUG-659db7911c59f777", suggested=True) == "Voorstel"
    assert escalation_number("SUG-659db7911c59f777", suggested=False) == "ESC-659DB7911C"
    assert escalation_number("ESC-HALT-02", suggested=False) == "ESC-HALT-02"
