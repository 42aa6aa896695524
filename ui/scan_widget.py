"""The scan station tab of the logistics window: one always-focused field for a
keyboard-wedge scanner, its step (ship, receive, issue) and the answer in colour with a
beep. A view on halt_desk.logistics.scan_station; scans are handled on a worker."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from halt_desk.i18n import N_, _
from halt_desk.logistics.scan_station import ScanOutcome, ScanSession, ScanStep, Verdict
from ui import labels
from ui.changes import ChangeHub
from ui.swap_queue import BAD, GOOD, NEXT

SCAN_STEPS: tuple[tuple[ScanStep, str, str], ...] = (
    (ScanStep.SHIP, N_("Ship"), "F2"),
    (ScanStep.RECEIVE, N_("Receive"), "F3"),
    (ScanStep.ISSUE, N_("Issue onsite"), "F4"),
)


class ScanWidget(QWidget):
    """One always-focused field for a keyboard-wedge scanner (a burst of keys and Enter).
    Scans are handled one after the other on a worker; the answer shows in colour with a
    beep (one for good, two for a problem)."""

    def __init__(
        self,
        session: ScanSession,
        parent: QWidget | None = None,
        on_recorded: Callable[[], None] | None = None,
        hub: ChangeHub | None = None,
    ) -> None:
        """A scan that records events is broadcast through `hub` (default: its cache's)."""
        super().__init__(parent)
        self.session = session
        self.on_recorded = on_recorded
        self.hub = hub or ChangeHub.of(session.store)
        self.sound: Callable[[], None] = QApplication.beep
        self.outcomes: list[ScanOutcome] = []
        self._queue: list[str] = []
        self._busy = False

        self.steps = QButtonGroup(self)
        step_row = QHBoxLayout()
        for step, label, shortcut in SCAN_STEPS:
            button = QRadioButton(f"{_(label)} ({shortcut})")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setShortcut(QKeySequence(shortcut))
            button.setChecked(step is session.step)
            button.toggled.connect(lambda on, s=step: self._step_toggled(on, s))
            self.steps.addButton(button)
            step_row.addWidget(button)
        step_row.addStretch(1)

        self.input = QLineEdit()
        self.input.setAccessibleName(_("Scan field"))
        self.input.setPlaceholderText(_("Scan an asset tag, serial number or shipping label…"))
        font = self.input.font()
        font.setPointSize(font.pointSize() + 6)
        self.input.setFont(font)
        self.input.returnPressed.connect(self.submit)
        self.input.installEventFilter(self)

        self.feedback = QLabel(_("Ready to scan."))
        self.feedback.setAccessibleName(_("Scan result"))
        self.feedback.setWordWrap(True)
        self.feedback.setMinimumHeight(64)
        big = self.feedback.font()
        big.setPointSize(big.pointSize() + 4)
        big.setBold(True)
        self.feedback.setFont(big)
        self.history = QListWidget()
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history.setAccessibleName(_("Earlier scans"))

        layout = QVBoxLayout(self)
        layout.addLayout(step_row)
        layout.addWidget(self.input)
        layout.addWidget(self.feedback)
        layout.addWidget(self.history, 1)
        self._refocus = QTimer(self)
        self._refocus.timeout.connect(self._keep_focus)
        self._refocus.start(250)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """F2–F4 in the scan field choose the step (some scanners send them too)."""
        if watched is self.input and event.type() == QEvent.Type.KeyPress:
            key = QKeySequence(event.key()).toString()  # type: ignore[attr-defined]
            for button, (*_ignored, shortcut) in zip(self.steps.buttons(), SCAN_STEPS, strict=True):
                if key == shortcut:
                    button.setChecked(True)
                    return True
        return super().eventFilter(watched, event)

    def _step_toggled(self, on: bool, step: ScanStep) -> None:
        if on:
            self.set_step(step)

    def set_step(self, step: ScanStep) -> None:
        self.session.set_step(step)
        names = {s: label for s, label, _ignored in SCAN_STEPS}
        self._show(_("Step: {step}. Go ahead and scan.").format(step=_(names[step])), NEXT)
        self.input.setFocus()

    def _keep_focus(self) -> None:
        """The field keeps the focus while this screen is shown: a scanner types blind."""
        window = self.window()
        if (
            self.isVisible()
            and window.isActiveWindow()
            and QApplication.activeModalWidget() is None
        ) and not self.input.hasFocus():
            self.input.setFocus()

    def submit(self) -> None:
        text = self.input.text()
        self.input.clear()
        if not text.strip():
            return
        if not self.session.depot:
            self._show(_("Choose the depot of this workstation first."), BAD)
            return
        self._queue.append(text)
        self._next()

    def _next(self) -> None:
        if self._busy or not self._queue:
            return
        self._busy = True
        text = self._queue.pop(0)
        session = self.session
        self.hub.run(
            lambda: session.handle(text),
            self._done,
            self._failed,
            recorded=lambda outcome: bool(outcome.events),
        )

    def _done(self, outcome: ScanOutcome) -> None:
        self._busy = False
        self.outcomes.append(outcome)
        message = outcome.message()
        colour = GOOD if outcome.verdict is Verdict.GOOD else NEXT if outcome.ok else BAD
        self._show(message, colour)
        self.history.insertItem(0, message)
        item = self.history.item(0)
        if item is not None:
            item.setForeground(colour)
        self.sound()
        if not outcome.ok:
            QTimer.singleShot(180, self.sound)
        if outcome.events and self.on_recorded is not None:
            self.on_recorded()
        self._next()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self._show(labels.error_text(exc), BAD)
        self.sound()
        self._next()

    def _show(self, text: str, colour: QColor) -> None:
        self.feedback.setText(text)
        self.feedback.setStyleSheet(
            f"color: white; background: {colour.name()}; padding: 8px; border-radius: 4px"
        )
