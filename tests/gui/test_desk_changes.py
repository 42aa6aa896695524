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
from ui.change_actions import INCIDENT_ONLY
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
    assert all(dialog.buttons[label].isVisible() for label in INCIDENT_ONLY)
    assert dialog.uplift_button.isVisible()


def test_a_change_leaves_out_the_incident_only_actions(qtbot: QtBot, store: Store) -> None:
    """No first response, loaner, workaround, productive again or uplift on a change: the
    buttons are gone, the rest close up in the grid, and their keys press nothing."""
    intake = Intake("e1", "Licentie Visio toekennen", "phone", "werkplek", "one", "workaround",
                    kind="change", change_type="standard")  # fmt: skip
    ticket = record_intake(store, intake, "agent-1", NOW)
    dialog = open_ticket(qtbot, store, ticket)
    qtbot.waitUntil(dialog.change_actions.planned.isVisible)
    assert not any(dialog.buttons[label].isVisible() for label in INCIDENT_ONLY)
    assert not dialog.uplift_button.isVisible()
    shown = [b for b in dialog.buttons.values() if b.isVisible()]
    assert [b.text() for b in shown[:3]] == ["Statusupdate", "Wacht op gebruiker", "Hervat"]
    grid = dialog.action_grid
    assert grid.getItemPosition(grid.indexOf(shown[0]))[:2] == (0, 0)
    shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    before = len(store.events_for(f"ticket:{ticket}"))
    qtbot.keyClick(dialog, Qt.Key.Key_N, shift)  # Noodoplossing on an incident
    qtbot.keyClick(dialog, Qt.Key.Key_P, shift)  # Weer productief on an incident
    qtbot.wait(100)
    assert len(store.events_for(f"ticket:{ticket}")) == before


def _clock_rows(dialog: TicketDialog) -> list[list[str]]:
    table = dialog.clocks
    return [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]


def test_a_minor_change_counts_down_to_its_first_plan_date(qtbot: QtBot, store: Store) -> None:
    """Reported Tue 12-01 10:00: the first plan date is due at the closing of the fifth
    working day after, Tue 19-01 17:00; no reaction or resolution clock of an incident."""
    intake = Intake("e1", "Nieuwe SharePoint-site", "phone", "werkplek", "one", "workaround",
                    kind="change", change_type="minor")  # fmt: skip
    ticket = record_intake(store, intake, "agent-1", NOW)
    dialog = open_ticket(qtbot, store, ticket)
    qtbot.waitUntil(lambda: dialog.clocks.rowCount() == 1)
    assert _clock_rows(dialog) == [
        ["Eerste plandatum binnen 5 werkdagen", "19-01 17:00", "nog 7 d 7 u", "loopt"]
    ]
    assert dialog.figures.text() == "Nog niet gepland"
    shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(dialog, Qt.Key.Key_G, shift)
    actions = dialog.change_actions
    qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog.isVisible())
    assert actions.dialog is not None
    actions.dialog.date.setDate(QDate(2027, 1, 25))
    qtbot.keyClick(actions.dialog.date, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _clock_rows(dialog)[0][3] == "gehaald")
    assert _clock_rows(dialog)[0][:3] == ["Eerste plandatum binnen 5 werkdagen", "19-01 17:00", ""]
    assert dialog.figures.text() == "Gepland op 25-01-2027"


def test_a_standard_change_counts_down_to_the_end_of_its_plan_date(
    qtbot: QtBot, store: Store
) -> None:
    intake = Intake("e1", "Licentie Visio toekennen", "phone", "werkplek", "one", "workaround",
                    kind="change", change_type="standard")  # fmt: skip
    ticket = record_intake(store, intake, "agent-1", NOW)
    dialog = open_ticket(qtbot, store, ticket)
    qtbot.waitUntil(lambda: dialog.clocks.rowCount() == 1)
    # Not planned yet: running without a deadline.
    assert _clock_rows(dialog) == [["Uitgevoerd binnen planning", "", "", "loopt"]]
    dialog.change_actions._plan(date(2027, 1, 14))
    qtbot.waitUntil(lambda: _clock_rows(dialog)[0][1] == "uiterlijk 14-01")
    assert _clock_rows(dialog)[0][2:] == ["nog 2 d 14 u", "loopt"]
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "standard-change-clocks.png"))
    # The list's deadline column counts down to the same deadline, not to a reaction.
    row = store.ticket(ticket)
    assert row is not None and row.next_due is not None
    assert row.next_due.isoformat() == "2027-01-15T00:00:00+01:00"


def test_a_major_change_has_no_clock(qtbot: QtBot, store: Store) -> None:
    intake = Intake("e1", "Migratie fileserver", "phone", "werkplek", "one", "workaround",
                    kind="change", change_type="major")  # fmt: skip
    ticket = record_intake(store, intake, "agent-1", NOW)
    dialog = open_ticket(qtbot, store, ticket)
    qtbot.waitUntil(lambda: dialog.clocks.rowCount() == 1)
    assert _clock_rows(dialog) == [["Gepland in overleg (geen klok)", "", "", "n.v.t."]]
    row = store.ticket(ticket)
    assert row is not None and row.next_due is None


def test_an_incident_keeps_its_six_clocks(qtbot: QtBot, store: Store) -> None:
    intake = Intake("e1", "Laptop start niet", "phone", "werkplek", "one", "stopped")
    dialog = open_ticket(qtbot, store, record_intake(store, intake, "agent-1", NOW))
    assert [row[0] for row in _clock_rows(dialog)][:2] == ["Reactie", "Oplossing"]
    assert dialog.clocks.rowCount() == 6
    assert dialog.figures.text().startswith("MTTR")
