"""The recording dialogs of the escalation register (issue 23): register (or accept a
suggestion), change the level, informed, the formal recovery request, a meeting, a weekly
update, an action and its status, closing, and dismissing a suggestion. Each is a
`RecordingDialog`: it records once, closes when recorded and shows the domain's refusal
in words in the dialog (nothing recorded).

Keyboard: the first field has the focus; every field has an Alt-mnemonic; Ctrl+Enter
records, Escape cancels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from halt_desk.desk.escalation_register import (
    accept_suggestion,
    dismiss_suggestion,
    record_escalation_event,
    register_escalation,
)
from halt_desk.desk.escalation_view import breaches_of, ticket_numbers
from halt_desk.desk.escalation_words import (
    ACTION_STATUS_WORDS,
    CLASSIFICATION_WORDS,
    INFORMED_WORDS,
    breach_words,
    escalation_number,
    refusal_text,
    word,
)
from halt_desk.desk.staff import StaffDirectory
from halt_desk.domain.escalations import LEVELS, EscalationState, Status
from halt_desk.i18n import N_, _
from halt_desk.store import Store
from ui.contract_time import default_zone
from ui.recording_dialog import RecordingDialog, record_keys
from ui.workers import run_in_background

F = TypeVar("F", bound=QWidget)


def _text_edit(name: str, height: int = 90) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)  # Tab moves on; Enter starts a new line
    edit.setAccessibleName(name)
    edit.setMinimumHeight(height)
    return edit


def _choice(items: Iterable[tuple[str, object]], chosen: object = None) -> QComboBox:
    """A list of (text, data) to choose from, at `chosen` (a data) when it is there."""
    box = QComboBox()
    for text, data in items:
        box.addItem(text, data)
    if chosen is not None and box.findData(chosen) >= 0:
        box.setCurrentIndex(box.findData(chosen))
    return box


def _levels(chosen: str | None = None) -> QComboBox:
    return _choice(((level, level) for level in LEVELS), chosen)


class EscalationDialog(RecordingDialog):
    """The frame of every register dialog: a title with the escalation number, a form,
    the refusal line and Record/Cancel. Subclasses add rows and implement `work()`."""

    def __init__(
        self,
        store: Store,
        actor: str,
        title: str,
        orgs: Mapping[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.orgs = store, actor, dict(orgs)
        self.wording = lambda exc: refusal_text(exc, self.orgs)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.form = QFormLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        self.buttons = record_keys(self, self.submit)
        layout.addWidget(self.buttons)

    def row(self, label: str, field: F) -> F:
        """A form row whose label's Alt-letter goes to `field`; Tab goes from the rows, in
        their order, to Record and Cancel last."""
        caption = QLabel(label)
        caption.setBuddy(field)
        self.form.addRow(caption, field)
        before: QWidget = field
        for button in self.buttons.buttons():
            QWidget.setTabOrder(before, button)
            before = button
        if not field.accessibleName():
            field.setAccessibleName(label.replace("&", "").rstrip(":"))
        return field

    def work(self) -> Callable[[], Any]:  # pragma: no cover - every subclass has its own
        raise NotImplementedError

    def submit(self) -> None:
        self.record(self.store, self.work())


class EventDialog(EscalationDialog):
    """A dialog that records one event (`event_type`) on an escalation. All are built the
    same way, `(store, state, actor, orgs, clock, parent)`: the window title is `title`
    (marked with `N_`; `{escalation}` is its number, `{date}` the day it was suggested),
    `build()` adds the rows and returns the field that has the focus, and `data()` is
    what is recorded."""

    event_type = ""
    title = ""

    def __init__(
        self,
        store: Store,
        state: EscalationState,
        actor: str,
        orgs: Mapping[str, str],
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        number = escalation_number(state.id, state.status is Status.SUGGESTED)
        title = _(self.title).format(escalation=number, date=_suggested_on(state))
        super().__init__(store, actor, title, orgs, parent)
        self.state, self.clock = state, clock
        self.build().setFocus()

    def build(self) -> QWidget:  # pragma: no cover - every subclass has its own
        raise NotImplementedError

    def data(self) -> dict[str, Any]:  # pragma: no cover - every subclass has its own
        raise NotImplementedError

    def work(self) -> Callable[[], Any]:
        store, key, kind, actor, data = (
            self.store,
            self.state.id,
            self.event_type,
            self.actor,
            self.data(),
        )
        return lambda: record_escalation_event(store, key, kind, actor, data)


class RegisterDialog(EscalationDialog):
    """A new escalation (organisation, provider, description, classification, level,
    tickets and the breached norms they bring), or a suggestion accepted (its
    organisation, tickets and breaches as the suggestion found them)."""

    def __init__(
        self,
        store: Store,
        actor: str,
        orgs: Mapping[str, str],
        clock: Callable[[], datetime],
        *,
        ticket: str | None = None,
        org: str | None = None,
        suggestion: EscalationState | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = (
            _("Accept the suggestion of {date}").format(date=_suggested_on(suggestion))
            if suggestion is not None
            else _("New escalation")
        )
        super().__init__(store, actor, title, orgs, parent)
        self.clock, self.suggestion = clock, suggestion
        names = sorted(self.orgs.items(), key=lambda item: item[1])
        chosen = suggestion.org if suggestion is not None else org
        self.org = self.row(_("&Organisation:"), _choice(((n, k) for k, n in names), chosen))
        self.org.setEnabled(suggestion is None)
        self.supplier = self.row(_("&Provider:"), QLineEdit())
        self.description = self.row(_("&Description:"), _text_edit(_("Description"), 70))
        classifications = ((_(text), code) for code, text in CLASSIFICATION_WORDS.items())
        self.classification = self.row(_("C&lassification:"), _choice(classifications))
        suggested = suggestion.suggested_level if suggestion is not None else None
        self.level = self.row(_("Le&vel:"), _levels(suggested or None))
        self.tickets = self.row(_("&Tickets:"), QLineEdit())
        self.tickets.setPlaceholderText(_("Ticket numbers, separated by commas"))
        self.breaches = QListWidget()
        self.breaches.setMaximumHeight(90)
        self.breaches.setAccessibleName(_("Breached norms"))
        self.row(_("&Breached norms:"), self.breaches)
        if suggestion is not None:
            self.tickets.setText(", ".join(suggestion.evidence.get("tickets", ())))
            self.tickets.setReadOnly(True)
            self._show_breaches(list(suggestion.evidence.get("breaches", ())), checkable=False)
        else:
            self.tickets.setText(ticket or "")
            self.tickets.editingFinished.connect(self._find_breaches)
            self._find_breaches()
        (self.supplier if suggestion is not None else self.org).setFocus()

    def _find_breaches(self) -> None:
        store, text, now = self.store, self.tickets.text(), self.clock()

        def find() -> list[str]:
            try:
                return breaches_of(store, ticket_numbers(store, text), now)
            except Exception:  # a number not (yet) right: no norms until it is
                return []

        run_in_background(find, lambda found: self._show_breaches(found, checkable=True))

    def _show_breaches(self, breaches: list[str], checkable: bool) -> None:
        self.breaches.clear()
        for breach in breaches:
            item = QListWidgetItem(breach_words(breach))
            item.setData(Qt.ItemDataRole.UserRole, breach)
            if checkable:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
            self.breaches.addItem(item)
        if not breaches:
            self.breaches.addItem(_("No breached norms on these tickets"))

    def chosen_breaches(self) -> list[str]:
        found = []
        for row in range(self.breaches.count()):
            item = self.breaches.item(row)
            breach = item.data(Qt.ItemDataRole.UserRole)
            checked = item.checkState() == Qt.CheckState.Checked
            if breach and (checked or self.suggestion is not None):
                found.append(str(breach))
        return found

    def work(self) -> Callable[[], Any]:
        store, actor = self.store, self.actor
        supplier, description = self.supplier.text(), self.description.toPlainText()
        classification = str(self.classification.currentData())
        level = str(self.level.currentData())
        suggestion = self.suggestion
        if suggestion is not None:
            return lambda: accept_suggestion(
                store,
                suggestion.id,
                actor,
                supplier=supplier,
                description=description,
                classification=classification,
                level=level,
            )
        org, text, breaches = (
            str(self.org.currentData() or ""),
            self.tickets.text(),
            self.chosen_breaches(),
        )

        def register() -> str:
            data = {
                "org": org,
                "supplier": supplier,
                "description": description,
                "classification": classification,
                "level": level,
                "tickets": ticket_numbers(store, text),
                "breaches": breaches,
            }
            return register_escalation(store, actor, data)

        return register


class LevelDialog(EventDialog):
    event_type = "escalation_level_changed"
    title = N_("Change level · {escalation}")

    def build(self) -> QWidget:
        current = LEVELS.index(self.state.level or "N1")
        self.form.addRow(_("Now:"), QLabel(self.state.level or ""))
        self.level = self.row(_("&New level:"), _levels(LEVELS[min(current + 1, len(LEVELS) - 1)]))
        self.reason = self.row(_("&Reason:"), _text_edit(_("Reason"), 70))
        return self.level

    def data(self) -> dict[str, Any]:
        return {"level": self.level.currentData(), "reason": self.reason.toPlainText()}


class InformedDialog(EventDialog):
    event_type = "escalation_informed"
    title = N_("Informed · {escalation}")

    def build(self) -> QWidget:
        missing = self.state.missing_informed()
        ordered = [*missing, *(w for w in INFORMED_WORDS if w not in missing)]
        who = _choice((word(INFORMED_WORDS, who), who) for who in ordered)
        self.who = self.row(_("&Who was informed:"), who)
        return self.who

    def data(self) -> dict[str, Any]:
        return {"who": self.who.currentData()}


class RequestDialog(EventDialog):
    event_type = "escalation_request_sent"
    title = N_("Formal recovery request · {escalation}")

    def build(self) -> QWidget:
        text = _text_edit(_("What was asked of the provider (optional)"))
        self.text = self.row(_("&What was asked (optional):"), text)
        return self.text

    def data(self) -> dict[str, Any]:
        text = self.text.toPlainText().strip()
        return {"text": text} if text else {}


class TextDialog(EventDialog):
    """One text (under `key`): the notes of a meeting with the provider, or the weekly
    update; `name` is the field's accessible name, `prompt` its label."""

    key = name = prompt = ""

    def build(self) -> QWidget:
        self.text = self.row(_(self.prompt), _text_edit(_(self.name), 110))
        return self.text

    def data(self) -> dict[str, Any]:
        return {self.key: self.text.toPlainText()}


class MeetingDialog(TextDialog):
    event_type, key = "escalation_meeting_held", "notes"
    title = N_("Meeting held · {escalation}")
    name, prompt = N_("Notes"), N_("&Notes of the meeting:")


class UpdateDialog(TextDialog):
    event_type, key = "escalation_update", "text"
    title = N_("Weekly update · {escalation}")
    name, prompt = N_("Update"), N_("&What is the state of affairs?")


class ActionDialog(EventDialog):
    """A corrective action: what, who owns it (a colleague, or a name typed), due date."""

    event_type = "escalation_action_added"
    title = N_("New action · {escalation}")

    def build(self) -> QWidget:
        self.action = self.row(_("&Action:"), QLineEdit())
        self.owner = self.row(_("&Owner:"), QComboBox())
        self.owner.setEditable(True)
        self.owner.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.due = self.row(_("&Due date:"), QDateEdit())
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("dd-MM-yyyy")
        today = self.clock().date() + timedelta(days=7)
        self.due.setDate(QDate(today.year, today.month, today.day))
        store = self.store
        run_in_background(lambda: StaffDirectory.load(store).all(), self._colleagues)
        return self.action

    def _colleagues(self, colleagues: list[Any]) -> None:
        typed = self.owner.currentText()
        for colleague in colleagues:
            self.owner.addItem(colleague.name, colleague.id)
        self.owner.setCurrentIndex(-1)
        self.owner.setEditText(typed)

    def data(self) -> dict[str, Any]:
        text = self.owner.currentText().strip()
        index = self.owner.findText(text)
        owner = str(self.owner.itemData(index)) if text and index >= 0 else text
        return {
            "action": self.action.text(),
            "owner": owner,
            "due": self.due.date().toString("yyyy-MM-dd"),
        }


class ActionStatusDialog(EventDialog):
    event_type = "escalation_action_updated"
    title = N_("Action status · {escalation}")

    def build(self) -> QWidget:
        self.action = self.row(_("&Action:"), _choice((t, t) for t in self.state.actions))
        statuses = ((_(text), code) for code, text in ACTION_STATUS_WORDS.items())
        self.status = self.row(_("&Status:"), _choice(statuses))
        self.action.currentIndexChanged.connect(self._follow)
        self._follow()
        return self.status

    def _follow(self) -> None:
        found = self.state.actions.get(str(self.action.currentData()))
        if found is not None:
            self.status.setCurrentIndex(self.status.findData(found.status))

    def data(self) -> dict[str, Any]:
        return {"action": self.action.currentData() or "", "status": self.status.currentData()}


class CloseDialog(EventDialog):
    """Closing with the evaluation: three scores 1–10 and the lessons learned."""

    event_type = "escalation_closed"
    title = N_("Close escalation · {escalation}")

    def build(self) -> QWidget:
        self.scores: dict[str, QSpinBox] = {}
        for key, label in (
            ("quality", _("&Quality of the solution (1–10):")),
            ("speed", _("&Speed (1–10):")),
            ("cooperation", _("&Cooperation (1–10):")),
        ):
            box = QSpinBox()
            box.setRange(0, 10)
            box.setSpecialValueText("–")  # 0: not given yet (the domain asks for 1–10)
            self.scores[key] = self.row(label, box)
        self.lessons = self.row(_("&Lessons learned:"), _text_edit(_("Lessons learned")))
        return self.scores["quality"]

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {key: box.value() for key, box in self.scores.items()}
        data["lessons"] = self.lessons.toPlainText()
        return data


class DismissDialog(EventDialog):
    """Dismissing a suggestion: the reason is required (it is not suggested again)."""

    title = N_("Dismiss the suggestion of {date}")

    def build(self) -> QWidget:
        self.reason = self.row(_("&Why is it dismissed?"), _text_edit(_("Reason"), 70))
        return self.reason

    def work(self) -> Callable[[], Any]:
        store, key, actor, reason = self.store, self.state.id, self.actor, self.reason.toPlainText()
        return lambda: dismiss_suggestion(store, key, actor, reason)


#: The dialog of each thing recorded on an open escalation, by the window's name for it.
EVENT_DIALOGS: dict[str, type[EventDialog]] = {
    "level": LevelDialog,
    "informed": InformedDialog,
    "request": RequestDialog,
    "meeting": MeetingDialog,
    "action": ActionDialog,
    "action_status": ActionStatusDialog,
    "update": UpdateDialog,
    "close": CloseDialog,
}


def _suggested_on(state: EscalationState | None) -> str:
    """The day a suggestion was made ("02-12-2026") in the contract's zone, as the register
    shows its moments: how its dialogs name it."""
    moment = state.suggested_at if state is not None else None
    return moment.astimezone(default_zone()).strftime("%d-%m-%Y") if moment is not None else ""
