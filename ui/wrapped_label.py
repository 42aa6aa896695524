"""A word-wrapped label that asks its layout for the height of its text at its own width.

QLabel with word wrap guesses its size hint at a narrow width (two lines for a short text),
so a form row stands taller than its text and the text floats in it; and a label whose
text changes makes the rows around it jump. This one asks for the height its text takes
at the width it has, and can keep the room of the longest of some texts it may show
(`reserved`), so changing between them moves nothing. A window does not size itself by
the height its wrapped text needs at its width: give it that size (`fit_height`)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QWidget


class WrappedLabel(QLabel):
    def __init__(self, text: str = "", reserved: Iterable[str] = ()) -> None:
        super().__init__(text)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._reserved = [QLabel(line) for line in reserved]
        for label in self._reserved:
            label.setWordWrap(True)

    def heightForWidth(self, width: int) -> int:
        own = super().heightForWidth(width)
        return max([own, *(label.heightForWidth(width) for label in self._reserved)])

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.heightForWidth(self._laid_out_width(hint)))

    def _laid_out_width(self, hint: QSize) -> int:
        """The width the layout gave it once shown; before, QLabel's own guess."""
        return self.width() if self.isVisible() and self.width() > 0 else hint.width()


def fit_height(window: QWidget) -> None:
    """Makes `window` as tall as its layout needs at its width, if it is not already: a
    window sizes itself from its contents' size hints, which for wrapped text are guesses
    at another width, and does not grow by itself when such text gets longer."""
    layout = window.layout()
    if layout is None:
        return
    layout.activate()  # the contents' new sizes, not the ones cached before them
    needed = layout.totalHeightForWidth(window.width())
    if needed > window.height():
        window.resize(window.width(), needed)
