"""Screenshots of change tickets with their own clocks under a real X server:

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python -m tests.gui.screenshots_changes OUT

A minor change (first plan date within 5 working days, counting down), a standard change
planned by keyboard (implemented within planning, counting down to the end of its plan
date) and the ticket list searched for them. Prints one line per PNG."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from halt_desk.desk.intake import Intake, record_intake
from halt_desk.store import Store
from tests.gui.screenshots import demo_desk, run_main, settle, shoot, shots_written
from tests.gui.screenshots_keys import activate
from ui.main_window import MainWindow
from ui.ticket_dialog import TicketDialog

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
AGENT = "agent:nieuw"


def _change(store: Store, now: datetime, summary: str, change_type: str) -> str:
    intake = Intake("halt-e0001", summary, "phone", "werkplek", "one", "workaround",
                    kind="change", change_type=change_type)  # fmt: skip
    return record_intake(store, intake, AGENT, now)


def _open(app: QApplication, window: MainWindow, ticket: str) -> TicketDialog:
    dialog = window.open_ticket_id(ticket)
    dialog.move(40, 40)
    while dialog.evaluation is None:
        settle(app, 50)
    activate(app, dialog)
    settle(app, 300)
    return dialog


def change_screens(app: QApplication, store: Store, window: MainWindow, out: Path) -> None:
    now = window.clock()
    minor = _change(store, now, "Nieuwe SharePoint-site regio Noord", "minor")
    standard = _change(store, now, "Licentie Visio toekennen aan team Oost", "standard")
    settle(app, 500)
    dialog = _open(app, window, minor)
    shoot(dialog, out / "change-minor-clocks.png")
    dialog.close()
    dialog = _open(app, window, standard)
    QTest.keyClick(dialog, Qt.Key.Key_G, CTRL | SHIFT)  # Gepland…
    settle(app, 300)
    plan = dialog.change_actions.dialog
    assert plan is not None
    day = now.date()
    plan.date.setDate(QDate(day.year, day.month, day.day).addDays(3))
    QTest.keyClick(plan.date, Qt.Key.Key_Return)
    for _ in range(50):
        if dialog.clocks.item(0, 1) is not None and dialog.clocks.item(0, 1).text():
            break
        settle(app, 100)
    activate(app, dialog)
    settle(app, 300)
    shoot(dialog, out / "change-standard-planned.png")
    dialog.close()
    activate(app, window)
    QTest.keyClick(window.table, Qt.Key.Key_F, CTRL)
    settle(app, 200)
    QTest.keyClicks(app.focusWidget(), "Licentie Visio")
    settle(app, 800)
    shoot(window, out / "change-in-list.png")


def main(out: Path) -> int:
    with demo_desk(out, AGENT) as desk:
        change_screens(desk.app, desk.store, desk.window, out)
    return shots_written(out)


if __name__ == "__main__":
    run_main(main)
