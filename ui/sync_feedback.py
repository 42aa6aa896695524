"""What sync tells the person in a window's status bar: that a round they asked for (F9)
started and how it ended, and how far a long pull or push is — events of the total and the
time left, on a progress bar — while it runs.

Words come from `halt_desk.sync.progress` (the same as `halt-desk sync --once` prints on a
terminal); the time left from `TimeLeft`, fed with every report of the sync process.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from halt_desk.i18n import _
from halt_desk.sync import (
    SyncProgress,
    SyncSummary,
    TimeLeft,
    progress_text,
    restore_text,
    round_text,
)
from ui.sync_controller import SyncController

#: A pull or push shows its bar when it has at least this many events (or seqs) to go
#: at its start: a first sync, a long absence, an evening of offline work. Shorter ones
#: end before a bar could be read.
SHOW_FROM = 5000
#: Steps of the bar (a thousandth each).
BAR_STEPS = 1000
#: How long the end of a round asked for stays in the status bar.
END_MESSAGE_MS = 15_000


class SyncFeedback(QObject):
    """The status bar `bar`'s sync feedback for `sync`: a label and a progress bar (hidden
    while nothing long runs), and the messages of rounds asked for with `sync_now()`."""

    def __init__(
        self,
        bar: QStatusBar,
        sync: SyncController,
        *,
        show_from: int = SHOW_FROM,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(bar)
        self.status_bar, self.sync = bar, sync
        self.show_from = show_from
        self._monotonic = monotonic
        self.text = QLabel()
        self.text.setAccessibleName(_("Sync progress"))
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName(_("Sync progress"))
        self.progress_bar.setRange(0, BAR_STEPS)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(180)
        bar.addPermanentWidget(self.text)
        bar.addPermanentWidget(self.progress_bar)
        self.text.hide()
        self.progress_bar.hide()
        self.asked: int | None = None  # the request of the round the person asked for
        self.last_message = ""  # the last start or end message shown (for tests, a11y)
        self._time_left = TimeLeft()
        self._showing = False
        sync.progress.connect(self.show_progress)
        sync.round_done.connect(self._round_done)

    # --------------------------------------------------------------- asked rounds
    def sync_now(self) -> None:
        """A round now, said in the status bar: "Synchroniseren…" until it ends."""
        self._message(_("Syncing…"), 0)
        self.asked = 0  # without a sync process the answer comes before `sync_now` returns
        request = self.sync.sync_now()
        if self.asked is not None:
            self.asked = request

    def _round_done(self, request: int, summary: SyncSummary) -> None:
        self._hide_progress()
        if self.asked is not None and request >= self.asked:
            self.asked = None
            if summary.central_restored is not None:  # what the main window tells too
                self._message(restore_text(summary.central_restored), 60_000)
            else:
                self._message(round_text(summary), END_MESSAGE_MS)

    def _message(self, text: str, timeout: int) -> None:
        self.last_message = text
        self.status_bar.showMessage(text, timeout)

    # --------------------------------------------------------------- progress
    def show_progress(self, progress: SyncProgress) -> None:
        """Shows a report of the sync process; starts the bar when the phase is long."""
        left = self._time_left.observe(progress, self._monotonic())
        if progress.done == 0 and progress.cursor == progress.start:  # a phase begins
            span = progress.total if progress.phase == "push" else progress.left
            self._showing = span is not None and span >= self.show_from
            self.progress_bar.reset()
        if not self._showing:
            self._hide_progress()
            return
        fraction = progress.fraction
        if fraction is None:
            self.progress_bar.setRange(0, 0)  # busy, end unknown
        else:
            self.progress_bar.setRange(0, BAR_STEPS)
            self.progress_bar.setValue(max(self.progress_bar.value(), round(fraction * BAR_STEPS)))
        self.text.setText(progress_text(progress, left))
        self.progress_bar.setToolTip(self.text.text())
        self.text.show()
        self.progress_bar.show()

    def _hide_progress(self) -> None:
        self.text.hide()
        self.progress_bar.hide()
        self.progress_bar.reset()
        self.progress_bar.setRange(0, BAR_STEPS)

    @property
    def progress_visible(self) -> bool:
        return not self.progress_bar.isHidden()
