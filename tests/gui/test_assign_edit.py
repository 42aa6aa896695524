"""Assigning and editing a ticket with the keyboard only: Ctrl+A from the ticket window and
from the list, type-ahead, F2 for "to me", "Mijn meldingen"; Ctrl+E, new answers, the
matrix's priority shown before saving, a reason, Enter; limits refused in Dutch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from halt_desk.desk.assign import record_assignment
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.i18n import set_language
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events, staff_events
from ui.assign_dialog import AssignDialog
from ui.edit_ticket_dialog import EditTicketDialog
from ui.main_window import MainWindow
from ui.ticket_dialog import TicketDialog

AGENT = "agent:sanne.visser"
LATER = NOW + timedelta(minutes=10)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    set_language("nl")
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: LATER) as opened:
        opened.record_events([*reference_events(), *staff_events()], bulk=True)
        yield opened


def _ticket(store: Store, summary: str = "Laptop start niet op") -> str:
    intake = Intake("e1", summary, "phone", "werkplek", "one", "degraded")  # P3
    return record_intake(store, intake, AGENT, NOW)


def _assignee(store: Store, ticket: str) -> str | None:
    view = store.ticket(ticket)
    return view.assignee if view is not None else None


def test_ctrl_a_in_the_ticket_window_then_pie_down_enter_assigns_pieter_de_groot(
    qtbot: QtBot, store: Store
) -> None:
    ticket = _ticket(store)
    window = TicketDialog(store, ticket, AGENT, lambda: LATER)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.ticket is not None)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # a window shortcut needs its window active
    window.note.setFocus()  # Ctrl+A in the note field is the window's too
    qtbot.keyClick(window.note, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(AssignDialog) is not None)  # a button's click
    dialog = window.findChild(AssignDialog)
    assert isinstance(dialog, AssignDialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.current_label.text() == "Nog niet toegewezen"
    assert dialog.summary.text() == "Laptop start niet op"
    qtbot.keyClicks(dialog.search, "pie")
    assert [dialog.results.item(i).text() for i in range(dialog.results.count())] == [
        "Pieter de Groot — Monteur"
    ]
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _assignee(store, ticket) == "field:pieter.degroot")
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_reassigning_shows_who_has_it_and_f2_gives_it_to_me(qtbot: QtBot, store: Store) -> None:
    ticket = _ticket(store)
    record_assignment(store, ticket, "agent:linda.dekker", AGENT, NOW)
    dialog = AssignDialog(store, ticket, AGENT, lambda: LATER)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.current_label.text() == "Nu toegewezen aan Linda Dekker — Servicedesk"
    first = dialog.results.item(0).text()
    assert first == "Sanne Visser — Servicedesk (ik)"
    texts = [dialog.results.item(i).text() for i in range(dialog.results.count())]
    assert "Linda Dekker — Servicedesk (nu toegewezen)" in texts
    assert not any("Kees Brouwer" in text for text in texts)  # logistics works no tickets
    qtbot.keyClick(dialog.search, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: _assignee(store, ticket) == AGENT)


def test_the_same_assignee_again_is_refused_in_dutch(qtbot: QtBot, store: Store) -> None:
    ticket = _ticket(store)
    record_assignment(store, ticket, "field:pieter.degroot", AGENT, NOW)
    dialog = AssignDialog(store, ticket, AGENT, lambda: LATER)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)
    qtbot.keyClicks(dialog.search, "groot")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # Enter takes the first hit
    qtbot.waitUntil(lambda: "al toegewezen aan Pieter de Groot" in dialog.error.text())
    assert dialog.isVisible()


def test_ctrl_a_on_the_list_assigns_the_chosen_ticket_and_my_tickets_shows_it(
    qtbot: QtBot, store: Store
) -> None:
    mine, other = _ticket(store, "Geen mail"), _ticket(store, "VPN valt weg")
    window = MainWindow(store, AGENT, lambda: LATER)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # a window shortcut needs its window active
    row = window.model.tickets.position_of(mine)
    assert row is not None
    window.table.setFocus()
    window.table.selectRow(row)
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(AssignDialog)
    assert isinstance(dialog, AssignDialog) and dialog.ticket_id == mine
    qtbot.waitUntil(lambda: dialog.loaded)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # nothing typed: me, first in the list
    qtbot.waitUntil(lambda: _assignee(store, mine) == AGENT)
    window.activateWindow()  # what the window manager does once the dialog closed
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # Mijn meldingen
    qtbot.waitUntil(
        lambda: [window.model.tickets.row(i).id for i in range(len(window.model.tickets))] == [mine]
    )
    assert other not in {window.model.tickets.row(i).id for i in range(len(window.model.tickets))}


def test_an_intake_can_go_to_a_colleague_at_once(qtbot: QtBot, store: Store) -> None:
    window = MainWindow(store, AGENT, lambda: LATER)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded)
    intake = window.new_intake()
    qtbot.waitUntil(lambda: intake.assignee.count() > 1)
    assert intake.assignee.itemText(1) == "Sanne Visser — Servicedesk (ik)"
    caller = window.directory.find("Anna")[0] if window.directory else None
    assert caller is not None
    intake.choose_caller(caller)
    intake.summary.setText("Beamer doet het niet")
    intake.category.setCurrentIndex(intake.category.findData("werkplek"))
    intake.impact.setCurrentIndex(intake.impact.findData("one"))
    intake.urgency.setCurrentIndex(intake.urgency.findData("degraded"))
    qtbot.waitUntil(intake.isActiveWindow)
    qtbot.keyClick(intake, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # &Toewijzen aan
    assert intake.assignee.hasFocus()
    qtbot.keyClicks(intake.assignee, "Pieter")  # type-to-select in the list
    assert intake.assignee.currentData() == "field:pieter.degroot"
    qtbot.keyClick(intake.assignee, Qt.Key.Key_Return)  # Enter here saves, as on the priority
    qtbot.waitUntil(lambda: not intake.isVisible())
    (ticket,) = store.streams_of_kind("ticket")
    types = [e.type for e in store.events_for(ticket)]
    assert types == ["ticket_reported", "assigned"]
    assert _assignee(store, ticket.partition(":")[2]) == "field:pieter.degroot"


def test_ctrl_e_new_impact_shows_the_new_priority_and_enter_records_both(
    qtbot: QtBot, store: Store
) -> None:
    ticket = _ticket(store)
    window = TicketDialog(store, ticket, AGENT, lambda: LATER)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.ticket is not None)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # a window shortcut needs its window active
    qtbot.keyClick(window.note, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(EditTicketDialog) is not None)
    dialog = window.findChild(EditTicketDialog)
    assert isinstance(dialog, EditTicketDialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.summary.text() == "Laptop start niet op" and dialog.priority.currentText() == "P3"
    dialog.impact.setFocus()
    qtbot.keyClicks(dialog.impact, "Hele")  # "Hele organisatie"
    assert dialog.impact.currentData() == "organisation"
    assert dialog.priority.currentText() == "P2"  # organisation × degraded
    assert "van P3 naar P2, zoals de matrix" in dialog.preview.text()
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, "Hele school kan niet printen")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    types = [e.type for e in store.events_for(f"ticket:{ticket}")]
    assert types[-2:] == ["ticket_updated", "priority_changed"]
    view = store.ticket(ticket)
    assert view is not None and view.priority == "P2"
    qtbot.waitUntil(lambda: window.priority_badge.text().startswith("P2"))


def test_keeping_the_priority_and_a_missing_reason(qtbot: QtBot, store: Store) -> None:
    ticket = _ticket(store)
    dialog = EditTicketDialog(store, ticket, AGENT, lambda: LATER)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)
    dialog.impact.setCurrentIndex(dialog.impact.findData("several"))
    assert dialog.keep.isEnabled() and dialog.priority.currentText() == "P2"
    qtbot.keyClick(dialog.keep, Qt.Key.Key_Space)
    assert dialog.priority.currentText() == "P3"
    assert "De matrix geeft P2; de prioriteit blijft P3." in dialog.preview.text()
    dialog.caller_edit.setFocus()
    dialog.caller_edit.selectAll()
    qtbot.keyClicks(dialog.caller_edit, "Bram")
    qtbot.keyClick(dialog.caller_edit, Qt.Key.Key_Tab)  # on, with the completion list open
    caller = dialog.resolved_caller()  # the one match is the caller
    assert caller is not None and caller.id == "e2"
    dialog.reason.setFocus()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.error.text() == "Geef een reden voor de wijziging."
    assert dialog.focusWidget() is dialog.reason
    qtbot.keyClicks(dialog.reason, "Alleen deze klas")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    last = store.events_for(f"ticket:{ticket}")[-1]
    assert last.type == "ticket_updated"
    assert last.data["priority_kept"] == {"priority": "P3", "suggested": "P2"}
    assert last.data["changes"] == {"caller": "e2", "impact": "several"}


def test_a_summary_beyond_its_limit_is_refused_with_a_dutch_message(
    qtbot: QtBot, store: Store
) -> None:
    ticket = _ticket(store)
    dialog = EditTicketDialog(store, ticket, AGENT, lambda: LATER)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.summary_note.text() == "nog 180 van 200 tekens"
    assert dialog.reason_note.text() == "nog 2.000 van 2.000 tekens"
    dialog.summary.setText("x" * 250)  # a paste
    assert len(dialog.summary.text()) == 200
    assert dialog.summary_note.text() == "Hoogstens 200 tekens: de rest is niet overgenomen."
