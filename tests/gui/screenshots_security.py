"""Screenshots of Kwetsbaarheden (CVE) under a real X server:

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python -m tests.gui.screenshots_security OUT

As an administrator on the demo cache: the monthly report dialog with its button, the
window of this month with two CVEs, a new one typed by keyboard with a date outside the
month (refused in Dutch), corrected and recorded, then the next step of a listed one; and
the same window as a service desk agent sees it (the list only). Prints one line per PNG."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from halt_desk.desk.security_entry import VulnerabilityEntry, record_vulnerability
from halt_desk.store import Store
from tests.gui.screenshots import demo_desk, run_main, settle, shoot, shots_written
from tests.gui.screenshots_keys import activate
from ui.main_window import MainWindow
from ui.report_dialog import ReportDialog
from ui.vulnerabilities_window import VulnerabilitiesWindow

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ADMIN = "admin:beheer"


def _seed(store: Store, now: datetime) -> None:
    first = now.replace(day=1)
    entries = [
        VulnerabilityEntry("halt", "CVE-2026-21345", "critical", "resolved",
                           "Patch KB5034441 via Intune uitgerold; 100 % compliant.",
                           first.date().isoformat()),
        VulnerabilityEntry("halt", "CVE-2026-20987", "high", "mitigated",
                           "Poort 8443 op de VPN-concentrator dicht tot de patch er is.",
                           first.date().isoformat()),
    ]  # fmt: skip
    for entry in entries:
        record_vulnerability(store, entry, ADMIN, now - timedelta(hours=1))


def _type(app: QApplication, dialog: VulnerabilitiesWindow, key: Qt.Key, text: str) -> None:
    QTest.keyClick(dialog, key, ALT)
    settle(app, 50)
    widget = app.focusWidget()
    assert widget is not None
    QTest.keyClicks(widget, text)


def _wait(app: QApplication, done: object) -> None:
    for _ in range(50):
        if callable(done) and done():
            return
        settle(app, 100)


def security_screens(app: QApplication, store: Store, window: MainWindow, out: Path) -> None:
    now = window.clock()
    _seed(store, now)
    activate(app, window)
    QTest.keyClick(window.table, Qt.Key.Key_R, CTRL | SHIFT)  # Maandrapport
    settle(app, 500)
    report = next(w for w in window.findChildren(ReportDialog) if w.isVisible())
    report.month.setText(now.strftime("%Y-%m"))
    report.org.setCurrentIndex(report.org.findData("halt"))
    report.move(80, 80)
    activate(app, report)
    settle(app, 300)
    shoot(report, out / "report-dialog-with-cve-button.png")
    QTest.keyClick(report, Qt.Key.Key_K, ALT)  # &Kwetsbaarheden (CVE)…
    settle(app, 500)
    dialog = next(w for w in report.findChildren(VulnerabilitiesWindow) if w.isVisible())
    dialog.move(40, 40)
    activate(app, dialog)
    _wait(app, lambda: dialog.table.rowCount() == 2)
    settle(app, 300)
    shoot(dialog, out / "cve-window.png")
    QTest.keyClick(dialog, Qt.Key.Key_N, CTRL)
    _type(app, dialog, Qt.Key.Key_C, "CVE-2026-31337")
    _type(app, dialog, Qt.Key.Key_E, "hoog")
    _type(app, dialog, Qt.Key.Key_T, "open")
    dialog.day.clear()
    last_month = (now.replace(day=1) - timedelta(days=3)).strftime("%d-%m-%Y")
    _type(app, dialog, Qt.Key.Key_D, last_month)
    QTest.keyClick(dialog.day, Qt.Key.Key_Return, CTRL)
    _wait(app, lambda: bool(dialog.message.text()))
    settle(app, 200)
    shoot(dialog, out / "cve-date-refused.png")
    dialog.day.clear()
    QTest.keyClicks(dialog.day, now.strftime("%d-%m-%Y"))
    QTest.keyClick(dialog.day, Qt.Key.Key_Return, CTRL)
    _wait(app, lambda: dialog.table.rowCount() == 3)
    settle(app, 300)
    shoot(dialog, out / "cve-registered.png")
    QTest.keyClick(dialog, Qt.Key.Key_L, ALT)
    cves = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    row = cves.index("CVE-2026-20987")
    dialog.table.setCurrentCell(row, 0)
    QTest.keyClick(dialog.table, Qt.Key.Key_Return)
    _type(app, dialog, Qt.Key.Key_T, "opgelost")
    QTest.keyClick(dialog.measure, Qt.Key.Key_End, CTRL)
    QTest.keyClicks(dialog.measure, " Daarna de patch op de concentrator gezet.")
    QTest.keyClick(dialog.measure, Qt.Key.Key_Return, CTRL)
    _wait(app, lambda: dialog.done_line.text().endswith("CVE-2026-20987"))
    settle(app, 300)
    shoot(dialog, out / "cve-next-step.png")
    dialog.close()
    report.close()


def agent_screen(app: QApplication, store: Store, now: datetime, out: Path) -> None:
    dialog = VulnerabilitiesWindow(store, {"halt": "Stichting Halt"}, "agent:sanne.visser",
                                   lambda: now)  # fmt: skip
    dialog.move(40, 40)
    dialog.show()
    activate(app, dialog)
    _wait(app, lambda: dialog.table.rowCount() == 3)
    settle(app, 300)
    shoot(dialog, out / "cve-window-agent.png")
    dialog.close()


def main(out: Path) -> int:
    with demo_desk(out, ADMIN) as desk:
        security_screens(desk.app, desk.store, desk.window, out)
        desk.window.close()
        agent_screen(desk.app, desk.store, desk.now, out)
    return shots_written(out)


if __name__ == "__main__":
    run_main(main)
