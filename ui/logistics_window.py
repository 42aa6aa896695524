"""The logistics window: the swap queue by deadline with countdowns, buffer stock per depot
and model (`ui.swap_queue`), the scan station for keyboard-wedge scanners (`ui.scan_widget`),
and the device register (`ui.device_register`), for the depot this workstation works for
(a setting, chosen here). Views on halt_desk.logistics; every read and write runs on a
worker, and each tab reads again when the change broadcast concerns it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from halt_desk.changes import Changes
from halt_desk.desk.names import Names, names_for
from halt_desk.domain.swaps import EMERGENCY_KINDS, MITIGATION_KINDS, Leg, ShipmentStatus
from halt_desk.i18n import _, ngettext, pgettext
from halt_desk.logistics.loaners import LoanerSuggestion, suggest_loaner
from halt_desk.logistics.queue import QueueRow, queue_rows
from halt_desk.logistics.scan_station import ScanSession
from halt_desk.logistics.stock import StockLevel, buffer_stock, record_mitigation
from halt_desk.logistics.swap_board import SwapStep, load_board, swap_rejections
from halt_desk.logistics.swap_steps import (
    deliver,
    open_swap,
    record_emergency_workplace,
    record_shipment_status,
)
from halt_desk.logistics.workstation import WorkstationDepot, load_workstation_depot, remember_depot
from halt_desk.store import Store
from ui import labels
from ui.changes import ChangeHub, follow_changes
from ui.device_register import DevicesPage
from ui.own_device_dialog import OwnDeviceDialog
from ui.scan_widget import ScanWidget
from ui.swap_queue import (
    BAD,
    EMERGENCY,
    MITIGATION,
    SHIPMENT,
    PlanDialog,
    QueueModel,
    StockModel,
)
from ui.text_limits import ask_text
from ui.workers import LatestOnly, run_in_background


class LogisticsWindow(QMainWindow):
    def __init__(
        self,
        store: Store,
        user: str,
        clock: Callable[[], datetime],
        depot: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`depot`: the depot this workstation works for; None reads it from the settings
        (or takes the only one there is, or asks)."""
        super().__init__(parent)
        self.store, self.user, self.clock = store, user, clock
        self.hub = ChangeHub.of(store)
        self._reads = LatestOnly()
        self.depot = depot
        self.setWindowTitle(_("HALT Desk — logistics"))
        self.resize(1280, 760)
        self.loaded = False
        queue_page = self._build_pages(store, user, clock, depot)
        self._build_tabs(queue_page, store, user, clock, depot)
        toolbar = self._build_toolbar()
        self._build_depot_chooser(toolbar)
        self._build_status_bar()
        follow_changes(self, self.hub, self._changes)
        self.reload()
        self._load_depots(ask=depot is None)

    # --- building the window -----------------------------------------------------------------
    def _build_pages(
        self, store: Store, user: str, clock: Callable[[], datetime], depot: str | None
    ) -> QWidget:
        self.queue = QueueModel(clock())
        self.queue_view = self._table(self.queue, (250, 160, 45, 165, 250, 110, 280, 130, 330))
        self.stock = StockModel()
        self.stock_view = self._table(self.stock, (150, 220, 70, 80, 70, 400))
        self.session = ScanSession(store, user, depot or "", clock)
        self.scan = ScanWidget(self.session, hub=self.hub)
        self.rejections = QLabel()
        self.rejections.setWordWrap(True)
        self.rejections.setStyleSheet(f"color: {BAD.name()}")
        queue_page = QWidget()
        queue_layout = QVBoxLayout(queue_page)
        queue_layout.addWidget(self.rejections)
        self.exceptions = QLabel()  # carrier exceptions, flagged at once (issue 22)
        self.exceptions.setWordWrap(True)
        self.exceptions.setStyleSheet(f"color: {BAD.name()}; font-weight: bold")
        self.exceptions.setVisible(False)
        self.last_notification = ""
        queue_layout.addWidget(self.exceptions)
        queue_layout.addWidget(self.queue_view, 1)
        return queue_page

    def _build_tabs(
        self,
        queue_page: QWidget,
        store: Store,
        user: str,
        clock: Callable[[], datetime],
        depot: str | None,
    ) -> None:
        self.tabs = QTabWidget()
        self.tabs.addTab(queue_page, _("Queue"))
        self.tabs.addTab(self.stock_view, _("Stock"))
        self.tabs.addTab(self.scan, pgettext("verb", "Scan"))
        self.devices = DevicesPage(
            store, user, clock, depot, lambda text: self.statusBar().showMessage(text, 10_000)
        )
        self.tabs.addTab(self.devices, _("Devices"))
        self.setCentralWidget(self.tabs)

    def _build_toolbar(self) -> QToolBar:
        toolbar = QToolBar(_("Logistics"))
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        for text, slot, shortcut in (
            (_("Plan swap"), self.plan_selected, "Ctrl+P"),
            (_("Emergency workplace"), self.emergency_selected, "Ctrl+E"),
            (_("Status by hand"), self.status_selected, "Ctrl+T"),
            (_("Delivered"), self.deliver_selected, "Ctrl+D"),
            (_("Shortage mitigation"), self.mitigate_selected, "Ctrl+M"),
            (_("Own device"), self.own_device_selected, "Ctrl+Shift+E"),
            (pgettext("verb", "Scan"), self.show_scan, "F9"),
            (_("Devices"), self.show_devices, "F8"),
            (_("Refresh"), self.reload, "F5"),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{text} ({shortcut})")
            action.triggered.connect(slot)
            toolbar.addAction(action)
        return toolbar

    def _build_depot_chooser(self, toolbar: QToolBar) -> None:
        """The depot of this workstation: receiving, new devices and the register's home."""
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(_("Depot of this workstation:")))
        self.depot_choice = QComboBox()
        self.depot_choice.setAccessibleName(_("Depot of this workstation"))
        self.depot_choice.setMinimumContentsLength(18)
        self.depot_choice.activated.connect(self._depot_chosen)
        toolbar.addWidget(self.depot_choice)

    def _build_status_bar(self) -> None:
        self.counts = QLabel()
        self.statusBar().addWidget(self.counts, 1)
        self._timer = QTimer(self)
        self._timer.timeout.connect(lambda: self.queue.tick(self.clock()))
        self._timer.start(1000)

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
    def _changes(self, changes: Changes) -> None:
        """The queue and the stock read again when a change concerns them (the register
        follows the broadcast itself); new depots reach the chooser."""
        shown = {row.ticket for row in self.queue.rows if row.ticket}
        if changes.concerns_logistics(shown):
            self._reload_lists()
        if changes.reference or changes.everything:
            self._load_depots(ask=False)

    def reload(self) -> None:
        """Everything again (F5): queue, stock and the register."""
        self._reload_lists()
        self.devices.reload()

    def _reload_lists(self) -> None:
        store, now = self.store, self.clock()

        def load() -> tuple[list[QueueRow], list[StockLevel], list[str], Names]:
            board = load_board(store, now)
            rejected = [r.message() for r in swap_rejections(store)]
            rows = queue_rows(store, now, board=board)
            return rows, buffer_stock(store), rejected, names_for(store)

        self._reads.run(load, self._loaded, self._failed)

    def _loaded(self, loaded: tuple[list[QueueRow], list[StockLevel], list[str], Names]) -> None:
        rows, stock, rejected, names = loaded
        now = self.clock()
        self.queue.set_rows(rows, now, names)
        self.stock.set_rows(stock)
        self.session.refresh()
        self.rejections.setText("\n".join(rejected))
        self.rejections.setVisible(bool(rejected))
        self._flag_exceptions()
        shortages = sum(1 for level in stock if level.shortage)
        self.counts.setText(status_text(len(rows), shortages))
        self.loaded = True

    def _flag_exceptions(self) -> None:
        """Carrier exceptions above the queue; a new one as a notification at once."""
        flagged = [row.exception_text() for row in self.queue.rows if row.exception]
        self.exceptions.setText("\n".join(flagged))
        self.exceptions.setVisible(bool(flagged))
        new = [row.exception_text() for row in self.queue.new_exceptions]
        if new:
            self.last_notification = _("Carrier exception: {what}").format(what="; ".join(new))
            self.statusBar().showMessage(self.last_notification, 30_000)
            QApplication.alert(self)  # the task bar asks for attention

    def _failed(self, exc: BaseException) -> None:
        self.statusBar().showMessage(labels.error_text(exc), 10_000)

    def _run(self, work: Callable[[], object], done_text: str) -> None:
        """An action; the broadcast that follows it refreshes every window, this one too."""
        self.hub.run(
            work, lambda _ignored: self.statusBar().showMessage(done_text, 5000), self._failed
        )

    # --- the depot of this workstation -------------------------------------------------------
    def _load_depots(self, *, ask: bool) -> None:
        """Fills the chooser with the known depots; `ask`: take the depot from the settings
        (or the only one), else ask for it."""
        store = self.store
        run_in_background(
            lambda: load_workstation_depot(store), lambda found: self._depots(found, ask)
        )

    def _depots(self, found: WorkstationDepot, ask: bool) -> None:
        if ask and self.depot is None and found.chosen is not None:
            self._use_depot(found.chosen)
        self.depot_choice.blockSignals(True)
        self.depot_choice.clear()
        if self.depot is None:
            self.depot_choice.addItem(_("— choose a depot —"), None)
        for depot_id, name in found.depots.items():
            self.depot_choice.addItem(name, depot_id)
        if self.depot is not None and self.depot_choice.findData(self.depot) < 0:
            self.depot_choice.addItem(self.depot, self.depot)  # not (yet) in this cache
        self.depot_choice.setCurrentIndex(max(0, self.depot_choice.findData(self.depot)))
        self.depot_choice.blockSignals(False)
        if self.depot is None and ask:
            self.statusBar().showMessage(_("Choose the depot of this workstation."), 30_000)
            self.depot_choice.setFocus()

    def _depot_chosen(self, index: int) -> None:
        depot = self.depot_choice.itemData(index)
        if not depot or depot == self.depot:
            return
        self._use_depot(depot)
        self.statusBar().clearMessage()  # the question is answered
        none = self.depot_choice.findData(None)
        if none >= 0:
            self.depot_choice.removeItem(none)
        run_in_background(lambda: remember_depot(depot), lambda _ignored: None, self._failed)

    def _use_depot(self, depot: str) -> None:
        self.depot = depot
        self.session.depot = depot
        self.devices.home_depot = depot

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
        dialog = PlanDialog(suggestion, address, self, self.queue.names)
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

    def own_device_selected(self) -> OwnDeviceDialog | None:
        """The employee's own device of the chosen swap: take it back, and its steps."""
        row = self.selected_row()
        if row is None or row.mode is None:
            self.statusBar().showMessage(_("Choose a planned swap."), 5000)
            return None
        dialog = OwnDeviceDialog(
            self.store, self.user, self.clock, row.swap, self.depot or "", self
        )
        dialog.open()
        return dialog

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
        note, ok = ask_text(self, _("Shortage mitigation"), _("Explanation"), "note")
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


def status_text(swaps: int, shortages: int) -> str:
    """The status line: "geen omruilingen open · 1 tekort", each count with its plural."""
    if swaps:
        open_swaps = ngettext("{n} open swap", "{n} open swaps", swaps).format(n=swaps)
    else:
        open_swaps = _("no swaps open")
    if shortages:
        short = ngettext("{n} shortage", "{n} shortages", shortages).format(n=shortages)
    else:
        short = _("no shortages")
    return f"{open_swaps} · {short}"


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
    window = LogisticsWindow(store, user, clock)  # its depot: the setting, or asked
    if parent is not None:
        parent._logistics_window = window  # type: ignore[attr-defined]
    window.show()
    return window
