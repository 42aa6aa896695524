"""An escalation register for GUI tests and screenshots (issue 23), on the small directory
of `tests.desk_data` (NOW: Tuesday 12 January 2027 10:00): a service manager (regie) and
an administrator, three P1 tickets, and

* ESC-2027000001 — N1, open, registered Monday 11 January 14:00: its start clock runs;
* ESC-2027000002 — N2, open since Monday 4 January 09:00, met with the provider, two
  actions, no weekly update: the update is missed;
* ESC-2026000007 — N1, closed on Friday 8 January with its evaluation;
* ESC-2027000003 — a suggestion (a P1 ticket breached its norm), not yet handled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from halt_desk.domain.events import Event, new_event
from tests.desk_data import SETUP

REGIE = "regie:marieke.bos"
ADMIN = "admin:joost.smit"
N1, N2, CLOSED, SUGGESTION = "ESC-2027000001", "ESC-2027000002", "ESC-2026000007", "ESC-2027000003"
TICKETS = ("HALT-2027-000101", "HALT-2027-000102", "HALT-2027-000103")


def at(local: str) -> datetime:
    return datetime.fromisoformat(local.replace(" ", "T") + ":00+01:00")


def people() -> list[Event]:
    return [
        new_event(
            "staff:" + REGIE, "staff_registered", SETUP, "admin",
            {"name": "Marieke Bos", "role": "regie", "org": "halt"},
        ),
        new_event(
            "staff:" + ADMIN, "staff_registered", SETUP, "admin",
            {"name": "Joost Smit", "role": "admin"},
        ),
    ]  # fmt: skip


def tickets() -> list[Event]:
    found = []
    for number, reported in zip(
        TICKETS, ("2027-01-11 09:00", "2027-01-11 11:00", "2027-01-12 08:30"), strict=True
    ):
        data = {"org": "halt", "caller": "e1", "summary": "VPN valt steeds weg",
                "channel": "phone", "priority": "P1", "category": "netwerk"}  # fmt: skip
        found.append(new_event(f"ticket:{number}", "ticket_reported", at(reported), "agent", data))
    return found


def _esc(key: str, kind: str, when: str, data: dict[str, Any], actor: str = REGIE) -> Event:
    return new_event(f"escalation:{key}", kind, at(when), actor, data)


def register_events() -> list[Event]:
    """The four escalations of the module's docstring, in time order per stream."""
    first, second, third = TICKETS
    return [
        _esc(CLOSED, "escalation_registered", "2026-12-21 10:00", {
            "org": "halt", "supplier": "Netwerkpartner BV",
            "description": "Printers op locatie Zwolle vallen uit",
            "classification": "operational", "level": "N1", "tickets": [], "breaches": []}),
        _esc(CLOSED, "escalation_informed", "2026-12-21 11:00", {"who": "internal"}),
        _esc(CLOSED, "escalation_closed", "2027-01-08 15:00", {
            "quality": 7, "speed": 6, "cooperation": 8,
            "lessons": "Reserveprinter op elke locatie"}),
        _esc(N2, "escalation_registered", "2027-01-04 09:00", {
            "org": "halt", "supplier": "Netwerkpartner BV",
            "description": "VPN valt structureel weg bij thuiswerkers",
            "classification": "beyond_operational", "level": "N2",
            "tickets": [first, second], "breaches": [f"{first}:reaction"]}),
        _esc(N2, "escalation_informed", "2027-01-04 11:00", {"who": "internal"}),
        _esc(N2, "escalation_informed", "2027-01-04 11:30", {"who": "information_manager"}),
        _esc(N2, "escalation_meeting_held", "2027-01-06 14:00", {
            "notes": "Leverancier onderzoekt de VPN-concentrator"}),
        _esc(N2, "escalation_action_added", "2027-01-06 15:00", {
            "action": "Firmware VPN-concentrator bijwerken", "owner": "agent:linda.dekker",
            "due": "2027-01-15"}),
        _esc(N2, "escalation_action_added", "2027-01-06 15:05", {
            "action": "Rapport storingsoorzaak opleveren", "owner": "Leverancier (P. Peters)",
            "due": "2027-01-20"}),
        _esc(N2, "escalation_action_updated", "2027-01-08 10:00", {
            "action": "Firmware VPN-concentrator bijwerken", "status": "in_progress"}),
        _esc(N1, "escalation_registered", "2027-01-11 14:00", {
            "org": "halt", "supplier": "Netwerkpartner BV",
            "description": "P1 zonder reactie binnen de norm",
            "classification": "operational", "level": "N1",
            "tickets": [second], "breaches": [f"{second}:reaction"]}),
        _esc(SUGGESTION, "escalation_suggested", "2027-01-12 09:00", {
            "org": "halt", "trigger": "p1_breached", "level": "N1",
            "evidence": {"tickets": [third], "breaches": [f"{third}:reaction"],
                         "detail": "P1 reaction breached"}}, actor="system"),
    ]  # fmt: skip


def register_store_events() -> list[Event]:
    """People, tickets and the register, ready for `Store.record_events(..., bulk=True)`."""
    return [*people(), *tickets(), *register_events()]
