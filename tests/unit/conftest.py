"""Fixtures shared by the unit tests of the local store."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A cache file that does not exist yet."""
    return tmp_path / "cache.sqlite3"
