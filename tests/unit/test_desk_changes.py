"""A change ticket at the desk: intake of kind "Wijziging" with its change type, then
"gepland" (a date) and "uitgevoerd", with the rules central checks again."""

from __future__ import annotations

import pytest

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import record_intake
from halt_desk.domain.errors import DeskInputError
from halt_desk.store import Store
from tests.unit.test_desk import NOW, action_data, intake, store

__all__ = ["store"]  # the fixture, used by name


def test_a_change_is_reported_with_its_kind_and_type(store: Store) -> None:
    ticket_id = record_intake(store, intake(kind="change", change_type="minor"), "agent-1", NOW)
    (report,) = store.events_for(f"ticket:{ticket_id}")
    assert report.data["kind"] == "change" and report.data["change_type"] == "minor"


def test_an_incident_report_stays_as_it_was(store: Store) -> None:
    ticket_id = record_intake(store, intake(), "agent-1", NOW)
    (report,) = store.events_for(f"ticket:{ticket_id}")
    assert "kind" not in report.data and "change_type" not in report.data


@pytest.mark.parametrize("change_type", [None, "groot"])
def test_a_change_without_a_known_type_is_refused_in_dutch(
    store: Store, change_type: str | None
) -> None:
    with pytest.raises(DeskInputError) as refused:
        record_intake(store, intake(kind="change", change_type=change_type), "agent-1", NOW)
    assert refused.value.field == "change_type"
    assert refused.value.message("nl") == "Kies het soort wijziging."
    assert store.tickets() == []


def test_planned_and_implemented_are_recorded_on_a_change(store: Store) -> None:
    ticket_id = record_intake(store, intake(kind="change", change_type="standard"), "a", NOW)
    planned = ActionRequest(Action.CHANGE_PLANNED, extra={"date": "2027-01-20"})
    (event,) = record_action(store, ticket_id, planned, "agent-1", NOW)
    assert action_data(event) == {"date": "2027-01-20"}
    (done,) = record_action(store, ticket_id, ActionRequest(Action.CHANGE_IMPLEMENTED), "a", NOW)
    assert done.type == "change_implemented"
    with pytest.raises(DeskInputError) as again:
        record_action(store, ticket_id, ActionRequest(Action.CHANGE_IMPLEMENTED), "a", NOW)
    assert again.value.message("nl") == f"Wijziging {ticket_id} is al uitgevoerd."


def test_a_plan_needs_a_date_and_a_change(store: Store) -> None:
    change = record_intake(store, intake(kind="change", change_type="minor"), "a", NOW)
    for bad in ({}, {"date": "20-01-2027"}, {"date": "2027-02-30"}):
        with pytest.raises(DeskInputError) as refused:
            record_action(store, change, ActionRequest(Action.CHANGE_PLANNED, extra=bad), "a", NOW)
        assert refused.value.field == "date"
    incident = record_intake(store, intake(), "a", NOW)
    request = ActionRequest(Action.CHANGE_PLANNED, extra={"date": "2027-01-20"})
    with pytest.raises(DeskInputError) as refused:
        record_action(store, incident, request, "a", NOW)
    assert refused.value.message("nl") == f"Melding {incident} is geen wijziging."


def test_the_list_row_of_a_minor_change_counts_down_to_its_first_plan_date(
    store: Store,
) -> None:
    """Reported Tue 12-01-2027 10:00: the first plan date is due at the closing of the fifth
    working day after (Tue 19-01 17:00), not at an incident's reaction deadline; a plan
    stops the clock, so the row has no deadline left."""
    ticket_id = record_intake(store, intake(kind="change", change_type="minor"), "a", NOW)
    row = store.ticket(ticket_id)
    assert row is not None and row.next_due is not None
    assert row.next_due.isoformat() == "2027-01-19T17:00:00+01:00"
    planned = ActionRequest(Action.CHANGE_PLANNED, extra={"date": "2027-01-25"})
    record_action(store, ticket_id, planned, "agent-1", NOW)
    row = store.ticket(ticket_id)
    assert row is not None and row.next_due is None


def test_a_standard_change_without_a_plan_has_no_deadline_in_the_list(store: Store) -> None:
    ticket_id = record_intake(store, intake(kind="change", change_type="standard"), "a", NOW)
    row = store.ticket(ticket_id)
    assert row is not None and row.next_due is None
    planned = ActionRequest(Action.CHANGE_PLANNED, extra={"date": "2027-01-20"})
    record_action(store, ticket_id, planned, "agent-1", NOW)
    row = store.ticket(ticket_id)
    assert row is not None and row.next_due is not None
    assert row.next_due.isoformat() == "2027-01-21T00:00:00+01:00"  # the end of the plan date
