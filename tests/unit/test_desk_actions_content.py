"""Ticket actions with content (issue 18): a status update says what was told and how, a
resolve gives the resolution, a reopen its reason (only of a resolved ticket), a second
first response needs confirming, and a note is still possible on a closed ticket."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from halt_desk.desk.actions import Action, ActionRequest, first_response, record_action
from halt_desk.desk.intake import record_intake
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.limits import FIELD_LIMITS
from halt_desk.store import Store
from tests.desk_data import reference_events
from tests.unit.test_desk import NOW, action_data, intake

LATER = NOW + timedelta(hours=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events(reference_events())
        yield opened


def act(store: Store, ticket: str, request: ActionRequest, at: object = NOW) -> None:
    record_action(store, ticket, request, "agent-1", at)  # type: ignore[arg-type]


def last_data(store: Store, ticket: str) -> dict[str, object]:
    return action_data(store.events_for(f"ticket:{ticket}")[-1])


def refused(store: Store, ticket: str, request: ActionRequest) -> DeskInputError:
    with pytest.raises(DeskInputError) as caught:
        act(store, ticket, request)
    return caught.value


def test_a_status_update_says_what_was_told_and_how(store: Store) -> None:
    ticket = record_intake(store, intake(), "agent-1", NOW)
    empty = refused(store, ticket, ActionRequest(Action.STATUS_UPDATE, channel="phone"))
    told = "Schrijf op wat u de melder hebt verteld."
    assert (empty.field, empty.message("nl")) == ("text", told)
    request = ActionRequest(Action.STATUS_UPDATE, channel="fax", text="Onderdeel besteld")
    assert refused(store, ticket, request).field == "channel"
    for channel in ("phone", "email", "portal"):
        act(store, ticket, ActionRequest(Action.STATUS_UPDATE, channel=channel, text="Besteld"))
        assert last_data(store, ticket) == {"text": "Besteld", "channel": channel}


def test_resolved_needs_the_resolution(store: Store) -> None:
    ticket = record_intake(store, intake(), "agent-1", NOW)
    error = refused(store, ticket, ActionRequest(Action.RESOLVED, text="  "))
    assert (error.field, error.message("nl")) == ("resolution", "Beschrijf de oplossing.")
    act(store, ticket, ActionRequest(Action.RESOLVED, text=" Kabel vervangen "))
    assert last_data(store, ticket) == {"resolution": "Kabel vervangen"}
    assert store.ticket(ticket).status == "resolved"  # type: ignore[union-attr]


def test_a_resolved_ticket_reopens_with_a_reason_and_runs_again(store: Store) -> None:
    ticket = record_intake(store, intake(), "agent-1", NOW)
    act(store, ticket, ActionRequest(Action.RESOLVED, text="Kabel vervangen"))
    error = refused(store, ticket, ActionRequest(Action.REOPENED))
    assert (error.field, error.message("nl")) == ("reason", "Geef de reden van heropenen.")
    act(store, ticket, ActionRequest(Action.REOPENED, text="Weer stuk"), LATER)
    assert last_data(store, ticket) == {"reason": "Weer stuk"}
    view = store.ticket(ticket)
    assert view is not None and view.status == "open" and view.resolved_at is None
    act(store, ticket, ActionRequest(Action.RESOLVED, text="Nieuwe kabel"), LATER)
    assert store.ticket(ticket).status == "resolved"  # type: ignore[union-attr]


def test_only_a_resolved_ticket_can_be_reopened(store: Store) -> None:
    ticket = record_intake(store, intake(), "agent-1", NOW)
    error = refused(store, ticket, ActionRequest(Action.REOPENED, text="Weer stuk"))
    assert error.field == "ticket"
    assert error.message("nl") == (
        f"Melding {ticket} is niet opgelost; alleen een opgeloste melding kan heropend worden."
    )
    act(store, ticket, ActionRequest(Action.RESOLVED, text="Kabel vervangen"))
    act(store, ticket, ActionRequest(Action.CLOSED, score=8))
    error = refused(store, ticket, ActionRequest(Action.REOPENED, text="Weer stuk"))
    assert error.message("nl") == (
        f"Melding {ticket} is gesloten en kan niet heropend worden; neem een nieuwe melding op."
    )


def test_a_second_first_response_needs_confirming(store: Store) -> None:
    ticket = record_intake(store, intake(), "agent-1", NOW)
    assert first_response(store, ticket) is None
    act(store, ticket, ActionRequest(Action.FIRST_RESPONSE, channel="phone"))
    error = refused(store, ticket, ActionRequest(Action.FIRST_RESPONSE, channel="email"))
    assert error.field == "again"
    assert (
        error.message("nl") == f"Melding {ticket} heeft al een eerste reactie (12-01-2027 10:00)."
    )
    act(store, ticket, ActionRequest(Action.FIRST_RESPONSE, channel="email", again=True), LATER)
    events = [e for e in store.events_for(f"ticket:{ticket}") if e.type == "first_response"]
    assert [e.data["channel"] for e in events] == ["phone", "email"]
    earliest = first_response(store, ticket)
    assert earliest is not None and earliest.data["channel"] == "phone"


def test_a_note_is_still_possible_on_a_closed_ticket_and_nothing_else(store: Store) -> None:
    ticket = record_intake(store, intake(), "agent-1", NOW)
    act(store, ticket, ActionRequest(Action.RESOLVED, text="Kabel vervangen"))
    act(store, ticket, ActionRequest(Action.CLOSED, score=9))
    act(store, ticket, ActionRequest(Action.COMMENT, text="Melder belde nog om te bedanken"))
    assert last_data(store, ticket) == {"text": "Melder belde nog om te bedanken"}
    error = refused(store, ticket, ActionRequest(Action.STATUS_UPDATE, channel="phone", text="x"))
    assert error.message("nl") == f"Melding {ticket} is gesloten."


@pytest.mark.parametrize(
    ("action", "key", "extra"),
    [
        (Action.STATUS_UPDATE, "text", {"channel": "phone"}),
        (Action.RESOLVED, "resolution", {}),
        (Action.REOPENED, "reason", {}),
        (Action.COMMENT, "text", {}),
    ],
)
def test_each_content_is_held_to_its_limit(
    store: Store, action: Action, key: str, extra: dict[str, str]
) -> None:
    ticket = record_intake(store, intake(), "agent-1", NOW)
    if action is Action.REOPENED:
        act(store, ticket, ActionRequest(Action.RESOLVED, text="Kabel vervangen"))
    limit = FIELD_LIMITS[key].chars
    error = refused(store, ticket, ActionRequest(action, text="é" * (limit + 1), **extra))
    assert error.field == key
    assert error.message("nl") == f"Deze tekst is te lang: hoogstens {limit:,} tekens.".replace(
        ",", "."
    )
    act(store, ticket, ActionRequest(action, text="é" * limit, **extra), LATER)
    assert last_data(store, ticket)[key] == "é" * limit
