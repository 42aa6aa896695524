"""The text an empty list shows in its own area ("Geen meldingen in dit filter"), so an
empty filter or a search without hits reads as an answer, not as a list still loading."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QLabel

from halt_desk.i18n import _


class EmptyState(QLabel):
    """A centred, quiet text over the viewport of `view`; hidden while `show_text(None)`."""

    def __init__(self, view: QAbstractItemView) -> None:
        viewport = view.viewport()
        super().__init__(viewport)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)  # a search text is shown as typed
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.setFont(font)
        self.setMargin(24)
        # Clicks go to the list underneath (its header and context menu keep working).
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setGeometry(viewport.rect())
        viewport.installEventFilter(self)
        self.hide()

    def show_text(self, text: str | None) -> None:
        if text:
            self.setText(text)
            self.setAccessibleName(text)
            self.show()
        else:
            self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        viewport = self.parentWidget()
        if event.type() == QEvent.Type.Resize and viewport is not None and watched is viewport:
            self.setGeometry(viewport.rect())
        return False


def empty_list_text(search: str, everything: bool, total: int) -> str:
    """What the empty ticket list says: why it is empty, and the key that shows more
    (`everything`: the filter "Alle" is on; `total`: tickets in the cache)."""
    search = search.strip()
    if search:
        found = _("No tickets found for “{search}”").format(search=search)
        return found if everything else found + "\n" + _("Alt+6 searches all tickets.")
    if total == 0:
        return _("No tickets yet") + "\n" + _("Ctrl+N records a new ticket.")
    empty = _("No tickets in this filter")
    return empty if everything else empty + "\n" + _("Alt+6 shows all tickets.")
