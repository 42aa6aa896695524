"""GUI tests drive the real widgets offscreen (pytest-qt) against a throwaway store."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from halt_desk.store import Store
from tests.desk_data import NOW, reference_events

__all__ = ["NOW", "store"]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events(reference_events())
        yield opened


@pytest.fixture(autouse=True)
def no_keys_held(qtbot: QtBot) -> Iterator[None]:
    """A test that ends on Ctrl+Shift+… leaves those modifiers as the application's state,
    and the next test's clicks and row selections would act as with Ctrl held: a plain key
    press after each test lets them go."""
    yield
    probe = QWidget()
    qtbot.addWidget(probe)
    qtbot.keyClick(probe, Qt.Key.Key_A)
    assert QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier
