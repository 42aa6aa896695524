"""A depot with ready loaners and a ticket that asks for a swap, for swap and scan tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.swaps import SwapMode
from halt_desk.logistics.swap_steps import (
    SwapPlan,
    deliver,
    open_swap,
    receive_device,
    ship_loaner,
)
from halt_desk.store import Store
from tests.desk_data import SETUP

ALL_PASS = {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True}
MODEL = "Dell Latitude 5450"
HOME = "Dorpsstraat 1, 8011 AB Zwolle"
DEPOT = "depot-utrecht"


def depot_events() -> list[Event]:
    def reg(stream: str, kind: str, data: dict[str, object]) -> Event:
        return new_event(stream, kind, SETUP, "admin", data)

    return [
        reg(
            f"depot:{DEPOT}",
            "depot_registered",
            {
                "name": "Depot Utrecht",
                "city": "Utrecht",
                "minimum": {MODEL: 2},
                "lead_minutes": 180,
            },
        ),
        reg(
            "depot:depot-zwolle",
            "depot_registered",
            {"name": "Depot Zwolle", "minimum": {MODEL: 1}, "lead_minutes": 600},
        ),
    ]


def loaner_events(count: int = 3, depot: str = DEPOT, start: int = 1) -> list[Event]:
    events: list[Event] = []
    for number in range(start, start + count):
        stream = f"device:HALT-LT-{number:05d}"
        data = {"serial": f"SN{number:06d}X", "model": MODEL, "type": "laptop", "org": "halt"}
        events.append(
            new_event(stream, "device_registered", SETUP, "depot", data | {"depot": depot})
        )
        events.append(new_event(stream, "readiness_checked", SETUP, "depot", ALL_PASS))
    return events


def swap_ticket(
    store: Store, now: datetime, address: str | None = HOME, priority: str = "P2"
) -> str:
    """A ticket of one employee whose laptop broke (`priority` set by the agent), with a
    swap requested."""
    ticket = record_intake(
        store,
        Intake(
            caller="e1",
            summary="Laptop defect",
            channel="phone",
            category="werkplek",
            impact="one",
            urgency="stopped",
            priority_override=priority,
            override_reason="laptop kapot, werk ligt stil",
        ),
        "agent-1",
        now,
    )
    extra = {"home_address": address} if address else {}
    record_action(store, ticket, ActionRequest(Action.SWAP_REQUESTED, extra=extra), "agent-1", now)
    return ticket


def closed_swap(store: Store, at: datetime, tag: str = "HALT-LT-00001") -> tuple[str, str]:
    """A courier swap with a home address, closed at `at` + 2 h and sent to central."""
    ticket = swap_ticket(store, at)
    plan = SwapPlan(SwapMode.COURIER, DEPOT, tag, home_address="Nieuw 2")
    swap, _ = open_swap(store, ticket, plan, "d", at)
    ship_loaner(store, swap, "postnl", "3SHLTD123456789", "d", at + timedelta(minutes=1))
    deliver(store, swap, "d", at + timedelta(minutes=60))
    receive_device(store, tag, DEPOT, "d", at + timedelta(minutes=120))
    store.mark_sent([e.id for e in store.pending_outbox(1000)])
    return ticket, swap
