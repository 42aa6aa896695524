"""A vulnerability entered at the desk: checked as central checks it, with Dutch messages,
registered once and then updated with what changed."""

from __future__ import annotations

from datetime import datetime

import pytest

from halt_desk.desk.security_entry import (
    VulnerabilityEntry,
    may_record_vulnerabilities,
    parse_day,
    record_vulnerability,
)
from halt_desk.domain.errors import DeskInputError
from halt_desk.store import Store
from tests.unit.test_desk import NOW, action_data, store

__all__ = ["store"]  # the fixture, used by name

ENTRY = VulnerabilityEntry("halt", "cve-2027-0101", "critical", "open", "", "2027-01-11")


def test_registered_then_updated_with_what_changed(store: Store) -> None:
    first = record_vulnerability(store, ENTRY, "admin", NOW)
    assert first.stream == "vulnerability:halt/CVE-2027-0101"
    assert first.type == "vulnerability_registered"
    assert action_data(first)["cve"] == "CVE-2027-0101"
    fixed = VulnerabilityEntry("halt", "CVE-2027-0101", "critical", "resolved",
                               "Patch uitgerold", "2027-01-12")  # fmt: skip
    second = record_vulnerability(store, fixed, "admin", NOW)
    assert second.type == "vulnerability_updated"
    assert action_data(second) == {"status": "resolved", "measure": "Patch uitgerold",
                                   "date": "2027-01-12"}  # fmt: skip
    with pytest.raises(DeskInputError) as same:
        record_vulnerability(store, fixed, "admin", NOW)
    assert same.value.message("nl") == "Er is niets gewijzigd."


@pytest.mark.parametrize(
    ("changes", "field", "dutch"),
    [
        ({"cve": "CVE-27-1"}, "cve", "Geef een CVE-nummer zoals CVE-2027-12345."),
        ({"severity": "enorm"}, "severity", "Kies de ernst."),
        ({"status": "mitigated"}, "measure", "Beschrijf de genomen maatregel (ten hoogste 1000 "
                                             "tekens)."),
        ({"date": "2027-01-13"}, "date", "Geef de datum van deze stap (dd-mm-jjjj), niet in de "
                                         "toekomst."),
    ],
)  # fmt: skip
def test_bad_input_is_named_in_dutch_and_nothing_is_recorded(
    store: Store, changes: dict[str, str], field: str, dutch: str
) -> None:
    fields = {"org": "halt", "cve": "CVE-2027-0101", "severity": "low", "status": "open",
              "measure": "", "date": "2027-01-11"} | changes  # fmt: skip
    with pytest.raises(DeskInputError) as refused:
        record_vulnerability(store, VulnerabilityEntry(**fields), "admin", NOW)
    assert refused.value.field == field and refused.value.message("nl") == dutch
    assert store.streams_of_kind("vulnerability") == []


def test_an_unknown_organisation_is_refused(store: Store) -> None:
    entry = VulnerabilityEntry("acme", "CVE-2027-0101", "low", "open", "", "2027-01-11")
    with pytest.raises(DeskInputError) as refused:
        record_vulnerability(
            store, entry, "admin", datetime.fromisoformat("2027-01-12T10:00+01:00")
        )
    assert refused.value.field == "org"


def test_an_account_of_another_role_is_refused_before_central(store: Store) -> None:
    with pytest.raises(DeskInputError) as refused:
        record_vulnerability(store, ENTRY, "agent:sanne.visser", NOW)
    assert refused.value.message("nl") == (
        "Alleen een beheerder (de servicemanager van de leverancier) legt kwetsbaarheden vast."
    )
    assert store.streams_of_kind("vulnerability") == []
    assert may_record_vulnerabilities("admin:beheer") and may_record_vulnerabilities("beheer")
    assert not may_record_vulnerabilities("regie:halt")


def test_the_date_must_lie_in_the_month_the_screen_shows(store: Store) -> None:
    with pytest.raises(DeskInputError) as refused:
        record_vulnerability(store, ENTRY, "admin", NOW, month="2026-12")
    assert refused.value.field == "date"
    assert refused.value.message("nl") == (
        "Geef een datum in de gekozen maand: van 01-12-2026 tot en met 31-12-2026, niet in "
        "de toekomst."
    )
    assert store.streams_of_kind("vulnerability") == []
    record_vulnerability(store, ENTRY, "admin", NOW, month="2027-01")
    assert store.streams_of_kind("vulnerability") == ["vulnerability:halt/CVE-2027-0101"]


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("11-01-2027", "2027-01-11"),
        ("1-2-2027", "2027-02-01"),
        ("2027-01-11", "2027-01-11"),
        ("11/01/2027", "2027-01-11"),
    ],
)
def test_a_day_is_typed_day_first(typed: str, day: str) -> None:
    assert parse_day(typed) == day


@pytest.mark.parametrize("typed", ["", "31-02-2027", "11-01-27", "gisteren", "2027-13-01"])
def test_a_day_that_is_not_one_is_refused(typed: str) -> None:
    with pytest.raises(DeskInputError) as refused:
        parse_day(typed)
    assert refused.value.field == "date"
