"""Kwetsbaarheden (CVE) at the desk, by keyboard: the month's list of an organisation, a new
CVE registered, the next step of a listed one recorded, every bad input refused in Dutch
with nothing recorded, and only an administrator writing (central's rule)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from halt_desk.desk.security_entry import VulnerabilityEntry, record_vulnerability
from halt_desk.domain.events import Event
from halt_desk.domain.vulnerabilities import FIELDS
from halt_desk.store import Store
from tests.gui.conftest import NOW
from tests.gui.test_desk_window import window
from ui.report_dialog import ReportDialog
from ui.vulnerabilities_window import VulnerabilitiesWindow

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ADMIN = "admin:beheer"
SHOTS = Path("/tmp/halt-desk-vulnerability-shots")


def _fields(event: Event) -> dict[str, object]:
    """What the event says of the vulnerability (without the stamp of the desk)."""
    return {k: v for k, v in event.data.items() if k in ("org", *FIELDS)}


def _events(store: Store) -> list[Event]:
    streams = store.streams_of_kind("vulnerability")
    return [e for found in store.events_for_streams(streams).values() for e in found]


def open_window(qtbot: QtBot, store: Store, actor: str = ADMIN) -> VulnerabilitiesWindow:
    dialog = VulnerabilitiesWindow(store, {"halt": "Stichting Halt"}, actor, lambda: NOW,
                                   month="2027-01")  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def focused(qtbot: QtBot, dialog: VulnerabilitiesWindow, key: Qt.Key) -> None:
    """Alt+key: the field its label names gets the focus (the label's mnemonic)."""
    qtbot.keyClick(dialog, key, ALT)
    qtbot.wait(10)


def fill(qtbot: QtBot, dialog: VulnerabilitiesWindow, cve: str, severity: str, status: str,
         measure: str, day: str) -> None:  # fmt: skip
    focused(qtbot, dialog, Qt.Key.Key_C)
    assert QApplication.focusWidget() is dialog.cve
    dialog.cve.clear()
    qtbot.keyClicks(dialog.cve, cve)
    focused(qtbot, dialog, Qt.Key.Key_E)
    assert QApplication.focusWidget() is dialog.severity
    if severity:
        qtbot.keyClicks(dialog.severity, severity)  # typing chooses the item
    focused(qtbot, dialog, Qt.Key.Key_T)
    assert QApplication.focusWidget() is dialog.status
    if status:
        qtbot.keyClicks(dialog.status, status)
    focused(qtbot, dialog, Qt.Key.Key_G)
    assert QApplication.focusWidget() is dialog.measure
    dialog.measure.clear()
    if measure:
        dialog.measure.insertPlainText(measure)
    focused(qtbot, dialog, Qt.Key.Key_D)
    assert QApplication.focusWidget() is dialog.day
    dialog.day.clear()
    qtbot.keyClicks(dialog.day, day)


def test_a_new_cve_is_registered_by_keyboard(qtbot: QtBot, store: Store) -> None:
    dialog = open_window(qtbot, store)
    qtbot.waitUntil(lambda: dialog.empty.text() == "Geen kwetsbaarheden in deze maand.")
    fill(qtbot, dialog, "cve-2027-0101", "kritiek", "open", "", "11-01-2027")
    assert dialog.severity.currentData() == "critical"
    qtbot.keyClick(dialog.day, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    (event,) = _events(store)
    assert (event.stream, event.type, event.actor) == (
        "vulnerability:halt/CVE-2027-0101",
        "vulnerability_registered",
        ADMIN,
    )
    assert _fields(event) == {"org": "halt", "cve": "CVE-2027-0101", "severity": "critical",
                          "status": "open", "measure": "", "date": "2027-01-11"}  # fmt: skip
    row = [dialog.table.item(0, c).text() for c in range(5)]
    assert row == ["CVE-2027-0101", "kritiek", "open", "", "11-01-2027"]
    assert dialog.done_line.text() == "Vastgelegd: CVE-2027-0101"
    assert dialog.message.text() == ""


def test_the_next_step_of_a_listed_cve_is_recorded(qtbot: QtBot, store: Store) -> None:
    first = VulnerabilityEntry("halt", "CVE-2027-0202", "high", "open", "", "2027-01-05")
    record_vulnerability(store, first, ADMIN, NOW)
    dialog = open_window(qtbot, store)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    focused(qtbot, dialog, Qt.Key.Key_L)
    assert QApplication.focusWidget() is dialog.table
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # the chosen one into the form
    assert dialog.cve.text() == "CVE-2027-0202" and dialog.severity.currentData() == "high"
    assert dialog.day.text() == "12-01-2027"  # today, in the month shown
    focused(qtbot, dialog, Qt.Key.Key_T)
    qtbot.keyClicks(dialog.status, "opgelost")
    focused(qtbot, dialog, Qt.Key.Key_G)
    qtbot.keyClicks(dialog.measure, "Patch via Intune uitgerold")
    qtbot.keyClick(dialog.measure, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: dialog.table.item(0, 2).text() == "opgelost")
    updated = [e for e in _events(store) if e.type == "vulnerability_updated"]
    assert [_fields(e) for e in updated] == [
        {"status": "resolved", "measure": "Patch via Intune uitgerold", "date": "2027-01-12"}
    ]
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "recorded.png"))


def _refused(qtbot: QtBot, dialog: VulnerabilitiesWindow, store: Store, text: str) -> None:
    qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: dialog.message.text() == text)
    assert _events(store) == []
    assert dialog.done_line.text() == ""


def test_a_cve_identifier_that_is_not_one_is_refused(qtbot: QtBot, store: Store) -> None:
    dialog = open_window(qtbot, store)
    fill(qtbot, dialog, "CVE-2027-12", "hoog", "open", "", "11-01-2027")
    _refused(qtbot, dialog, store, "Geef een CVE-nummer zoals CVE-2027-12345.")
    assert QApplication.focusWidget() is dialog.cve


def test_a_severity_not_chosen_is_refused(qtbot: QtBot, store: Store) -> None:
    dialog = open_window(qtbot, store)
    fill(qtbot, dialog, "CVE-2027-0101", "", "open", "", "11-01-2027")
    assert dialog.severity.currentData() is None
    _refused(qtbot, dialog, store, "Kies de ernst.")


def test_a_date_outside_the_month_is_refused(qtbot: QtBot, store: Store) -> None:
    dialog = open_window(qtbot, store)
    fill(qtbot, dialog, "CVE-2027-0101", "hoog", "open", "", "15-12-2026")
    _refused(qtbot, dialog, store, "Geef een datum in de gekozen maand: van 01-01-2027 tot en "
             "met 12-01-2027, niet in de toekomst.")  # fmt: skip
    assert QApplication.focusWidget() is dialog.day
    dialog.day.setText("31-02-2027")
    _refused(qtbot, dialog, store,
             "Geef de datum van deze stap (dd-mm-jjjj), niet in de toekomst.")  # fmt: skip


def test_a_measure_too_long_is_refused(qtbot: QtBot, store: Store) -> None:
    dialog = open_window(qtbot, store)
    fill(qtbot, dialog, "CVE-2027-0101", "hoog", "opgelost", "x" * 1001, "11-01-2027")
    _refused(qtbot, dialog, store, "Beschrijf de genomen maatregel (ten hoogste 1000 tekens).")
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "refused.png"))


def test_an_agent_sees_the_list_but_does_not_record(qtbot: QtBot, store: Store) -> None:
    record_vulnerability(
        store, VulnerabilityEntry("halt", "CVE-2027-0202", "high", "open", "", "2027-01-05"),
        ADMIN, NOW,
    )  # fmt: skip
    dialog = open_window(qtbot, store, "agent:sanne.visser")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert not dialog.form_box.isEnabled()
    assert dialog.note.text().startswith("Alleen een beheerder")
    qtbot.keyClick(dialog, Qt.Key.Key_Return, CTRL)
    assert len(_events(store)) == 1


def test_the_main_window_opens_it_with_ctrl_shift_x(qtbot: QtBot, store: Store) -> None:
    main = window(qtbot, store)
    qtbot.keyClick(main.table, Qt.Key.Key_X, CTRL | SHIFT)
    qtbot.waitUntil(lambda: any(w.isVisible() for w in main.findChildren(VulnerabilitiesWindow)))
    (opened,) = main.findChildren(VulnerabilitiesWindow)
    assert opened.org.currentText() == "Stichting Halt"
    assert opened.windowTitle() == "Kwetsbaarheden (CVE)"


def test_the_report_dialog_opens_it_for_its_organisation_and_month(
    qtbot: QtBot, store: Store
) -> None:
    report = ReportDialog(store, {"halt": "Stichting Halt"}, lambda: NOW, actor=ADMIN)
    qtbot.addWidget(report)
    report.show()
    report.activateWindow()
    qtbot.waitUntil(report.isActiveWindow)
    report.month.setText("2026-12")
    qtbot.keyClick(report, Qt.Key.Key_K, ALT)  # &Kwetsbaarheden (CVE)…
    qtbot.waitUntil(lambda: any(w.isVisible() for w in report.findChildren(VulnerabilitiesWindow)))
    (opened,) = report.findChildren(VulnerabilitiesWindow)
    assert (opened.month.text(), opened.org.currentData(), opened.actor) == (
        "2026-12",
        "halt",
        ADMIN,
    )
