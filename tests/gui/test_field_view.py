"""The field view offline: big buttons record the engineer's events, each shows as not yet
synced, and a laptop clock that was off at the last contact is a clear warning."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTime
from pytestqt.qtbot import QtBot

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.field.route import FieldAction
from halt_desk.store import Store
from tests.gui.conftest import NOW
from tests.swap_data import swap_ticket
from ui.field_view import BUTTON_HEIGHT, FieldView
from ui.main_window import MainWindow

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

ENGINEER = "field:jan"


def assigned(store: Store) -> str:
    ticket = swap_ticket(store, NOW)
    record_action(store, ticket, ActionRequest(Action.ASSIGNED, to=ENGINEER), "agent", NOW)
    record_action(store, ticket, ActionRequest(Action.ONSITE_REQUESTED), "agent", NOW)
    return ticket


def view(qtbot: QtBot, store: Store) -> FieldView:
    widget = FieldView(store, ENGINEER, lambda: NOW + timedelta(minutes=40))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.loaded, timeout=10_000)
    return widget


def test_arrival_button_records_the_event_and_marks_it_unsynced(qtbot: QtBot, store: Store) -> None:
    ticket = assigned(store)
    widget = view(qtbot, store)
    current = widget.current_ticket()
    assert current is not None and current.id == ticket
    arrived = widget.buttons[FieldAction.ARRIVED]
    assert arrived.minimumHeight() >= BUTTON_HEIGHT
    arrived.click()
    qtbot.waitUntil(lambda: widget.action_table.rowCount() == 1, timeout=10_000)
    assert [e.type for e in store.events_for(f"ticket:{ticket}")][-1] == "onsite_arrival"
    assert widget.action_table.item(0, 2).text() == "● nog niet gesynchroniseerd"
    assert "niet gesynchroniseerd" in widget.list.item(0).text()
    assert "gehaald" in widget.list.item(0).text()  # the onsite clock stopped


def test_productive_again_needs_a_name_then_records_confirmed_by(
    qtbot: QtBot, store: Store
) -> None:

    ticket = assigned(store)
    widget = view(qtbot, store)
    widget.buttons[FieldAction.PRODUCTIVE_AGAIN].click()
    qtbot.waitUntil(lambda: bool(widget.message.text()), timeout=10_000)
    assert "bevestigt" in widget.message.text()
    widget.confirmed_by.setText("Anna de Vries")
    confirmed = (NOW + timedelta(minutes=30)).astimezone(AMSTERDAM)  # the contract's clock
    widget.productive_time.setTime(QTime(confirmed.hour, confirmed.minute))
    widget.buttons[FieldAction.PRODUCTIVE_AGAIN].click()
    qtbot.waitUntil(lambda: widget.action_table.rowCount() == 1, timeout=10_000)
    event = store.events_for(f"ticket:{ticket}")[-1]
    assert event.type == "productive_again" and event.data["confirmed_by"] == "Anna de Vries"
    assert "MTTP: 30 werkminuten" in widget.detail.text()


def test_a_laptop_clock_off_by_more_than_two_minutes_is_a_warning(
    qtbot: QtBot, store: Store
) -> None:
    assigned(store)
    store.save_clock_offset(timedelta(minutes=-7), NOW)
    widget = view(qtbot, store)
    assert widget.clock_warning.isVisible()
    assert "7 min voor" in widget.clock_warning.text()


def test_no_warning_when_the_clock_was_in_step(qtbot: QtBot, store: Store) -> None:
    assigned(store)
    store.save_clock_offset(timedelta(seconds=30), NOW)
    assert not view(qtbot, store).clock_warning.isVisible()


def test_take_work_along_offline_says_what_is_missing(qtbot: QtBot, store: Store) -> None:
    ticket = assigned(store)
    widget = view(qtbot, store)
    widget.take_along.click()
    qtbot.waitUntil(lambda: widget.readiness is not None, timeout=10_000)
    text = widget.readiness_label.text()
    assert "Niet compleet" in text and ticket in text and "leenapparaat" in text


def test_main_window_opens_the_field_view_with_ctrl_b(qtbot: QtBot, store: Store) -> None:
    window = MainWindow(store, ENGINEER, lambda: NOW)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    opened = window.findChild(FieldView)
    assert isinstance(opened, FieldView) and opened.isVisible()
    qtbot.waitUntil(lambda: opened.loaded, timeout=10_000)


def test_a_change_shows_its_own_clock_not_an_incidents(qtbot: QtBot, store: Store) -> None:
    """A minor change reported Tue 12-01 10:00 counts down to its first plan date (Tue 19-01
    17:00), as the ticket window shows it: no onsite or swap clock, no MTTR, and no
    workaround or productive-again for it; the incident beside it keeps its own clocks."""
    intake = Intake("e1", "Nieuwe SharePoint-site", "phone", "werkplek", "one", "workaround",
                    kind="change", change_type="minor")  # fmt: skip
    change = record_intake(store, intake, "agent-1", NOW)
    record_action(store, change, ActionRequest(Action.ASSIGNED, to=ENGINEER), "agent", NOW)
    incident = assigned(store)
    widget = view(qtbot, store)
    rows = {widget.list.item(r).data(Qt.ItemDataRole.UserRole): r for r in range(2)}
    entry = widget.list.item(rows[change]).text()
    assert "Eerste plandatum binnen 5 werkdagen: nog 7 d 6 u (uiterlijk 19-01 17:00)" in entry
    assert "Op locatie" not in entry and "Swap" not in entry
    assert "Op locatie" in widget.list.item(rows[incident]).text()
    widget.list.setCurrentRow(rows[change])
    detail = widget.detail.text()
    assert "Eerste plandatum binnen 5 werkdagen: nog 7 d 6 u" in detail
    assert "Nog niet gepland" in detail and "MTTR" not in detail
    assert not widget.buttons[FieldAction.WORKAROUND].isEnabled()
    assert not widget.buttons[FieldAction.PRODUCTIVE_AGAIN].isEnabled()
    assert widget.buttons[FieldAction.ARRIVED].isEnabled()
    current = widget.current_ticket()
    assert current is not None and current.next_deadline() is not None
    assert current.next_deadline().isoformat() == "2027-01-19T17:00:00+01:00"  # type: ignore[union-attr]
    widget.list.setCurrentRow(rows[incident])
    assert "MTTR" in widget.detail.text()
    assert widget.buttons[FieldAction.WORKAROUND].isEnabled()


def test_a_planned_standard_change_counts_down_to_the_end_of_its_plan_date(
    qtbot: QtBot, store: Store
) -> None:
    intake = Intake("e1", "Licentie Visio toekennen", "phone", "werkplek", "one", "workaround",
                    kind="change", change_type="standard")  # fmt: skip
    change = record_intake(store, intake, "agent-1", NOW)
    record_action(store, change, ActionRequest(Action.ASSIGNED, to=ENGINEER), "agent", NOW)
    planned = ActionRequest(Action.CHANGE_PLANNED, extra={"date": "2027-01-14"})
    record_action(store, change, planned, "agent", NOW)
    widget = view(qtbot, store)
    entry = widget.list.item(0).text()
    assert "Uitgevoerd binnen planning: nog " in entry and "(uiterlijk 14-01)" in entry
    assert "Gepland op 14-01-2027" in widget.detail.text()
