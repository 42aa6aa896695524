"""The intake form, keyboard-first: caller lookup, channel, category, impact, urgency and
the security flag with the suggested priority updating live; override with a reason.
Enter on the last field saves."""

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

from halt_desk.desk.intake import (
    CATEGORIES,
    REPORT_CHANNELS,
    CallerDirectory,
    EmployeeMatch,
    Intake,
    record_intake,
    suggested_priority,
)
from halt_desk.desk.notices import notices_for_caller
from halt_desk.desk.staff import ASSIGNABLE_ROLES, StaffDirectory
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.messages import Msg
from halt_desk.domain.notices import Notice
from halt_desk.domain.profiles import Profile
from halt_desk.i18n import N_, _
from halt_desk.store import Store
from ui import labels
from ui.assign_dialog import describe
from ui.changes import ChangeHub
from ui.notices_window import kind_words
from ui.text_limits import limit_text
from ui.workers import LatestOnly, run_in_background
from ui.wrapped_label import WrappedLabel, fit_height

#: The choices of "Soort": (label, (kind, change type)), an incident first (the default).
KIND_CHOICES: tuple[tuple[str, tuple[str, str | None]], ...] = (
    (N_("Incident or question"), ("incident", None)),
    (N_("Change: standard"), ("change", "standard")),
    (N_("Change: minor"), ("change", "minor")),
    (N_("Change: major"), ("change", "major")),
    (N_("Change: emergency"), ("change", "emergency")),
    (N_("Change: project"), ("change", "project")),
)


class IntakeDialog(QDialog):
    """Records a new ticket; emits `saved(ticket_id)` once the store has it."""

    saved = Signal(str)

    def __init__(
        self,
        store: Store,
        directory: CallerDirectory,
        actor: str,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.directory, self.actor, self.clock = store, directory, actor, clock
        self.caller: EmployeeMatch | None = None
        self.profile: Profile | None = None
        self._saving = False  # a save runs on a worker thread
        self._matches: list[EmployeeMatch] = []
        self._names: dict[str, dict[str, str]] = {}  # kind → id → name
        self.setWindowTitle(_("New ticket"))
        self.setMinimumWidth(560)

        self._build_caller()
        self._build_answers()
        self._build_form()
        self._set_profile(None)
        self.resize(self.minimumWidth(), self.heightForWidth(self.minimumWidth()))
        run_in_background(lambda: StaffDirectory.load(store), self._staff_loaded, lambda _e: None)

    def _staff_loaded(self, staff: StaffDirectory) -> None:
        """Who a new ticket can go to at once: me first, then colleagues who work tickets
        (type the first letters of a name in the list to jump to it)."""
        me = staff.colleague(self.actor)
        people = [me, *(c for c in staff.all(ASSIGNABLE_ROLES) if c.id != me.id)]
        for colleague in people:
            self.assignee.addItem(describe(colleague, self.actor, None), colleague.id)

    # --- building the form -----------------------------------------------------------------
    def _build_caller(self) -> None:
        self.caller_edit = QLineEdit()
        self.caller_edit.setPlaceholderText(_("Name, e-mail address or phone number"))
        self.caller_edit.setAccessibleName(_("Find caller"))
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.caller_edit.setCompleter(completer)
        completer.activated[str].connect(self._caller_chosen)  # type: ignore[index]
        self.caller_edit.textEdited.connect(self._lookup)
        self.caller_edit.editingFinished.connect(self._caller_typed)
        # Wraps at the form's width (a long role or location never pushes the phone number
        # out of sight); the number has a row of its own, whole and selectable.
        self.caller_info = WrappedLabel(_("No caller chosen yet"))
        self.caller_info.setAccessibleName(_("Chosen caller"))
        self.caller_phone = QLabel("–")
        self.caller_phone.setAccessibleName(_("Phone"))
        self.caller_phone.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _build_answers(self) -> None:
        self.summary = QLineEdit()
        self.summary.setAccessibleName(_("Summary"))
        self.summary.setPlaceholderText(_("What is wrong?"))
        self.channel = self._combo(_("Channel"), REPORT_CHANNELS, labels.channel)
        self.channel.setCurrentIndex(1)  # most reports come in by phone
        self.category = self._combo(_("Category"), CATEGORIES, labels.category)
        self.impact = self._combo(_("Impact"), (), labels.impact)
        self.urgency = self._combo(_("Urgency"), (), labels.urgency)
        self.security = QCheckBox(_("High-risk security incident (data leak, attack)"))
        self.security.setAccessibleName(_("Security incident"))
        self.suggestion = QLabel("–")
        self.suggestion.setAccessibleName(_("Suggested priority"))
        self.priority = QComboBox()
        self.priority.setAccessibleName(_("Priority"))
        self.override_reason = QLineEdit()
        self.override_reason.setAccessibleName(_("Reason for the override"))
        self.override_reason.setPlaceholderText(_("Only when overriding the suggestion"))
        self.override_reason.setEnabled(False)
        # Optional, after the fields Enter walks through (Enter on the priority saves):
        # reached with Alt+T or Tab; type a name's first letters to jump to it.
        self.assignee = QComboBox()
        self.assignee.setAccessibleName(_("Assign to"))
        self.assignee.addItem(_("— not yet —"), None)
        # Optional too: an open disruption notice of the caller's organisation (Alt+G).
        self.notice = QComboBox()
        self.notice.setAccessibleName(_("Disruption notice"))
        self.notice.addItem(_("— none —"), None)
        self._notice_reads = LatestOnly()
        # What the ticket is: an incident (the default) or a change of a type (issue 23).
        self.kind = QComboBox()
        self.kind.setAccessibleName(_("Kind of ticket"))
        for text, value in KIND_CHOICES:
            self.kind.addItem(_(text), value)
        limit_text(self.summary, "summary")
        limit_text(self.override_reason, "reason")
        self.error = labels.error_label()
        self.error.setAccessibleName(_("Error"))

        for widget in (self.impact, self.urgency):
            widget.currentIndexChanged.connect(self._update_suggestion)
        self.security.toggled.connect(self._update_suggestion)
        self.priority.currentIndexChanged.connect(self._priority_changed)

    def _build_form(self) -> None:
        form = QFormLayout()
        form.addRow(_("&Caller"), self.caller_edit)
        form.addRow("", self.caller_info)
        form.addRow(_("Phone"), self.caller_phone)
        form.addRow(_("&Summary"), self.summary)
        form.addRow(_("C&hannel"), self.channel)
        form.addRow(_("C&ategory"), self.category)
        form.addRow(_("&Impact"), self.impact)
        form.addRow(_("&Urgency"), self.urgency)
        form.addRow("", self.security)
        form.addRow(_("Suggestion"), self.suggestion)
        form.addRow(_("&Priority"), self.priority)
        form.addRow(_("&Reason"), self.override_reason)
        form.addRow(_("Assign &to"), self.assignee)
        form.addRow(_("During disruptio&n"), self.notice)
        form.addRow(_("&Kind"), self.kind)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)  # height beyond the contents goes here, not between the rows
        layout.addWidget(buttons)

    def _combo(self, name: str, codes: tuple[str, ...], label: Callable[[str], str]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        self._fill(combo, codes, label)
        return combo

    def _fill(self, combo: QComboBox, codes: tuple[str, ...], label: Callable[[str], str]) -> None:
        """The choices, after an empty "— kies —": the agent answers, nothing is assumed."""
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("— choose —"), None)
        for code in codes:
            combo.addItem(label(code), code)
        combo.blockSignals(False)

    # --- caller ----------------------------------------------------------------------------
    def _lookup(self, text: str) -> None:
        self._matches = self.directory.find(text, 20)
        self._completions.setStringList([self._describe(m) for m in self._matches])

    def _describe(self, match: EmployeeMatch) -> str:
        contact = match.email or match.phone or ""
        org = self._name("org", match.org)
        return f"{match.name} — {contact} ({org})" if contact else match.name

    def _name(self, kind: str, key: str | None) -> str:
        """The name of an organisation or location (read once per kind), not its id; the
        id where the cache has no name for it."""
        if not key:
            return ""
        names = self._names.get(kind)
        if names is None:
            try:
                records = self.store.references(kind)
            except Exception:  # a cache still filling in: the id is still an answer
                records = {}
            names = {k: str(fields.get("name") or k) for k, fields in records.items()}
            self._names[kind] = names
        return names.get(key, key)

    def _caller_chosen(self, text: str) -> None:
        match = next((m for m in self._matches if self._describe(m) == text), None)
        if match is not None:
            self.choose_caller(match)

    def _caller_typed(self) -> None:
        if self.caller is not None and self.caller_edit.text() == self._describe(self.caller):
            return
        matches = self.directory.find(self.caller_edit.text(), 2)
        if len(matches) == 1:
            self.choose_caller(matches[0])

    def _caller_settled(self) -> bool:
        """Whether the caller field names the chosen caller; if not, says why Enter stays
        there (nothing typed, no match, several) under the field."""
        text = self.caller_edit.text().strip()
        if self.caller is not None and text == self._describe(self.caller):
            return True
        if not text:
            why = _("Type part of the caller's name, e-mail address or phone number first.")
        elif not self.directory.find(text, 1):
            why = _(
                "No employee matches “{text}”: check the spelling, or search by e-mail "
                "address or phone number."
            ).format(text=text)
        else:
            why = _("Several employees match “{text}”: choose one from the list.").format(text=text)
            self._lookup(text)
            completer = self.caller_edit.completer()
            if completer is not None:
                completer.complete()
        self.caller_info.setStyleSheet(f"color: {labels.RED.name()}")
        self.caller_info.setText(why)
        self.caller_edit.setAccessibleDescription(why)  # read out with the field
        fit_height(self)
        return False

    def choose_caller(self, match: EmployeeMatch) -> None:
        """The caller decides the organisation, and with it the contract profile."""
        self.caller = match
        self.caller_edit.setText(self._describe(match))
        details = [
            self._name("org", match.org),
            match.role or "",
            self._name("location", match.location),
        ]
        self.caller_info.setStyleSheet("")
        self.caller_edit.setAccessibleDescription("")
        self.caller_info.setText(" · ".join(part for part in details if part))
        self.caller_phone.setText(match.phone or "–")
        self._offer_notices(match)
        fit_height(self)
        try:
            profile = self.store.organisation_contract(match.org)
        except Exception:
            profile = None
        self._set_profile(profile)

    def _offer_notices(self, match: EmployeeMatch) -> None:
        """The open notices of the caller's organisation, the caller's own first (read on a
        worker thread; a later caller's list replaces an earlier one)."""
        store = self.store
        self._notice_reads.run(
            lambda: notices_for_caller(store, match.org, match.team, match.location),
            self._notices_read,
        )

    def _notices_read(self, found: list[Notice]) -> None:
        self.notice.clear()
        self.notice.addItem(_("— none —"), None)
        for notice in found:
            self.notice.addItem(f"{kind_words(notice.kind)}: {notice.title}", notice.id)

    def _set_profile(self, profile: Profile | None) -> None:
        self.profile = profile
        impacts = profile.impacts if profile else ()
        urgencies = profile.urgencies if profile else ()
        self._fill(self.impact, impacts, labels.impact)
        self._fill(self.urgency, urgencies, labels.urgency)
        self.priority.blockSignals(True)
        self.priority.clear()
        for code in profile.priorities if profile else ():
            self.priority.addItem(code, code)
        self.priority.blockSignals(False)
        self.security.setEnabled(bool(profile and profile.security_priority))
        self._update_suggestion()

    # --- priority --------------------------------------------------------------------------
    def suggested(self) -> str | None:
        impact, urgency = self.impact.currentData(), self.urgency.currentData()
        if self.profile is None or impact is None or urgency is None:
            return None
        return suggested_priority(self.profile, impact, urgency, self.security.isChecked())

    def _update_suggestion(self) -> None:
        suggestion = self.suggested()
        self.suggestion.setText(suggestion or "–")
        self.priority.blockSignals(True)
        self.priority.setCurrentIndex(self.priority.findData(suggestion) if suggestion else -1)
        self.priority.blockSignals(False)
        self._priority_changed()

    def _priority_changed(self) -> None:
        overriding = self.priority.currentData() not in (None, self.suggested())
        self.override_reason.setEnabled(overriding)
        if not overriding:
            self.override_reason.clear()

    # --- keyboard --------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter moves to the next field; on the last field (the priority, or the reason when
        overriding) it saves. Escape cancels, as in every dialog."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            last = self.override_reason if self.override_reason.isEnabled() else self.priority
            if self.focusWidget() is self.caller_edit and not self._caller_settled():
                return  # it says why, next to the field
            if self.focusWidget() in (last, self.assignee, self.notice, self.kind):
                self.save()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)

    # --- save ------------------------------------------------------------------------------
    def intake(self) -> Intake:
        kind, change_type = self.kind.currentData() or ("incident", None)
        return Intake(
            caller=self.caller.id if self.caller else "",
            summary=self.summary.text(),
            channel=self.channel.currentData() or "",
            category=self.category.currentData() or "",
            impact=self.impact.currentData() or "",
            urgency=self.urgency.currentData() or "",
            security=self.security.isChecked(),
            priority_override=self.priority.currentData(),
            override_reason=self.override_reason.text(),
            assignee=self.assignee.currentData(),
            notice=self.notice.currentData(),
            kind=kind,
            change_type=change_type,
        )

    def save(self) -> None:
        """Checks and records the form on a worker thread: the look-ups of the caller and
        the contract, then the report (and its override) with their outbox rows in one
        transaction. The dialog closes once that committed; the list, the other windows
        and the sync hear of it after that. A form error is shown next to its field and
        nothing is recorded."""
        if self._saving:
            return
        intake, actor, now, store = self.intake(), self.actor, self.clock(), self.store
        if not intake.caller:  # no look-up needed to say so
            self.show_error(DeskInputError("caller", Msg.CHOOSE_CALLER))
            return
        self._saving = True
        self.error.setText("")
        self.save_button.setEnabled(False)
        ChangeHub.of(store).run(
            lambda: record_intake(store, intake, actor, now), self._saved, self._failed
        )

    def show_error(self, error: DeskInputError) -> None:
        self.error.setText(labels.error_text(error))
        fit_height(self)
        target = {
            "caller": self.caller_edit,
            "summary": self.summary,
            "channel": self.channel,
            "category": self.category,
            "impact": self.impact,
            "urgency": self.urgency,
            "priority": self.priority,
            "override_reason": self.override_reason,
            "to": self.assignee,
            "notice": self.notice,
            "kind": self.kind,
            "change_type": self.kind,
        }.get(error.field)
        if target is not None:
            target.setFocus()

    def _saved(self, ticket_id: str) -> None:
        self.accept()  # closed first: what follows (the ticket opening) comes after
        self.saved.emit(ticket_id)

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, DeskInputError):
            self.show_error(exc)
        else:
            self.error.setText(_("Saving failed: {error}").format(error=labels.error_text(exc)))
