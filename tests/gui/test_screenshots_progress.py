"""Screenshots of sync feedback under a real X server (Xvfb), and its words in the
pseudo-language: the main window of a new laptop during its first sync (a progress bar
with events of the total and the time left), and after F9 (the start message, then how
it ended); the progress dialog of a sheet of labels.

    xvfb-run -a .venv/bin/python -m tests.gui.test_screenshots_progress OUT_DIR

A central on 127.0.0.1 in this process, seeded with tickets; the window's real sync
process pulls them.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from halt_desk.i18n import _
from halt_desk.store import Store
from halt_desk.sync import ServerClock, SyncProgress, SyncState, SyncSummary, round_text
from halt_desk.sync.progress import Failure
from halt_desk.sync.signin import SyncTarget
from tests.desk_data import NOW
from tests.gui.screenshots import settle, shoot
from tests.gui.shot_run import assert_not_blank, needs_xvfb, run_shots
from tests.gui.test_pseudo_language import data_words, in_pseudo, leaks
from tests.sync_support import Desk, wire
from ui.main_window import MainWindow
from ui.sync_controller import SyncController
from ui.work_progress import WorkProgress

__all__ = ["in_pseudo"]
SHOTS = ["first-sync-progress.png", "f9-syncing.png", "f9-done.png", "labels-progress.png"]


def seed_tickets(desk: Desk, tickets: int) -> None:
    """`tickets` tickets of 40 events each, of Stichting Halt's callers."""
    batch: list[dict[str, object]] = []
    for n in range(tickets):
        stream = f"ticket:SEED-{n:06d}"  # not in a number series: any year will do
        report = {"org": "halt", "caller": "e1", "summary": f"Laptop {n} start niet op"}
        batch.append(
            wire(stream, "ticket_reported", report | {"channel": "phone", "priority": "P3"})
        )
        batch += [wire(stream, "comment", {"text": f"Stand van zaken {k}"}) for k in range(39)]
        if len(batch) >= 960:
            desk.seed("agent-b", batch)
            batch = []
    if batch:
        desk.seed("agent-b", batch)


def wait(app: QApplication, done: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there")
        settle(app, 50)


def sync_screens(app: QApplication, folder: Path, out: Path) -> None:
    from halt_desk.central.embedded import EmbeddedServer

    desk = Desk.create(f"sqlite+pysqlite:///{folder / 'central.sqlite3'}")
    seed_tickets(desk, 2500)  # 100,000 events
    with EmbeddedServer(desk.central) as server:
        clock = ServerClock()
        store = Store.open(folder / "cache.sqlite3", recording_clock=clock, clock=clock.now)
        clock.attach(store)
        controller = SyncController(store.path, clock, interval=600)
        window = MainWindow(store, "agent-a", clock.now, controller)
        feedback = window.sync_feedback
        assert feedback is not None
        try:
            window.move(0, 0)
            window.show()
            controller.start(SyncTarget(server.url, desk.tokens["agent-a"]))
            wait(app, lambda: feedback.progress_visible and "nog" in feedback.text.text())
            settle(app, 200)
            shoot(window, out / "first-sync-progress.png")
            print("during the first sync:", feedback.text.text())
            wait(
                app, lambda: not feedback.progress_visible and window.connection.text() == "Online"
            )
            seed_tickets_more(desk)
            window.raise_()
            window.activateWindow()
            wait(app, window.isActiveWindow, 10)
            QTest.keyClick(window.table, Qt.Key.Key_F9)
            # Rendered at once: a round of 12 events may end before the screen is painted.
            print("F9:", window.statusBar().currentMessage())
            window.grab().save(str(out / "f9-syncing.png"))
            wait(app, lambda: window.statusBar().currentMessage().startswith("Gesynchroniseerd"))
            settle(app, 300)
            shoot(window, out / "f9-done.png")
            print("after F9:", window.statusBar().currentMessage())
        finally:
            controller.stop()
            window.close()
            store.close()
    desk.central.close()


def seed_tickets_more(desk: Desk) -> None:
    report = {"org": "halt", "caller": "e1", "summary": "Beeldscherm flikkert", "priority": "P2"}
    stream = "ticket:SEED-900001"
    desk.seed(
        "agent-b",
        [wire(stream, "ticket_reported", report | {"channel": "phone"})]
        + [wire(stream, "comment", {"text": f"Notitie {k}"}) for k in range(11)],
    )


def labels_screen(app: QApplication, out: Path) -> None:
    """The progress dialog of a long sheet of labels, half-way."""
    from PySide6.QtWidgets import QMainWindow

    owner = QMainWindow()
    owner.resize(700, 400)
    owner.move(0, 0)
    owner.show()
    progress = WorkProgress(
        owner, _("Making the labels…"), counted=_("{done} of {total} labels"), show_after_ms=0
    )
    for done in range(1, 121):
        progress(done, 240)
    settle(app, 300)
    shoot(progress.dialog, out / "labels-progress.png")
    progress.finish()
    owner.close()


def main(out: Path) -> int:
    from ui.app import application

    out.mkdir(parents=True, exist_ok=True)
    app = application("nl")
    with tempfile.TemporaryDirectory() as folder:
        sync_screens(app, Path(folder), out)
    labels_screen(app, out)
    print("\n".join(str(out / name) for name in SHOTS))
    return 0


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_sync_progress_under_xvfb(tmp_path: Path) -> None:
    stdout = run_shots("tests.gui.test_screenshots_progress", tmp_path, timeout=600)
    assert "during the first sync:" in stdout and " van ±" in stdout
    assert "F9: Synchroniseren…" in stdout
    assert "after F9: Gesynchroniseerd: 0 verstuurd, 12 ontvangen" in stdout
    for name in SHOTS:
        assert_not_blank(tmp_path / name, size=(300, 70), rows=(20, 40, 60))


def test_sync_feedback_and_work_progress_say_nothing_outside_the_catalogue(
    qtbot: QtBot, store: Store, in_pseudo: None, tmp_path: Path
) -> None:
    allowed = data_words(tmp_path / "cache.sqlite3")
    controller = SyncController(store.path, ServerClock(), interval=600)
    main = MainWindow(store, "agent-1", lambda: NOW, controller)
    qtbot.addWidget(main)
    main.show()
    feedback = main.sync_feedback
    assert feedback is not None
    times = iter([0.0, 0.0, 3.0])
    feedback._monotonic = lambda: next(times)
    feedback.show_progress(SyncProgress.pulled(0, 0, 0, 1_000_000))
    feedback.show_progress(SyncProgress.pulled(0, 0, 0, 1_000_000))
    feedback.show_progress(SyncProgress.pulled(142_000, 0, 142_000, 1_000_000))
    assert feedback.progress_visible and "·" in feedback.text.text()
    found = leaks(main, allowed)
    messages = QLabel(
        "\n".join(
            round_text(summary)
            for summary in (
                SyncSummary(SyncState.ONLINE, pushed=12, pulled=340, rejected=1),
                SyncSummary(SyncState.CLOCK_WARNING),
                *(SyncSummary(SyncState.ERROR, outbox=3, failure=f) for f in Failure),
            )
        )
    )
    qtbot.addWidget(messages)
    messages.show()
    found += leaks(messages, allowed)
    progress = WorkProgress(
        main, _("Making the labels…"), counted=_("{done} of {total} labels"), show_after_ms=0
    )
    progress(1, 2)
    qtbot.waitUntil(lambda: progress.steps == [(1, 2)])
    found += leaks(progress.dialog, allowed)
    assert found == [], "\n".join(found)


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots-progress")))
