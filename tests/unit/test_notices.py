"""Disruption and maintenance notices as plain calls: publish to an organisation, a location
or a team, follow up, all-clear, the fold's refusals, linking tickets (at intake and after),
and the desk's notification list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from halt_desk.desk import notices as desk
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.desk.notices import NoticeDraft
from halt_desk.desk.notifications import desk_notifications, mark_seen, unread_count
from halt_desk.domain.errors import DeskInputError, InvalidEvent
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.messages import Msg
from halt_desk.domain.notices import NoticeKind, Scope, ScopeKind, apply_notice_event
from halt_desk.domain.notifications import NotificationKind, notification_of
from halt_desk.store import Store
from tests.desk_data import NOW, SETUP, reference_events

AGENT = "agent:sanne.visser"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    def reg(stream: str, kind: str, data: dict[str, object]) -> Event:
        return new_event(stream, kind, SETUP, "admin", data)

    people = [
        reg("location:zwolle", "location_registered", {"org": "halt", "name": "Zwolle"}),
        reg("location:utrecht", "location_registered", {"org": "halt", "name": "Utrecht"}),
        reg("org:desom", "organisation_registered", {"name": "SSC DeSom", "profile": "desom"}),
        reg(
            "employee:z1",
            "employee_registered",
            {
                "org": "halt",
                "name": "Zeno",
                "email": "z1@halt.nl",
                "location": "zwolle",
                "team": "IJssel-Vecht",
            },
        ),
        reg(
            "employee:u1",
            "employee_registered",
            {
                "org": "halt",
                "name": "Ute",
                "email": "u1@halt.nl",
                "location": "utrecht",
                "team": "Gelderland",
            },
        ),
        reg(
            "employee:d1",
            "employee_registered",
            {"org": "desom", "name": "Dirk", "email": "d1@desom.nl"},
        ),
    ]
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *people], bulk=True)
        yield opened


def draft(**more: object) -> NoticeDraft:
    values: dict[str, object] = {
        "org": "halt",
        "kind": NoticeKind.DISRUPTION,
        "scope": Scope(ScopeKind.LOCATION, "zwolle"),
        "title": "Geen netwerk in Zwolle",
        "text": "Het netwerk ligt eruit.",
    }
    values.update(more)
    return NoticeDraft(**values)


def test_publish_follow_up_and_all_clear(store: Store) -> None:
    notice = desk.publish_notice(store, draft(), AGENT, NOW)
    assert notice.is_open and notice.scope == Scope(ScopeKind.LOCATION, "zwolle")
    assert [n.id for n in desk.notices(store, open_only=True)] == [notice.id]
    later = NOW + timedelta(minutes=20)
    updated = desk.follow_up(
        store, notice.id, "Monteur onderweg.", AGENT, later, title="Netwerk Zwolle"
    )
    assert updated.title == "Netwerk Zwolle" and updated.updates[0].text == "Monteur onderweg."
    closed = desk.all_clear(store, notice.id, "Werkt weer.", AGENT, later + timedelta(hours=1))
    assert not closed.is_open and closed.updates[-1].closing
    assert desk.notices(store, open_only=True) == []
    with pytest.raises(DeskInputError) as refused:
        desk.follow_up(store, notice.id, "nog iets", AGENT, later + timedelta(hours=2))
    assert refused.value.code is Msg.NOTICE_CLOSED
    events = store.pending_outbox()
    assert [e.type for e in events if e.stream_kind == "notice"] == [
        "notice_published",
        "notice_updated",
        "notice_closed",
    ]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"kind": None}, "kind", Msg.CHOOSE_NOTICE_KIND),
        ({"scope": None}, "scope", Msg.CHOOSE_NOTICE_SCOPE),
        ({"scope": Scope(ScopeKind.LOCATION, "opmeer")}, "scope", Msg.UNKNOWN_NOTICE_LOCATION),
        ({"scope": Scope(ScopeKind.TEAM, "Limburg")}, "scope", Msg.UNKNOWN_NOTICE_TEAM),
        ({"title": "  "}, "title", Msg.FILL_IN_NOTICE_TITLE),
        ({"text": ""}, "text", Msg.WRITE_NOTICE_TEXT),
        ({"org": "nope"}, "org", Msg.UNKNOWN_ORGANISATION),
        ({"starts": NOW, "ends": NOW - timedelta(hours=1)}, "ends", Msg.NOTICE_END_BEFORE_START),
    ],
)
def test_a_draft_is_refused_naming_its_field(
    store: Store, changes: dict[str, object], field: str, code: Msg
) -> None:
    with pytest.raises(DeskInputError) as refused:
        desk.publish_notice(store, draft(**changes), AGENT, NOW)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert desk.notices(store) == []


def test_scope_choices_and_reach_come_from_the_directory(store: Store) -> None:
    choices = desk.scope_choices(store, "halt")
    assert dict(choices.locations) == {"utrecht": "Utrecht", "zwolle": "Zwolle"}
    assert choices.teams == ("Gelderland", "IJssel-Vecht")
    # Anna and Bram (desk_data) have addresses but no location or team.
    assert desk.reach(store, "halt", Scope(ScopeKind.ORG)) == 4
    assert desk.reach(store, "halt", Scope(ScopeKind.LOCATION, "zwolle")) == 1
    assert desk.reach(store, "halt", Scope(ScopeKind.TEAM, "Gelderland")) == 1


def test_the_fold_refuses_what_central_refuses() -> None:
    def event(kind: str, data: dict[str, object]) -> Event:
        return new_event("notice:N1", kind, NOW, AGENT, data)

    with pytest.raises(InvalidEvent, match="not published"):
        apply_notice_event(None, event("notice_updated", {"text": "x"}))
    published = {"org": "halt", "kind": "maintenance", "scope": {"kind": "org"}, "title": "t"}
    with pytest.raises(InvalidEvent, match=r"data\.text"):
        apply_notice_event(None, event("notice_published", published))
    notice = apply_notice_event(None, event("notice_published", {**published, "text": "x"}))
    with pytest.raises(InvalidEvent, match="published already"):
        apply_notice_event(notice, event("notice_published", {**published, "text": "x"}))


def test_a_ticket_links_at_intake_and_afterwards(store: Store) -> None:
    notice = desk.publish_notice(store, draft(), AGENT, NOW)
    offered = desk.notices_for_caller(store, "halt", "IJssel-Vecht", "zwolle")
    assert [n.id for n in offered] == [notice.id]
    intake = Intake(
        caller="e1",
        summary="Geen wifi",
        channel="phone",
        category="netwerk",
        impact=intake_impact(store),
        urgency=intake_urgency(store),
        notice=notice.id,
    )
    ticket = record_intake(store, intake, AGENT, NOW + timedelta(minutes=5))
    assert desk.linked_notices(store, ticket) == [notice.id]
    with pytest.raises(DeskInputError) as twice:
        desk.link_ticket(store, ticket, notice.id, AGENT, NOW + timedelta(minutes=6))
    assert twice.value.code is Msg.TICKET_ALREADY_LINKED
    other = desk.publish_notice(store, draft(scope=Scope(ScopeKind.ORG)), AGENT, NOW)
    desk.link_ticket(store, ticket, other.id, AGENT, NOW + timedelta(minutes=7))
    assert desk.linked_notices(store, ticket) == [notice.id, other.id]
    desom = desk.publish_notice(store, draft(org="desom", scope=Scope(ScopeKind.ORG)), AGENT, NOW)
    with pytest.raises(DeskInputError) as wrong:
        desk.link_ticket(store, ticket, desom.id, AGENT, NOW + timedelta(minutes=8))
    assert wrong.value.code is Msg.NOTICE_OTHER_ORGANISATION


def intake_impact(store: Store) -> str:
    return store.organisation_contract("halt").impacts[-1]


def intake_urgency(store: Store) -> str:
    return store.organisation_contract("halt").urgencies[-1]


def test_notifications_leave_out_ones_own_and_count_unread(store: Store) -> None:
    colleague = "agent:linda.dekker"
    p1 = {
        "org": "halt",
        "caller": "e1",
        "summary": "Alles plat",
        "channel": "phone",
        "priority": "P1",
    }
    store.record_event(new_event("ticket:T1", "ticket_reported", NOW, colleague, p1))
    store.record_event(new_event("ticket:T2", "ticket_reported", NOW, AGENT, p1))
    desk.publish_notice(store, draft(), colleague, NOW)
    found = desk_notifications(store, AGENT)
    assert [n.notification.kind for n in found] == [
        NotificationKind.NOTICE_PUBLISHED,
        NotificationKind.P1_REPORTED,
    ]
    assert found[1].notification.subject == "T1" and unread_count(found) == 2
    mark_seen(store, AGENT, found[0].order)
    assert unread_count(desk_notifications(store, AGENT)) == 0
    assert unread_count(desk_notifications(store, "agent:someone.else")) == 3


def test_which_events_notify() -> None:
    def kind_of(stream: str, event_type: str, data: dict[str, object]) -> str | None:
        found = notification_of(new_event(stream, event_type, NOW, AGENT, data))
        return str(found.kind) if found is not None else None

    granted = {"granted": True, "role_type": "court_session", "motivation": "zitting om 11:00"}
    assert kind_of("ticket:T1", "uplift_decided", granted) == "uplift_granted"
    assert kind_of("ticket:T1", "uplift_decided", {**granted, "granted": False}) is None
    failed = {"kind": "caller_registered", "to": "a@halt.nl", "reason": "550 no such user"}
    assert kind_of("ticket:T1", "mail_failed", failed) == "mail_failed"
    assert kind_of("ticket:T1", "mail_sent", failed) is None
    assert kind_of("ticket:T1", "priority_changed", {"priority": "P1"}) == "p1_reported"
    assert kind_of("ticket:T1", "priority_changed", {"priority": "P2"}) is None
    assert kind_of("notice:N1", "notice_closed", {"text": "werkt weer"}) == "notice_closed"
    assert kind_of("notice:N1", "notice_updated", {"text": "nieuws"}) is None
