"""Hypothesis state machine: two desks and two depots work offline on the same tickets and
devices and sync in random order. After everyone syncs, central and every client hold the
same events and the same ticket and device state; every event central refused is kept with
its reason, and every pair of concurrent edits of one field is a conflict record on both
sides (and no other pair is)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule
from sqlalchemy import text

from halt_desk.domain.conflicts import conflict_field
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import Event
from tests.central_server import ThreadServer
from tests.sync_support import ALL_PASS, REPORT_DATA, Desk, Laptop, wire

DESKS = ("agent-a", "agent-b")
DEPOTS = ("depot-a", "depot-b")
TICKETS = ("ticket:M1", "ticket:M2")
DEVICES = ("device:HALT-LT-00001", "device:HALT-LT-00002")
UPLIFT = {
    "criteria": {"critical_role": True, "direct_impact": True, "cannot_work": True},
    "role_type": "court_session",
    "motivation": "zitting om 14:00",
}

ticket_edits = st.one_of(
    st.tuples(
        st.just("assigned"), st.sampled_from(["jan", "piet", "kees"]).map(lambda v: {"to": v})
    ),
    st.tuples(
        st.just("priority_changed"),
        st.sampled_from(["P2", "P3", "P4"]).map(lambda v: {"priority": v}),
    ),
    st.tuples(st.just("uplift_decided"), st.booleans().map(lambda g: UPLIFT | {"granted": g})),
    st.tuples(st.sampled_from(["comment", "status_update"]), st.just({"text": "bijgewerkt"})),
    st.tuples(st.sampled_from(["resolved", "closed"]), st.just({})),
)
device_moves = st.one_of(
    st.tuples(
        st.just("device_reserved"),
        st.sampled_from(["S1", "S2", "S3"]).map(lambda s: {"swap": s, "ticket": "M1"}),
    ),
    st.tuples(
        st.just("device_released"), st.sampled_from(["S1", "S2", "S3"]).map(lambda s: {"swap": s})
    ),
    st.tuples(
        st.just("device_shipped"),
        st.sampled_from(["S1", "S2", "S3"]).map(
            lambda s: {"swap": s, "carrier": "PostNL", "tracking": "3S123"}
        ),
    ),
    st.tuples(st.just("readiness_checked"), st.just(ALL_PASS)),
)


class OfflineClients(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="halt-sync-model-"))
        self.desk = Desk.create(f"sqlite+pysqlite:///{self.folder / 'central.sqlite3'}")
        self.server = ThreadServer(self.desk.central).__enter__()
        self.laptops: dict[str, Laptop] = {}
        #: Every event a client recorded, with the ids its store held at that moment.
        self.recorded: dict[str, list[tuple[Event, frozenset[str]]]] = {}

    @initialize()
    def set_up(self) -> None:
        self.desk.seed(
            "agent-a",
            [wire(t, "ticket_reported", REPORT_DATA | {"priority": "P3"}) for t in TICKETS],
        )
        self.desk.seed(
            "depot-a",
            [
                e
                for d in DEVICES
                for e in (
                    wire(d, "device_registered", {"org": "halt", "depot": "utr"}),
                    wire(d, "readiness_checked", ALL_PASS),
                )
            ],
        )
        for user in DESKS + DEPOTS:
            laptop = Laptop(
                self.folder / f"{user}.sqlite3", self.server.url, self.desk.tokens[user], user
            )
            laptop.engine.sync_once()
            self.laptops[user] = laptop
            self.recorded[user] = []

    def _record(self, user: str, stream: str, kind: str, data: dict[str, Any]) -> None:
        laptop = self.laptops[user]
        seen = frozenset(laptop.event_ids(confirmed_only=False))
        try:
            event = laptop.record(stream, kind, data)
        except HaltDeskError:
            return  # refused on the spot (the person sees why); nothing was stored
        self.recorded[user].append((event, seen))

    @rule(user=st.sampled_from(DESKS), ticket=st.sampled_from(TICKETS), edit=ticket_edits)
    def edit_ticket(self, user: str, ticket: str, edit: tuple[str, dict[str, Any]]) -> None:
        self._record(user, ticket, *edit)

    @rule(user=st.sampled_from(DEPOTS), device=st.sampled_from(DEVICES), move=device_moves)
    def move_device(self, user: str, device: str, move: tuple[str, dict[str, Any]]) -> None:
        self._record(user, device, *move)

    @rule(user=st.sampled_from(DESKS + DEPOTS))
    def sync(self, user: str) -> None:
        summary = self.laptops[user].engine.sync_once()
        assert str(summary.state) == "online", summary

    def teardown(self) -> None:
        try:
            if len(self.laptops) == len(DESKS + DEPOTS):
                self.check_convergence()
        finally:
            for laptop in self.laptops.values():
                laptop.close()
            self.server.__exit__(None, None, None)
            self.desk.central.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def check_convergence(self) -> None:
        for _ in range(2):
            for laptop in self.laptops.values():
                assert str(laptop.engine.sync_once().state) == "online"
        on_central = set(self.desk.event_ids())
        with self.desk.central.engine.connect() as conn:
            devices = dict(conn.execute(text("SELECT asset_tag, state FROM devices")).all())
            assignees = dict(conn.execute(text("SELECT id, assignee FROM tickets")).all())
        views = []
        for user, laptop in self.laptops.items():
            store = laptop.store
            assert store.outbox_size() == 0
            assert laptop.event_ids() == on_central
            rejected = {r.event.id: r.reason for r in store.rejected_events()}
            assert all(rejected.values())
            for event, _ in self.recorded[user]:
                # Nothing lost: on central, or kept here as refused with a reason.
                assert (event.id in on_central) != (event.id in rejected), event
            assert {d.asset_tag: d.state for d in store.devices()} == devices
            assert {t.id: t.assignee for t in store.tickets()} == assignees
            views.append(
                [
                    (t.id, t.priority, t.uplift, t.assignee, t.status, t.reported_at, t.resolved_at)
                    for t in store.tickets()
                ]
            )
        assert all(view == views[0] for view in views)
        self.check_conflicts(on_central)

    def check_conflicts(self, on_central: set[str]) -> None:
        a, b = DESKS
        expected: set[tuple[str, str, str]] = set()
        for mine, seen_mine in self.recorded[a]:
            for theirs, seen_theirs in self.recorded[b]:
                if mine.id not in on_central or theirs.id not in on_central:
                    continue
                field = conflict_field(mine, theirs)
                if field and theirs.id not in seen_mine and mine.id not in seen_theirs:
                    expected.add((mine.id, theirs.id, field))
        found_a = {
            (c.local_event.id, c.remote_event.id, c.field)
            for c in self.laptops[a].store.conflicts()
        }
        found_b = {
            (c.remote_event.id, c.local_event.id, c.field)
            for c in self.laptops[b].store.conflicts()
        }
        assert found_a == expected
        assert found_b == expected


OfflineClients.TestCase.settings = settings(
    max_examples=8,
    stateful_step_count=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestOfflineClients = OfflineClients.TestCase
