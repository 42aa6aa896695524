"""The P1-uplift dialog (DESIGN §2.3): the three criteria, the role type and a required
motivation; it says why it would refuse before the agent records, and records both
outcomes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import product

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from halt_desk.desk.actions import record_uplift
from halt_desk.domain.uplift import RoleType, UpliftDecision, UpliftRequest, decide_uplift
from halt_desk.i18n import _
from halt_desk.store import Store
from ui import labels
from ui.changes import ChangeHub
from ui.text_limits import limit_text
from ui.wrapped_label import WrappedLabel, fit_height


class UpliftDialog(QDialog):
    """Emits `decided(decision)` once the decision is recorded."""

    decided = Signal(object)

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
        title = _("P1 uplift for one employee — {ticket}")
        self.setWindowTitle(title.format(ticket=ticket_id))
        self.setMinimumWidth(600)
        intro = QLabel(
            _(
                "A ticket that hits one employee becomes P1 when all three "
                "criteria hold. Write down the motivation; a refusal is "
                "recorded too."
            )
        )
        intro.setWordWrap(True)
        self.critical_role = QCheckBox(
            _("1. The employee has a critical role or time-critical obligation now")
        )
        self.direct_impact = QCheckBox(
            _("2. There is direct impact on continuity, safety, the public task or reputation")
        )
        self.cannot_work = QCheckBox(_("3. The employee cannot do the task"))
        self.role_type = QComboBox()
        self.role_type.setAccessibleName(_("Role type"))
        self.role_type.addItem(_("— choose —"), None)
        for role in RoleType:
            self.role_type.addItem(labels.role_type(role.value), role.value)
        self.role_explanation = QLineEdit()
        self.role_explanation.setAccessibleName(_("Explanation of the role"))
        self.motivation = QPlainTextEdit()
        self.motivation.setAccessibleName(_("Motivation"))
        self.motivation.setPlaceholderText(
            _("For example: gives a talk to a school class in an hour.")
        )
        self.motivation.setTabChangesFocus(True)
        self.motivation.setFixedHeight(80)
        limit_text(self.role_explanation, "role_explanation")
        self.motivation_counter = limit_text(self.motivation, "motivation")
        # Keeps the room of the longest outcome: the form and buttons never move.
        self.verdict = WrappedLabel(reserved=longest_verdicts())
        self.verdict.setAccessibleName(_("Outcome"))

        form = QFormLayout()
        form.addRow(self.critical_role)
        form.addRow(self.direct_impact)
        form.addRow(self.cannot_work)
        form.addRow(_("&Role type"), self.role_type)
        form.addRow(_("&Explanation"), self.role_explanation)
        form.addRow(_("&Motivation"), self.motivation)
        if self.motivation_counter is not None:
            form.addRow("", self.motivation_counter)
        buttons = QDialogButtonBox()
        self.record_button = buttons.addButton(
            _("Record decision"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.record)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addStretch(1)  # room the dialog has beyond its contents stays below them
        layout.addWidget(buttons)

        for box in (self.critical_role, self.direct_impact, self.cannot_work):
            box.toggled.connect(self._preview)
        self.role_type.currentIndexChanged.connect(self._preview)
        self.role_explanation.textChanged.connect(self._preview)
        self.motivation.textChanged.connect(self._preview)
        self._preview()
        self.resize(self.minimumWidth(), self.heightForWidth(self.minimumWidth()))

    def request(self) -> UpliftRequest:
        return UpliftRequest(
            critical_role=self.critical_role.isChecked(),
            direct_impact=self.direct_impact.isChecked(),
            cannot_work=self.cannot_work.isChecked(),
            role_type=RoleType(code) if (code := self.role_type.currentData()) else None,
            motivation=self.motivation.toPlainText(),
            role_explanation=self.role_explanation.text(),
        )

    def _preview(self) -> None:
        """Shows, while the agent answers, whether the uplift would be granted, or why not."""
        decision = decide_uplift(self.request())
        self.role_explanation.setEnabled(self.role_type.currentData() == RoleType.OTHER.value)
        if decision.granted:
            self.verdict.setStyleSheet("color: #1e7b34; font-weight: bold")
        else:
            self.verdict.setStyleSheet("color: #b3261e")
        self.verdict.setText(verdict_text(decision))

    def record(self) -> None:
        request = self.request()
        if not request.motivation.strip():
            self.verdict.setText(_("A written motivation is required."))
            self.motivation.setFocus()
            return
        self.record_button.setEnabled(False)
        store, ticket_id, actor, now = self.store, self.ticket_id, self.actor, self.clock()
        ChangeHub.of(store).run(
            lambda: record_uplift(store, ticket_id, request, actor, now),
            self._recorded,
            self._failed,
        )

    def _recorded(self, decision: UpliftDecision) -> None:
        self.decided.emit(decision)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.record_button.setEnabled(True)
        self.verdict.setText(labels.error_text(exc))
        fit_height(self)  # an error longer than the longest refusal still shows whole


def verdict_text(decision: UpliftDecision) -> str:
    if decision.granted:
        return _("Granted: the ticket becomes P1 with the label “{label}”.").format(
            label=labels.uplift_label()
        )
    reasons = "\n".join(f"• {labels.refusal(r.value)}" for r in decision.reasons)
    return _("Will be refused:") + "\n" + reasons


def longest_verdicts() -> list[str]:
    """The outcomes with the most refusal reasons the rules can give at once (every
    combination of answers tried: the rules decide, not a copy of them here)."""
    texts = set()
    for critical, impact, cannot, role, explained, motivated in product(
        (False, True), (False, True), (False, True), (None, *RoleType), (False, True), (False, True)
    ):
        request = UpliftRequest(
            critical_role=critical,
            direct_impact=impact,
            cannot_work=cannot,
            role_type=role,
            motivation="x" * 200 if motivated else "",
            role_explanation="x" if explained else "",
        )
        texts.add(verdict_text(decide_uplift(request)))
    most = max(text.count("\n") for text in texts)
    return sorted(text for text in texts if text.count("\n") == most)
