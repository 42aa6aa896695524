"""Kwetsbaarheden: the vulnerabilities (CVE) of one organisation in one month, as the monthly
report lists them (reports/security_figures.py: a step dated in the month, or not dealt
with at its end, as it stood then), and a form to register one or record its next step (a
new status and measure, the date of that step). Opened from the main window (Ctrl+Shift+X)
and from the monthly report dialog, for its organisation and month.

Keyboard: Alt+O organisation, Alt+M month, Alt+L the list (Enter on a row fills the form),
Alt+C CVE, Alt+E severity, Alt+T status, Alt+G measure, Alt+D date; Ctrl+Enter records,
Ctrl+N starts a new one, Escape closes. The core checks every field
(desk/security_entry.py) and says in Dutch what is wrong; nothing is recorded then. Only an
administrator records (central's rule); others see the list only."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from halt_desk.desk.security_entry import (
    VulnerabilityEntry,
    may_record_vulnerabilities,
    parse_day,
    record_vulnerability,
)
from halt_desk.domain.errors import DeskInputError, HaltDeskError
from halt_desk.domain.vulnerabilities import SEVERITIES, STATUSES
from halt_desk.i18n import NP_, _, pgettext
from halt_desk.reports.month import Month
from halt_desk.reports.security_figures import month_vulnerabilities
from halt_desk.reports.sources import StoreSource
from halt_desk.store import Store
from ui import labels
from ui.changes import ChangeHub, follow_changes
from ui.contract_time import default_zone
from ui.workers import LatestOnly

_CONTEXT = "vulnerability"
SEVERITY_WORDS: Mapping[str, str] = {
    "low": NP_("vulnerability", "low"),
    "medium": NP_("vulnerability", "medium"),
    "high": NP_("vulnerability", "high"),
    "critical": NP_("vulnerability", "critical"),
}
STATUS_WORDS: Mapping[str, str] = {
    "open": NP_("vulnerability", "open"),
    "in_progress": NP_("vulnerability", "in progress"),
    "mitigated": NP_("vulnerability", "mitigated"),
    "resolved": NP_("vulnerability", "resolved"),
    "accepted": NP_("vulnerability", "risk accepted"),
}
COLUMNS = (
    NP_("vulnerability", "CVE"),
    NP_("vulnerability", "Severity"),
    NP_("vulnerability", "Status"),
    NP_("vulnerability", "Measure taken"),
    NP_("vulnerability", "Date"),
)


def word(table: Mapping[str, str], code: str) -> str:
    return pgettext(_CONTEXT, table[code]) if code in table else code


def _choices(combo: QComboBox, table: Mapping[str, str], codes: tuple[str, ...]) -> None:
    combo.addItem(_("Choose…"), None)
    for code in codes:
        combo.addItem(word(table, code), code)


class VulnerabilitiesWindow(QDialog):
    """Emits `recorded(cve)` after each step recorded."""

    recorded = Signal(str)

    def __init__(
        self,
        store: Store,
        organisations: Mapping[str, str],
        actor: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
        *,
        org: str | None = None,
        month: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.clock = store, actor, clock
        self.setWindowTitle(_("Vulnerabilities (CVE)"))
        self.resize(980, 640)
        self.busy = False
        self.rows: list[dict[str, Any]] = []
        self._build_top(organisations, org, month or clock().strftime("%Y-%m"))
        self._build_list()
        self._build_form()
        self._build_layout()
        self._reads = LatestOnly()
        follow_changes(self, ChangeHub.of(store), lambda _changes: self.reload())
        self.reload()
        self.table.setFocus()

    # --- building ----------------------------------------------------------------------------
    def _build_top(self, organisations: Mapping[str, str], org: str | None, month: str) -> None:
        self.org = QComboBox()
        self.org.setAccessibleName(_("Organisation"))
        for org_id, name in sorted(organisations.items(), key=lambda item: item[1]):
            self.org.addItem(name, org_id)
        if org is not None and self.org.findData(org) >= 0:
            self.org.setCurrentIndex(self.org.findData(org))
        self.month = QLineEdit(month)
        self.month.setAccessibleName(_("Month (YYYY-MM)"))
        self.month.setPlaceholderText(_("YYYY-MM"))
        self.month.setMaximumWidth(120)
        self.org.currentIndexChanged.connect(self.reload)
        self.month.textChanged.connect(self.reload)

    def _build_list(self) -> None:
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName(_("Vulnerabilities"))
        self.table.setHorizontalHeaderLabels([pgettext(_CONTEXT, c) for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab moves on; arrows move in the list
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemActivated.connect(lambda _item: self.fill_from_row())
        self.empty = QLabel()
        self.empty.setStyleSheet("color: palette(placeholder-text)")

    def _build_form(self) -> None:
        self.cve = QLineEdit()
        self.cve.setAccessibleName(_("CVE identifier"))
        self.cve.setPlaceholderText("CVE-2027-12345")
        self.severity = QComboBox()
        self.severity.setAccessibleName(_("Severity"))
        _choices(self.severity, SEVERITY_WORDS, SEVERITIES)
        self.status = QComboBox()
        self.status.setAccessibleName(_("Status"))
        _choices(self.status, STATUS_WORDS, STATUSES)
        self.measure = QPlainTextEdit()
        self.measure.setAccessibleName(_("Measure taken"))
        self.measure.setPlaceholderText(
            _("What was done, or why the risk is accepted (required from mitigated on)")
        )
        self.measure.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.measure.setFixedHeight(64)
        self.day = QLineEdit()
        self.day.setAccessibleName(_("Date of this step (dd-mm-yyyy)"))
        self.day.setPlaceholderText(_("dd-mm-yyyy"))
        self.day.setMaximumWidth(140)
        self.message = labels.error_label()
        self.message.setAccessibleName(_("Message"))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.done_line = QLabel()
        self.done_line.setAccessibleName(_("Recorded"))
        self.record_button = QPushButton(_("&Record"))
        self.record_button.setToolTip(_("Shortcut: {keys}").format(keys="Ctrl+Enter"))
        self.record_button.setAutoDefault(False)
        self.record_button.clicked.connect(self.submit)
        self.new_button = QPushButton(_("&New"))
        self.new_button.setToolTip(_("Shortcut: {keys}").format(keys="Ctrl+N"))
        self.new_button.setAutoDefault(False)
        self.new_button.clicked.connect(self.clear_form)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.submit)
        QShortcut(QKeySequence("Ctrl+N"), self, self.clear_form)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        for text, field in ((_("&Organisation"), self.org), (_("&Month"), self.month)):
            label = QLabel(text)
            label.setBuddy(field)
            top.addWidget(label)
            top.addWidget(field)
        top.addStretch(1)
        list_label = QLabel(_("&List of the month"))
        list_label.setBuddy(self.table)
        list_label.setStyleSheet("font-weight: bold")
        self.form_box = QGroupBox(_("Register, or record the next step of the chosen one"))
        form = QFormLayout(self.form_box)
        form.addRow(_("&CVE"), self.cve)
        form.addRow(_("S&everity"), self.severity)
        form.addRow(_("S&tatus"), self.status)
        form.addRow(_("Measure ta&ken"), self.measure)
        form.addRow(_("&Date"), self.day)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.done_line)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.record_button)
        form.addRow(buttons)
        close = QPushButton(_("Close"))  # outside the form: also for who may only read
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(list_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.form_box)
        layout.addLayout(bottom)
        writer = may_record_vulnerabilities(self.actor)
        self.form_box.setEnabled(writer)
        if not writer:
            self.note.setText(
                _("Only an administrator (the provider's service manager) records vulnerabilities.")
            )
        QWidget.setTabOrder(self.month, self.table)
        QWidget.setTabOrder(self.table, self.cve)

    # --- the list ----------------------------------------------------------------------------
    def chosen_month(self) -> Month | None:
        try:
            return Month.parse(self.month.text())
        except HaltDeskError:
            return None

    def reload(self) -> None:
        org, store = self.org.currentData(), self.store
        try:
            month = Month.parse(self.month.text())
        except HaltDeskError as exc:
            self._show([])
            self.empty.setText(labels.error_text(exc))
            return
        if org is None:
            self._show([])
            return
        first, later = date(month.year, month.month, 1), month.shifted(1)
        after = date(later.year, later.month, 1)
        self._reads.run(
            lambda: month_vulnerabilities(StoreSource(store), org, first, after), self._show
        )
        if not self.day.text():
            self.day.setText(self._suggested_day(month))

    def _suggested_day(self, month: Month) -> str:
        today = self.clock().astimezone(default_zone()).date()
        if (today.year, today.month) == (month.year, month.month):
            return today.strftime("%d-%m-%Y")
        return ""

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for row, item in enumerate(rows):
            day = date.fromisoformat(str(item["date"])).strftime("%d-%m-%Y")
            cells = (
                str(item["cve"]),
                word(SEVERITY_WORDS, str(item["severity"])),
                word(STATUS_WORDS, str(item["status"])),
                str(item.get("measure") or ""),
                day,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        self.empty.setText("" if rows else _("No vulnerability in this month."))
        self.empty.setVisible(not rows)
        if rows and self.table.currentRow() < 0:
            self.table.setCurrentCell(0, 0)

    # --- the form ----------------------------------------------------------------------------
    def fill_from_row(self) -> None:
        """The chosen vulnerability in the form, to record its next step."""
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return
        item = self.rows[row]
        self.cve.setText(str(item["cve"]))
        self.severity.setCurrentIndex(self.severity.findData(item["severity"]))
        self.status.setCurrentIndex(self.status.findData(item["status"]))
        self.measure.setPlainText(str(item.get("measure") or ""))
        month = self.chosen_month()
        self.day.setText(self._suggested_day(month) if month is not None else "")
        self.message.clear()
        self.status.setFocus()

    def clear_form(self) -> None:
        for edit in (self.cve, self.day):
            edit.clear()
        self.measure.clear()
        self.severity.setCurrentIndex(0)
        self.status.setCurrentIndex(0)
        self.message.clear()
        month = self.chosen_month()
        if month is not None:
            self.day.setText(self._suggested_day(month))
        self.cve.setFocus()

    def submit(self) -> None:
        if self.busy or not self.form_box.isEnabled():
            return
        try:
            month = Month.parse(self.month.text())
        except HaltDeskError as exc:
            self._refused(exc, self.month)
            return
        try:
            day = parse_day(self.day.text())
        except DeskInputError as exc:
            self._refused(exc, self.day)
            return
        entry = VulnerabilityEntry(
            str(self.org.currentData() or ""),
            self.cve.text(),
            str(self.severity.currentData() or ""),
            str(self.status.currentData() or ""),
            self.measure.toPlainText(),
            day,
        )
        store, actor, now = self.store, self.actor, self.clock()
        self.busy = True
        self.message.clear()
        self.done_line.clear()
        ChangeHub.of(store).run(
            lambda: record_vulnerability(store, entry, actor, now, str(month)),
            self._done,
            lambda exc: self._refused(exc, None),
        )

    def _done(self, event: Any) -> None:
        self.busy = False
        cve = str(event.stream_key.partition("/")[2])
        self.done_line.setText(_("Recorded: {cve}").format(cve=cve))
        self.recorded.emit(cve)
        self.reload()

    def _refused(self, exc: BaseException, field: QWidget | None) -> None:
        self.busy = False
        self.done_line.clear()
        self.message.setText(labels.error_text(exc))
        if field is None and isinstance(exc, DeskInputError):
            field = self._fields().get(exc.field)
        if field is not None:
            field.setFocus()

    def _fields(self) -> dict[str, QWidget]:
        return {
            "org": self.org,
            "cve": self.cve,
            "severity": self.severity,
            "status": self.status,
            "measure": self.measure,
            "date": self.day,
        }
