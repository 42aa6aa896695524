"""The notices window's line about the chosen notice's mails (halt_desk/desk/
notice_mail.py), asked of central off the UI thread, and the list of addresses that were
not delivered (Ctrl+E)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from halt_desk.desk.notice_mail import NoticeMail, failure_lines, fetch_notice_mail, mail_line
from halt_desk.i18n import _
from halt_desk.sync.signin import SyncTarget
from ui.workers import LatestOnly

#: How often the line asks central again while the window is open (mails go out meanwhile).
REFRESH_MS = 30_000


class NoticeMailLine(QWidget):
    """ "E-mail: verstuurd aan … van … medewerkers · … niet afgeleverd · … wachten" for the
    chosen notice; `target()` is where central is (None: not connected)."""

    def __init__(
        self, target: Callable[[], SyncTarget | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.target = target
        self.notice_id: str | None = None
        self.mail: NoticeMail | None = None
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName(_("E-mail to the employees"))
        self.failures = QPushButton(_("Not &delivered… (Ctrl+E)"))
        self.failures.clicked.connect(self.show_failures)
        self.failures.setEnabled(False)
        QShortcut(QKeySequence("Ctrl+E"), self, self.show_failures)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.failures)
        layout.addLayout(row)
        self.dialog: QDialog | None = None
        self._asks = LatestOnly()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def show_notice(self, notice_id: str | None) -> None:
        """Shows the line of `notice_id` (None: no notice chosen) and asks central."""
        if notice_id != self.notice_id:
            self.mail = None
        self.notice_id = notice_id
        self.refresh()

    def _tick(self) -> None:
        # A closed window stays around hidden: it asks central only while it is shown.
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        notice_id, target = self.notice_id, self.target()
        if notice_id is None:
            self.label.setText("")
            self.failures.setEnabled(False)
            return
        if target is None:
            self.mail = None
            self._show(None, online=False)
            return
        self._show(self.mail, online=True)
        self._asks.run(
            lambda: fetch_notice_mail(target, notice_id),
            lambda mail: self._answered(notice_id, mail),
        )

    def _answered(self, notice_id: str, mail: NoticeMail) -> None:
        if notice_id == self.notice_id:
            self.mail = mail
            self._show(mail, online=True)

    def _show(self, mail: NoticeMail | None, online: bool) -> None:
        self.label.setText(mail_line(mail, online))
        self.failures.setEnabled(mail is not None and bool(failure_lines(mail)))

    def show_failures(self) -> QDialog | None:
        """The addresses not delivered, with the mail server's reason (Escape closes)."""
        mail = self.mail
        lines = failure_lines(mail) if mail is not None else []
        if mail is None or not lines:
            return None
        dialog = QDialog(self)
        dialog.setWindowTitle(_("E-mail not delivered"))
        dialog.resize(720, 360)
        listing = QListWidget()
        listing.setAccessibleName(_("E-mail not delivered"))
        listing.addItems(lines)
        listing.setCurrentRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(dialog.reject)
        intro = QLabel(
            _("These employees did not get the e-mail; behind each the mail server's answer.")
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(dialog)
        layout.addWidget(intro)
        layout.addWidget(listing, 1)
        layout.addWidget(buttons)
        dialog.open()
        listing.setFocus()
        self.dialog = dialog
        return dialog
