"""A laptop whose clock is 10 minutes wrong: after one contact with central its events
carry central's time (so the SLA clocks are right), keep the time the user saw, and the
sync status warns about the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from halt_desk.domain.clocks import evaluate
from halt_desk.domain.profiles import load_profile
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.sync import SyncState
from tests.central_server import ThreadServer, bearer
from tests.sync_support import REPORT_DATA, Desk, Laptop, shifted


def test_a_clock_ten_minutes_slow_gives_central_times_and_a_warning(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    central, server = desk
    slow = Laptop(
        tmp_path / "a.sqlite3",
        server.url,
        central.tokens["agent-a"],
        "agent-a",
        device_clock=shifted(timedelta(minutes=-10)),
    )
    first = slow.engine.sync_once()
    assert first.state is SyncState.CLOCK_WARNING
    assert first.clock_offset is not None
    assert abs(first.clock_offset - timedelta(minutes=10)) < timedelta(seconds=3)
    assert any("10 min" in w and "behind central" in w for w in first.warnings)

    before = datetime.now(UTC)
    report = slow.record("ticket:C1", "ticket_reported", REPORT_DATA | {"priority": "P2"})
    answer = slow.record("ticket:C1", "first_response", {"channel": "phone"})
    after = datetime.now(UTC)
    # `at` is central's time; the time the user saw and the offset stay in `data`.
    assert before - timedelta(seconds=3) <= report.at <= after + timedelta(seconds=3)
    seen = datetime.fromisoformat(report.data["device_at"])
    assert abs(report.at - seen - timedelta(minutes=10)) < timedelta(seconds=3)
    assert report.data["clock_offset_ms"] == round(first.clock_offset.total_seconds() * 1000)

    assert slow.engine.sync_once().pushed == 2
    stored = {e.id: e for e in slow.store.events_for("ticket:C1")}
    assert stored[report.id] == report and stored[answer.id] == answer  # never rewritten
    state = requests.get(
        f"{server.url}/api/v1/tickets/C1", headers=bearer(central.tokens["agent-a"]), timeout=10
    ).json()
    local = evaluate(
        load_profile("halt"),
        timeline_from_events("C1", [report, answer]),
        datetime.now(UTC),
    ).to_json()
    assert state["clocks"]["reaction"] == local["clocks"]["reaction"]
    assert state["clocks"]["resolution"]["due"] == local["clocks"]["resolution"]["due"]
    assert state["clocks"]["reaction"]["state"] == "met"
    ticket = slow.store.ticket("C1")
    assert ticket is not None
    assert abs(ticket.reported_at - before) < timedelta(seconds=3)


def test_the_offset_survives_a_restart(tmp_path: Path, desk: tuple[Desk, ThreadServer]) -> None:
    central, server = desk
    path = tmp_path / "a.sqlite3"
    fast = shifted(timedelta(minutes=7))
    laptop = Laptop(path, server.url, central.tokens["agent-a"], "agent-a", device_clock=fast)
    laptop.engine.sync_once()
    laptop.close()
    # Offline after the restart: events still get the offset measured before.
    again = Laptop(path, "http://127.0.0.1:9", "x", "agent-a", device_clock=fast)
    event = again.record("ticket:C2", "ticket_reported", REPORT_DATA | {"priority": "P3"})
    assert abs(event.data["clock_offset_ms"] + 7 * 60_000) < 3000
    assert abs(event.at - datetime.now(UTC)) < timedelta(seconds=3)
    again.close()


def test_a_correct_clock_gets_no_warning_and_no_offset(
    tmp_path: Path, desk: tuple[Desk, ThreadServer]
) -> None:
    central, server = desk
    laptop = Laptop(tmp_path / "a.sqlite3", server.url, central.tokens["agent-a"], "agent-a")
    summary = laptop.engine.sync_once()
    assert summary.state is SyncState.ONLINE and summary.clock_offset == timedelta(0)
    laptop.close()
