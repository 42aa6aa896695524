"""Rapportage → Maandrapport: the monthly service-level report of one organisation from the
local cache, written as PDF (and CSV) by the same code as `halt-desk report slr`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

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

from halt_desk.i18n import _
from halt_desk.reports.from_store import write_month_report
from halt_desk.store import Store
from ui import labels
from ui.work_progress import WorkProgress
from ui.workers import run_in_background


def previous_month(now: datetime) -> str:
    first = now.replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


class ReportDialog(QDialog):
    """Emits `written(paths)` once the files are there."""

    written = Signal(list)

    def __init__(
        self,
        store: Store,
        organisations: dict[str, str],
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.clock = store, clock
        self.setWindowTitle(_("Monthly report (service levels)"))
        self.setMinimumWidth(560)
        self.month = QLineEdit(previous_month(clock()))
        self.month.setAccessibleName(_("Month (YYYY-MM)"))
        self.org = QComboBox()
        self.org.setAccessibleName(_("Organisation"))
        for org_id, name in sorted(organisations.items(), key=lambda item: item[1]):
            self.org.addItem(name, org_id)
        self.language = QComboBox()
        self.language.setAccessibleName(_("Language of the report"))
        self.language.addItem(_("Dutch"), "nl")
        self.language.addItem(_("English"), "en")
        self.out = QLineEdit(str(Path.home() / f"slr-{self.month.text()}.pdf"))
        self.out.setAccessibleName(_("PDF file"))
        browse = QPushButton(_("Browse…"))
        browse.clicked.connect(self._browse)
        self.with_csv = QCheckBox(_("Also CSV (key figures and one line per ticket)"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(_("&Month"), self.month)
        form.addRow(_("&Organisation"), self.org)
        form.addRow(_("&Language"), self.language)
        form.addRow(_("&File"), out_row)
        form.addRow("", self.with_csv)
        buttons = QDialogButtonBox()
        self.make_button = buttons.addButton(
            _("Make report"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.make)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        path, _ignored = QFileDialog.getSaveFileName(self, _("Save report"), self.out.text(),
                                              "PDF (*.pdf)")  # fmt: skip
        if path:
            self.out.setText(path)

    def make(self) -> None:
        out = Path(self.out.text()).expanduser()
        csv = out.with_suffix(".csv") if self.with_csv.isChecked() else None
        store, month, org = self.store, self.month.text().strip(), self.org.currentData()
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
        self.message.setText(_("Written: {files}").format(files=", ".join(str(p) for p in paths)))
        self.written.emit(paths)

    def _failed(self, exc: BaseException) -> None:
        self.progress.finish()
        self.make_button.setEnabled(True)
        self.message.setStyleSheet("color: #b3261e")
        self.message.setText(labels.error_text(exc))
