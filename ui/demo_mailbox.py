"""Verzonden mail (demo): what central mailed during the demo, as its own mail server (on
this computer) received it — newest first; Up/Down choose, the text shows beside the list.
Only the demo has it (`halt-desk demo`); a real desk's mail goes to a real mail server."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from halt_desk.demo.mailbox import DemoMail, DemoMailbox
from halt_desk.i18n import _

REFRESH_MS = 1000


class MailboxWindow(QDialog):
    def __init__(self, mailbox: DemoMailbox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.mailbox = mailbox
        self.mails: list[DemoMail] = []
        self._seen = -1
        self.setWindowTitle(_("Sent mail (demo)"))
        self.resize(1100, 620)
        intro = QLabel(
            _(
                "The mails central sent during this demo, as the demo's own mail server on "
                "this computer received them. Nothing leaves this computer."
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName(_("Sent mail"))
        self.table.setHorizontalHeaderLabels([_("Received"), _("To"), _("Subject")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda *_args: self._show_mail())
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName(_("The chosen mail"))
        self.count = QLabel()
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.text)
        splitter.setSizes([560, 540])
        close = QPushButton(_("Close"))
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(self.count)
        row.addStretch()
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addLayout(row)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(REFRESH_MS)
        self.refresh()
        self.table.setFocus()

    def refresh(self) -> None:
        """Reads the mailbox again when something arrived (the newest stay on top; the
        chosen mail stays chosen)."""
        if self.mailbox.count == self._seen:
            return
        self._seen = self.mailbox.count
        chosen = self.current()
        self.mails = self.mailbox.mails()
        self.table.setRowCount(len(self.mails))
        for row, mail in enumerate(self.mails):
            received = mail.received_at.astimezone().strftime("%d-%m %H:%M:%S")
            for column, text in enumerate((received, ", ".join(mail.to), mail.subject)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        numbers = [m.number for m in self.mails]
        row = numbers.index(chosen.number) if chosen is not None and chosen.number in numbers else 0
        if self.mails:
            self.table.setCurrentCell(row, 0)
        self.count.setText(_("{n} mails received").format(n=len(self.mails)))
        self._show_mail()

    def current(self) -> DemoMail | None:
        row = self.table.currentRow()
        return self.mails[row] if 0 <= row < len(self.mails) else None

    def _show_mail(self) -> None:
        mail = self.current()
        if mail is None:
            self.text.setPlainText(_("No mail has been sent yet.") if not self.mails else "")
            return
        head = [
            _("From: {sender}").format(sender=mail.sender),
            _("To: {to}").format(to=", ".join(mail.to)),
            _("Subject: {subject}").format(subject=mail.subject),
        ]
        self.text.setPlainText("\n".join(head) + "\n\n" + mail.text)
