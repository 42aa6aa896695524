"""The logistics screens: the swap queue by deadline with countdowns, buffer stock per depot
and model, the scan station for keyboard-wedge scanners, and the device register (its own
module). Views on halt_desk.swaps, halt_desk.logistics and halt_desk.scan; every read and
write runs on a worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QRadioButton,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from halt_desk.couriers.registry import carrier_name
from halt_desk.domain.swaps import EMERGENCY_KINDS, MITIGATION_KINDS, Leg, ShipmentStatus, SwapMode
from halt_desk.i18n import N_, _, ngettext, pgettext
from halt_desk.logistics.loaners import LoanerSuggestion, suggest_loaner
from halt_desk.logistics.privacy import purge_home_addresses
from halt_desk.logistics.queue import STEP_NAMES, QueueRow, queue_rows
from halt_desk.logistics.scan_station import ScanOutcome, ScanSession, ScanStep, Verdict
from halt_desk.logistics.stock import StockLevel, buffer_stock, record_mitigation
from halt_desk.logistics.swap_board import SwapStep, load_board, swap_rejections
from halt_desk.logistics.swap_steps import (
    SwapPlan,
    deliver,
    open_swap,
    record_emergency_workplace,
    record_shipment_status,
)
from halt_desk.store import Store
from ui import labels
from ui.device_register import DevicesPage
from ui.table_models import RowsTableModel
from ui.workers import run_in_background

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
SCAN_STEPS: tuple[tuple[ScanStep, str, str], ...] = (
    (ScanStep.SHIP, N_("Ship"), "F2"),
    (ScanStep.RECEIVE, N_("Receive"), "F3"),
    (ScanStep.ISSUE, N_("Issue onsite"), "F4"),
)


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


# ------------------------------------------------------------------ the scan station


class ScanWidget(QWidget):
    """One always-focused field for a keyboard-wedge scanner (a burst of keys and Enter).
    Scans are handled one after the other on a worker; the answer shows in colour with a
    beep (one for good, two for a problem)."""

    def __init__(
        self,
        session: ScanSession,
        parent: QWidget | None = None,
        on_recorded: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.on_recorded = on_recorded
        self.sound: Callable[[], None] = QApplication.beep
        self.outcomes: list[ScanOutcome] = []
        self._queue: list[str] = []
        self._busy = False

        self.steps = QButtonGroup(self)
        step_row = QHBoxLayout()
        for step, label, shortcut in SCAN_STEPS:
            button = QRadioButton(f"{_(label)} ({shortcut})")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setShortcut(QKeySequence(shortcut))
            button.setChecked(step is session.step)
            button.toggled.connect(lambda on, s=step: self._step_toggled(on, s))
            self.steps.addButton(button)
            step_row.addWidget(button)
        step_row.addStretch(1)

        self.input = QLineEdit()
        self.input.setAccessibleName(_("Scan field"))
        self.input.setPlaceholderText(_("Scan an asset tag, serial number or shipping label…"))
        font = self.input.font()
        font.setPointSize(font.pointSize() + 6)
        self.input.setFont(font)
        self.input.returnPressed.connect(self.submit)
        self.input.installEventFilter(self)

        self.feedback = QLabel(_("Ready to scan."))
        self.feedback.setAccessibleName(_("Scan result"))
        self.feedback.setWordWrap(True)
        self.feedback.setMinimumHeight(64)
        big = self.feedback.font()
        big.setPointSize(big.pointSize() + 4)
        big.setBold(True)
        self.feedback.setFont(big)
        self.history = QListWidget()
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history.setAccessibleName(_("Earlier scans"))

        layout = QVBoxLayout(self)
        layout.addLayout(step_row)
        layout.addWidget(self.input)
        layout.addWidget(self.feedback)
        layout.addWidget(self.history, 1)
        self._refocus = QTimer(self)
        self._refocus.timeout.connect(self._keep_focus)
        self._refocus.start(250)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """F2–F4 in the scan field choose the step (some scanners send them too)."""
        if watched is self.input and event.type() == QEvent.Type.KeyPress:
            key = QKeySequence(event.key()).toString()  # type: ignore[attr-defined]
            for button, (*_ignored, shortcut) in zip(self.steps.buttons(), SCAN_STEPS, strict=True):
                if key == shortcut:
                    button.setChecked(True)
                    return True
        return super().eventFilter(watched, event)

    def _step_toggled(self, on: bool, step: ScanStep) -> None:
        if on:
            self.set_step(step)

    def set_step(self, step: ScanStep) -> None:
        self.session.set_step(step)
        names = {s: label for s, label, _ignored in SCAN_STEPS}
        self._show(_("Step: {step}. Go ahead and scan.").format(step=_(names[step])), NEXT)
        self.input.setFocus()

    def _keep_focus(self) -> None:
        """The field keeps the focus while this screen is shown: a scanner types blind."""
        window = self.window()
        if (
            self.isVisible()
            and window.isActiveWindow()
            and QApplication.activeModalWidget() is None
        ) and not self.input.hasFocus():
            self.input.setFocus()

    def submit(self) -> None:
        text = self.input.text()
        self.input.clear()
        if not text.strip():
            return
        self._queue.append(text)
        self._next()

    def _next(self) -> None:
        if self._busy or not self._queue:
            return
        self._busy = True
        text = self._queue.pop(0)
        session = self.session
        run_in_background(lambda: session.handle(text), self._done, self._failed)

    def _done(self, outcome: ScanOutcome) -> None:
        self._busy = False
        self.outcomes.append(outcome)
        message = outcome.message()
        colour = GOOD if outcome.verdict is Verdict.GOOD else NEXT if outcome.ok else BAD
        self._show(message, colour)
        self.history.insertItem(0, message)
        item = self.history.item(0)
        if item is not None:
            item.setForeground(colour)
        self.sound()
        if not outcome.ok:
            QTimer.singleShot(180, self.sound)
        if outcome.events and self.on_recorded is not None:
            self.on_recorded()
        self._next()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self._show(labels.error_text(exc), BAD)
        self.sound()
        self._next()

    def _show(self, text: str, colour: QColor) -> None:
        self.feedback.setText(text)
        self.feedback.setStyleSheet(
            f"color: white; background: {colour.name()}; padding: 8px; border-radius: 4px"
        )


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


# ------------------------------------------------------------------ the window


class LogisticsWindow(QMainWindow):
    def __init__(
        self,
        store: Store,
        user: str,
        clock: Callable[[], datetime],
        depot: str = "depot-utrecht",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.user, self.clock = store, user, clock
        self.setWindowTitle(_("HALT Desk — logistics"))
        self.resize(1280, 760)
        self.loaded = False

        self.queue = QueueModel(clock())
        self.queue_view = self._table(self.queue, (300, 170, 45, 110, 250, 110, 280, 130))
        self.stock = StockModel()
        self.stock_view = self._table(self.stock, (150, 220, 70, 80, 70, 400))
        self.session = ScanSession(store, user, depot, clock)
        self.scan = ScanWidget(self.session, on_recorded=self.reload)
        self.rejections = QLabel()
        self.rejections.setWordWrap(True)
        self.rejections.setStyleSheet(f"color: {BAD.name()}")
        queue_page = QWidget()
        queue_layout = QVBoxLayout(queue_page)
        queue_layout.addWidget(self.rejections)
        queue_layout.addWidget(self.queue_view, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(queue_page, _("Queue"))
        self.tabs.addTab(self.stock_view, _("Stock"))
        self.tabs.addTab(self.scan, pgettext("verb", "Scan"))
        self.devices = DevicesPage(
            store, user, clock, depot, lambda text: self.statusBar().showMessage(text, 10_000)
        )
        self.tabs.addTab(self.devices, _("Devices"))
        self.setCentralWidget(self.tabs)

        toolbar = QToolBar(_("Logistics"))
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        for text, slot, shortcut in (
            (_("Plan swap"), self.plan_selected, "Ctrl+P"),
            (_("Emergency workplace"), self.emergency_selected, "Ctrl+E"),
            (_("Status by hand"), self.status_selected, "Ctrl+T"),
            (_("Delivered"), self.deliver_selected, "Ctrl+D"),
            (_("Shortage mitigation"), self.mitigate_selected, "Ctrl+M"),
            (pgettext("verb", "Scan"), lambda: self.tabs.setCurrentWidget(self.scan), "F9"),
            (_("Devices"), self.show_devices, "F8"),
            (_("Refresh"), self.reload, "F5"),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{text} ({shortcut})")
            action.triggered.connect(slot)
            toolbar.addAction(action)

        self.counts = QLabel()
        self.statusBar().addWidget(self.counts, 1)
        self._timer = QTimer(self)
        self._timer.timeout.connect(lambda: self.queue.tick(self.clock()))
        self._timer.start(1000)
        self.reload(purge=True)

    @staticmethod
    def _table(model: QAbstractTableModel, widths: tuple[int, ...]) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.verticalHeader().hide()
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)  # one line per swap: a deadline never wraps
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(widths):
            view.setColumnWidth(column, width)
        return view

    # --- data ------------------------------------------------------------------------------
    def reload(self, purge: bool = False) -> None:
        store, now = self.store, self.clock()

        def load() -> tuple[list[QueueRow], list[StockLevel], list[str], int]:
            purged = purge_home_addresses(store, now) if purge else 0
            board = load_board(store, now)
            rejected = [r.message() for r in swap_rejections(store)]
            return queue_rows(store, now, board=board), buffer_stock(store), rejected, purged

        run_in_background(load, self._loaded, self._failed)
        self.devices.reload()

    def _loaded(self, loaded: tuple[list[QueueRow], list[StockLevel], list[str], int]) -> None:
        rows, stock, rejected, _ignored = loaded
        now = self.clock()
        self.queue.set_rows(rows, now)
        self.stock.set_rows(stock)
        self.session.refresh()
        self.rejections.setText("\n".join(rejected))
        self.rejections.setVisible(bool(rejected))
        shortages = sum(1 for level in stock if level.shortage)
        self.counts.setText(
            ngettext("{n} swap open", "{n} swaps open", len(rows)).format(n=len(rows))
            + " · "
            + ngettext(
                "{s} shortage in the buffer stock", "{s} shortages in the buffer stock", shortages
            ).format(s=shortages)
        )
        self.loaded = True

    def _failed(self, exc: BaseException) -> None:
        self.statusBar().showMessage(labels.error_text(exc), 10_000)

    def _run(self, work: Callable[[], object], done_text: str) -> None:
        def done(_ignored: object) -> None:
            self.statusBar().showMessage(done_text, 5000)
            self.reload()

        run_in_background(work, done, self._failed)

    def selected_row(self) -> QueueRow | None:
        rows = self.queue_view.selectionModel().selectedRows()
        return self.queue.rows[rows[0].row()] if rows else None

    # --- actions ---------------------------------------------------------------------------
    def plan_selected(self) -> None:
        row = self.selected_row()
        if row is None or row.ticket is None or row.step is not SwapStep.PLAN:
            self.statusBar().showMessage(_("Choose a swap that still needs planning."), 5000)
            return
        store, now, ticket = self.store, self.clock(), row.ticket

        def suggest() -> tuple[LoanerSuggestion, str | None]:
            board = load_board(store, now)
            swap = next(iter(board.for_ticket(ticket)), None)
            return suggest_loaner(store, ticket, now, board=board), (
                swap.home_address if swap else None
            )

        run_in_background(suggest, lambda found: self._plan(ticket, *found), self._failed)

    def _plan(self, ticket: str, suggestion: LoanerSuggestion, address: str | None) -> None:
        dialog = PlanDialog(suggestion, address, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        plan, store, user, now = dialog.plan(), self.store, self.user, self.clock()
        self._run(
            lambda: open_swap(store, ticket, plan, user, now),
            _("Swap for {ticket} planned").format(ticket=ticket),
        )

    def emergency_selected(self) -> None:
        row = self.selected_row()
        if row is None or row.ticket is None:
            return
        names = [_(EMERGENCY[k]) for k in EMERGENCY_KINDS]
        choice, ok = QInputDialog.getItem(
            self, _("Emergency workplace"), _("Alternative"), names, 0, False
        )
        if not ok:
            return
        kind = EMERGENCY_KINDS[names.index(choice)]
        store, ticket, user, now = self.store, row.ticket, self.user, self.clock()
        self._run(
            lambda: record_emergency_workplace(store, ticket, kind, user, now),
            _("Emergency workplace recorded"),
        )

    def status_selected(self) -> None:
        row = self.selected_row()
        if row is None or row.shipment is None:
            self.statusBar().showMessage(_("Choose a swap with a shipment."), 5000)
            return
        names = [_(SHIPMENT[s.value]) for s in ShipmentStatus]
        choice, ok = QInputDialog.getItem(self, _("Status by hand"), _("Status"), names, 0, False)
        if not ok:
            return
        status = list(ShipmentStatus)[names.index(choice)]
        leg = row.shipment.leg
        store, swap, user, now = self.store, row.swap, self.user, self.clock()
        self._run(
            lambda: record_shipment_status(store, swap, Leg(leg), status, user, now),
            _("Status recorded"),
        )

    def deliver_selected(self) -> None:
        row = self.selected_row()
        if row is None or row.step is not SwapStep.IN_TRANSIT:
            self.statusBar().showMessage(_("Choose a swap in transit."), 5000)
            return
        store, swap, user, now = self.store, row.swap, self.user, self.clock()
        self._run(lambda: deliver(store, swap, user, now), _("Delivery recorded"))

    def mitigate_selected(self) -> None:
        rows = self.stock_view.selectionModel().selectedRows()
        if not rows:
            self.tabs.setCurrentWidget(self.stock_view)
            self.statusBar().showMessage(_("Choose a line of the stock."), 5000)
            return
        level = self.stock.rows[rows[0].row()]
        names = [_(MITIGATION[k]) for k in MITIGATION_KINDS]
        choice, ok = QInputDialog.getItem(
            self, _("Shortage mitigation"), _("Mitigation"), names, 0, False
        )
        if not ok:
            return
        note, ok = QInputDialog.getText(self, _("Shortage mitigation"), _("Explanation"))
        if not ok:
            return
        kind = MITIGATION_KINDS[names.index(choice)]
        store, user, now = self.store, self.user, self.clock()
        self._run(
            lambda: record_mitigation(store, level.depot, level.model, kind, note, user, now),
            _("Mitigation recorded"),
        )

    def show_devices(self) -> None:
        self.tabs.setCurrentWidget(self.devices)
        self.devices.search.setFocus()
        self.devices.search.selectAll()

    def show_scan(self) -> None:
        self.tabs.setCurrentWidget(self.scan)
        self.scan.input.setFocus()

    def closeEvent(self, event: Any) -> None:
        self._timer.stop()
        super().closeEvent(event)


def open_logistics_window(
    parent: QWidget | None, store: Store, user: str, clock: Callable[[], datetime]
) -> LogisticsWindow:
    """Opens (or brings up) the logistics window of this main window."""
    existing = getattr(parent, "_logistics_window", None)
    if isinstance(existing, LogisticsWindow):
        existing.show()
        existing.raise_()
        existing.activateWindow()
        return existing
    window = LogisticsWindow(store, user, clock)
    if parent is not None:
        parent._logistics_window = window  # type: ignore[attr-defined]
    window.show()
    return window
