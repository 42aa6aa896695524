"""One ticket, the agent's workspace (Zammad's ticket zoom): a header that survives long
text, the conversation with the newest entry at the bottom and the clocks beside it, and
the actions of the agent's day (first response … close with a satisfaction score)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from halt_desk.changes import Changes
from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.mail_preview import published_wording
from halt_desk.desk.names import names_for
from halt_desk.desk.ticket_mail import TicketMail, request_resend, ticket_mails
from halt_desk.desk.ticket_story import StoryEntry, swap_streams, ticket_story
from halt_desk.domain.change_kpi import ChangeEvaluation, evaluate_change_events
from halt_desk.domain.clocks import ClockState, TicketEvaluation, evaluate
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.profiles import CLOCK_NAMES
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.i18n import N_, _
from halt_desk.store import Store, TicketView
from halt_desk.sync.signin import SyncTarget
from ui import labels
from ui.action_dialogs import DIALOGS, ask_content, confirm_again, is_second_first_response
from ui.assign_dialog import AssignDialog, KeyClaim
from ui.change_actions import ChangeActions, change_clock_rows, change_figures
from ui.changes import ChangeHub, follow_changes
from ui.contract_time import default_zone
from ui.edit_ticket_dialog import EditTicketDialog
from ui.elided_label import ElidedLabel
from ui.escalation_line import TicketEscalations
from ui.flow_layout import FlowLayout
from ui.mail_preview_dialog import MailPreviewDialog
from ui.text_limits import limit_text
from ui.ticket_timeline import TimelineView, story_html
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
#: Shortcuts of the other buttons: note, P1-uplift, close, assign, change.
NOTE_KEYS, UPLIFT_KEYS, CLOSE_KEYS = "Ctrl+M", "Ctrl+Shift+U", "Ctrl+Shift+C"
ASSIGN_KEYS, EDIT_KEYS = "Ctrl+A", "Ctrl+E"
#: Send one of the ticket's mails again (central queues a copy).
RESEND_KEYS = "Ctrl+Shift+E"
PREVIEW_KEYS = "Ctrl+Shift+M"


def shortcut_tip(button: QPushButton, keys: str) -> None:
    """The button's shortcut, pressed and named in its tooltip."""
    button.setShortcut(QKeySequence(keys))
    button.setToolTip(_("Shortcut: {keys}").format(keys=keys))


def _when(instant: datetime | None, tz: tzinfo | None = None) -> str:
    """Day and time in the contract's time zone (the one the clocks are agreed in)."""
    return instant.astimezone(tz or default_zone()).strftime("%d-%m %H:%M") if instant else ""


@dataclass(frozen=True, slots=True)
class TicketRead:
    """What the window shows of one ticket, read and worded off the UI thread."""

    ticket: TicketView | None
    evaluation: TicketEvaluation | None
    tz: tzinfo | None = None
    entries: tuple[StoryEntry, ...] = ()
    html: str = ""
    swaps: frozenset[str] = frozenset()
    caller: str = ""
    caller_line: str = ""
    place_line: str = ""
    assignee: str = ""
    #: A change ticket's own clocks (None: an incident).
    change: ChangeEvaluation | None = None


def read_ticket(store: Store, ticket_id: str, now: datetime) -> TicketRead:
    """The ticket, its clocks, and its timeline in words with every name looked up."""
    ticket = store.ticket(ticket_id)
    if ticket is None:
        return TicketRead(None, None)
    # Times are shown in the contract's time zone, the one its clocks are agreed in.
    contract = store.organisation_contract(ticket.org)
    tz = contract.calendar.tz
    names = names_for(store)
    events = store.events_for(f"ticket:{ticket_id}")
    swaps = swap_streams(ticket_id, events)
    linked = [e for found in store.events_for_streams(swaps).values() for e in found]
    entries = tuple(ticket_story(events, names, tz, linked))
    caller = names.employee(ticket.caller) if ticket.caller else ""
    record = names.employee_record(ticket.caller)
    contact = [str(record[key]) for key in ("phone", "email") if record.get(key)]
    place = [
        names.org(ticket.org),
        names.location(str(record.get("location") or "")),
        labels.channel(ticket.channel or ""),
        labels.category(ticket.category or ""),
    ]
    # The clocks through the same engine as `sla check`, on the events read above.
    evaluation = evaluate(contract, timeline_from_events(ticket.id, events), now)
    # A change has its own clocks (domain/change_kpi.py), the ones the report counts.
    change = evaluate_change_events(contract, events, now)
    return TicketRead(
        ticket,
        evaluation,
        tz,
        entries,
        story_html(entries),
        frozenset(s.partition(":")[2] for s in swaps),
        caller,
        " · ".join(part for part in (caller, *contact) if part),
        " · ".join(part for part in place if part),
        names.person(ticket.assignee) if ticket.assignee else "",
        change,
    )


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
        self.change: ChangeEvaluation | None = None
        self.tz: tzinfo | None = None
        self.caller_name = ""
        self.swaps: frozenset[str] = frozenset()
        self.setWindowTitle(_("Ticket {ticket}").format(ticket=ticket_id))
        self.resize(1100, 760)
        self._build_header()
        self._build_clocks()
        self._build_timeline()
        actions = self._build_actions()
        self.add_action(_("Link to notice… (Ctrl+Shift+K)"), self.open_link, "Ctrl+Shift+K")
        self.resend_button = self.add_action(_("E-mail again…"), self.open_resend, RESEND_KEYS)
        self.resend_dialog: QInputDialog | None = None
        #: Where central is (the main window's sync): the preview asks it for the
        #: organisation's own wording; None offline.
        self.sync_target: SyncTarget | None = None
        self.preview_button = self.add_action(
            _("E-mail preview…"), self.open_mail_preview, PREVIEW_KEYS
        )
        self.escalations = TicketEscalations(self, store, ticket_id, actor, clock, self.add_action)
        header_layout = self.header.layout()
        assert header_layout is not None
        header_layout.addWidget(self.escalations.line)
        self.change_actions = ChangeActions(
            self.add_action, self.act, self, lambda: self.clock().astimezone(self.tz).date()
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self._build_middle(), 1)
        layout.addWidget(self.note)
        if self.note_counter is not None:
            layout.addWidget(self.note_counter)
        layout.addWidget(self.message)
        layout.addWidget(actions)
        # Keyboard: the note first (type, then an action's shortcut), then the timeline to
        # read, the clocks, the action buttons.
        QWidget.setTabOrder(self.note, self.timeline)
        QWidget.setTabOrder(self.timeline, self.clocks)
        self.note.setFocus()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)
        follow_changes(self, self.hub, self._changes)
        self.reload()

    # --- building the dialog -----------------------------------------------------------------
    def _build_header(self) -> None:
        """Summary, caller with phone and e-mail, organisation and location, priority,
        status and assignee: one line each, elided (the whole text in the tooltip), so no
        text pushes the clocks or the timeline out of view."""
        self.header = QFrame()
        self.header.setAccessibleName(_("Ticket"))
        self.title = ElidedLabel()
        self.title.setAccessibleName(_("Summary"))
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.caller_line = ElidedLabel()
        self.caller_line.setAccessibleName(_("Caller"))
        self.place_line = ElidedLabel()
        self.place_line.setAccessibleName(_("Organisation"))
        self.priority_badge = QLabel()
        self.priority_badge.setAccessibleName(_("Priority"))
        self.status_badge = QLabel()
        self.status_badge.setAccessibleName(_("Status"))
        self.assignee_line = ElidedLabel()
        self.assignee_line.setAccessibleName(_("Assigned to"))
        badges = QHBoxLayout()
        badges.setContentsMargins(0, 0, 0, 0)
        badges.addWidget(self.priority_badge)
        badges.addWidget(self.status_badge)
        badges.addWidget(self.assignee_line, 1)
        column = QVBoxLayout(self.header)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        for line in (self.title, self.caller_line, self.place_line):
            column.addWidget(line)
        column.addLayout(badges)

    def _build_clocks(self) -> None:
        self.clocks = QTableWidget(len(CLOCK_NAMES), 4)
        self.clocks.setAccessibleName(_("Clocks"))
        self.clocks.setHorizontalHeaderLabels(
            [_("Clock"), _("Deadline"), _("Left / overdue"), _("State")]
        )
        self.clocks.verticalHeader().hide()
        header = self.clocks.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.clocks.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.clocks.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.clocks.setTabKeyNavigation(False)  # Tab moves on; arrows move in the table
        self.clocks.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fit_clock_rows(len(CLOCK_NAMES))
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.figures.setAccessibleName(_("MTTR and MTTP"))

    def _fit_clock_rows(self, count: int) -> None:
        """`count` rows, the table exactly as high as they are (no scroll bar)."""
        self.clocks.setRowCount(count)
        rows = self.clocks.verticalHeader().defaultSectionSize() * count
        self.clocks.setFixedHeight(rows + self.clocks.horizontalHeader().sizeHint().height() + 4)

    def _build_timeline(self) -> None:
        self.timeline = TimelineView()
        self.note = QLineEdit()
        self.note.setAccessibleName(_("Note with the action"))
        self.note.setPlaceholderText(_("Note (optional; required for 'Note')"))
        self.message = labels.error_label()
        self.note_counter = limit_text(self.note, "text", self.message)

    def _build_middle(self) -> QSplitter:
        """The conversation on the left, the clocks beside it (Zammad's ticket zoom)."""
        side = QWidget()
        panel = QVBoxLayout(side)
        panel.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(_("Clocks"))
        caption.setStyleSheet("font-weight: bold")
        panel.addWidget(caption)
        panel.addWidget(self.clocks)
        panel.addWidget(self.figures)
        panel.addStretch(1)
        side.setMinimumWidth(400)
        self.middle = QSplitter(Qt.Orientation.Horizontal)
        self.middle.addWidget(self.timeline)
        self.middle.addWidget(side)
        self.middle.setCollapsible(0, False)
        self.middle.setCollapsible(1, False)
        self.middle.setStretchFactor(0, 3)
        self.middle.setStretchFactor(1, 2)
        self.middle.setSizes([620, 440])
        return self.middle

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
        more = FlowLayout()  # wraps: the actions other parts add never widen the window
        self.comment_button = QPushButton(_("Note"))
        self.comment_button.clicked.connect(lambda: self.act(ActionRequest(Action.COMMENT)))
        self.uplift_button = QPushButton(_("P1 uplift…"))
        self.uplift_button.clicked.connect(self.open_uplift)
        self.close_button = QPushButton(_("Close with score…"))
        self.close_button.clicked.connect(self.close_ticket)
        self.assign_button = QPushButton(_("Assign… (Ctrl+A)"))
        self.assign_button.clicked.connect(self.open_assign)
        self.edit_button = QPushButton(_("Change… (Ctrl+E)"))
        self.edit_button.clicked.connect(self.open_edit)
        KeyClaim(self.note, "Ctrl+A", "Ctrl+E")  # the window's keys, also in the note field
        for button, keys in (
            (self.comment_button, NOTE_KEYS),
            (self.uplift_button, UPLIFT_KEYS),
            (self.close_button, CLOSE_KEYS),
            (self.assign_button, ASSIGN_KEYS),
            (self.edit_button, EDIT_KEYS),
        ):
            shortcut_tip(button, keys)
            more.addWidget(button)
            button.setAutoDefault(False)
        # Enter in the note field must never press an action by accident.
        for button in [*self.buttons.values(), self.comment_button, self.uplift_button]:
            button.setAutoDefault(False)
        self.close_button.setAutoDefault(False)
        grid.addLayout(more, (len(ACTIONS) + 4) // 5, 0, 1, 5)
        self.more_actions, self.action_grid = more, grid
        return actions

    def add_action(self, label: str, slot: Callable[[], object], shortcut: str = "") -> QPushButton:
        """One more button in the action row (after Note, P1 uplift…, Close…): the place
        where other actions (assign, edit, reopen, …) join the ticket window."""
        button = QPushButton(label)
        button.setAutoDefault(False)  # Enter in the note field never presses it
        if shortcut:
            button.setShortcut(QKeySequence(shortcut))
            button.setToolTip(shortcut)
        button.clicked.connect(lambda _ignored=False: slot())
        self.more_actions.addWidget(button)
        return button

    # --- data --------------------------------------------------------------------------------
    def _changes(self, changes: Changes) -> None:
        if changes.concerns_ticket(self.ticket_id) or not self.swaps.isdisjoint(changes.swaps):
            self.reload()

    def reload(self) -> None:
        store, ticket_id, now = self.store, self.ticket_id, self.clock()
        self._reads.run(lambda: read_ticket(store, ticket_id, now), self._show, self._failed)

    def _show(self, read: TicketRead) -> None:
        ticket, evaluation = read.ticket, read.evaluation
        self.ticket, self.evaluation, self.tz, self.swaps = ticket, evaluation, read.tz, read.swaps
        if ticket is None or evaluation is None:
            missing = _("Ticket {ticket} does not exist.")
            self.title.set_full_text(missing.format(ticket=self.ticket_id))
            return
        self.caller_name = read.caller
        self.title.set_full_text(f"{ticket.id} — {ticket.summary or ''}")
        self.caller_line.set_full_text(read.caller_line or _("Caller unknown"))
        self.place_line.set_full_text(read.place_line)
        self._show_badges(evaluation, read.assignee)
        self.change = read.change
        if read.change is None:
            self.figures.setText(self._figures(evaluation))
        else:
            self.figures.setText(change_figures(read.change, self.tz))
        self._fill_clocks()
        self.timeline.show_story(read.entries, read.html)
        closed = str(evaluation.status) == "closed"
        for button in [*self.buttons.values(), self.close_button,
                       self.assign_button, self.edit_button]:  # fmt: skip
            button.setEnabled(not closed)
        resolved = str(evaluation.status) == "resolved"
        self.buttons["Reopen"].setEnabled(resolved)
        self.buttons["Resolved"].setEnabled(not closed and not resolved)
        self.uplift_button.setEnabled(not closed and evaluation.priority != "P1")
        change = read.change
        change_type = change.change_type if change is not None else None
        implemented = change is not None and change.implemented_at is not None
        self.change_actions.show_for(change_type, closed, implemented)
        self.change_actions.fit_incident_actions(
            self.action_grid, self.buttons, self.uplift_button, change is not None
        )

    def _show_badges(self, evaluation: TicketEvaluation, assignee: str) -> None:
        colour = labels.PRIORITY_COLOURS.get(evaluation.priority)
        background = f"background: {colour.name()}; " if colour is not None else ""
        uplift = f" · {labels.uplift_label()}" if evaluation.uplift else ""
        self.priority_badge.setText(f"{evaluation.priority}{uplift}")
        self.priority_badge.setStyleSheet(
            f"{background}color: black; font-weight: bold; padding: 2px 8px; border-radius: 4px"
        )
        self.status_badge.setText(labels.status(str(evaluation.status)))
        self.status_badge.setStyleSheet(
            "padding: 2px 8px; border: 1px solid #999; border-radius: 4px"
        )
        who = _("Assigned to {name}").format(name=assignee) if assignee else _("Not assigned")
        self.assignee_line.set_full_text(who)

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
        if self.change is None:
            clocks = self.evaluation.clocks
            rows = [
                (labels.clock(name), clocks[name], _when(clocks[name].due, self.tz))
                for name in CLOCK_NAMES
            ]
        else:
            rows = change_clock_rows(self.change, self.tz)
        resized = self.clocks.rowCount() != len(rows)
        if resized:
            self._fit_clock_rows(len(rows))
        for row, (name, result, due) in enumerate(rows):
            running = result.state is ClockState.RUNNING
            countdown, colour = labels.countdown(result.due, now) if running else ("", None)
            state = labels.clock_state(str(result.state))
            if result.state is ClockState.MET:
                colour = labels.GREEN
            elif result.state is ClockState.BREACHED:
                colour, state = labels.RED, _("overdue")
            cells = (name, due, countdown, state)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if colour is not None and column >= 2:
                    item.setForeground(QBrush(colour))
                self.clocks.setItem(row, column, item)
        if resized and self.change is not None:  # a change's clock names may take two lines
            self.clocks.resizeRowsToContents()
            rows_height = sum(self.clocks.rowHeight(r) for r in range(len(rows)))
            header = self.clocks.horizontalHeader().sizeHint().height()
            self.clocks.setFixedHeight(rows_height + header + 4)

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

    def open_assign(self) -> AssignDialog:
        dialog = AssignDialog(self.store, self.ticket_id, self.actor, self.clock, self)
        dialog.assigned.connect(lambda _to: self.changed.emit(self.ticket_id))
        dialog.open()
        return dialog

    def open_link(self) -> QDialog | None:
        """Links this ticket to an open disruption notice of its organisation."""
        from ui.notices_window import LinkNoticeDialog

        if self.ticket is None:
            return None
        dialog = LinkNoticeDialog(
            self.store, self.ticket_id, self.ticket.org, self.actor, self.clock, self
        )
        dialog.recorded.connect(lambda _notice: self.changed.emit(self.ticket_id))
        dialog.open()
        return dialog

    def open_edit(self) -> EditTicketDialog:
        dialog = EditTicketDialog(self.store, self.ticket_id, self.actor, self.clock, self)
        dialog.saved.connect(lambda _ticket: self.changed.emit(self.ticket_id))
        dialog.open()
        return dialog

    def open_mail_preview(self) -> MailPreviewDialog:
        """What a mail of this ticket looks like (any kind, Dutch or English)."""
        target = self.sync_target
        wording = None if target is None else partial(published_wording, target)
        dialog = MailPreviewDialog(
            self.store, self.ticket_id, self.actor, self.clock, self, wording=wording
        )
        dialog.open()
        return dialog

    def open_resend(self) -> QInputDialog | None:
        """Chooses one of the ticket's mails (the undelivered first) to send again."""
        mails = ticket_mails(self.store.events_for(f"ticket:{self.ticket_id}"))
        if not mails:
            self.message.setText(_("No e-mail has been sent about this ticket."))
            return None
        dialog = QInputDialog(self)
        dialog.setWindowTitle(_("Send e-mail again"))
        dialog.setLabelText(_("Which e-mail should go out again?"))
        dialog.setComboBoxItems([mail.words() for mail in mails])
        dialog.setComboBoxEditable(False)
        dialog.textValueSelected.connect(lambda text: self._resend(mails, text))
        dialog.open()
        self.resend_dialog = dialog
        return dialog

    def _resend(self, mails: list[TicketMail], chosen: str) -> None:
        mail = next((m for m in mails if m.words() == chosen), None)
        if mail is None:
            return
        store, ticket_id, actor, now = self.store, self.ticket_id, self.actor, self.clock()
        self.hub.run(
            lambda: request_resend(store, ticket_id, mail.message_id, actor, now),
            self._done,
            self._failed,
        )

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
