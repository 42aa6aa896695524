"""The demo's own mail server: `halt-desk demo`'s central mails to an SMTP server on loopback
that the app shows ("Verzonden mail (demo)"); a notice published in the demo desk reaches
every employee of its location there, and the demo's months of history mail nobody."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from halt_desk.demo.desk_cache import DEMO_USER, prepare_demo_cache
from halt_desk.demo.desk_session import DemoCentral, start_demo_central
from halt_desk.desk import notices as desk
from halt_desk.desk.notices import NoticeDraft
from halt_desk.domain.notices import NoticeKind, Scope, ScopeKind
from halt_desk.store import Store
from halt_desk.sync import ServerClock, SyncEngine, client_factory

NOW = datetime.now(UTC)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Store, DemoCentral]]:
    store = Store.open(tmp_path / "demo-cache.sqlite3")
    data = prepare_demo_cache(store, months=1, tickets_per_month=60, now=NOW)
    central = start_demo_central(tmp_path, data)
    yield store, central
    central.stop()
    store.close()


def test_a_notice_in_the_demo_reaches_its_mailbox_and_nothing_else_does(
    demo: tuple[Store, DemoCentral],
) -> None:
    store, central = demo
    mailbox = central.mailbox
    assert mailbox is not None
    in_zwolle = {
        e["email"] for e in store.employees() if e["location"] == "halt-zwolle" and e["email"]
    }
    assert in_zwolle
    draft = NoticeDraft(
        "halt",
        NoticeKind.DISRUPTION,
        Scope(ScopeKind.LOCATION, "halt-zwolle"),
        "Geen netwerk in Zwolle",
        "Het netwerk ligt eruit.",
    )
    desk.publish_notice(store, draft, DEMO_USER, datetime.now(UTC))
    engine = SyncEngine(store, client_factory(central.url, central.token), ServerClock())
    assert engine.sync_once().pushed == 1
    end = time.monotonic() + 120
    while mailbox.count < len(in_zwolle) and time.monotonic() < end:
        time.sleep(0.05)
    mails = mailbox.mails()
    assert {to for m in mails for to in m.to} == in_zwolle
    assert {m.subject for m in mails} == {"Verstoring: Geen netwerk in Zwolle"}
    assert all("Het netwerk ligt eruit." in m.text for m in mails)
