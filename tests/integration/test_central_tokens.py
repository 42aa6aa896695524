"""A revoked token is refused promptly although the API caches checked tokens."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from halt_desk.central.auth import TOKEN_CACHE_SECONDS
from halt_desk.central.service import Central
from tests.central_server import ProcessServer, ThreadServer, bearer


def org_event() -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": "org:halt",
        "type": "organisation_registered",
        "at": datetime(2027, 1, 5, 9, 0, tzinfo=UTC).isoformat(),
        "actor": "tester",
        "data": {"name": "Halt", "profile": "halt"},
    }


def push_status(url: str, token: str) -> int:
    response = requests.post(
        f"{url}/api/v1/events", json={"events": [org_event()]}, headers=bearer(token), timeout=30
    )
    return response.status_code


def test_a_user_revoked_through_the_servers_central_is_refused_at_once(db_url: str) -> None:
    central = Central.open(db_url)
    token = central.add_user("admin-user", "admin")
    try:
        with ThreadServer(central) as server:
            assert push_status(server.url, token) == 200
            assert push_status(server.url, token) == 200  # now answered from the cache
            central.revoke_user("admin-user")
            assert push_status(server.url, token) == 401
    finally:
        central.close()


def test_a_user_revoked_by_the_command_line_is_refused_within_a_second(tmp_path: Path) -> None:
    db = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    with Central.open(db) as central:
        token = central.add_user("admin-user", "admin")
    server = ProcessServer(db, tmp_path / "data")
    server.start()
    try:
        assert push_status(server.url, token) == 200
        assert push_status(server.url, token) == 200  # now answered from the cache
        exe = Path(sys.executable).with_name("halt-desk")
        subprocess.run(
            [str(exe), "central", "user", "revoke", "admin-user", "--db", db],
            check=True,
            capture_output=True,
        )
        revoked = time.monotonic()
        deadline = revoked + TOKEN_CACHE_SECONDS + 1.0  # the TTL, plus room for a slow host
        while push_status(server.url, token) != 401:
            assert time.monotonic() < deadline, "revoked token still accepted"
            time.sleep(0.05)
    finally:
        server.stop()
