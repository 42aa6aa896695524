"""The swap queue and buffer stock tabs of the logistics window: their table models (the
queue by deadline with countdowns, stock per depot and model) and the dialog that plans a
requested swap. Views on halt_desk.logistics."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

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
from halt_desk.desk.names import Names
from halt_desk.desk.ticket_words import EMERGENCY_KIND_WORDS, SHIPMENT_STATUSES
from halt_desk.domain.swaps import SwapMode
from halt_desk.i18n import N_, _
from halt_desk.logistics.loaners import LoanerSuggestion
from halt_desk.logistics.queue import EXCEPTION_NAMES, LATE, STEP_NAMES, QueueRow
from halt_desk.logistics.stock import StockLevel
from halt_desk.logistics.swap_steps import SwapPlan
from ui import labels
from ui.table_models import RowsTableModel
from ui.text_limits import limit_text

Index = QModelIndex | QPersistentModelIndex
GOOD, NEXT, BAD = QColor("#1b5e20"), QColor("#0d47a1"), QColor("#b3261e")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FLAGGED = QColor("#fde7e9")  # the background of a line with a carrier exception

#: Shipment statuses and emergency workplaces in words: the same words as the timeline's.
SHIPMENT: Mapping[str, str] = SHIPMENT_STATUSES
EMERGENCY: Mapping[str, str] = EMERGENCY_KIND_WORDS
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
        N_("Own device"),
    )

    def __init__(self, now: datetime) -> None:
        super().__init__()
        self.rows: list[QueueRow] = []
        self.now = now
        self.names = Names()
        #: Carrier exceptions flagged by the last `set_rows` that were not flagged before.
        self.new_exceptions: list[QueueRow] = []
        self._flagged: set[tuple[str, str]] = set()

    def set_rows(self, rows: list[QueueRow], now: datetime, names: Names | None = None) -> None:
        self.beginResetModel()
        self.rows, self.now = rows, now
        if names is not None:
            self.names = names
        self.endResetModel()
        flagged = {(r.swap, r.exception): r for r in rows if r.exception is not None}
        self.new_exceptions = [r for key, r in flagged.items() if key not in self._flagged]
        self._flagged = set(flagged)

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
        if row.exception is not None:
            if role == Qt.ItemDataRole.BackgroundRole:
                return FLAGGED
            if role == Qt.ItemDataRole.ForegroundRole and column == 6:
                return BAD
            if role == Qt.ItemDataRole.ToolTipRole and column == 6:
                return self._exception_tip(row)
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
            return self.names.depot(row.depot)
        if column == 6 and row.shipment is not None:
            shipment = row.shipment
            status = _(SHIPMENT.get(shipment.status, shipment.status))
            text = f"{carrier_name(shipment.carrier)} {shipment.tracking} · {status}"
            if row.exception is not None:
                text = f"⚠ {_(EXCEPTION_NAMES.get(row.exception, row.exception))} · {text}"
            return text
        if column == 7 and row.emergency_kind:
            return _(EMERGENCY.get(row.emergency_kind, row.emergency_kind))
        if column == 8 and row.own_device:
            return f"{row.own_device} · {labels.device_state(row.own_state or '')}"
        return ""

    def _exception_tip(self, row: QueueRow) -> str:
        expected = row.shipment.expected if row.shipment is not None else None
        if row.exception == LATE and expected is not None and row.swap_due is not None:
            return _("The carrier expects to deliver {expected}; the swap is due {due}").format(
                expected=_moment(expected), due=_moment(row.swap_due)
            )
        return row.exception_text()


def _moment(at: datetime) -> str:
    return at.astimezone(AMSTERDAM).strftime("%d-%m %H:%M")


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
    """Mode, depot, loaner and delivery address (or engineer) of a requested swap; depots
    and engineers chosen by name (type-ahead), kept by id."""

    def __init__(
        self,
        suggestion: LoanerSuggestion,
        address: str | None,
        parent: QWidget | None = None,
        names: Names | None = None,
    ) -> None:
        super().__init__(parent)
        names = names or Names()
        self.names = names
        self.setWindowTitle(_("Plan swap"))
        self.mode = QComboBox()
        self.mode.addItem(_("Courier to the home address"), SwapMode.COURIER.value)
        self.mode.addItem(_("Onsite issue by an engineer"), SwapMode.ONSITE.value)
        self.depot = _name_choice(sorted(names.depots.items(), key=lambda item: item[1]))
        if suggestion.depot:
            _choose(self.depot, suggestion.depot, names.depot(suggestion.depot))
        self.device = QLineEdit(suggestion.device or "")
        self.address = QLineEdit(address or "")
        engineers = [(c.id, c.name) for c in names.staff.all(roles={"field"})]
        self.engineer = _name_choice(engineers)
        self.engineer.setCurrentIndex(-1)
        limit_text(self.address, "home_address")
        line = self.engineer.lineEdit()
        if line is not None:
            limit_text(line, "engineer")
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
            _chosen_id(self.depot, self.names.depots),
            self.device.text().strip() or None,
            self.address.text().strip() or None,
            _chosen_id(self.engineer, {c.id: c.name for c in self.names.staff.all()}) or None,
        )


def _name_choice(items: list[tuple[str, str]]) -> QComboBox:
    """An editable choice of names (type-ahead) that keeps each name's id as its data."""
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for key, name in items:
        box.addItem(name, key)
    completer = box.completer()
    if completer is not None:
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return box


def _choose(box: QComboBox, key: str, name: str) -> None:
    index = box.findData(key)
    if index < 0:
        box.addItem(name, key)
        index = box.count() - 1
    box.setCurrentIndex(index)


def _chosen_id(box: QComboBox, known: Mapping[str, str]) -> str:
    """The id of the chosen name; a typed name that matches one exactly, its id; else the
    text as typed (an id someone knows)."""
    text = box.currentText().strip()
    index = box.findText(text, Qt.MatchFlag.MatchFixedString)
    if index >= 0 and box.itemData(index):
        return str(box.itemData(index))
    by_name = {name.casefold(): key for key, name in known.items()}
    return by_name.get(text.casefold(), text)
