"""E-mail bekijken: what a mail of this ticket looks like, any kind in Dutch or English,
subject, plain text and HTML, rendered with the ticket's data (halt_desk/desk/
mail_preview.py); nothing is sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from halt_desk.central.mail_templates import MailTemplateError
from halt_desk.desk.mail_preview import (
    MAIL_LANGUAGES,
    MailPreview,
    Wording,
    preview_kinds,
    preview_mail,
)
from halt_desk.domain.errors import DeskInputError
from halt_desk.i18n import _
from halt_desk.store import Store
from ui import labels
from ui.workers import LatestOnly


class MailPreviewDialog(QDialog):
    """Kind and language to choose; subject, text and HTML follow at once."""

    def __init__(
        self,
        store: Store,
        ticket_id: str,
        actor: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
        kind: str | None = None,
        wording: Callable[[str, str, str], Wording] | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.ticket_id, self.actor, self.clock = store, ticket_id, actor, clock
        self.preview: MailPreview | None = None
        #: Asks central for the organisation's wording (None: offline, the built-in only).
        self.wording = wording
        self.wordings: dict[tuple[str, str], Wording] = {}
        self._asks = LatestOnly()
        self.setWindowTitle(_("E-mail preview — {ticket}").format(ticket=ticket_id))
        self.resize(760, 640)
        self.kind = QComboBox()
        for code, words in preview_kinds():
            self.kind.addItem(words, code)
        self.lang = QComboBox()
        for code, words in MAIL_LANGUAGES.items():
            self.lang.addItem(_(words), code)
        self.subject = QLabel()
        self.subject.setWordWrap(True)
        self.subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setStyleSheet("color: #555")
        form = QFormLayout()
        form.addRow(_("Kind of e-mail"), self.kind)
        form.addRow(_("Language"), self.lang)
        form.addRow(_("Subject"), self.subject)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.html = QTextBrowser()
        self.html.setOpenLinks(False)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.html, _("As the caller sees it (HTML)"))
        self.tabs.addTab(self.text, _("Plain text"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.source)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        if kind is not None and self.kind.findData(kind) >= 0:
            self.kind.setCurrentIndex(self.kind.findData(kind))
        self.kind.currentIndexChanged.connect(self.show_mail)
        self.lang.currentIndexChanged.connect(self.show_mail)
        self.show_mail()

    def choose(self, kind: str, lang: str) -> None:
        """Shows `kind` in `lang` (as choosing them in the two lists does)."""
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.lang.setCurrentIndex(self.lang.findData(lang))

    def show_mail(self) -> None:
        kind, lang = str(self.kind.currentData()), str(self.lang.currentData())
        known = self.wordings.get((kind, lang))
        self._render(kind, lang, known)
        ticket = self.store.ticket(self.ticket_id)
        if known is None and self.wording is not None and ticket is not None:
            ask, org = self.wording, ticket.org
            self._asks.run(lambda: ask(org, kind, lang), lambda w: self._answered(kind, lang, w))

    def _answered(self, kind: str, lang: str, wording: Wording) -> None:
        self.wordings[(kind, lang)] = wording
        if (kind, lang) == (self.kind.currentData(), self.lang.currentData()):
            self._render(kind, lang, wording)

    def _render(self, kind: str, lang: str, wording: Wording | None) -> None:
        published = wording.source if wording is not None else None
        try:
            self.preview = preview_mail(
                self.store, self.ticket_id, kind, lang, self.actor, self.clock(), published
            )
        except (DeskInputError, MailTemplateError) as exc:
            self.preview = None
            self.subject.setText("")
            self.text.setPlainText("")
            self.html.setHtml("")
            reason = labels.error_text(exc) if isinstance(exc, DeskInputError) else str(exc)
            self.source.setText(_("This e-mail cannot be shown: {reason}").format(reason=reason))
            return
        mail = self.preview.mail
        self.subject.setText(mail.subject)
        self.text.setPlainText(mail.text)
        self.html.setHtml(mail.html)
        self.source.setText(_source_words(self.preview, wording, self.wording is not None))


def _source_words(preview: MailPreview, wording: Wording | None, online: bool) -> str:
    """Whose wording the preview shows, and what it leaves out."""
    note = _("Nothing is sent; what this ticket does not have yet is shown in brackets.")
    if preview.published:
        said = _("The organisation's own wording, as published at central.")
    elif wording is not None and not wording.reached:
        said = _(
            "Central cannot be reached: the standard wording is shown (the organisation may "
            "have its own)."
        )
    elif wording is not None:
        said = _("The standard wording (the organisation has no wording of its own).")
    elif online:
        said = _("The standard wording; asking central for the organisation's own…")
    else:
        said = _(
            "The standard wording (not connected to central; the organisation may have its own)."
        )
    return f"{said} {note}"
