"""Runs the sync engine on its own thread and hands its callbacks to the UI as signals.

The engine (`halt_desk.sync.SyncEngine`) knows nothing of Qt; its callbacks fire on the
sync thread and only emit signals of this object, which lives in the UI thread, so every
connected slot runs in the UI thread (queued).
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

from halt_desk.sync import SyncEngine, SyncState, SyncSummary

#: Seconds between rounds while all is well (a recorded action wakes the engine at once).
SYNC_INTERVAL = 15.0


class SyncController(QObject):
    state_changed = Signal(str, str)  # SyncState value, detail
    progress = Signal(str, int, object)  # phase, done, total or None
    summary_ready = Signal(object)  # SyncSummary

    def __init__(self, interval: float = SYNC_INTERVAL) -> None:
        super().__init__()
        self.engine: SyncEngine | None = None
        self.interval = interval
        self.state = SyncState.IDLE
        self.last_summary: SyncSummary | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def callbacks(self) -> dict[str, Any]:
        """The engine's callbacks: `SyncEngine(..., **controller.callbacks())`."""
        return {
            "on_state": self._state,
            "on_progress": lambda phase, done, total: self.progress.emit(phase, done, total),
            "on_summary": self._summary,
        }

    def _state(self, state: SyncState, detail: str | None) -> None:
        self.state = state
        self.state_changed.emit(str(state), detail or "")

    def _summary(self, summary: SyncSummary) -> None:
        self.last_summary = summary
        self.summary_ready.emit(summary)

    def start(self, engine: SyncEngine) -> None:
        """Runs `engine` (made with `callbacks()`) until `stop()`."""
        if self._thread is not None:
            return
        self.engine = engine
        self._thread = threading.Thread(
            target=engine.run_forever,
            args=(self._stop,),
            kwargs={"interval": self.interval},
            name="halt-desk-sync",
            daemon=True,
        )
        self._thread.start()

    def sync_now(self) -> None:
        """Asks for a round now (after an action, or the user's "Nu synchroniseren")."""
        if self.engine is not None:
            self.engine.wake()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self.engine is not None:
            self.engine.wake()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
