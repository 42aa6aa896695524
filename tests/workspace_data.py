"""A cache whose ids look nothing like their names (organisation `hx42` is "Stichting Halt",
depot `dep-5521` is "Depot Utrecht", agent `agent:s.vssr` is "Sanne Visser" …), and a
ticket with every kind of timeline entry, for the ticket workspace and "names everywhere".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from halt_desk.desk.actions import Action, ActionRequest, record_action, record_uplift
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.limits import FIELD_LIMITS
from halt_desk.domain.swaps import SwapMode
from halt_desk.domain.uplift import RoleType, UpliftRequest
from halt_desk.logistics.swap_steps import SwapPlan, open_swap, ship_loaner
from halt_desk.store import Store
from tests.desk_data import SETUP
from tests.swap_data import ALL_PASS, MODEL

ORG, EMPLOYEE, LOCATION, DEPOT = "hx42", "emp-7781", "loc-3390", "dep-5521"
AGENT, ENGINEER, LOGISTICS = "agent:s.vssr", "field:p.grt", "logistics:k.brw"
#: Every id of this cache: none may show where a person reads.
IDS = (ORG, EMPLOYEE, LOCATION, DEPOT, AGENT, ENGINEER, LOGISTICS, "s.vssr", "p.grt", "k.brw")
#: How the ids read on screen.
NAMES = {
    ORG: "Stichting Halt",
    EMPLOYEE: "Anna de Vries",
    LOCATION: "Regiokantoor Utrecht",
    DEPOT: "Depot Utrecht",
    AGENT: "Sanne Visser",
    ENGINEER: "Pieter de Groot",
    LOGISTICS: "Kees Brouwer",
}
TAG = "HALT-LT-00001"


def named_reference_events() -> list[Event]:
    def reg(stream: str, kind: str, data: dict[str, object]) -> Event:
        return new_event(stream, kind, SETUP, "admin", data)

    employee = {
        "org": ORG,
        "name": NAMES[EMPLOYEE],
        "email": "a.devries@example.nl",
        "phone": "06-12345678",
        "location": LOCATION,
        "role": "Halt-medewerker",
    }
    depot = {"name": NAMES[DEPOT], "city": "Utrecht", "minimum": {MODEL: 2}, "lead_minutes": 180}
    events = [
        reg(f"org:{ORG}", "organisation_registered", {"name": NAMES[ORG], "profile": "halt"}),
        reg(f"location:{LOCATION}", "location_registered", {"name": NAMES[LOCATION]}),
        reg(f"employee:{EMPLOYEE}", "employee_registered", employee),
        reg(f"depot:{DEPOT}", "depot_registered", depot),
    ]
    for user in (AGENT, ENGINEER, LOGISTICS):
        role = user.partition(":")[0]
        events.append(reg(f"staff:{user}", "staff_registered", {"name": NAMES[user], "role": role}))
    for number in (1, 2, 3):
        stream = f"device:HALT-LT-{number:05d}"
        data = {"serial": f"SN{number:06d}X", "model": MODEL, "type": "laptop", "org": ORG}
        events.append(reg(stream, "device_registered", data | {"depot": DEPOT}))
        events.append(reg(stream, "readiness_checked", ALL_PASS))
    return events


def named_store(store: Store) -> None:
    store.record_events(named_reference_events(), bulk=True)


def _reported_long_ago(store: Store, summary: str, at: datetime) -> str:
    """A ticket reported before the text limits, as a sync brings it in."""
    ticket = "HX42-2026-LANG0001"
    data = {
        "org": ORG,
        "caller": EMPLOYEE,
        "summary": summary,
        "channel": "phone",
        "category": "werkplek",
        "priority": "P2",
    }
    seq = store.last_pulled_seq() + 1
    store.ingest_remote([(seq, new_event(f"ticket:{ticket}", "ticket_reported", at, AGENT, data))])
    return ticket


def long_caller(store: Store) -> None:
    """The caller's directory entry as a sync may bring it: a very long name and e-mail."""
    data = {
        "org": ORG,
        "name": "Anna Maria Johanna Wilhelmina " * 12 + "de Vries",
        "email": "anna.maria.johanna.wilhelmina.de.vries." * 6 + "@example.nl",
        "phone": "06-12345678 / 030-1234567 (alleen dinsdag en donderdag tussen 9 en 12 uur)",
        "location": LOCATION,
    }
    sent = {e.id: seq for seq, e in enumerate(store.pending_outbox(10_000), start=1)}
    store.mark_sent(sent)  # central has what was recorded here: the update folds after it
    event = new_event(f"employee:{EMPLOYEE}", "employee_updated", SETUP, "admin", data)
    store.ingest_remote([(len(sent) + 1, event)])


def busy_ticket(
    store: Store,
    now: datetime,
    summary: str = "Laptop start niet op",
    notes: int = 0,
    close: bool = False,
    loaner: str = TAG,
) -> str:
    """A ticket with every kind of entry (report, priority change, refused and granted
    uplift, assignment, contact, notes, field work, a planned and shipped swap, resolution,
    satisfaction when `close`) plus `notes` extra notes, ending at about `now`."""
    start = now - timedelta(hours=3)
    if len(summary) > FIELD_LIMITS["summary"].chars:  # from before the limits: pulled
        ticket = _reported_long_ago(store, summary, start)
    else:
        intake = Intake(
            EMPLOYEE, summary, "phone", "werkplek", "one", "stopped",
            priority_override="P2", override_reason="Hele team kan niet werken",
        )  # fmt: skip
        ticket = record_intake(store, intake, AGENT, start)

    def act(minutes: int, action: Action, **fields: object) -> None:
        request = ActionRequest(action, **fields)  # type: ignore[arg-type]
        record_action(store, ticket, request, AGENT, start + timedelta(minutes=minutes))

    act(4, Action.FIRST_RESPONSE, channel="phone", text="Melder teruggebeld")
    refused = UpliftRequest(True, False, False, RoleType.COURT_SESSION, "Zitting om 14:00")
    record_uplift(store, ticket, refused, AGENT, start + timedelta(minutes=6))
    act(8, Action.ASSIGNED, to=ENGINEER)
    act(10, Action.COMMENT, text="Collega van de melder heeft hetzelfde probleem.")
    act(12, Action.STATUS_UPDATE, text="Monteur komt vanmiddag langs.", channel="email")
    act(14, Action.ONSITE_REQUESTED)
    extra = {"home_address": "Dorpsstraat 1, Zwolle"}
    act(16, Action.SWAP_REQUESTED, extra=extra)
    plan = SwapPlan(SwapMode.COURIER, DEPOT, loaner)
    swap, _events = open_swap(store, ticket, plan, LOGISTICS, start + timedelta(minutes=20))
    ship_loaner(store, swap, "postnl", "3SHLTD123456789", LOGISTICS, start + timedelta(minutes=30))
    act(40, Action.WAITING_ON_USER, text="Melder is in overleg tot 11:00.")
    act(60, Action.RESUMED)
    for n in range(notes):
        act(
            61 + n % 50, Action.COMMENT, text=f"Aantekening {n + 1}: gebeld, voicemail ingesproken."
        )
    act(120, Action.WORKAROUND, text="Werkt op een leenlaptop.")
    act(150, Action.PRODUCTIVE_AGAIN, extra={"confirmed_by": NAMES[EMPLOYEE]})
    granted = UpliftRequest(True, True, True, RoleType.CLASS_OR_GROUP, "Geeft om 15:00 les.")
    record_uplift(store, ticket, granted, AGENT, start + timedelta(minutes=155))
    act(170, Action.RESOLVED, text="Moederbord vervangen; laptop start weer.")
    if close:
        act(175, Action.CLOSED, score=9)
    return ticket
