"""GUI tests drive the real widgets offscreen (pytest-qt) against a throwaway store."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from halt_desk.store import Store
from tests.desk_data import NOW, reference_events

__all__ = ["NOW", "store"]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events(reference_events())
        yield opened
