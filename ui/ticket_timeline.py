"""The ticket window's conversation: the entries of `halt_desk.desk.ticket_story` as a page
people read, newest at the bottom (Zammad's ticket zoom). What the caller said or was told
sits in a green card, internal notes in a yellow one, the report in a blue one; field
changes and logistics are quieter single lines. The page stays at the bottom while the
reader is there, and stays where the reader scrolled to otherwise."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QTextBrowser, QWidget

from halt_desk.desk.ticket_story import EntryKind, StoryEntry
from halt_desk.i18n import _

#: Card colours per kind (background, accent); None: a quiet line without a card.
_CARDS: dict[EntryKind, tuple[str, str] | None] = {
    EntryKind.REPORT: ("#e8f0fb", "#2f5d9e"),
    EntryKind.CONTACT: ("#e6f4ea", "#1e6b2a"),
    EntryKind.NOTE: ("#fff4cc", "#7a5c00"),
    EntryKind.CHANGE: None,
    EntryKind.WORK: None,
    EntryKind.OTHER: None,
}
#: Room inside a card (rich text has no padding): a space at the start of each line.
_PAD = "&#8199;"


def _body(text: str, pad: str = "") -> str:
    return "<br>".join(pad + escape(line) for line in text.splitlines())


def entry_html(entry: StoryEntry) -> str:
    """One entry: a card (who · when, what, the content) or a quiet line. Paragraphs, not
    tables: a page of 200 entries lays out in a fraction of the time."""
    who, when, label = escape(entry.who), escape(entry.when), escape(entry.label)
    card = _CARDS.get(entry.kind)
    if card is None and entry.sentence:  # the body says it all: "Prioriteit P3 → P2: …"
        first, _sep, rest = entry.body.partition("\n")
        more = f"<br>{_body(rest)}" if rest else ""
        return (
            f'<p style="margin:2px 0px 6px 16px; color:#555555">'
            f"<small>{when} · {who}</small><br><b>{escape(first)}</b>{more}</p>"
        )
    if card is None:
        body = f" — {_body(entry.body)}" if entry.body else ""
        style = "color:#555555" + ("; font-style:italic" if entry.kind is EntryKind.OTHER else "")
        return (
            f'<p style="margin:2px 0px 6px 16px; {style}">'
            f"<small>{when} · {who}</small><br><b>{label}</b>{body}</p>"
        )
    background, accent = card
    internal_word = _("internal")
    internal = f" · <i>{escape(internal_word)}</i>" if entry.kind is EntryKind.NOTE else ""
    text = f"<br>{_body(entry.body, _PAD)}" if entry.body else ""
    return (
        f'<p style="background-color:{background}; margin:10px 0px 10px 0px">'
        f"{_PAD}<b>{who}</b> <small>· {when}{internal}</small><br>"
        f'{_PAD}<span style="color:{accent}"><b>{label}</b></span>{text}</p>'
    )


def story_html(entries: Sequence[StoryEntry]) -> str:
    """The whole conversation as one page (built off the UI thread)."""
    if not entries:
        nothing = _("Nothing recorded yet.")
        return f"<p><i>{escape(nothing)}</i></p>"
    return "".join(entry_html(entry) for entry in entries)


class TimelineView(QTextBrowser):
    """The conversation, read-only, scrolled to the newest entry on open and after each new
    entry while the reader is at the bottom (keyboard: arrows, Page Up/Down, Ctrl+End)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        # A caret for the keyboard: arrows, Page Up/Down, Ctrl+Home/End, select and copy.
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setAccessibleName(_("Timeline"))
        self.entries: list[StoryEntry] = []
        self._stick = True  # at the bottom: stay there when the page grows
        self._filling = False
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._scrolled)
        bar.rangeChanged.connect(self._range_changed)

    def show_story(self, entries: Sequence[StoryEntry], html: str | None = None) -> None:
        stick = self._stick
        self.entries = list(entries)
        self._filling = True
        try:
            self.setHtml(html if html is not None else story_html(entries))
        finally:
            self._filling = False
        self._stick = stick
        if stick:
            self.scroll_to_newest()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.matches(QKeySequence.StandardKey.MoveToEndOfDocument):
            self.scroll_to_newest()  # the whole last entry, not just its last line

    def scroll_to_newest(self) -> None:
        self._stick = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def at_newest(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum()

    def _scrolled(self, value: int) -> None:
        if not self._filling:
            self._stick = value >= self.verticalScrollBar().maximum() - 2

    def _range_changed(self, _minimum: int, maximum: int) -> None:
        if self._stick:
            self.verticalScrollBar().setValue(maximum)
