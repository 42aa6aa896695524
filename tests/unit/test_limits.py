"""The one limits table (domain.limits): counted in characters and UTF-8 bytes, refused by
the core before it records (a DeskInputError in Dutch) exactly where central refuses, and
listed in the README; the contract rules (domain.ticket_rules) the desk and central share."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.domain.errors import DeskInputError, InvalidEvent
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.limits import (
    FIELD_LIMITS,
    MAX_EVENT_DATA_BYTES,
    MAX_REQUEST_BYTES,
    check_event_limits,
    check_input_limits,
    stored_data_text,
)
from halt_desk.domain.messages import Msg
from halt_desk.domain.profiles import load_profile
from halt_desk.domain.ticket_rules import check_ticket_rules
from halt_desk.store import Store
from halt_desk.sync.client import PUSH_BODY_BYTES, push_parts

NOW = datetime.fromisoformat("2027-01-12T10:00:00+01:00")
README = Path(__file__).parents[2] / "README.md"
EMOJI = "\U0001f600"  # 4 bytes in UTF-8, one character


# --- the table ---------------------------------------------------------------------------------
def test_the_table_holds_the_limits_the_issue_names() -> None:
    assert FIELD_LIMITS["summary"].chars == 200
    assert (FIELD_LIMITS["text"].chars, FIELD_LIMITS["text"].bytes) == (16_000, 64 * 1024)
    assert MAX_EVENT_DATA_BYTES == 128 * 1024 and MAX_REQUEST_BYTES == 8 * 1024 * 1024
    assert {"motivation", "caller", "reason", "description"} <= FIELD_LIMITS.keys()


def test_a_text_within_its_characters_always_fits_its_bytes() -> None:
    """So a form that counts characters never holds what the byte limit refuses."""
    for limit in FIELD_LIMITS.values():
        assert limit.bytes >= 4 * limit.chars, limit.key
        assert limit.excess(EMOJI * limit.chars) is None


def test_the_longest_field_texts_of_one_event_fit_the_event_limit() -> None:
    """An intake with the longest summary and description, all in emoji and quotes (JSON
    escapes), still fits a whole event's limit as central stores it."""
    data = {
        "summary": EMOJI * FIELD_LIMITS["summary"].chars,
        "description": '"' * FIELD_LIMITS["description"].chars,
        "caller": EMOJI * FIELD_LIMITS["caller"].chars,
    }
    assert len(stored_data_text(data).encode()) <= MAX_EVENT_DATA_BYTES
    check_event_limits("e", data)


def test_a_field_is_counted_in_characters_and_in_bytes() -> None:
    limit = FIELD_LIMITS["text"]
    assert limit.excess("a" * 16_000) is None
    assert limit.excess("a" * 16_001) == "16001 characters, at most 16000"
    assert limit.fitting(EMOJI * 16_001) == EMOJI * 16_000


def test_central_names_the_field_and_its_limit() -> None:
    with pytest.raises(InvalidEvent) as refused:
        check_event_limits("e1", {"text": "x" * 16_001})
    assert str(refused.value) == "event e1: data.text: too long: 16001 characters, at most 16000"


def test_central_refuses_data_over_the_event_limit_as_it_stores_it() -> None:
    unlimited = {"x": "é" * 70_000}  # 70,000 characters, 140,000 bytes in UTF-8
    with pytest.raises(
        InvalidEvent, match=r"data: too long: 140\d{3} bytes as stored, at most 131072"
    ):
        check_event_limits("e1", unlimited)
    check_event_limits("e1", {"x": "a" * 100_000})


def test_the_core_refuses_in_the_readers_language() -> None:
    with pytest.raises(DeskInputError) as refused:
        check_input_limits({"summary": "s" * 201})
    assert refused.value.field == "summary" and refused.value.code is Msg.TEXT_TOO_LONG
    assert refused.value.message("nl") == "Deze tekst is te lang: hoogstens 200 tekens."
    with pytest.raises(DeskInputError) as whole:
        check_input_limits({"x": "é" * 70_000})
    assert whole.value.code is Msg.EVENT_TOO_LARGE
    with pytest.raises(DeskInputError) as note:
        check_input_limits({"text": "n" * 16_001})
    # Thousands grouped as each language writes them, like the forms' counter.
    assert note.value.message("nl") == "Deze tekst is te lang: hoogstens 16.000 tekens."
    assert note.value.message("en") == "This text is too long: at most 16,000 characters."


def test_the_readme_lists_the_table() -> None:
    """The README's table of limits is the table: a changed limit fails here until the
    README says it too."""
    text = README.read_text(encoding="utf-8").split("| field | at most | what |", 1)[1]
    table = text.split("\n\n", 1)[0]
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+?) \|", table, flags=re.MULTILINE))
    assert rows.keys() == FIELD_LIMITS.keys() | {"data", "request"}
    for key, limit in FIELD_LIMITS.items():
        assert rows.get(key) == f"{limit.chars:,} characters, {limit.bytes:,} bytes", key
    assert rows.get("data") == f"{MAX_EVENT_DATA_BYTES:,} bytes (stored JSON, UTF-8)"
    assert rows.get("request") == f"{MAX_REQUEST_BYTES:,} bytes (else HTTP 413)"


# --- the core refuses before it records ----------------------------------------------------------
@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    setup = datetime.fromisoformat("2027-01-04T09:00:00+01:00")
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events(
            [
                new_event(
                    "org:halt", "organisation_registered", setup, "admin",
                    {"name": "Stichting Halt", "profile": "halt"},
                ),
                new_event(
                    "employee:e1", "employee_registered", setup, "admin",
                    {"org": "halt", "name": "Anna de Vries"},
                ),
            ]
        )  # fmt: skip
        yield opened


def _intake(**changes: Any) -> Intake:
    fields: dict[str, Any] = {
        "caller": "e1",
        "summary": "Laptop start niet op",
        "channel": "phone",
        "category": "werkplek",
        "impact": "one",
        "urgency": "stopped",
    }
    return Intake(**(fields | changes))


def test_an_intake_over_the_summary_limit_records_nothing(store: Store) -> None:
    before = store.outbox_size()
    with pytest.raises(DeskInputError) as refused:
        record_intake(store, _intake(summary="s" * 201), "agent-1", NOW)
    assert refused.value.field == "summary"
    assert store.outbox_size() == before


def test_the_longest_note_in_emoji_is_recorded_and_one_more_is_not(store: Store) -> None:
    ticket = record_intake(store, _intake(), "agent-1", NOW)
    before = store.outbox_size()
    longest = EMOJI * FIELD_LIMITS["text"].chars
    (comment,) = record_action(
        store, ticket, ActionRequest(Action.COMMENT, text=longest), "agent-1", NOW
    )
    assert comment.data["text"] == longest
    check_event_limits(comment.id, comment.data)  # what central checks
    with pytest.raises(DeskInputError) as refused:
        record_action(
            store, ticket, ActionRequest(Action.COMMENT, text=longest + EMOJI), "agent-1", NOW
        )
    assert refused.value.field == "text"
    assert store.outbox_size() == before + 1


def test_a_note_through_the_low_level_record_is_refused_too(store: Store) -> None:
    with pytest.raises(DeskInputError):
        store.record("ticket:X", "comment", "agent-1", {"text": "x" * 16_001})


# --- the contract rules ----------------------------------------------------------------------
HALT = load_profile("halt")
DESOM = load_profile("desom")
CRITERIA = {"critical_role": True, "direct_impact": True, "cannot_work": True}


def _event(kind: str, data: dict[str, Any]) -> Event:
    return new_event("ticket:T1", kind, NOW, "agent-1", data)


def _uplift(**changes: Any) -> Event:
    data = {
        "granted": True,
        "criteria": CRITERIA,
        "role_type": "court_session",
        "motivation": "Zitting om 14:00, laptop start niet.",
    }
    return _event("uplift_decided", data | changes)


def test_a_grant_the_uplift_rules_refuse_is_refused_with_the_reasons() -> None:
    bad = _uplift(criteria=CRITERIA | {"direct_impact": False}, motivation="")
    with pytest.raises(InvalidEvent) as refused:
        check_ticket_rules(bad, HALT)
    reason = str(refused.value)
    assert "data.granted: the uplift rules refuse it" in reason
    assert "no direct impact" in reason and "written motivation" in reason


def test_a_grant_that_meets_the_rules_passes_and_so_does_a_refusal() -> None:
    check_ticket_rules(_uplift(), HALT)
    check_ticket_rules(_uplift(granted=False, criteria=CRITERIA | {"cannot_work": False}), HALT)


def test_a_contract_without_uplift_refuses_a_grant() -> None:
    with pytest.raises(InvalidEvent, match="has no P1-uplift"):
        check_ticket_rules(_uplift(), DESOM)


@pytest.mark.parametrize(
    "changes",
    [{"criteria": "yes"}, {"criteria": {"critical_role": 1}}, {"role_type": ["x"]},
     {"motivation": 12}, {"granted": "true"}],
)  # fmt: skip
def test_malformed_uplift_answers_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(InvalidEvent):
        check_ticket_rules(_uplift(**changes), HALT)


@pytest.mark.parametrize(
    "changes",
    [{"criteria": "yes"}, {"criteria": {"critical_role": False}}, {"role_type": "judge"},
     {"motivation": 12}],
)  # fmt: skip
def test_a_refusal_needs_well_formed_answers_too(changes: dict[str, Any]) -> None:
    with pytest.raises(InvalidEvent):
        check_ticket_rules(_uplift(granted=False, **changes), HALT)


def test_a_priority_must_be_the_matrix_s_for_the_impact_and_urgency_given() -> None:
    matching = {"priority": "P3", "impact": "one", "urgency": "stopped"}
    check_ticket_rules(_event("ticket_reported", matching), HALT)
    contradicting = _event(
        "ticket_reported",
        {"priority": "P1", "intake": {"impact": "one", "urgency": "workaround"}},
    )
    with pytest.raises(InvalidEvent, match=r"data.priority: 'P1' contradicts .* give P4"):
        check_ticket_rules(contradicting, HALT)
    security = {"impact": "one", "urgency": "workaround", "security": True}
    check_ticket_rules(_event("ticket_reported", {"priority": "P1", "intake": security}), HALT)
    with pytest.raises(InvalidEvent):
        check_ticket_rules(
            _event("priority_changed", {"priority": "P1", "impact": "low", "urgency": "low"}),
            DESOM,
        )
    check_ticket_rules(
        _event("priority_changed", {"priority": "P1", "impact": "high", "urgency": "high"}), DESOM
    )
    check_ticket_rules(_event("priority_changed", {"priority": "P1", "reason": "VIP"}), HALT)


def test_a_push_is_split_so_that_no_body_reaches_central_s_limit() -> None:
    """Many long notes waiting offline go out in several requests, never one over 8 MiB
    (which central answers 413, and the outbox would never move)."""
    notes = [
        new_event("ticket:T1", "comment", NOW, "agent-1", {"text": EMOJI * 16_000})
        for _ in range(60)
    ]
    parts = push_parts(notes)
    assert [event for part in parts for event in part] == notes
    for part in parts:
        body = json.dumps({"events": [event.to_json() for event in part]})
        assert len(body.encode()) <= PUSH_BODY_BYTES < MAX_REQUEST_BYTES
    assert len(parts) > 1
