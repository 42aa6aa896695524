"""First run: sign in to central with its URL and a token (kept in the keychain), or work
offline; the check runs off the UI thread. Every refusal reads as a Dutch sentence from the
catalogue (the errors' message codes), never the terminal's English."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from halt_desk.domain.errors import HaltDeskError
from halt_desk.i18n import _
from halt_desk.sync import SyncSettings, TokenStore
from halt_desk.sync.settings import check_server_url
from halt_desk.sync.signin import sign_in
from ui import labels
from ui.workers import run_in_background

log = logging.getLogger(__name__)


class SignInDialog(QDialog):
    """Accepted once signed in (`self.settings` holds the saved settings); rejected when the
    user chooses to work offline."""

    def __init__(
        self, settings: SyncSettings, tokens: TokenStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings, self.tokens = settings, tokens
        self.setWindowTitle(_("Sign in to HALT Desk"))
        self.setMinimumWidth(520)
        intro = QLabel(
            _(
                "Sign this computer in to the central server. Your "
                "administrator gives you the token; it is kept in {where}."
            ).format(where=tokens.place.text())
        )
        intro.setWordWrap(True)
        self.server = QLineEdit(settings.server or "https://")
        self.server.setAccessibleName(_("Server address"))
        self.user = QLineEdit(settings.user or "")
        self.user.setAccessibleName(_("Your name on tickets"))
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName(_("Token"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e")
        form = QFormLayout()
        form.addRow(_("&Server"), self.server)
        form.addRow(_("&Name"), self.user)
        form.addRow(_("&Token"), self.token)
        buttons = QDialogButtonBox()
        self.sign_in_button = buttons.addButton(
            _("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(_("Work offline"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        for edit in (self.server, self.user, self.token):  # a correction clears the refusal
            edit.textEdited.connect(lambda _text: self.message.clear())

    def submit(self) -> None:
        try:
            server = check_server_url(self.server.text().strip())
        except HaltDeskError as exc:
            self.message.setText(_sentence(exc))
            self.server.setFocus()
            return
        if not self.token.text().strip():
            self.message.setText(_("Enter the token."))
            self.token.setFocus()
            return
        settings = self.settings.with_server(server, self.user.text().strip() or None)
        token, tokens = self.token.text(), self.tokens
        self.sign_in_button.setEnabled(False)
        self.message.setText(_("Checking…"))
        run_in_background(lambda: sign_in(settings, token, tokens), self._done, self._failed)
        self._pending = settings

    def _done(self, _ignored: object) -> None:
        self.settings = self._pending
        self.token.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.sign_in_button.setEnabled(True)
        self.message.setText(_sentence(exc))


def _sentence(exc: BaseException) -> str:
    """What went wrong, as a sentence from the catalogue: the error's own words, or (for a
    fault without words: a disk, a library) a general one, with the details in the log."""
    if isinstance(exc, HaltDeskError) and exc.words is not None:
        return labels.error_text(exc)
    log.error("signing in failed: %s", exc, exc_info=exc)
    return _("Signing in did not succeed; the details are in the log.")
