"""The agent's actions as plain calls: intake, caller lookup, P1-uplift, ticket actions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from halt_desk.desk.actions import Action, ActionRequest, record_action, record_uplift
from halt_desk.desk.intake import Intake, find_callers, new_ticket_id, record_intake
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.uplift import RefusalReason, RoleType, UpliftRequest
from halt_desk.store import Store

#: Tuesday 12 January 2027, 10:00 in Amsterdam: inside the service window.
NOW = datetime.fromisoformat("2027-01-12T10:00:00+01:00")
SETUP = datetime.fromisoformat("2027-01-04T09:00:00+01:00")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events(
            [
                new_event(
                    "org:halt",
                    "organisation_registered",
                    SETUP,
                    "admin",
                    {"name": "Stichting Halt", "profile": "halt"},
                ),
                new_event(
                    "org:desom",
                    "organisation_registered",
                    SETUP,
                    "admin",
                    {"name": "SSC DeSom", "profile": "desom"},
                ),
                new_event(
                    "employee:e1",
                    "employee_registered",
                    SETUP,
                    "admin",
                    {
                        "org": "halt",
                        "name": "Anna de Vries",
                        "email": "a.devries@halt.nl",
                        "phone": "06-12 34 56 78",
                        "role": "Halt-medewerker",
                    },
                ),
                new_event(
                    "employee:e2",
                    "employee_registered",
                    SETUP,
                    "admin",
                    {
                        "org": "halt",
                        "name": "Bram Jansen",
                        "email": "b.jansen@halt.nl",
                        "phone": "070 123 4567",
                    },
                ),
                new_event(
                    "employee:d1",
                    "employee_registered",
                    SETUP,
                    "admin",
                    {"org": "desom", "name": "Dewi Bakker", "email": "d.bakker@desom.nl"},
                ),
            ]
        )
        yield opened


#: Fields every event of this user carries for sync (device time, clock offset, cursor).
STAMP = {"device_at", "clock_offset_ms", "base_seq"}


def action_data(event: Event) -> dict[str, object]:
    """The action's own fields, without the sync stamp."""
    return {key: value for key, value in event.data.items() if key not in STAMP}


def test_every_desk_event_is_stamped_for_sync(store: Store) -> None:
    ticket_id = record_intake(store, intake(), "agent-1", NOW)
    (report,) = store.events_for(f"ticket:{ticket_id}")
    assert set(report.data) >= STAMP
    assert report.data["device_at"] == NOW.isoformat() and report.data["base_seq"] == 0


def intake(**changes: object) -> Intake:
    fields: dict[str, object] = {
        "caller": "e1",
        "summary": "Laptop start niet op",
        "channel": "phone",
        "category": "werkplek",
        "impact": "one",
        "urgency": "stopped",
    }
    fields.update(changes)
    return Intake(**fields)  # type: ignore[arg-type]


# --- caller lookup ---------------------------------------------------------------------------


def test_callers_are_found_by_part_of_the_name_case_insensitively(store: Store) -> None:
    assert [m.id for m in find_callers(store, "de vr")] == ["e1"]


def test_callers_are_found_by_email(store: Store) -> None:
    assert [m.id for m in find_callers(store, "@halt.nl")] == ["e1", "e2"]


def test_callers_are_found_by_phone_digits_whatever_the_spacing(store: Store) -> None:
    assert [m.id for m in find_callers(store, "0612345678")] == ["e1"]
    assert [m.id for m in find_callers(store, "070-123")] == ["e2"]


def test_like_wildcards_in_the_lookup_are_taken_literally(store: Store) -> None:
    assert find_callers(store, "%") == [] and find_callers(store, "_") == []


def test_an_empty_lookup_finds_nobody(store: Store) -> None:
    assert find_callers(store, "  ") == []


# --- intake ----------------------------------------------------------------------------------


def test_an_intake_records_the_report_with_the_suggested_priority(store: Store) -> None:
    ticket_id = record_intake(store, intake(), "agent-1", NOW)
    ticket = store.ticket(ticket_id)
    assert ticket is not None
    assert (ticket.org, ticket.caller, ticket.priority) == ("halt", "e1", "P3")
    (report,) = store.events_for(f"ticket:{ticket_id}")
    assert report.type == "ticket_reported"
    assert report.data["intake"] == {"impact": "one", "urgency": "stopped", "security": False}
    assert store.outbox_size() == 5 + 1


def test_the_security_flag_suggests_p1(store: Store) -> None:
    ticket = store.ticket(record_intake(store, intake(security=True), "agent-1", NOW))
    assert ticket is not None and ticket.priority == "P1"


def test_an_override_is_its_own_event_with_the_reason(store: Store) -> None:
    ticket_id = record_intake(
        store,
        intake(priority_override="P2", override_reason="Hele team kan niet printen"),
        "agent-1",
        NOW,
    )
    _report, override = store.events_for(f"ticket:{ticket_id}")
    assert override.type == "priority_changed"
    assert action_data(override) == {
        "priority": "P2",
        "override": True,
        "suggested": "P3",
        "reason": "Hele team kan niet printen",
    }
    ticket = store.ticket(ticket_id)
    assert ticket is not None and ticket.priority == "P2"


def test_an_override_without_a_reason_is_refused_and_records_nothing(store: Store) -> None:
    with pytest.raises(DeskInputError) as refused:
        record_intake(store, intake(priority_override="P1"), "agent-1", NOW)
    assert refused.value.field == "override_reason"
    assert "reden" in refused.value.message("nl")
    assert store.tickets() == []


def test_choosing_the_suggested_priority_is_no_override(store: Store) -> None:
    ticket_id = record_intake(store, intake(priority_override="P3"), "agent-1", NOW)
    assert [e.type for e in store.events_for(f"ticket:{ticket_id}")] == ["ticket_reported"]


@pytest.mark.parametrize(
    ("changes", "field_name"),
    [
        ({"caller": "nobody"}, "caller"),
        ({"caller": ""}, "caller"),
        ({"summary": "   "}, "summary"),
        ({"channel": "fax"}, "channel"),
        ({"category": "koffie"}, "category"),
        ({"impact": "huge"}, "impact"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"priority_override": "P9", "override_reason": "omdat het moet"}, "priority"),
    ],
)
def test_bad_intake_input_names_the_field_and_records_nothing(
    store: Store, changes: dict[str, object], field_name: str
) -> None:
    with pytest.raises(DeskInputError) as refused:
        record_intake(store, intake(**changes), "agent-1", NOW)
    assert refused.value.field == field_name and refused.value.message("nl")
    assert store.tickets() == []


def test_the_caller_sets_the_organisation_and_its_profile(store: Store) -> None:
    ticket_id = record_intake(
        store, intake(caller="d1", impact="high", urgency="high"), "agent-1", NOW
    )
    ticket = store.ticket(ticket_id)
    assert ticket is not None and (ticket.org, ticket.priority) == ("desom", "P1")


def test_a_ticket_id_made_without_a_number_is_provisional_and_easy_to_read_out() -> None:
    number = new_ticket_id("halt", NOW)
    assert re.fullmatch(r"HALT-2027-V[A-HJKMNP-Z]{6}", number)
    assert number != new_ticket_id("halt", NOW)


# --- P1-uplift -------------------------------------------------------------------------------


def uplift_request(**changes: object) -> UpliftRequest:
    fields: dict[str, object] = {
        "critical_role": True,
        "direct_impact": True,
        "cannot_work": True,
        "role_type": RoleType.CLASS_OR_GROUP,
        "motivation": "Geeft over een uur voorlichting aan een schoolklas",
    }
    fields.update(changes)
    return UpliftRequest(**fields)  # type: ignore[arg-type]


def test_a_granted_uplift_makes_the_ticket_p1_with_its_label(store: Store) -> None:
    ticket_id = record_intake(store, intake(), "agent-1", NOW)
    decision = record_uplift(store, ticket_id, uplift_request(), "agent-1", NOW)
    ticket = store.ticket(ticket_id)
    assert decision.granted and ticket is not None
    assert (ticket.priority, ticket.uplift) == ("P1", True)


def test_a_refused_uplift_is_recorded_with_its_reasons(store: Store) -> None:
    ticket_id = record_intake(store, intake(), "agent-1", NOW)
    decision = record_uplift(store, ticket_id, uplift_request(cannot_work=False), "agent-1", NOW)
    assert not decision.granted and decision.reasons == (RefusalReason.CAN_STILL_WORK,)
    event = store.events_for(f"ticket:{ticket_id}")[-1]
    assert event.type == "uplift_decided" and event.data["granted"] is False
    assert event.data["reasons"] == ["can_still_work"]
    ticket = store.ticket(ticket_id)
    assert ticket is not None and (ticket.priority, ticket.uplift) == ("P3", False)


def test_a_contract_without_uplift_refuses_to_decide_one(store: Store) -> None:
    ticket_id = record_intake(
        store, intake(caller="d1", impact="low", urgency="low"), "agent-1", NOW
    )
    with pytest.raises(DeskInputError, match="uplift"):
        record_uplift(store, ticket_id, uplift_request(), "agent-1", NOW)


# --- ticket actions --------------------------------------------------------------------------


def test_a_first_response_needs_its_channel(store: Store) -> None:
    ticket_id = record_intake(store, intake(), "agent-1", NOW)
    with pytest.raises(DeskInputError) as refused:
        record_action(store, ticket_id, ActionRequest(Action.FIRST_RESPONSE), "agent-1", NOW)
    assert refused.value.field == "channel"
    record_action(
        store, ticket_id, ActionRequest(Action.FIRST_RESPONSE, channel="phone"), "agent-1", NOW
    )
    assert action_data(store.events_for(f"ticket:{ticket_id}")[-1]) == {"channel": "phone"}


def test_closing_with_a_score_records_the_satisfaction_first(store: Store) -> None:
    ticket_id = record_intake(store, intake(), "agent-1", NOW)
    resolved = ActionRequest(Action.RESOLVED, text="Wachtwoord hersteld")
    record_action(store, ticket_id, resolved, "agent-1", NOW)
    record_action(store, ticket_id, ActionRequest(Action.CLOSED, score=8), "agent-1", NOW)
    types = [e.type for e in store.events_for(f"ticket:{ticket_id}")]
    assert types[-2:] == ["csat_recorded", "closed"]
    ticket = store.ticket(ticket_id)
    assert ticket is not None and ticket.status == "closed"


@pytest.mark.parametrize("score", [0, 11])
def test_a_score_outside_1_to_10_is_refused(store: Store, score: int) -> None:
    ticket_id = record_intake(store, intake(), "agent-1", NOW)
    with pytest.raises(DeskInputError, match="score"):
        record_action(store, ticket_id, ActionRequest(Action.CLOSED, score=score), "agent-1", NOW)


def test_a_closed_ticket_takes_no_more_actions(store: Store) -> None:
    ticket_id = record_intake(store, intake(), "agent-1", NOW)
    record_action(store, ticket_id, ActionRequest(Action.CLOSED), "agent-1", NOW)
    with pytest.raises(DeskInputError, match="closed"):
        record_action(store, ticket_id, ActionRequest(Action.STATUS_UPDATE), "agent-1", NOW)


def test_an_action_on_an_unknown_ticket_is_refused(store: Store) -> None:
    with pytest.raises(DeskInputError) as refused:
        record_action(store, "HALT-2027-NOPE", ActionRequest(Action.RESOLVED), "agent-1", NOW)
    assert refused.value.message("nl") == "Melding HALT-2027-NOPE bestaat niet."


def test_a_status_update_keeps_its_note(store: Store) -> None:
    ticket_id = record_intake(store, intake(), "agent-1", NOW)
    record_action(
        store,
        ticket_id,
        ActionRequest(Action.STATUS_UPDATE, channel="phone", text=" Onderdeel besteld "),
        "agent-1",
        NOW,
    )
    last = store.events_for(f"ticket:{ticket_id}")[-1]
    assert action_data(last) == {"text": "Onderdeel besteld", "channel": "phone"}
