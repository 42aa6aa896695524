"""The agent's day on the real widgets: intake by keyboard, uplift, clocks, actions, search."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.domain.events import new_event
from halt_desk.store import Store
from tests.disk_space import fill_until_refused, no_room_to_grow
from tests.gui.conftest import NOW
from ui.intake_dialog import IntakeDialog
from ui.main_window import MainWindow
from ui.report_dialog import ReportDialog
from ui.ticket_dialog import TicketDialog
from ui.uplift_dialog import UpliftDialog


def clock() -> object:
    return NOW


def window(qtbot: QtBot, store: Store) -> MainWindow:
    main = MainWindow(store, "agent-1", lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.loaded)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)  # its shortcuts need it active
    return main


def report(store: Store, summary: str = "Laptop start niet op", **changes: object) -> str:
    fields: dict[str, object] = {
        "caller": "e1",
        "summary": summary,
        "channel": "phone",
        "category": "werkplek",
        "impact": "one",
        "urgency": "stopped",
    }
    fields.update(changes)
    return record_intake(store, Intake(**fields), "agent-1", NOW)  # type: ignore[arg-type]


def enter(qtbot: QtBot, widget: object) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_an_intake_by_keyboard_only(qtbot: QtBot, store: Store) -> None:
    main = window(qtbot, store)
    qtbot.keyClick(main, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = main.findChild(IntakeDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.caller_edit.hasFocus)
    qtbot.keyClicks(dialog.caller_edit, "de vries")
    enter(qtbot, dialog.caller_edit)  # the one match becomes the caller
    assert dialog.caller is not None and dialog.caller.id == "e1"
    assert dialog.summary.hasFocus()
    qtbot.keyClicks(dialog.summary, "Laptop start niet op")
    enter(qtbot, dialog.summary)
    enter(qtbot, dialog.channel)  # telephone, the default
    qtbot.keyClick(dialog.category, Qt.Key.Key_Down)  # werkplek
    enter(qtbot, dialog.category)
    for _ in range(3):  # one employee or a small team
        qtbot.keyClick(dialog.impact, Qt.Key.Key_Down)
    enter(qtbot, dialog.impact)
    qtbot.keyClick(dialog.urgency, Qt.Key.Key_Down)  # work stopped
    enter(qtbot, dialog.urgency)
    assert dialog.suggestion.text() == "P3"
    enter(qtbot, dialog.security)
    assert dialog.priority.hasFocus() and dialog.priority.currentText() == "P3"
    with qtbot.waitSignal(dialog.saved) as saved:
        enter(qtbot, dialog.priority)
    ticket = store.ticket(saved.args[0])
    assert ticket is not None
    assert (ticket.caller, ticket.priority, ticket.category) == ("e1", "P3", "werkplek")
    qtbot.waitUntil(lambda: main.model.tickets.total == 1)


def test_the_suggested_priority_follows_the_answers_live(qtbot: QtBot, store: Store) -> None:
    main = window(qtbot, store)
    dialog = main.new_intake()
    dialog.choose_caller(main.directory.find("Anna")[0])
    assert dialog.suggestion.text() == "–" and not dialog.override_reason.isEnabled()
    dialog.impact.setCurrentIndex(dialog.impact.findData("organisation"))
    dialog.urgency.setCurrentIndex(dialog.urgency.findData("stopped"))
    assert dialog.suggestion.text() == "P1"
    dialog.impact.setCurrentIndex(dialog.impact.findData("one"))
    dialog.urgency.setCurrentIndex(dialog.urgency.findData("workaround"))
    assert dialog.suggestion.text() == "P4"
    dialog.security.setChecked(True)
    assert dialog.suggestion.text() == "P1"


def test_an_override_without_a_reason_shows_a_dutch_message_and_saves_nothing(
    qtbot: QtBot, store: Store
) -> None:
    main = window(qtbot, store)
    dialog = main.new_intake()
    dialog.choose_caller(main.directory.find("Anna")[0])
    dialog.summary.setText("Printer doet het niet")
    dialog.category.setCurrentIndex(dialog.category.findData("werkplek"))
    dialog.impact.setCurrentIndex(dialog.impact.findData("one"))
    dialog.urgency.setCurrentIndex(dialog.urgency.findData("workaround"))
    dialog.priority.setCurrentIndex(dialog.priority.findData("P2"))
    assert dialog.override_reason.isEnabled()
    dialog.save()  # checked on a worker thread, with the look-ups
    qtbot.waitUntil(lambda: "reden" in dialog.error.text())
    assert dialog.save_button.isEnabled() and dialog.isVisible()
    assert store.tickets() == []


def test_a_missing_caller_is_named_next_to_the_form(qtbot: QtBot, store: Store) -> None:
    dialog = IntakeDialog(store, window(qtbot, store).directory, "agent-1", lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.error.text() == "Kies een melder uit het medewerkersbestand."


def test_a_granted_uplift_gives_p1_and_its_label(qtbot: QtBot, store: Store) -> None:
    ticket_id = report(store)
    dialog = UpliftDialog(store, ticket_id, "agent-1", lambda: NOW)
    qtbot.addWidget(dialog)
    assert dialog.verdict.text().startswith("Wordt afgewezen")
    dialog.critical_role.setChecked(True)
    dialog.direct_impact.setChecked(True)
    dialog.cannot_work.setChecked(True)
    dialog.role_type.setCurrentIndex(dialog.role_type.findText("Zitting"))
    dialog.motivation.setPlainText("Zitting bij de rechtbank om 11:00, dossier op de laptop")
    assert "Toegekend" in dialog.verdict.text()
    assert "P1-uplift (één medewerker)" in dialog.verdict.text()
    with qtbot.waitSignal(dialog.decided) as decided:
        dialog.record()
    assert decided.args[0].granted
    ticket = store.ticket(ticket_id)
    assert ticket is not None and (ticket.priority, ticket.uplift) == ("P1", True)


def test_a_refused_uplift_says_why_and_is_recorded(qtbot: QtBot, store: Store) -> None:
    ticket_id = report(store)
    dialog = UpliftDialog(store, ticket_id, "agent-1", lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.critical_role.setChecked(True)
    dialog.role_type.setCurrentIndex(dialog.role_type.findText("Crisisoverleg"))
    dialog.direct_impact.setChecked(True)
    dialog.motivation.setPlainText("Crisisoverleg, maar kan via telefoon deelnemen")
    assert "De medewerker kan de taak nog uitvoeren." in dialog.verdict.text()
    with qtbot.waitSignal(dialog.decided) as decided:
        dialog.record()
    assert not decided.args[0].granted
    last = store.events_for(f"ticket:{ticket_id}")[-1]
    assert last.type == "uplift_decided" and last.data["granted"] is False
    ticket = store.ticket(ticket_id)
    assert ticket is not None and ticket.priority == "P3"


def test_the_ticket_view_shows_every_clock_with_its_countdown(qtbot: QtBot, store: Store) -> None:
    ticket_id = report(store)
    dialog = TicketDialog(store, ticket_id, "agent-1", lambda: NOW)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.evaluation is not None)
    reaction = [dialog.clocks.item(0, c).text() for c in range(4)]
    # P3 reported at 10:00: reaction within 4 business hours.
    assert reaction[0] == "Reactie" and reaction[1].endswith("14:00")
    assert reaction[2] == "nog 4 u 00 min" and reaction[3] == "loopt"
    assert dialog.clocks.item(3, 3).text() == "n.v.t."  # no onsite requested


def test_an_action_button_records_its_event(qtbot: QtBot, store: Store) -> None:
    ticket_id = report(store)
    dialog = TicketDialog(store, ticket_id, "agent-1", lambda: NOW)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.evaluation is not None)
    with qtbot.waitSignal(dialog.changed):
        dialog.buttons["First response (phone)"].click()  # keyed by the message id
    last = store.events_for(f"ticket:{ticket_id}")[-1]
    assert (last.type, last.data["channel"]) == ("first_response", "phone")
    qtbot.waitUntil(lambda: dialog.clocks.item(0, 3).text() == "gehaald")


def test_a_refused_action_shows_the_dutch_reason(qtbot: QtBot, store: Store) -> None:
    ticket_id = report(store)
    dialog = TicketDialog(store, ticket_id, "agent-1", lambda: NOW)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.evaluation is not None)
    dialog.comment_button.click()  # a note without text
    qtbot.waitUntil(lambda: dialog.message.text() == "Schrijf een notitie.")


def test_search_as_you_type_and_quick_filters(qtbot: QtBot, store: Store) -> None:
    first = report(store, "Laptop start niet op")
    report(store, "Printer regiokantoor offline", impact="several", urgency="degraded")
    closed = report(store, "Wachtwoord vergeten", impact="one", urgency="workaround")
    record_action(store, closed, ActionRequest(Action.CLOSED), "agent-1", NOW)
    main = window(qtbot, store)
    assert len(main.model.tickets) == 2  # open tickets by default
    qtbot.keyClicks(main.search, "laptop")
    assert [main.model.row_at(r).id for r in range(main.model.rowCount())] == [first]
    main.search.clear()
    qtbot.keyClick(main, Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)  # all
    qtbot.waitUntil(lambda: main.model.rowCount() == 3)  # the button clicks itself (100 ms)
    assert main.counts.text() == "3 van 3 meldingen"


def test_a_deadline_within_15_minutes_is_reminded_once(qtbot: QtBot, store: Store) -> None:
    report(store, impact="several", urgency="degraded")  # P2: reaction within 1 hour
    moments = [NOW + timedelta(minutes=50)]
    main = MainWindow(store, "agent-1", lambda: moments[0])
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.last_notification != [])
    assert main.last_notification[0].endswith("Reactie verloopt binnen 15 minuten")
    assert main.reminder_state.text() == "Te laat: 0 · bijna: 1"
    main.last_notification = []
    main.check_reminders()
    qtbot.waitUntil(lambda: main.reminders != [] and main.reminder_state.text() != "")
    qtbot.wait(50)
    assert main.last_notification == []  # not again
    moments[0] = NOW + timedelta(minutes=61)
    main.check_reminders()
    qtbot.waitUntil(lambda: main.reminder_state.text() == "Te laat: 1 · bijna: 0")
    assert main.last_notification[0].endswith("Reactie is te laat")


def test_the_monthly_report_from_the_menu(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    intake = Intake("e1", "Laptop start niet op", "phone", "werkplek", "one", "stopped")
    record_intake(store, intake, "agent-1", NOW - timedelta(hours=1))  # January 2027
    main = window(qtbot, store)
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(main, Qt.Key.Key_R, keys)
    dialog = main.findChild(ReportDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.org.currentText() == "Stichting Halt"
    dialog.month.setText("2027-01")
    dialog.out.setText(str(tmp_path / "slr.pdf"))
    dialog.with_csv.setChecked(True)
    with qtbot.waitSignal(dialog.written, timeout=30_000) as written:
        dialog.make()
    assert (tmp_path / "slr.pdf").read_bytes().startswith(b"%PDF")
    # the PDF, the KPI table, the tickets and the seven tables of reports/governance_csv.py
    assert (tmp_path / "slr.csv").exists() and len(written.args[0]) == 10
    assert (tmp_path / "slr-vulnerabilities.csv").exists()
    pdf = tmp_path / "slr.pdf"
    assert dialog.message.text() == f"Geschreven: {pdf} en 9 CSV-bestanden ernaast"


def test_a_bad_month_gives_a_message_and_no_file(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    main = window(qtbot, store)
    dialog = main.open_report()
    dialog.month.setText("januari")
    dialog.out.setText(str(tmp_path / "slr.pdf"))
    dialog.make()
    qtbot.waitUntil(lambda: dialog.make_button.isEnabled() and bool(dialog.message.text()))
    assert dialog.message.text() == "Schrijf de maand als JJJJ-MM, bijvoorbeeld 2027-01."
    assert not (tmp_path / "slr.pdf").exists()


def test_the_ticket_view_shows_mttr_and_mttp(qtbot: QtBot, store: Store) -> None:
    ticket_id = report(store)
    later = NOW + timedelta(hours=1, minutes=30)
    resolved = ActionRequest(Action.RESOLVED, text="Kabel vervangen")
    record_action(store, ticket_id, resolved, "agent-1", later)
    dialog = TicketDialog(store, ticket_id, "agent-1", lambda: later)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.evaluation is not None)
    # Resolved 90 business minutes after the report; no productive_again: MTTP = MTTR.
    assert "MTTR 1,5 u · MTTP 1,5 u (kloktijd 1,5 u)" in dialog.figures.text()


@pytest.mark.parametrize("spare_pages", range(13))
def test_a_full_disk_keeps_the_intake_on_screen_with_a_dutch_message(
    qtbot: QtBot, store: Store, spare_pages: int
) -> None:
    main = window(qtbot, store)
    dialog = main.new_intake()
    dialog.choose_caller(main.directory.find("Anna")[0])
    dialog.summary.setText("Laptop start niet op " + "x" * 4000)  # cut to its limit
    dialog.category.setCurrentIndex(dialog.category.findData("werkplek"))
    dialog.impact.setCurrentIndex(dialog.impact.findData("one"))
    dialog.urgency.setCurrentIndex(dialog.urgency.findData("stopped"))
    # Filled with the form's own intake: a smaller one than the form's could still fit in
    # the room a bigger one left (and then the save is no refusal at all).
    with no_room_to_grow(store, spare_pages):
        saved, _ = fill_until_refused(store, intake=dialog.intake())
        dialog.save()
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled() or not dialog.isVisible())
        assert "De schijf is vol" in dialog.error.text()
        assert dialog.isVisible() and dialog.summary.text().startswith("Laptop start niet op")
        main.reload()  # the list still reads, on the full disk
        qtbot.waitUntil(lambda: main.model.tickets.total == saved)
    assert len(store.tickets()) == saved
    with qtbot.waitSignal(dialog.saved):  # room again: the same form saves
        dialog.save()
    assert len(store.tickets()) == saved + 1


def test_the_list_reads_only_changed_tickets_and_everything_after_a_rename(
    qtbot: QtBot, store: Store
) -> None:
    first = report(store)
    main = window(qtbot, store)
    shown = main.model.tickets
    marker = store.change_marker()
    second = report(store, "VPN valt weg")  # as if pulled: recorded behind the window's back
    record_action(store, first, ActionRequest(Action.WAITING_ON_USER), "agent-1", NOW)
    assert store.tickets_changed_since(marker) == {first, second}
    main.reload()
    qtbot.waitUntil(lambda: main.model.tickets.total == 2)
    assert main.model.tickets is not shown
    rows = {main.model.tickets.row(p).id: main.model.tickets.row(p) for p in range(2)}
    assert rows[first].status == "waiting" and rows[second].summary == "VPN valt weg"

    renamed = new_event(
        "employee:e1", "employee_updated", NOW, "admin", {"name": "Anna de Vries-Bakker"}
    )
    store.record_events([renamed])
    assert store.tickets_changed_since(store.change_marker() - 1) is None  # read it all
    main.reload()
    qtbot.waitUntil(
        lambda: (
            {main.model.tickets.row(p).caller_name for p in range(2)} == {"Anna de Vries-Bakker"}
        )
    )


def test_the_list_fills_from_the_cache_file_before_the_store_opens(
    qtbot: QtBot, store: Store
) -> None:
    later = report(store, "VPN valt weg", impact="one", urgency="workaround")  # P4
    first = report(store, "Laptop start niet op", impact="organisation", urgency="stopped")
    closed = report(store, "Wachtwoord vergeten")
    record_action(store, closed, ActionRequest(Action.CLOSED), "agent-1", NOW)
    main = MainWindow(None, "agent-1", lambda: NOW)  # as the app starts: no store yet
    qtbot.addWidget(main)
    main.show()
    main.show_first_page(store.path)
    qtbot.waitUntil(lambda: main.page_shown)
    assert not main.loaded and main.counts.text() == "Meldingen worden geladen…"
    assert [main.model.row_at(r).id for r in range(main.model.rowCount())] == [first, later]
    main.table.setFocus()
    main.table.selectRow(0)
    enter(qtbot, main.table)  # the cache is not open yet: nothing opens, nothing breaks
    assert main.findChild(TicketDialog) is None
    main.attach_store(store)
    qtbot.waitUntil(lambda: main.loaded)
    assert main.counts.text() == "2 van 3 meldingen"
    enter(qtbot, main.table)
    qtbot.waitUntil(lambda: main.findChild(TicketDialog) is not None)


def test_a_first_page_after_the_user_chose_another_view_is_not_shown(
    qtbot: QtBot, store: Store
) -> None:
    from halt_desk.store.list_rows import first_page

    report(store)
    main = MainWindow(None, "agent-1", lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    main.set_quick_filter(main.quick.ALL)  # before the page came in
    main._first_page_read(first_page(store.path))
    assert not main.page_shown and main.model.rowCount() == 0


def test_a_search_typed_while_the_first_page_shows_covers_every_ticket(
    qtbot: QtBot, store: Store
) -> None:
    report(store, "Laptop start niet op", impact="organisation", urgency="stopped")
    vpn = report(store, "VPN valt weg", impact="one", urgency="workaround")
    main = MainWindow(None, "agent-1", lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    main.show_first_page(store.path)
    qtbot.waitUntil(lambda: main.page_shown)
    qtbot.keyClicks(main.search, "vpn")
    assert main.counts.text() == "Meldingen worden geladen…"  # not "1 of 2": a page only
    main.attach_store(store)
    qtbot.waitUntil(lambda: main.loaded)
    assert [main.model.row_at(r).id for r in range(main.model.rowCount())] == [vpn]
    assert main.counts.text() == "1 van 2 meldingen"
