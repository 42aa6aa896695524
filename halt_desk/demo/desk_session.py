"""`halt-desk demo` without any set-up: a central API in this process with the demo data,
and a local cache signed in to it.

The demo data goes into central the way every desk would send it (checked by the same
rules, one role per batch: reference data as admin, devices as logistics, tickets as the
desk), so what the app then pulls is exactly what a real central would hold.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from halt_desk.central.auth import Role, User
from halt_desk.central.embedded import EmbeddedServer
from halt_desk.central.service import Central
from halt_desk.central.validation import MAX_BATCH
from halt_desk.demo.terminal import demo_events
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import Event
from halt_desk.paths import private_dir

log = logging.getLogger(__name__)

#: The demo's signed-in user: a desk agent of the demo data set.
DEMO_USER = "agent:sanne.visser"
_ROLE_OF_KIND = {"ticket": Role.AGENT, "device": Role.LOGISTICS}
#: Batches per transaction while loading (group commit, as concurrent pushes would be).
_BATCHES_PER_COMMIT = 20


@dataclass
class DemoCentral:
    """A running embedded central with the demo data and a token for the demo user."""

    server: EmbeddedServer
    central: Central
    token: str
    user: str
    events: int

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.server.stop()
        self.central.close()


def _role(event: Event) -> Role:
    return _ROLE_OF_KIND.get(event.stream_kind, Role.ADMIN)


def _batches(events: Sequence[Event]) -> Iterator[tuple[Role, list[Event]]]:
    """Events in time order, cut into batches of one role each (as desks would send them)."""
    batch: list[Event] = []
    role: Role | None = None
    for event in events:
        event_role = _role(event)
        if batch and (event_role is not role or len(batch) == MAX_BATCH):
            yield role, batch  # type: ignore[misc]
            batch = []
        role = event_role
        batch.append(event)
    if batch and role is not None:
        yield role, batch


def load_demo(central: Central, events: Sequence[Event]) -> int:
    """Records the demo events in central; returns how many were accepted. Raises if central
    refuses any (the demo data must follow the contract rules like everything else)."""
    users = {role: User(0, f"demo-{role}", role) for role in Role}
    pending: list[tuple[User, Sequence[object], str]] = []
    accepted = 0

    def flush() -> int:
        done = 0
        for results in central.record_many(pending):
            for result in results:
                if result.status == "rejected":
                    raise HaltDeskError(f"demo event {result.id} refused: {result.reason}")
                done += 1
        pending.clear()
        return done

    for role, batch in _batches(sorted(events, key=lambda e: e.at)):
        pending.append((users[role], [e.to_json() for e in batch], "demo"))
        if len(pending) == _BATCHES_PER_COMMIT:
            accepted += flush()
    if pending:
        accepted += flush()
    return accepted


def start_demo_central(
    folder: Path,
    *,
    seed: int = 1,
    months: int = 3,
    tickets_per_month: int = 400,
    now: datetime | None = None,
) -> DemoCentral:
    """A fresh demo central (`demo-central.sqlite3` in `folder`) with data up to `now`,
    serving on a free loopback port, and a token for the demo user."""
    moment = now or datetime.now(UTC)
    private_dir(folder)
    path = folder / "demo-central.sqlite3"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    events = demo_events(seed, months, tickets_per_month, moment)
    central = Central.open(f"sqlite+pysqlite:///{path}")
    try:
        loaded = load_demo(central, events)
        token = central.add_user(DEMO_USER, "agent")
        server = EmbeddedServer(central).start()
    except BaseException:
        central.close()
        raise
    log.info("demo central on %s with %d events", server.url, loaded)
    return DemoCentral(server, central, token, DEMO_USER, loaded)
