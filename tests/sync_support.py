"""Helpers for sync tests: a central with users and reference data, and client laptops
(a local store, its ServerClock and a SyncEngine) that talk to it over loopback HTTP."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from halt_desk.central.auth import User
from halt_desk.central.service import Central
from halt_desk.domain.events import Event
from halt_desk.store import Store
from halt_desk.sync import ServerClock, SyncEngine, client_factory
from tests.central_server import ThreadServer

USERS = {
    "admin": "admin",
    "agent-a": "agent",
    "agent-b": "agent",
    "depot-a": "logistics",
    "depot-b": "logistics",
    "field-a": "field",
}
REPORT_DATA = {"org": "halt", "caller": "e1", "summary": "Laptop", "channel": "phone"}
ALL_PASS = {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True}


def wire(
    stream: str, kind: str, data: dict[str, Any], at: datetime | None = None
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": (at or datetime.now(UTC)).isoformat(),
        "actor": "setup",
        "data": data,
    }


@dataclass
class Desk:
    """A central database with users; `tokens[name]` is each user's bearer token."""

    central: Central
    tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, db_url: str) -> Desk:
        central = Central.open(db_url)
        desk = cls(central)
        for name, role in USERS.items():
            desk.tokens[name] = central.add_user(name, role)
        desk.seed(
            "admin",
            [
                wire("org:halt", "organisation_registered", {"name": "Halt", "profile": "halt"}),
                wire("employee:e1", "employee_registered", {"org": "halt", "name": "Anna"}),
            ],
        )
        return desk

    def user(self, name: str) -> User:
        user = self.central.authenticate(self.tokens[name])
        assert user is not None
        return user

    def seed(self, name: str, events: list[dict[str, Any]]) -> None:
        results = self.central.record(self.user(name), events, "test")
        assert [r.status for r in results] == ["accepted"] * len(events), results

    def event_ids(self) -> list[str]:
        with self.central.engine.connect() as conn:
            return [row[0] for row in conn.execute(text("SELECT id FROM events ORDER BY seq"))]

    def events(self) -> list[tuple[int, Event]]:
        with self.central.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT seq, id, stream, type, at, actor, data FROM events ORDER BY seq")
            ).all()
        return [
            (
                row[0],
                Event(
                    row[1],
                    row[2],
                    row[3],
                    datetime.fromisoformat(row[4]),
                    row[5],
                    json.loads(row[6]),
                ),
            )
            for row in rows
        ]


class Laptop:
    """One client: a local store with a ServerClock (device clock injectable) and an
    engine talking to `server_url` as `user`."""

    def __init__(
        self,
        path: Path,
        server_url: str,
        token: str,
        user: str,
        device_clock: Callable[[], datetime] | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        **options: Any,
    ) -> None:
        self.user = user
        self.clock = ServerClock(device_clock) if device_clock else ServerClock()
        self.store = Store.open(path, recording_clock=self.clock, clock=self.clock.now)
        self.clock.attach(self.store)
        self.engine = SyncEngine(
            self.store, client_factory(server_url, token, timeout=timeout), self.clock, **options
        )

    def record(self, stream: str, kind: str, data: dict[str, Any] | None = None) -> Event:
        return self.store.record(stream, kind, self.user, data or {})

    def close(self) -> None:
        self.store.close()

    def event_ids(self, confirmed_only: bool = True) -> set[str]:
        connection = sqlite3.connect(self.store.path)
        try:
            where = " WHERE seq IS NOT NULL" if confirmed_only else ""
            return {row[0] for row in connection.execute(f"SELECT id FROM events{where}")}
        finally:
            connection.close()


def laptop(tmp_path: Path, desk: tuple[Desk, ThreadServer], user: str) -> Laptop:
    """`user`'s laptop with its own cache in `tmp_path`, talking to the `desk` fixture's
    central."""
    central, server = desk
    return Laptop(tmp_path / f"{user}.sqlite3", server.url, central.tokens[user], user)


def shifted(delta: timedelta) -> Callable[[], datetime]:
    """A device clock that is `delta` off the real time (positive: ahead)."""
    return lambda: datetime.now(UTC).astimezone() + delta


HALT_DESK = Path(sys.executable).with_name("halt-desk")


def run_halt_desk(
    args: list[str], data_dir: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """`halt-desk ARGS` as a person runs it in a terminal on a laptop without a keychain
    (the encrypted token file, with its passphrase from the environment)."""
    env = {
        **os.environ,
        "HALT_DESK_DATA_DIR": str(data_dir),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "HALT_DESK_CREDENTIALS_PASSPHRASE": "correct horse battery staple",
    }
    return subprocess.run(
        [str(HALT_DESK), *args], input=stdin, env=env, capture_output=True, text=True, timeout=120
    )
