"""Berichten: the agent's notification list (a P1 reported, a P1-uplift granted by a colleague,
a mail not delivered, a notice published or closed, a carrier's problem with a shipment, an
escalation suggested by a trigger),
newest first, unread in bold; its unread count sits in the main window's status bar. Enter
opens the ticket (or the notices); "Alles gelezen" (Ctrl+Shift+M) marks all as seen. Also
the main window's keys for it all: Ctrl+Shift+V notices, Ctrl+Shift+B notifications."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from halt_desk.changes import Changes
from halt_desk.couriers.registry import carrier_name
from halt_desk.desk.names import Names, names_for
from halt_desk.desk.notifications import (
    DeskNotification,
    desk_notifications,
    mark_seen,
    swap_ticket,
)
from halt_desk.domain.notifications import NOTIFYING_TYPES, NotificationKind
from halt_desk.i18n import N_, _
from halt_desk.logistics.queue import EXCEPTION_NAMES
from ui.changes import ChangeHub, follow_changes
from ui.contract_time import SHORT, ContractZones
from ui.workers import LatestOnly

if TYPE_CHECKING:
    from halt_desk.store import Store
    from halt_desk.sync.signin import SyncTarget


def escalation_reason(detail: dict[str, Any], names: Names | None = None) -> str:
    """Why a trigger suggests an escalation, in words: the P1 and which deadline it missed,
    the category or location (by name) with three missed deadlines, and so on."""
    tickets = [t for t in detail.get("tickets", []) if isinstance(t, str)]
    first = tickets[0] if tickets else ""
    trigger = detail.get("trigger")
    clocks = detail.get("clocks") or []
    if trigger == "p1_breached" and "resolution" in clocks:
        return _("P1 {ticket} not resolved in time").format(ticket=first)
    if trigger == "p1_breached" and "reaction" in clocks:
        return _("P1 {ticket} not answered in time").format(ticket=first)
    if trigger == "p1_breached":
        return _("P1 {ticket} past a deadline").format(ticket=first)
    if trigger == "uplift_refused_then_granted":
        return _("P1-uplift of {ticket} refused, later granted").format(ticket=first)
    if trigger == "swap_missed_twice":
        return _("swap deadline missed twice: {tickets}").format(tickets=", ".join(tickets))
    if detail.get("location"):
        location = detail["location"]
        place = names.location(location) if names is not None else location
        return _("three deadlines missed at {location}").format(location=place)
    return _("three deadlines missed in category {category}").format(
        category=detail.get("category", "")
    )


def notification_text(
    item: DeskNotification, who: str, when: str, names: Names | None = None
) -> str:
    n = item.notification
    detail = n.detail
    if n.kind is NotificationKind.ESCALATION_SUGGESTED:
        text = _("Escalation suggested ({level}): {reason}").format(
            level=detail.get("level", ""), reason=escalation_reason(detail, names)
        )
    elif n.kind is NotificationKind.P1_REPORTED:
        text = _("P1 reported: {ticket} {summary}").format(
            ticket=n.subject, summary=detail.get("summary", "")
        )
    elif n.kind is NotificationKind.UPLIFT_GRANTED:
        text = _("P1-uplift granted by {who}: {ticket}").format(who=who, ticket=n.subject)
    elif n.kind is NotificationKind.MAIL_FAILED:
        text = _("Mail not delivered on {ticket}: {reason}").format(
            ticket=n.subject, reason=detail.get("reason", "")
        )
    elif n.kind is NotificationKind.NOTICE_PUBLISHED and detail.get("kind") == "maintenance":
        text = _("Maintenance announced: {title}").format(title=detail.get("title", n.subject))
    elif n.kind is NotificationKind.NOTICE_PUBLISHED:
        text = _("Disruption reported: {title}").format(title=detail.get("title", n.subject))
    elif n.kind is NotificationKind.SHIPMENT_PROBLEM:
        problem = EXCEPTION_NAMES.get(detail.get("problem", ""), N_("a problem"))
        text = _("Carrier reports {problem}: {carrier} {tracking} for swap {swap}").format(
            problem=_(problem),
            carrier=carrier_name(detail.get("carrier", "")),
            tracking=detail.get("tracking", ""),
            swap=n.subject,
        )
    else:
        text = _("All clear given for notice {notice}").format(notice=n.subject)
    return f"{when} · {text}".strip()


class NotificationsDialog(QDialog):
    read = Signal()

    def __init__(
        self,
        store: Store,
        user: str,
        open_ticket: Callable[[str], Any],
        open_notices: Callable[[], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.user = store, user
        self.open_ticket, self.open_notices = open_ticket, open_notices
        self.zones = ContractZones(store)
        self.items: list[DeskNotification] = []
        self.loaded = False
        self.setWindowTitle(_("Notifications"))
        self.resize(760, 480)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Notifications"))
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(lambda _item: self.open_current())
        self.empty = QLabel()
        read = QPushButton(_("Mark all as &read (Ctrl+Shift+M)"))
        read.clicked.connect(self.mark_all_read)
        QShortcut(QKeySequence("Ctrl+Shift+M"), self, self.mark_all_read)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(read)
        row.addStretch()
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addLayout(row)
        self._reads = LatestOnly()
        follow_changes(self, ChangeHub.of(store), self._changes)
        self.reload()
        self.list.setFocus()

    def _changes(self, changes: Changes) -> None:
        if changes.everything or changes.types & NOTIFYING_TYPES:
            self.reload()

    def reload(self) -> None:
        store, user = self.store, self.user
        self._reads.run(lambda: (desk_notifications(store, user), names_for(store)), self._show)

    def _show(self, loaded: tuple[list[DeskNotification], Names]) -> None:
        items, names = loaded
        self.items = items
        self.list.clear()
        for item in items:
            n = item.notification
            when = self.zones.shown(datetime.fromisoformat(n.at), fmt=SHORT)
            text = notification_text(item, names.person(n.actor), when, names)
            line = QListWidgetItem(text)
            if item.unread:
                font = QFont(line.font())
                font.setBold(True)
                line.setFont(font)
            self.list.addItem(line)
        if items:
            self.list.setCurrentRow(0)
        self.empty.setText("" if items else _("No notifications."))
        self.loaded = True

    def open_current(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.items):
            return
        n = self.items[row].notification
        if n.stream.startswith("ticket:"):
            self.open_ticket(n.subject)
        elif n.stream.startswith("swap:"):
            ticket = swap_ticket(self.store, n.stream)
            if ticket is not None:
                self.open_ticket(ticket)
        elif n.kind is NotificationKind.ESCALATION_SUGGESTED:
            tickets = n.detail.get("tickets") or []
            if tickets:  # the (first) ticket that calls for it
                self.open_ticket(tickets[0])
        else:
            self.open_notices()

    def mark_all_read(self) -> None:
        if self.items:
            mark_seen(self.store, self.user, self.items[0].order)
        self.reload()
        self.read.emit()


class NoticeKeys:
    """What the main window gets for notices and notifications: the actions (Ctrl+Shift+V,
    Ctrl+Shift+B) and the unread count in the status bar (a button that opens the list)."""

    def __init__(
        self,
        window: QMainWindow,
        user: str,
        clock: Callable[[], datetime],
        open_ticket: Callable[[str], Any],
    ) -> None:
        self.window, self.user, self.clock, self.open_ticket = window, user, clock, open_ticket
        self.store: Store | None = None
        notices = QAction(_("Disruptions and maintenance"), window)
        notices.setShortcut(QKeySequence("Ctrl+Shift+V"))
        notices.setToolTip(_("Disruptions and maintenance (Ctrl+Shift+V)"))
        notices.triggered.connect(self.open_notices)
        listed = QAction(_("Notifications"), window)
        listed.setShortcut(QKeySequence("Ctrl+Shift+B"))
        listed.triggered.connect(self.open_notifications)
        self.actions = (notices, listed)
        for action in self.actions:
            window.addAction(action)
            action.setEnabled(False)
        self.unread = QToolButton()
        self.unread.setAutoRaise(True)
        self.unread.setAccessibleName(_("Notifications"))
        self.unread.setToolTip(_("Notifications (Ctrl+Shift+B)"))
        self.unread.clicked.connect(self.open_notifications)
        self.unread.setText(_("Notifications"))
        window.statusBar().addPermanentWidget(self.unread)
        self._reads = LatestOnly()
        self.count = 0

    def attach(self, store: Store) -> None:
        self.store = store
        for action in self.actions:
            action.setEnabled(True)
        follow_changes(self.unread, ChangeHub.of(store), self._changes)
        self.recount()

    def _changes(self, changes: Changes) -> None:
        if changes.everything or changes.types & NOTIFYING_TYPES:
            self.recount()

    def recount(self) -> None:
        store, user = self.store, self.user
        if store is not None:
            self._reads.run(lambda: desk_notifications(store, user), self._counted)

    def _counted(self, items: list[DeskNotification]) -> None:
        self.count = sum(1 for item in items if item.unread)
        if self.count:
            self.unread.setText(_("Notifications: {n} new").format(n=self.count))
            self.unread.setStyleSheet("font-weight: bold")
        else:
            self.unread.setText(_("Notifications"))
            self.unread.setStyleSheet("")

    def target(self) -> SyncTarget | None:
        """Where central is now (None: not connected): the main window's sync, read when
        asked (it starts and stops while the window is open)."""
        sync = getattr(self.window, "sync", None)
        target: SyncTarget | None = sync.target if sync is not None else None
        return target

    def open_notices(self) -> QDialog | None:
        from ui.notices_window import NoticesWindow

        if self.store is None:
            return None
        window = NoticesWindow(self.store, self.user, self.clock, self.window, self.target)
        window.show()
        return window

    def open_notifications(self) -> NotificationsDialog | None:
        if self.store is None:
            return None
        dialog = NotificationsDialog(
            self.store, self.user, self.open_ticket, self.open_notices, self.window
        )
        dialog.read.connect(self.recount)
        dialog.show()
        return dialog
