"""A stored ticket's timeline (`timeline_from_events`) is exactly the one `parse_ticket`
reads from the §3.3 document of the same events, errors included: the store's folds and
`halt-desk sla check` must never disagree."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from halt_desk.domain.errors import InvalidTimeline
from halt_desk.domain.events import Event
from halt_desk.domain.timeline import TicketTimeline, parse_ticket, timeline_from_events

START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
ZONES = [UTC, ZoneInfo("Europe/Amsterdam"), ZoneInfo("America/New_York")]
TYPES = [
    "first_response",
    "status_update",
    "priority_changed",
    "uplift_decided",
    "waiting_on_user",
    "resumed",
    "resolved",
    "comment",
    "ticket_reported",
]
VALUES = st.one_of(
    st.none(), st.sampled_from(["P1", "P3", "", "high", "phone", "fax"]), st.integers(0, 2)
)


@st.composite
def ticket_events(draw: st.DrawFn) -> list[Event]:
    """A report with random fields, then events of random types, times (some before the
    report, some in other time zones) and fields (some invalid)."""
    count = draw(st.integers(0, 8))
    report_data = {
        key: draw(VALUES) for key in ("priority", "impact", "urgency") if draw(st.booleans())
    }
    if draw(st.booleans()):
        report_data["security"] = draw(st.sampled_from([True, False, 0, "yes"]))
    events = [Event(str(uuid.uuid4()), "ticket:T1", "ticket_reported", START, "t", report_data)]
    for _ in range(count):
        minutes = draw(st.integers(-60, 5000))
        zone = draw(st.sampled_from(ZONES))
        data: dict[str, Any] = {
            key: draw(st.one_of(VALUES, st.booleans()))
            for key in ("channel", "priority", "impact", "urgency", "granted")
            if draw(st.booleans())
        }
        at = (START + timedelta(minutes=minutes)).astimezone(zone)
        kind = draw(st.sampled_from(TYPES))
        events.append(Event(str(uuid.uuid4()), "ticket:T1", kind, at, "t", data))
    return events


def via_document(ticket_id: str, events: Sequence[Event]) -> TicketTimeline:
    """The timeline as `sla check` would read these events written out as §3.3 JSON."""
    report = min((e for e in events if e.type == "ticket_reported"), key=lambda e: e.at)
    raw = {
        "id": ticket_id,
        "reported_at": report.at.isoformat(),
        "priority": report.data.get("priority"),
        "impact": report.data.get("impact"),
        "urgency": report.data.get("urgency"),
        "security": bool(report.data.get("security", False)),
        "events": [
            {**dict(e.data), "type": e.type, "at": e.at.isoformat()}
            for e in events
            if e is not report and e.type != "ticket_reported"
        ],
    }
    return parse_ticket(raw, f"ticket:{ticket_id}")


def outcome(build: Any, events: list[Event]) -> object:
    try:
        return build("T1", events)
    except InvalidTimeline as exc:
        return ("error", str(exc))


@settings(max_examples=400, deadline=None)
@given(ticket_events())
def test_a_stored_timeline_equals_the_one_parsed_from_its_document(events: list[Event]) -> None:
    assert outcome(timeline_from_events, events) == outcome(via_document, events)


def test_event_times_keep_the_offset_the_document_would_give() -> None:
    amsterdam = ZoneInfo("Europe/Amsterdam")
    report = Event(
        str(uuid.uuid4()), "ticket:T1", "ticket_reported", START, "t", {"priority": "P3"}
    )
    answer = Event(
        str(uuid.uuid4()),
        "ticket:T1",
        "first_response",
        START.astimezone(amsterdam) + timedelta(minutes=5),
        "t",
        {"channel": "phone"},
    )
    timeline = timeline_from_events("T1", [report, answer])
    assert timeline.events[0].at.isoformat() == "2027-03-01T09:05:00+01:00"
    assert timeline == via_document("T1", [report, answer])
