"""Shared test set-up: every test gets its own data dir and machine configuration, never
the real ones of this computer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from halt_desk.central.embedded import EmbeddedServer
from tests.sync_support import Desk


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data_dir = tmp_path / "data"
    monkeypatch.setenv("HALT_DESK_DATA_DIR", str(data_dir))
    # Nor the machine's configuration (/etc/halt-desk, ProgramData): a file that is absent.
    monkeypatch.setenv("HALT_DESK_MACHINE_CONFIG", str(tmp_path / "machine" / "config.toml"))
    yield data_dir


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[Desk, str]]:
    """A central with the sync tests' users and reference data, served in this process on
    127.0.0.1 (`EmbeddedServer`); yields it with its URL."""
    desk = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    with EmbeddedServer(desk.central) as server:
        yield desk, server.url
    desk.central.close()
