"""First run: sign in to central with its URL and a token (kept in the keychain), or work
offline; the check runs off the UI thread. Every refusal reads as a Dutch sentence from the
catalogue (the errors' message codes), never the terminal's English.

Where the machine configuration has an `[sso]` table (halt_desk/sync/sso.py), the dialog
also signs in with Microsoft Entra ID: in the system browser, or with a code to enter on
any device (the device-code flow) where there is no browser session here."""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from halt_desk.domain.errors import HaltDeskError
from halt_desk.i18n import _
from halt_desk.sync import SyncSettings, TokenStore
from halt_desk.sync.errors import AuthenticationFailed, SettingsError
from halt_desk.sync.settings import check_server_url
from halt_desk.sync.signin import sign_in, sso_sign_in
from halt_desk.sync.sso import (
    SsoConfig,
    SsoSession,
    browser_available,
    open_sso_session,
    sso_config,
)
from ui import labels
from ui.workers import run_in_background

log = logging.getLogger(__name__)


class SignInDialog(QDialog):
    """Accepted once signed in (`self.settings` holds the saved settings); rejected when the
    user chooses to work offline."""

    def __init__(
        self,
        settings: SyncSettings,
        tokens: TokenStore,
        parent: QWidget | None = None,
        sso: SsoConfig | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings, self.tokens = settings, tokens
        self.sso = sso if sso is not None else _machine_sso()
        self._cancelled = threading.Event()  # a device code no longer waited for
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
        if self.sso is not None:
            layout.addWidget(self._sso_part())
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        for edit in (self.server, self.user, self.token):  # a correction clears the refusal
            edit.textEdited.connect(lambda _text: self.message.clear())

    # ------------------------------------------------------------ Entra ID (SSO)
    def _sso_part(self) -> QWidget:
        part = QWidget()
        layout = QVBoxLayout(part)
        layout.setContentsMargins(0, 0, 0, 0)
        words = QLabel(_("Sign in with your work account (Microsoft)."))
        words.setWordWrap(True)
        self.browser_button = QPushButton(_("Sign in with &Microsoft"))
        self.code_button = QPushButton(_("Sign in with a &code"))
        self.browser_button.clicked.connect(self.sign_in_with_browser)
        self._browser = browser_available()  # no browser here (a remote session): the code
        self.code_button.clicked.connect(self.sign_in_with_code)
        self.code_words = QLabel()
        self.code_words.setWordWrap(True)
        self.code_words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code = QLabel()
        self.code.setAccessibleName(_("Sign-in code"))
        font = QFont(self.code.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.code.setFont(font)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_status = QLabel()  # waiting is no refusal: not in the red message line
        self.code_status.setWordWrap(True)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        for widget in (words, self.browser_button, self.code_button, self.code_words, self.code):
            layout.addWidget(widget)
        layout.addWidget(self.code_status)
        layout.addWidget(line)  # below it: a token from the administrator, as before
        for label in (self.code_words, self.code, self.code_status):
            label.hide()
        self._sso_busy(False)
        return part

    def _sso_settings(self) -> SyncSettings | None:
        try:
            server = check_server_url(self.server.text().strip())
        except HaltDeskError as exc:
            self.message.setText(_sentence(exc))
            self.server.setFocus()
            return None
        return self.settings.with_server(server, self.settings.user)

    def _sso_busy(self, busy: bool) -> None:
        for button in (self.browser_button, self.code_button, self.sign_in_button):
            button.setEnabled(not busy)
        self.browser_button.setEnabled(not busy and self._browser)

    def sign_in_with_browser(self) -> None:
        """Authorization code with PKCE in the system browser (MSAL), then central's check."""
        settings, config = self._sso_settings(), self.sso
        if settings is None or config is None:
            return
        self._sso_busy(True)
        self.message.setText(_("Your browser opens; sign in there."))

        def work() -> SyncSettings:
            session = open_sso_session(config)
            session.sign_in_with_browser()
            return _checked(settings, session)

        run_in_background(work, self._sso_done, self._sso_failed)

    def sign_in_with_code(self) -> None:
        """The device-code flow: a code to enter on any device, then central's check."""
        settings, config = self._sso_settings(), self.sso
        if settings is None or config is None:
            return
        self._sso_busy(True)
        self._cancelled.clear()
        self.message.setText(_("Asking for a code…"))

        def start() -> tuple[SsoSession, dict[str, Any]]:
            session = open_sso_session(config)
            return session, session.start_device_flow()

        def started(result: tuple[SsoSession, dict[str, Any]]) -> None:
            session, flow = result
            self.show_code(str(flow.get("verification_uri", "")), str(flow["user_code"]))
            cancelled = self._cancelled.is_set

            def finish() -> SyncSettings:
                session.finish_device_flow(flow, cancelled)
                return _checked(settings, session)

            run_in_background(finish, self._sso_done, self._sso_failed)

        run_in_background(start, started, self._sso_failed)

    def show_code(self, address: str, code: str) -> None:
        self.code_words.setText(
            _("On any device, open {address} and enter this code:").format(address=address)
        )
        self.code.setText(code)
        self.code_status.setText(_("Waiting until you have signed in…"))
        self.message.clear()
        for label in (self.code_words, self.code, self.code_status):
            label.show()
        self.adjustSize()  # room for the code and its words

    def _sso_done(self, settings: SyncSettings) -> None:
        self.settings = settings
        self.accept()

    def _sso_failed(self, exc: BaseException) -> None:
        self._sso_busy(False)
        for label in (self.code_words, self.code, self.code_status):  # that code is void now
            label.clear()
            label.hide()
        if isinstance(exc, AuthenticationFailed) and exc.status == 403:
            text = _(
                "The central server does not accept your account: it has no role in HALT "
                "Desk yet. Ask your administrator."
            )
        elif isinstance(exc, HaltDeskError) and exc.words is not None:
            text = labels.error_text(exc)
        else:
            log.warning("signing in with Entra ID failed: %s", exc)
            text = _(
                "Signing in with Microsoft did not succeed; try again or ask your administrator."
            )
        self.message.setText(text)

    def done(self, result: int) -> None:  # closing the dialog stops a code's wait
        self._cancelled.set()
        super().done(result)

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


def _machine_sso() -> SsoConfig | None:
    """The machine configuration's [sso] table, if it has a usable one."""
    try:
        return sso_config()
    except SettingsError as exc:
        log.error("no sign-in with Entra ID: %s", exc)
        return None


def _checked(settings: SyncSettings, session: SsoSession) -> SyncSettings:
    """Central's check of the new sign-in; the settings saved with it."""
    from dataclasses import replace

    path_and_name = sso_sign_in(settings, session)
    return replace(settings, auth="sso", user=path_and_name[1] or settings.user)


def _sentence(exc: BaseException) -> str:
    """What went wrong, as a sentence from the catalogue: the error's own words, or (for a
    fault without words: a disk, a library) a general one, with the details in the log."""
    if isinstance(exc, HaltDeskError) and exc.words is not None:
        return labels.error_text(exc)
    log.error("signing in failed: %s", exc, exc_info=exc)
    return _("Signing in did not succeed; the details are in the log.")
