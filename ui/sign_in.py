"""First run: sign in to central with its URL and a token (kept in the keychain), or work
offline; the check runs off the UI thread."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from halt_desk.sync import AuthenticationFailed, ServerUnreachable, SyncSettings, TokenStore
from halt_desk.sync.settings import check_server_url
from halt_desk.sync.signin import sign_in
from ui.workers import run_in_background


class SignInDialog(QDialog):
    """Accepted once signed in (`self.settings` holds the saved settings); rejected when the
    user chooses to work offline."""

    def __init__(
        self, settings: SyncSettings, tokens: TokenStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings, self.tokens = settings, tokens
        self.setWindowTitle(self.tr("Aanmelden bij HALT Desk"))
        self.setMinimumWidth(520)
        intro = QLabel(
            self.tr(
                "Meld deze computer aan bij de centrale server. Het token krijgt u van de "
                "beheerder; het wordt bewaard in {where}."
            ).format(where=tokens.description)
        )
        intro.setWordWrap(True)
        self.server = QLineEdit(settings.server or "https://")
        self.server.setAccessibleName(self.tr("Serveradres"))
        self.user = QLineEdit(settings.user or "")
        self.user.setAccessibleName(self.tr("Uw naam op meldingen"))
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName(self.tr("Token"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e")
        form = QFormLayout()
        form.addRow(self.tr("&Server"), self.server)
        form.addRow(self.tr("&Naam"), self.user)
        form.addRow(self.tr("&Token"), self.token)
        buttons = QDialogButtonBox()
        self.sign_in_button = buttons.addButton(
            self.tr("Aanmelden"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(self.tr("Offline werken"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def submit(self) -> None:
        try:
            server = check_server_url(self.server.text().strip())
        except Exception as exc:
            self.message.setText(self.tr("Ongeldig serveradres: {error}").format(error=exc))
            self.server.setFocus()
            return
        if not self.token.text().strip():
            self.message.setText(self.tr("Vul het token in."))
            self.token.setFocus()
            return
        settings = self.settings.with_server(server, self.user.text().strip() or None)
        token, tokens = self.token.text(), self.tokens
        self.sign_in_button.setEnabled(False)
        self.message.setText(self.tr("Controleren…"))
        run_in_background(lambda: sign_in(settings, token, tokens), self._done, self._failed)
        self._pending = settings

    def _done(self, _: object) -> None:
        self.settings = self._pending
        self.token.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.sign_in_button.setEnabled(True)
        if isinstance(exc, AuthenticationFailed):
            self.message.setText(self.tr("De server weigert dit token."))
        elif isinstance(exc, ServerUnreachable):
            self.message.setText(self.tr("De server is niet bereikbaar: {error}").format(error=exc))
        else:
            self.message.setText(str(exc))
