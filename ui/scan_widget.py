"""The scan station tab of the logistics window: one always-focused field for a
keyboard-wedge scanner (or the webcam, `ui.camera_scanner`), its step (ship, receive,
issue) and the answer: its own colour, symbol, heading and sound for a good scan, the next
scan wanted, an unknown code and a device in the wrong state. A view on
halt_desk.logistics.scan_station; scans are handled on a worker. Nothing here grows with
what was scanned: a pasted wall of text is refused, and the answer wraps or is cut."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QHideEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from halt_desk.i18n import N_, _
from halt_desk.logistics.scan_station import ScanOutcome, ScanSession, ScanStep, Verdict
from ui import labels
from ui.changes import ChangeHub
from ui.scan_sounds import ScanSounds
from ui.swap_queue import BAD, GOOD, NEXT

if TYPE_CHECKING:
    from ui.camera_scanner import CameraScanner

SCAN_STEPS: tuple[tuple[ScanStep, str, str], ...] = (
    (ScanStep.SHIP, N_("Ship"), "F2"),
    (ScanStep.RECEIVE, N_("Receive"), "F3"),
    (ScanStep.ISSUE, N_("Issue onsite"), "F4"),
)

#: An unknown code: grey, not red; nothing is wrong with a device, the code is not ours.
UNKNOWN = QColor("#546e7a")


@dataclass(frozen=True, slots=True)
class Look:
    """How an answer looks: its colour, the symbol in its badge and the badge's shape (a
    circle, or an octagon like a stop sign), and its heading."""

    colour: QColor
    symbol: str
    heading: str
    stop: bool = False


LOOKS: dict[Verdict | None, Look] = {
    Verdict.GOOD: Look(GOOD, "✓", N_("Done")),
    Verdict.NEXT: Look(NEXT, "→", N_("Next scan")),
    Verdict.UNKNOWN: Look(UNKNOWN, "?", N_("Unknown code")),
    Verdict.WRONG_STATE: Look(BAD, "!", N_("Not possible now"), stop=True),
    None: Look(BAD, "✕", N_("Failed"), stop=True),  # the scan could not be handled
}
BADGE = 56


_badges: dict[tuple[str, str, bool], QPixmap] = {}


def badge(look: Look) -> QPixmap:
    """The answer's symbol: white on its colour, in a circle or an octagon (drawn once)."""
    key = (look.symbol, look.colour.name(), look.stop)
    if key in _badges:
        return _badges[key]
    pixmap = QPixmap(BADGE * 2, BADGE * 2)  # sharp on a high-density screen too
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("white"))
    painter.setBrush(QColor("white"))
    if look.stop:
        r, c = BADGE / 2 - 2, 0.4142 * (BADGE / 2 - 2)
        m = BADGE / 2
        points = [(-c, -r), (c, -r), (r, -c), (r, c), (c, r), (-c, r), (-r, c), (-r, -c)]
        painter.drawPolygon(QPolygonF([QPointF(m + x, m + y) for x, y in points]))
    else:
        painter.drawEllipse(2, 2, BADGE - 4, BADGE - 4)
    font = QFont()
    font.setPixelSize(34)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(look.colour)
    painter.drawText(0, 0, BADGE, BADGE, Qt.AlignmentFlag.AlignCenter, look.symbol)
    painter.end()
    _badges[key] = pixmap
    return pixmap


class ScanWidget(QWidget):
    """One always-focused field for a keyboard-wedge scanner (a burst of keys and Enter),
    and the webcam for a laptop without one (F6). Scans are handled one after the other on
    a worker; the answer shows in its own colour, badge and heading, with its own sound."""

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
        self.sounds = ScanSounds(self)
        self.sound: Callable[[Verdict], None] = self.sounds.play
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
        self.camera_button = QPushButton(_("Camera (F6)"))
        self.camera_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.camera_button.setCheckable(True)
        self.camera_button.setShortcut(QKeySequence("F6"))
        self.camera_button.toggled.connect(self._camera_toggled)
        step_row.addWidget(self.camera_button)

        self.input = QLineEdit()
        self.input.setAccessibleName(_("Scan field"))
        self.input.setPlaceholderText(_("Scan an asset tag, serial number or shipping label…"))
        font = self.input.font()
        font.setPointSize(font.pointSize() + 6)
        self.input.setFont(font)
        self.input.returnPressed.connect(self.submit)
        self.input.installEventFilter(self)

        self.camera: CameraScanner | None = None  # made on the first F6 (QtMultimedia)
        self._build_answer()
        self.history = QListWidget()
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history.setAccessibleName(_("Earlier scans"))
        self.history.setTextElideMode(Qt.TextElideMode.ElideRight)  # one line each, cut
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        layout = QVBoxLayout(self)
        layout.addLayout(step_row)
        layout.addWidget(self.input)
        layout.addWidget(self.answer)
        middle = QHBoxLayout()
        middle.addWidget(self.history, 1)
        layout.addLayout(middle, 1)
        self._beside_history = middle
        self._refocus = QTimer(self)
        self._refocus.timeout.connect(self._keep_focus)
        self._refocus.start(250)

    def _build_answer(self) -> None:
        """The answer: a badge (symbol and shape), a heading and the message, on the
        answer's colour; wrapped at the width it has, never asking for more."""
        self.answer = QFrame()
        self.answer.setObjectName("answer")
        self.icon = QLabel()
        self.icon.setFixedSize(BADGE, BADGE)
        self.heading = QLabel()
        self.heading.setAccessibleName(_("Kind of scan result"))
        heading_font = self.heading.font()
        heading_font.setPointSize(heading_font.pointSize() + 6)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.feedback = QLabel(_("Ready to scan."))
        self.feedback.setAccessibleName(_("Scan result"))
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.TextFormat.PlainText)
        self.feedback.setMinimumHeight(40)
        big = self.feedback.font()
        big.setPointSize(big.pointSize() + 4)
        big.setBold(True)
        self.feedback.setFont(big)
        for label in (self.heading, self.feedback):  # width from the layout, not the text
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        text = QVBoxLayout()
        text.setContentsMargins(0, 0, 0, 0)
        text.addWidget(self.heading)
        text.addWidget(self.feedback)
        row = QHBoxLayout(self.answer)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        self.answer.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.answer.setAutoFillBackground(True)
        palette = self.answer.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor("white"))  # on every colour
        self.answer.setPalette(palette)
        self._show(_("Ready to scan."), Verdict.NEXT, prompt=True)

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
        step_text = _("Step: {step}. Go ahead and scan.").format(step=_(names[step]))
        self._show(step_text, Verdict.NEXT, prompt=True)
        self.input.setFocus()

    def _camera_toggled(self, on: bool) -> None:
        """The webcam beside the list of scans: what it reads is scanned like typed codes."""
        if self.camera is None:
            from ui.camera_scanner import CameraScanner  # QtMultimedia only when used

            self.camera = CameraScanner(self)
            self.camera.decoded.connect(self.submit_code)
            self._beside_history.addWidget(self.camera)
        self.camera.setVisible(on)
        if on:
            self.camera.start()
        else:
            self.camera.stop()
        self.input.setFocus()

    def hideEvent(self, event: QHideEvent) -> None:
        """Another tab or the window closed: the camera goes off (and its light with it)."""
        self.camera_button.setChecked(False)
        super().hideEvent(event)

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
        self.submit_code(text)

    def submit_code(self, text: str) -> None:
        """A code typed, sent by a wedge scanner or read by the camera: handled in turn."""
        if not text.strip():
            return
        if not self.session.depot:
            self._show(_("Choose the depot of this workstation first."), None)
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
        self._show(message, outcome.verdict)
        look = LOOKS[outcome.verdict]
        self.history.insertItem(0, f"{look.symbol}  {message}")
        item = self.history.item(0)
        if item is not None:
            item.setForeground(look.colour)
            item.setToolTip(message)
        self.sound(outcome.verdict)
        if outcome.events and self.on_recorded is not None:
            self.on_recorded()
        self._next()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self._show(labels.error_text(exc), None)
        self.sound(Verdict.WRONG_STATE)
        self._next()

    def _show(self, text: str, verdict: Verdict | None, *, prompt: bool = False) -> None:
        """The answer in the look of its kind (None: the scan failed); a `prompt` (ready,
        step chosen) has no heading."""
        look = LOOKS[verdict]
        heading = "" if prompt else _(look.heading)
        self.heading.setText(heading)
        self.heading.setVisible(bool(heading))
        self.icon.setPixmap(badge(look))
        self.icon.setAccessibleName(_(look.heading))
        self.feedback.setText(text)
        self.feedback.setToolTip(text)
        palette = self.answer.palette()  # a palette, not a style sheet: no re-polish
        palette.setColor(QPalette.ColorRole.Window, look.colour)
        self.answer.setPalette(palette)

    def answer_colour(self) -> str:
        """The colour of the answer shown ("#1b5e20")."""
        return self.answer.palette().color(QPalette.ColorRole.Window).name()
