"""The search box and the list it filters, by keyboard: Enter in the box opens the first
hit, Down goes to the list with its first row selected, Up on the first row goes back.

A list that gets the focus by itself makes its first row current without selecting it:
nothing shows, so an agent's Down went on to the second row and Enter opened that one.
Here Down from the box lands on the first row, visibly selected."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QTableView


class SearchKeys(QObject):
    def __init__(
        self, search: QLineEdit, table: QTableView, open_row: Callable[[QModelIndex], None]
    ) -> None:
        super().__init__(table)
        self.search, self.table, self.open_row = search, table, open_row
        search.returnPressed.connect(self.open_first_hit)
        search.installEventFilter(self)
        table.installEventFilter(self)

    def to_first_hit(self) -> bool:
        """The cursor on the list's first row, selected; False when the list is empty."""
        model = self.table.model()
        if model is None or model.rowCount() == 0:
            return False
        self.table.setCurrentIndex(model.index(0, 0))
        self.table.selectRow(0)
        self.table.scrollToTop()
        self.table.setFocus(Qt.FocusReason.TabFocusReason)
        return True

    def open_first_hit(self) -> None:
        """Enter in the search box (the empty list says when there is nothing to open)."""
        if self.to_first_hit():
            self.open_row(self.table.currentIndex())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        if watched is self.search and key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
            self.to_first_hit()
            return True
        if watched is self.table and key == Qt.Key.Key_Up and self.table.currentIndex().row() <= 0:
            self.search.setFocus(Qt.FocusReason.BacktabFocusReason)
            return True
        return False
