"""The desk over its real sync process when central is restored from an older backup:
the status bar and the notification say so once, in Dutch, and what was recorded here is
on central again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pytestqt.qtbot import QtBot

from halt_desk.central.embedded import EmbeddedServer
from halt_desk.central.service import Central
from halt_desk.store import Store
from halt_desk.sync import SyncSummary
from tests.gui.test_desk_sync import ONLINE, desk, window  # noqa: F401 - fixtures
from tests.sync_support import REPORT_DATA, Desk
from ui.main_window import MainWindow

PATIENCE_MS = 60_000
NOTICE = "De centrale server is teruggezet naar een oudere back-up."


def _copy(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def test_the_desk_says_once_that_central_was_restored(
    qtbot: QtBot,
    window: tuple[MainWindow, Store, int],  # noqa: F811 - the fixture
    desk: Desk,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    main, store, port = window
    database, backup = tmp_path / "central.sqlite3", tmp_path / "backup.sqlite3"
    summaries: list[SyncSummary] = []
    assert main.sync is not None
    main.sync.summary_ready.connect(summaries.append)
    with EmbeddedServer(desk.central, port=port):
        qtbot.waitUntil(lambda: main.connection.text() == ONLINE, timeout=PATIENCE_MS)
        _copy(database, backup)
        report = store.record(
            "ticket:R1", "ticket_reported", "agent-a", REPORT_DATA | {"priority": "P3"}
        )

        def pulled_back() -> bool:
            marks = store.history_marks()
            return store.outbox_size() == 0 and bool(marks) and marks[0].seq >= store.highest_seq()

        qtbot.waitUntil(pulled_back, timeout=PATIENCE_MS)
    desk.central.close()
    _copy(backup, database)
    desk.central = Central.open(f"sqlite+pysqlite:///{database}")
    with EmbeddedServer(desk.central, port=port):
        qtbot.waitUntil(lambda: NOTICE in main.statusBar().currentMessage(), timeout=PATIENCE_MS)
        told = len(summaries)
        qtbot.waitUntil(lambda: len(summaries) >= told + 3, timeout=PATIENCE_MS)
    assert [s for s in summaries if s.central_restored is not None] == [summaries[told - 1]]
    assert main.last_notification and NOTICE in main.last_notification[0]
    assert report.id in desk.event_ids()
