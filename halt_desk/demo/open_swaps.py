"""The demo's open loaner swaps: Halt tickets reported in the last business days whose
swaps are, at the moment the demo starts, in every step of the logistics queue (to plan,
reserve, ship, issue onsite, in transit, with the employee, return in transit).

They are planned backwards from `now` in business minutes, after every other ticket,
with chance of their own (the rest of the data set stays as it was), and recorded with
the events the logistics workflow records (`halt_desk.logistics.swap_steps`): the swap
opened with its plan, the loaner reserved, shipped with its courier's statuses or issued
on site, delivered (the ticket's swap clock stops), the secure pickup on its way back.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from halt_desk.demo.business_minutes import BusinessMinutes
from halt_desk.demo.event_log import EventLog
from halt_desk.demo.halt_plan import HALT_INTAKE
from halt_desk.demo.loaner_stock import LoanerStock
from halt_desk.demo.own_devices import loaner_back, own_device_moves
from halt_desk.demo.reference import DESK_AGENTS, FIELD_ENGINEERS, LOGISTICS_STAFF, Employee
from halt_desk.demo.sample_texts import HALT_SUMMARIES

#: The steps a swap reaches, in order; a scenario stops after its last step.
STEPS = (
    "requested",
    "opened",
    "reserved",
    "shipped",
    "failed_attempt",
    "delivered",
    "return_shipped",
)


@dataclass(frozen=True, slots=True)
class Scenario:
    """One open swap: how far it got, how long before `now` (in business days) its
    ticket was reported, its priority and how the loaner travels."""

    last_step: str
    days_ago: float
    priority: str
    mode: str  # courier | onsite
    own_device: str = ""  # how far the employee's own device got (demo.own_devices)


#: One open swap per step of the queue (two ways to be in transit and with the employee).
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("requested", 0.15, "P2", "courier"),  # to plan
    Scenario("opened", 0.3, "P3", "courier"),  # reserve a loaner
    Scenario("reserved", 0.5, "P3", "courier"),  # to ship
    Scenario("reserved", 0.35, "P2", "onsite"),  # issue onsite
    Scenario("shipped", 0.9, "P3", "courier"),  # in transit
    Scenario("failed_attempt", 1.4, "P3", "courier"),  # in transit, a failed attempt
    Scenario("delivered", 1.8, "P3", "courier"),  # with the employee
    Scenario("delivered", 1.2, "P3", "onsite"),  # issued on site, with the employee
    Scenario("return_shipped", 2.6, "P3", "courier"),  # return in transit
    # The employee's own device: diagnosed at the depot (loaner still with the employee);
    # wiped, with the loaner back already (the swap waits for the old device alone).
    Scenario("delivered", 2.2, "P3", "courier", "diagnosed"),
    Scenario("return_shipped", 3.0, "P3", "courier", "wiped"),
)
#: Minutes between status updates to the caller, within the update clock's target.
_UPDATE_EVERY = {"P1": 25, "P2": 100, "P3": 420, "P4": 0}
#: Business minutes after the report at which each step happens (a share of the time
#: between the report and `now` for the steps that move the loaner).
_REQUEST_AFTER = 12
_OPEN_AFTER = 25


@dataclass(frozen=True, slots=True)
class OpenSwapDesk:
    """What the open swaps share with the rest of the data set."""

    rng: random.Random
    cal: BusinessMinutes
    log: EventLog
    loaners: LoanerStock
    ticket_id: Callable[[datetime], str]


def plan_open_swaps(
    desk: OpenSwapDesk, employees: tuple[Employee, ...], now: datetime
) -> list[tuple[str, datetime, str, str, str]]:
    """Reports a ticket per scenario and records its swap up to its step, all before
    `now`; returns (ticket id, reported at, caller, summary, priority) of each."""
    cal, rng = desk.cal, desk.rng
    last = cal.index_of(now)
    while cal.at(last) > now:
        last -= 1
    staff = [e for e in employees if e.org == "halt"]
    hardware = [s for s in HALT_SUMMARIES["P3"] if s[2] == "hardware"]
    reported: list[tuple[str, datetime, str, str, str]] = []
    for scenario in SCENARIOS:
        start = last - max(60, round(scenario.days_ago * cal.width))
        caller = rng.choice(staff)
        summary, category, _ = rng.choice(hardware)
        at = cal.at(start)
        ticket = desk.ticket_id(at)
        if _record(desk, scenario, ticket, caller, (summary, category), start, last):
            reported.append((ticket, at, caller.id, summary, scenario.priority))
    return reported


def _record(
    desk: OpenSwapDesk,
    scenario: Scenario,
    ticket: str,
    caller: Employee,
    what: tuple[str, str],
    start: int,
    last: int,
) -> bool:
    """One scenario's ticket and swap; False (nothing recorded) when no loaner is ready."""
    rng, loaners = desk.rng, desk.loaners
    swap = f"{ticket}-SWAP1"
    steps = STEPS[: STEPS.index(scenario.last_step) + 1]
    held = loaners.hold(caller.region, start + _OPEN_AFTER) if "reserved" in steps else None
    if "reserved" in steps and held is None:
        return False
    agent, staff = rng.choice(DESK_AGENTS), rng.choice(LOGISTICS_STAFF)
    engineer = rng.choice(FIELD_ENGINEERS)
    # Where the loaner moves: spread over the time between the swap's opening and now.
    span = max(6, last - start - _OPEN_AFTER)
    moment = {
        step: start + _OPEN_AFTER + round(span * share)
        for step, share in (("reserved", 0.05), ("shipped", 0.15), ("delivered", 0.45))
    }
    moment["return_shipped"] = last - max(2, span // 6)
    events: list[tuple[int, str, str, str, dict[str, Any]]] = []
    ticket_stream, swap_stream = f"ticket:{ticket}", f"swap:{swap}"
    impact, urgency = HALT_INTAKE[scenario.priority]
    address = loaners.home_address(caller.region)
    report = {
        "org": "halt",
        "caller": caller.id,
        "summary": what[0],
        "channel": "phone",
        "category": what[1],
        "priority": scenario.priority,
        "intake": {"impact": impact, "urgency": urgency, "security": False},
    }
    events += [
        (start, ticket_stream, "ticket_reported", agent, report),
        (start + 2, ticket_stream, "assigned", agent, {"to": agent}),
        (start + 4, ticket_stream, "first_response", agent, {"channel": "phone"}),
    ]
    request: dict[str, Any] = {"swap": swap}
    if scenario.mode == "courier":
        request["home_address"] = address
    events.append((start + _REQUEST_AFTER, ticket_stream, "swap_requested", agent, request))
    if "opened" in steps:
        plan: dict[str, Any] = {"ticket": ticket, "org": "halt", "mode": scenario.mode}
        plan["depot"] = held[1] if held else loaners.depot_for(caller.region)
        if scenario.mode == "onsite":
            plan["engineer"] = engineer
        events.append((start + _OPEN_AFTER, swap_stream, "swap_opened", staff, plan))
    if held is not None:
        events += _loaner_moves(desk, scenario, steps, moment, ticket, swap, held[0].asset_tag)
        if scenario.own_device:
            number = SCENARIOS.index(scenario)
            events += own_device_moves(
                scenario.own_device, number, swap, ticket, moment["delivered"], last, staff,
                held[1],
            )  # fmt: skip
            if scenario.own_device == "wiped":
                events += loaner_back(swap, held[0].asset_tag, held[1], last, staff)
    resolved = _ticket_after_delivery(events, steps, moment, ticket_stream, swap, agent)
    events += _status_updates(
        scenario.priority, start + 4, min(resolved, last), ticket_stream, agent
    )
    for b, stream, event_type, actor, data in sorted(events, key=lambda e: e[0]):
        desk.log.add(stream, event_type, desk.cal.at(min(b, last)), actor, data)
    return True


def _loaner_moves(
    desk: OpenSwapDesk,
    scenario: Scenario,
    steps: tuple[str, ...],
    moment: dict[str, int],
    ticket: str,
    swap: str,
    tag: str,
) -> list[tuple[int, str, str, str, dict[str, Any]]]:
    """The loaner's events (reserved, shipped or issued on site, delivered, picked up
    again) and its courier legs' statuses, as far as the scenario goes."""
    loaners, rng = desk.loaners, desk.rng
    staff = rng.choice(LOGISTICS_STAFF)
    device = f"device:{tag}"
    moves: list[tuple[int, str, str, str, dict[str, Any]]] = [
        (moment["reserved"], device, "device_reserved", staff, {"swap": swap, "ticket": ticket})
    ]
    delivered = moment["delivered"] if "delivered" in steps else None
    if scenario.mode == "onsite":
        if delivered is not None:
            issued = {"swap": swap, "ticket": ticket}
            moves += [
                (delivered, device, "device_issued_onsite", staff, issued),
                (delivered, device, "device_delivered", staff, {"swap": swap}),
            ]
    elif "shipped" in steps:
        outbound = loaners.courier()
        shipped = {"swap": swap, **outbound}
        moves.append((moment["shipped"], device, "device_shipped", staff, shipped))
        legs = loaners.shipment(moment["shipped"], moment["delivered"], "out", outbound)
        if delivered is None:  # still on its way: as far as the courier got
            legs = legs[:-1] if "failed_attempt" in steps else legs[:3]
        if "failed_attempt" in steps and delivered is None:
            failed = dict(legs[-1][3], status="failed_attempt")
            legs.append((moment["delivered"], legs[-1][1], "shipment_status", failed))
        moves += [(b, f"swap:{swap}", kind, staff, data) for b, _, kind, data in legs]
        if delivered is not None:
            moves.append((delivered, device, "device_delivered", staff, {"swap": swap}))
    if "return_shipped" in steps:
        inbound = loaners.courier()
        back = moment["return_shipped"]
        moves.append((back, device, "device_return_shipped", staff, {"swap": swap, **inbound}))
        picked_up = {"leg": "return", **inbound, "status": "picked_up", "source": "manual"}
        moves.append((back, f"swap:{swap}", "shipment_status", staff, picked_up))
    return moves


def _ticket_after_delivery(
    events: list[tuple[int, str, str, str, dict[str, Any]]],
    steps: tuple[str, ...],
    moment: dict[str, int],
    stream: str,
    swap: str,
    agent: str,
) -> int:
    """The ticket's swap clock stops at delivery; the employee works again and the ticket
    is resolved. Returns the minute it was resolved (far ahead when it is still open)."""
    if "delivered" not in steps:
        return 1 << 62
    delivered = moment["delivered"]
    events += [
        (delivered, stream, "swap_delivered", agent, {"swap": swap}),
        (delivered + 20, stream, "productive_again", agent, {}),
        (delivered + 40, stream, "resolved", agent, {"resolution": "Leenlaptop in gebruik."}),
    ]
    return delivered + 40


def _status_updates(
    priority: str, first: int, until: int, stream: str, agent: str
) -> list[tuple[int, str, str, str, dict[str, Any]]]:
    """Status updates to the caller within the update clock's target, until `until`."""
    every = _UPDATE_EVERY[priority]
    if not every:
        return []
    return [
        (b, stream, "status_update", agent, {"channel": "phone"})
        for b in range(first + every, until, every)
    ]
