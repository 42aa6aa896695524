"""The device register of the logistics window: every loaner by asset tag with its state,
search by typing or scanning a label, a new device, its readiness checklist, and printable
asset labels. Views on halt_desk.swaps (register_device, check_readiness, device_record),
halt_desk.logistics.find_devices and halt_desk.asset_labels; reads and writes on a worker."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from halt_desk.changes import Changes
from halt_desk.desk.names import Names, names_for
from halt_desk.domain.devices import READINESS_CHECKS, DeviceState
from halt_desk.domain.errors import DeskInputError
from halt_desk.i18n import N_, _, pgettext
from halt_desk.logistics.register import (
    DeviceRecord,
    DeviceRegistration,
    check_readiness,
    device_record,
    find_devices,
    register_device,
)
from halt_desk.store import DeviceView, Store
from ui import labels
from ui.changes import ChangeHub, follow_changes
from ui.contract_time import ContractZones
from ui.table_models import Index, RowsTableModel
from ui.text_limits import limit_text
from ui.work_progress import WorkProgress
from ui.workers import LatestOnly, run_in_background

UNREADY_COLOUR = QColor("#fbeaa0")
GONE_COLOUR = QColor("#9e9e9e")
#: The purchase date field shows this (its minimum) as "onbekend".
NO_DATE = QDate(2000, 1, 1)


class DevicesModel(RowsTableModel):
    HEADERS = (
        N_("Asset tag"),
        N_("Model"),
        N_("Serial number"),
        N_("Organisation"),
        N_("Depot"),
        N_("Status"),
        N_("Updated"),
    )

    def __init__(self, zones: ContractZones) -> None:
        super().__init__()
        self.rows: list[DeviceView] = []
        self.names: dict[str, str] = {}  # organisation and depot ids → their names
        self.zones = zones

    def set_rows(self, rows: Sequence[DeviceView]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        device = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                device.asset_tag,
                device.model or "",
                device.serial or "",
                self.names.get(device.org or "", device.org or ""),
                self.names.get(device.depot or "", device.depot or ""),
                labels.device_state(device.state),
                self.zones.shown(device.updated_at, device.org),
            )
            return values[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and device.state == DeviceState.UNREADY:
            return UNREADY_COLOUR
        if role == Qt.ItemDataRole.ForegroundRole and device.state in (
            DeviceState.RETIRED,
            DeviceState.RETURNED_TO_LESSOR,
        ):
            return GONE_COLOUR
        return None


class DeviceDialog(QDialog):
    """A new device for the register; errors name the field and keep what was typed."""

    def __init__(
        self,
        store: Store,
        actor: str,
        clock: Callable[[], datetime],
        orgs: dict[str, str],
        depots: dict[str, str],
        models: Sequence[str],
        depot: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.clock = store, actor, clock
        self.setWindowTitle(_("New device"))
        self.asset_tag = QLineEdit()
        self.asset_tag.setPlaceholderText("HALT-LT-00042")
        self.serial = QLineEdit()
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.addItems(list(models))
        self.model.setCurrentText("")
        self.org = QComboBox()
        for org_id, name in orgs.items():
            self.org.addItem(name, org_id)
        self.depot = QComboBox()
        for depot_id, name in depots.items():
            self.depot.addItem(name, depot_id)
        if depot is not None and self.depot.findData(depot) >= 0:
            self.depot.setCurrentIndex(self.depot.findData(depot))
        self.lessor = QLineEdit()
        self.purchase_date = QDateEdit()
        self.purchase_date.setDisplayFormat("dd-MM-yyyy")
        self.purchase_date.setCalendarPopup(True)
        self.purchase_date.setMinimumDate(NO_DATE)
        self.purchase_date.setSpecialValueText(_("unknown"))
        self.purchase_date.setDate(NO_DATE)
        self.error = labels.error_label()
        limit_text(self.serial, "serial")
        limit_text(self.lessor, "lessor")
        model_edit = self.model.lineEdit()
        if model_edit is not None:
            limit_text(model_edit, "model")

        form = QFormLayout()
        for text, widget in (
            (_("&Asset tag"), self.asset_tag),
            (_("&Serial number"), self.serial),
            (_("&Model"), self.model),
            (_("&Organisation"), self.org),
            (_("&Depot"), self.depot),
            (_("&Lessor"), self.lessor),
            (_("Pur&chase date"), self.purchase_date),
        ):
            form.addRow(text, widget)
            widget.setAccessibleName(text.replace("&", ""))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(pgettext("verb", "Register"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.registered_tag: str | None = None

    def registration(self) -> DeviceRegistration:
        bought = self.purchase_date.date()
        return DeviceRegistration(
            asset_tag=self.asset_tag.text(),
            serial=self.serial.text(),
            model=self.model.currentText(),
            org=self.org.currentData() or "",
            depot=self.depot.currentData() or "",
            lessor=self.lessor.text().strip() or None,
            purchase_date=None
            if bought == NO_DATE
            else date(bought.year(), bought.month(), bought.day()),
        )

    def save(self) -> None:
        store, actor, now, registration = self.store, self.actor, self.clock(), self.registration()
        self.save_button.setEnabled(False)
        ChangeHub.of(store).run(
            lambda: register_device(store, registration, actor, now).stream_key,
            self._saved,
            self._failed,
        )

    def _saved(self, tag: str) -> None:
        self.registered_tag = tag
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(labels.error_text(exc))
        if isinstance(exc, DeskInputError):
            target = {
                "asset_tag": self.asset_tag,
                "serial": self.serial,
                "model": self.model,
                "org": self.org,
                "depot": self.depot,
            }.get(exc.field)
            if target is not None:
                target.setFocus()


class ReadinessDialog(QDialog):
    """The readiness checklist of one device, ticked as it was last checked."""

    def __init__(
        self,
        store: Store,
        actor: str,
        clock: Callable[[], datetime],
        record: DeviceRecord,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.clock = store, actor, clock
        self.asset_tag = record.fold.asset_tag
        self.setWindowTitle(_("Readiness of {tag}").format(tag=self.asset_tag))
        self.checks: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("A loaner is stock only when all four points are right.")))
        for check in READINESS_CHECKS:
            box = QCheckBox(labels.readiness_check(check))
            box.setChecked(bool(record.fold.readiness.get(check)))
            self.checks[check] = box
            layout.addWidget(box)
        self.error = labels.error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Record"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        store, actor, now, tag = self.store, self.actor, self.clock(), self.asset_tag
        checks = {name: box.isChecked() for name, box in self.checks.items()}
        self.save_button.setEnabled(False)
        ChangeHub.of(store).run(
            lambda: check_readiness(store, tag, checks, actor, now),
            lambda _ignored: self.accept(),
            self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(labels.error_text(exc))


def _readable(name: Callable[[str], str], ids: Iterable[str | None]) -> dict[str, str]:
    """Names for ids without a record ("dep-x" → "Dep X"), never the id as it is."""
    return {key: name(key) for key in ids if key}


class DevicesPage(QWidget):
    """The register: filters on top, the devices, and the chosen device's details."""

    def __init__(
        self,
        store: Store,
        actor: str,
        clock: Callable[[], datetime],
        depot: str | None,
        show_message: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.clock, self.home_depot = store, actor, clock, depot
        self.show_message = show_message
        self.all_devices: list[DeviceView] = []
        self.orgs: dict[str, str] = {}
        self.people = Names()  # names of organisations, depots and colleagues
        self.depots: dict[str, str] = {}
        self.loaded = False
        self.record: DeviceRecord | None = None
        self._reads = LatestOnly()
        self._build_filters()
        self._build_table()
        self._build_layout(self._build_toolbar())
        # Held back while another tab shows: the register reads again when it shows.
        follow_changes(self, ChangeHub.of(store), self._changes)

    # --- building the page -------------------------------------------------------------------
    def _build_filters(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search or scan: asset tag, serial number or model"))
        self.search.setAccessibleName(_("Search the register"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filter)
        self.search.returnPressed.connect(self._scanned)
        self.depot_filter = QComboBox()
        self.depot_filter.setAccessibleName(_("Depot"))
        self.depot_filter.currentIndexChanged.connect(self.apply_filter)
        self.state_filter = QComboBox()
        self.state_filter.setAccessibleName(_("Status"))
        self.state_filter.addItem(_("All states"), None)
        for state in DeviceState:
            self.state_filter.addItem(labels.device_state(state.value), state.value)
        self.state_filter.currentIndexChanged.connect(self.apply_filter)

    def _build_table(self) -> None:
        self.zones = ContractZones(self.store)
        self.model = DevicesModel(self.zones)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((140, 220, 130, 90, 140, 180, 130)):
            self.view.setColumnWidth(column, width)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.doubleClicked.connect(lambda _ignored: self.check_selected())
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details.setMinimumWidth(300)

    def _build_toolbar(self) -> QToolBar:
        toolbar = QToolBar(_("Register"))
        for text, slot, shortcut in (
            (_("New device"), self.new_device, "Ctrl+Shift+N"),
            (_("Readiness"), self.check_selected, "Ctrl+G"),
            (_("Print labels"), self.print_labels, "Ctrl+L"),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text} ({shortcut})")
            action.triggered.connect(slot)
            toolbar.addAction(action)
            self.addAction(action)
        return toolbar

    def _build_layout(self, toolbar: QToolBar) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.depot_filter, 1)
        filters.addWidget(self.state_filter, 1)
        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(toolbar)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)

    # --- data ------------------------------------------------------------------------------
    def _changes(self, changes: Changes) -> None:
        if changes.device_register:
            self.reload()

    def reload(self) -> None:
        store, zones = self.store, self.zones

        def load() -> tuple[list[DeviceView], Names]:
            devices = store.devices()
            zones.learn({device.org for device in devices})
            return devices, names_for(store)

        self._reads.run(load, self._loaded, self._failed)

    def _loaded(self, loaded: tuple[list[DeviceView], Names]) -> None:
        self.all_devices, self.people = loaded
        devices = self.all_devices
        self.orgs = {**_readable(self.people.org, (d.org for d in devices)), **self.people.orgs}
        depots = _readable(self.people.depot, (d.depot for d in devices))
        self.depots = {**depots, **self.people.depots}
        self.model.names = {**self.orgs, **self.depots}
        chosen = self.depot_filter.currentData() if self.depot_filter.count() else None
        self.depot_filter.blockSignals(True)
        self.depot_filter.clear()
        self.depot_filter.addItem(_("All depots"), None)
        for depot_id, name in sorted(self.depots.items(), key=lambda item: item[1]):
            self.depot_filter.addItem(name, depot_id)
        index = self.depot_filter.findData(chosen) if chosen is not None else 0
        self.depot_filter.setCurrentIndex(max(index, 0))
        self.depot_filter.blockSignals(False)
        self.apply_filter()
        self.loaded = True

    def _failed(self, exc: BaseException) -> None:
        self.show_message(labels.error_text(exc))

    def apply_filter(self) -> None:
        """Filters the loaded register in place (a few thousand rows: no worker needed)."""
        chosen = {d.asset_tag for d in self.selected_devices()}
        rows = find_devices(
            self.all_devices,
            self.search.text(),
            self.depot_filter.currentData(),
            self.state_filter.currentData(),
        )
        self.model.set_rows(rows)
        for row, device in enumerate(rows):
            if device.asset_tag in chosen or len(rows) == 1:
                self.view.selectRow(row)
                self.view.scrollTo(self.model.index(row, 0))

    def _scanned(self) -> None:
        """A scanner ends with Enter: one match is selected and its details shown."""
        if self.model.rowCount() == 1:
            self.view.selectRow(0)
            self.view.setFocus()
        elif self.model.rowCount() == 0 and self.search.text().strip():
            self.show_message(
                _("{text} is not in the register.").format(text=self.search.text().strip())
            )

    def selected_devices(self) -> list[DeviceView]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.rows[row] for row in rows if row < len(self.model.rows)]

    def _selection_changed(self) -> None:
        chosen = self.selected_devices()
        if len(chosen) != 1:
            self.record = None
            self.details.setText(
                _("{count} devices selected.").format(count=len(chosen)) if chosen else ""
            )
            return
        store, tag = self.store, chosen[0].asset_tag
        run_in_background(lambda: device_record(store, tag), self._show_record, self._failed)

    def _show_record(self, record: DeviceRecord) -> None:
        chosen = self.selected_devices()
        if len(chosen) != 1 or chosen[0].asset_tag != record.fold.asset_tag:
            return  # the selection moved on while this was read
        self.record = record
        fold = record.fold
        missing = [labels.readiness_check(c) for c in record.missing_checks]
        lines = [
            f"<b>{fold.asset_tag}</b> — {labels.device_state(str(fold.state))}",
            _("Lessor: {lessor}").format(lessor=record.lessor or "–"),
            _("Purchase date: {day}").format(day=record.purchase_date or "–"),
            _("Last swap: {swap}").format(swap=record.last_swap or "–"),
        ]
        if fold.swap:
            lines.append(_("Now in swap {swap}").format(swap=fold.swap))
        if fold.owned:
            lines.append(_("The employee's own device, not a loaner"))
        if fold.finding:
            lines.append(_("Finding: {finding}").format(finding=fold.finding))
        if missing and not fold.owned:
            lines.append(
                "<span style='color:#b3261e'>"
                + _("Not ready yet: {checks}").format(checks=", ".join(missing))
                + "</span>"
            )
        history = [
            f"{self.zones.shown(e.at, fold.org)} · {labels.device_event(e.type)}"
            f" · {self.people.person(e.actor)}"
            for e in reversed(record.events[-12:])
        ]
        lines.append("<br><b>" + _("History") + "</b><br>" + "<br>".join(history))
        self.details.setText("<br>".join(lines))

    # --- actions ---------------------------------------------------------------------------
    def new_device(self) -> DeviceDialog:
        models = sorted({d.model for d in self.all_devices if d.model})
        depot = self.depot_filter.currentData() or self.home_depot
        dialog = DeviceDialog(
            self.store, self.actor, self.clock, self.orgs, self.depots, models, depot, self
        )
        dialog.accepted.connect(lambda: self._registered(dialog.registered_tag))
        dialog.open()
        return dialog

    def _registered(self, tag: str | None) -> None:
        self.show_message(_("{tag} is in the register; fill in its readiness.").format(tag=tag))
        self.search.setText(tag or "")  # the broadcast that follows shows it

    def check_selected(self) -> ReadinessDialog | None:
        if self.record is None:
            self.show_message(_("Choose one device first."))
            return None
        dialog = ReadinessDialog(self.store, self.actor, self.clock, self.record, self)
        dialog.accepted.connect(self._checked)
        dialog.open()
        return dialog

    def _checked(self) -> None:
        # The broadcast that follows the check reads the register and the details again.
        self.show_message(_("Readiness recorded."))

    def print_labels(self, out: Path | None = None) -> None:
        """Labels of the chosen devices, or of every device the filters show."""
        devices = self.selected_devices() or list(self.model.rows)
        if not devices:
            self.show_message(_("No devices to print labels for."))
            return
        if out is None:
            depot = self.depot_filter.currentData() or "register"
            name, _ignored = QFileDialog.getSaveFileName(
                self, _("Save labels"), f"labels-{depot}.pdf", "PDF (*.pdf)"
            )
            if not name:
                return
            out = Path(name)
        target, title = out, _("Labels")
        self.label_progress = progress = WorkProgress(
            self, _("Making the labels…"), counted=_("{done} of {total} labels")
        )

        def write() -> int:
            from halt_desk.logistics.asset_labels import write_label_sheet

            return write_label_sheet(devices, target, title, progress)

        def written(pages: int) -> None:
            progress.finish()
            self.show_message(
                _("{count} labels on {pages} page(s): {file}").format(
                    count=len(devices), pages=pages, file=target
                )
            )

        def failed(exc: BaseException) -> None:
            progress.finish()
            self._failed(exc)

        run_in_background(write, written, failed)
