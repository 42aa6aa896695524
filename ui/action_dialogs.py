"""The ticket actions that carry content, asked in a small dialog of their own: a status
update (what was told to the caller, and how), the resolution, the reason of a reopen; and
the question before a second first response. The core (`desk.actions`) checks and records;
a refusal shows in the dialog, and what was typed stays until it is recorded.

Keyboard: the text first; Tab to the choices; Ctrl+Enter records (Enter starts a new line
in the text), Escape cancels; every choice has an Alt-mnemonic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from halt_desk.desk.actions import STATUS_UPDATE_CHANNELS, Action, ActionRequest
from halt_desk.domain.errors import DeskInputError
from halt_desk.i18n import _
from ui import labels
from ui.text_limits import TextLimit

#: The data field each content action keeps its text in (its limit in domain.limits).
CONTENT_KEYS: dict[Action, str] = {
    Action.STATUS_UPDATE: "text",
    Action.RESOLVED: "resolution",
    Action.REOPENED: "reason",
}


class ContentDialog(QDialog):
    """Asks the text of one action; emits `submitted(ActionRequest)` on Ctrl+Enter or OK.

    The caller records it and then calls `recorded()` (closes) or `refused(exc)` (shows why,
    keeps the text)."""

    submitted = Signal(object)

    def __init__(
        self, action: Action, title: str, prompt: str, ticket: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.action = action
        self.setWindowTitle(title.format(ticket=ticket))
        self.setMinimumWidth(520)
        self.prompt = QLabel(prompt)
        self.prompt.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName(prompt.replace("&", ""))
        self.text.setMinimumHeight(110)
        self.prompt.setBuddy(self.text)
        self.limit = TextLimit(self.text, CONTENT_KEYS[action])
        self.message = labels.error_label()
        self.limit.refused.connect(self.message.setText)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("&Record"))
        ok.setToolTip(_("Shortcut: {keys}").format(keys="Ctrl+Enter"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.submit)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.prompt)
        self.layout_.addWidget(self.text)
        if self.limit.counter is not None:
            self.layout_.addWidget(self.limit.counter)
        self.extra = QVBoxLayout()
        self.layout_.addLayout(self.extra)
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.buttons)
        self.text.setFocus()

    def request(self) -> ActionRequest:
        return ActionRequest(self.action, text=self.text.toPlainText())

    def submit(self) -> None:
        self.message.setText("")
        self.submitted.emit(self.request())

    def recorded(self) -> None:
        self.accept()

    def refused(self, exc: BaseException) -> None:
        self.message.setText(labels.error_text(exc))
        if isinstance(exc, DeskInputError) and exc.field == "channel":
            buttons = self.findChildren(QRadioButton)
            if buttons:
                buttons[0].setFocus()
        else:
            self.text.setFocus()


class StatusUpdateDialog(ContentDialog):
    """Status update: what was told to the caller (required) and how (phone, e-mail, portal)."""

    def __init__(self, ticket: str, parent: QWidget | None = None) -> None:
        super().__init__(
            Action.STATUS_UPDATE,
            _("Status update · {ticket}"),
            _("&What did you tell the caller?"),
            ticket,
            parent,
        )
        how = QLabel(_("How did you tell the caller?"))
        self.channels = QButtonGroup(self)
        self.channel_buttons: dict[str, QRadioButton] = {}
        row = QHBoxLayout()
        row.addWidget(how)
        words = {"phone": _("&Phone"), "email": _("&E-mail"), "portal": _("P&ortal")}
        for channel in STATUS_UPDATE_CHANNELS:
            button = QRadioButton(words[channel])
            self.channels.addButton(button)
            self.channel_buttons[channel] = button
            row.addWidget(button)
        row.addStretch()
        self.extra.addLayout(row)

    def channel(self) -> str | None:
        for channel, button in self.channel_buttons.items():
            if button.isChecked():
                return channel
        return None

    def request(self) -> ActionRequest:
        text = self.text.toPlainText()
        return ActionRequest(self.action, channel=self.channel(), text=text)


class ResolutionDialog(ContentDialog):
    """Resolved: the resolution, in words the caller and the report can read (required)."""

    def __init__(self, ticket: str, parent: QWidget | None = None) -> None:
        super().__init__(
            Action.RESOLVED,
            _("Resolved · {ticket}"),
            _("&Resolution: what was the cause and what solved it?"),
            ticket,
            parent,
        )


class ReopenDialog(ContentDialog):
    """Reopen a resolved ticket: the reason (required). The clocks resume (README)."""

    def __init__(self, ticket: str, parent: QWidget | None = None) -> None:
        super().__init__(
            Action.REOPENED,
            _("Reopen · {ticket}"),
            _("&Why is the ticket reopened?"),
            ticket,
            parent,
        )
        hint = QLabel(
            _(
                "The resolution clock runs again from now; the time the ticket was resolved "
                "does not count."
            )
        )
        hint.setWordWrap(True)
        self.extra.addWidget(hint)


#: The dialog of each action that asks its content.
DIALOGS: dict[Action, Callable[[str, QWidget | None], ContentDialog]] = {
    Action.STATUS_UPDATE: StatusUpdateDialog,
    Action.RESOLVED: ResolutionDialog,
    Action.REOPENED: ReopenDialog,
}


def second_first_response_box(exc: DeskInputError, parent: QWidget | None) -> QMessageBox:
    """The question before a second first response (the core's refusal `exc` names the
    ticket and the moment of the first): No is the default."""
    params = dict(exc.words.params)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("First response"))
    box.setText(
        _(
            "There is already a first response on {ticket} ({when}). Record another one anyway?"
        ).format(ticket=params.get("ticket", ""), when=params.get("when", ""))
    )
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(_("&Yes, record"))
    box.button(QMessageBox.StandardButton.No).setText(_("&No"))
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def is_second_first_response(exc: BaseException) -> bool:
    return isinstance(exc, DeskInputError) and exc.field == "again"


class TicketActions(Protocol):
    """What the ticket window offers these dialogs (`ui.ticket_dialog.TicketDialog`)."""

    ticket_id: str

    def record(
        self,
        request: ActionRequest,
        on_done: Callable[[object], None],
        on_error: Callable[[BaseException], None],
    ) -> None: ...

    def _done(self, result: object) -> None: ...


def ask_content(window: TicketActions, action: Action, note: str = "") -> ContentDialog:
    """Opens the dialog that asks `action`'s content (the note typed so far as its start);
    records what it submits, closing on success and showing a refusal in the dialog."""
    parent = window if isinstance(window, QWidget) else None
    dialog = DIALOGS[action](window.ticket_id, parent)
    dialog.text.setPlainText(note)

    def done(result: object) -> None:
        dialog.recorded()
        window._done(result)

    dialog.submitted.connect(lambda request: window.record(request, done, dialog.refused))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def confirm_again(
    window: TicketActions, exc: DeskInputError, request: ActionRequest
) -> QMessageBox:
    """Asks before a second first response; Yes records `request` confirmed."""
    parent = window if isinstance(window, QWidget) else None
    box = second_first_response_box(exc, parent)

    def answered(button: int) -> None:
        if button == QMessageBox.StandardButton.Yes:
            window.record(replace(request, again=True), window._done, _shown_in(window))

    box.finished.connect(answered)
    box.finished.connect(box.deleteLater)
    box.open()
    return box


def _shown_in(window: TicketActions) -> Callable[[BaseException], None]:
    failed = getattr(window, "_failed", None)
    return failed if callable(failed) else (lambda exc: None)
