"""A progress dialog for long work on a worker thread (a report, a sheet of labels): the
core tells `WorkProgress` how far it is (`progress(done, total)`, from any thread), the
dialog shows it in the UI thread. It appears only when the work takes longer than half a
second, so quick work does not flash a window."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from halt_desk.i18n import grouped

#: Work shorter than this never shows the dialog.
SHOW_AFTER_MS = 500


class WorkProgress(QObject):
    """Call it as the core's progress callback; `finish()` when the work ended."""

    _step = Signal(int, int)

    def __init__(
        self,
        parent: QWidget,
        label: str,
        *,
        counted: str | None = None,
        show_after_ms: int = SHOW_AFTER_MS,
    ) -> None:
        """`label` says what is made; `counted` ("{done} van {total} labels"), when given,
        is shown below it with the numbers of each report."""
        super().__init__(parent)
        self.label, self.counted = label, counted
        self.dialog = QProgressDialog(label, "", 0, 0, parent)
        self.dialog.setMinimumWidth(380)
        self.dialog.setWindowTitle(label)
        self.dialog.setAccessibleName(label)
        self.dialog.setCancelButton(None)  # the core's work cannot stop half-way
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(show_after_ms)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setValue(0)  # starts the minimum-duration timer
        self.steps: list[tuple[int, int]] = []  # every report shown, in order
        self.finished = False
        # Emitted on the worker thread, received here in the UI thread (queued).
        self._step.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def __call__(self, done: int, total: int) -> None:
        self._step.emit(done, total)

    def _show(self, done: int, total: int) -> None:
        if self.finished:
            return
        self.steps.append((done, total))
        if self.counted is not None:  # before setValue: a modal one handles events in it
            count = self.counted.format(done=grouped(done), total=grouped(total))
            self.dialog.setLabelText(f"{self.label}\n{count}")
        if self.dialog.maximum() != total:
            self.dialog.setMaximum(total)
        self.dialog.setValue(min(done, total))

    def finish(self) -> None:
        self.finished = True
        self.dialog.reset()
        self.dialog.hide()
