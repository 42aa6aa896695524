"""Signing out from the main window (Ctrl+Shift+L, "Afmelden…"): after a confirmation the
sync process stops, the sign-in leaves this computer (the Entra ID sign-in from MSAL's cache,
or the server's token from the keychain or its encrypted file), and the status bar says so.
Nothing recorded is touched: what waits in the outbox goes out after the next sign-in (at
the app's next start)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from halt_desk.i18n import _
from ui.workers import run_in_background

log = logging.getLogger(__name__)
SIGN_OUT_KEYS = "Ctrl+Shift+L"


class SignOut(QObject):
    """The window's sign-out action; `sign_out` does the work off the UI thread, `stop`
    ends the sync process first. `done` is emitted once the sign-in is gone."""

    done = Signal()

    def __init__(
        self,
        window: QMainWindow,
        connection: QLabel,
        stop: Callable[[], None],
        sign_out: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self.window, self.connection, self._stop, self._sign_out = (
            window,
            connection,
            stop,
            sign_out,
        )
        self.action = QAction(_("Sign out…"), window)
        self.action.setShortcut(QKeySequence(SIGN_OUT_KEYS))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.setToolTip(
            _("Sign this computer out of the server ({keys})").format(keys=SIGN_OUT_KEYS)
        )
        self.action.triggered.connect(self.ask)
        window.addAction(self.action)
        self.signed_out = False
        self.box: QMessageBox | None = None

    def ask(self) -> None:
        """The confirmation, window-modal and not blocking (Annuleren is the default)."""
        if self.signed_out or self.box is not None:
            return
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Sign out"))
        box.setText(
            _(
                "Sign this computer out of the server? Changes that were not sent yet stay "
                "on this computer and are sent after you sign in again (at the next start)."
            )
        )
        yes = box.addButton(_("&Sign out"), QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton(_("&Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.setEscapeButton(no)

        def answered() -> None:
            self.box = None
            if box.clickedButton() is yes:
                self.sign_out()
            box.deleteLater()

        box.finished.connect(answered)
        self.box = box
        box.open()

    def sign_out(self) -> None:
        self._stop()
        self.action.setEnabled(False)
        run_in_background(self._sign_out, self._signed_out, self._failed)

    def _signed_out(self, _ignored: object) -> None:
        self.signed_out = True
        self.connection.setText(_("Signed out — sign in at the next start"))
        self.connection.setToolTip("")
        self.window.statusBar().showMessage(_("Signed out: the sign-in was removed."), 10_000)
        self.done.emit()

    def _failed(self, exc: BaseException) -> None:
        log.warning("signing out failed: %s", exc)
        self.action.setEnabled(True)
        self.window.statusBar().showMessage(
            _("Signing out did not succeed; the details are in the log."), 10_000
        )
