"""The field engineer's view: today's tickets in route order with their onsite and swap
countdowns, big touch-friendly buttons for the onsite actions, a "not yet synced" marker
per action, the laptop clock warning, and "take today's work along". A view on
`halt_desk.field`; all reads and writes run off the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTime, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from halt_desk.changes import Changes
from halt_desk.domain.clocks import ClockResult, ClockState
from halt_desk.field.onsite import FieldRequest, clock_warning, record_field_action
from halt_desk.field.packet import Readiness, take_work_along
from halt_desk.field.route import FieldAction, FieldTicket, my_tickets
from halt_desk.i18n import N_, _, ngettext
from halt_desk.store import Store
from ui import labels
from ui.change_actions import change_clock_rows, change_figures
from ui.changes import ChangeHub, follow_changes
from ui.contract_time import SHORT, ContractZones
from ui.sync_controller import SyncController
from ui.sync_issues import SyncIssuesDialog
from ui.text_limits import limit_text
from ui.workers import LatestOnly, run_in_background

if TYPE_CHECKING:
    from ui.camera_scanner import CameraScanner

#: Minimum height of a big button (touch screens, gloves in winter).
BUTTON_HEIGHT = 64
#: Field actions without meaning on a change (no workaround or productive-again clock):
#: disabled on a change ticket, as the ticket window hides them.
INCIDENT_ONLY_ACTIONS = (FieldAction.WORKAROUND, FieldAction.PRODUCTIVE_AGAIN)
BUTTONS: tuple[tuple[FieldAction, str], ...] = (
    (FieldAction.ARRIVED, N_("Arrived on site")),
    (FieldAction.WORKAROUND, N_("Workaround")),
    (FieldAction.LOANER_ISSUED, N_("Loaner handed over")),
    (FieldAction.OLD_DEVICE_COLLECTED, N_("Old device taken back")),
    (FieldAction.PRODUCTIVE_AGAIN, N_("Employee productive again")),
    (FieldAction.RESOLVED, N_("Resolved")),
    (FieldAction.COMMENT, N_("Note")),
)


class FieldView(QWidget):
    """My tickets of today and the onsite actions; emits `recorded` after each action."""

    recorded = Signal(object)  # the events

    def __init__(
        self,
        store: Store,
        user: str,
        clock: Callable[[], datetime],
        sync: SyncController | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store, self.user, self.clock, self.sync = store, user, clock, sync
        self.hub = ChangeHub.of(store)
        self.zones = ContractZones(store)
        self._reads = LatestOnly()
        if sync is not None:
            self.hub.follow(sync)
        self.items: list[FieldTicket] = []
        self.readiness: Readiness | None = None
        self.loaded = False
        self.setWindowTitle(_("HALT Desk — field service"))
        self.resize(1200, 780)

        self._build_top()
        self._build_list()
        self._build_inputs(clock)
        grid = self._build_buttons()
        self._build_layout(grid)
        refresh = QPushButton(self)
        refresh.hide()
        refresh.setShortcut(QKeySequence("F5"))
        refresh.clicked.connect(self.reload)
        # What actions and sync rounds change comes through the broadcast.
        follow_changes(self, self.hub, self._changes)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._show_detail_and_list)
        self._timer.start(30_000)
        self.reload()

    # --- building the view -------------------------------------------------------------------
    def _build_top(self) -> None:
        self.clock_warning = QLabel()
        self.clock_warning.setAccessibleName(_("Clock warning"))
        self.clock_warning.setStyleSheet(
            "background: #b3261e; color: white; font-weight: bold; padding: 8px"
        )
        self.clock_warning.setWordWrap(True)
        self.clock_warning.hide()
        self.take_along = QPushButton(_("Take today's work along"))
        self.take_along.setMinimumHeight(BUTTON_HEIGHT)
        self.take_along.clicked.connect(self.take_work_along)
        self.readiness_label = QLabel(_("Not yet checked whether everything is ready offline."))
        self.readiness_label.setWordWrap(True)
        self.review = QPushButton(_("Review conflicts and refusals"))
        self.review.setMinimumHeight(BUTTON_HEIGHT)
        self.review.clicked.connect(self.open_review)

    def _build_list(self) -> None:
        self.list = QListWidget()
        self.list.setAccessibleName(_("My tickets today (route order)"))
        self.list.setStyleSheet("QListWidget::item { padding: 10px; }")
        self.list.currentRowChanged.connect(lambda _ignored: self._show_detail())
        self.detail = QLabel()
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName(_("Ticket"))
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop)

    def _build_inputs(self, clock: Callable[[], datetime]) -> None:
        self.scan = QLineEdit()
        self.scan.setPlaceholderText(
            _("Scan or type an asset tag (e.g. HALT-LT-00042), or an old device's serial")
        )
        self.scan.setAccessibleName(_("Asset tag"))
        self.old_model = QLineEdit()
        self.old_model.setPlaceholderText(_("Model of the old device, if not in the register"))
        self.old_model.setAccessibleName(_("Model of the old device"))
        self.old_model.setMinimumHeight(40)
        limit_text(self.old_model, "model")
        self.confirmed_by = QLineEdit()
        self.confirmed_by.setPlaceholderText(_("Who confirms that the employee can work"))
        self.confirmed_by.setAccessibleName(_("Confirmed by"))
        self.productive_time = QTimeEdit()
        self.productive_time.setDisplayFormat("HH:mm")
        shown = self.zones.now(clock())  # the contract's time, whatever zone the laptop has
        self.productive_time.setTime(QTime(shown.hour, shown.minute))
        self.productive_time.setAccessibleName(_("Productive again at"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("Note (with any action)"))
        self.note.setAccessibleName(_("Note"))
        for edit in (self.scan, self.confirmed_by, self.productive_time, self.note):
            edit.setMinimumHeight(40)
        # Without a scanner: the webcam reads the label into the same field (F6).
        self.camera_button = QPushButton(_("Scan with the camera (F6)"))
        self.camera_button.setCheckable(True)
        self.camera_button.setMinimumHeight(40)
        self.camera_button.setShortcut(QKeySequence("F6"))
        self.camera_button.toggled.connect(self._camera_toggled)
        self.camera: CameraScanner | None = None  # made on the first F6 (QtMultimedia)
        limit_text(self.confirmed_by, "confirmed_by")
        self.note_counter = limit_text(self.note, "text")

    def _build_buttons(self) -> QGridLayout:
        self.buttons: dict[FieldAction, QPushButton] = {}
        grid = QGridLayout()
        for index, (action, label) in enumerate(BUTTONS):
            button = QPushButton(_(label))
            button.setMinimumHeight(BUTTON_HEIGHT)
            button.setStyleSheet("font-size: 15pt")
            button.clicked.connect(lambda _ignored=False, a=action: self.act(a))
            self.buttons[action] = button
            grid.addWidget(button, index // 2, index % 2)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Message of the action"))

        self.action_table = QTableWidget(0, 3)
        self.action_table.setAccessibleName(_("Recorded actions"))
        self.action_table.setHorizontalHeaderLabels([_("Time (laptop)"), _("Action"), _("Sent")])
        self.action_table.horizontalHeader().setStretchLastSection(True)
        self.action_table.verticalHeader().hide()
        return grid

    def _build_layout(self, grid: QGridLayout) -> None:
        inputs = QGridLayout()
        inputs.addWidget(QLabel(_("Scan")), 0, 0)
        inputs.addWidget(self.scan, 0, 1)
        inputs.addWidget(self.camera_button, 0, 2, 1, 2)
        inputs.addWidget(QLabel(_("Confirmed by")), 1, 0)
        inputs.addWidget(self.confirmed_by, 1, 1)
        inputs.addWidget(QLabel(_("At")), 1, 2)
        inputs.addWidget(self.productive_time, 1, 3)
        inputs.addWidget(QLabel(_("Note")), 2, 0)
        inputs.addWidget(self.note, 2, 1, 1, 3)
        if self.note_counter is not None:
            inputs.addWidget(self.note_counter, 3, 1, 1, 3)
        inputs.addWidget(QLabel(_("Model")), 4, 0)  # of the old device taken back
        inputs.addWidget(self.old_model, 4, 1, 1, 3)

        right = QVBoxLayout()
        right.addWidget(self.detail)
        right.addLayout(inputs)
        self._camera_place = (right, right.count())  # the camera goes under the inputs
        right.addLayout(grid)
        right.addWidget(self.message)
        right.addWidget(self.action_table, 1)
        top = QHBoxLayout()
        top.addWidget(self.take_along)
        top.addWidget(self.review)
        top.addWidget(self.readiness_label, 1)
        body = QHBoxLayout()
        body.addWidget(self.list, 2)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.clock_warning)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    # --- data --------------------------------------------------------------------------------
    def _changes(self, changes: Changes) -> None:
        """Reads the day again when a change concerns it: a ticket or swap it shows, an
        assignment, reference data, or (for its "not yet synced" marks) a round that sent."""
        shown = [item.id for item in self.items]
        swaps = [item.swap.id for item in self.items if item.swap is not None]
        unsynced = any(item.unsynced for item in self.items)
        if changes.concerns_field(shown, swaps) or (changes.sent and unsynced):
            self.reload()

    def reload(self) -> None:
        store, user, now, zones = self.store, self.user, self.clock(), self.zones

        def load() -> tuple[list[FieldTicket], Any]:
            items = my_tickets(store, user, now)
            zones.learn({item.ticket.org for item in items})
            return items, clock_warning(store)

        self._reads.run(load, self._loaded, self._failed)

    def _loaded(self, loaded: tuple[list[FieldTicket], Any]) -> None:
        items, offset = loaded
        current = self.current_ticket()
        self.items = items
        if offset is not None:
            self.clock_warning.setText(
                _(
                    "Caution: this laptop's clock was {offset} off at the last "
                    "contact with the server. Check the times you record."
                ).format(offset=self._offset_text(offset))
            )
        self.clock_warning.setVisible(offset is not None)
        self._fill_list()
        ids = [item.id for item in items]
        self.list.setCurrentRow(ids.index(current.id) if current and current.id in ids else 0)
        self._show_detail()
        self.loaded = True

    def _offset_text(self, offset: Any) -> str:
        seconds = round(abs(offset.total_seconds()))
        minutes = seconds // 60
        if offset.total_seconds() > 0:
            return _("{m} min behind").format(m=minutes)
        return _("{m} min ahead").format(m=minutes)

    def _hm(self, instant: datetime | None, item: FieldTicket) -> str:
        return self.zones.shown(instant, item.ticket.org, SHORT) or "–"

    def _countdown(self, result: ClockResult, item: FieldTicket) -> str:
        if result.state is ClockState.NOT_APPLICABLE:
            return "–"
        if result.state is ClockState.MET:
            return _("met {t}").format(t=self._hm(result.met_at, item))
        if result.met_at is not None or result.state is ClockState.BREACHED:
            return _("late (due {t})").format(t=self._hm(result.due, item))
        text, _ignored = labels.countdown(result.due, self.clock())
        return _("{t} (due {due})").format(t=text, due=self._hm(result.due, item))

    def _change_lines(self, item: FieldTicket) -> list[str]:
        """A change's own clocks as the ticket window names them ("Implemented within
        planning: 2 d 4 h (due 09-12 00:00)"); one line for a change planned in
        consultation."""
        assert item.change is not None
        lines = []
        for name, result, due in change_clock_rows(item.change, self.zones.of(item.ticket.org)):
            if result.state is ClockState.NOT_APPLICABLE:
                lines.append(name)
                continue
            if result.state is not ClockState.RUNNING:
                countdown = self._countdown(result, item)  # met, or late
            elif result.due is None:
                countdown = _("not planned yet")
            else:
                text, _ignored = labels.countdown(result.due, self.clock())
                if name == labels.clock("change_planning"):  # "end of 14-01" says "due"
                    countdown = f"{text} ({due})"
                else:
                    countdown = _("{t} (due {due})").format(t=text, due=due)
            lines.append(_("{clock}: {countdown}").format(clock=name, countdown=countdown))
        return lines

    def _fill_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for number, item in enumerate(self.items, start=1):
            place = item.city or _("location unknown")
            unsynced = _(" · ● {n} not synced").format(n=len(item.unsynced))
            head = f"{number}. {place} — {item.id} ({item.evaluation.priority})\n"
            if item.change is not None:  # a change counts down its own clock
                clocks = "\n".join(self._change_lines(item))
            else:
                clocks = (
                    _("On site: {onsite}").format(onsite=self._countdown(item.onsite, item))
                    + "\n"
                    + _("Swap: {swap}").format(swap=self._countdown(item.swap_clock, item))
                )
            text = head + clocks + (unsynced if item.unsynced else "")
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            self.list.addItem(entry)
        self.list.blockSignals(False)

    def _clock_lines(self, item: FieldTicket) -> list[str]:
        """The detail's clocks: a change's own, or an incident's onsite, swap and MTTR."""
        if item.change is not None:
            tz = self.zones.of(item.ticket.org)
            return [*self._change_lines(item), change_figures(item.change, tz)]
        ev = item.evaluation
        mttr = ev.mttr_business_minutes
        mttp = ev.mttp_business_minutes
        return [
            _("On site: {c}").format(c=self._countdown(item.onsite, item)),
            _("Swap: {c}").format(c=self._countdown(item.swap_clock, item)),
            _("MTTR: {mttr} · MTTP: {mttp} business minutes ({wall} min wall clock)").format(
                mttr="–" if mttr is None else mttr,
                mttp="–" if mttp is None else mttp,
                wall="–" if ev.mttp_wall_minutes is None else ev.mttp_wall_minutes,
            ),
        ]

    def current_ticket(self) -> FieldTicket | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _show_detail_and_list(self) -> None:
        row = self.list.currentRow()
        self._fill_list()
        self.list.setCurrentRow(row)
        self._show_detail()

    def _show_detail(self) -> None:
        item = self.current_ticket()
        for button in self.buttons.values():
            button.setEnabled(item is not None)
        if item is None:
            self.detail.setText(_("<h2>No tickets for today</h2>"))
            self.action_table.setRowCount(0)
            return
        lines = [
            f"<h2>{item.id} — {item.ticket.summary or ''}</h2>",
            _("Caller: {name} {phone}").format(
                name=item.caller_name or "–", phone=item.caller_phone or ""
            ),
            _("Location: {place}").format(
                place=", ".join(p for p in (item.location_name, item.city) if p) or "–"
            ),
            *self._clock_lines(item),
        ]
        if item.swap is not None:
            lines.append(
                _("Loaner: {tag} · delivery address: {address}").format(
                    tag=item.loaner or "–", address=item.swap_address or "–"
                )
            )
        self.detail.setText("<br>".join(lines))
        self.buttons[FieldAction.LOANER_ISSUED].setEnabled(item.swap is not None)
        self.buttons[FieldAction.OLD_DEVICE_COLLECTED].setEnabled(item.swap is not None)
        for action in INCIDENT_ONLY_ACTIONS:  # no workaround clock on a change
            self.buttons[action].setEnabled(item.change is None)
        self.action_table.setRowCount(len(item.actions))
        for row, event in enumerate(reversed(item.actions)):
            device_at = event.data.get("device_at")
            seen = datetime.fromisoformat(device_at) if isinstance(device_at, str) else event.at
            sent = _("● not yet synced") if item.is_unsynced(event) else _("sent")
            when = self.zones.shown(seen, item.ticket.org, f"{SHORT}:%S")
            cells = (when, labels.event_type(event.type), sent)
            for column, text in enumerate(cells):
                self.action_table.setItem(row, column, QTableWidgetItem(text))
        self.action_table.resizeColumnsToContents()

    # --- the camera --------------------------------------------------------------------------
    def _camera_toggled(self, on: bool) -> None:
        if self.camera is None:
            from ui.camera_scanner import CameraScanner  # QtMultimedia only when used

            self.camera = CameraScanner(self)
            self.camera.decoded.connect(self.code_read)
            column, index = self._camera_place
            column.insertWidget(index, self.camera, 0, Qt.AlignmentFlag.AlignLeft)
        self.camera.setVisible(on)
        if on:
            self.camera.start()
        else:
            self.camera.stop()

    def hideEvent(self, event: QHideEvent) -> None:
        """The view closed: the camera goes off (and its light with it)."""
        self.camera_button.setChecked(False)
        super().hideEvent(event)

    def code_read(self, code: str) -> None:
        """A code the camera read goes into the scan field, as a scanner would type it."""
        self.scan.setText(code)
        self.message.setStyleSheet("")
        self.message.setText(_("Read by the camera: {code}").format(code=code))

    # --- actions -----------------------------------------------------------------------------
    def request_for(self, action: FieldAction) -> FieldRequest:
        productive_at = None
        if action is FieldAction.PRODUCTIVE_AGAIN:
            item = self.current_ticket()
            # The time typed is the contract's clock on the wall (what the employee says).
            now = self.zones.now(self.clock(), item.ticket.org if item else None)
            chosen = self.productive_time.time()
            productive_at = now.replace(
                hour=chosen.hour(), minute=chosen.minute(), second=0, microsecond=0
            )
        return FieldRequest(
            action,
            text=self.note.text(),
            asset_tag=self.scan.text() or None,
            confirmed_by=self.confirmed_by.text(),
            productive_at=productive_at,
            model=self.old_model.text(),
        )

    def act(self, action: FieldAction) -> None:
        item = self.current_ticket()
        if item is None:
            return
        request = self.request_for(action)
        store, user, now = self.store, self.user, self.clock()
        self.hub.run(
            lambda: record_field_action(store, item.id, request, user, now),
            self._done,
            self._failed,
        )

    def _done(self, events: Any) -> None:
        """Recorded; the broadcast that follows shows it and asks sync to send it."""
        self.message.setStyleSheet("")
        self.message.setText(_("Recorded — sent as soon as there is a connection."))
        self.note.clear()
        self.scan.clear()
        self.old_model.clear()
        self.recorded.emit(events)

    def _failed(self, exc: BaseException) -> None:
        self.message.setStyleSheet("color: #b3261e; font-weight: bold")
        self.message.setText(labels.error_text(exc))

    def take_work_along(self) -> None:
        """Sync once (when connected), then check the work packet of today's tickets."""
        store, user = self.store, self.user
        # The round runs in the sync process; this worker thread waits for its summary.
        sync = self.sync.round if self.sync is not None and self.sync.running else None
        self.readiness_label.setText(_("Fetching…"))
        run_in_background(
            lambda: take_work_along(store, user, sync, self.clock), self._ready, self._failed
        )

    def _ready(self, readiness: Readiness) -> None:
        self.readiness = readiness
        if readiness.complete:
            count = len(readiness.tickets)
            text = ngettext(
                "Complete: everything for {n} ticket is ready offline.",
                "Complete: everything for {n} tickets is ready offline.",
                count,
            ).format(n=count)
            style = "color: #1b6e20; font-weight: bold"
        else:
            parts = [f"{m.ticket}: {labels.field_missing(m.what)}" for m in readiness.missing]
            if not readiness.synced:
                parts.insert(0, _("no connection to the server"))
            text = _("Not complete — {parts}").format(parts="; ".join(parts))
            style = "color: #b3261e; font-weight: bold"
        self.readiness_label.setText(text)
        self.readiness_label.setStyleSheet(style)
        self.reload()

    def open_review(self) -> SyncIssuesDialog:
        dialog = SyncIssuesDialog(self.store, self.user, self)
        dialog.open()  # its choices reach this view through the change broadcast
        return dialog
