"""Ticket numbers: the series and provisional forms, the rule central keeps, and the desk's
blocks, taken in the transaction that records the ticket."""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest

from halt_desk.desk.intake import Intake, intake_events, record_intake
from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import new_event
from halt_desk.domain.ticket_numbers import (
    PROVISIONAL_ALPHABET,
    TicketNumber,
    check_ticket_number,
    parse_ticket_id,
    provisional_id,
    reservable_years,
    series_id,
    series_year,
)
from halt_desk.store import Store
from halt_desk.store.errors import EventConflict

#: Tuesday 12 January 2027, 10:00 in Amsterdam.
NOW = datetime.fromisoformat("2027-01-12T10:00:00+01:00")
INTAKE = Intake("e1", "Laptop start niet", "phone", "werkplek", "one", "stopped")


def test_a_series_number_reads_org_year_and_six_digits() -> None:
    assert series_id("halt", 2026, 862) == "HALT-2026-000862"
    assert series_id("desom", 2027, 1_234_567) == "DESOM-2027-1234567"  # past a million: longer
    with pytest.raises(ValueError):
        series_id("halt", 2026, 0)


def test_the_year_is_the_year_in_amsterdam() -> None:
    assert series_year(datetime.fromisoformat("2026-12-31T23:30:00+00:00")) == 2027
    assert series_year(datetime.fromisoformat("2027-01-01T00:30:00+02:00")) == 2026
    with pytest.raises(ValueError):
        series_year(datetime(2027, 1, 1))


def test_next_years_series_can_be_reserved_from_mid_december_in_amsterdam() -> None:
    assert reservable_years(datetime.fromisoformat("2026-12-14T23:59:00+01:00")) == (2026,)
    assert reservable_years(datetime.fromisoformat("2026-12-14T23:30:00+00:00")) == (2026, 2027)
    assert reservable_years(datetime.fromisoformat("2026-12-31T23:30:00+00:00")) == (2027,)
    assert reservable_years(datetime.fromisoformat("2027-06-01T12:00:00+02:00")) == (2027,)


def test_a_provisional_id_is_visibly_not_a_number_and_has_no_look_alikes() -> None:
    ids = {provisional_id("halt", 2026) for _ in range(200)}
    assert len(ids) == 200
    for ticket_id in ids:
        assert re.fullmatch(r"HALT-2026-V[A-Z]{6}", ticket_id)
        assert not set(ticket_id[11:]) & set("ILO0123456789")
    assert not set(PROVISIONAL_ALPHABET) & set("ILO")


def test_parse_tells_the_two_forms_from_older_ids() -> None:
    assert parse_ticket_id("HALT-2026-000862") == TicketNumber("HALT", 2026, 862)
    assert parse_ticket_id("SSC-DESOM-2026-000001") == TicketNumber("SSC-DESOM", 2026, 1)
    parsed = parse_ticket_id("HALT-2026-VKMPQRT")
    assert parsed == TicketNumber("HALT", 2026, None) and parsed.provisional
    for other in ("HALT-2027-K7M2Q9XW", "HALT-2027-0001", "halt-2026-000862", "HALT-2026-VKMPQR"):
        assert parse_ticket_id(other) is None, other


def report(ticket: str, org: str, at: datetime = NOW) -> object:
    return new_event(f"ticket:{ticket}", "ticket_reported", at, "a", {"org": org})


@pytest.mark.parametrize(
    ("ticket", "org", "problem"),
    [
        ("HALT-2027-000001", "desom", "not of 'desom'"),
        ("DESOM-2027-VABCDEF", "halt", "not of 'halt'"),
        ("HALT-2026-000001", "halt", "a number of 2026; the ticket is of 2027"),
    ],
)
def test_a_number_must_name_the_tickets_organisation_and_year(
    ticket: str, org: str, problem: str
) -> None:
    with pytest.raises(InvalidEvent, match=problem):
        check_ticket_number(report(ticket, org))  # type: ignore[arg-type]


def test_numbers_of_the_right_series_and_older_ids_pass() -> None:
    for ticket in ("HALT-2027-000001", "HALT-2027-VABCDEF", "HALT-2026-K7M2Q9XW", "T1"):
        check_ticket_number(report(ticket, "halt"))  # type: ignore[arg-type]


# --- the desk's blocks ------------------------------------------------------------------------
@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    setup = datetime.fromisoformat("2027-01-04T09:00:00+01:00")
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events(
            [
                new_event(
                    "org:halt",
                    "organisation_registered",
                    setup,
                    "admin",
                    {"name": "Stichting Halt", "profile": "halt"},
                ),
                new_event(
                    "employee:e1",
                    "employee_registered",
                    setup,
                    "admin",
                    {"org": "halt", "name": "Anna"},
                ),
            ]
        )
        yield opened


def left(store: Store) -> dict[tuple[str, int], int]:
    return {(n.org, n.year): n.left for n in store.numbers_left()}


def test_tickets_take_the_numbers_of_the_oldest_block_of_their_year_first(store: Store) -> None:
    store.add_number_block("halt", 2026, 1, 10)  # last year's: never used in 2027
    store.add_number_block("halt", 2027, 101, 102)
    store.add_number_block("halt", 2027, 41, 41)
    ids = [record_intake(store, INTAKE, "agent-1", NOW) for _ in range(4)]
    assert ids[:3] == ["HALT-2027-000041", "HALT-2027-000101", "HALT-2027-000102"]
    assert re.fullmatch(r"HALT-2027-V[A-Z]{6}", ids[3])
    assert left(store) == {("halt", 2026): 10, ("halt", 2027): 0}
    ticket = store.ticket(ids[0])
    assert ticket is not None and ticket.org == "halt"
    outbox = {e.stream for e in store.pending_outbox() if e.stream_kind == "ticket"}
    assert outbox == {f"ticket:{i}" for i in ids}


def test_an_override_is_recorded_on_the_numbered_ticket(store: Store) -> None:
    store.add_number_block("halt", 2027, 7, 8)
    intake = dataclasses.replace(INTAKE, priority_override="P1", override_reason="De directie")
    ticket_id = record_intake(store, intake, "agent-1", NOW)
    assert ticket_id == "HALT-2027-000007"
    assert [e.type for e in store.events_for(f"ticket:{ticket_id}")] == [
        "ticket_reported",
        "priority_changed",
    ]


def test_a_ticket_that_is_not_recorded_takes_no_number(store: Store) -> None:
    store.add_number_block("halt", 2027, 1, 5)
    events = intake_events(store, INTAKE, "agent-1", NOW)
    assert store.record_ticket(events) == "HALT-2027-000001"
    changed = [dataclasses.replace(events[0], data={**events[0].data, "summary": "Anders"})]
    with pytest.raises(EventConflict):  # its event id was recorded with other content
        store.record_ticket(changed)
    assert left(store) == {("halt", 2027): 4}
    assert record_intake(store, INTAKE, "agent-1", NOW) == "HALT-2027-000002"


def test_two_windows_recording_at_once_never_share_a_number(store: Store) -> None:
    """The app and a second process on one cache file (each its own Store) take numbers
    under the cache's write lock: 60 tickets, 60 different numbers, none skipped."""
    store.add_number_block("halt", 2027, 1, 60)
    other = Store.open(store.path, clock=lambda: NOW)
    start = threading.Barrier(2)

    def record(on: Store) -> list[str]:
        start.wait(timeout=30)
        return [record_intake(on, INTAKE, "agent-1", NOW) for _ in range(30)]

    try:
        with ThreadPoolExecutor(2) as pool:
            ids = [i for batch in pool.map(record, (store, other)) for i in batch]
    finally:
        other.close()
    assert sorted(ids) == [f"HALT-2027-{n:06d}" for n in range(1, 61)]
