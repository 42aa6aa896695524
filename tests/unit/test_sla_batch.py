"""Parallel `sla check`: the same output as one process, and the same first error."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from halt_desk.cli.sla_check import render_check, render_check_text, split_tickets, write_check
from halt_desk.domain.errors import HaltDeskError


def document(count: int) -> dict[str, Any]:
    tickets = []
    for n in range(count):
        day = 4 + n % 5
        tickets.append(
            {
                "id": f"T{n}",
                "reported_at": f"2027-01-{day:02d}T{8 + n % 10:02d}:{n % 60:02d}:00+01:00",
                "priority": f"P{1 + n % 4}",
                "events": [
                    {
                        "type": "first_response",
                        "at": f"2027-01-{day:02d}T18:00:00+01:00",
                        "channel": "phone" if n % 3 else "email",
                    },
                    {"type": "swap_requested", "at": f"2027-01-{day:02d}T18:05:00+01:00"},
                    {"type": "resolved", "at": f"2027-01-{day + 3:02d}T10:00:00+01:00"},
                ][: n % 4],
            }
        )
    return {"profile": "halt", "now": "2027-01-08T12:00:00+01:00", "tickets": tickets}


def test_parallel_output_equals_single_process_output() -> None:
    doc = document(301)
    single = render_check(doc)
    parallel = render_check_text(json.dumps(doc), workers=2, min_parallel_bytes=1)
    assert json.loads(parallel) == json.loads(single)
    assert len(json.loads(parallel)["tickets"]) == 301


def test_parallel_run_reports_the_first_bad_ticket_like_one_process() -> None:
    doc = document(200)
    doc["tickets"][150]["priority"] = "P9"
    doc["tickets"][40]["reported_at"] = "2027-01-05T10:00:00"
    with pytest.raises(HaltDeskError) as single:
        render_check(doc)
    with pytest.raises(HaltDeskError) as parallel:
        render_check_text(json.dumps(doc), workers=2, min_parallel_bytes=1)
    assert str(parallel.value) == str(single.value)
    assert "ticket 'T40'" in str(parallel.value) and "no UTC offset" in str(parallel.value)


def test_parallel_run_reports_an_error_in_the_last_slice() -> None:
    doc = document(200)
    doc["tickets"][199]["priority"] = "P9"
    with pytest.raises(HaltDeskError, match="ticket 'T199': priority"):
        render_check_text(json.dumps(doc), workers=2, min_parallel_bytes=1)


def test_duplicate_ticket_ids_are_refused_before_any_work() -> None:
    doc = document(10)
    doc["tickets"][7]["id"] = "T2"
    with pytest.raises(HaltDeskError, match="ticket 'T2': id: appears more than once"):
        render_check_text(json.dumps(doc), workers=2, min_parallel_bytes=1)


def test_parallel_run_reports_invalid_json_once() -> None:
    with pytest.raises(HaltDeskError, match=r"big\.json is not valid JSON"):
        render_check_text('{"tickets": [' + " " * 100, "big.json", workers=2, min_parallel_bytes=1)


def test_parallel_run_reports_a_bad_header_once() -> None:
    doc = {**document(20), "profile": "acme"}
    with pytest.raises(HaltDeskError, match="unknown profile 'acme'"):
        render_check_text(json.dumps(doc), workers=2, min_parallel_bytes=1)


def test_more_workers_than_tickets_is_fine() -> None:
    doc = document(3)
    parallel = render_check_text(json.dumps(doc), workers=5, min_parallel_bytes=1)
    assert [t["id"] for t in json.loads(parallel)["tickets"]] == ["T0", "T1", "T2"]


def test_parallel_output_is_byte_for_byte_the_single_process_output() -> None:
    doc = document(301)
    for text in (
        json.dumps(doc),
        json.dumps(doc, indent=2),
        json.dumps(doc, separators=(",", ":")),
    ):
        assert render_check_text(text, workers=2, min_parallel_bytes=1) == render_check(doc)


def test_split_cuts_only_between_tickets() -> None:
    doc = document(50)
    for text in (json.dumps(doc).encode(), json.dumps(doc, indent=3).encode()):
        split = split_tickets(text, 6)
        assert split is not None and len(split.blocks) == 6
        assert json.loads(split.header) == {**doc, "tickets": []}
        parts = [json.loads(b"[" + text[a:b] + b"]") for a, b in split.blocks]
        assert [t for part in parts for t in part] == doc["tickets"]


def test_a_document_that_does_not_split_is_still_checked() -> None:
    doc = document(40)
    last_not_tickets = {"tickets": doc["tickets"], "profile": "halt", "now": doc["now"]}
    assert split_tickets(json.dumps(last_not_tickets).encode(), 4) is None
    parallel = render_check_text(json.dumps(last_not_tickets), workers=2, min_parallel_bytes=1)
    assert parallel == render_check(doc)


def test_braces_inside_strings_do_not_change_the_output() -> None:
    doc = document(60)
    for n, ticket in enumerate(doc["tickets"]):
        ticket["summary"] = '}, {"id": "X' + "{" * (n % 3) + '"}]'
    assert render_check_text(json.dumps(doc), workers=2, min_parallel_bytes=1) == render_check(doc)


def test_an_id_in_two_blocks_is_refused_like_one_process() -> None:
    doc = document(64)
    doc["tickets"][63]["id"] = "T0"
    with pytest.raises(HaltDeskError) as single:
        render_check(doc)
    with pytest.raises(HaltDeskError) as parallel:
        render_check_text(json.dumps(doc), workers=2, min_parallel_bytes=1)
    assert str(parallel.value) == str(single.value) == "ticket 'T0': id: appears more than once"


def test_write_check_writes_nothing_on_bad_input() -> None:
    doc = document(64)
    doc["tickets"][60]["priority"] = "P9"
    out = io.BytesIO()
    with pytest.raises(HaltDeskError, match="ticket 'T60': priority"):
        write_check(json.dumps(doc), out, workers=2, min_parallel_bytes=1)
    assert out.getvalue() == b""
