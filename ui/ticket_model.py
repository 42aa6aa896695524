"""The ticket list as a Qt table model over `halt_desk.ticket_list.TicketList`.

Filtering, search and sorting happen in `TicketList` (fast on 200,000 rows, tested without
Qt); this model only shows the visible selection, with priority colours and a live
countdown to the next deadline.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from halt_desk.desk.ticket_list import QuickFilter, TicketList, TicketListRow
from halt_desk.domain.ticket_numbers import parse_ticket_id
from halt_desk.i18n import N_, _
from ui import labels
from ui.contract_time import ContractZones

Index = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", N_("Number")),
    ("org", N_("Organisation")),
    ("caller", N_("Caller")),
    ("summary", N_("Summary")),
    ("priority", N_("Priority")),
    ("status", N_("Status")),
    ("next_due", N_("Next deadline")),
    ("assignee", N_("Assigned to")),
)
COUNTDOWN_COLUMN = 6
#: Role with the row's ticket id (for selection and opening).
TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class TicketTableModel(QAbstractTableModel):
    def __init__(self, now: datetime) -> None:
        super().__init__()
        self.tickets = TicketList([])
        self.now = now
        #: The contract zones of the cache once it is open (the deadline's tooltip).
        self.zones = ContractZones()
        self._quick = QuickFilter.OPEN
        self._text = ""
        self._bold = QFont()
        self._bold.setBold(True)

    # --- data in ---------------------------------------------------------------------------
    def set_tickets(self, tickets: TicketList) -> None:
        self.beginResetModel()
        self.tickets = tickets
        tickets.apply(self._quick, self._text, self.now)
        self.endResetModel()

    def set_filter(self, quick: QuickFilter, text: str) -> None:
        self.beginResetModel()
        self._quick, self._text = quick, text
        self.tickets.apply(quick, text, self.now)
        self.endResetModel()

    def tick(self, now: datetime) -> None:
        """Moves the countdowns on: repaints only the deadline column."""
        self.now = now
        if self.tickets:
            top = self.index(0, COUNTDOWN_COLUMN)
            bottom = self.index(len(self.tickets) - 1, COUNTDOWN_COLUMN)
            self.dataChanged.emit(top, bottom, [Qt.ItemDataRole.DisplayRole])

    def row_at(self, row: int) -> TicketListRow:
        return self.tickets.row(row)

    # --- QAbstractTableModel ---------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.tickets)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section][1])
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.tickets.sort(COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.tickets.row(index.row())
        column = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text_of(row, column)
        if role == TICKET_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.BackgroundRole and column == "priority":
            colour = labels.PRIORITY_COLOURS.get(row.priority)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and column == "next_due" and row.is_open:
            _ignored, colour = labels.countdown(row.next_due, self.now)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.FontRole and column == "priority" and row.priority == "P1":
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "id" and (number := parse_ticket_id(row.id)) and number.provisional:
                return _(
                    "Provisional number: this computer had no numbers of the series left "
                    "when the ticket was recorded offline. The ticket keeps it."
                )
            if column == "priority" and row.uplift:
                return labels.uplift_label()
            if column == "next_due" and row.next_due is not None:
                return self.zones.shown(row.next_due, row.org)
            if column == "summary":
                return row.summary
        return None

    def _text_of(self, row: TicketListRow, column: str) -> str:
        if column == "id":
            return row.id
        names = self.tickets.names
        if column == "org":
            return names.org(row.org) if names is not None else row.org
        if column == "caller":
            return row.caller_name or row.caller or ""
        if column == "summary":
            return row.summary or ""
        if column == "priority":
            return (
                _("{priority} · uplift").format(priority=row.priority)
                if row.uplift
                else row.priority
            )
        if column == "status":
            return labels.status(row.status)
        if column == "next_due":
            return labels.countdown(row.next_due, self.now)[0] if row.is_open else ""
        if not row.assignee:
            return ""
        return names.person(row.assignee) if names is not None else row.assignee
