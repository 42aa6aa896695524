"""Dutch by default; English through the same catalogue (resources/locale), which must stay
complete (tests/unit/test_catalogue.py checks every entry)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from halt_desk import i18n
from halt_desk.store import Store
from tests.gui.conftest import NOW
from ui import labels
from ui.main_window import MainWindow


@pytest.fixture
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language(i18n.DEFAULT_LANGUAGE)


def test_the_app_speaks_dutch_by_default(qtbot: QtBot, store: Store) -> None:
    main = MainWindow(store, "agent-1", lambda: NOW)
    qtbot.addWidget(main)
    assert main.windowTitle() == "HALT Desk — servicedesk"
    assert not labels.is_english() and labels.status("waiting") == "Wacht op gebruiker"


def test_english_is_available(qtbot: QtBot, store: Store, english: None) -> None:
    main = MainWindow(store, "agent-1", lambda: NOW)
    qtbot.addWidget(main)
    assert main.windowTitle() == "HALT Desk — service desk"
    assert main.model.headerData(6, Qt.Orientation.Horizontal) == "Next deadline"
    assert labels.is_english() and labels.status("waiting") == "Waiting on user"
