"""Escalaties: the register of escalations against the provider (issue 23, seed 003
§2.4.3): the list (suggestions first, then the open ones by their next deadline, then the
closed), the chosen escalation's facts, clocks, action list and history, and the
recordings of the service manager (regie) and the administrator. An agent reads it.

Keyboard: the list has the focus; Up/Down choose; Alt+O, Alt+G, Alt+A filter; the
shortcuts on the buttons act on the chosen escalation; Escape closes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from halt_desk.changes import Changes
from halt_desk.desk.escalation_register import record_suggestions
from halt_desk.desk.escalation_view import EscalationEntry, RegisterRead, may_record, read_register
from halt_desk.desk.escalation_words import ESCALATION_TYPES
from halt_desk.domain.escalation_triggers import Suggestion
from halt_desk.domain.escalations import Status
from halt_desk.i18n import N_, _
from halt_desk.store import Store
from ui import labels
from ui.changes import ChangeHub, follow_changes
from ui.escalation_detail import detail_html
from ui.escalation_dialogs import EVENT_DIALOGS, DismissDialog, EscalationDialog, RegisterDialog
from ui.flow_layout import FlowLayout
from ui.workers import LatestOnly

COLUMNS = (
    N_("Number"),
    N_("Organisation"),
    N_("Level"),
    N_("Status"),
    N_("Description"),
    N_("Tickets"),
    N_("Next clock"),
    N_("Weekly update"),
)
#: Filters of the list: (key, label with its Alt-letter).
FILTERS = (("open", N_("&Open and suggested")), ("closed", N_("&Closed")), ("all", N_("&All")))
RELOAD_MS = 60_000  # the countdowns move on
#: (key, label, shortcut, needs): the recordings; `needs` the chosen one's status.
RECORDINGS: tuple[tuple[str, str, str, str | None], ...] = (
    ("new", N_("New escalation…"), "Ctrl+N", None),
    ("suggest", N_("Look for suggestions"), "Ctrl+Shift+F", None),
    ("accept", N_("Accept suggestion…"), "Ctrl+Shift+A", Status.SUGGESTED),
    ("dismiss", N_("Dismiss suggestion…"), "Ctrl+Shift+D", Status.SUGGESTED),
    ("level", N_("Change level…"), "Ctrl+L", Status.OPEN),
    ("informed", N_("Informed…"), "Ctrl+I", Status.OPEN),
    ("request", N_("Recovery request sent…"), "Ctrl+R", Status.OPEN),
    ("meeting", N_("Meeting held…"), "Ctrl+M", Status.OPEN),
    ("action", N_("New action…"), "Ctrl+T", Status.OPEN),
    ("action_status", N_("Action status…"), "Ctrl+Shift+T", Status.OPEN),
    ("update", N_("Weekly update…"), "Ctrl+U", Status.OPEN),
    ("close", N_("Close escalation…"), "Ctrl+Shift+C", Status.OPEN),
)


class EscalationWindow(QDialog):
    """The register (see the module's docstring). `org`/`month` narrow it (the monthly
    report opens it for its organisation and month)."""

    def __init__(
        self,
        store: Store,
        user: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
        *,
        org: str | None = None,
        month: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.store, self.user, self.clock = store, user, clock
        self.org, self.month = org, month
        self.writer = may_record(user)
        self.entries: tuple[EscalationEntry, ...] = ()
        self.shown: list[EscalationEntry] = []
        self.orgs: dict[str, str] = {}
        self.loaded = False
        self.dialog: QDialog | None = None
        self._wanted: str | None = None  # an escalation to choose once the list is in
        self._after_load: list[Callable[[], object]] = []
        self.setWindowTitle(_("Escalations"))
        self.resize(1240, 760)
        self._build()
        self._reads = LatestOnly()
        follow_changes(self, ChangeHub.of(store), self._changes)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.reload)
        self._timer.start(RELOAD_MS)
        self.reload()
        self.table.setFocus()

    # --- building ------------------------------------------------------------------------
    def _build(self) -> None:
        top = QHBoxLayout()
        self.filters: dict[str, QRadioButton] = {}
        for key, label in FILTERS:
            button = QRadioButton(_(label))
            self.filters[key] = button
            top.addWidget(button)
        self.filters["open"].setChecked(True)
        for button in self.filters.values():
            button.toggled.connect(self._filter_toggled)
        top.addStretch()
        self.scope = QLabel()
        self.scope.setStyleSheet("font-weight: bold")
        top.addWidget(self.scope)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName(_("Escalations"))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((130, 150, 55, 95, 0, 175, 230, 230)):
            if width:
                self.table.setColumnWidth(column, width)
        self.table.currentCellChanged.connect(lambda *_args: self._show_detail())
        self.empty = QLabel()
        self.detail = QTextBrowser()
        self.detail.setAccessibleName(_("The chosen escalation"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.table)
        upper_layout.addWidget(self.empty)
        splitter.addWidget(upper)
        splitter.addWidget(self.detail)
        splitter.setSizes([190, 530])
        self.message = labels.error_label()
        self.outcome = QLabel()
        self.outcome.setAccessibleName(_("Outcome"))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(self.message)
        layout.addLayout(self._build_buttons())

    def _build_buttons(self) -> QVBoxLayout:
        self.buttons: dict[str, QPushButton] = {}
        flow = FlowLayout()
        slots: dict[str, Callable[[], object]] = {
            "new": self.new_escalation,
            "suggest": self.look_for_suggestions,
            "accept": self.accept_suggestion,
            "dismiss": self.dismiss_suggestion,
            "level": lambda: self.record_on("level"),
            "informed": lambda: self.record_on("informed"),
            "request": lambda: self.record_on("request"),
            "meeting": lambda: self.record_on("meeting"),
            "action": lambda: self.record_on("action"),
            "action_status": lambda: self.record_on("action_status"),
            "update": lambda: self.record_on("update"),
            "close": lambda: self.record_on("close"),
        }
        for key, label, keys, _needs in RECORDINGS:
            button = QPushButton(f"{_(label)} ({keys})")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _on=False, slot=slots[key]: slot())
            self.buttons[key] = button
            if self.writer:
                QShortcut(QKeySequence(keys), self, slots[key])
                flow.addWidget(button)
            else:
                button.hide()
        column = QVBoxLayout()
        if not self.writer:
            note = QLabel(
                _(
                    "You read the register: escalations are recorded by service management "
                    "(regie) and administrators."
                )
            )
            note.setWordWrap(True)
            note.setAccessibleName(_("Read only"))
            self.read_only_note = note
            column.addWidget(note)
        row = QHBoxLayout()
        row.addLayout(flow, 1)
        close = QPushButton(_("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignBottom)
        column.addLayout(row)
        return column

    # --- data ------------------------------------------------------------------------------
    def _changes(self, changes: Changes) -> None:
        if changes.everything or changes.reference or changes.types & ESCALATION_TYPES:
            self.reload()

    def reload(self) -> None:
        store, now, org, month = self.store, self.clock(), self.org, self.month
        self._reads.run(lambda: read_register(store, now, org, month), self._read, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(labels.error_text(exc))

    def _read(self, read: RegisterRead) -> None:
        self.entries, self.orgs = read.entries, read.orgs
        self.scope.setText(self._scope_text())
        self._show_list()
        self.loaded = True
        waiting, self._after_load = self._after_load, []
        for callback in waiting:
            callback()

    def when_loaded(self, callback: Callable[[], object]) -> None:
        """Runs `callback` once the register is read (at once when it is)."""
        if self.loaded:
            callback()
        else:
            self._after_load.append(callback)

    def _scope_text(self) -> str:
        parts = []
        if self.org is not None:
            parts.append(self.orgs.get(self.org, ""))
        if self.month is not None:
            year, month = self.month
            parts.append(f"{month:02d}-{year}")
        return " · ".join(p for p in parts if p)

    def _filter_toggled(self, on: bool) -> None:
        if on:
            self._show_list()

    def _filter(self) -> str:
        return next((key for key, button in self.filters.items() if button.isChecked()), "open")

    def _show_list(self) -> None:
        current = self.current()
        chosen = self._wanted or (current.id if current is not None else None)
        wanted = self._filter()
        self.shown = [
            e
            for e in self.entries
            if wanted == "all" or (e.is_open if wanted == "open" else not e.is_open)
        ]
        self.table.setRowCount(len(self.shown))
        for row, entry in enumerate(self.shown):
            self._fill_row(row, entry)
        ids = [e.id for e in self.shown]
        if chosen is not None and chosen in ids:
            self._wanted = None
            self.table.selectRow(ids.index(chosen))
        elif self.shown:
            self.table.selectRow(0)
        self.empty.setText("" if self.shown else _("No escalations in this view."))
        self.empty.setVisible(not self.shown)
        self._show_detail()

    def _fill_row(self, row: int, entry: EscalationEntry) -> None:
        texts = (
            entry.number,
            entry.org_name,
            entry.level,
            entry.status,
            entry.description,
            entry.tickets,
            entry.next_clock,
            entry.reminder,
        )
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if (column == 6 and entry.late) or (column == 7 and text):
                item.setForeground(QBrush(labels.RED))
            elif column == 6 and text:
                item.setForeground(QBrush(labels.GREEN))
            if entry.state.status == Status.SUGGESTED:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            self.table.setItem(row, column, item)

    def current(self) -> EscalationEntry | None:
        row = self.table.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def _show_detail(self) -> None:
        entry = self.current()
        self.detail.setHtml(detail_html(entry) if entry is not None else "")
        status = entry.state.status if entry is not None else None
        for key, _label, _keys, needs in RECORDINGS:
            enabled = needs is None or status == needs
            if key == "action_status" and entry is not None:
                enabled = enabled and bool(entry.state.actions)
            self.buttons[key].setEnabled(self.writer and enabled)

    def show_escalation(self, escalation_id: str) -> None:
        """Chooses `escalation_id` (now, or once the list is read); a closed one shows
        with every escalation."""
        self._wanted = escalation_id
        found = next((e for e in self.entries if e.id == escalation_id), None)
        if found is not None and not found.is_open:
            self.filters["all"].setChecked(True)
        if self.loaded:
            self._show_list()

    # --- recording -------------------------------------------------------------------------
    def _open(self, dialog: EscalationDialog) -> EscalationDialog:
        dialog.recorded.connect(self._recorded)
        dialog.finished.connect(lambda _result: self.table.setFocus())
        dialog.open()
        self.dialog = dialog
        return dialog

    def _recorded(self, result: object) -> None:
        if isinstance(result, str) and result.startswith("ESC-"):
            self._wanted = result  # a new escalation: chosen once the list is read again
        self.reload()

    def _refuse_reader(self) -> bool:
        if self.writer:
            return False
        self.message.setText(_("Only service management and administrators record escalations."))
        return True

    def new_escalation(self, ticket: str | None = None, org: str | None = None) -> QDialog | None:
        if self._refuse_reader():
            return None
        dialog = RegisterDialog(
            self.store,
            self.user,
            self.orgs,
            self.clock,
            ticket=ticket,
            org=org or self.org,
            parent=self,
        )
        return self._open(dialog)

    def look_for_suggestions(self) -> None:
        """Runs the triggers over the cached tickets; each new suggestion is recorded as a
        suggestion only (nothing applied until it is accepted) and shows first."""
        if self._refuse_reader():
            return
        store, user, now = self.store, self.user, self.clock()
        self.message.setText("")
        self.outcome.setText(_("Looking for suggestions…"))
        ChangeHub.of(store).run(
            lambda: record_suggestions(store, user, now), self._suggested, self._not_suggested
        )

    def _suggested(self, found: list[Suggestion]) -> None:
        self.outcome.setText(
            _("New suggestions: {n}.").format(n=len(found)) if found else _("No new suggestions.")
        )
        if found:
            self._wanted = found[0].id
            self.filters["open"].setChecked(True)
        self.reload()

    def _not_suggested(self, exc: BaseException) -> None:
        self.outcome.setText("")
        self.message.setText(labels.error_text(exc))

    def _chosen(self, status: str) -> EscalationEntry | None:
        entry = self.current()
        if self._refuse_reader():
            return None
        if entry is None or entry.state.status != status:
            text = (
                _("First choose a suggestion in the list.")
                if status == Status.SUGGESTED
                else _("First choose an open escalation in the list.")
            )
            self.message.setText(text)
            return None
        self.message.setText("")
        return entry

    def accept_suggestion(self) -> QDialog | None:
        entry = self._chosen(Status.SUGGESTED)
        if entry is None:
            return None
        dialog = RegisterDialog(
            self.store, self.user, self.orgs, self.clock, suggestion=entry.state, parent=self
        )
        return self._open(dialog)

    def dismiss_suggestion(self) -> QDialog | None:
        entry = self._chosen(Status.SUGGESTED)
        if entry is None:
            return None
        dialog = DismissDialog(self.store, entry.state, self.user, self.orgs, self.clock, self)
        return self._open(dialog)

    def record_on(self, kind: str) -> QDialog | None:
        """The dialog of recording `kind` on the chosen open escalation."""
        entry = self._chosen(Status.OPEN)
        if entry is None:
            return None
        state = entry.state
        if kind == "action_status" and not state.actions:
            self.message.setText(_("This escalation has no actions yet."))
            return None
        return self._open(
            EVENT_DIALOGS[kind](self.store, state, self.user, self.orgs, self.clock, self)
        )


def open_escalations(
    parent: QWidget | None,
    store: Store,
    user: str,
    clock: Callable[[], datetime],
    *,
    escalation: str | None = None,
    org: str | None = None,
    month: tuple[int, int] | None = None,
) -> EscalationWindow:
    """Opens the register (at `escalation`, or for `org` and `month`)."""
    window = EscalationWindow(store, user, clock, parent, org=org, month=month)
    if escalation is not None:
        window.show_escalation(escalation)
    window.show()
    return window
