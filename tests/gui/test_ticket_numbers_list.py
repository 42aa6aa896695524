"""Ticket numbers in the list (issue 18): a numbered ticket and one with a provisional id,
which says what it is when the mouse rests on it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from halt_desk.desk.intake import Intake, record_intake
from halt_desk.store import Store
from tests.desk_data import NOW
from ui.main_window import MainWindow

INTAKE = Intake("e1", "Laptop start niet op", "phone", "werkplek", "one", "stopped")


def test_the_list_shows_numbers_and_explains_a_provisional_id(qtbot: QtBot, store: Store) -> None:
    store.add_number_block("halt", 2027, 862, 862)
    numbered = record_intake(store, INTAKE, "agent-1", NOW)
    provisional = record_intake(store, INTAKE, "agent-1", NOW)  # the block is used up
    assert numbered == "HALT-2027-000862" and provisional.startswith("HALT-2027-V")
    main = MainWindow(store, "agent-1", lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.loaded and main.model.rowCount() == 2)
    model = main.model
    tips = {}
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        tips[model.data(index)] = model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert tips[numbered] is None
    assert tips[provisional].startswith("Voorlopig nummer: deze computer had geen nummers")
