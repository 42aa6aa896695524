"""The sync engine in a process of its own: `halt-desk sync --worker --store FILE`.

The desktop app runs sync here instead of in a thread of its own process: a Python thread
that folds a page of 2,000 pulled events holds the interpreter lock long enough to stall the
UI thread for hundreds of milliseconds. The worker opens the same cache file (WAL and a
busy timeout let SQLite serialise the two processes' writers) and talks to its parent in
JSON lines — commands on standard input, state, progress and round summaries on standard
output, log records on standard error.

The token arrives on standard input in the `connect` command: never on the command line or
in the environment (other processes of the user can read both), and never logged. End of
standard input means the parent is gone: the worker finishes the round it is in and exits,
so it never outlives the app.

Commands (one JSON object per line):
    {"cmd": "connect", "server": URL, "token": T, "ca_bundle"/"client_cert"/"client_key":
     path or null, "interval": seconds}      first; again later for new credentials
    {"cmd": "sync", "request": N}            a round now; its summary carries "request": N
    {"cmd": "reminders", "request": N, "now": ISO-8601}
                                             the desk's reminders at `now`, evaluated here
    {"cmd": "stop"}                          finish the round and exit
Messages:
    {"type": "state", "state": SyncState, "detail": str or null}
    {"type": "progress", "phase": "push" | "pull", "done": N, "total": N or null,
     "start": seq, "cursor": seq, "head": seq or null}
                                             SyncProgress.to_json(): after every batch
                                             pushed and every page pulled
    {"type": "summary", "request": N, "summary": SyncSummary.to_json()}
    {"type": "reminders", "request": N, "reminders": [reminder_to_json(...), ...]}
    {"type": "housekeeping", "report": HousekeepingReport.to_json()}
                                             after a housekeeping run that changed events

Housekeeping (`halt_desk.background.housekeeping`) runs here, at start and on its schedule
after the rounds, so no window has to start it.

Reminders are evaluated here too while the app syncs: they fold every open ticket's
clocks, a second of Python that in a thread of the app would stall the window as the sync
thread did.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from halt_desk.background.housekeeping import Housekeeper, HousekeepingReport
from halt_desk.desk.reminders import Reminder, ReminderKind, ReminderWatch
from halt_desk.store import Store
from halt_desk.store.history_marks import RestoreNotice
from halt_desk.sync import client_factory
from halt_desk.sync.client import CentralClient
from halt_desk.sync.clock import ServerClock
from halt_desk.sync.progress import Failure, SyncProgress
from halt_desk.sync.rounds import SyncEngine, SyncState, SyncSummary
from halt_desk.sync.signin import SyncTarget

log = logging.getLogger(__name__)

#: Seconds between rounds when `connect` does not say.
DEFAULT_INTERVAL = 15.0


def worker_command(store_path: Path, *, executable: str | None = None) -> list[str]:
    """The command line that starts the worker on `store_path` with this same program: the
    PyInstaller bundle's executable (`sys.frozen`), else this Python with `-m halt_desk`.
    It carries the cache path only; the token goes over standard input."""
    program = executable or sys.executable
    if getattr(sys, "frozen", False):
        return [program, "sync", "--worker", "--store", str(store_path)]
    return [program, "-m", "halt_desk", "sync", "--worker", "--store", str(store_path)]


def summary_from_json(data: dict[str, Any]) -> SyncSummary:
    """The parent's copy of a round's summary (`SyncSummary.to_json()` read back)."""
    offset_ms = data.get("clock_offset_ms")
    measured = data.get("clock_measured_at")
    measured_at = datetime.fromisoformat(measured) if measured else None
    return SyncSummary(
        state=SyncState(data["state"]),
        pushed=int(data.get("pushed", 0)),
        duplicates=int(data.get("duplicates", 0)),
        rejected=int(data.get("rejected", 0)),
        pulled=int(data.get("pulled", 0)),
        conflicts=int(data.get("conflicts", 0)),
        outbox=int(data.get("outbox", 0)),
        open_conflicts=int(data.get("open_conflicts", 0)),
        rejected_total=int(data.get("rejected_total", 0)),
        # to_json writes 0 for "not measured"; the moment of measuring tells them apart.
        clock_offset=timedelta(milliseconds=offset_ms or 0) if measured_at else None,
        clock_measured_at=measured_at,
        error=data.get("error"),
        warnings=tuple(data.get("warnings", ())),
        failure=Failure(data["failure"]) if data.get("failure") else None,
        central_restored=(
            RestoreNotice.from_json(data["central_restored"])
            if data.get("central_restored")
            else None
        ),
    )


def reminder_to_json(reminder: Reminder) -> dict[str, str]:
    return {
        "ticket": reminder.ticket,
        "summary": reminder.summary,
        "priority": reminder.priority,
        "clock": reminder.clock,
        "kind": reminder.kind.value,
        "due": reminder.due.isoformat(),
    }


def reminder_from_json(data: dict[str, str]) -> Reminder:
    return Reminder(
        data["ticket"],
        data["summary"],
        data["priority"],
        data["clock"],
        ReminderKind(data["kind"]),
        datetime.fromisoformat(data["due"]),
    )


class _Output:
    """JSON lines to the parent; the engine thread and the command reader both write."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, separators=(",", ":"))
        with self._lock:
            try:
                self._stream.write(line + "\n")
                self._stream.flush()
            except (BrokenPipeError, ValueError):  # the parent is gone; stdin's EOF stops us
                pass


class SyncWorker:
    """Runs one SyncEngine on `store_path` for the commands read from `commands`."""

    def __init__(self, store_path: Path, commands: IO[str], output: IO[str]) -> None:
        self.store_path = store_path
        self._commands = commands
        self._out = _Output(output)
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._lock = threading.Lock()
        self._target: SyncTarget | None = None
        self._interval = DEFAULT_INTERVAL
        self._requested = 0  # the last `sync` request read
        self._serving = 0  # the last request read when the current round began
        self._engine: SyncEngine | None = None
        self._store: Store | None = None
        self._store_ready = threading.Event()
        self._watch: ReminderWatch | None = None  # reminders kept between requests
        self._housekeeper: Housekeeper | None = None

    # -------------------------------------------------------------- commands
    def read_commands(self) -> None:
        """Reads commands until `stop` or end of input (the parent is gone)."""
        for line in self._commands:
            if not line.strip():
                continue
            try:
                command = json.loads(line)
                self._handle(command)
            except (ValueError, KeyError, TypeError) as exc:
                # Never echo the line: it may hold the token.
                log.error("ignored an unreadable command: %s", type(exc).__name__)
                continue
            if self._stop.is_set():
                break
        self.stop()

    def _handle(self, command: dict[str, Any]) -> None:
        kind = command["cmd"]
        if kind == "connect":
            target = SyncTarget.from_command(command)
            with self._lock:
                self._target = target
                self._interval = float(command.get("interval") or DEFAULT_INTERVAL)
            log.info("sync target %s", target.server)
            self._connected.set()
            self._wake()
        elif kind == "sync":
            with self._lock:
                self._requested = max(self._requested, int(command.get("request", 0)))
            self._wake()
        elif kind == "reminders":
            request, now = int(command["request"]), datetime.fromisoformat(command["now"])
            if now.tzinfo is None:
                raise ValueError("reminders need an aware `now`")
            # A thread of its own: commands (stop above all) are still read meanwhile.
            threading.Thread(
                target=self._reminders, args=(request, now), name="reminders", daemon=True
            ).start()
        elif kind == "stop":
            self.stop()
        else:
            raise KeyError(kind)

    def stop(self) -> None:
        self._stop.set()
        self._connected.set()  # not connected yet: nothing to wait for any more
        self._store_ready.set()
        self._wake()

    def _reminders(self, request: int, now: datetime) -> None:
        self._store_ready.wait()
        store = self._store
        if store is None or self._stop.is_set():
            return
        try:
            if self._watch is None:
                self._watch = ReminderWatch(store)
            found = self._watch.collect(now)
        except Exception:  # the next request (every 30 s) tries again
            log.exception("evaluating the reminders failed")
            return
        reminders = [reminder_to_json(reminder) for reminder in found]
        self._out.send({"type": "reminders", "request": request, "reminders": reminders})

    def _wake(self) -> None:
        engine = self._engine
        if engine is not None:
            engine.wake()

    # -------------------------------------------------------------- the engine
    def _client(self, clock: ServerClock) -> CentralClient:
        """A client for the current target, so new credentials apply from the next round."""
        with self._lock:
            target = self._target
        assert target is not None  # rounds start only after `connect`
        return client_factory(target.server, target.round_token(), target.tls)(clock)

    def _on_state(self, state: SyncState, detail: str | None) -> None:
        if state is SyncState.SYNCING:
            with self._lock:
                self._serving = self._requested
        self._out.send({"type": "state", "state": str(state), "detail": detail})

    def _on_progress(self, progress: SyncProgress) -> None:
        self._out.send({"type": "progress", **progress.to_json()})

    def _on_summary(self, summary: SyncSummary) -> None:
        with self._lock:
            request = self._serving
        self._out.send({"type": "summary", "request": request, "summary": summary.to_json()})
        if self._housekeeper is not None:
            self._housekept(self._housekeeper.after_round(summary))

    def _housekept(self, report: HousekeepingReport | None) -> None:
        if report is not None and report.purged:
            self._out.send({"type": "housekeeping", "report": report.to_json()})

    def run(self) -> int:
        """Reads commands on a thread, syncs on this one until told to stop. The interval
        of the first `connect` holds for the worker's life."""
        reader = threading.Thread(target=self.read_commands, name="sync-commands", daemon=True)
        reader.start()
        self._connected.wait()
        if self._stop.is_set():
            return 0
        clock = ServerClock()
        with Store.open(self.store_path, recording_clock=clock, clock=clock.now) as store:
            clock.attach(store)
            self._store = store
            self._store_ready.set()
            self._housekeeper = Housekeeper(store, clock.now)
            self._housekept(self._housekeeper.start())
            self._engine = SyncEngine(
                store,
                self._client,
                clock,
                on_state=self._on_state,
                on_progress=self._on_progress,
                on_summary=self._on_summary,
            )
            with self._lock:
                interval = self._interval
            self._engine.run_forever(self._stop, interval=interval)
        return 0


def _text_stream(stream: IO[str] | None, fd: int, mode: str) -> IO[str]:
    """A standard stream, or one opened on its descriptor where a windowed (frozen) program
    was started without Python's own (the parent's pipes are still there)."""
    if stream is not None:
        return stream
    # Lives as long as the process; closefd=False leaves the descriptor to the system.
    return open(fd, mode, encoding="utf-8", closefd=False)


def run_worker(store_path: Path) -> int:
    """Entry point of `halt-desk sync --worker`."""
    commands = _text_stream(sys.stdin, 0, "r")
    output = _text_stream(sys.stdout, 1, "w")
    log.debug("sync worker %d on %s", os.getpid(), store_path.name)
    return SyncWorker(store_path, commands, output).run()
