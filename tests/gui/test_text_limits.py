"""The desk's forms read the core's limits table: a field stops at its limit (an emoji counts
as one character, as the core counts), a long text shows what is left beneath it in Dutch,
and the longest note the ticket dialog takes, in emoji, syncs to a real central."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from halt_desk.desk.intake import CallerDirectory, Intake, record_intake
from halt_desk.domain.limits import FIELD_LIMITS
from halt_desk.store import Store
from tests.central_server import ThreadServer
from tests.gui.conftest import NOW
from tests.sync_support import Desk, Laptop
from ui.action_dialogs import ResolutionDialog
from ui.intake_dialog import IntakeDialog
from ui.text_limits import ask_text
from ui.ticket_dialog import TicketDialog
from ui.uplift_dialog import UpliftDialog

EMOJI = "\U0001f600"
NOTE = FIELD_LIMITS["text"].chars


def _ticket(store: Store, actor: str = "agent-1", now: datetime = NOW) -> str:
    intake = Intake("e1", "Laptop start niet", "phone", "werkplek", "one", "stopped")
    return record_intake(store, intake, actor, now)


def test_the_ticket_note_stops_at_its_limit_and_counts_down(qtbot: QtBot, store: Store) -> None:
    dialog = TicketDialog(store, _ticket(store), "agent-1", lambda: NOW)
    qtbot.addWidget(dialog)
    assert dialog.note_counter is not None
    assert dialog.note_counter.text() == "16.000 tekens over"
    qtbot.keyClicks(dialog.note, "Gebeld, geen gehoor")  # 19 characters
    assert dialog.note_counter.text() == "15.981 tekens over"
    dialog.note.clear()
    dialog.note.insert("a" * (NOTE + 1))  # a paste of one too many
    assert len(dialog.note.text()) == NOTE
    assert dialog.note_counter.text() == "0 tekens over"
    qtbot.keyClicks(dialog.note, "b")
    assert dialog.note.text() == "a" * NOTE


def test_an_emoji_is_one_character_in_the_form_as_in_the_core(qtbot: QtBot, store: Store) -> None:
    dialog = TicketDialog(store, _ticket(store), "agent-1", lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.note.insert(EMOJI * (NOTE + 5))
    assert dialog.note.text() == EMOJI * NOTE


def test_the_uplift_motivation_stops_at_its_limit(qtbot: QtBot, store: Store) -> None:
    dialog = UpliftDialog(store, _ticket(store), "agent-1", lambda: NOW)
    qtbot.addWidget(dialog)
    limit = FIELD_LIMITS["motivation"].chars
    dialog.motivation.insertPlainText("m" * (limit + 10))
    assert dialog.motivation.toPlainText() == "m" * limit
    assert dialog.motivation_counter is not None
    assert dialog.motivation_counter.text() == "0 tekens over"
    dialog.motivation.setPlainText("Zitting om 14:00")
    assert dialog.motivation_counter.text() == "3.984 tekens over"


def test_the_intake_summary_stops_at_its_limit(qtbot: QtBot, store: Store) -> None:
    dialog = IntakeDialog(store, CallerDirectory.load(store), "agent-1", lambda: NOW)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.summary, "s" * 205)
    assert dialog.summary.text() == "s" * FIELD_LIMITS["summary"].chars


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[tuple[Desk, Laptop]]:
    desk = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    with ThreadServer(desk.central) as server:
        machine = Laptop(tmp_path / "desk.sqlite3", server.url, desk.tokens["agent-a"], "agent-a")
        assert machine.engine.sync_once().error is None  # the reference data
        yield desk, machine
        machine.close()
    desk.central.close()


def test_the_longest_emoji_note_the_dialog_takes_syncs_to_central(
    qtbot: QtBot, laptop: tuple[Desk, Laptop]
) -> None:
    desk, machine = laptop
    now = machine.clock.now
    ticket = _ticket(machine.store, "agent-a", now())
    dialog = TicketDialog(machine.store, ticket, "agent-a", now)
    qtbot.addWidget(dialog)
    dialog.note.insert(EMOJI * (NOTE + 1))
    dialog.comment_button.click()
    qtbot.waitUntil(lambda: machine.store.outbox_size() == 2, timeout=15_000)
    summary = machine.engine.sync_once()  # central was reachable all along: recorded first
    assert (summary.error, summary.rejected, summary.outbox) == (None, 0, 0)
    notes = [e for _, e in desk.events() if e.type == "comment"]
    assert [note.data["text"] for note in notes] == [EMOJI * NOTE]


def test_a_question_for_a_short_text_stops_at_its_limit(qtbot: QtBot) -> None:
    """The logistics window asks for a mitigation's explanation in a small dialog."""
    parent = QWidget()
    qtbot.addWidget(parent)
    limit = FIELD_LIMITS["note"].chars

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        edit = dialog.findChild(QLineEdit)
        assert edit is not None
        edit.insert("n" * (limit + 50))
        dialog.accept()

    QTimer.singleShot(0, answer)
    text, accepted = ask_text(parent, "Tekort", "Toelichting", "note")
    assert accepted and text == "n" * limit


def test_the_longest_resolution_the_dialog_takes_syncs_to_central(
    qtbot: QtBot, laptop: tuple[Desk, Laptop]
) -> None:
    desk, machine = laptop
    now = machine.clock.now
    ticket = _ticket(machine.store, "agent-a", now())
    dialog = TicketDialog(machine.store, ticket, "agent-a", now)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.evaluation is not None)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # a window shortcut needs its window active
    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(getattr(dialog, "content_dialog", None), ResolutionDialog))
    resolution = dialog.content_dialog
    resolution.text.insertPlainText(EMOJI * (FIELD_LIMITS["resolution"].chars + 1))
    qtbot.waitUntil(resolution.isActiveWindow)  # its Ctrl+Enter is a window shortcut
    qtbot.keyClick(resolution.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: machine.store.outbox_size() == 2, timeout=15_000)
    summary = machine.engine.sync_once()
    assert (summary.error, summary.rejected, summary.outbox) == (None, 0, 0)
    (resolved,) = [e for _, e in desk.events() if e.type == "resolved"]
    assert resolved.data["resolution"] == EMOJI * FIELD_LIMITS["resolution"].chars
