"""The P1-uplift dialog (DESIGN §2.3): the three criteria, the role type and a required
motivation; it says why it would refuse before the agent records, and records both
outcomes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

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
from halt_desk.store import Store
from ui import labels
from ui.changes import ChangeHub


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
        title = self.tr("P1-uplift voor één medewerker — {ticket}")
        self.setWindowTitle(title.format(ticket=ticket_id))
        self.setMinimumWidth(600)
        intro = QLabel(
            self.tr(
                "Een melding die één medewerker treft wordt P1 als alle drie de criteria "
                "gelden. Leg de motivatie schriftelijk vast; ook een afwijzing wordt vastgelegd."
            )
        )
        intro.setWordWrap(True)
        self.critical_role = QCheckBox(
            self.tr("1. De medewerker heeft nu een kritieke rol of tijdkritische verplichting")
        )
        self.direct_impact = QCheckBox(
            self.tr("2. Er is directe impact op continuïteit, veiligheid, publieke taak of imago")
        )
        self.cannot_work = QCheckBox(self.tr("3. De medewerker kan de taak niet uitvoeren"))
        self.role_type = QComboBox()
        self.role_type.setAccessibleName(self.tr("Soort rol"))
        self.role_type.addItem(self.tr("— kies —"), None)
        for role in RoleType:
            self.role_type.addItem(labels.role_type(role.value), role.value)
        self.role_explanation = QLineEdit()
        self.role_explanation.setAccessibleName(self.tr("Toelichting op de rol"))
        self.motivation = QPlainTextEdit()
        self.motivation.setAccessibleName(self.tr("Motivatie"))
        self.motivation.setPlaceholderText(
            self.tr("Bijvoorbeeld: geeft over een uur voorlichting aan een schoolklas.")
        )
        self.motivation.setTabChangesFocus(True)
        self.motivation.setFixedHeight(80)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName(self.tr("Uitkomst"))

        form = QFormLayout()
        form.addRow(self.critical_role)
        form.addRow(self.direct_impact)
        form.addRow(self.cannot_work)
        form.addRow(self.tr("Soort &rol"), self.role_type)
        form.addRow(self.tr("&Toelichting"), self.role_explanation)
        form.addRow(self.tr("&Motivatie"), self.motivation)
        buttons = QDialogButtonBox()
        self.record_button = buttons.addButton(
            self.tr("Besluit vastleggen"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(self.tr("Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.record)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addWidget(buttons)

        for box in (self.critical_role, self.direct_impact, self.cannot_work):
            box.toggled.connect(self._preview)
        self.role_type.currentIndexChanged.connect(self._preview)
        self.role_explanation.textChanged.connect(self._preview)
        self.motivation.textChanged.connect(self._preview)
        self._preview()

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
            self.verdict.setText(
                self.tr("Toegekend: de melding wordt P1 met het label “{label}”.").format(
                    label=labels.uplift_label()
                )
            )
        else:
            reasons = "\n".join(f"• {labels.refusal(r.value)}" for r in decision.reasons)
            self.verdict.setStyleSheet("color: #b3261e")
            self.verdict.setText(self.tr("Wordt afgewezen:") + "\n" + reasons)

    def record(self) -> None:
        request = self.request()
        if not request.motivation.strip():
            self.verdict.setText(self.tr("Een schriftelijke motivatie is verplicht."))
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
