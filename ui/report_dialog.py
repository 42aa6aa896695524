"""Rapportage → Maandrapport: the monthly service-level report of one organisation from the
local cache, written as PDF (and CSV) by the same code as `halt-desk report slr`.

The month is checked as it is typed (a Dutch sentence under the form while it is not a
month, gone once it is), and the suggested file name follows it (`slr-2026-10.pdf`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.messages import Msg
from halt_desk.i18n import Words, _, ngettext
from halt_desk.reports.errors import EmptyMonth
from halt_desk.reports.from_store import write_month_report
from halt_desk.reports.month import Month
from halt_desk.store import Store
from ui import labels
from ui.contract_time import default_zone
from ui.work_progress import WorkProgress
from ui.workers import run_in_background

if TYPE_CHECKING:
    from ui.vulnerabilities_window import VulnerabilitiesWindow

ERROR_STYLE = "color: #b3261e"


def previous_month(now: datetime) -> str:
    """The month before `now`'s, on the contract's calendar (not the computer's)."""
    first = now.astimezone(default_zone()).replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def file_name(month: str) -> str:
    return f"slr-{month}.pdf"


class ReportDialog(QDialog):
    """Emits `written(paths)` once the files are there."""

    written = Signal(list)

    def __init__(
        self,
        store: Store,
        organisations: dict[str, str],
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
        *,
        actor: str = "",
    ) -> None:
        super().__init__(parent)
        self.store, self.clock, self.actor = store, clock, actor
        self.organisations = organisations
        self.escalations: QWidget | None = None
        self.setWindowTitle(_("Monthly report (service levels)"))
        self.setMinimumWidth(560)
        #: The month the suggested file name was made for.
        self._named_for = previous_month(clock())
        self._month_refused = False
        self.month = QLineEdit(self._named_for)
        self.month.setAccessibleName(_("Month (YYYY-MM)"))
        self.month.setPlaceholderText(_("YYYY-MM"))
        self.month.textChanged.connect(self._month_changed)
        self.org = QComboBox()
        self.org.setAccessibleName(_("Organisation"))
        for org_id, name in sorted(organisations.items(), key=lambda item: item[1]):
            self.org.addItem(name, org_id)
        self.language = QComboBox()
        self.language.setAccessibleName(_("Language of the report"))
        self.language.addItem(_("Dutch"), "nl")
        self.language.addItem(_("English"), "en")
        self.out = QLineEdit(str(Path.home() / file_name(self._named_for)))
        self.out.setAccessibleName(_("PDF file"))
        browse = QPushButton(_("Browse…"))
        browse.setAutoDefault(False)  # Enter makes the report, it never opens a file dialog
        browse.clicked.connect(self._browse)
        self.with_csv = QCheckBox(
            _("Also CSV (key figures, one line per ticket, the other tables)")
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Message"))
        self._build_layout(browse)

    def _build_layout(self, browse: QPushButton) -> None:
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(browse)
        # A row whose field is a layout gets no buddy: the label is made here, so its
        # shortcut letter shows underlined and Alt+B goes to the file name.
        out_label = QLabel(_("&File"))
        out_label.setBuddy(self.out)
        form = QFormLayout()
        form.addRow(_("&Month"), self.month)
        form.addRow(_("&Organisation"), self.org)
        form.addRow(_("&Language"), self.language)
        form.addRow(out_label, out_row)
        form.addRow("", self.with_csv)
        buttons = QDialogButtonBox()
        self.make_button = buttons.addButton(
            _("Make report"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        cves = buttons.addButton(
            _("&Vulnerabilities (CVE)…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        cves.setAutoDefault(False)
        cves.clicked.connect(self.open_vulnerabilities)
        self.escalations_button = buttons.addButton(
            _("&Escalations of this month…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.escalations_button.setAutoDefault(False)
        self.escalations_button.clicked.connect(self.open_escalations)
        buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.make)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.make_button.setDefault(True)  # once it is in the dialog: Enter makes the report

    # --- the month and the file name ---------------------------------------------------------
    def checked_month(self) -> Month:
        """The month typed, if it is one that has begun; InvalidMonth (worded) otherwise."""
        month = Month.parse(self.month.text())
        month.check_begun(self.clock(), default_zone())
        return month

    def _month_changed(self) -> None:
        try:
            month = str(self.checked_month())
        except HaltDeskError as exc:
            self._show_error(labels.error_text(exc))
            self._month_refused = True
            return
        if self._month_refused:  # corrected: the refusal goes
            self._month_refused = False
            self.message.clear()
            self.message.setStyleSheet("")
        self._follow_month(month)

    def _follow_month(self, month: str) -> None:
        """The suggested name follows the month (in whatever folder); a name the user chose
        stays as it is."""
        current = Path(self.out.text()).expanduser()
        if current.name == file_name(self._named_for):
            self.out.setText(str(current.with_name(file_name(month))))
            self._named_for = month

    def _show_error(self, text: str) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(text)

    def _browse(self) -> None:
        path, _ignored = QFileDialog.getSaveFileName(self, _("Save report"), self.out.text(),
                                              "PDF (*.pdf)")  # fmt: skip
        if path:
            self.out.setText(path)

    def open_vulnerabilities(self) -> VulnerabilitiesWindow:
        """The CVEs of the organisation and month chosen here, to enter before the report."""
        from ui.vulnerabilities_window import VulnerabilitiesWindow

        window = VulnerabilitiesWindow(
            self.store, self.organisations, self.actor, self.clock, self,
            org=self.org.currentData(), month=self.month.text().strip(),
        )  # fmt: skip
        window.finished.connect(lambda _result: self.month.setFocus())
        window.open()
        return window

    def open_escalations(self) -> QWidget | None:
        """The escalation register of the chosen organisation, narrowed to the month: a
        window of this dialog (modal over the main window, it would block one of that)."""
        from ui.escalation_window import open_escalations

        try:
            month = self.checked_month()
        except HaltDeskError as exc:
            self._show_error(labels.error_text(exc))
            self.month.setFocus()
            return None
        org = self.org.currentData()
        self.escalations = open_escalations(
            self,
            self.store,
            self.actor,
            self.clock,
            org=str(org) if org else None,
            month=(month.year, month.month),
        )
        return self.escalations

    # --- making it ---------------------------------------------------------------------------
    def make(self) -> None:
        try:
            month = str(self.checked_month())
        except HaltDeskError as exc:
            self._show_error(labels.error_text(exc))
            self._month_refused = True
            self.month.setFocus()
            return
        out = Path(self.out.text()).expanduser()
        csv = out.with_suffix(".csv") if self.with_csv.isChecked() else None
        store, org = self.store, self.org.currentData()
        lang, now = self.language.currentData(), self.clock()
        self.make_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText(_("Making the report…"))
        self.progress = progress = WorkProgress(self, _("Making the report…"))
        run_in_background(
            lambda: write_month_report(
                store, month, org, out, now, csv=csv, lang=lang, progress=progress
            ),
            self._done,
            self._failed,
        )

    def _done(self, paths: list[Path]) -> None:
        self.progress.finish()
        self.make_button.setEnabled(True)
        self.message.setStyleSheet("")
        csv_files = len(paths) - 1  # the CSV tables lie next to the PDF
        if csv_files:
            text = ngettext(
                "Written: {pdf} and {count} CSV file next to it",
                "Written: {pdf} and {count} CSV files next to it",
                csv_files,
            ).format(pdf=paths[0], count=csv_files)
        else:
            text = _("Written: {files}").format(files=paths[0])
        self.message.setText(text)
        self.written.emit(paths)

    def _failed(self, exc: BaseException) -> None:
        self.progress.finish()
        self.make_button.setEnabled(True)
        if isinstance(exc, EmptyMonth):  # the organisation by its name, not its id
            name = self.org.currentText()
            text = Words.of(Msg.MONTH_WITHOUT_TICKETS, org=name, month=exc.month).text()
        else:
            text = labels.error_text(exc)
        self._show_error(text)
