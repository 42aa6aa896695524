"""The house's record-once dialog: a form that records one thing off the UI thread through
the store's change hub, once only, closes when it is recorded and shows a refusal in the
dialog (nothing recorded, what was typed stays). Used by the notices and the escalation
register; `record_keys` gives every such form its Record and Cancel buttons and Ctrl+Enter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from halt_desk.i18n import _
from halt_desk.store import Store
from ui import labels
from ui.changes import ChangeHub


def record_keys(dialog: QDialog, submit: Callable[[], None]) -> QDialogButtonBox:
    """&Record (also Ctrl+Enter) and Cancel (Escape) for `dialog`."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(_("&Record"))
    ok.setToolTip(_("Shortcut: {keys}").format(keys="Ctrl+Enter"))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    buttons.accepted.connect(submit)
    buttons.rejected.connect(dialog.reject)
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        QShortcut(QKeySequence(keys), dialog, submit)
    return buttons


class RecordingDialog(QDialog):
    """A dialog that records one thing off the UI thread: once only (Enter twice, or Enter
    and the button, records once), closes when it is recorded, shows a refusal in
    `self.message` (which the subclass places) and lets the user try again. `wording`
    turns a refusal into the screen's words (default: `labels.error_text`)."""

    recorded = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.busy = False  # a record on its way
        self.message = labels.error_label()
        self.wording: Callable[[BaseException], str] = labels.error_text

    def record(self, store: Store, work: Callable[[], Any], result: Any = None) -> None:
        """Runs `work` through the store's change hub; emits `recorded` with `result` (or
        with what `work` returned) and closes, or shows why it was refused."""
        if self.busy:
            return
        self.busy = True
        self.message.setText("")
        ChangeHub.of(store).run(
            work, lambda value: self._done(value if result is None else result), self._refused
        )

    def _done(self, value: Any) -> None:
        self.recorded.emit(value)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.busy = False
        self.message.setText(self.wording(exc))
