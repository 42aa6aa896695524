"""The ticket list finds and sorts organisations and assignees by the names it shows."""

from __future__ import annotations

from datetime import timedelta

from halt_desk.desk.names import Names
from halt_desk.desk.staff import Colleague, StaffDirectory
from halt_desk.desk.ticket_list import QuickFilter, TicketList, TicketListRow
from tests.desk_data import NOW


def _row(n: int, org: str, assignee: str | None) -> TicketListRow:
    at = NOW + timedelta(minutes=n)
    return TicketListRow(
        f"T{n}", org, "e1", "Anna de Vries", "Laptop", "P3", False, "open", at, None, assignee
    )


NAMES = Names(
    orgs={"hx42": "Stichting Halt", "ds7": "SSC DeSom"},
    staff=StaffDirectory(
        [Colleague("field:p.grt", "Pieter de Groot"), Colleague("agent:s.vssr", "Sanne Visser")]
    ),
)
ROWS = [_row(1, "hx42", "field:p.grt"), _row(2, "ds7", "agent:s.vssr"), _row(3, "hx42", None)]


def test_a_search_finds_the_names_the_list_shows() -> None:
    tickets = TicketList(ROWS, names=NAMES)
    tickets.apply(QuickFilter.ALL, "stichting", NOW)
    assert [tickets.row(i).id for i in range(len(tickets))] == ["T1", "T3"]
    tickets.apply(QuickFilter.ALL, "sanne vis", NOW)
    assert [tickets.row(i).id for i in range(len(tickets))] == ["T2"]
    updated = tickets.updated([_row(4, "ds7", "field:p.grt")])
    updated.apply(QuickFilter.ALL, "pieter", NOW)
    assert [updated.row(i).id for i in range(len(updated))] == ["T1", "T4"]


def test_organisation_and_assignee_sort_by_name() -> None:
    tickets = TicketList(ROWS, names=NAMES)
    tickets.sort("org")
    tickets.apply(QuickFilter.ALL, "", NOW)
    assert [tickets.row(i).org for i in range(3)] == ["ds7", "hx42", "hx42"]  # SSC < Stichting
    tickets.sort("assignee")
    assert [tickets.row(i).assignee for i in range(3)] == [None, "field:p.grt", "agent:s.vssr"]
