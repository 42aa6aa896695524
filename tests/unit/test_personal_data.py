"""Personal data by schema (domain/personal.py): declared fields, closed types, nesting."""

from __future__ import annotations

import pytest

from halt_desk.domain.events import STREAM_EVENT_TYPES
from halt_desk.domain.personal import (
    SCHEMAS,
    home_address,
    is_redaction_of,
    may_hold_personal,
    personal_paths,
    purged,
    without_personal,
)

PLAN = {"ticket": "T1", "org": "halt", "mode": "courier", "depot": "depot-a"}


def test_every_declared_type_is_a_known_event_type() -> None:
    known = set().union(*STREAM_EVENT_TYPES.values())
    assert set(SCHEMAS) <= known


def test_a_declared_home_address_is_personal() -> None:
    data = {**PLAN, "home_address": "Dorpsstraat 1, Zwolle"}
    assert personal_paths("swap_opened", data) == ["home_address"]
    assert without_personal("swap_opened", data) == (PLAN, True)


@pytest.mark.parametrize(
    "extra",
    [
        {"Home_Address": "Dorpsstraat 1"},
        {"contact": {"address": "Dorpsstraat 1"}},
        {"huisadres": "Dorpsstraat 1"},
        {"private_phone": "06-12345678"},
    ],
)
def test_on_a_closed_type_an_undeclared_field_is_personal(extra: dict[str, object]) -> None:
    data = {**PLAN, **extra}
    assert personal_paths("swap_opened", data) != []
    assert without_personal("swap_opened", data)[0] == PLAN


def test_employee_work_contact_stays_and_private_data_goes() -> None:
    data = {
        "org": "halt",
        "name": "Anna de Vries",
        "email": "anna@halt.nl",
        "phone": "030-1234567",
        "home_address": "Laan 3",
        "Private_Email": "anna@example.org",
    }
    kept, found = without_personal("employee_registered", data)
    assert found and kept == {k: data[k] for k in ("org", "name", "email", "phone")}


def test_open_types_keep_undeclared_fields_and_client_stamps_always_stay() -> None:
    comment = {"text": "belt terug", "Home_Address": "x"}
    assert not may_hold_personal("comment")
    assert without_personal("comment", comment) == (comment, False)
    stamped = {**PLAN, "device_at": "2027-01-05T10:00:00+00:00", "clock_offset_ms": 0}
    assert personal_paths("swap_opened", stamped) == []


def test_a_redacted_copy_is_told_from_a_changed_one() -> None:
    full = {**PLAN, "home_address": "Laan 3", "contact": {"address": "x"}}
    assert is_redaction_of("swap_opened", full, PLAN)
    assert is_redaction_of("swap_opened", full, {**PLAN, "contact": {"address": "x"}})
    assert not is_redaction_of("swap_opened", full, {**PLAN, "depot": "depot-b"})
    assert not is_redaction_of("swap_opened", full, {"ticket": "T1"})
    assert not is_redaction_of("comment", {"text": "a"}, {})


def test_a_purge_takes_out_what_the_schema_declares_and_marks_the_paths() -> None:
    data = {**PLAN, "Home_Address": "Laan 3", "contact": {"address": "x", "phone": "06"}}
    assert purged("swap_updated", data) == {**PLAN, "purged": ["Home_Address", "contact"]}
    again = purged("swap_updated", {**PLAN, "purged": ["contact"], "private_phone": "06"})
    assert again == {**PLAN, "purged": ["contact", "private_phone"]}
    assert purged("swap_updated", {**PLAN, "purged": ["contact"]}) is None  # nothing left
    # A mark that is not a list of paths is judged like any other field.
    assert purged("swap_updated", {**PLAN, "purged": {"street": "Laan 3"}}) == {
        **PLAN,
        "purged": ["purged"],
    }
    assert purged("comment", {"text": "x", "address": "Laan 3"}) is None
    assert purged("swap_requested", {"text": "x", "address": "Laan 3"}) == {
        "text": "x",
        "purged": ["address"],
    }


def test_a_screen_reads_the_home_address_at_the_declared_paths_only() -> None:
    assert home_address("swap_requested", {"address": "Laan 3"}) == "Laan 3"
    both = {"address": "Laan 3", "home_address": "Dorpsstraat 1"}
    assert home_address("swap_requested", both) == "Dorpsstraat 1"
    assert home_address("swap_opened", {**PLAN, "home_address": " "}) is None
    assert home_address("swap_opened", {**PLAN, "Home_Address": "Laan 3"}) is None
    assert home_address("comment", {"address": "Laan 3"}) is None
