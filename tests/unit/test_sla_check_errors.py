"""Every input error of `halt-desk sla check` is one line that names the ticket and the
field (`ticket 'T1': events[2].at: …`), with exit code 2: in one process and on the
parallel path alike. Errors of the document itself name their field."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from halt_desk.cli import main
from halt_desk.cli.sla_check import write_check
from halt_desk.domain.errors import HaltDeskError

Document = dict[str, Any]
GOOD: Document = {
    "profile": "halt",
    "now": "2027-01-11T12:00:00+01:00",
    "tickets": [
        {
            "id": "T1",
            "reported_at": "2027-01-08T16:50:00+01:00",
            "priority": "P2",
            "events": [
                {"type": "first_response", "at": "2027-01-11T08:20:00+01:00", "channel": "phone"},
                {"type": "status_update", "at": "2027-01-11T09:00:00+01:00"},
                {"type": "resolved", "at": "2027-01-11T10:00:00+01:00"},
            ],
        }
    ],
}


def ticket(**changes: Any) -> Callable[[Document], None]:
    """Changes fields of ticket T1 (None removes one)."""

    def change(document: Document) -> None:
        raw = document["tickets"][0]
        for key, value in changes.items():
            if value is None:
                raw.pop(key, None)
            else:
                raw[key] = value

    return change


def event(index: int, **changes: Any) -> Callable[[Document], None]:
    """Changes fields of T1's event `index` (None removes one)."""

    def change(document: Document) -> None:
        raw = document["tickets"][0]["events"][index]
        for key, value in changes.items():
            if value is None:
                raw.pop(key, None)
            else:
                raw[key] = value

    return change


def document(**changes: Any) -> Callable[[Document], None]:
    def change(doc: Document) -> None:
        doc.update(changes)

    return change


OPEN = ticket(events=[{"type": "first_response", "at": "2027-01-11T08:20:00+01:00",
                       "channel": "phone"}])  # fmt: skip

#: (what is wrong, how, the field the message must name)
TICKET_ERRORS: list[tuple[str, Callable[[Document], None], str]] = [
    ("report in 1900", ticket(reported_at="1900-01-08T16:50:00+01:00"), "reported_at"),
    ("report in year 1", ticket(reported_at="0001-01-01T00:00:00+00:00"), "reported_at"),
    ("report before the calendar", ticket(reported_at="2010-01-01T10:00:00+01:00"), "reported_at"),
    (
        "report at the calendar's end",
        ticket(reported_at="2199-12-31T16:50:00+01:00", events=[]),
        "reported_at",
    ),
    ("report without offset", ticket(reported_at="2027-01-08T16:50:00"), "reported_at"),
    ("report not a time", ticket(reported_at="vrijdag"), "reported_at"),
    ("report a number", ticket(reported_at=20270108), "reported_at"),
    ("report missing", ticket(reported_at=None), "reported_at"),
    ("priority unknown", ticket(priority="P9"), "priority"),
    ("priority empty", ticket(priority=""), "priority"),
    ("priority a number", ticket(priority=2), "priority"),
    ("priority missing", ticket(priority=None), "priority"),
    ("impact unknown", ticket(priority=None, impact="huge", urgency="stopped"), "impact"),
    ("urgency unknown", ticket(priority=None, impact="one", urgency="soon"), "urgency"),
    ("security not a boolean", ticket(security="ja"), "security"),
    ("events not a list", ticket(events={"type": "resolved"}), "events"),
    ("event not an object", ticket(events=[5]), "events[0]"),
    ("event type unknown", event(1, type="bogus"), "events[1].type"),
    ("event type missing", event(1, type=None), "events[1].type"),
    ("event in 1900", event(2, at="1900-01-11T10:00:00+01:00"), "events[2].at"),
    ("event in 2300", event(2, at="2300-01-11T10:00:00+01:00"), "events[2].at"),
    ("event in 9999", event(2, at="9999-12-31T23:59:59+00:00"), "events[2].at"),
    ("event without offset", event(1, at="2027-01-11T09:00:00"), "events[1].at"),
    ("event time not a time", event(1, at="gisteren"), "events[1].at"),
    ("event time a number", event(1, at=5), "events[1].at"),
    ("event time missing", event(1, at=None), "events[1].at"),
    ("event before the report", event(0, at="2027-01-08T16:00:00+01:00"), "events[0].at"),
    ("channel unknown", event(0, channel="fax"), "events[0].channel"),
    ("channel missing", event(0, channel=None), "events[0].channel"),
    ("priority change unknown", event(1, type="priority_changed", priority="P9"),
     "events[1].priority"),
    ("priority change missing", event(1, type="priority_changed"), "events[1].priority"),
    ("priority change impact unknown",
     event(1, type="priority_changed", impact="x", urgency="stopped"), "events[1].impact"),
    ("uplift without decision", event(1, type="uplift_decided", granted="yes"),
     "events[1].granted"),
    ("now beyond the calendar (open ticket)",
     lambda d: (OPEN(d), d.update(now="2300-01-01T00:00:00+00:00")), "now"),
    ("now in year 9999 (open ticket)",
     lambda d: (OPEN(d), d.update(now="9999-01-01T00:00:00+00:00")), "now"),
    ("id twice", lambda d: d["tickets"].append(copy.deepcopy(d["tickets"][0])), "id"),
]  # fmt: skip

#: Errors of the document as a whole: no ticket to name, the field is named.
DOCUMENT_ERRORS: list[tuple[str, Callable[[Document], None], str]] = [
    ("profile unknown", document(profile="gemeente-x"), "profile"),
    ("profile not a name", document(profile=7), "profile"),
    ("now not a time", document(now="morgen"), "now"),
    ("now without offset", document(now="2027-01-11T12:00:00"), "now"),
    ("tickets missing", document(tickets=None), "tickets"),
    ("tickets not a list", document(tickets={"T1": {}}), "tickets"),
    ("ticket not an object", document(tickets=["T1"]), "tickets[0]"),
    ("ticket without id", ticket(id=None), "tickets[0].id"),
    ("ticket id a boolean", ticket(id=True), "tickets[0].id"),
]


def broken(change: Callable[[Document], None]) -> Document:
    doc = copy.deepcopy(GOOD)
    change(doc)
    return doc


def check(tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: Document) -> str:
    path = tmp_path / "timelines.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code = main(["sla", "check", str(path)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("case", "change", "field"), TICKET_ERRORS, ids=[c[0] for c in TICKET_ERRORS]
)
def test_a_bad_ticket_is_named_with_its_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    change: Callable[[Document], None],
    field: str,
) -> None:
    message = check(tmp_path, capsys, broken(change))
    assert message.startswith(f"halt-desk: error: ticket 'T1': {field}: "), message


@pytest.mark.parametrize(
    ("case", "change", "field"), DOCUMENT_ERRORS, ids=[c[0] for c in DOCUMENT_ERRORS]
)
def test_a_bad_document_names_its_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    change: Callable[[Document], None],
    field: str,
) -> None:
    message = check(tmp_path, capsys, broken(change))
    assert message.startswith(f"halt-desk: error: {field}: "), message


def test_a_ticket_id_given_as_a_number_is_named_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = broken(ticket(id=7, reported_at="1900-01-01T00:00:00+00:00"))
    assert check(tmp_path, capsys, doc).startswith("halt-desk: error: ticket '7': reported_at: ")


def test_the_profile_option_is_named_when_it_is_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "timelines.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    assert main(["sla", "check", "--profile", "gemeente-x", str(path)]) == 2
    assert capsys.readouterr().err.startswith("halt-desk: error: --profile: unknown profile")


@pytest.mark.parametrize(
    ("case", "change", "field"),
    [c for c in TICKET_ERRORS if c[0] not in ("id twice",)],
    ids=[c[0] for c in TICKET_ERRORS if c[0] not in ("id twice",)],
)
def test_the_parallel_path_names_the_same_ticket_and_field(
    case: str, change: Callable[[Document], None], field: str
) -> None:
    """Among 40 good tickets, split into blocks for two worker processes."""
    bad = broken(change)
    good = [dict(copy.deepcopy(GOOD["tickets"][0]), id=f"G{n}") for n in range(40)]
    bad["tickets"] = [*good[:25], *bad["tickets"], *good[25:]]
    with pytest.raises(HaltDeskError) as raised:
        write_check(json.dumps(bad), io.BytesIO(), workers=2, min_parallel_bytes=0)
    assert str(raised.value).startswith(f"ticket 'T1': {field}: "), str(raised.value)
