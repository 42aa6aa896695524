"""Full disks for tests. `no_room_to_grow`: SQLite's `max_page_count` fails a write with
the same SQLITE_FULL a full disk gives, anywhere. `small_file_system`: a real 1 MB tmpfs
(needs permission to mount, as root; skips the test otherwise)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from halt_desk.desk.intake import Intake, record_intake
from halt_desk.store import Store, StoreDiskError
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
    """While inside, the store's file may grow by `spare_pages` pages at most; on leaving,
    it has room again."""

    def cap(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + spare_pages}")

    engine = store._engine
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
    """Records `intake` until the disk refuses it; the number saved and the refusal."""
    for saved in range(limit):
        try:
            record_intake(store, intake, "agent-1", NOW)
        except StoreDiskError as refused:
            return saved, refused
    raise AssertionError(f"{limit} intakes fitted; the disk never filled")


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
