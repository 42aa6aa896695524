"""Assigning a ticket, keyboard-first: type part of a colleague's name (service desk or field
engineer; name and role shown), Down to choose, Enter to assign; F2 gives it to me. The
current assignee is shown, so reassigning says from whom."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from halt_desk.desk.assign import record_assignment
from halt_desk.desk.staff import ASSIGNABLE_ROLES, Colleague, StaffDirectory
from halt_desk.domain.errors import DeskInputError
from halt_desk.i18n import _
from halt_desk.store import Store
from ui import labels
from ui.changes import ChangeHub
from ui.text_limits import limit_text
from ui.workers import run_in_background

#: Colleagues shown at once; typing narrows them down.
SHOWN = 20
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def describe(colleague: Colleague, me: str, current: str | None) -> str:
    """ "Pieter de Groot — Monteur", with "(ik)" and "(nu toegewezen)" where they apply."""
    text = colleague.name
    if colleague.role_word:
        text = f"{text} — {colleague.role_word}"
    if colleague.id == me:
        text = _("{name} (me)").format(name=text)
    if colleague.id == current:
        text = _("{name} (assigned now)").format(name=text)
    return text


class KeyClaim(QObject):
    """Lets the window's shortcut have `keys` while a text field has the focus (a line edit
    takes Ctrl+A as "select all" before any shortcut sees it)."""

    def __init__(self, widget: QWidget, *keys: str) -> None:
        super().__init__(widget)
        self.keys = {QKeySequence(key)[0].toCombined() for key in keys}  # type: ignore[index]
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.keyCombination().toCombined() in self.keys
        ):
            event.ignore()  # not the field's: the shortcut of the window takes it
            return True
        return False


class AssignDialog(QDialog):
    """Emits `assigned(user name)` once the assignment is recorded."""

    assigned = Signal(str)

    def __init__(
        self,
        store: Store,
        ticket_id: str,
        actor: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
        staff: StaffDirectory | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.ticket_id, self.actor, self.clock = store, ticket_id, actor, clock
        self.staff = staff or StaffDirectory([])
        self.current: str | None = None
        self.loaded = False
        self._saving = False
        self.setWindowTitle(_("Assign ticket {ticket}").format(ticket=ticket_id))
        self.setMinimumWidth(520)
        self._build()
        self._load(staff)

    # --- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.summary = QLabel()  # what the ticket is about, so the agent picks the right one
        self.summary.setAccessibleName(_("Summary"))
        self.summary.setStyleSheet("font-weight: bold")
        self.summary.setWordWrap(True)  # a long summary wraps; it never widens the dialog
        self.current_label = QLabel(_("Loading…"))
        self.current_label.setAccessibleName(_("Assigned now"))
        self.current_label.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setAccessibleName(_("Find a colleague"))
        self.search.setPlaceholderText(_("Type a name; Down to choose, Enter to assign"))
        limit_text(self.search, "to")
        self.search.textChanged.connect(self.refresh)
        self.results = QListWidget()
        self.results.setAccessibleName(_("Colleagues"))
        self.results.itemActivated.connect(lambda _item: self.assign_chosen())
        self.me_button = QPushButton(_("Assign to &me (F2)"))
        self.me_button.setShortcut(QKeySequence("F2"))
        self.me_button.setAutoDefault(False)
        self.me_button.clicked.connect(self.assign_to_me)
        self.error = labels.error_label()
        self.error.setAccessibleName(_("Error"))
        buttons = QDialogButtonBox()
        self.assign_button = buttons.addButton(_("Assign"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.assign_button.setAutoDefault(False)
        buttons.accepted.connect(self.assign_chosen)
        buttons.rejected.connect(self.reject)
        find = QLabel(_("&Assign to"))
        find.setBuddy(self.search)
        top = QHBoxLayout()
        top.addWidget(self.current_label, 1)
        top.addWidget(self.me_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(top)
        layout.addWidget(find)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        for widget in (self.search, self.results):
            widget.installEventFilter(self)
        self.search.setFocus()

    def _load(self, staff: StaffDirectory | None) -> None:
        store, ticket_id = self.store, self.ticket_id

        def load() -> tuple[StaffDirectory, str | None, str]:
            ticket = store.ticket(ticket_id)
            directory = staff if staff is not None else StaffDirectory.load(store)
            if ticket is None:
                return directory, None, ""
            return directory, ticket.assignee, ticket.summary or ""

        run_in_background(load, self._loaded, self._failed)

    def _loaded(self, loaded: tuple[StaffDirectory, str | None, str]) -> None:
        self.staff, self.current, summary = loaded
        self.summary.setText(summary)
        self.summary.setToolTip(summary)
        if self.current:
            colleague = self.staff.colleague(self.current)
            text = _("Assigned now to {name}").format(name=describe(colleague, self.actor, None))
        else:
            text = _("Not assigned yet")
        self.current_label.setText(text)
        self.loaded = True
        self.refresh(self.search.text())

    # --- type-ahead ----------------------------------------------------------------------------
    def matches(self, text: str) -> list[Colleague]:
        """Who the list shows for `text`: colleagues who work tickets, me first when nothing
        is typed yet."""
        found = self.staff.find(text, SHOWN, ASSIGNABLE_ROLES)
        if not text.strip():
            me = self.staff.colleague(self.actor)
            found = [me, *(c for c in found if c.id != me.id)][:SHOWN]
        return found

    def refresh(self, text: str) -> None:
        """The list for what is typed now; nothing chosen until Down (Enter takes the
        first)."""
        results = self.results
        results.setUpdatesEnabled(False)
        results.clear()
        for colleague in self.matches(text):
            item = QListWidgetItem(describe(colleague, self.actor, self.current))
            item.setData(Qt.ItemDataRole.UserRole, colleague.id)
            results.addItem(item)
        results.setCurrentRow(-1)
        results.setUpdatesEnabled(True)
        self.error.setText("" if results.count() or not text.strip() else _("Nobody found."))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down/Up in the search move through the list; Enter in either assigns."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if key in _ENTER:
            self.assign_chosen()
            return True
        if watched is self.search and key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            count = self.results.count()
            if count:
                row = self.results.currentRow()
                step = 1 if key == Qt.Key.Key_Down else -1
                self.results.setCurrentRow(min(max(row + step, 0), count - 1))
                self.results.setFocus()
            return True
        return super().eventFilter(watched, event)

    # --- recording -----------------------------------------------------------------------------
    def chosen(self) -> str | None:
        item = self.results.currentItem() or self.results.item(0)
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def assign_chosen(self) -> None:
        to = self.chosen()
        if to is None:
            self.error.setText(_("Choose who to assign the ticket to."))
            return
        self.assign(to)

    def assign_to_me(self) -> None:
        self.assign(self.actor)

    def assign(self, to: str) -> None:
        if self._saving:
            return
        self._saving = True
        self.error.setText("")
        store, ticket_id, actor, now, staff = (
            self.store, self.ticket_id, self.actor, self.clock(), self.staff
        )  # fmt: skip
        ChangeHub.of(store).run(
            lambda: record_assignment(store, ticket_id, to, actor, now, staff),
            lambda _event: self._done(to),
            self._failed,
        )

    def _done(self, to: str) -> None:
        self._saving = False
        self.accept()
        self.assigned.emit(to)

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.loaded = True
        if isinstance(exc, DeskInputError):
            self.error.setText(labels.error_text(exc))
        else:
            self.error.setText(_("Saving failed: {error}").format(error=labels.error_text(exc)))
