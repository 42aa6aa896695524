"""The swap queue and buffer stock tabs of the logistics window: their table models (the
queue by deadline with countdowns, stock per depot and model) and the dialog that plans a
requested swap. Views on halt_desk.logistics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from halt_desk.couriers.registry import carrier_name
from halt_desk.domain.swaps import SwapMode
from halt_desk.i18n import N_, _
from halt_desk.logistics.loaners import LoanerSuggestion
from halt_desk.logistics.queue import STEP_NAMES, QueueRow
from halt_desk.logistics.stock import StockLevel
from halt_desk.logistics.swap_steps import SwapPlan
from ui import labels
from ui.table_models import RowsTableModel
from ui.text_limits import limit_text

Index = QModelIndex | QPersistentModelIndex
GOOD, NEXT, BAD = QColor("#1b5e20"), QColor("#0d47a1"), QColor("#b3261e")

SHIPMENT: dict[str, str] = {
    "booked": N_("booked"),
    "picked_up": N_("picked up"),
    "in_transit": N_("in transit"),
    "out_for_delivery": N_("out for delivery"),
    "delivered": N_("delivered"),
    "failed_attempt": N_("failed attempt"),
    "returned": N_("returned to sender"),
}
EMERGENCY: dict[str, str] = {
    "virtual_workplace": N_("virtual workplace"),
    "pool_device": N_("pool device"),
}
MITIGATION: dict[str, str] = {
    "extra_stock": N_("temporary extra stock"),
    "other_depot": N_("another depot supplies"),
    "priority": N_("prioritisation"),
}


class _RowsModel(RowsTableModel):
    """The two logistics lists."""


# ------------------------------------------------------------------ the queue


class QueueModel(_RowsModel):
    """The swap queue, in the order halt_desk.logistics sorts it (deadline first)."""

    HEADERS = (
        N_("Deadline"),
        N_("Ticket"),
        N_("Prio"),
        N_("Step"),
        N_("Loaner"),
        N_("Depot"),
        N_("Shipment"),
        N_("Emergency workplace"),
    )

    def __init__(self, now: datetime) -> None:
        super().__init__()
        self.rows: list[QueueRow] = []
        self.now = now

    def set_rows(self, rows: list[QueueRow], now: datetime) -> None:
        self.beginResetModel()
        self.rows, self.now = rows, now
        self.endResetModel()

    def tick(self, now: datetime) -> None:
        self.now = now
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return labels.countdown(row.due, self.now)[1]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and row.clock:
            return labels.clock(row.clock)
        return None

    def _text(self, row: QueueRow, column: int) -> str:
        if column == 0:
            if row.due is None:
                return ""
            text = labels.countdown(row.due, self.now)[0]
            return f"{text} ({labels.clock(row.clock)})" if row.clock else text
        if column == 1:
            return row.ticket or ""
        if column == 2:
            return row.priority or ""
        if column == 3:
            return _(STEP_NAMES.get(row.step, row.step))
        if column == 4:
            return " · ".join(part for part in (row.device, row.model) if part)
        if column == 5:
            return row.depot or ""
        if column == 6 and row.shipment is not None:
            shipment = row.shipment
            status = _(SHIPMENT.get(shipment.status, shipment.status))
            return f"{carrier_name(shipment.carrier)} {shipment.tracking} · {status}"
        if column == 7 and row.emergency_kind:
            return _(EMERGENCY.get(row.emergency_kind, row.emergency_kind))
        return ""


class StockModel(_RowsModel):
    HEADERS = (
        N_("Depot"),
        N_("Model"),
        N_("Ready"),
        N_("Minimum"),
        N_("Shortage"),
        N_("Mitigation"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[StockLevel] = []

    def set_rows(self, rows: list[StockLevel]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and row.shortage:
            return BAD
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        mitigation = ""
        if row.mitigation is not None:
            kind = str(row.mitigation.get("kind", ""))
            mitigation = f"{_(MITIGATION.get(kind, kind))}: {row.mitigation.get('note', '')}"
        values = (
            row.depot_name,
            row.model,
            str(row.ready),
            str(row.minimum),
            str(row.shortage) if row.shortage else "",
            mitigation,
        )
        return values[index.column()]


# ------------------------------------------------------------------ planning a swap


class PlanDialog(QDialog):
    """Mode, depot, loaner and delivery address (or engineer) of a requested swap."""

    def __init__(
        self, suggestion: LoanerSuggestion, address: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Plan swap"))
        self.mode = QComboBox()
        self.mode.addItem(_("Courier to the home address"), SwapMode.COURIER.value)
        self.mode.addItem(_("Onsite issue by an engineer"), SwapMode.ONSITE.value)
        self.depot = QLineEdit(suggestion.depot or "")
        self.device = QLineEdit(suggestion.device or "")
        self.address = QLineEdit(address or "")
        self.engineer = QLineEdit()
        limit_text(self.address, "home_address")
        limit_text(self.engineer, "engineer")
        form = QFormLayout(self)
        if suggestion.device is None:
            advice = _("No loaner in stock: record an emergency workplace.")
        elif suggestion.meets_deadline:
            advice = _("The suggestion meets the swap deadline.")
        else:
            advice = _("No depot meets the deadline: also record an emergency workplace.")
        form.addRow(QLabel(advice))
        form.addRow(_("Mode"), self.mode)
        form.addRow(_("Depot"), self.depot)
        form.addRow(_("Loaner"), self.device)
        form.addRow(_("Home address"), self.address)
        form.addRow(_("Engineer"), self.engineer)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def plan(self) -> SwapPlan:
        return SwapPlan(
            SwapMode(self.mode.currentData()),
            self.depot.text().strip(),
            self.device.text().strip() or None,
            self.address.text().strip() or None,
            self.engineer.text().strip() or None,
        )
