"""One ticket: its clocks with due time, countdown and colour, the timeline of events, and
the actions of the agent's day (first response … close with a satisfaction score)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from halt_desk.changes import Changes
from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.board import evaluate_ticket
from halt_desk.domain.clocks import ClockState, TicketEvaluation
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import CLOCK_NAMES
from halt_desk.i18n import N_, _
from halt_desk.store import Store, TicketView
from ui import labels
from ui.action_dialogs import DIALOGS, ask_content, confirm_again, is_second_first_response
from ui.changes import ChangeHub, follow_changes
from ui.text_limits import limit_text
from ui.uplift_dialog import UpliftDialog
from ui.workers import LatestOnly

#: (label, action, extra fields, shortcut) of the action buttons, in the order of a ticket's life.
ACTIONS: tuple[tuple[str, Action, dict[str, Any], str], ...] = (
    (
        N_("First response (phone)"),
        Action.FIRST_RESPONSE,
        {"channel": "phone"},
        "Ctrl+1",
    ),
    (
        N_("First response (e-mail)"),
        Action.FIRST_RESPONSE,
        {"channel": "email"},
        "Ctrl+2",
    ),
    (N_("Status update"), Action.STATUS_UPDATE, {}, "Ctrl+U"),
    (N_("Waiting on user"), Action.WAITING_ON_USER, {}, "Ctrl+Shift+W"),
    (N_("Resume"), Action.RESUMED, {}, "Ctrl+Shift+H"),
    (
        N_("Request field engineer on site"),
        Action.ONSITE_REQUESTED,
        {},
        "Ctrl+Shift+O",
    ),
    (
        N_("Request device swap"),
        Action.SWAP_REQUESTED,
        {},
        "Ctrl+Shift+S",
    ),
    (N_("Workaround"), Action.WORKAROUND, {}, "Ctrl+Shift+N"),
    (N_("Productive again"), Action.PRODUCTIVE_AGAIN, {}, "Ctrl+Shift+P"),
    (N_("Resolved"), Action.RESOLVED, {}, "Ctrl+R"),
    # Ctrl+H (heropenen): Ctrl+Shift+R is the main window's monthly report
    (N_("Reopen"), Action.REOPENED, {}, "Ctrl+H"),
)
#: Shortcuts of the other buttons: note, P1-uplift, close.
NOTE_KEYS, UPLIFT_KEYS, CLOSE_KEYS = "Ctrl+M", "Ctrl+Shift+U", "Ctrl+Shift+C"


def shortcut_tip(button: QPushButton, keys: str) -> None:
    """The button's shortcut, pressed and named in its tooltip."""
    button.setShortcut(QKeySequence(keys))
    button.setToolTip(_("Shortcut: {keys}").format(keys=keys))


def _when(instant: datetime | None, tz: tzinfo | None = None) -> str:
    """Day and time in the contract's time zone (the one the clocks are agreed in)."""
    return instant.astimezone(tz).strftime("%d-%m %H:%M") if instant else ""


#: The fields of an event's data worth a word in the timeline (the header shows the others,
#: or they are bookkeeping such as `device_at`), with their names and how to word values.
_FIELDS: dict[str, tuple[str, Callable[[str], str]]] = {
    "summary": (N_("summary"), str),
    "channel": (N_("channel"), labels.channel),
    "category": (N_("category"), labels.category),
    "impact": (N_("impact"), labels.impact),
    "urgency": (N_("urgency"), labels.urgency),
    "priority": (N_("priority"), str),
    "to": (N_("to"), str),
    "score": (N_("score"), str),
    "confirmed_by": (N_("confirmed by"), str),
    "role_type": (N_("role"), labels.role_type),
    "motivation": (N_("motivation"), str),
}


def _details(event: Event) -> str:
    """The event's data as a short line: its text first, then the fields worth a word."""
    data = event.data
    # the content: a note or what was told, the resolution, the reason of a reopen
    parts = [str(data[key]) for key in ("text", "resolution", "reason") if data.get(key)]
    parts += [
        f"{_(name)}: {word(str(data[key]))}"
        for key, (name, word) in _FIELDS.items()
        if data.get(key) not in (None, "", [])
    ]
    return " · ".join(parts)


class TicketDialog(QDialog):
    """Emits `changed(ticket_id)` after every recorded action."""

    changed = Signal(str)

    def __init__(
        self,
        store: Store,
        ticket_id: str,
        actor: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
        hub: ChangeHub | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.ticket_id, self.actor, self.clock = store, ticket_id, actor, clock
        self.hub = hub or ChangeHub.of(store)
        self._reads = LatestOnly()
        self.ticket: TicketView | None = None
        self.evaluation: TicketEvaluation | None = None
        self.tz: tzinfo | None = None
        self.caller_name = ""
        self.setWindowTitle(_("Ticket {ticket}").format(ticket=ticket_id))
        self.resize(980, 680)
        self._build_clocks()
        self._build_timeline()
        actions = self._build_actions()
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.clocks)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.note)
        if self.note_counter is not None:
            layout.addWidget(self.note_counter)
        layout.addWidget(self.message)
        layout.addWidget(actions)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)
        follow_changes(self, self.hub, self._changes)
        self.reload()

    # --- building the dialog -----------------------------------------------------------------
    def _build_clocks(self) -> None:
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setAccessibleName(_("Ticket"))
        self.clocks = QTableWidget(len(CLOCK_NAMES), 4)
        self.clocks.setAccessibleName(_("Clocks"))
        self.clocks.setHorizontalHeaderLabels(
            [_("Clock"), _("Deadline"), _("Left / overdue"), _("State")]
        )
        self.clocks.verticalHeader().hide()
        self.clocks.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.clocks.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.clocks.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = self.clocks.verticalHeader().defaultSectionSize() * len(CLOCK_NAMES)
        self.clocks.setFixedHeight(rows + self.clocks.horizontalHeader().sizeHint().height() + 4)

    def _build_timeline(self) -> None:
        self.timeline = QTableWidget(0, 4)
        self.timeline.setAccessibleName(_("Timeline"))
        self.timeline.setHorizontalHeaderLabels([_("Time"), _("Event"), _("By"), _("Details")])
        self.timeline.verticalHeader().hide()
        self.timeline.horizontalHeader().setStretchLastSection(True)
        self.timeline.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.note = QLineEdit()
        self.note.setAccessibleName(_("Note with the action"))
        self.note.setPlaceholderText(_("Note (optional; required for 'Note')"))
        self.message = labels.error_label()
        self.note_counter = limit_text(self.note, "text", self.message)

    def _build_actions(self) -> QGroupBox:
        actions = QGroupBox(_("Actions"))
        grid = QGridLayout(actions)
        self.buttons: dict[str, QPushButton] = {}
        for n, (label, action, extra, shortcut) in enumerate(ACTIONS):
            button = QPushButton(_(label))
            if shortcut:
                shortcut_tip(button, shortcut)
            button.clicked.connect(
                lambda _ignored=False, a=action, x=extra: self.act(ActionRequest(a, **x))
            )
            grid.addWidget(button, n // 5, n % 5)
            self.buttons[label] = button  # by message id (English), whatever the language
        more = QHBoxLayout()
        self.comment_button = QPushButton(_("Note"))
        self.comment_button.clicked.connect(lambda: self.act(ActionRequest(Action.COMMENT)))
        self.uplift_button = QPushButton(_("P1 uplift…"))
        self.uplift_button.clicked.connect(self.open_uplift)
        self.close_button = QPushButton(_("Close with score…"))
        self.close_button.clicked.connect(self.close_ticket)
        for button, keys in (
            (self.comment_button, NOTE_KEYS),
            (self.uplift_button, UPLIFT_KEYS),
            (self.close_button, CLOSE_KEYS),
        ):
            shortcut_tip(button, keys)
            more.addWidget(button)
        # Enter in the note field must never press an action by accident.
        for button in [*self.buttons.values(), self.comment_button, self.uplift_button]:
            button.setAutoDefault(False)
        self.close_button.setAutoDefault(False)
        more.addStretch()
        grid.addLayout(more, (len(ACTIONS) + 4) // 5, 0, 1, 5)
        return actions

    # --- data --------------------------------------------------------------------------------
    def _changes(self, changes: Changes) -> None:
        if changes.concerns_ticket(self.ticket_id):
            self.reload()

    def reload(self) -> None:
        store, ticket_id, now = self.store, self.ticket_id, self.clock()

        def load() -> tuple[TicketView | None, TicketEvaluation | None, list[Event]]:
            ticket = store.ticket(ticket_id)
            if ticket is None:
                return None, None, []
            # Times are shown in the contract's time zone, the one its clocks are agreed in.
            self.tz = store.organisation_contract(ticket.org).calendar.tz
            caller = store.reference(f"employee:{ticket.caller}") if ticket.caller else None
            self.caller_name = str(caller.get("name")) if caller else (ticket.caller or "")
            events = store.events_for(f"ticket:{ticket_id}")
            return ticket, evaluate_ticket(store, ticket, now), events

        self._reads.run(load, self._show, self._failed)

    def _show(self, loaded: tuple[TicketView | None, TicketEvaluation | None, list[Event]]) -> None:
        ticket, evaluation, events = loaded
        self.ticket, self.evaluation = ticket, evaluation
        if ticket is None or evaluation is None:
            missing = _("Ticket {ticket} does not exist.")
            self.header.setText(missing.format(ticket=self.ticket_id))
            return
        uplift = f" · <b>{labels.uplift_label()}</b>" if evaluation.uplift else ""
        self.header.setText(
            f"<h2>{ticket.id} — {ticket.summary or ''}</h2>"
            f"{ticket.org} · {self.caller_name} · {labels.channel(ticket.channel or '')} · "
            f"<b>{evaluation.priority}</b>{uplift} · {labels.status(str(evaluation.status))}"
            f"<br>{self._figures(evaluation)}"
        )
        self._fill_clocks()
        self.timeline.setRowCount(len(events))
        for row, event in enumerate(events):
            cells = (_when(event.at, self.tz), labels.event_type(event.type), event.actor,
                     _details(event))  # fmt: skip
            for column, text in enumerate(cells):
                self.timeline.setItem(row, column, QTableWidgetItem(text))
        self.timeline.resizeColumnsToContents()
        closed = str(evaluation.status) == "closed"
        for button in [*self.buttons.values(), self.close_button]:
            button.setEnabled(not closed)
        resolved = str(evaluation.status) == "resolved"
        self.buttons["Reopen"].setEnabled(resolved)
        self.buttons["Resolved"].setEnabled(not closed and not resolved)
        self.uplift_button.setEnabled(not closed and evaluation.priority != "P1")

    def _figures(self, evaluation: TicketEvaluation) -> str:
        """MTTR and MTTP of the ticket (business hours; MTTP also wall clock), the figures
        `halt-desk sla check` prints; "–" until the ticket has them."""

        english = labels.is_english()

        def hours(minutes: int | None) -> str:
            if minutes is None:
                return "–"
            text = f"{minutes / 60:.1f}"
            return _("{hours} h").format(hours=text if english else text.replace(".", ","))

        return _("MTTR {mttr} · MTTP {mttp} (wall clock {wall})").format(
            mttr=hours(evaluation.mttr_business_minutes),
            mttp=hours(evaluation.mttp_business_minutes),
            wall=hours(evaluation.mttp_wall_minutes),
        )

    def _fill_clocks(self) -> None:
        if self.evaluation is None:
            return
        now = self.clock()
        for row, name in enumerate(CLOCK_NAMES):
            result = self.evaluation.clocks[name]
            running = result.state is ClockState.RUNNING
            countdown, colour = labels.countdown(result.due, now) if running else ("", None)
            state = labels.clock_state(str(result.state))
            if result.state is ClockState.MET:
                colour = labels.GREEN
            elif result.state is ClockState.BREACHED:
                colour, state = labels.RED, _("overdue")
            cells = (labels.clock(name), _when(result.due, self.tz), countdown, state)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if colour is not None and column >= 2:
                    item.setForeground(QBrush(colour))
                self.clocks.setItem(row, column, item)

    def _tick(self) -> None:
        self._fill_clocks()

    # --- actions -----------------------------------------------------------------------------
    def act(self, request: ActionRequest) -> None:
        if request.action in DIALOGS and not request.text:
            self.content_dialog = ask_content(self, request.action, self.note.text())
            return
        note = self.note.text()
        if note.strip():
            request = ActionRequest(
                request.action, request.channel, note, request.score, request.to, request.extra
            )
        self.message.setText("")
        self.pending = request
        self.record(request, self._done, self._failed)

    def record(
        self,
        request: ActionRequest,
        on_done: Callable[[object], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Records `request` on a worker thread (the core checks it); then one of the two."""
        store, ticket_id, actor, now = self.store, self.ticket_id, self.actor, self.clock()
        self.hub.run(
            lambda: record_action(store, ticket_id, request, actor, now), on_done, on_error
        )

    def close_ticket(self) -> None:
        score, ok = QInputDialog.getInt(
            self, _("Close"), _("Caller's satisfaction (1–10):"), 8, 1, 10
        )
        if ok:
            self.act(ActionRequest(Action.CLOSED, score=score))

    def open_uplift(self) -> None:
        dialog = UpliftDialog(self.store, self.ticket_id, self.actor, self.clock, self)
        dialog.decided.connect(lambda _ignored: self._done([]))
        dialog.open()

    def _done(self, _ignored: object) -> None:
        """Recorded: the broadcast that follows reads the ticket again (here too)."""
        self.note.clear()
        self.changed.emit(self.ticket_id)

    def _failed(self, exc: BaseException) -> None:
        if is_second_first_response(exc) and isinstance(exc, DeskInputError):
            self.question = confirm_again(self, exc, self.pending)
        elif isinstance(exc, DeskInputError):
            self.message.setText(labels.error_text(exc))
        else:
            QMessageBox.warning(self, _("Did not work"), labels.error_text(exc))
