"""A change at the desk (issue 23): the intake's "Soort" makes a ticket a change of a type,
and the ticket window records "Gepland…" (a date) and "Uitgevoerd" on it, by keyboard."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from halt_desk.desk.intake import Intake, record_intake
from halt_desk.store import Store
from tests.gui.conftest import NOW
from tests.gui.test_desk_window import window
from ui.ticket_dialog import TicketDialog

SHOTS = Path("/tmp/halt-desk-changes-shots")


def test_the_intake_records_a_minor_change(qtbot: QtBot, store: Store) -> None:
    main = window(qtbot, store)
    dialog = main.new_intake()
    dialog.choose_caller(main.directory.find("Anna")[0])
    dialog.summary.setText("Nieuwe SharePoint-site regio Noord")
    dialog.category.setCurrentIndex(dialog.category.findData("werkplek"))
    dialog.impact.setCurrentIndex(dialog.impact.findData("one"))
    dialog.urgency.setCurrentIndex(dialog.urgency.findData("workaround"))
    assert dialog.kind.currentText() == "Melding (storing of vraag)"
    dialog.kind.setCurrentIndex(dialog.kind.findText("Wijziging: minor"))
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "intake.png"))
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save()
    (report,) = [
        e for e in store.events_for(f"ticket:{saved.args[0]}") if e.type == "ticket_reported"
    ]
    assert (report.data["kind"], report.data["change_type"]) == ("change", "minor")


def open_ticket(qtbot: QtBot, store: Store, ticket: str) -> TicketDialog:
    dialog = TicketDialog(store, ticket, "agent-1", lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.evaluation is not None)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_planned_and_implemented_by_keyboard_on_a_change(qtbot: QtBot, store: Store) -> None:
    intake = Intake("e1", "Licentie Visio toekennen", "phone", "werkplek", "one", "workaround",
                    kind="change", change_type="standard")  # fmt: skip
    ticket = record_intake(store, intake, "agent-1", NOW)
    dialog = open_ticket(qtbot, store, ticket)
    actions = dialog.change_actions
    qtbot.waitUntil(actions.planned.isVisible)
    assert actions.planned.text() == "Gepland…" and actions.implemented.text() == "Uitgevoerd"
    shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(dialog, Qt.Key.Key_G, shift)
    qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog.isVisible())
    assert actions.dialog is not None
    actions.dialog.date.setDate(QDate(2027, 1, 20))
    SHOTS.mkdir(exist_ok=True)
    actions.dialog.grab().save(str(SHOTS / "plan-date.png"))
    qtbot.keyClick(actions.dialog.date, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: any(e.type == "change_planned" for e in store.events_for(f"ticket:{ticket}"))
    )
    planned = [e for e in store.events_for(f"ticket:{ticket}") if e.type == "change_planned"]
    assert planned[0].data["date"] == date(2027, 1, 20).isoformat()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # back from the date dialog
    qtbot.keyClick(dialog, Qt.Key.Key_I, shift)
    qtbot.waitUntil(lambda: not actions.implemented.isEnabled())
    assert any(e.type == "change_implemented" for e in store.events_for(f"ticket:{ticket}"))
    qtbot.waitUntil(lambda: "Gepland op 20-01-2027" in dialog.timeline.toPlainText())
    dialog.grab().save(str(SHOTS / "change-ticket.png"))


def test_an_incident_has_no_change_actions(qtbot: QtBot, store: Store) -> None:
    intake = Intake("e1", "Laptop start niet", "phone", "werkplek", "one", "stopped")
    dialog = open_ticket(qtbot, store, record_intake(store, intake, "agent-1", NOW))
    assert not dialog.change_actions.planned.isVisible()
    assert not dialog.change_actions.implemented.isVisible()
