"""A long first sync reports how far it is: central names its head on every page of the
changes feed, and the engine's progress runs monotonically from nothing to the end, with a
total that is exact for a provider's user and an upper bound for one bound to some
organisations. Real central on 127.0.0.1, real caches; no Qt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from halt_desk.central.api import create_app
from halt_desk.central.embedded import EmbeddedServer
from halt_desk.i18n import set_language
from halt_desk.sync import SyncProgress, TimeLeft, progress_text
from tests.central_server import bearer
from tests.sync_support import Desk, Laptop, wire

TICKETS = 120
EVENTS_PER_TICKET = 50  # the report and 49 notes


def ticket_events(org: str, caller: str, prefix: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in range(TICKETS):
        stream = f"ticket:{prefix}{n}"
        report = {"org": org, "caller": caller, "summary": "Laptop", "channel": "phone"}
        out.append(wire(stream, "ticket_reported", report | {"priority": "P3"}))
        out += [wire(stream, "comment", {"text": f"{n}.{k}"}) for k in range(49)]
    return out


def seed(desk: Desk, user: str, events: list[dict[str, Any]]) -> None:
    for start in range(0, len(events), 1000):
        desk.seed(user, events[start : start + 1000])


def pulls(reports: list[SyncProgress]) -> list[SyncProgress]:
    return [report for report in reports if report.phase == "pull" and report.head is not None]


def assert_monotonic_to_the_end(reports: list[SyncProgress], pulled: int) -> None:
    assert len(reports) >= 5
    dones = [report.done for report in reports]
    fractions = [report.fraction for report in reports]
    assert dones == sorted(dones)
    assert fractions == sorted(fractions)  # type: ignore[type-var]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert reports[-1].done == reports[-1].total == pulled
    totals = [report.total for report in reports]
    assert totals == sorted(totals, reverse=True)  # type: ignore[type-var]  # never grows


def test_a_first_sync_reports_its_progress_to_the_end(
    tmp_path: Path, central: tuple[Desk, str]
) -> None:
    desk, url = central
    seed(desk, "agent-b", ticket_events("halt", "e1", "P"))
    before = len(desk.event_ids())
    reports: list[SyncProgress] = []
    laptop = Laptop(
        tmp_path / "new.sqlite3",
        url,
        desk.tokens["agent-a"],
        "agent-a",
        pull_page=500,
        on_progress=reports.append,
    )
    try:
        summary = laptop.engine.sync_once()
    finally:
        laptop.close()
    assert summary.pulled == before
    pulled = pulls(reports)
    assert_monotonic_to_the_end(pulled, before)
    # A provider's user reads every seq: the total is exact from the first page on.
    assert {report.total for report in pulled} == {before}
    # A phase that had nothing to send says so once, at its start.
    assert [r for r in reports if r.phase == "push"] == [SyncProgress("push", 0, 0)]


def test_a_bound_users_total_is_an_upper_bound_that_shrinks_to_what_came(
    tmp_path: Path, central: tuple[Desk, str]
) -> None:
    desk, url = central
    desk.seed(
        "admin",
        [
            wire("org:other", "organisation_registered", {"name": "Ander", "profile": "halt"}),
            wire("employee:o1", "employee_registered", {"org": "other", "name": "Otto"}),
        ],
    )
    ours, theirs = ticket_events("halt", "e1", "H"), ticket_events("other", "o1", "O")
    for start in range(0, len(ours), 500):  # interleaved in the feed
        seed(desk, "agent-b", ours[start : start + 500] + theirs[start : start + 500])
    token = desk.central.add_user("halt-agent", "agent", "halt")
    reports: list[SyncProgress] = []
    laptop = Laptop(
        tmp_path / "bound.sqlite3",
        url,
        token,
        "halt-agent",
        pull_page=500,
        on_progress=reports.append,
    )
    try:
        summary = laptop.engine.sync_once()
    finally:
        laptop.close()
    pulled = pulls(reports)
    assert_monotonic_to_the_end(pulled, summary.pulled)
    assert summary.pulled >= len(ours)
    first = pulled[0].total
    assert first is not None and first > summary.pulled  # the other organisation's seqs too
    set_language("nl")
    assert " van ±" in progress_text(pulled[1], None)


def test_the_feed_names_centrals_head_on_every_page(db_url: str) -> None:
    desk = Desk.create(db_url)
    seed(desk, "agent-b", ticket_events("halt", "e1", "F")[:1200])
    head = len(desk.event_ids())  # seqs from 1, without gaps here
    bound = desk.central.add_user("halt-agent", "agent", "halt")
    try:
        with EmbeddedServer(desk.central) as server:
            for token in (desk.tokens["agent-a"], bound):
                changes = f"{server.url}/api/v1/changes"
                first = requests.get(f"{changes}?limit=100", headers=bearer(token), timeout=30)
                assert first.ok
                assert (first.json()["more"], first.json()["head"]) == (True, head)
                last = requests.get(f"{changes}?since={head}", headers=bearer(token), timeout=30)
                assert (last.json()["events"], last.json()["head"]) == ([], head)
    finally:
        desk.central.close()


def test_the_head_is_declared_in_the_openapi_description(central: tuple[Desk, str]) -> None:
    desk, _ = central
    schema = create_app(desk.central).openapi()["components"]["schemas"]["ChangesPage"]
    assert "head" in schema["properties"] and "head" in schema["required"]
    assert schema["properties"]["head"]["type"] == "integer"


def test_the_time_left_follows_the_smoothed_rate() -> None:
    estimate = TimeLeft(smoothing=8.0, settle=2.0)

    def at(second: float, cursor: int) -> float | None:
        return estimate.observe(SyncProgress.pulled(cursor, 0, cursor, 100_000), second)

    assert at(0.0, 0) is None  # no rate yet
    assert at(1.0, 1000) is None  # not settled: one page says little
    assert at(2.0, 2000) == 98.0  # 1,000 a second, 98,000 to go
    slow = at(3.0, 2100)  # one slow page (100 in a second) …
    assert slow is not None and 98 < slow < 200  # … moves the estimate, does not swing it
    assert at(10.0, 100_000) == 0.0
