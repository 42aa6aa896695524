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

from halt_desk.logistics.scan_station import ScanOutcome, ScanSession, ScanStep, Verdict
from ui import labels
from ui.changes import ChangeHub
from ui.labels import QT_TRANSLATE_NOOP
from ui.swap_queue import BAD, GOOD, NEXT, tr

SCAN_STEPS: tuple[tuple[ScanStep, str, str], ...] = (
    (ScanStep.SHIP, QT_TRANSLATE_NOOP("Logistics", "Verzenden"), "F2"),
    (ScanStep.RECEIVE, QT_TRANSLATE_NOOP("Logistics", "Ontvangen"), "F3"),
    (ScanStep.ISSUE, QT_TRANSLATE_NOOP("Logistics", "Uitgeven op locatie"), "F4"),
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
            button = QRadioButton(f"{tr(label)} ({shortcut})")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setShortcut(QKeySequence(shortcut))
            button.setChecked(step is session.step)
            button.toggled.connect(lambda on, s=step: self._step_toggled(on, s))
            self.steps.addButton(button)
            step_row.addWidget(button)
        step_row.addStretch(1)

        self.input = QLineEdit()
        self.input.setAccessibleName(self.tr("Scanveld"))
        self.input.setPlaceholderText(self.tr("Scan een assettag, serienummer of verzendlabel…"))
        font = self.input.font()
        font.setPointSize(font.pointSize() + 6)
        self.input.setFont(font)
        self.input.returnPressed.connect(self.submit)
        self.input.installEventFilter(self)

        self.feedback = QLabel(self.tr("Klaar om te scannen."))
        self.feedback.setAccessibleName(self.tr("Scanresultaat"))
        self.feedback.setWordWrap(True)
        self.feedback.setMinimumHeight(64)
        big = self.feedback.font()
        big.setPointSize(big.pointSize() + 4)
        big.setBold(True)
        self.feedback.setFont(big)
        self.history = QListWidget()
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history.setAccessibleName(self.tr("Eerdere scans"))

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
            for button, (_, _, shortcut) in zip(self.steps.buttons(), SCAN_STEPS, strict=True):
                if key == shortcut:
                    button.setChecked(True)
                    return True
        return super().eventFilter(watched, event)

    def _step_toggled(self, on: bool, step: ScanStep) -> None:
        if on:
            self.set_step(step)

    def set_step(self, step: ScanStep) -> None:
        self.session.set_step(step)
        names = {s: label for s, label, _ in SCAN_STEPS}
        self._show(self.tr("Stap: {step}. Scan maar.").format(step=tr(names[step])), NEXT)
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
            self._show(self.tr("Kies eerst het depot van deze werkplek."), BAD)
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
        message = outcome.message_nl if not labels.is_english() else outcome.message_en
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
