"""What sync could not do, for a person to decide: events central refused (with its reason)
and concurrent edits of the same ticket field by two people (with a choice per conflict;
the choice is itself an event)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from halt_desk.changes import Changes
from halt_desk.desk.names import Names, names_for
from halt_desk.desk.ticket_story import conflict_field_words, conflict_value_words
from halt_desk.i18n import _
from halt_desk.store import ConflictView, RejectedEvent, Store
from ui import labels
from ui.changes import ChangeHub, follow_changes
from ui.contract_time import SHORT, ContractZones
from ui.workers import LatestOnly


def _value(view: ConflictView, mine: bool, zones: ContractZones, names: Names) -> str:
    """One side of a conflict in words, with who chose it and when (people by name)."""
    event = view.local_event if mine else view.remote_event
    when = zones.shown(event.at, fmt=SHORT)
    return f"{conflict_value_words(event, names)} ({names.person(event.actor)}, {when})"


class SyncIssuesDialog(QDialog):
    """Lists refused events and open conflicts; emits `changed` after a choice or a resend."""

    changed = Signal()

    def __init__(self, store: Store, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.zones = ContractZones(store)
        self.refused: list[RejectedEvent] = []
        self.conflicts: list[ConflictView] = []
        self.setWindowTitle(_("Refused and conflicts"))
        self.resize(900, 560)
        self.rejected_table = QTableWidget(0, 4)
        self.rejected_table.setAccessibleName(_("Refused by the server"))
        self.rejected_table.setHorizontalHeaderLabels(
            [_("Recorded"), _("What"), _("On"), _("Reason")]
        )
        self.rejected_table.horizontalHeader().setStretchLastSection(True)
        self.resend = QPushButton(_("Send again"))
        self.resend.setToolTip(_("After the cause has been fixed"))
        self.resend.clicked.connect(self.send_again)
        self.dismiss = QPushButton(_("Seen, do not send again"))
        self.dismiss.setToolTip(_("Your choice is recorded on the ticket"))
        self.dismiss.clicked.connect(self.dismiss_refused)
        self.conflict_table = QTableWidget(0, 4)
        self.conflict_table.setAccessibleName(_("Conflicts"))
        self.conflict_table.setHorizontalHeaderLabels(
            [_("Ticket"), _("Field"), _("My change"), _("Other")]
        )
        self.conflict_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.keep_mine = QPushButton(_("Keep my change"))
        self.take_theirs = QPushButton(_("Take the other change"))
        self.keep_mine.clicked.connect(lambda: self.resolve(mine=True))
        self.take_theirs.clicked.connect(lambda: self.resolve(mine=False))
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("<b>Refused by the server</b> (kept)")))
        layout.addWidget(self.rejected_table)
        refused_row = QHBoxLayout()
        refused_row.addWidget(self.resend)
        refused_row.addWidget(self.dismiss)
        refused_row.addStretch()
        layout.addLayout(refused_row)
        layout.addWidget(QLabel(_("<b>Concurrent edits</b> — choose per conflict")))
        layout.addWidget(self.conflict_table)
        row = QHBoxLayout()
        row.addWidget(self.keep_mine)
        row.addWidget(self.take_theirs)
        row.addStretch()
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.loaded = False
        self._reads = LatestOnly()
        # A round that refused or found a conflict, and every choice made here, is broadcast.
        follow_changes(self, ChangeHub.of(store), self._changes)
        self.reload()

    def _changes(self, changes: Changes) -> None:
        if changes.everything or changes.sent or changes.tickets:
            self.reload()

    def reload(self) -> None:
        store = self.store
        self._reads.run(
            lambda: (
                store.rejected_events(),
                store.conflicts(open_only=True),
                names_for(store),
            ),
            self._show,
        )

    def _show(self, loaded: tuple[list[RejectedEvent], list[ConflictView], Names]) -> None:
        self.refused, self.conflicts, names = loaded
        self.rejected_table.setRowCount(len(self.refused))
        for row, item in enumerate(self.refused):
            event = item.event
            cells = (
                self.zones.shown(event.at, fmt=SHORT),
                labels.event_type(event.type),
                event.stream_key,
                item.reason,
            )
            for column, text in enumerate(cells):
                self.rejected_table.setItem(row, column, QTableWidgetItem(text))
        self.rejected_table.resizeColumnsToContents()
        self.conflict_table.setRowCount(len(self.conflicts))
        for row, view in enumerate(self.conflicts):
            cells = (
                view.ticket,
                conflict_field_words(view.field),
                _value(view, True, self.zones, names),
                _value(view, False, self.zones, names),
            )
            for column, text in enumerate(cells):
                self.conflict_table.setItem(row, column, QTableWidgetItem(text))
        self.resend.setEnabled(bool(self.refused))
        self.dismiss.setEnabled(bool(self.refused))
        self.keep_mine.setEnabled(bool(self.conflicts))
        self.take_theirs.setEnabled(bool(self.conflicts))
        self.loaded = True

    def send_again(self) -> None:
        rows = {index.row() for index in self.rejected_table.selectedIndexes()}
        chosen = [self.refused[r].event.id for r in sorted(rows)] or [
            item.event.id for item in self.refused
        ]
        store = self.store
        self._act(lambda: store.send_again(chosen))

    def dismiss_refused(self) -> None:
        """The selected refused events (seen, not to be sent again): the choice is recorded."""
        rows = sorted({index.row() for index in self.rejected_table.selectedIndexes()})
        if not rows:
            self.message.setText(_("First choose a refused change in the list."))
            return
        chosen = [self.refused[r].event.id for r in rows]
        store, actor = self.store, self.actor
        self._act(lambda: [store.dismiss_rejected(event_id, actor) for event_id in chosen])

    def resolve(self, mine: bool) -> None:
        row = self.conflict_table.currentRow()
        if not 0 <= row < len(self.conflicts):
            self.message.setText(_("First choose a conflict in the list."))
            return
        view = self.conflicts[row]
        chosen = view.local_event.id if mine else view.remote_event.id
        store, actor = self.store, self.actor
        self._act(lambda: store.resolve_conflict(view.id, chosen, actor))

    def _act(self, work: Callable[[], object]) -> None:
        """A choice changes rows without (only) new events: every window reads it all again."""
        ChangeHub.of(self.store).run(work, self._done, self._failed, extra=Changes.all())

    def _done(self, _ignored: Any) -> None:
        """Done; the broadcast that follows (everything changed) lists what is left."""
        self.message.setText("")
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(labels.error_text(exc))
