"""The ticket actions with content, keyboard only (issue 18): every key is pressed
(`qtbot.keyClick`), no slot is called. Status update (Ctrl+U: what was told and how),
Opgelost (Ctrl+R: the resolution), Heropenen (Ctrl+H: the reason), a second first
response (Ctrl+1: asks first), a note on a closed ticket (Ctrl+M), and a shortcut on every
other action, named in its button's tooltip."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.domain.events import Event
from halt_desk.domain.limits import FIELD_LIMITS
from halt_desk.store import Store
from tests.gui.conftest import NOW
from tests.gui.test_desk_window import report
from ui.action_dialogs import ContentDialog, ReopenDialog, ResolutionDialog, StatusUpdateDialog
from ui.main_window import MainWindow
from ui.ticket_dialog import ACTIONS, TicketDialog

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def opened(qtbot: QtBot, store: Store, ticket: str, now: datetime = NOW) -> TicketDialog:
    """The ticket window as the app opens it: over the main window, whose own shortcuts
    (Ctrl+N, Ctrl+Shift+R, Ctrl+L, …) must not take the ticket window's keys."""
    main = MainWindow(store, "agent-1", lambda: now)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.loaded)
    dialog = TicketDialog(store, ticket, "agent-1", lambda: now, main)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # its shortcuts need it active
    qtbot.waitUntil(lambda: dialog.evaluation is not None)
    return dialog


def last(store: Store, ticket: str) -> Event:
    return store.events_for(f"ticket:{ticket}")[-1]


def content_dialog(qtbot: QtBot, dialog: TicketDialog, kind: type[ContentDialog]) -> ContentDialog:
    qtbot.waitUntil(lambda: isinstance(getattr(dialog, "content_dialog", None), kind))
    content: ContentDialog = dialog.content_dialog
    qtbot.waitUntil(content.isVisible)
    content.activateWindow()
    qtbot.waitUntil(lambda: content.text.hasFocus())
    return content


def gone(widget: QWidget) -> bool:
    """Closed (a finished dialog deletes itself)."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


def ctrl_enter(qtbot: QtBot, content: ContentDialog) -> None:
    qtbot.keyClick(content.text, Qt.Key.Key_Return, CTRL)


def test_a_status_update_asks_what_was_told_and_how(qtbot: QtBot, store: Store) -> None:
    ticket = report(store)
    dialog = opened(qtbot, store, ticket)
    qtbot.keyClick(dialog, Qt.Key.Key_U, CTRL)
    content = content_dialog(qtbot, dialog, StatusUpdateDialog)
    assert content.windowTitle() == f"Statusupdate · {ticket}"
    ctrl_enter(qtbot, content)  # nothing typed yet
    qtbot.waitUntil(lambda: content.message.text() == "Schrijf op wat u de melder hebt verteld.")
    qtbot.keyClicks(content.text, "Onderdeel is besteld, morgen binnen")
    ctrl_enter(qtbot, content)  # how is not chosen yet
    told = "Kies hoe u de melder hebt ingelicht: telefoon, e-mail of portal."
    qtbot.waitUntil(lambda: content.message.text() == told)
    assert content.isVisible() and last(store, ticket).type == "ticket_reported"
    qtbot.keyClick(content, Qt.Key.Key_E, ALT)  # &E-mail
    qtbot.waitUntil(content.channel_buttons["email"].isChecked)  # a mnemonic animates a click
    ctrl_enter(qtbot, content)
    qtbot.waitUntil(lambda: gone(content))
    event = last(store, ticket)
    assert (event.type, event.data["text"], event.data["channel"]) == (
        "status_update",
        "Onderdeel is besteld, morgen binnen",
        "email",
    )


def test_resolved_asks_the_resolution_and_reopen_its_reason(qtbot: QtBot, store: Store) -> None:
    ticket = report(store)
    dialog = opened(qtbot, store, ticket)
    assert not dialog.buttons["Reopen"].isEnabled()  # an open ticket
    qtbot.keyClick(dialog, Qt.Key.Key_R, CTRL)
    content = content_dialog(qtbot, dialog, ResolutionDialog)
    qtbot.keyClicks(content.text, "Netwerkkabel vervangen")
    ctrl_enter(qtbot, content)
    qtbot.waitUntil(lambda: gone(content))
    assert last(store, ticket).data["resolution"] == "Netwerkkabel vervangen"
    qtbot.waitUntil(lambda: dialog.buttons["Reopen"].isEnabled())
    dialog.activateWindow()  # as the window manager does when the dialog closes
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog, Qt.Key.Key_H, CTRL)
    reopen = content_dialog(qtbot, dialog, ReopenDialog)
    qtbot.keyClicks(reopen.text, "Kabel was het niet: weer geen netwerk")
    ctrl_enter(qtbot, reopen)
    qtbot.waitUntil(lambda: gone(reopen))
    event = last(store, ticket)
    assert (event.type, event.data["reason"]) == (
        "reopened",
        "Kabel was het niet: weer geen netwerk",
    )
    qtbot.waitUntil(lambda: not dialog.buttons["Reopen"].isEnabled())
    assert store.ticket(ticket).status == "open"  # type: ignore[union-attr]


def test_escape_cancels_a_content_dialog_and_records_nothing(qtbot: QtBot, store: Store) -> None:
    ticket = report(store)
    dialog = opened(qtbot, store, ticket)
    qtbot.keyClick(dialog, Qt.Key.Key_R, CTRL)
    content = content_dialog(qtbot, dialog, ResolutionDialog)
    qtbot.keyClicks(content.text, "Half getypt")
    qtbot.keyClick(content.text, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: gone(content))
    assert last(store, ticket).type == "ticket_reported"


def test_a_content_text_refuses_more_than_its_limit_with_a_dutch_message(
    qtbot: QtBot, store: Store
) -> None:
    ticket = report(store)
    record_action(store, ticket, ActionRequest(Action.RESOLVED, text="Opgelost"), "agent-1", NOW)
    dialog = opened(qtbot, store, ticket)
    qtbot.waitUntil(lambda: dialog.buttons["Reopen"].isEnabled())
    qtbot.keyClick(dialog, Qt.Key.Key_H, CTRL)
    reopen = content_dialog(qtbot, dialog, ReopenDialog)
    limit = FIELD_LIMITS["reason"].chars
    assert reopen.limit.counter is not None
    assert reopen.limit.counter.text() == "2.000 tekens over"  # the limit, shown
    reopen.text.insertPlainText("r" * (limit - 1))
    qtbot.keyClicks(reopen.text, "st")  # one more than fits
    assert reopen.text.toPlainText() == "r" * (limit - 1) + "s"
    assert reopen.message.text() == "Hoogstens 2.000 tekens: de rest is niet overgenomen."
    assert reopen.limit.counter.text() == "0 tekens over"
    ctrl_enter(qtbot, reopen)
    qtbot.waitUntil(lambda: gone(reopen))
    assert last(store, ticket).data["reason"] == "r" * (limit - 1) + "s"


def test_a_second_first_response_asks_and_no_is_the_default(qtbot: QtBot, store: Store) -> None:
    ticket = report(store)
    dialog = opened(qtbot, store, ticket)
    qtbot.keyClick(dialog, Qt.Key.Key_1, CTRL)
    qtbot.waitUntil(lambda: last(store, ticket).type == "first_response")

    def question() -> QMessageBox:
        qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        return box

    qtbot.keyClick(dialog, Qt.Key.Key_2, CTRL)  # again, by e-mail
    box = question()
    assert box.text() == (
        f"Er is al een eerste reactie op {ticket} (12-01-2027 10:00). Toch nog een vastleggen?"
    )
    qtbot.keyClick(box, Qt.Key.Key_Return)  # No, the default
    qtbot.waitUntil(lambda: gone(box))
    dialog.activateWindow()  # as the window manager does when the question closes
    qtbot.waitUntil(dialog.isActiveWindow)
    assert len([e for e in store.events_for(f"ticket:{ticket}") if e.type == "first_response"]) == 1
    qtbot.keyClick(dialog, Qt.Key.Key_2, CTRL)
    box = question()
    qtbot.keyClick(box, Qt.Key.Key_J, ALT)  # &Ja, vastleggen
    qtbot.waitUntil(lambda: last(store, ticket).data.get("channel") == "email")
    assert last(store, ticket).type == "first_response"


def test_a_note_on_a_closed_ticket_by_keyboard(qtbot: QtBot, store: Store) -> None:
    ticket = report(store)
    resolved = ActionRequest(Action.RESOLVED, text="Opgelost")
    record_action(store, ticket, resolved, "agent-1", NOW + timedelta(minutes=5))
    closed = ActionRequest(Action.CLOSED, score=8)
    record_action(store, ticket, closed, "agent-1", NOW + timedelta(minutes=10))
    dialog = opened(qtbot, store, ticket, NOW + timedelta(minutes=15))
    qtbot.waitUntil(lambda: not dialog.buttons["Status update"].isEnabled())
    assert dialog.comment_button.isEnabled() and not dialog.buttons["Reopen"].isEnabled()
    dialog.note.setFocus()
    qtbot.keyClicks(dialog.note, "Melder belde nog om te bedanken")
    qtbot.keyClick(dialog.note, Qt.Key.Key_M, CTRL)
    qtbot.waitUntil(lambda: last(store, ticket).type == "comment")
    assert last(store, ticket).data["text"] == "Melder belde nog om te bedanken"


SIMPLE = [(label, action, keys) for label, action, _x, keys in ACTIONS if action in {
    Action.WAITING_ON_USER, Action.ONSITE_REQUESTED, Action.SWAP_REQUESTED,
    Action.WORKAROUND, Action.PRODUCTIVE_AGAIN,
}]  # fmt: skip


@pytest.mark.parametrize(("label", "action", "keys"), SIMPLE)
def test_every_action_has_its_shortcut_in_its_tooltip_and_pressing_it_records(
    qtbot: QtBot, store: Store, label: str, action: Action, keys: str
) -> None:
    ticket = report(store)
    dialog = opened(qtbot, store, ticket)
    button = dialog.buttons[label]
    assert button.toolTip() == f"Sneltoets: {keys}"
    key = getattr(Qt.Key, f"Key_{keys.rsplit('+', 1)[1]}")
    qtbot.keyClick(dialog, key, CTRL_SHIFT)
    qtbot.waitUntil(lambda: last(store, ticket).type == action.value)


def test_every_button_of_the_ticket_window_names_a_distinct_shortcut(
    qtbot: QtBot, store: Store
) -> None:
    dialog = opened(qtbot, store, report(store))
    buttons = [*dialog.buttons.values(), dialog.comment_button, dialog.uplift_button]
    buttons.append(dialog.close_button)
    keys = [b.shortcut().toString() for b in buttons]
    assert all(keys) and len(set(keys)) == len(keys)
    assert all(b.toolTip() == f"Sneltoets: {k}" for b, k in zip(buttons, keys, strict=True))


def test_resume_by_its_shortcut(qtbot: QtBot, store: Store) -> None:
    ticket = report(store)
    record_action(store, ticket, ActionRequest(Action.WAITING_ON_USER), "agent-1", NOW)
    dialog = opened(qtbot, store, ticket)
    qtbot.keyClick(dialog, Qt.Key.Key_H, CTRL_SHIFT)
    qtbot.waitUntil(lambda: last(store, ticket).type == "resumed")


def test_the_ticket_note_refuses_more_than_its_limit_with_a_dutch_message(
    qtbot: QtBot, store: Store
) -> None:
    dialog = opened(qtbot, store, report(store))
    dialog.note.insert("n" * (FIELD_LIMITS["text"].chars + 3))
    assert dialog.message.text() == "Hoogstens 16.000 tekens: de rest is niet overgenomen."
    assert dialog.note.toolTip() == "Hoogstens 16.000 tekens"
