"""Screenshots of the assignment and edit dialogs under a real X server (Xvfb), and both
dialogs in pseudo-localisation (every text through the catalogue).

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python -m tests.gui.test_screenshots_assign OUT
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from halt_desk.desk.assign import record_assignment
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.domain.events import Event, new_event
from halt_desk.store import Store
from tests.desk_data import NOW, SETUP, reference_events, staff_events
from tests.gui.shot_run import assert_shots, needs_xvfb, run_shots
from tests.gui.test_pseudo_language import data_words, in_pseudo, leaks
from ui.assign_dialog import AssignDialog
from ui.edit_ticket_dialog import EditTicketDialog
from ui.ticket_dialog import TicketDialog

__all__ = ["in_pseudo"]  # the fixture, used by name below
AGENT = "agent:sanne.visser"
LATER = NOW + timedelta(minutes=10)
#: More colleagues, so that the type-ahead has something to narrow down.
MORE_STAFF = {
    "agent:daan.dekker": ("Daan de Kok", "agent"),
    "agent:fatima.elamrani": ("Fatima el Amrani", "agent"),
    "field:jan.bakker": ("Jan Bakker", "field"),
    "field:ruud.devries": ("Ruud de Vries", "field"),
    "field:iris.degraaf": ("Iris de Graaf", "field"),
    "agent:mark.dejong": ("Mark de Jong", "agent"),
    "logistics:nina.dewit": ("Nina de Wit", "logistics"),
}


def _staff() -> list[Event]:
    return [
        new_event(f"staff:{user}", "staff_registered", SETUP, "admin", {"name": n, "role": r})
        for user, (n, r) in MORE_STAFF.items()
    ]


def fill(store: Store) -> str:
    """Reference data, the colleagues and one ticket assigned to Linda Dekker."""
    store.record_events([*reference_events(), *staff_events(), *_staff()], bulk=True)
    intake = Intake(
        "e1", "Laptop start niet op, geeft over een uur les", "phone", "werkplek", "one", "degraded"
    )
    ticket = record_intake(store, intake, AGENT, NOW)
    record_assignment(store, ticket, "agent:linda.dekker", AGENT, NOW)
    return ticket


def main(out: Path) -> int:
    from tests.gui.screenshots import settle, shoot
    from ui.app import application

    out.mkdir(parents=True, exist_ok=True)
    app = application("nl")
    with (
        tempfile.TemporaryDirectory() as folder,
        Store.open(Path(folder) / "cache.sqlite3", clock=lambda: LATER) as store,
    ):
        ticket = fill(store)
        assign = AssignDialog(store, ticket, AGENT, lambda: LATER)
        assign.move(40, 40)
        assign.show()
        while not assign.loaded:
            settle(app, 50)
        QTest.keyClicks(assign.search, "de")
        QTest.keyClick(assign.search, Qt.Key.Key_Down)
        settle(app)
        shoot(assign, out / "assign.png")
        assign.close()

        edit = EditTicketDialog(store, ticket, AGENT, lambda: LATER)
        edit.move(40, 40)
        edit.show()
        while not edit.loaded:
            settle(app, 50)
        edit.impact.setCurrentIndex(edit.impact.findData("organisation"))
        edit.urgency.setCurrentIndex(edit.urgency.findData("stopped"))
        edit.summary.setText("Laptop start niet op — hele school kan niet inloggen " * 5)
        edit.reason.setText("Teamleider belde: alle lokalen zijn getroffen")
        settle(app)
        shoot(edit, out / "edit-ticket.png")
        edit.save()
        while edit.isVisible():
            settle(app, 50)
        ticket_window = TicketDialog(store, ticket, AGENT, lambda: LATER)
        ticket_window.move(0, 0)
        ticket_window.show()
        while ticket_window.ticket is None:
            settle(app, 50)
        settle(app)
        shoot(ticket_window, out / "ticket-with-assign-and-edit.png")
        ticket_window.close()
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_the_assign_and_edit_dialogs_under_xvfb(tmp_path: Path) -> None:
    run_shots("tests.gui.test_screenshots_assign", tmp_path, timeout=120)
    names = ["assign.png", "edit-ticket.png", "ticket-with-assign-and-edit.png"]
    assert_shots(tmp_path, names, rows=(40, 80, 120))


def test_the_assign_and_edit_dialogs_say_nothing_outside_the_catalogue(
    qtbot: QtBot, in_pseudo: None, tmp_path: Path
) -> None:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: LATER) as store:
        ticket = fill(store)
        allowed = data_words(tmp_path / "cache.sqlite3")
        assign = AssignDialog(store, ticket, AGENT, lambda: LATER)
        edit = EditTicketDialog(store, ticket, AGENT, lambda: LATER)
        found = []
        for dialog in (assign, edit):
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitUntil(lambda d=dialog: d.loaded)  # type: ignore[misc]
            found += leaks(dialog, allowed)
        qtbot.keyClicks(assign.search, "zzz")  # nobody found
        edit.impact.setCurrentIndex(edit.impact.findData("several"))  # the matrix moves
        edit.summary.setText("x" * 300)  # refused beyond the limit
        found += leaks(assign, allowed) + leaks(edit, allowed)
        assert found == [], "\n".join(found)


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
