"""A field engineer's whole day offline: the work taken along in the morning, about 50
onsite actions over 6 tickets with central down, two restarts of the app (one of them a
real process that records and exits), then central back: every action arrives exactly once
with its original time, and the onsite, swap and MTTP figures equal `halt-desk sla check`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from halt_desk.central.embedded import EmbeddedServer
from halt_desk.desk.board import evaluate_ticket
from halt_desk.field.onsite import FieldRequest, record_field_action, sla_timeline
from halt_desk.field.packet import take_work_along
from halt_desk.field.route import FieldAction, my_tickets
from tests.sync_support import ALL_PASS, Desk, Laptop, wire

REPO = Path(__file__).resolve().parents[2]
ENGINEER = "field-a"
STEP = timedelta(minutes=7)  # the engineer's pace: one action every 7 minutes

#: The child: reopens the cache in a new process, records the day's actions on some
#: tickets with the laptop clock `delta` minutes ahead of the real time, and exits.
CHILD = """
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from halt_desk.field.onsite import FieldRequest, record_field_action
from halt_desk.field.route import FieldAction
from halt_desk.store import Store
from halt_desk.sync import ServerClock
from tests.integration.test_field_day import day_plan

path, delta, tickets = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3].split(",")
shift = [timedelta(minutes=delta)]
clock = ServerClock(lambda: datetime.now(UTC).astimezone() + shift[0])
with Store.open(path, recording_clock=clock, clock=clock.now) as store:
    clock.attach(store)
    for ticket, request in day_plan(tickets, set(sys.argv[4].split(","))):
        record_field_action(store, ticket, request, "field-a", clock.now())
        shift[0] += timedelta(minutes=7)
print(shift[0].total_seconds() / 60, flush=True)
"""


def day_plan(tickets: list[str], with_swap: set[str]) -> list[tuple[str, FieldRequest]]:
    """The actions of the day on `tickets`, in order: 8 per ticket, 10 with a swap."""
    plan: list[tuple[str, FieldRequest]] = []
    for ticket in tickets:
        plan += [
            (ticket, FieldRequest(FieldAction.ARRIVED, text="bij de receptie")),
            (ticket, FieldRequest(FieldAction.COMMENT, text="Laptop start niet, BIOS-fout")),
            (ticket, FieldRequest(FieldAction.WORKAROUND, text="werkt op de vaste pc")),
        ]
        if ticket in with_swap:
            tag = "HALT-LT-00001" if ticket.endswith("FD1") else "HALT-LT-00002"
            plan += [
                (ticket, FieldRequest(FieldAction.LOANER_ISSUED, asset_tag=tag)),
                (
                    ticket,
                    FieldRequest(
                        FieldAction.OLD_DEVICE_COLLECTED, asset_tag=tag[:-2] + "9" + tag[-1]
                    ),
                ),
            ]
        plan += [
            (ticket, FieldRequest(FieldAction.COMMENT, text="gegevens teruggezet")),
            (ticket, FieldRequest(FieldAction.COMMENT, text="printer gekoppeld")),
            (ticket, FieldRequest(FieldAction.PRODUCTIVE_AGAIN, confirmed_by="teamleider")),
            (ticket, FieldRequest(FieldAction.COMMENT, text="uitleg gegeven")),
            (ticket, FieldRequest(FieldAction.RESOLVED, text="opgelost op locatie")),
        ]
    return plan


def seed_day(desk: Desk, reported: datetime) -> dict[str, str | None]:
    """Six tickets assigned to the engineer with onsite requested, two with an onsite swap
    and a reserved loaner; returns ticket → the loaner to hand over (or None)."""
    at = reported
    desk.seed(
        "admin",
        [
            wire("location:halt-utrecht", "location_registered",
                 {"org": "halt", "name": "Regiokantoor Utrecht", "city": "Utrecht"}, at),
            wire("location:halt-zwolle", "location_registered",
                 {"org": "halt", "name": "Regiokantoor Zwolle", "city": "Zwolle"}, at),
            wire("depot:depot-u", "depot_registered", {"name": "Depot Utrecht"}, at),
        ],
    )  # fmt: skip
    devices = []
    for n in (1, 2):
        stream = f"device:HALT-LT-{n:05d}"
        data = {"serial": f"SN{n}", "model": "Latitude", "type": "laptop", "org": "halt"}
        devices += [
            wire(stream, "device_registered", data | {"depot": "depot-u"}, at),
            wire(stream, "readiness_checked", ALL_PASS, at),
        ]
    desk.seed("depot-a", devices)
    loaners: dict[str, str | None] = {}
    agent: list[dict[str, Any]] = []
    for n in range(1, 7):
        ticket, stream = f"HALT-2027-FD{n}", f"ticket:HALT-2027-FD{n}"
        report = {"org": "halt", "caller": "e1", "summary": f"Storing {n}", "channel": "phone",
                  "priority": "P2" if n % 2 else "P3", "location":
                  "halt-utrecht" if n <= 3 else "halt-zwolle"}  # fmt: skip
        agent += [
            wire(stream, "ticket_reported", report, at),
            wire(stream, "assigned", {"to": ENGINEER}, at),
            wire(stream, "onsite_requested", {}, at),
        ]
        loaners[ticket] = None
        if n in (1, 4):
            swap = f"{ticket}-SWAP1"
            agent += [
                wire(stream, "swap_requested", {"home_address": f"Laan {n}, Utrecht"}, at),
                wire(f"swap:{swap}", "swap_opened", {"ticket": ticket, "org": "halt",
                     "mode": "onsite", "depot": "depot-u", "engineer": ENGINEER}, at),
            ]  # fmt: skip
            loaners[ticket] = f"HALT-LT-{1 if n == 1 else 2:05d}"
    desk.seed("agent-a", agent)
    desk.seed(
        "depot-a",
        [
            wire(f"device:{tag}", "device_reserved", {"swap": f"{t}-SWAP1", "ticket": t}, at)
            for t, tag in loaners.items()
            if tag
        ],
    )
    return loaners


def run_sla_check(document: dict[str, Any], folder: Path) -> dict[str, Any]:
    path = folder / "timelines.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    exe = Path(sys.executable).with_name("halt-desk")
    done = subprocess.run(
        [str(exe), "sla", "check", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_a_whole_day_offline_arrives_once_with_its_times_and_figures(tmp_path: Path) -> None:
    desk = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    start = datetime.now(UTC).astimezone()
    loaners = seed_day(desk, start - timedelta(hours=3))
    tickets = sorted(loaners)
    swapped = {t for t, tag in loaners.items() if tag}
    cache = tmp_path / "field-laptop.sqlite3"
    shift = [timedelta(0)]

    def device_clock() -> datetime:
        return datetime.now(UTC).astimezone() + shift[0]

    def open_laptop(url: str) -> Laptop:
        return Laptop(cache, url, desk.tokens[ENGINEER], ENGINEER, device_clock)

    def record(laptop: Laptop, plan: list[tuple[str, FieldRequest]]) -> None:
        for ticket, request in plan:
            record_field_action(laptop.store, ticket, request, ENGINEER, laptop.clock.now())
            shift[0] += STEP

    # Morning at the office: take today's work along, complete.
    with EmbeddedServer(desk.central) as server:
        port, url = server.port, server.url
        laptop = open_laptop(url)
        ready = take_work_along(laptop.store, ENGINEER, laptop.engine.sync_once, laptop.clock.now)
        assert ready.complete, ready
        assert sorted(ready.tickets) == tickets
    # On the road, central unreachable.
    record(laptop, day_plan(tickets[:2], swapped))
    assert laptop.engine.sync_once().error is not None  # offline: nothing is lost
    laptop.close()  # restart 1: the app closes and reopens its cache
    laptop = open_laptop(url)
    record(laptop, day_plan(tickets[2:3], swapped))
    laptop.close()
    # Restart 2: a real new process records the next tickets and exits.
    env = {**os.environ, "PYTHONPATH": str(REPO), "HALT_DESK_DATA_DIR": str(tmp_path)}
    child = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), str(cache),
         str(shift[0].total_seconds() / 60), ",".join(tickets[3:5]), ",".join(swapped)],
        env=env, capture_output=True, text=True, timeout=120, cwd=REPO,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr
    shift[0] = timedelta(minutes=float(child.stdout.strip()))
    laptop = open_laptop(url)
    record(laptop, day_plan(tickets[5:], swapped))
    local = {
        e.id: e
        for t in tickets
        for e in laptop.store.events_for(f"ticket:{t}")
        if e.actor == ENGINEER
    }
    local.update(
        {
            e.id: e
            for tag in ("HALT-LT-00001", "HALT-LT-00002", "HALT-LT-00091", "HALT-LT-00092")
            for e in laptop.store.events_for(f"device:{tag}")
            if e.actor == ENGINEER
        }
    )
    assert len(local) >= 50
    assert laptop.store.outbox_size() == len(local)

    # Back online: one sync sends it all.
    with EmbeddedServer(desk.central, port=port):
        summary = laptop.engine.sync_once()
        assert summary.error is None and summary.rejected_total == 0, summary
        assert summary.outbox == 0
        assert laptop.engine.sync_once().pushed == 0  # nothing twice
    central = desk.events()
    ids = [event.id for _, event in central]
    assert len(ids) == len(set(ids))
    arrived = {event.id: event for _, event in central if event.id in local}
    assert set(arrived) == set(local)
    for event_id, event in local.items():
        assert arrived[event_id].at == event.at
        assert arrived[event_id].data["device_at"] == event.data["device_at"]
        assert arrived[event_id].data == dict(event.data)

    # The figures: local evaluation (what the field view shows) = `halt-desk sla check`.
    now = start + timedelta(hours=12)
    streams: dict[str, list[Any]] = {}
    for _, event in central:
        if event.stream.startswith("ticket:HALT-2027-FD"):
            streams.setdefault(event.stream_key, []).append(event)
    document = {
        "profile": "halt",
        "now": now.isoformat(),
        "tickets": [sla_timeline(streams[t], t) for t in tickets],
    }
    checked = {t["id"]: t for t in run_sla_check(document, tmp_path)["tickets"]}
    local_view: Callable[[str], Any] = lambda t: laptop.store.ticket(t)  # noqa: E731
    for ticket in tickets:
        view = local_view(ticket)
        assert view is not None and view.status == "resolved"
        mine = evaluate_ticket(laptop.store, view, now)
        theirs = checked[ticket]
        for clock in ("onsite", "swap", "resolution", "emergency_workplace"):
            got = theirs["clocks"][clock]
            ours = mine.clocks[clock]
            assert got["state"] == str(ours.state), (ticket, clock)
            assert got.get("met_at") == (ours.met_at.isoformat() if ours.met_at else None)
            assert got.get("due") == (ours.due.isoformat() if ours.due else None)
        assert theirs["mttp_business_minutes"] == mine.mttp_business_minutes
        assert theirs["mttp_wall_minutes"] == mine.mttp_wall_minutes
        assert theirs["mttr_business_minutes"] == mine.mttr_business_minutes
        # The onsite clock stopped at the arrival the engineer recorded.
        arrival = next(e for e in streams[ticket] if e.type == "onsite_arrival")
        assert mine.clocks["onsite"].met_at == arrival.at
        if ticket in swapped:
            delivered = next(e for e in streams[ticket] if e.type == "swap_delivered")
            assert mine.clocks["swap"].met_at == delivered.at
        productive = next(e for e in streams[ticket] if e.type == "productive_again")
        assert productive.data["confirmed_by"] == "teamleider"
    assert my_tickets(laptop.store, ENGINEER, now) == []  # all resolved
    laptop.close()
    desk.central.close()
