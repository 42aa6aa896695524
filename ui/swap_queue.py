"""The swap queue and buffer stock tabs of the logistics window: their table models (the
queue by deadline with countdowns, stock per depot and model) and the dialog that plans a
requested swap. Views on halt_desk.logistics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from halt_desk.domain.swaps import SwapMode
from halt_desk.logistics.loaners import LoanerSuggestion
from halt_desk.logistics.queue import QueueRow
from halt_desk.logistics.stock import StockLevel
from halt_desk.logistics.swap_board import SwapStep
from halt_desk.logistics.swap_steps import SwapPlan
from ui import labels
from ui.labels import QT_TRANSLATE_NOOP
from ui.table_models import RowsTableModel

Index = QModelIndex | QPersistentModelIndex
GOOD, NEXT, BAD = QColor("#1b5e20"), QColor("#0d47a1"), QColor("#b3261e")

STEPS: dict[str, str] = {
    SwapStep.PLAN: QT_TRANSLATE_NOOP("Logistics", "plannen"),
    SwapStep.RESERVE: QT_TRANSLATE_NOOP("Logistics", "loaner reserveren"),
    SwapStep.SHIP: QT_TRANSLATE_NOOP("Logistics", "verzenden"),
    SwapStep.ISSUE: QT_TRANSLATE_NOOP("Logistics", "uitgeven op locatie"),
    SwapStep.IN_TRANSIT: QT_TRANSLATE_NOOP("Logistics", "onderweg"),
    SwapStep.WITH_USER: QT_TRANSLATE_NOOP("Logistics", "bij medewerker, retour volgt"),
    SwapStep.RETURNING: QT_TRANSLATE_NOOP("Logistics", "retour onderweg"),
    SwapStep.CLOSED: QT_TRANSLATE_NOOP("Logistics", "gesloten"),
}
SHIPMENT: dict[str, str] = {
    "booked": QT_TRANSLATE_NOOP("Logistics", "aangemeld"),
    "picked_up": QT_TRANSLATE_NOOP("Logistics", "opgehaald"),
    "in_transit": QT_TRANSLATE_NOOP("Logistics", "onderweg"),
    "out_for_delivery": QT_TRANSLATE_NOOP("Logistics", "bij bezorger"),
    "delivered": QT_TRANSLATE_NOOP("Logistics", "bezorgd"),
    "failed_attempt": QT_TRANSLATE_NOOP("Logistics", "niet thuis"),
    "returned": QT_TRANSLATE_NOOP("Logistics", "retour afzender"),
}
EMERGENCY: dict[str, str] = {
    "virtual_workplace": QT_TRANSLATE_NOOP("Logistics", "virtuele werkplek"),
    "pool_device": QT_TRANSLATE_NOOP("Logistics", "pool-apparaat"),
}
MITIGATION: dict[str, str] = {
    "extra_stock": QT_TRANSLATE_NOOP("Logistics", "tijdelijk extra voorraad"),
    "other_depot": QT_TRANSLATE_NOOP("Logistics", "ander depot levert"),
    "priority": QT_TRANSLATE_NOOP("Logistics", "prioritering"),
}


def tr(text: str) -> str:
    return QApplication.translate("Logistics", text)


class _RowsModel(RowsTableModel):
    """The two logistics lists."""

    CONTEXT = "Logistics"


# ------------------------------------------------------------------ the queue


class QueueModel(_RowsModel):
    """The swap queue, in the order halt_desk.logistics sorts it (deadline first)."""

    HEADERS = (
        QT_TRANSLATE_NOOP("Logistics", "Deadline"),
        QT_TRANSLATE_NOOP("Logistics", "Melding"),
        QT_TRANSLATE_NOOP("Logistics", "Prio"),
        QT_TRANSLATE_NOOP("Logistics", "Stap"),
        QT_TRANSLATE_NOOP("Logistics", "Loaner"),
        QT_TRANSLATE_NOOP("Logistics", "Depot"),
        QT_TRANSLATE_NOOP("Logistics", "Zending"),
        QT_TRANSLATE_NOOP("Logistics", "Noodwerkplek"),
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
            return tr(STEPS.get(row.step, row.step))
        if column == 4:
            return " · ".join(part for part in (row.device, row.model) if part)
        if column == 5:
            return row.depot or ""
        if column == 6 and row.shipment is not None:
            shipment = row.shipment
            status = tr(SHIPMENT.get(shipment.status, shipment.status))
            return f"{shipment.carrier.upper()} {shipment.tracking} · {status}"
        if column == 7 and row.emergency_kind:
            return tr(EMERGENCY.get(row.emergency_kind, row.emergency_kind))
        return ""


class StockModel(_RowsModel):
    HEADERS = (
        QT_TRANSLATE_NOOP("Logistics", "Depot"),
        QT_TRANSLATE_NOOP("Logistics", "Model"),
        QT_TRANSLATE_NOOP("Logistics", "Gereed"),
        QT_TRANSLATE_NOOP("Logistics", "Minimum"),
        QT_TRANSLATE_NOOP("Logistics", "Tekort"),
        QT_TRANSLATE_NOOP("Logistics", "Maatregel"),
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
            mitigation = f"{tr(MITIGATION.get(kind, kind))}: {row.mitigation.get('note', '')}"
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
        self.setWindowTitle(self.tr("Swap plannen"))
        self.mode = QComboBox()
        self.mode.addItem(self.tr("Koerier naar huisadres"), SwapMode.COURIER.value)
        self.mode.addItem(self.tr("Uitgifte op locatie door engineer"), SwapMode.ONSITE.value)
        self.depot = QLineEdit(suggestion.depot or "")
        self.device = QLineEdit(suggestion.device or "")
        self.address = QLineEdit(address or "")
        self.engineer = QLineEdit()
        form = QFormLayout(self)
        if suggestion.device is None:
            advice = self.tr("Geen loaner op voorraad: leg een noodwerkplek vast.")
        elif suggestion.meets_deadline:
            advice = self.tr("Voorstel haalt de swap-deadline.")
        else:
            advice = self.tr("Geen depot haalt de deadline: leg ook een noodwerkplek vast.")
        form.addRow(QLabel(advice))
        form.addRow(self.tr("Manier"), self.mode)
        form.addRow(self.tr("Depot"), self.depot)
        form.addRow(self.tr("Loaner"), self.device)
        form.addRow(self.tr("Huisadres"), self.address)
        form.addRow(self.tr("Engineer"), self.engineer)
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
