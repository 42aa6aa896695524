"""The read-only table model the list screens share: `rows` under translated `HEADERS`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication

Index = QModelIndex | QPersistentModelIndex


class RowsTableModel(QAbstractTableModel):
    """Subclasses name their translation `CONTEXT` and `HEADERS` (marked with
    QT_TRANSLATE_NOOP in that context), keep `rows`, and answer `data`."""

    CONTEXT = ""
    HEADERS: tuple[str, ...] = ()
    rows: Sequence[object]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QApplication.translate(self.CONTEXT, self.HEADERS[section])
        return None
