"""Shared test set-up: every test gets its own data dir and machine configuration, never
the real ones of this computer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data_dir = tmp_path / "data"
    monkeypatch.setenv("HALT_DESK_DATA_DIR", str(data_dir))
    # Nor the machine's configuration (/etc/halt-desk, ProgramData): a file that is absent.
    monkeypatch.setenv("HALT_DESK_MACHINE_CONFIG", str(tmp_path / "machine" / "config.toml"))
    yield data_dir
