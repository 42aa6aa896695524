"""Editing a ticket after intake: summary, caller, category, impact and urgency, and the
priority, with a required reason. What will be recorded is shown before saving, above all
a priority the contract's matrix gives for new answers (which the agent may keep)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from halt_desk.desk.edit import EditPlan, EditState, TicketEdit, edit_state, plan_edit, record_edit
from halt_desk.desk.intake import CallerDirectory, EmployeeMatch
from halt_desk.domain.errors import DeskInputError
from halt_desk.i18n import _
from halt_desk.store import Store
from ui import labels
from ui.changes import ChangeHub
from ui.text_limits import limit_field, limit_text
from ui.workers import run_in_background

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class EditTicketDialog(QDialog):
    """Emits `saved(ticket_id)` once the edit is recorded."""

    saved = Signal(str)

    def __init__(
        self,
        store: Store,
        ticket_id: str,
        actor: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.ticket_id, self.actor, self.clock = store, ticket_id, actor, clock
        self.state: EditState | None = None
        self.directory = CallerDirectory([])
        self.caller: EmployeeMatch | None = None
        self.loaded = False
        self._saving = False
        self._priority_chosen = False  # the agent picked a priority: the matrix stops leading
        self._matches: list[EmployeeMatch] = []
        self.setWindowTitle(_("Change ticket {ticket}").format(ticket=ticket_id))
        self.setMinimumWidth(600)
        self._build_fields()
        self._build_form()
        self._load()

    # --- building ----------------------------------------------------------------------------
    def _build_fields(self) -> None:
        self.summary = QLineEdit()
        self.summary.setAccessibleName(_("Summary"))
        self.summary_note = limit_field(self.summary, "summary")
        self.caller_edit = QLineEdit()
        self.caller_edit.setAccessibleName(_("Caller"))
        self.caller_edit.setPlaceholderText(_("Name, e-mail address or phone number"))
        limit_text(self.caller_edit, "caller")  # a look-up, not free text: no counter
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.caller_edit.setCompleter(completer)
        completer.activated[str].connect(self._caller_chosen)  # type: ignore[index]
        self.caller_edit.textEdited.connect(self._lookup)
        self.caller_edit.textEdited.connect(self._update)
        self.caller_edit.editingFinished.connect(self._caller_typed)
        self.category = self._combo(_("Category"))
        self.impact = self._combo(_("Impact"))
        self.urgency = self._combo(_("Urgency"))
        self.priority = self._combo(_("Priority"))
        self.keep = QCheckBox(_("Keep the priority (the reason below says why)"))
        self.keep.setAccessibleName(_("Keep the priority"))
        self.keep.setEnabled(False)
        self.preview = QLabel()
        self.preview.setAccessibleName(_("What will be recorded"))
        self.preview.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setAccessibleName(_("Reason for the change"))
        self.reason.setPlaceholderText(_("Why does this change? (required)"))
        self.reason_note = limit_field(self.reason, "reason")
        self.error = labels.error_label()
        self.error.setAccessibleName(_("Error"))
        for widget in (self.summary, self.reason):
            widget.textChanged.connect(self._update)
        for combo in (self.category, self.impact, self.urgency):
            combo.currentIndexChanged.connect(self._update)
        self.priority.activated.connect(self._priority_picked)
        self.keep.toggled.connect(self._update)

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        return combo

    def _build_form(self) -> None:
        self.header = QLabel(_("Loading…"))
        self.header.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("&Summary"), self.summary)
        form.addRow("", self.summary_note)
        form.addRow(_("&Caller"), self.caller_edit)
        form.addRow(_("C&ategory"), self.category)
        form.addRow(_("&Impact"), self.impact)
        form.addRow(_("&Urgency"), self.urgency)
        form.addRow(_("&Priority"), self.priority)
        form.addRow("", self.keep)
        form.addRow(_("&Reason for the change"), self.reason)
        form.addRow("", self.reason_note)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setAutoDefault(False)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    # --- data --------------------------------------------------------------------------------
    def _load(self) -> None:
        store, ticket_id = self.store, self.ticket_id

        def load() -> tuple[EditState, CallerDirectory]:
            state = edit_state(store, ticket_id)
            employees = CallerDirectory.load(store).employees
            colleagues = [e for e in employees if e.org == state.ticket.org]
            return state, CallerDirectory(colleagues)

        run_in_background(load, self._loaded, self._failed)

    def _loaded(self, loaded: tuple[EditState, CallerDirectory]) -> None:
        self.state, self.directory = loaded
        state, fields = self.state, self.state.fields
        profile = state.profile
        self.header.setText(
            _("Ticket {ticket} · priority now {priority}").format(
                ticket=state.ticket.id, priority=state.priority
            )
        )
        self.summary.setText(fields.summary or "")
        caller = self.directory.get(fields.caller) if fields.caller else None
        self.caller = caller
        self.caller_edit.setText(self._describe(caller) if caller else (fields.caller or ""))
        self._fill(self.category, profile.categories, labels.category, fields.category)
        self._fill(self.impact, profile.impacts, labels.impact, fields.impact)
        self._fill(self.urgency, profile.urgencies, labels.urgency, fields.urgency)
        self._fill(self.priority, profile.priorities, str, state.priority)
        self.loaded = True
        self._update()
        self.summary.setFocus()
        self.summary.selectAll()

    @staticmethod
    def _fill(
        combo: QComboBox, codes: tuple[str, ...], word: Callable[[str], str], now: str | None
    ) -> None:
        combo.blockSignals(True)
        combo.clear()
        if now is None or now not in codes:
            combo.addItem(_("— choose —"), None)
        for code in codes:
            combo.addItem(word(code), code)
        combo.setCurrentIndex(max(combo.findData(now), 0) if now is not None else 0)
        combo.blockSignals(False)

    # --- caller ------------------------------------------------------------------------------
    @staticmethod
    def _describe(match: EmployeeMatch) -> str:
        contact = match.email or match.phone or ""
        return f"{match.name} — {contact}" if contact else match.name

    def _lookup(self, text: str) -> None:
        self._matches = self.directory.find(text, 20)
        self._completions.setStringList([self._describe(m) for m in self._matches])

    def _caller_chosen(self, text: str) -> None:
        match = next((m for m in self._matches if self._describe(m) == text), None)
        if match is not None:
            self.caller = match
            self.caller_edit.setText(self._describe(match))
            self._update()

    def _caller_typed(self) -> None:
        if self.caller is not None and self.caller_edit.text() == self._describe(self.caller):
            return
        matches = self.directory.find(self.caller_edit.text(), 2)
        self.caller = matches[0] if len(matches) == 1 else None
        if self.caller is not None:
            self.caller_edit.setText(self._describe(self.caller))
        self._update()

    # --- what would be recorded --------------------------------------------------------------
    def _priority_picked(self) -> None:
        self._priority_chosen = True
        self._update()

    def resolved_caller(self) -> EmployeeMatch | None:
        """The caller the field names: the one chosen, or the only match of what is typed
        (also when the field is left with Tab while its completion list is open)."""
        text = self.caller_edit.text()
        if self.caller is not None and text == self._describe(self.caller):
            return self.caller
        matches = self.directory.find(text, 2)
        return matches[0] if len(matches) == 1 else None

    def edit(self) -> TicketEdit:
        caller = self.resolved_caller()
        changes = {
            "summary": self.summary.text(),
            "caller": caller.id if caller is not None else "",
            "category": self.category.currentData() or "",
            "impact": self.impact.currentData() or "",
            "urgency": self.urgency.currentData() or "",
        }
        return TicketEdit(
            changes,  # unchanged fields drop out; a caller not chosen from the list is refused
            self.reason.text(),
            self.priority.currentData() if self._priority_chosen else None,
            self.keep.isChecked(),
        )

    def _caller_org(self, employee_id: str) -> str | None:
        found = self.directory.get(employee_id)
        return found.org if found is not None else None

    def plan(self) -> EditPlan:
        """What saving would record now (DeskInputError if it cannot be recorded)."""
        if self.state is None:
            raise RuntimeError("the ticket is still loading")
        return plan_edit(self.state, self.edit(), self._caller_org)

    def _update(self) -> None:
        state = self.state
        if state is None:
            return
        edit = self.edit()
        try:
            suggestion = plan_edit(state, TicketEdit(edit.changes, "reden"), self._caller_org)
            suggested = suggestion.suggested
        except DeskInputError:
            suggested = None
        moves = suggested is not None and suggested != state.priority
        self.keep.setEnabled(moves and not self._priority_chosen)
        if not self._priority_chosen:
            follow = suggested if moves and not self.keep.isChecked() else state.priority
            self.priority.setCurrentIndex(max(self.priority.findData(follow), 0))
        self.preview.setText(self._preview_text(state, suggested))
        changing = self.priority.currentData() != state.priority
        self.preview.setStyleSheet("font-weight: bold" if changing or moves else "")

    def _preview_text(self, state: EditState, suggested: str | None) -> str:
        chosen = self.priority.currentData()
        if chosen != state.priority:
            if suggested is not None and chosen == suggested:
                text = _(
                    "The priority changes from {old} to {new}, as the contract's matrix gives "
                    "for this impact and urgency; the clocks follow it."
                )
            else:
                text = _("The priority changes from {old} to {new}; the clocks follow it.")
            return text.format(old=state.priority, new=chosen)
        if suggested is not None and suggested != state.priority:
            text = _("The matrix gives {suggested}; the priority stays {priority}.")
            return text.format(suggested=suggested, priority=state.priority)
        return _("The priority stays {priority}.").format(priority=state.priority)

    # --- keyboard and saving -----------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter moves to the next field and saves on the reason; Escape cancels."""
        if event.key() in _ENTER:
            if self.focusWidget() is self.reason:
                self.save()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)

    def save(self) -> None:
        if self._saving or self.state is None:
            return
        self.error.setText("")
        try:
            self.plan()  # the form's own check first: nothing leaves the window if it fails
        except DeskInputError as error:
            self.show_error(error)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        store, ticket_id, edit, actor, now = (
            self.store, self.ticket_id, self.edit(), self.actor, self.clock()
        )  # fmt: skip
        ChangeHub.of(store).run(
            lambda: record_edit(store, ticket_id, edit, actor, now), self._saved, self._failed
        )

    def show_error(self, error: DeskInputError) -> None:
        self.error.setText(labels.error_text(error))
        target = {
            "summary": self.summary,
            "caller": self.caller_edit,
            "category": self.category,
            "impact": self.impact,
            "urgency": self.urgency,
            "priority": self.priority,
            "reason": self.reason,
            "changes": self.summary,
        }.get(error.field)
        if target is not None:
            target.setFocus()

    def _saved(self, _events: object) -> None:
        self._saving = False
        self.accept()
        self.saved.emit(self.ticket_id)

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, DeskInputError):
            self.show_error(exc)
        else:
            self.error.setText(_("Saving failed: {error}").format(error=labels.error_text(exc)))
