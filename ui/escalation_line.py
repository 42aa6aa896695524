"""The ticket window's escalation line (issue 23): "Escalatie ESC-… · N2 · open" for each
escalation (or suggestion) that links the ticket, with Ctrl+Shift+X to open the register
at it, and, for service management and administrators, Ctrl+Shift+T to start an
escalation with the ticket linked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from halt_desk.changes import Changes
from halt_desk.desk.escalation_register import escalations_of_ticket
from halt_desk.desk.escalation_view import may_record
from halt_desk.desk.escalation_words import (
    ESCALATION_TYPES,
    STATUS_WORDS,
    escalation_number,
    word,
)
from halt_desk.domain.escalations import EscalationState, Status
from halt_desk.i18n import _
from halt_desk.store import Store
from ui.changes import ChangeHub, follow_changes
from ui.elided_label import ElidedLabel
from ui.workers import LatestOnly

SHOW_KEYS, START_KEYS = "Ctrl+Shift+X", "Ctrl+Shift+T"


def escalation_words(state: EscalationState) -> str:
    level = state.level or state.suggested_level or ""
    return _("Escalation {escalation} · {level} · {status}").format(
        escalation=escalation_number(state.id, state.status is Status.SUGGESTED),
        level=level,
        status=word(STATUS_WORDS, state.status),
    )


class TicketEscalations:
    """The line (an elided label for the window's header) and its two buttons, added to
    the window's action row through `add_action(label, slot, keys)`."""

    def __init__(
        self,
        window: QWidget,
        store: Store,
        ticket_id: str,
        user: str,
        clock: Callable[[], datetime],
        add_action: Callable[[str, Callable[[], object], str], QPushButton],
    ) -> None:
        self.window, self.store, self.ticket_id = window, store, ticket_id
        self.user, self.clock = user, clock
        self.states: list[EscalationState] = []
        self.line = ElidedLabel()
        self.line.setAccessibleName(_("Escalation"))
        self.line.setStyleSheet("font-weight: bold; color: #b3261e")
        self.line.hide()
        self.show_button = add_action(
            _("Show escalation… ({keys})").format(keys=SHOW_KEYS), self.open_register, SHOW_KEYS
        )
        self.show_button.setEnabled(False)
        self.start_button: QPushButton | None = None
        if may_record(user):
            self.start_button = add_action(
                _("Start escalation… ({keys})").format(keys=START_KEYS), self.start, START_KEYS
            )
        self.opened: QDialog | None = None
        self._reads = LatestOnly()
        follow_changes(self.line, ChangeHub.of(store), self._changes)
        self.reload()

    def _changes(self, changes: Changes) -> None:
        if changes.everything or changes.types & ESCALATION_TYPES:
            self.reload()

    def reload(self) -> None:
        store, ticket_id = self.store, self.ticket_id
        self._reads.run(lambda: escalations_of_ticket(store, ticket_id), self._show)

    def _show(self, states: list[EscalationState]) -> None:
        live = [s for s in states if s.status != Status.DISMISSED]
        live.sort(key=lambda s: (s.status != Status.OPEN, s.status != Status.SUGGESTED))
        self.states = live
        self.line.set_full_text(" | ".join(escalation_words(s) for s in live))
        self.line.setVisible(bool(live))
        self.show_button.setEnabled(bool(live))

    def open_register(self) -> QDialog | None:
        """The register at the ticket's (first open) escalation."""
        from ui.escalation_window import open_escalations

        if not self.states:
            return None
        self.opened = open_escalations(
            self.window, self.store, self.user, self.clock, escalation=self.states[0].id
        )
        return self.opened

    def start(self) -> QDialog | None:
        """The register with a new escalation for this ticket's organisation, the ticket
        linked."""
        from ui.escalation_window import open_escalations

        ticket = getattr(self.window, "ticket", None)  # the window's TicketView, once read
        org = getattr(ticket, "org", None)
        window = open_escalations(self.window, self.store, self.user, self.clock)
        self.opened = window
        window.when_loaded(lambda: window.new_escalation(ticket=self.ticket_id, org=org))
        return window
