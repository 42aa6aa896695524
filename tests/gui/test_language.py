"""Dutch by default; English through the Qt Linguist translation, which must stay complete."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from halt_desk.paths import resources_dir
from halt_desk.store import Store
from tests.gui.conftest import NOW
from ui import labels
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "halt_desk_en.ts"
TOOLS = Path(sys.executable).parent


def test_every_text_of_the_ui_has_an_english_translation(tmp_path: Path) -> None:
    copy = tmp_path / "halt_desk_en.ts"
    shutil.copy(TS, copy)
    sources = sorted(str(path) for path in (ROOT / "ui").glob("*.py"))
    subprocess.run(
        [str(TOOLS / "pyside6-lupdate"), *sources, "-source-language", "nl",
         "-target-language", "en", "-no-obsolete", "-ts", str(copy)],
        check=True, capture_output=True,
    )  # fmt: skip
    unfinished = [
        message.findtext("source")
        for message in ET.parse(copy).getroot().iter("message")
        if message.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
    ]
    assert unfinished == [], "run scripts/build-translations.sh --update and translate these"


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    translator = QTranslator()
    assert translator.load(str(resources_dir() / "translations" / "halt_desk_en.qm"))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


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
