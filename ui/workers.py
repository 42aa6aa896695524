"""The one way to leave the UI thread: `run_in_background(fn, on_done, on_error)`.

`fn` runs on Qt's global thread pool; its result (or exception) comes back to the UI thread
through a queued signal, so slots never run on the worker thread and the UI never waits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, SignalInstance

log = logging.getLogger(__name__)

#: Tasks still running: keeps their signal objects alive until the result is delivered.
_running: set[_Task] = set()


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # handed to on_error in the UI thread
            self._deliver(self.signals.failed, exc)
        else:
            self._deliver(self.signals.done, result)

    @staticmethod
    def _deliver(signal: SignalInstance, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the app closed while the task ran: nobody to tell
            log.debug("background result dropped: the receiver is gone")


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    """Runs `fn()` on a worker thread; `on_done(result)` or `on_error(exc)` in the UI thread."""
    task = _Task(fn)

    def finished(result: Any) -> None:
        _running.discard(task)
        with _receiver_gone_is_fine():
            on_done(result)

    def failed(exc: BaseException) -> None:
        _running.discard(task)
        if on_error is None:
            log.error("background task failed", exc_info=exc)
        else:
            with _receiver_gone_is_fine():
                on_error(exc)

    task.signals.done.connect(finished, Qt.ConnectionType.QueuedConnection)
    task.signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
    _running.add(task)
    QThreadPool.globalInstance().start(task)


def wait_for_background(timeout_ms: int = 30_000) -> bool:
    """Waits for every running task (closing the app, and tests)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


@contextmanager
def _receiver_gone_is_fine() -> Iterator[None]:
    """A result for a window closed while its task ran has nobody to show it to: dropped.
    Any other error in the receiver still surfaces."""
    try:
        yield
    except RuntimeError as exc:
        if "already deleted" not in str(exc):
            raise
        log.debug("background result dropped: its window was closed")


class LatestOnly:
    """The background reads of one screen, one at a time: asked again while one runs, only
    the newest waiting read runs after it, so an older answer never lands after a newer one
    (broadcasts can come in bursts)."""

    def __init__(self) -> None:
        self._running = False
        self._waiting: (
            tuple[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None] | None]
            | None
        ) = None

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        if self._running:
            self._waiting = (fn, on_done, on_error)
            return
        self._running = True

        def done(result: Any) -> None:
            try:
                on_done(result)
            finally:
                self._next()

        def failed(exc: BaseException) -> None:
            try:
                if on_error is None:
                    log.error("background read failed", exc_info=exc)
                else:
                    on_error(exc)
            finally:
                self._next()

        run_in_background(fn, done, failed)

    def _next(self) -> None:
        self._running = False
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self.run(*waiting)
