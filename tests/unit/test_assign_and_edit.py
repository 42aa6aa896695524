"""Assigning a ticket (me, a colleague, a field engineer; again to someone else; at intake)
and editing it after intake (fields as `ticket_updated`, the priority as `priority_changed`,
the matrix's priority for new impact and urgency), as plain calls on a real store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from halt_desk.desk.assign import record_assignment
from halt_desk.desk.edit import TicketEdit, edit_events, edit_state, plan_edit, record_edit
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.desk.staff import StaffDirectory
from halt_desk.desk.ticket_list import QuickFilter, TicketList
from halt_desk.domain.errors import DeskInputError, InvalidEvent
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.messages import Msg
from halt_desk.domain.personal import CLIENT_STAMPS
from halt_desk.domain.profiles import load_profile
from halt_desk.domain.ticket_edits import check_ticket_update, ticket_fields
from halt_desk.store import Store
from tests.desk_data import NOW, SETUP, reference_events, staff_events

AGENT = "agent:sanne.visser"
LATER = NOW + timedelta(minutes=20)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: LATER) as opened:
        other = [
            new_event(
                "org:desom", "organisation_registered", SETUP, "admin",
                {"name": "SSC DeSom", "profile": "desom"},
            ),
            new_event(
                "employee:d1", "employee_registered", SETUP, "admin",
                {"org": "desom", "name": "Dirk Dijkstra"},
            ),
        ]  # fmt: skip
        opened.record_events([*reference_events(), *staff_events(), *other], bulk=True)
        yield opened


def _data(event: Event) -> dict[str, object]:
    """An event's data without the stamps the store adds (device time, offset, base)."""
    return {k: v for k, v in event.data.items() if k not in CLIENT_STAMPS}


def _ticket(store: Store, **answers: str) -> str:
    intake = Intake(
        "e1",
        "Laptop start niet op",
        "phone",
        "werkplek",
        answers.get("impact", "one"),
        answers.get("urgency", "degraded"),
    )
    return record_intake(store, intake, AGENT, NOW)


# --- assignment ------------------------------------------------------------------------------
def test_assigning_records_the_user_name_and_reassigning_keeps_who_had_it(store: Store) -> None:
    ticket = _ticket(store)
    first = record_assignment(store, ticket, AGENT, AGENT, NOW)
    assert _data(first) == {"to": AGENT}
    second = record_assignment(store, ticket, "field:pieter.degroot", AGENT, LATER)
    assert _data(second) == {"to": "field:pieter.degroot", "previous": AGENT}
    view = store.ticket(ticket)
    assert view is not None and view.assignee == "field:pieter.degroot"


def test_a_ticket_goes_only_to_people_who_work_tickets_and_not_twice_to_one(store: Store) -> None:
    ticket = _ticket(store)
    with pytest.raises(DeskInputError) as refused:
        record_assignment(store, ticket, "logistics:kees.brouwer", AGENT, NOW)
    assert refused.value.code is Msg.NOT_ASSIGNABLE
    with pytest.raises(DeskInputError) as empty:
        record_assignment(store, ticket, "  ", AGENT, NOW)
    assert empty.value.code is Msg.CHOOSE_ASSIGNEE
    record_assignment(store, ticket, "agent:linda.dekker", AGENT, NOW)
    with pytest.raises(DeskInputError) as twice:
        record_assignment(store, ticket, "agent:linda.dekker", AGENT, NOW)
    assert twice.value.code is Msg.ALREADY_ASSIGNED
    assert "Linda Dekker" in twice.value.message()


def test_an_intake_with_an_assignee_records_both_in_one_go(store: Store) -> None:
    intake = Intake("e1", "Printer", "phone", "werkplek", "one", "workaround", assignee=AGENT)
    ticket = record_intake(store, intake, AGENT, NOW)
    types = [e.type for e in store.events_for(f"ticket:{ticket}")]
    assert types == ["ticket_reported", "assigned"]
    refused = Intake("e1", "Printer", "phone", "werkplek", "one", "workaround", assignee="regie")
    before = len(store.streams_of_kind("ticket"))
    with pytest.raises(DeskInputError) as error:
        record_intake(store, refused, AGENT, NOW)
    assert error.value.field == "to"
    assert len(store.streams_of_kind("ticket")) == before  # neither report nor assignment


def test_my_tickets_are_the_open_ones_assigned_to_the_signed_in_user(store: Store) -> None:
    mine, theirs, unassigned = _ticket(store), _ticket(store), _ticket(store)
    record_assignment(store, mine, AGENT, AGENT, NOW)
    record_assignment(store, theirs, "agent:linda.dekker", AGENT, NOW)
    tickets = TicketList.load(store, AGENT)
    tickets.apply(QuickFilter.MINE, "", LATER)
    assert [tickets.row(i).id for i in range(len(tickets))] == [mine]
    assert unassigned not in {tickets.row(i).id for i in range(len(tickets))}


def test_type_ahead_offers_service_desk_and_field_but_not_logistics(store: Store) -> None:
    staff = StaffDirectory.load(store)
    found = staff.find("", roles={"agent", "field"})
    assert [c.name for c in found] == ["Linda Dekker", "Pieter de Groot", "Sanne Visser"]
    assert [c.role_word for c in staff.find("pie", roles={"agent", "field"})] == ["Monteur"]


# --- edit after intake -----------------------------------------------------------------------
def test_an_edit_records_new_and_old_values_and_the_list_shows_them(store: Store) -> None:
    ticket = _ticket(store)
    edit = TicketEdit({"summary": "Laptop start niet, accu leeg", "caller": "e2"}, "Beller belde")
    (event,) = record_edit(store, ticket, edit, AGENT, LATER)
    assert event.type == "ticket_updated"
    assert event.data["changes"] == {"summary": "Laptop start niet, accu leeg", "caller": "e2"}
    assert event.data["previous"] == {"summary": "Laptop start niet op", "caller": "e1"}
    assert event.data["reason"] == "Beller belde"
    view = store.ticket(ticket)
    assert view is not None and view.summary == "Laptop start niet, accu leeg"
    assert view.caller == "e2"
    (row,) = store.ticket_list([ticket])
    assert row.caller_name == "Bram Jansen" and row.summary == "Laptop start niet, accu leeg"


def test_new_impact_records_the_matrix_priority_with_it_and_the_clocks_follow(
    store: Store,
) -> None:
    ticket = _ticket(store)  # one × degraded: P3
    edit = TicketEdit({"impact": "organisation", "urgency": "stopped"}, "Hele school plat")
    updated, changed = record_edit(store, ticket, edit, AGENT, LATER)
    assert updated.type == "ticket_updated" and changed.type == "priority_changed"
    assert _data(changed) == {
        "priority": "P1",
        "reason": "Hele school plat",
        "previous": "P3",
        "suggested": "P1",
    }
    view = store.ticket(ticket)
    assert view is not None and view.priority == "P1"
    # An upgrade: the reaction deadline is at most 15 minutes after the change (§2.4).
    assert view.next_due is not None and view.next_due <= LATER + timedelta(minutes=15)
    fields = ticket_fields(store.events_for(f"ticket:{ticket}"))
    assert (fields.impact, fields.urgency) == ("organisation", "stopped")


def test_new_answers_that_give_the_same_priority_change_only_the_fields(store: Store) -> None:
    ticket = _ticket(store)  # one × degraded: P3; one × stopped is P3 too
    edit = TicketEdit({"urgency": "stopped"}, "Werkt helemaal niet meer")
    (event,) = record_edit(store, ticket, edit, AGENT, LATER)
    assert event.type == "ticket_updated" and "priority_kept" not in event.data
    view = store.ticket(ticket)
    assert view is not None and view.priority == "P3"


def test_keeping_the_priority_is_recorded_when_the_matrix_moves(store: Store) -> None:
    ticket = _ticket(store)  # one × degraded: P3
    edit = TicketEdit({"impact": "several"}, "Alleen deze laptop", keep_priority=True)
    (event,) = record_edit(store, ticket, edit, AGENT, LATER)
    assert event.data["priority_kept"] == {"priority": "P3", "suggested": "P2"}
    view = store.ticket(ticket)
    assert view is not None and view.priority == "P3"


def test_a_priority_change_alone_needs_a_reason_and_downgrades_from_the_report(
    store: Store,
) -> None:
    ticket = _ticket(store, impact="several", urgency="stopped")  # P2
    with pytest.raises(DeskInputError) as no_reason:
        record_edit(store, ticket, TicketEdit(priority="P4"), AGENT, LATER)
    assert no_reason.value.code is Msg.EDIT_NEEDS_REASON
    (event,) = record_edit(store, ticket, TicketEdit(priority="P4", reason="Vraag"), AGENT, LATER)
    assert _data(event) == {"priority": "P4", "reason": "Vraag", "previous": "P2"}
    view = store.ticket(ticket)
    assert view is not None and view.priority == "P4"


def test_edits_that_cannot_be_recorded_say_which_field(store: Store) -> None:
    ticket = _ticket(store)
    state = edit_state(store, ticket)

    def org(employee: str) -> str | None:
        return {"e1": "halt", "e2": "halt", "d1": "desom"}.get(employee)

    cases = {
        "summary": (TicketEdit({"summary": "  "}, "reden"), Msg.FILL_IN_SUMMARY),
        "category": (TicketEdit({"category": "koffie"}, "reden"), Msg.CHOOSE_CATEGORY),
        "impact": (TicketEdit({"impact": "huge"}, "reden"), Msg.CHOOSE_IMPACT),
        "caller": (TicketEdit({"caller": "d1"}, "reden"), Msg.CALLER_OTHER_ORGANISATION),
        "changes": (TicketEdit({"summary": "Laptop start niet op"}, "reden"), Msg.NOTHING_CHANGED),
        "reason": (TicketEdit({"category": "m365"}, "  "), Msg.EDIT_NEEDS_REASON),
    }
    for field, (edit, code) in cases.items():
        with pytest.raises(DeskInputError) as refused:
            plan_edit(state, edit, org)
        assert (refused.value.field, refused.value.code) == (field, code)
    with pytest.raises(DeskInputError) as unknown:
        record_edit(store, ticket, TicketEdit({"caller": "nobody"}, "reden"), AGENT, LATER)
    assert unknown.value.code is Msg.CHOOSE_CALLER
    long = TicketEdit({"summary": "x" * 201}, "reden")
    with pytest.raises(DeskInputError) as too_long:
        edit_events(store, ticket, long, AGENT, LATER)
    assert too_long.value.code is Msg.TEXT_TOO_LONG and too_long.value.field == "summary"


def test_central_rules_refuse_a_malformed_update_naming_the_field() -> None:
    profile = load_profile("halt")

    def update(data: dict[str, object]) -> None:
        check_ticket_update(new_event("ticket:T1", "ticket_updated", NOW, AGENT, data), profile)

    update({"changes": {"category": "m365"}, "reason": "anders", "previous": {"category": None}})
    bad = {
        "data.changes": {"changes": {}, "reason": "r"},
        "data.changes.priority": {"changes": {"priority": "P1"}, "reason": "r"},
        "data.changes.impact": {"changes": {"impact": "huge"}, "reason": "r"},
        "data.changes.category": {"changes": {"category": "koffie"}, "reason": "r"},
        "data.changes.summary": {"changes": {"summary": "x" * 201}, "reason": "r"},
        "data.reason": {"changes": {"summary": "Nieuw"}},
        "data.previous": {"changes": {"summary": "N"}, "reason": "r", "previous": {"caller": "e"}},
    }
    for where, data in bad.items():
        with pytest.raises(InvalidEvent) as refused:
            update(data)
        assert refused.value.field == where, (where, str(refused.value))


def test_two_offline_edits_of_one_field_to_different_values_are_a_conflict() -> None:
    from halt_desk.domain.conflicts import conflict_field

    def update(changes: dict[str, str]) -> Event:
        data = {"changes": changes, "reason": "anders"}
        return new_event("ticket:T1", "ticket_updated", NOW, AGENT, data)

    summary_a, summary_b = update({"summary": "A"}), update({"summary": "B", "category": "m365"})
    assert conflict_field(summary_a, summary_b) == "summary"
    assert conflict_field(summary_a, update({"summary": "A"})) is None  # they agree
    assert conflict_field(summary_a, update({"category": "m365"})) is None  # other fields


def test_the_monthly_report_shows_the_ticket_as_edited(store: Store) -> None:
    from halt_desk.reports.export import ticket_document

    ticket = _ticket(store)
    record_edit(store, ticket, TicketEdit({"category": "m365"}, "Bleek Outlook"), AGENT, LATER)
    events = store.events_for(f"ticket:{ticket}")
    assert ticket_document(ticket, events, LATER)["category"] == "m365"
    assert ticket_document(ticket, events, NOW)["category"] == "werkplek"  # not yet edited
