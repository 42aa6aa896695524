"""`parse_block`: the typed path of `sla check` gives `parse_ticket`'s timelines, or hands
the block back (None) for the general parser; it never decides differently."""

from __future__ import annotations

import json
from typing import Any

import pytest

from halt_desk.cli.sla_check import render_check, render_check_text
from halt_desk.domain.errors import InvalidTimeline
from halt_desk.domain.timeline import parse_ticket
from halt_desk.domain.timeline_block import parse_block

REPORTED = "2027-01-04T09:00:00+01:00"


def ticket(n: int, **fields: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {"id": f"T{n}", "reported_at": REPORTED, "priority": "P2"}
    raw["events"] = [
        {"type": "first_response", "at": "2027-01-04T09:10:00+01:00", "channel": "phone"},
        {"type": "comment", "at": "2027-01-04T09:05:00+01:00", "text": "{}[]", "n": 10**30},
        {"type": "priority_changed", "at": "2027-01-04T09:20:00+01:00", "priority": "P1"},
        {"type": "uplift_decided", "at": "2027-01-04T09:30:00+01:00", "granted": False},
        {"type": "waiting_on_user", "at": "2027-01-04T10:00:00+01:00"},
        {"type": "resumed", "at": "2027-01-04T10:00:00+01:00"},  # a tie keeps its order
        {"type": "resolved", "at": "2027-01-05T11:00:00+01:00"},
    ][: n % 8]
    raw.update(fields)
    return raw


def _dumps(value: object) -> bytes:
    return json.dumps(value).encode()


def general(tickets: list[dict[str, Any]]) -> list[Any]:
    return [parse_ticket(raw, f"tickets[{n}]") for n, raw in enumerate(tickets)]


def test_ordinary_tickets_give_parse_ticket_s_timelines() -> None:
    tickets = [ticket(n) for n in range(40)]
    tickets.append(ticket(40, security=True))
    tickets.append(ticket(41, security=False, extra={"nested": [1, {"a": None}]}))
    tickets.append({"id": "no-events", "reported_at": REPORTED, "priority": "P4"})
    assert parse_block(_dumps(tickets)) == general(tickets)


def test_impact_and_urgency_are_read_as_parse_ticket_reads_them() -> None:
    tickets = [
        ticket(1, impact="several", urgency="stopped"),
        ticket(2, priority=None, impact="one", urgency="degraded"),
        ticket(3, impact=None, urgency=None),
        ticket(5, impact="several"),  # a priority and half a cell: the priority counts
        {"id": "T4", "reported_at": REPORTED, "impact": "none", "urgency": "workaround"},
    ]
    assert parse_block(_dumps(tickets)) == general(tickets)


@pytest.mark.parametrize(
    "fields",
    [
        {"id": 17},  # an integer id: the general parser turns it into text
        {"id": 10**30},  # a number two JSON parsers read differently
        {"id": ""},
        {"security": None},
        {"events": None},
    ],
)
def test_other_shapes_go_the_general_way(fields: dict[str, Any]) -> None:
    tickets = [ticket(1), ticket(2, **fields)]
    assert parse_block(_dumps(tickets)) is None


@pytest.mark.parametrize(
    "text",
    [
        b"[1, 2]",
        b'{"id": "a"}',
        b'[{"id": "a", "events": [1]}]',
        b'[{"id": "a", "reported_at": 1e400}]',
        b'[{"id": "\\ud800"}]',
        b'[{"id": "a"},]',
        b"[" * 1030 + b"]" * 1030,
        b'[{"id":"a","reported_at":"'
        + REPORTED.encode()
        + b'","priority":"P1","x":'
        + b"[" * 1000
        + b"]" * 1000
        + b"}]",
    ],
)
def test_text_it_refuses_goes_to_the_general_parser(text: bytes) -> None:
    assert parse_block(text) is None


def test_a_bad_moment_or_event_type_is_refused_as_parse_ticket_refuses_it() -> None:
    for fields in (
        {"reported_at": "yesterday"},
        {"reported_at": None},
        {"reported_at": 20270104},
        {"priority": None},
        {"priority": ""},
        {"priority": 2},
        {"events": [{"type": "teleported", "at": REPORTED}]},
        {"events": [{"type": "resolved", "at": "2027-01-04T08:00:00+01:00"}]},
        {"events": [{"type": "first_response", "at": REPORTED, "channel": "pigeon"}]},
    ):
        raw = ticket(0, **fields)
        if fields.get("reported_at", REPORTED) is None:
            del raw["reported_at"]  # missing: the same as null
        with pytest.raises(InvalidTimeline) as general_error:
            parse_ticket(raw, "tickets[0]")
        with pytest.raises(InvalidTimeline) as block_error:
            parse_block(_dumps([raw]))
        assert str(block_error.value) == str(general_error.value)


def test_a_block_of_mixed_shapes_checks_like_one_process() -> None:
    tickets = [ticket(n) for n in range(300)]
    tickets[150] = ticket(150, id=150)  # sends its block the general way
    tickets[151] = ticket(151, impact="several", urgency="stopped", priority=None)
    doc = {"profile": "halt", "now": "2027-01-08T12:00:00+01:00", "tickets": tickets}
    parallel = render_check_text(json.dumps(doc), workers=2, min_parallel_bytes=1)
    assert parallel == render_check(doc)
    assert '"id":"150"' in parallel
