"""A concurrent edit in words: the sync-issues dialog names fields and people, never ids,
dicts or English field names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from halt_desk.desk.names import Names
from halt_desk.desk.staff import Colleague, StaffDirectory
from halt_desk.desk.ticket_story import conflict_field_words, conflict_value_words
from halt_desk.domain.events import new_event
from halt_desk.i18n import set_language

AT = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def dutch() -> None:
    set_language("nl")


def names() -> Names:
    return Names(
        orgs={"halt": "Stichting Halt"},
        employees={"e1": {"name": "Anna de Vries"}, "e2": {"name": "Bram Jansen"}},
        staff=StaffDirectory([Colleague("field:pieter.degroot", "Pieter de Groot", "field")]),
    )


def words(kind: str, data: dict[str, object]) -> str:
    return conflict_value_words(new_event("ticket:T1", kind, AT, "agent:x", data), names())


def test_each_side_of_a_conflict_reads_as_words() -> None:
    assert words("assigned", {"to": "field:pieter.degroot"}) == "Pieter de Groot"
    assert words("priority_changed", {"priority": "P2", "reason": "x"}) == "P2"
    assert words("uplift_decided", {"granted": True}) == "P1-uplift toegekend"
    edit = words("ticket_updated", {"changes": {"caller": "e2", "summary": "VPN"}})
    assert edit == "Melder: Bram Jansen · Omschrijving: VPN"
    assert words("resolved", {"resolution": "x"}) == "Opgelost"
    assert conflict_field_words("assignee") == "Toegewezen aan"
    assert conflict_field_words("no-such-field") == "ander gegeven"
