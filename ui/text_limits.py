"""Keeps what a person types within the limits table of the core (domain.limits): a field
stops at its limit, a long text shows how many characters are left beneath it, a short one
names its limit in its tooltip, and what goes beyond is refused with a message."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QPlainTextEdit, QToolTip, QWidget

from halt_desk.domain.limits import FIELD_LIMITS, FieldLimit
from halt_desk.i18n import _, grouped, ngettext

#: From this many characters on a field gets a counter beneath it.
COUNTER_FROM = 1000
#: The most a QLineEdit takes (Qt counts UTF-16 units, two for an emoji).
_QT_MAX_LENGTH = 32767


def characters_left(count: int) -> str:
    return ngettext("{count} character left", "{count} characters left", count).format(
        count=grouped(count)
    )


def too_long(limit: int) -> str:
    """What a field says when more was typed or pasted than it takes."""
    return _("At most {limit} characters: the rest was not taken.").format(limit=grouped(limit))


class TextLimit(QObject):
    """Holds `edit` to the limit of data field `key`: what goes beyond is cut off as it is
    typed or pasted (characters as the core counts them, an emoji is one), `refused` says so
    (`too_long`, also as a tooltip at the field), and `counter` (for long fields; None
    otherwise) says how many characters are left; a short field names its limit in its
    tooltip."""

    refused = Signal(str)

    def __init__(self, edit: QLineEdit | QPlainTextEdit, key: str) -> None:
        super().__init__(edit)
        self.edit = edit
        self.limit: FieldLimit = FIELD_LIMITS[key]
        self.counter: QLabel | None = None
        if not edit.toolTip():
            limit = grouped(self.limit.chars)
            edit.setToolTip(_("At most {limit} characters").format(limit=limit))
        if self.limit.chars >= COUNTER_FROM:
            self.counter = QLabel()
            self.counter.setAccessibleName(edit.accessibleName() + " · " + _("characters left"))
            self.counter.setStyleSheet("color: palette(placeholder-text)")
        if isinstance(edit, QLineEdit):
            # Qt's own stop, in UTF-16 units: never below the limit for any text.
            edit.setMaxLength(min(_QT_MAX_LENGTH, 2 * self.limit.chars))
        edit.textChanged.connect(self._changed)
        self._changed()

    def text(self) -> str:
        edit = self.edit
        return edit.text() if isinstance(edit, QLineEdit) else edit.toPlainText()

    def left(self) -> int:
        return self.limit.chars - len(self.text())

    def _changed(self) -> None:
        text = self.text()
        fitting = self.limit.fitting(text)
        if fitting != text:
            self._cut_to(fitting)  # changes the text again, which lands here within limits
            message = too_long(self.limit.chars)
            if self.edit.isVisible():
                QToolTip.showText(self.edit.mapToGlobal(self.edit.rect().center()), message)
            self.refused.emit(message)
            return
        if self.counter is not None:
            self.counter.setText(characters_left(self.left()))

    def _cut_to(self, fitting: str) -> None:
        units = len(fitting.encode("utf-16-le")) // 2  # Qt's positions count UTF-16 units
        edit = self.edit
        if isinstance(edit, QLineEdit):
            position = edit.cursorPosition()
            edit.setText(fitting)
            edit.setCursorPosition(min(position, units))
            return
        position = edit.textCursor().position()
        edit.setPlainText(fitting)
        cursor = edit.textCursor()
        cursor.setPosition(min(position, units))
        edit.setTextCursor(cursor)


def limit_text(
    edit: QLineEdit | QPlainTextEdit, key: str, message: QLabel | None = None
) -> QLabel | None:
    """Holds `edit` to the limit of data field `key`; returns the counter to place beneath
    it (None for a short field, which only stops). A refusal shows in `message` if given."""
    guard = TextLimit(edit, key)
    if message is not None:
        guard.refused.connect(message.setText)
    return guard.counter


def ask_text(parent: QWidget, title: str, label: str, key: str) -> tuple[str, bool]:
    """As `QInputDialog.getText`, with the line held to the limit of data field `key`."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setTextValue("")
    edit = dialog.findChild(QLineEdit)
    if edit is not None:
        limit_text(edit, key)
    accepted = dialog.exec() == QInputDialog.DialogCode.Accepted
    text = dialog.textValue()
    dialog.deleteLater()
    return text, accepted


class LimitNote(QLabel):
    """Beneath a field of `limit_field`: its limit and what is left ("nog 180 van 200
    tekens"), and, when more was typed or pasted than fits, a Dutch refusal in red."""

    def __init__(self, guard: TextLimit) -> None:
        super().__init__()
        self.guard = guard
        self.refused = False
        self.setAccessibleName(guard.edit.accessibleName() + " · " + _("limit"))
        guard.refused.connect(self._refused)
        guard.edit.textChanged.connect(self._show)
        self._show()

    def _show(self) -> None:
        if self.refused and self.guard.left() > 0:
            self.refused = False
        if self.refused:
            return
        self.setStyleSheet("color: palette(placeholder-text)")
        self.setText(
            _("{left} of {limit} characters left").format(
                left=grouped(self.guard.left()), limit=grouped(self.guard.limit.chars)
            )
        )

    def _refused(self, message: str) -> None:
        self.refused = True
        self.setStyleSheet("color: #b3261e; font-weight: bold")
        self.setText(message)


def limit_field(edit: QLineEdit | QPlainTextEdit, key: str) -> LimitNote:
    """Holds `edit` to the limit of data field `key` (as `limit_text`) and returns the note
    to place beneath it: the limit and what is left, or a Dutch refusal of what did not fit."""
    return LimitNote(TextLimit(edit, key))
