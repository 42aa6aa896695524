"""The ticket's timeline in words: per event type who, when, what and the content, never an
id or a bookkeeping field; an unknown event type reads as one neutral line."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from halt_desk.desk.names import Names, names_for
from halt_desk.desk.staff import Colleague, StaffDirectory
from halt_desk.desk.ticket_story import EntryKind, StoryEntry, swap_streams, ticket_story
from halt_desk.domain.events import Event, new_event
from halt_desk.i18n import set_language
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events, staff_events

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TICKET = "ticket:HALT-2027-000042"
AGENT = "agent:sanne.visser"
#: What must never reach the screen: bookkeeping fields, ids, raw data.
INTERNAL = re.compile(
    r"base_seq|clock_offset|device_at|override|agent:|field:|employee:|depot-|\{|\}|'|e1\b"
)


@pytest.fixture(autouse=True)
def dutch() -> Iterator[None]:
    set_language("nl")
    yield
    set_language("nl")


def _names() -> Names:
    staff = StaffDirectory(
        [
            Colleague(AGENT, "Sanne Visser", "agent"),
            Colleague("field:pieter.degroot", "Pieter de Groot", "field"),
        ]
    )
    return Names(
        orgs={"halt": "Stichting Halt"},
        locations={"loc-utr": "Regiokantoor Utrecht"},
        depots={"depot-utrecht": "Depot Utrecht"},
        employees={"e1": {"id": "e1", "name": "Anna de Vries"}},
        staff=staff,
    )


def _event(kind: str, data: dict[str, Any], minutes: int = 0, actor: str = AGENT) -> Event:
    """An event as the store hands it (types later work adds are built as they will come)."""
    stamps = {"device_at": NOW.isoformat(), "clock_offset_ms": 1200, "base_seq": 17}
    at = NOW + timedelta(minutes=minutes)
    return Event(str(uuid.uuid4()), TICKET, kind, at, actor, {**data, **stamps})


REPORTED = _event(
    "ticket_reported",
    {
        "org": "halt",
        "caller": "e1",
        "summary": "Laptop start niet op",
        "channel": "phone",
        "category": "werkplek",
        "priority": "P3",
        "intake": {"impact": "one", "urgency": "stopped", "security": False},
    },
)


def story(*events: Event) -> list[StoryEntry]:
    entries = ticket_story([REPORTED, *events], _names(), AMSTERDAM)
    for entry in entries:
        for text in (entry.who, entry.label, entry.body, entry.when):
            assert not INTERNAL.search(text), text
    return entries


def last(*events: Event) -> StoryEntry:
    return story(*events)[-1]


def test_the_report_names_the_caller_the_channel_and_the_summary() -> None:
    entry = story()[0]
    assert entry.who == "Sanne Visser"
    assert entry.when == "12-01-2027 10:00"
    assert entry.label == "Gemeld"
    assert entry.body.splitlines() == [
        "Laptop start niet op",
        "Door Anna de Vries telefonisch gemeld.",
        "Werkplek en laptop · prioriteit P3",
    ]
    assert entry.kind is EntryKind.REPORT


def test_times_are_in_the_contracts_zone_whatever_zone_the_event_carries() -> None:
    utc = NOW.astimezone(ZoneInfo("UTC")).replace(hour=NOW.astimezone(ZoneInfo("UTC")).hour)
    event = new_event(TICKET, "comment", utc, AGENT, {"text": "x"})
    assert last(event).when == "12-01-2027 10:00"


def test_a_first_response_says_how_the_caller_was_reached() -> None:
    entry = last(_event("first_response", {"channel": "email"}, 5))
    assert (entry.label, entry.body, entry.kind) == (
        "Eerste reactie",
        "Melder per e-mail bereikt.",
        EntryKind.CONTACT,
    )


def test_a_status_update_shows_what_was_told_and_how() -> None:
    event = _event("status_update", {"text": "Monteur komt om 14:00", "channel": "phone"}, 9)
    entry = last(event)
    assert entry.label == "Statusupdate"
    assert entry.body == "Monteur komt om 14:00\nMelder telefonisch geïnformeerd."


def test_a_note_is_internal_and_shows_its_text() -> None:
    entry = last(_event("comment", {"text": "Collega gebeld"}, 3))
    assert (entry.label, entry.body, entry.kind) == ("Notitie", "Collega gebeld", EntryKind.NOTE)


def test_a_resolution_shows_its_text() -> None:
    entry = last(_event("resolved", {"text": "Accu vervangen"}, 60))
    assert (entry.label, entry.body) == ("Opgelost", "Accu vervangen")


def test_a_priority_change_reads_old_to_new_with_its_reason() -> None:
    entry = last(_event("priority_changed", {"priority": "P2", "reason": "Hele team"}, 4))
    assert entry.body == "Prioriteit P3 → P2: Hele team"
    second = story(
        _event("priority_changed", {"priority": "P2", "reason": "Hele team"}, 4),
        _event("priority_changed", {"priority": "P1"}, 5),
    )[-1]
    assert second.body == "Prioriteit P2 → P1"


def test_an_assignment_names_the_colleague() -> None:
    entry = last(_event("assigned", {"to": "field:pieter.degroot"}, 2))
    assert (entry.label, entry.body) == ("Toegewezen", "Toegewezen aan Pieter de Groot")
    unknown = last(_event("assigned", {"to": "agent:linda.dekker"}, 2))
    assert unknown.body == "Toegewezen aan Linda Dekker"


def test_a_granted_uplift_shows_role_and_motivation_in_words() -> None:
    data = {
        "granted": True,
        "criteria": {"critical_role": True, "direct_impact": True, "cannot_work": True},
        "role_type": "class_or_group",
        "motivation": "Geeft om 11:00 les",
        "reasons": [],
    }
    entry = last(_event("uplift_decided", data, 6))
    assert entry.label == "P1-uplift toegekend"
    assert "Rol: Les of voorlichting aan een klas of grote groep" in entry.body
    assert "Motivatie: Geeft om 11:00 les" in entry.body
    after = last(
        _event("uplift_decided", data, 6), _event("priority_changed", {"priority": "P2"}, 7)
    )
    assert after.body == "Prioriteit P1 → P2"


def test_a_refused_uplift_reads_as_a_sentence_with_its_reasons() -> None:
    data = {
        "granted": False,
        "criteria": {"critical_role": True, "direct_impact": False, "cannot_work": False},
        "role_type": "court_session",
        "motivation": "Zitting",
        "reasons": ["no_direct_impact", "can_still_work", "motivation_missing"],
    }
    entry = last(_event("uplift_decided", data, 6))
    assert entry.label == "P1-uplift geweigerd"
    first = entry.body.splitlines()[0]
    assert first.startswith("P1-uplift geweigerd: Er is geen directe impact")
    assert "De medewerker kan de taak nog uitvoeren." in first
    assert "Rol: Zitting of rechtszaak" in entry.body or "Rol: " in entry.body
    # Older events carry only the criteria: the reasons follow from them.
    bare = {**data, "reasons": []}
    assert "De medewerker kan de taak nog uitvoeren." in last(_event("uplift_decided", bare)).body


def test_a_ticket_update_shows_each_field_by_its_dutch_name_old_to_new() -> None:
    changes = {"summary": "Laptop en dock starten niet", "category": "netwerk", "caller": "e2"}
    entry = last(_event("ticket_updated", {"changes": changes, "reason": "Melder belde terug"}))
    assert entry.label == "Melding gewijzigd"
    assert entry.body.splitlines() == [
        "Omschrijving: Laptop start niet op → Laptop en dock starten niet",
        "Categorie: Werkplek en laptop → Netwerk en VPN",
        "Melder: Anna de Vries → Medewerker e2",
        "Reden: Melder belde terug",
    ]
    assert entry.kind is EntryKind.CHANGE


def test_a_ticket_update_of_an_unknown_field_shows_no_raw_data() -> None:
    entry = last(_event("ticket_updated", {"changes": {"x_internal": {"a": 1}}}))
    assert entry.body == "Een ander gegeven is gewijzigd."


def test_reopened_shows_its_reason() -> None:
    entry = last(_event("reopened", {"reason": "Probleem terug"}, 90))
    assert (entry.label, entry.body) == ("Heropend", "Probleem terug")


def test_a_satisfaction_score_is_a_sentence() -> None:
    entry = last(_event("csat_recorded", {"score": 8}, 100))
    assert entry.body == "Tevredenheid: 8 van 10"


def test_a_survey_answer_says_so_and_shows_its_dimensions() -> None:
    data = {"score": 7, "servicedesk": 9, "information": 6}
    entry = last(_event("csat_recorded", data, 100, actor="system:survey"))
    assert entry.body == (
        "Door de melder ingevuld in de enquête\nTevredenheid: 7 van 10\n"
        "Ervaring met de servicedesk: 9 van 10\nInformatievoorziening: 6 van 10"
    )
    assert entry.who == "HALT Desk"


def test_productive_again_names_who_confirmed_it() -> None:
    entry = last(_event("productive_again", {"confirmed_by": "Anna de Vries"}, 20))
    assert entry.body == "Bevestigd door Anna de Vries"


@pytest.mark.parametrize(
    "kind",
    [
        "waiting_on_user",
        "resumed",
        "onsite_requested",
        "onsite_arrival",
        "workaround",
        "swap_requested",
        "closed",
    ],
)
def test_the_plain_actions_show_their_label_and_note(kind: str) -> None:
    entry = last(_event(kind, {"text": "Zie mail"}, 8))
    assert entry.label and entry.label != kind
    assert entry.body == "Zie mail"


def test_a_dismissed_refusal_names_the_event_in_words() -> None:
    data = {"kind": "refused_event_dismissed", "event_type": "assigned", "event": "abc"}
    assert last(_event("comment", data)).body == "Toegewezen niet opnieuw verstuurd"


def test_swap_events_linked_to_the_ticket_read_in_words() -> None:
    swap = "swap:HALT-2027-000042-SWAP1"
    at = NOW + timedelta(hours=1)
    linked = [
        new_event(
            swap,
            "swap_opened",
            at,
            AGENT,
            {"ticket": "HALT-2027-000042", "mode": "courier", "depot": "depot-utrecht"},
        ),
        new_event(
            swap,
            "shipment_status",
            at + timedelta(minutes=5),
            "logistics:kees",
            {"leg": "out", "carrier": "postnl", "tracking": "3SABC", "status": "in_transit"},
        ),
        new_event(
            swap,
            "shipment_status",
            at + timedelta(minutes=6),
            "logistics:kees",
            {"leg": "own_device", "carrier": "dhl", "tracking": "JVGL1", "status": "picked_up"},
        ),
        new_event(swap, "swap_closed", at + timedelta(hours=5), AGENT, {"outcome": "returned"}),
    ]
    request = _event("swap_requested", {"home_address": "Straat 1"}, 30)
    entries = ticket_story([REPORTED, request], _names(), AMSTERDAM, linked)
    assert [e.label for e in entries] == [
        "Gemeld",
        "Vervangend apparaat aangevraagd",
        "Omruiling gepland",
        "Zending",
        "Zending",
        "Omruiling afgesloten",
    ]
    assert entries[2].body == (
        "Het leenapparaat gaat per koerier naar de medewerker, vanuit Depot Utrecht."
    )
    assert entries[3].body == "Zending naar de medewerker: onderweg (PostNL 3SABC)"
    assert entries[3].who == "Kees"
    assert entries[4].body.startswith("Zending eigen apparaat medewerker naar het depot: ")
    assert entries[4].body.endswith("(DHL JVGL1)")
    assert entries[5].body == "Het leenapparaat is terug in het depot."
    assert swap_streams("HALT-2027-000042", [REPORTED, request]) == [swap]


def test_an_unknown_future_event_type_reads_as_one_neutral_line() -> None:
    entry = last(_event("escalation_meeting_held", {"secret": "raw", "level": 3}))
    assert entry.label == "Gebeurtenis"
    assert entry.body == "Er is iets vastgelegd dat deze versie van HALT Desk nog niet kan tonen."
    assert entry.kind is EntryKind.OTHER
    assert "raw" not in entry.body


def test_the_story_is_oldest_first_and_stable_for_equal_times() -> None:
    same = [_event("comment", {"text": str(n)}, 5) for n in range(3)]
    assert [e.body for e in story(*same)[1:]] == ["0", "1", "2"]


def test_english_when_the_reader_reads_english() -> None:
    set_language("en")
    entry = last(_event("priority_changed", {"priority": "P2", "reason": "Team"}, 4))
    assert (entry.label, entry.body) == ("Priority changed", "Priority P3 → P2: Team")


# ------------------------------------------------------------------ names from the store


def test_names_come_from_the_store_and_follow_a_rename(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as store:
        store.record_events([*reference_events(), *staff_events()])
        names = names_for(store)
        assert names.org("halt") == "Stichting Halt"
        assert names.employee("e1") == "Anna de Vries"
        assert names.person("agent:sanne.visser") == "Sanne Visser"
        assert names.person("employee:e2") == "Bram Jansen"
        assert names.depot("depot-zwolle") == "Depot Zwolle"  # no record: readable
        assert names_for(store) is names  # nothing changed: the same names
        store.record_event(REPORTED)
        assert names_for(store) is names  # a ticket event changes no name
        rename = {"name": "Stichting Halt Nederland", "profile": "halt"}
        store.record_event(new_event("org:halt", "organisation_updated", NOW, "admin", rename))
        assert names_for(store).org("halt") == "Stichting Halt Nederland"


def test_an_unknown_org_or_location_is_never_its_raw_code() -> None:
    names = _names()
    assert names.org("ssc-desom") == "Ssc Desom"
    assert names.location("loc-utr") == "Regiokantoor Utrecht"
    assert names.person(None) == "" and names.org(None) == ""
    assert names.person("system") == "HALT Desk"


def test_times_use_dutch_day_month_year() -> None:
    winter = datetime(2027, 7, 1, 8, 0, tzinfo=ZoneInfo("UTC"))
    event = new_event(TICKET, "comment", winter, AGENT, {"text": "zomer"})
    assert last(event).when == "01-07-2027 10:00"  # summer time in Amsterdam


def test_entries_whose_body_says_it_all_are_marked_so_the_label_is_not_repeated() -> None:
    entries = story(
        _event("priority_changed", {"priority": "P2", "reason": "Team"}, 1),
        _event("assigned", {"to": AGENT}, 2),
        _event("comment", {"text": "x"}, 3),
    )
    assert [e.sentence for e in entries] == [False, True, True, False]
