"""Full disks for tests. `no_room_to_grow`: SQLite's `max_page_count` fails a write with
the same SQLITE_FULL a full disk gives, anywhere. `small_file_system`: a real 1 MB tmpfs
(needs permission to mount, as root; skips the test otherwise). `BackgroundReads`: the
reads a desk window makes on other threads meanwhile; `write_lock_is_free`: nobody holds
the cache's write lock or an unfinished write transaction."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from halt_desk.changes import changes_since
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.store import Store, StoreDiskError
from halt_desk.store.list_rows import first_page
from tests.desk_data import NOW

#: An intake of caller e1 (tests.desk_data) with the longest summary (200 characters) and a
#: description, to fill pages quickly.
BIG_INTAKE = Intake(
    "e1",
    "Laptop start niet " + "x" * 182,
    "phone",
    "werkplek",
    "one",
    "stopped",
    description="y" * 400,
)


@contextmanager
def no_room_to_grow(store: Store, spare_pages: int = 2) -> Iterator[None]:
    """While inside, the store's file may grow by `spare_pages` pages at most, counted from
    its size on entering, for every connection (as a disk has one size for everybody: a
    connection opened later by a background read gets the same bound, not a new one from
    the size then); on leaving, it has room again."""
    engine = store._engine
    with engine.connect() as connection:
        pages = int(connection.exec_driver_sql("PRAGMA page_count").scalar_one())
    limit = pages + spare_pages

    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {limit}")

    engine.dispose()  # pooled connections would keep their old limit
    event.listen(engine, "connect", cap)
    try:
        yield
    finally:
        event.remove(engine, "connect", cap)
        engine.dispose()


def fill_until_refused(
    store: Store, limit: int = 5000, intake: Intake = BIG_INTAKE
) -> tuple[int, StoreDiskError]:
    """Records `intake` until the disk refuses it; the number saved and the refusal. Fill
    with the intake a test saves next: a smaller one may still fit in the room left."""
    for saved in range(limit):
        try:
            record_intake(store, intake, "agent-1", NOW)
        except StoreDiskError as refused:
            return saved, refused
    raise AssertionError(f"{limit} intakes fitted; the disk never filled")


def write_lock_is_free(path: Path) -> bool:
    """True when a new connection takes the write lock of the cache at `path` at once: no
    connection holds it or a write transaction left open (no waiting: busy timeout 0)."""
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as busy:
        if "locked" in str(busy) or "busy" in str(busy):
            return False
        raise
    else:
        connection.execute("ROLLBACK")
        return True
    finally:
        connection.close()


class BackgroundReads:
    """The reads a desk window makes on other threads while an action records: the list
    (`tickets`), what changed (`changes_since`, as the change broadcast) and the first page
    straight from the file. Each runs in a loop on its own thread until `stop()`; `rounds`
    counts the reads done, `errors` keeps what any of them raised."""

    def __init__(self, store: Store, path: Path) -> None:
        self.store = store
        self.path = path
        self.errors: list[BaseException] = []
        self.rounds = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._loop, args=(read,), daemon=True)
            for read in (self._list, self._changes, self._first_page)
        ]

    def _list(self) -> None:
        self.store.tickets()

    def _changes(self) -> None:
        changes_since(self.store, 0)

    def _first_page(self) -> None:
        first_page(self.path)

    def _loop(self, read: Callable[[], None]) -> None:
        while not self._stop.is_set():
            try:
                read()
            except Exception as exc:  # kept for the test to show
                self.errors.append(exc)
                return
            with self._lock:
                self.rounds += 1

    def __enter__(self) -> BackgroundReads:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def stop(self, timeout: float = 120.0) -> None:
        """Stops the loops and waits for them; a read still running after `timeout`
        seconds is an error (it waited for something that never came)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
            if thread.is_alive():
                self.errors.append(TimeoutError(f"a background read hung: {thread.name}"))


@contextmanager
def small_file_system(mount_point: Path, size: str = "1m") -> Iterator[Path]:
    """A tmpfs of `size` mounted at `mount_point` (created) while inside."""
    mount_point.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
