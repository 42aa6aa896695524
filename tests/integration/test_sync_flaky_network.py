"""Two clients and central over a proxy that cuts and stalls connections at random: after
the network heals, all three hold the same events and the same ticket state."""

from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import text

from halt_desk.sync import SyncState
from tests.central_server import ThreadServer
from tests.flaky_proxy import FlakyProxy
from tests.sync_support import REPORT_DATA, Desk, Laptop

TICKETS = [f"ticket:F{n}" for n in range(5)]


def ticket_state(laptop: Laptop) -> list[tuple[object, ...]]:
    return [
        (t.id, t.priority, t.assignee, t.status, t.reported_at, t.resolved_at)
        for t in laptop.store.tickets()
    ]


def test_two_clients_converge_through_a_flaky_network(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    central, server = desk
    rng = random.Random(7)
    with FlakyProxy(server.port, seed=11, stall_seconds=1.2) as proxy:
        laptops = [
            Laptop(
                tmp_path / f"{user}.sqlite3",
                proxy.url,
                central.tokens[user],
                user,
                timeout=(1.0, 1.0),
                push_batch=7,
                pull_page=5,
            )
            for user in ("agent-a", "agent-b")
        ]
        a, b = laptops
        # The tickets are reported by A and known to B before the storm.
        proxy.faults = False
        a.engine.sync_once()
        for stream in TICKETS:
            a.record(stream, "ticket_reported", REPORT_DATA | {"priority": "P3"})
        assert a.engine.sync_once().state is SyncState.ONLINE
        assert b.engine.sync_once().state is SyncState.ONLINE
        proxy.faults = True
        states = set()
        for step in range(120):
            laptop = rng.choice(laptops)
            stream = rng.choice(TICKETS)
            kind = rng.choice(["comment", "status_update", "assigned"])
            who = rng.choice(["jan", "piet"])
            data = {"to": who} if kind == "assigned" else {"text": f"{step}"}
            laptop.record(stream, kind, data)
            if rng.random() < 0.4:
                states.add(rng.choice(laptops).engine.sync_once().state)
        assert SyncState.OFFLINE in states  # the storm did hit
        assert proxy.counts["cut"] and proxy.counts["drop"] and proxy.counts["stall"]
        proxy.faults = False
        for _ in range(2):
            for laptop in laptops:
                summary = laptop.engine.sync_once()
                assert summary.state is SyncState.ONLINE, summary
        on_central = central.event_ids()
        assert len(on_central) == len(set(on_central))
        assert a.store.outbox_size() == b.store.outbox_size() == 0
        assert a.store.rejected_events() == b.store.rejected_events() == []
        assert a.event_ids(confirmed_only=False) == b.event_ids(confirmed_only=False)
        assert a.event_ids() == set(on_central) == b.event_ids()
        assert ticket_state(a) == ticket_state(b)
        with central.central.engine.connect() as conn:
            assignees = dict(conn.execute(text("SELECT id, assignee FROM tickets")).all())
        assert {t.id: t.assignee for t in a.store.tickets()} == assignees
        for laptop in laptops:
            laptop.close()
