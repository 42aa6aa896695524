"""The desk's main window: the ticket list with quick filters and search as you type, the
intake, and a status bar with what is waiting to be sent."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSizePolicy,
    QSystemTrayIcon,
    QTableView,
    QToolBar,
    QToolButton,
    QWidget,
)

from halt_desk.changes import Changes
from halt_desk.desk.names import page_names
from halt_desk.desk.ticket_list import QuickFilter, TicketList, row_from_store
from halt_desk.i18n import N_, _
from halt_desk.store.list_rows import FirstPage, first_page
from ui import labels
from ui.changes import ChangeHub
from ui.contract_time import ContractZones
from ui.empty_state import EmptyState, empty_list_text
from ui.list_keys import SearchKeys
from ui.notifications_list import NoticeKeys
from ui.ticket_model import COLUMNS, COUNTDOWN_COLUMN, TICKET_ID_ROLE, TicketTableModel
from ui.toolbar_menu import arrow_menu
from ui.workers import run_in_background

if TYPE_CHECKING:
    # Imported where they are first used: the window must show fast, before the store
    # (SQLAlchemy), the contract rules, reportlab, the sync client and the dialogs load.
    from halt_desk.desk.intake import CallerDirectory
    from halt_desk.desk.reminders import Reminder, ReminderWatch
    from halt_desk.store import Store
    from halt_desk.sync import SyncSummary
    from ui.assign_dialog import AssignDialog
    from ui.intake_dialog import IntakeDialog
    from ui.report_dialog import ReportDialog
    from ui.sign_out import SignOut
    from ui.sync_controller import SyncController
    from ui.sync_feedback import SyncFeedback
    from ui.sync_issues import SyncIssuesDialog
    from ui.ticket_dialog import TicketDialog
    from ui.vulnerabilities_window import VulnerabilitiesWindow

REMINDER_INTERVAL_MS = 30_000
log = logging.getLogger(__name__)
QUICK_FILTERS: tuple[tuple[QuickFilter, str, str], ...] = (
    (QuickFilter.OPEN, N_("Open"), "Alt+1"),
    (QuickFilter.MINE, N_("My tickets"), "Alt+2"),
    (QuickFilter.P1, N_("P1"), "Alt+3"),
    (QuickFilter.BREACHING, N_("Breaching soon (30 min)"), "Alt+4"),
    (QuickFilter.WAITING, N_("Waiting on user"), "Alt+5"),
    (QuickFilter.ALL, N_("All"), "Alt+6"),
)


class MainWindow(QMainWindow):
    def __init__(
        self,
        store: Store | None,
        user: str,
        clock: Callable[[], datetime],
        sync: SyncController | None = None,
    ) -> None:
        """Without a `store` the window shows at once, empty, with the actions that need
        the cache disabled, until `attach_store()` (the app opens the cache meanwhile)."""
        super().__init__()
        self.user, self.clock = user, clock
        self.sync: SyncController | None = None
        self.sync_feedback: SyncFeedback | None = None
        self.hub: ChangeHub | None = None
        self.directory: CallerDirectory | None = None
        self.organisations: dict[str, str] = {}
        self.quick = QuickFilter.OPEN
        self.setWindowTitle(_("HALT Desk — service desk"))
        self.resize(1280, 760)
        self._build_table(clock)
        toolbar = self._build_actions()
        self._build_quick_filters(toolbar)
        self._build_search(toolbar)
        self._build_keys()
        self._build_status_bar()
        self._reloading = False
        self._reload_again: str | None = None  # "changes" or "full", asked during a read
        self._marker = 0  # Store.change_marker() at the last read
        self._start_timers()
        self.store: Store | None = None
        if sync is not None:
            self.attach_sync(sync)
        if store is not None:
            self.attach_store(store)
        else:
            for action in self._needs_store:
                action.setEnabled(False)
            self.counts.setText(_("Loading tickets…"))

    # --- building the window ---------------------------------------------------------------
    def _build_table(self, clock: Callable[[], datetime]) -> None:
        self.model = TicketTableModel(clock())
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Tickets"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        # The deadline that falls first on top: what the desk must do next.
        self.table.sortByColumn(COUNTDOWN_COLUMN, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((150, 130, 170, 280, 110, 130, 150, 150)):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self.open_ticket)
        self.placeholder = EmptyState(self.table)
        self.setCentralWidget(self.table)

    def _key_action(self, label: str, keys: str, tip: str, slot: Callable[[], object]) -> QAction:
        """An action of the window with its shortcut, named in its tooltip ("… (keys)")."""
        action = QAction(label, self)
        action.setShortcut(QKeySequence(keys))
        action.setToolTip(f"{tip} ({keys})")
        action.triggered.connect(slot)
        self.addAction(action)  # its key works whether or not the toolbar shows it
        return action

    def _build_actions(self) -> QToolBar:
        toolbar = QToolBar(_("Toolbar"))
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        # Window keys without a toolbar button (the search keeps its room at 1280 pixels):
        # assign; the CVEs and the escalations sit under the monthly report's arrow.
        new, assign, report, cves, escalations, logistics, field = (
            self._key_action(label, keys, tip, slot)
            for label, keys, tip, slot in (
                (_("New ticket"), "Ctrl+N", _("New ticket"), self.new_intake),
                (_("Assign…"), "Ctrl+A", _("Assign the chosen ticket"), self.assign_current),
                (_("Monthly report…"), "Ctrl+Shift+R", _("Monthly service-level report"),
                 self.open_report),
                (_("Vulnerabilities (CVE)…"), "Ctrl+Shift+X",
                 _("Vulnerabilities (CVE) and measures taken"), self.open_vulnerabilities),
                (_("Escalations"), "Ctrl+Shift+E", _("Escalations against the provider"),
                 self.open_escalations),
                (_("Logistics"), "Ctrl+L", _("Logistics: swaps, stock and scanning"),
                 self.open_logistics),
                (_("Field service"), "Ctrl+B", _("Field service: my tickets of today"),
                 self.open_field_view),
            )
        )  # fmt: skip
        for action in (new, report, logistics, field):
            toolbar.addAction(action)
        arrow_menu(toolbar, report, escalations, cves)
        self._needs_store: tuple[QAction, ...] = (new, assign, report, cves, escalations)
        self._needs_store += (logistics, field)
        toolbar.addSeparator()
        return toolbar

    def _build_quick_filters(self, toolbar: QToolBar) -> None:
        self.filter_buttons = QButtonGroup(self)
        for quick, label, shortcut in QUICK_FILTERS:
            button = QToolButton()
            button.setText(_(label))
            button.setCheckable(True)
            button.setShortcut(QKeySequence(shortcut))
            button.setToolTip(shortcut)
            button.setAccessibleName(_("Filter {name}").format(name=_(label)))
            button.setChecked(quick is self.quick)
            button.clicked.connect(lambda _ignored=False, q=quick: self.set_quick_filter(q))
            self.filter_buttons.addButton(button)
            toolbar.addWidget(button)

    def _build_search(self, toolbar: QToolBar) -> None:
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search: number, caller, summary… (Ctrl+F)"))
        self.search.setAccessibleName(_("Search"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(320)
        self.search.textChanged.connect(self._refilter)
        self.search_keys = SearchKeys(self.search, self.table, self.open_ticket)
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.search.setFocus)
        self.addAction(find)
        toolbar.addWidget(self.search)

    def _build_keys(self) -> None:
        """F8 opens the device register (the logistics window's Apparaten tab) from
        anywhere in this window, as it does in the logistics window itself."""
        devices = self._key_action(_("Devices"), "F8", _("Devices"), self.open_devices)
        self._needs_store += (devices,)  # a window shortcut: from any field of the window

    def _build_status_bar(self) -> None:
        self.connection = QLabel(_("Local (not connected)"))
        self.connection.setAccessibleName(_("Connection"))
        self.pending = QLabel()
        self.pending.setAccessibleName(_("Waiting to sync"))
        self.counts = QLabel()
        self.reminder_state = QLabel()
        self.reminder_state.setAccessibleName(_("Reminders"))
        self.statusBar().addWidget(self.counts, 1)
        self.statusBar().addPermanentWidget(self.reminder_state)
        self.issues = QToolButton()
        self.issues.setAccessibleName(_("Refused and conflicts"))
        self.issues.setToolTip(_("What the server refused, and concurrent edits"))
        self.issues.setAutoRaise(True)
        self.issues.clicked.connect(self.open_sync_issues)
        self.issues.hide()
        self.statusBar().addPermanentWidget(self.issues)
        self.statusBar().addPermanentWidget(self.pending)
        self.statusBar().addPermanentWidget(self.connection)
        self._key_action(_("Sync now"), "F9", _("Sync now"), self.sync_now)
        self.notice_keys = NoticeKeys(self, self.user, self.clock, self.open_ticket_id)

    def _start_timers(self) -> None:
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)
        self.loaded = False  # the whole list is in
        self.page_shown = False  # rows are on screen: the first page or the whole list
        self.last_notification: list[str] = []
        self.reminders: list[Reminder] = []
        self._reminded: set[tuple[str, str, str, datetime]] = set()
        self._reminders_asked = 0  # the last request to the sync process
        self._reminders_running = False  # evaluated here (no sync process)
        self._watch: ReminderWatch | None = None
        self._reminders_again = False
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.setToolTip(_("HALT Desk"))
            self.tray.show()
        self._reminder_timer = QTimer(self)
        self._reminder_timer.timeout.connect(self.check_reminders)
        self._reminder_timer.start(REMINDER_INTERVAL_MS)

    def show_first_page(self, path: Path) -> None:
        """Fills the list with its first screenful straight from the cache file at `path`
        (plain sqlite3, a few milliseconds) while the store is still opening; the whole list
        replaces it when it is read. Nothing is shown if the store was quicker, the user
        already filtered, searched or sorted, or the file has nothing to show yet."""
        if not self.loaded:
            run_in_background(lambda: first_page(path), self._first_page_read, self._no_page)

    def _first_page_read(self, page: FirstPage | None) -> None:
        start_view = (
            self.quick is QuickFilter.OPEN
            and not self.search.text()
            and self._wanted_sort() == ("next_due", False)
        )
        if page is None or self.loaded or not start_view:
            return
        tickets = TicketList(
            [row_from_store(raw) for raw in page.rows], self.user, names=page_names(page)
        )
        tickets.sort("next_due")
        self.model.now = self.clock()
        self.model.set_tickets(tickets)
        self._show_counts()
        self.page_shown = True

    def _current_ticket(self) -> str | None:
        current = self.table.currentIndex()
        return str(self.model.data(current, TICKET_ID_ROLE)) if current.isValid() else None

    def _choose_ticket(self, ticket_id: str | None) -> None:
        """Puts the cursor back on `ticket_id` after a new list replaced the rows (a new
        list resets the model): the whole list after the first page, a reload after a
        change. Nothing if it is not shown any more."""
        position = self.model.tickets.position_of(ticket_id) if ticket_id else None
        if position is not None:
            self.table.selectRow(position)

    def _no_page(self, exc: BaseException) -> None:
        log.debug("no first page from the cache file: %s", exc)  # the whole read follows

    def attach_store(self, store: Store) -> None:
        """Shows the cache `store` (opened after the window appeared, or given at once)."""
        self.store = store
        self.model.zones = ContractZones(store)  # deadlines in the contract's time zone
        self.hub = ChangeHub.of(store)
        self.hub.changed.connect(self._changes)  # the desk's own window: always shown
        if self.sync is not None:
            self.hub.follow(self.sync)
        for action in self._needs_store:
            action.setEnabled(True)
        self.notice_keys.attach(store)
        self.reload()

    def _opened_store(self) -> Store:
        """The cache; every action that needs it stays disabled until it is attached."""
        if self.store is None:
            raise RuntimeError("the local cache is not open yet")
        return self.store

    def enable_sign_out(self, sign_out: Callable[[], None]) -> SignOut:
        """Ctrl+Shift+L signs this computer out (`sign_out`), after stopping the sync."""
        from ui.sign_out import SignOut

        def stop() -> None:
            if self.sync is not None:
                self.sync.stop()

        self.sign_out = SignOut(self, self.connection, stop, sign_out)
        return self.sign_out

    def attach_sync(self, sync: SyncController) -> None:
        """Shows the state of `sync` in the status bar; what its rounds pull comes through
        the change broadcast."""
        from ui.sync_feedback import SyncFeedback

        self.sync = sync
        self.sync_feedback = SyncFeedback(self.statusBar(), sync)
        sync.state_changed.connect(self._sync_state)
        sync.summary_ready.connect(self._sync_summary)
        sync.reminders_ready.connect(self._reminders_from_sync)
        if self.hub is not None:
            self.hub.follow(sync)

    # --- data ------------------------------------------------------------------------------
    def _changes(self, changes: Changes) -> None:
        """A broadcast: the list reads the changed tickets again (all of them after a
        refusal or a conflict, which change rows without a new event)."""
        if changes.ticket_list:
            self.reload(full=changes.everything)
        else:  # devices, swaps, stock: not in the list, but in the outbox count
            self._show_pending()

    def _show_pending(self) -> None:
        store = self.store
        if store is not None:
            run_in_background(store.outbox_size, self._pending_read, lambda _ignored: None)

    def _pending_read(self, pending: int) -> None:
        self.pending.setText(_("Waiting to sync: {n}").format(n=pending))

    def reload(self, full: bool = False) -> None:
        """Reads the list and the directory on a worker thread; the window stays live.

        Usually only the tickets that got events since the last read are read again and
        merged into a new list, sorted there too, so a cache of 50,000 tickets costs the
        UI thread no more than a small one (a whole read holds Python's interpreter lock
        for about a second). `full` reads everything: after a refusal or a conflict
        changed rows without a new event, or when organisations, employees or profiles
        changed. One read at a time; asked again meanwhile, it runs once more after."""
        store, user = self.store, self.user
        if store is None:
            return
        if self._reloading:
            if full or self._reload_again is None:
                self._reload_again = "full" if full else "changes"
            return
        self._reloading = True
        base = None if full or not self.loaded else self.model.tickets
        marker, sort = self._marker, self._wanted_sort()

        def load() -> tuple[TicketList, CallerDirectory, int, dict[str, str], int]:
            # Imported here, off the UI thread: the window showed before the rules loaded.
            from halt_desk.desk.intake import CallerDirectory
            from halt_desk.desk.names import names_for

            now_at = store.change_marker()  # before the reads it guards
            changed = store.tickets_changed_since(marker) if base is not None else None
            if base is not None and changed is not None:
                rows = [row_from_store(raw) for raw in store.ticket_list(changed)]
                tickets = base.updated(rows) if rows else base
            else:
                tickets = TicketList.load(store, user, names_for(store))
            if sort is not None and tickets.sorted_by != sort:
                tickets.sort(*sort)
            organisations = {
                org_id: str(fields.get("name") or org_id)
                for org_id, fields in store.references("org").items()
            }
            directory = CallerDirectory.load(store)
            pending = store.outbox_size()
            return tickets, directory, pending, organisations, now_at

        run_in_background(load, self._loaded, self._reload_failed)

    def _wanted_sort(self) -> tuple[str, bool] | None:
        header = self.table.horizontalHeader()
        if header.sortIndicatorSection() < 0:
            return None
        column = COLUMNS[header.sortIndicatorSection()][0]
        return column, header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    def _loaded(self, loaded: tuple[TicketList, CallerDirectory, int, dict[str, str], int]) -> None:
        tickets, self.directory, pending, self.organisations, self._marker = loaded
        self.model.now = self.clock()
        chosen = self._current_ticket()
        if tickets is not self.model.tickets:
            self.model.set_tickets(tickets)
        sort = self._wanted_sort()
        if sort is not None and tickets.sorted_by != sort:  # the user sorted meanwhile
            self.model.sort(
                self.table.horizontalHeader().sortIndicatorSection(),
                self.table.horizontalHeader().sortIndicatorOrder(),
            )
        self._choose_ticket(chosen)
        self._pending_read(pending)
        self.loaded = self.page_shown = True
        self._show_counts()
        # The list (tens of thousands of rows) lives until the next load: out of the cyclic
        # collector's sight, or each full collection walks it while every thread waits
        # (pauses of several hundred ms on 50,000 tickets). Its garbage is still freed.
        gc.freeze()
        self._reload_done()
        self.check_reminders()

    def _reload_failed(self, exc: BaseException) -> None:
        self.statusBar().showMessage(labels.error_text(exc), 10_000)
        self._reload_done()

    def _reload_done(self) -> None:
        self._reloading = False
        again, self._reload_again = self._reload_again, None
        if again is not None:
            self.reload(full=again == "full")

    # --- reminders -------------------------------------------------------------------------
    def check_reminders(self) -> None:
        """Evaluates the open tickets (in the sync process, else on a worker thread); new
        reminders pop up once."""
        store, now = self.store, self.clock()
        if store is None:
            return
        if self.sync is not None:
            # Evaluated in the sync process: a second of Python on a thread of this one
            # would stall the window (the interpreter lock) while a sync runs.
            request = self.sync.reminders(now)
            if request is not None:
                self._reminders_asked = request
                return
        if self._reminders_running:  # one evaluation at a time; the newest asks once more
            self._reminders_again = True
            return
        if self._watch is None or self._watch.store is not store:
            from halt_desk.desk.reminders import ReminderWatch

            self._watch = ReminderWatch(store)
        watch = self._watch
        self._reminders_running = True
        run_in_background(lambda: watch.collect(now), self._reminders_done, self._reminders_failed)

    def _reminders_done(self, reminders: list[Reminder]) -> None:
        self._reminders_finished()
        self._show_reminders(reminders)

    def _reminders_failed(self, exc: BaseException) -> None:
        log.warning("reminders could not be evaluated: %s", exc)
        self._reminders_finished()

    def _reminders_finished(self) -> None:
        self._reminders_running = False
        if self._reminders_again:
            self._reminders_again = False
            self.check_reminders()

    def _reminders_from_sync(self, request: int, reminders: list[Reminder]) -> None:
        if request == self._reminders_asked:  # an older answer would show a stale state
            self._show_reminders(reminders)

    def _show_reminders(self, reminders: list[Reminder]) -> None:
        from halt_desk.desk.reminders import ReminderKind

        self.reminders = reminders
        overdue = sum(r.kind is ReminderKind.OVERDUE for r in reminders)
        soon = len(reminders) - overdue
        self.reminder_state.setText(
            _("Overdue: {overdue} · soon: {soon}").format(overdue=overdue, soon=soon)
        )
        self.reminder_state.setStyleSheet("color: #b3261e; font-weight: bold" if overdue else "")
        new = [r for r in reminders if r.key not in self._reminded]
        self._reminded.update(r.key for r in new)
        if new:
            self.notify(new)

    def notify(self, reminders: list[Reminder]) -> None:
        lines = [self._reminder_text(r) for r in reminders[:3]]
        if len(reminders) > 3:
            lines.append(_("… and {n} more").format(n=len(reminders) - 3))
        title = _("HALT Desk: deadlines")
        if self.tray is not None:
            icon = QSystemTrayIcon.MessageIcon.Warning
            self.tray.showMessage(title, "\n".join(lines), icon, 15_000)
        self.statusBar().showMessage(lines[0], 15_000)
        self.last_notification = lines

    def _reminder_text(self, reminder: Reminder) -> str:
        from halt_desk.desk.reminders import ReminderKind

        clock = labels.clock(reminder.clock)
        if reminder.kind is ReminderKind.OVERDUE:
            text = _("{ticket}: {clock} is overdue")
        elif reminder.kind is ReminderKind.UPDATE_DUE:
            text = _("{ticket}: P1 status update due within 5 minutes")
        else:
            text = _("{ticket}: {clock} breaches within 15 minutes")
        return text.format(ticket=reminder.ticket, clock=clock)

    def set_quick_filter(self, quick: QuickFilter) -> None:
        self.quick = quick
        self._refilter()

    def _refilter(self) -> None:
        self.model.now = self.clock()
        self.model.set_filter(self.quick, self.search.text())
        self._show_counts()

    def _show_counts(self) -> None:
        if not self.loaded:  # nothing or the first page: counts would mislead
            self.counts.setText(_("Loading tickets…"))
            return
        self.counts.setText(
            _("{shown} of {total} tickets").format(
                shown=len(self.model.tickets), total=self.model.tickets.total
            )
        )
        everything, total = self.quick is QuickFilter.ALL, self.model.tickets.total
        empty = self.model.rowCount() == 0
        self.placeholder.show_text(
            empty_list_text(self.search.text(), everything, total) if empty else None
        )

    def _tick(self) -> None:
        self.model.tick(self.clock())

    # --- actions ---------------------------------------------------------------------------
    def new_intake(self) -> IntakeDialog:
        from halt_desk.desk.intake import CallerDirectory
        from ui.intake_dialog import IntakeDialog

        directory = self.directory or CallerDirectory([])
        dialog = IntakeDialog(self._opened_store(), directory, self.user, self.clock, self)
        dialog.saved.connect(self._intake_saved)
        dialog.open()
        return dialog

    def _intake_saved(self, ticket_id: str) -> None:
        self.statusBar().showMessage(_("Ticket {id} recorded").format(id=ticket_id), 5000)
        # After the closed intake is painted: the ticket opens in the next turn of the loop.
        QTimer.singleShot(0, self, lambda: self.open_ticket_id(ticket_id))

    def open_ticket(self, index: QModelIndex) -> None:
        if self.store is None:  # the first page is shown, the cache is still opening
            self.statusBar().showMessage(_("Loading tickets…"), 3000)
            return
        self.open_ticket_id(str(self.model.data(index, TICKET_ID_ROLE)))

    def open_ticket_id(self, ticket_id: str) -> TicketDialog:
        from ui.ticket_dialog import TicketDialog

        dialog = TicketDialog(self._opened_store(), ticket_id, self.user, self.clock, self)
        dialog.sync_target = self.sync.target if self.sync is not None else None
        dialog.show()
        return dialog

    def assign_current(self) -> AssignDialog | None:
        """The assignment dialog for the ticket chosen in the list (Ctrl+A)."""
        from ui.assign_dialog import AssignDialog

        ticket_id = self._current_ticket()
        if ticket_id is None:
            self.statusBar().showMessage(_("Choose a ticket in the list first."), 5000)
            return None
        dialog = AssignDialog(self._opened_store(), ticket_id, self.user, self.clock, self)
        dialog.open()
        return dialog

    def open_report(self) -> ReportDialog:
        from ui.report_dialog import ReportDialog

        dialog = ReportDialog(
            self._opened_store(), self.organisations, self.clock, self, actor=self.user
        )
        dialog.open()
        return dialog

    def open_vulnerabilities(self) -> VulnerabilitiesWindow:
        from ui.vulnerabilities_window import VulnerabilitiesWindow

        window = VulnerabilitiesWindow(self._opened_store(), self.organisations, self.user,
                                       self.clock, self)  # fmt: skip
        window.open()
        return window

    def open_escalations(self) -> QWidget:
        from ui.escalation_window import open_escalations  # the register, Ctrl+Shift+E

        return open_escalations(self, self._opened_store(), self.user, self.clock)

    # --- sync --------------------------------------------------------------------------------
    def sync_now(self) -> None:
        """F9: a round now; the status bar says it started and how it ended."""
        if self.sync_feedback is not None:
            self.sync_feedback.sync_now()
        else:
            self.statusBar().showMessage(
                _("Working offline: changes wait until you sign in"), 10_000
            )

    def _sync_state(self, state: str, detail: str) -> None:
        texts = {
            "idle": _("Not connected yet"),
            "syncing": _("Syncing…"),
            "online": _("Online"),
            "clock_warning": _("Online — this computer's clock is off"),
            "offline": _("Offline — changes are waiting"),
            "signed_out": _("Signed out — sign in again"),
            "error": _("Sync error"),
        }
        self.connection.setText(texts.get(state, state))
        if detail:  # technical (English) detail for the log; the tooltip says it in words
            log.info("sync state %s: %s", state, detail)
        alarming = state in ("clock_warning", "signed_out", "error")
        self.connection.setStyleSheet("color: #b3261e; font-weight: bold" if alarming else "")

    def _sync_summary(self, summary: SyncSummary) -> None:
        from halt_desk.sync.feedback import round_text  # loaded with the sync, not at start

        self.connection.setToolTip(round_text(summary))  # how the last round ended, in words
        self.pending.setText(_("Waiting to sync: {n}").format(n=summary.outbox))
        needing_eyes = summary.open_conflicts + summary.rejected_total
        self.issues.setVisible(needing_eyes > 0)
        self.issues.setText(
            _("Conflicts: {c} · refused: {r}").format(
                c=summary.open_conflicts, r=summary.rejected_total
            )
        )
        if summary.central_restored is not None:  # told once: only that round carries it
            from halt_desk.sync import restore_text

            self._tell_central_restored(restore_text(summary.central_restored))
        # What the round pulled reaches the list through the change broadcast (ChangeHub).

    def _tell_central_restored(self, text: str) -> None:
        if self.tray is not None:
            icon = QSystemTrayIcon.MessageIcon.Information
            self.tray.showMessage(_("HALT Desk: central server restored"), text, icon, 30_000)
        self.statusBar().showMessage(text, 60_000)
        self.last_notification = [text]

    def open_sync_issues(self) -> SyncIssuesDialog:
        from ui.sync_issues import SyncIssuesDialog

        dialog = SyncIssuesDialog(self._opened_store(), self.user, self)
        dialog.open()
        return dialog

    def open_logistics(self) -> QWidget:
        from ui.logistics_window import open_logistics_window

        return open_logistics_window(self, self._opened_store(), self.user, self.clock)

    def open_devices(self) -> QWidget:
        """The device register: the logistics window (opened or brought up) on its tab."""
        from ui.logistics_window import open_logistics_window

        window = open_logistics_window(self, self._opened_store(), self.user, self.clock)
        window.show_devices()
        return window

    def open_field_view(self) -> QWidget:
        from ui.field_view import FieldView

        view = FieldView(self._opened_store(), self.user, self.clock, self.sync, self)
        view.show()
        return view

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the desk's window closes the app: the windows opened from it
        (logistics, tickets, the field view) close with it, none keeps it running."""
        self._timer.stop()
        super().closeEvent(event)
        if event.isAccepted():
            for window in QApplication.topLevelWidgets():
                if window is not self and window.isVisible():
                    window.close()
