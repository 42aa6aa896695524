"""Local store: projections of reference data, devices and tickets (the fold of their events)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from halt_desk.domain.clocks import evaluate
from halt_desk.domain.errors import (
    IllegalTransition,
    InvalidEvent,
    InvalidProfile,
    InvalidTimeline,
    UnknownProfile,
)
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.profiles import load_profile, profiles_dir
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.store import Store, UnknownStream
from tests.unit.sqlite_rows import sql_rows

#: Tuesday 12 January 2027, a working day; tickets below are reported at 10:00.
NOW = datetime.fromisoformat("2027-01-12T10:05:00+01:00")


def t(text: str) -> datetime:
    return datetime.fromisoformat(f"2027-01-{text}:00+01:00".replace(" ", "T"))


def ev(stream: str, type_: str, at: str, data: dict[str, Any] | None = None) -> Event:
    return new_event(stream, type_, t(at), "agent-1", data)


def org(key: str = "halt", profile: str = "halt") -> Event:
    return ev(
        f"org:{key}", "organisation_registered", "04 09:00", {"name": "Halt", "profile": profile}
    )


def report(ticket: str = "T1", **data: Any) -> Event:
    fields = {
        "org": "halt",
        "caller": "emp-7",
        "summary": "VPN down",
        "category": "network",
        "channel": "phone",
        "priority": "P2",
    }
    return ev(f"ticket:{ticket}", "ticket_reported", "12 10:00", fields | data)


def resolved_ticket_events(ticket: str = "T1") -> list[Event]:
    stream = f"ticket:{ticket}"
    return [
        report(ticket),
        ev(stream, "first_response", "12 10:20", {"channel": "phone"}),
        ev(stream, "assigned", "12 10:25", {"to": "eng-3"}),
        ev(stream, "status_update", "12 12:00"),
        ev(stream, "resolved", "12 13:30"),
    ]


@pytest.fixture
def store(path: Path) -> Iterator[Store]:
    with Store.open(path, clock=lambda: NOW) as opened:
        opened.record_event(org())
        yield opened


# --- reference data ------------------------------------------------------------------------


def test_organisation_profile_comes_from_the_registration(store: Store) -> None:
    assert store.organisation_profile("halt") == "halt"


def test_an_update_changes_only_the_fields_it_carries(store: Store, path: Path) -> None:
    store.record_event(
        ev("org:halt", "organisation_updated", "05 09:00", {"name": "Stichting Halt"})
    )
    assert sql_rows(path, "SELECT name, profile, updated_at FROM organisations") == [
        ("Stichting Halt", "halt", "2027-01-05T09:00:00+01:00")
    ]


def test_an_unknown_organisation_has_no_profile(store: Store) -> None:
    with pytest.raises(UnknownStream, match="org:nowhere"):
        store.organisation_profile("nowhere")


def test_an_organisation_without_a_profile_is_refused(store: Store, path: Path) -> None:
    with pytest.raises(InvalidEvent, match=r"data\.profile"):
        store.record_event(ev("org:x", "organisation_registered", "04 09:00", {"name": "X"}))
    assert sql_rows(path, "SELECT id FROM organisations") == [("halt",)]


def test_an_update_before_the_registration_is_refused(store: Store) -> None:
    with pytest.raises(UnknownStream, match="employee:e9"):
        store.record_event(ev("employee:e9", "employee_updated", "05 09:00", {"team": "ICT"}))
    assert store.reference("employee:e9") is None


def test_employee_fields_land_in_their_columns(store: Store, path: Path) -> None:
    data = {
        "org": "halt",
        "name": "J. de Vries",
        "email": "j.devries@example.nl",
        "phone": "+31 6 1234 5678",
        "team": "Regio Noord",
        "region": "Noord",
        "location": "loc-groningen",
        "role": "coordinator",
    }
    store.record_event(ev("employee:e1", "employee_registered", "04 09:00", data))
    store.record_event(ev("employee:e1", "employee_updated", "06 09:00", {"team": "Regio Oost"}))
    assert sql_rows(
        path, "SELECT org, name, email, phone, team, region, location, role FROM employees"
    ) == [
        (
            "halt",
            "J. de Vries",
            "j.devries@example.nl",
            "+31 6 1234 5678",
            "Regio Oost",
            "Noord",
            "loc-groningen",
            "coordinator",
        )
    ]


def test_fields_without_a_column_are_kept_with_the_record(store: Store) -> None:
    data = {"org": "halt", "name": "Groningen", "city": "Groningen", "region": "Noord", "floor": 2}
    store.record_event(ev("location:loc-1", "location_registered", "04 09:00", data))
    assert store.reference("location:loc-1") == data


def test_depot_is_projected(store: Store, path: Path) -> None:
    store.record_event(
        ev(
            "depot:utr",
            "depot_registered",
            "04 09:00",
            {"name": "Depot Utrecht", "city": "Utrecht"},
        )
    )
    assert sql_rows(path, "SELECT id, name, city FROM depots") == [
        ("utr", "Depot Utrecht", "Utrecht")
    ]


# --- devices -------------------------------------------------------------------------------

TAG = "device:HALT-LT-00042"
REGISTRATION = {"serial": "5CG1234", "model": "EliteBook 840", "type": "laptop", "org": "halt"}


ALL_PASS = {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True}
SANITISATION = {"method": "crypto-erase", "operator": "log-2", "certificate": "SAN-2027-00001"}


def loaner_trip(depot: str = "utr") -> list[Event]:
    """A registered, ready loaner that goes out for swap S1 and comes back to `depot`."""
    return [
        ev(TAG, "device_registered", "04 09:00", REGISTRATION | {"depot": "utr"}),
        ev(TAG, "readiness_checked", "04 10:00", ALL_PASS),
        ev(TAG, "device_reserved", "12 10:30", {"swap": "S1", "ticket": "T1"}),
        ev(TAG, "device_shipped", "12 11:00", {"swap": "S1", "carrier": "x", "tracking": "1"}),
        ev(TAG, "device_delivered", "12 15:00", {"swap": "S1"}),
        ev(TAG, "device_received", "18 09:00", {"depot": depot}),
    ]


def test_a_registered_device_is_unready_with_its_fields(store: Store) -> None:
    store.record_event(ev(TAG, "device_registered", "04 09:00", REGISTRATION | {"depot": "utr"}))
    device = store.device("HALT-LT-00042")
    assert device is not None
    assert (device.serial, device.model, device.type, device.org, device.depot, device.state) == (
        "5CG1234",
        "EliteBook 840",
        "laptop",
        "halt",
        "utr",
        "unready",
    )


def test_a_device_that_passes_every_readiness_check_is_in_stock(store: Store) -> None:
    store.record_event(ev(TAG, "device_registered", "04 09:00", REGISTRATION))
    store.record_event(ev(TAG, "readiness_checked", "04 10:00", ALL_PASS))
    device = store.device("HALT-LT-00042")
    assert device is not None and device.state == "in_stock"


def test_a_failed_readiness_check_leaves_the_device_unready(store: Store) -> None:
    store.record_event(ev(TAG, "device_registered", "04 09:00", REGISTRATION))
    store.record_event(ev(TAG, "readiness_checked", "04 10:00", {"autopilot": True}))
    device = store.device("HALT-LT-00042")
    assert device is not None and device.state == "unready"


def test_a_device_takes_the_state_of_its_life_cycle(store: Store) -> None:
    store.record_events(loaner_trip()[:5])
    device = store.device("HALT-LT-00042")
    assert device is not None and device.state == "with_user"


def test_a_sanitised_device_that_passes_every_readiness_check_is_in_stock_again(
    store: Store,
) -> None:
    store.record_events(
        [
            *loaner_trip(),
            ev(TAG, "device_sanitised", "18 10:00", SANITISATION),
            ev(TAG, "readiness_checked", "18 11:00", ALL_PASS | {"mfa": False}),
        ]
    )
    device = store.device("HALT-LT-00042")
    assert device is not None and device.state == "unready"
    store.record_event(ev(TAG, "readiness_checked", "18 12:00", ALL_PASS))
    device = store.device("HALT-LT-00042")
    assert device is not None and device.state == "in_stock"


def test_a_received_device_is_at_the_depot_that_received_it(store: Store) -> None:
    store.record_events(loaner_trip(depot="zwolle"))
    assert [d.asset_tag for d in store.devices(depot="zwolle")] == ["HALT-LT-00042"]
    assert store.devices(depot="utr") == []


def test_a_device_event_that_breaks_the_life_cycle_is_refused_and_not_stored(
    store: Store, path: Path
) -> None:
    store.record_events(loaner_trip()[:2])
    outbox_before = sql_rows(path, "SELECT count(*) FROM outbox")
    shipped = ev(TAG, "device_shipped", "12 11:00", {"swap": "S1", "carrier": "x", "tracking": "1"})
    with pytest.raises(IllegalTransition, match="HALT-LT-00042 is in_stock; device_shipped"):
        store.record_event(shipped)
    assert [e.type for e in store.events_for(TAG)] == ["device_registered", "readiness_checked"]
    assert sql_rows(path, "SELECT count(*) FROM outbox") == outbox_before
    assert sql_rows(path, "SELECT state FROM devices") == [("in_stock",)]


def test_a_reservation_for_a_second_swap_is_refused_naming_the_first(store: Store) -> None:
    store.record_events(loaner_trip()[:3])
    second = ev(TAG, "device_reserved", "12 10:40", {"swap": "S2", "ticket": "T2"})
    with pytest.raises(
        IllegalTransition, match="reserved for swap S1; device_reserved for swap S2"
    ):
        store.record_event(second)
    assert len(store.events_for(TAG)) == 3


def test_a_device_event_applies_on_top_of_the_stream_whatever_its_time(store: Store) -> None:
    store.record_events(loaner_trip()[:3])
    # Dated before the readiness check, but central applies events in arrival order: the
    # device is reserved when the retirement arrives.
    early = ev(TAG, "device_retired", "04 09:30")
    with pytest.raises(IllegalTransition, match="is reserved for swap S1; device_retired"):
        store.record_event(early)
    device = store.device("HALT-LT-00042")
    assert device is not None and device.state == "reserved"


def test_a_bulk_load_with_one_illegal_device_event_stores_nothing(store: Store, path: Path) -> None:
    trip = loaner_trip()
    with pytest.raises(IllegalTransition):
        store.record_events([*trip[:2], trip[3]], bulk=True)
    assert store.events_for(TAG) == []
    assert sql_rows(path, "SELECT count(*) FROM devices") == [(0,)]


def test_a_device_event_before_its_registration_is_refused(store: Store) -> None:
    with pytest.raises(UnknownStream, match="HALT-LT-00099"):
        store.record_event(ev("device:HALT-LT-00099", "device_retired", "04 09:00"))
    assert store.device("HALT-LT-00099") is None


# --- tickets -------------------------------------------------------------------------------


def test_a_reported_ticket_carries_the_report_fields(store: Store) -> None:
    store.record_event(report())
    ticket = store.ticket("T1")
    assert ticket is not None
    assert (ticket.org, ticket.caller, ticket.summary, ticket.category, ticket.channel) == (
        "halt",
        "emp-7",
        "VPN down",
        "network",
        "phone",
    )
    assert (ticket.priority, ticket.uplift, ticket.status) == ("P2", False, "open")
    assert ticket.reported_at == t("12 10:00")


def test_an_open_ticket_is_next_due_at_its_reaction_deadline(store: Store) -> None:
    store.record_event(report())  # P2: reaction within 1 business hour
    ticket = store.ticket("T1")
    assert ticket is not None and ticket.next_due == t("12 11:00")


def test_a_resolved_ticket_has_its_figures(store: Store) -> None:
    store.record_events(resolved_ticket_events())
    ticket = store.ticket("T1")
    assert ticket is not None
    assert ticket.status == "resolved"
    assert ticket.assignee == "eng-3"
    assert ticket.resolved_at == t("12 13:30")
    assert ticket.mttr_business_minutes == 210
    assert ticket.mttp_business_minutes == 210
    assert ticket.mttp_wall_minutes == 210
    assert ticket.within_norm is True
    assert ticket.next_due is None
    assert ticket.updated_at == t("12 13:30")


def test_the_ticket_row_is_what_the_sla_engine_says(store: Store) -> None:
    events = resolved_ticket_events()[:3]
    store.record_events(events)
    evaluation = evaluate(load_profile("halt"), timeline_from_events("T1", events), NOW)
    ticket = store.ticket("T1")
    assert ticket is not None
    assert (ticket.priority, ticket.status, ticket.next_due, ticket.within_norm) == (
        evaluation.priority,
        evaluation.status.value,
        evaluation.next_due,
        evaluation.within_norm,
    )


def test_events_recorded_out_of_order_give_the_same_ticket(store: Store) -> None:
    in_order = resolved_ticket_events("T1")
    shuffled = resolved_ticket_events("T2")
    store.record_events(in_order)
    store.record_events([shuffled[0], shuffled[4], shuffled[2], shuffled[1], shuffled[3]])
    first, second = store.ticket("T1"), store.ticket("T2")
    assert first is not None and second is not None
    assert replace(second, id="T1") == first


def test_a_granted_uplift_makes_the_ticket_p1(store: Store) -> None:
    uplift = {
        "granted": True,
        "criteria": {"critical_role": True, "direct_impact": True, "cannot_work": True},
        "role_type": "court_session",
        "motivation": "Zitting om 11:00, laptop start niet",
    }
    store.record_event(report(priority="P3"))
    store.record_event(ev("ticket:T1", "uplift_decided", "12 10:10", uplift))
    ticket = store.ticket("T1")
    assert ticket is not None and (ticket.priority, ticket.uplift) == ("P1", True)


def test_a_ticket_waiting_on_the_user_is_waiting_and_still_open(store: Store) -> None:
    store.record_event(report())
    store.record_event(ev("ticket:T1", "waiting_on_user", "12 10:30"))
    ticket = store.ticket("T1")
    assert ticket is not None and ticket.status == "waiting" and ticket.is_open
    assert [ticket.id for ticket in store.tickets(open_only=True)] == ["T1"]


def test_closed_and_resolved_tickets_are_not_open(store: Store) -> None:
    store.record_events(resolved_ticket_events("T1"))
    store.record_events([*resolved_ticket_events("T2"), ev("ticket:T2", "closed", "12 14:00")])
    store.record_event(report("T3"))
    assert [ticket.status for ticket in store.tickets()] == ["resolved", "closed", "open"]
    assert [ticket.id for ticket in store.tickets(open_only=True)] == ["T3"]


def test_a_ticket_of_an_unknown_organisation_is_refused(store: Store) -> None:
    with pytest.raises(UnknownStream, match="org:elsewhere"):
        store.record_event(report(org="elsewhere"))
    assert store.events_for("ticket:T1") == []


def test_a_report_without_an_organisation_is_refused(store: Store) -> None:
    event = report()
    without_org = replace(event, data={k: v for k, v in event.data.items() if k != "org"})
    with pytest.raises(InvalidEvent, match=r"data\.org"):
        store.record_event(without_org)


def test_an_event_the_sla_engine_rejects_is_not_stored(store: Store, path: Path) -> None:
    store.record_event(report())
    before_report = ev("ticket:T1", "first_response", "12 09:00", {"channel": "phone"})
    with pytest.raises(InvalidTimeline, match="before reported_at"):
        store.record_event(before_report)
    assert len(store.events_for("ticket:T1")) == 1
    assert sql_rows(path, "SELECT count(*) FROM outbox") == [(2,)]


def test_changing_the_organisation_profile_folds_its_tickets_again(store: Store) -> None:
    store.record_event(report())
    store.record_event(ev("org:halt", "organisation_updated", "12 10:01", {"profile": "desom"}))
    ticket = store.ticket("T1")
    # desom: a P2 gets a reaction within half a working hour.
    assert ticket is not None and ticket.next_due == t("12 10:30")


def test_refresh_evaluates_open_tickets_again_at_the_current_time(path: Path) -> None:
    moments = [NOW]
    with Store.open(path, clock=lambda: moments[-1]) as store:
        store.record_events([org(), report()])
        moments.append(t("12 11:30"))  # the reaction deadline (11:00) has passed
        assert store.refresh_tickets() == 1
        ticket = store.ticket("T1")
    assert ticket is not None
    assert ticket.within_norm is False
    # No response yet: the overdue reaction stays the most pressing deadline (shown as late).
    assert ticket.next_due == t("12 11:00")


# --- published contract profiles ------------------------------------------------------------


def quick_profile(reaction_p2: str) -> dict[str, Any]:
    """`data` of a published `halt-snel` profile: halt with another P2 reaction target."""
    text = (profiles_dir() / "halt.toml").read_text(encoding="utf-8")
    text = text.replace('name = "halt"', 'name = "halt-snel"', 1)
    return {"toml": text.replace('P2 = "1h", P3 = "4h"', f'P2 = "{reaction_p2}", P3 = "4h"', 1)}


def test_a_ticket_follows_the_published_profile_of_its_organisation(store: Store) -> None:
    store.record_event(
        ev("profile:halt-snel", "profile_registered", "04 08:00", quick_profile("2h"))
    )
    store.record_event(org("snel", "halt-snel"))
    store.record_event(report(org="snel"))
    view = store.ticket("T1")
    assert view is not None and view.next_due == t("12 12:00")
    assert store.organisation_contract("snel").name == "halt-snel"


def test_an_updated_profile_folds_the_tickets_that_use_it_again(store: Store) -> None:
    store.record_event(
        ev("profile:halt-snel", "profile_registered", "04 08:00", quick_profile("2h"))
    )
    store.record_event(org("snel", "halt-snel"))
    store.record_event(report(org="snel"))
    store.record_event(ev("profile:halt-snel", "profile_updated", "05 08:00", quick_profile("3h")))
    view = store.ticket("T1")
    assert view is not None and view.next_due == t("12 13:00")


def test_a_published_document_overrides_the_built_in_profile_of_that_name(store: Store) -> None:
    document = quick_profile("2h")
    document["toml"] = document["toml"].replace('name = "halt-snel"', 'name = "halt"', 1)
    store.record_event(report())
    store.record_event(ev("profile:halt", "profile_registered", "04 08:00", document))
    view = store.ticket("T1")
    assert view is not None and view.next_due == t("12 12:00")


def test_a_malformed_published_profile_is_refused_and_not_stored(store: Store) -> None:
    with pytest.raises(InvalidProfile, match=r"clocks\.reaction\.targets\.P2"):
        store.record_event(
            ev("profile:halt-snel", "profile_registered", "04 08:00", quick_profile("soon"))
        )
    assert store.events_for("profile:halt-snel") == []
    with pytest.raises(UnknownProfile):
        store.profile("halt-snel")


def test_a_profile_update_before_its_registration_is_refused(store: Store) -> None:
    with pytest.raises(UnknownStream, match="before the profile was registered"):
        store.record_event(
            ev("profile:halt-snel", "profile_updated", "04 08:00", quick_profile("2h"))
        )
