"""Storingen en onderhoud: the desk's notices to an organisation's employees — the open ones
(and, on request, the closed ones) with their follow-ups, a new notice (Ctrl+N), a
follow-up (Ctrl+U) and the all-clear (Ctrl+Shift+A). Central mails every employee in scope;
a line shows how those mails fared (asked of central), Ctrl+E lists the ones not delivered.

Keyboard: the list has the focus; Up/Down choose, the shortcuts act on the chosen notice; in
the forms Ctrl+Enter records and Escape cancels.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from halt_desk.changes import Changes
from halt_desk.desk.notices import (
    NoticeDraft,
    ScopeChoices,
    all_clear,
    choices_in,
    follow_up,
    link_ticket,
    notices,
    publish_notice,
    reach_in,
)
from halt_desk.domain.notices import Notice, NoticeKind, Scope, ScopeKind
from halt_desk.i18n import _
from halt_desk.store import Store
from halt_desk.sync.signin import SyncTarget
from ui import labels
from ui.changes import ChangeHub, follow_changes
from ui.contract_time import SHORT, ContractZones
from ui.notice_mail_line import NoticeMailLine
from ui.recording_dialog import RecordingDialog, record_keys
from ui.text_limits import TextLimit
from ui.workers import LatestOnly, run_in_background

NOTICE_TYPES = frozenset({"notice_published", "notice_updated", "notice_closed"})


def kind_words(kind: NoticeKind) -> str:
    return _("Disruption") if kind is NoticeKind.DISRUPTION else _("Planned maintenance")


def scope_words(scope: Scope, org_name: str, locations: dict[str, str]) -> str:
    if scope.kind is ScopeKind.LOCATION:
        return _("location {name}").format(name=locations.get(str(scope.id), str(scope.id)))
    if scope.kind is ScopeKind.TEAM:
        return _("team {name}").format(name=scope.id)
    return _("all of {name}").format(name=org_name)


def _moment(edit: QDateTimeEdit) -> datetime:
    """The aware moment an edit shows (in this computer's time zone)."""
    return datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch()).astimezone()


class NoticeForm(RecordingDialog):
    """A new notice: organisation, kind, who it is for, title, text and (optionally) when."""

    def __init__(
        self,
        store: Store,
        organisations: dict[str, str],
        actor: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.clock = store, actor, clock
        self.setWindowTitle(_("New disruption or maintenance notice"))
        self.setMinimumWidth(560)
        self.choices = ScopeChoices({}, ())
        self.org = QComboBox()
        for key, name in sorted(organisations.items(), key=lambda item: item[1]):
            self.org.addItem(name, key)
        self.kind = QComboBox()
        self.kind.addItem(_("Disruption"), NoticeKind.DISRUPTION)
        self.kind.addItem(_("Planned maintenance"), NoticeKind.MAINTENANCE)
        self.scope_kind = QComboBox()
        self.scope_kind.addItem(_("Whole organisation"), ScopeKind.ORG)
        self.scope_kind.addItem(_("Location"), ScopeKind.LOCATION)
        self.scope_kind.addItem(_("Team"), ScopeKind.TEAM)
        self.target = QComboBox()
        self.target.setAccessibleName(_("Location or team"))
        self.reach = QLabel()
        self.title = QLineEdit()
        self.title_limit = TextLimit(self.title, "title")
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(110)
        self.text_limit = TextLimit(self.text, "text")
        self.has_window = QCheckBox(_("&From – until"))
        self.starts = QDateTimeEdit()
        self.ends = QDateTimeEdit()
        for edit in (self.starts, self.ends):
            edit.setDisplayFormat("dd-MM-yyyy HH:mm")
            edit.setCalendarPopup(True)
            edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(self.clock().timestamp())))
            edit.setEnabled(False)
        self.has_window.toggled.connect(self.starts.setEnabled)
        self.has_window.toggled.connect(self.ends.setEnabled)
        for limit in (self.title_limit, self.text_limit):
            limit.refused.connect(self.message.setText)
        form = QFormLayout()
        form.addRow(_("&Organisation:"), self.org)
        form.addRow(_("&Kind:"), self.kind)
        form.addRow(_("&For:"), self.scope_kind)
        form.addRow(_("&Which:"), self.target)
        form.addRow("", self.reach)
        form.addRow(_("&Title:"), self.title)
        form.addRow(_("&Message to the employees:"), self.text)
        window = QHBoxLayout()
        window.addWidget(self.starts)
        window.addWidget(QLabel("–"))
        window.addWidget(self.ends)
        form.addRow(self.has_window, window)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(record_keys(self, self.submit))
        self.org.currentIndexChanged.connect(self._org_changed)
        self.scope_kind.currentIndexChanged.connect(self._scope_changed)
        self.target.currentIndexChanged.connect(self._show_reach)
        self.employees: list[dict[str, Any]] = []
        self.locations: dict[str, Any] = {}
        self.loaded = False
        run_in_background(
            lambda: (store.employees(), store.references("location")), self._directory_read
        )
        self.org.setFocus()

    def _directory_read(self, read: tuple[list[dict[str, Any]], dict[str, Any]]) -> None:
        """The directory, read once on a worker thread: the choices and reach follow it."""
        self.employees, self.locations = read
        self.loaded = True
        self._org_changed()

    def _org_changed(self) -> None:
        org = self.org.currentData()
        self.choices = (
            choices_in(self.employees, self.locations, org) if org else ScopeChoices({}, ())
        )
        self._scope_changed()

    def _scope_changed(self) -> None:
        kind = ScopeKind(self.scope_kind.currentData())
        self.target.clear()
        if kind is ScopeKind.LOCATION:
            for key, name in self.choices.locations.items():
                self.target.addItem(name, key)
        elif kind is ScopeKind.TEAM:
            for team in self.choices.teams:
                self.target.addItem(team, team)
        self.target.setEnabled(kind is not ScopeKind.ORG)
        self._show_reach()

    def scope(self) -> Scope | None:
        kind = ScopeKind(self.scope_kind.currentData())
        if kind is ScopeKind.ORG:
            return Scope(ScopeKind.ORG)
        target = self.target.currentData()
        return Scope(kind, str(target)) if target else None

    def _show_reach(self) -> None:
        scope, org = self.scope(), self.org.currentData()
        if scope is None or not org:
            self.reach.setText("")
            return
        count = reach_in(self.employees, org, scope)
        self.reach.setText(_("Mailed to {n} employees").format(n=count))

    def draft(self) -> NoticeDraft:
        window = self.has_window.isChecked()
        return NoticeDraft(
            org=str(self.org.currentData() or ""),
            kind=NoticeKind(self.kind.currentData()),
            scope=self.scope(),
            title=self.title.text(),
            text=self.text.toPlainText(),
            starts=_moment(self.starts) if window else None,
            ends=_moment(self.ends) if window else None,
        )

    def submit(self) -> None:
        draft, store, actor, now = self.draft(), self.store, self.actor, self.clock()
        self.record(store, lambda: publish_notice(store, draft, actor, now))


class NoticeTextDialog(RecordingDialog):
    """A follow-up (with an optional new title) or the all-clear of one notice."""

    def __init__(
        self,
        store: Store,
        notice: Notice,
        closing: bool,
        actor: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.notice, self.closing = store, notice, closing
        self.actor, self.clock = actor, clock
        title = _("All clear · {title}") if closing else _("Follow-up · {title}")
        self.setWindowTitle(title.format(title=notice.title))
        self.setMinimumWidth(520)
        prompt = (
            _("&What do you tell the employees now that everything works again?")
            if closing
            else _("&What is new?")
        )
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName(prompt.replace("&", ""))
        self.limit = TextLimit(self.text, "text")
        label.setBuddy(self.text)
        self.title = QLineEdit(notice.title)
        self.limit.refused.connect(self.message.setText)
        layout = QVBoxLayout(self)
        if not closing:
            title_label = QLabel(_("&Title:"))
            title_label.setBuddy(self.title)
            layout.addWidget(title_label)
            layout.addWidget(self.title)
        layout.addWidget(label)
        layout.addWidget(self.text)
        layout.addWidget(self.message)
        layout.addWidget(record_keys(self, self.submit))
        self.text.setFocus()

    def submit(self) -> None:
        store, notice_id, actor, now = self.store, self.notice.id, self.actor, self.clock()
        text, title = self.text.toPlainText(), self.title.text()
        closing = self.closing

        def work() -> Notice:
            if closing:
                return all_clear(store, notice_id, text, actor, now)
            return follow_up(store, notice_id, text, actor, now, title=title)

        self.record(store, work)


class NoticesWindow(QDialog):
    """The list of notices and what can be done with them (see the module's docstring)."""

    def __init__(
        self,
        store: Store,
        actor: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
        target: Callable[[], SyncTarget | None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.store, self.actor, self.clock = store, actor, clock
        self.zones = ContractZones(store)
        self.shown: list[Notice] = []
        self.orgs: dict[str, str] = {}
        self.locations: dict[str, str] = {}
        self.form: QDialog | None = None
        self.loaded = False
        self.setWindowTitle(_("Disruptions and maintenance"))
        self.resize(1000, 600)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Notices"))
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName(_("The chosen notice"))
        self.empty = QLabel()
        self.show_closed = QCheckBox(_("Also show &closed notices"))
        self.new = QPushButton(_("&New notice… (Ctrl+N)"))
        self.update_ = QPushButton(_("&Follow-up… (Ctrl+U)"))
        self.clear = QPushButton(_("&All clear… (Ctrl+Shift+A)"))
        for button, keys, slot in (
            (self.new, "Ctrl+N", self.new_notice),
            (self.update_, "Ctrl+U", lambda: self.write_text(closing=False)),
            (self.clear, "Ctrl+Shift+A", lambda: self.write_text(closing=True)),
        ):
            button.clicked.connect(slot)
            QShortcut(QKeySequence(keys), self, slot)
        self.message = labels.error_label()
        #: The chosen notice's mails, asked of central at `target` (None: offline).
        self.mail = NoticeMailLine(target, self)
        splitter = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list)
        left_layout.addWidget(self.empty)
        left_layout.addWidget(self.show_closed)
        splitter.addWidget(left)
        right = QWidget()  # the chosen notice, with how its mails fared below it
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        right_layout.addWidget(self.mail)
        splitter.addWidget(right)
        splitter.setSizes([420, 580])
        buttons = QHBoxLayout()
        for button in (self.new, self.update_, self.clear):
            buttons.addWidget(button)
        buttons.addStretch()
        close = QPushButton(_("Close"))
        close.clicked.connect(self.close)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.list.currentRowChanged.connect(self._show_detail)
        self.show_closed.toggled.connect(self.reload)
        self._reads = LatestOnly()
        follow_changes(self, ChangeHub.of(store), self._changes)
        self.reload()
        self.list.setFocus()

    def _changes(self, changes: Changes) -> None:
        if changes.everything or changes.reference or changes.types & NOTICE_TYPES:
            self.reload()

    def reload(self) -> None:
        store, everything = self.store, self.show_closed.isChecked()
        self._reads.run(
            lambda: (
                notices(store, open_only=not everything),
                store.references("org"),
                store.references("location"),
            ),
            self._show,
        )

    def _show(self, loaded: tuple[list[Notice], dict[str, Any], dict[str, Any]]) -> None:
        chosen = self.current()
        found, orgs, locations = loaded
        self.orgs = {key: str(data.get("name") or key) for key, data in orgs.items()}
        self.locations = {key: str(data.get("name") or key) for key, data in locations.items()}
        self.shown = found
        self.list.clear()
        for notice in found:
            item = QListWidgetItem(self._line(notice))
            item.setToolTip(notice.text)
            self.list.addItem(item)
        ids = [n.id for n in found]
        row = ids.index(chosen.id) if chosen is not None and chosen.id in ids else 0
        if found:
            self.list.setCurrentRow(row)
        else:
            self.detail.clear()
            self.mail.show_notice(None)
        self.empty.setText("" if found else _("No open disruptions or maintenance."))
        self._enable()
        self.loaded = True

    def _line(self, notice: Notice) -> str:
        state = _("open") if notice.is_open else _("solved")
        when = self.zones.shown(notice.published_at, notice.org, fmt=SHORT)
        scope = scope_words(notice.scope, self.orgs.get(notice.org, notice.org), self.locations)
        # Two lines: what, then for whom, since when and how it stands.
        return f"{kind_words(notice.kind)}: {notice.title}\n{scope} · {when} · {state}"

    def current(self) -> Notice | None:
        row = self.list.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def _enable(self) -> None:
        notice = self.current()
        self.update_.setEnabled(notice is not None and notice.is_open)
        self.clear.setEnabled(notice is not None and notice.is_open)

    def _show_detail(self, _row: int) -> None:
        self._enable()
        notice = self.current()
        self.mail.show_notice(notice.id if notice is not None else None)
        if notice is None:
            return
        org_name = self.orgs.get(notice.org, notice.org)
        zone = notice.org

        def when(moment: datetime) -> str:
            return self.zones.shown(moment, zone, fmt=SHORT)

        parts = [
            f"<h3>{html.escape(kind_words(notice.kind))}: {html.escape(notice.title)}</h3>",
            "<p>"
            + html.escape(
                _("For {scope}, published {when}").format(
                    scope=scope_words(notice.scope, org_name, self.locations),
                    when=when(notice.published_at),
                )
            )
            + "</p>",
        ]
        if notice.starts or notice.ends:
            window = _("From {start} until {end}").format(
                start=when(notice.starts) if notice.starts else "…",
                end=when(notice.ends) if notice.ends else "…",
            )
            parts.append(f"<p>{html.escape(window)}</p>")
        parts.append(f"<p style='white-space: pre-wrap'>{html.escape(notice.text)}</p>")
        for update in notice.updates:
            head = _("All clear, {when}") if update.closing else _("Follow-up, {when}")
            parts.append(f"<p><b>{html.escape(head.format(when=when(update.at)))}</b><br>")
            parts.append(
                f"<span style='white-space: pre-wrap'>{html.escape(update.text)}</span></p>"
            )
        self.detail.setHtml("".join(parts))

    def new_notice(self) -> NoticeForm:
        form = NoticeForm(self.store, self.orgs, self.actor, self.clock, self)
        form.recorded.connect(lambda _n: self.reload())
        form.open()
        self.form = form
        return form

    def write_text(self, closing: bool) -> NoticeTextDialog | None:
        notice = self.current()
        if notice is None or not notice.is_open:
            self.message.setText(_("First choose an open notice in the list."))
            return None
        self.message.setText("")
        dialog = NoticeTextDialog(self.store, notice, closing, self.actor, self.clock, self)
        dialog.recorded.connect(lambda _n: self.reload())
        dialog.open()
        self.form = dialog
        return dialog


class LinkNoticeDialog(RecordingDialog):
    """Links a ticket to an open notice of its organisation (the ticket's Ctrl+Shift+K):
    Up/Down to choose, Enter links, Escape cancels; `recorded` carries the notice's id."""

    def __init__(
        self,
        store: Store,
        ticket_id: str,
        org: str,
        actor: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.ticket_id, self.actor, self.clock = store, ticket_id, actor, clock
        self.setWindowTitle(_("Link to a notice · {ticket}").format(ticket=ticket_id))
        self.setMinimumWidth(520)
        self.shown = notices(store, open_only=True, org=org)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Open notices"))
        for notice in self.shown:
            self.list.addItem(f"{kind_words(notice.kind)}: {notice.title}")
        if self.shown:
            self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.submit())
        if not self.shown:
            self.message.setText(_("No open disruptions or maintenance."))
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.message)
        layout.addWidget(record_keys(self, self.submit))
        self.list.setFocus()

    def submit(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.shown):
            self.message.setText(_("First choose an open notice in the list."))
            return
        store, ticket_id, actor, now = self.store, self.ticket_id, self.actor, self.clock()
        notice_id = self.shown[row].id
        self.record(store, lambda: link_ticket(store, ticket_id, notice_id, actor, now), notice_id)
