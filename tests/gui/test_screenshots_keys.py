"""Screenshots of focus, empty lists and the uplift layout under Xvfb, and the new texts of
those screens in the pseudo-language (every word through the catalogue)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from halt_desk.desk.intake import Intake, record_intake
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.gui.shot_run import assert_shots, needs_xvfb, run_shots
from tests.gui.test_pseudo_language import data_words, in_pseudo, leaks
from tests.swap_data import DEPOT, depot_events, loaner_events
from ui.logistics_window import LogisticsWindow
from ui.main_window import MainWindow
from ui.uplift_dialog import UpliftDialog

__all__ = ["in_pseudo"]  # a fixture of the pseudo-language test, used here
SHOTS = [
    "intake-focus.png",
    "main-window-empty-filter.png",
    "main-window-empty-search.png",
    "uplift-granted.png",
    "uplift-refusals.png",
]


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_focus_empty_lists_and_the_uplift(
    tmp_path: Path, qapp: QApplication
) -> None:
    stdout = run_shots("tests.gui.screenshots_keys", tmp_path, timeout=180)
    assert_shots(tmp_path, SHOTS, rows=(40, 80, 120))
    # The focused combo box of the intake wears the ring, in the highlight colour.
    focus = next(line for line in stdout.splitlines() if line.startswith("focus "))
    x, y, width, height = (int(part) for part in focus.split()[2:])
    intake = QImage(str(tmp_path / "intake-focus.png"))
    ring = QWidget().palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    edges = [(x + dx, y + height // 2) for dx in (0, 1, width - 2, width - 1)]
    edges += [(x + width // 2, y + dy) for dy in (0, 1, height - 2, height - 1)]
    assert all(QColor(intake.pixel(*spot)) == ring for spot in edges)
    # The uplift with every refusal and granted: the same size, nothing moved.
    refused, granted = (QImage(str(tmp_path / f"uplift-{n}.png")) for n in ("refusals", "granted"))
    assert refused.size() == granted.size()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def test_the_new_texts_of_these_screens_go_through_the_catalogue(
    qtbot: QtBot, store: Store, in_pseudo: None, tmp_path: Path
) -> None:
    intake = Intake("e1", "Printer offline", "phone", "werkplek", "one", "workaround")
    ticket = record_intake(store, intake, "agent-1", NOW)
    allowed = data_words(tmp_path / "cache.sqlite3")
    main = MainWindow(store, "agent-1", lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.loaded)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    found: list[str] = []
    qtbot.keyClick(main, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)  # P1: none
    qtbot.waitUntil(main.placeholder.isVisible)
    found += leaks(main, allowed)
    main.search.setText("Printer")
    found += leaks(main, allowed)
    dialog = main.new_intake()
    for typed in ("", "Zwart", "halt.nl"):
        dialog.caller_edit.setText(typed)
        dialog.caller_edit.setFocus()
        qtbot.keyClick(dialog.caller_edit, Qt.Key.Key_Return)
        found += leaks(dialog, allowed)
    uplift = UpliftDialog(store, ticket, "agent-1", lambda: NOW)
    qtbot.addWidget(uplift)
    uplift.show()
    found += leaks(uplift, allowed)
    logistics = LogisticsWindow(store, "logistics:kees", lambda: NOW, DEPOT)
    qtbot.addWidget(logistics)
    logistics.show()
    qtbot.waitUntil(lambda: logistics.loaded)
    found += leaks(logistics, allowed)
    assert found == [], "\n".join(found)
