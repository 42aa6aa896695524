"""Runs the sync engine in a child process and hands what it reports to the UI as signals.

Sync used to run on a thread of the app; its folds of pulled pages held Python's interpreter
lock long enough to stall the window for up to 400 ms. Now `halt-desk sync --worker`
(`halt_desk.background.sync_process`) does the work in a process of its own on the same
cache file, and this object only reads its JSON lines through a QProcess in the UI thread:
no thread of ours holds the lock while it syncs.

The token goes to the child over standard input, never on its command line or in its
environment. A child that dies is started again after a back-off that doubles up to a
minute, and the status bar says so meanwhile; `stop()` at app exit asks it to finish its
round and kills it if it does not, and a child whose parent vanished sees its standard
input close and exits by itself.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Qt, QTimer, Signal

from halt_desk.background.sync_process import reminder_from_json, summary_from_json, worker_command
from halt_desk.sync import Failure, ServerClock, SyncProgress, SyncState, SyncSummary
from halt_desk.sync.signin import SyncTarget

log = logging.getLogger(__name__)

#: Seconds between rounds while all is well (a recorded action wakes the worker at once).
SYNC_INTERVAL = 15.0
#: Seconds before the first restart of a child that died; doubles up to MAX_RESTART_DELAY.
FIRST_RESTART_DELAY = 1.0
MAX_RESTART_DELAY = 60.0
#: How long `stop()` lets the child finish its round before it is killed.
STOP_TIMEOUT = 10.0
#: How long `round()` waits for the child's answer.
ROUND_TIMEOUT = 300.0
#: Never handed to the child: `halt-desk report --server` reads a token from it.
_SECRET_VARIABLES = ("HALT_DESK_TOKEN",)


class SyncController(QObject):
    state_changed = Signal(str, str)  # SyncState value, detail
    progress = Signal(object)  # SyncProgress: after every batch pushed and page pulled
    summary_ready = Signal(object)  # SyncSummary
    #: request, SyncSummary: a round ended (or could not run) that served every request up
    #: to `request` (see `sync_now()`)
    round_done = Signal(int, object)
    data_changed = Signal()  # a page of pulled events is in the cache
    reminders_ready = Signal(int, object)  # request, list[Reminder] (see `reminders()`)
    housekeeping_done = Signal(object)  # list[str]: streams whose events it rewrote
    _round_asked = Signal(int)  # from `round()` on a worker thread to the UI thread

    def __init__(
        self,
        store_path: Path,
        clock: ServerClock | None = None,
        interval: float = SYNC_INTERVAL,
        *,
        command: list[str] | None = None,
    ) -> None:
        """`command` starts the worker (default: this program's `sync --worker` on
        `store_path`); `clock` takes the offset to central the worker measured."""
        super().__init__()
        self.store_path = store_path
        self.clock = clock
        self.interval = interval
        self.command = command or worker_command(store_path)
        self.state = SyncState.IDLE
        self.last_summary: SyncSummary | None = None
        self.restarts = 0
        self._target: SyncTarget | None = None
        self._process: QProcess | None = None
        self._stopping = False
        self._restart_delay = FIRST_RESTART_DELAY
        self._restart = QTimer(self)
        self._restart.setSingleShot(True)
        self._restart.timeout.connect(self._launch)
        self._requests = itertools.count(1)
        self._last_request = 0  # the highest request asked for
        self._waiting: dict[int, tuple[threading.Event, list[SyncSummary]]] = {}
        self._waiting_lock = threading.Lock()
        self._round_asked.connect(self._ask_round, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------ control
    @property
    def running(self) -> bool:
        """Started and not stopped (the child may be between a crash and its restart)."""
        return self._target is not None and not self._stopping

    @property
    def process_id(self) -> int | None:
        process = self._process
        if process is None or process.state() == QProcess.ProcessState.NotRunning:
            return None
        return int(process.processId())

    @property
    def target(self) -> SyncTarget | None:
        """Where this controller syncs to (None while it does not)."""
        return self._target

    def start(self, target: SyncTarget) -> None:
        """Starts the worker syncing to `target` until `stop()`."""
        if self._target is not None:
            return
        self._target = target
        self._stopping = False
        self._launch()

    def sync_now(self) -> int:
        """Asks for a round now (after an action, or the user's "Nu synchroniseren"); the
        round that serves it comes with `round_done` and a request number at least the one
        returned here."""
        request = next(self._requests)
        self._ask_round(request)
        return request

    def round(self, timeout: float = ROUND_TIMEOUT) -> SyncSummary:
        """One round, waited for: for a worker thread ("take today's work along"), never
        the UI thread (the answer arrives through it)."""
        request = next(self._requests)
        done = threading.Event()
        answer: list[SyncSummary] = []
        with self._waiting_lock:
            self._waiting[request] = (done, answer)
        self._round_asked.emit(request)
        if not done.wait(timeout):
            with self._waiting_lock:
                self._waiting.pop(request, None)
            return SyncSummary(SyncState.ERROR, error="the sync process did not answer")
        return answer[0]

    def reminders(self, now: datetime) -> int | None:
        """Asks the sync process for the reminders at `now` (evaluated there, off this
        process's interpreter lock); they come with `reminders_ready` and the request
        number returned here. None while no process runs (evaluate them here instead)."""
        if self._stopping or self.process_id is None:
            return None
        request = next(self._requests)
        self._send({"cmd": "reminders", "request": request, "now": now.isoformat()})
        return request

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Lets the worker finish its round and exit; kills it after `timeout` seconds."""
        self._stopping = True
        self._restart.stop()
        process = self._process
        if process is not None and process.state() != QProcess.ProcessState.NotRunning:
            self._send({"cmd": "stop"})
            process.closeWriteChannel()
            if not process.waitForFinished(round(timeout * 1000)):
                log.warning("the sync process did not stop in %.0f s; killing it", timeout)
                process.kill()
                process.waitForFinished(3000)
        self._answer_all(SyncSummary(SyncState.OFFLINE, error="sync stopped"))

    # ------------------------------------------------------------------ the child
    def _launch(self) -> None:
        if self._stopping or self._target is None:
            return
        process = QProcess(self)
        environment = QProcessEnvironment.systemEnvironment()
        for name in _SECRET_VARIABLES:
            environment.remove(name)
        process.setProcessEnvironment(environment)
        process.readyReadStandardOutput.connect(lambda: self._read_messages(process))
        process.readyReadStandardError.connect(lambda: self._read_log(process))
        process.finished.connect(lambda code, status: self._ended(process, f"exit code {code}"))
        process.errorOccurred.connect(lambda error: self._failed(process, error))
        self._process = process
        process.start(self.command[0], self.command[1:])
        # Written before the child reads it; the pipe holds it meanwhile.
        self._send(self._target.connect_command(self.interval))

    def _send(self, command: dict[str, Any]) -> None:
        process = self._process
        if process is None or process.state() == QProcess.ProcessState.NotRunning:
            return
        process.write((json.dumps(command) + "\n").encode("utf-8"))

    def _ask_round(self, request: int) -> None:
        self._last_request = max(self._last_request, request)
        if self._process is None or self._stopping:
            # Between a crash and its restart, or stopped: no round will come.
            idle = SyncSummary(
                SyncState.OFFLINE, error="sync is not running", failure=Failure.STOPPED
            )
            self._answer_upto(request, idle)
            self.round_done.emit(request, idle)
            return
        self._send({"cmd": "sync", "request": request})

    def _failed(self, process: QProcess, error: QProcess.ProcessError) -> None:
        # A child that never started gets no `finished`; one that crashed gets both.
        if error == QProcess.ProcessError.FailedToStart:
            self._ended(process, f"could not start: {process.errorString()}")

    def _ended(self, process: QProcess, how: str) -> None:
        if process is not self._process:
            return
        self._read_messages(process)
        self._read_log(process)
        self._process = None
        process.deleteLater()
        if self._stopping:
            return
        self.restarts += 1
        delay = self._restart_delay
        self._restart_delay = min(MAX_RESTART_DELAY, delay * 2)
        log.warning("the sync process stopped (%s); starting it again in %.0f s", how, delay)
        self._set_state(SyncState.ERROR, f"sync process stopped ({how}); restarting")
        stopped = SyncSummary(
            SyncState.ERROR, error=f"sync process stopped ({how})", failure=Failure.STOPPED
        )
        self._answer_all(stopped)
        self.round_done.emit(self._last_request, stopped)
        self._restart.start(round(delay * 1000))

    # ------------------------------------------------------------------ what it says
    def _read_messages(self, process: QProcess) -> None:
        while process.canReadLine():
            line = bytes(process.readLine().data()).decode("utf-8", "replace").strip()
            if not line:
                continue
            try:
                self._message(json.loads(line))
            except (ValueError, KeyError, TypeError):
                log.warning("unreadable line from the sync process: %.200s", line)

    def _read_log(self, process: QProcess) -> None:
        text = bytes(process.readAllStandardError().data()).decode("utf-8", "replace")
        for line in text.splitlines():
            if line.strip():
                log.warning("sync process: %s", line)

    def _message(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "state":
            self._set_state(SyncState(message["state"]), message.get("detail"))
        elif kind == "progress":
            report = SyncProgress.from_json(message)
            self.progress.emit(report)
            if report.phase == "pull" and report.done > 0:
                self.data_changed.emit()
        elif kind == "reminders":
            found = [reminder_from_json(item) for item in message["reminders"]]
            self.reminders_ready.emit(int(message["request"]), found)
        elif kind == "housekeeping":
            self.housekeeping_done.emit([str(s) for s in message["report"]["streams"]])
        elif kind == "summary":
            summary = summary_from_json(message["summary"])
            request = int(message.get("request", 0))
            self._summary(summary)
            self._answer_upto(request, summary)
            self.round_done.emit(request, summary)

    def _set_state(self, state: SyncState, detail: str | None) -> None:
        self.state = state
        self.state_changed.emit(str(state), detail or "")

    def _summary(self, summary: SyncSummary) -> None:
        self._restart_delay = FIRST_RESTART_DELAY  # the child works again
        if (
            self.clock is not None
            and summary.clock_offset is not None
            and summary.clock_measured_at is not None
        ):
            self.clock.adopt(summary.clock_offset, summary.clock_measured_at)
        self.last_summary = summary
        self.summary_ready.emit(summary)

    def _answer_upto(self, request: int, summary: SyncSummary) -> None:
        with self._waiting_lock:
            answered = [key for key in self._waiting if key <= request]
            waiting = [self._waiting.pop(key) for key in answered]
        for done, answer in waiting:
            answer.append(summary)
            done.set()

    def _answer_all(self, summary: SyncSummary) -> None:
        with self._waiting_lock:
            waiting = list(self._waiting.values())
            self._waiting.clear()
        for done, answer in waiting:
            answer.append(summary)
            done.set()
