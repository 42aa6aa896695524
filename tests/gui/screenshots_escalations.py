"""Screenshots of Escalaties (issue 23) under a real X server:

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python -m tests.gui.screenshots_escalations OUT

The register of `tests.escalation_data` (an N1 with its start clock running, an N2 whose
weekly update is missed, a closed one and a suggestion) as the service manager sees it;
the N2's detail with its actions; a new escalation refused in its dialog (a strategic issue
at N1); the ticket window's escalation line; the register as an agent reads it; and the
main window's toolbar with the entry. Every step is a key press. Prints one line per PNG."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolBar, QToolButton

from halt_desk.store import Store
from tests.desk_data import NOW, reference_events, staff_events
from tests.escalation_data import N2, REGIE, TICKETS, register_store_events
from tests.gui.screenshots import run_main, scratch_cache, settle, shoot, shots_written
from tests.gui.screenshots_keys import activate
from ui.escalation_dialogs import RegisterDialog
from ui.escalation_window import EscalationWindow
from ui.main_window import MainWindow
from ui.ticket_dialog import TicketDialog

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
AGENT = "agent:sanne.visser"


def wait(app: QApplication, ready: object, tries: int = 200) -> None:
    for _ in range(tries):
        if callable(ready) and ready():
            return
        settle(app, 50)
    raise RuntimeError("the screen did not get ready")


def register_screens(app: QApplication, window: MainWindow, out: Path) -> None:
    activate(app, window)
    report = next(a for a in window.findChildren(QToolBar)[0].actions() if a.menu() is None
                  and a.shortcut().toString() == "Ctrl+Shift+R")  # fmt: skip
    button = window.findChildren(QToolBar)[0].widgetForAction(report)
    assert isinstance(button, QToolButton) and button.menu() is not None
    menu = button.menu()
    menu.popup(button.mapToGlobal(button.rect().bottomLeft()))  # the report's arrow
    settle(app, 400)
    shoot(window, out / "main-window-escalations.png")
    menu.hide()
    settle(app, 200)
    QTest.keyClick(window.table, Qt.Key.Key_E, CTRL | SHIFT)
    wait(app, lambda: any(w.isVisible() for w in window.findChildren(EscalationWindow)))
    register = next(w for w in window.findChildren(EscalationWindow) if w.isVisible())
    register.move(40, 40)
    register.resize(1280, 800)
    activate(app, register)
    wait(app, lambda: register.loaded)
    QTest.keyClick(register.table, Qt.Key.Key_A, ALT)  # Alles: the closed one too
    settle(app, 300)
    QTest.keyClick(register.table, Qt.Key.Key_Down)  # the N1 with its start clock
    settle(app, 300)
    shoot(register, out / "escalations-register.png")
    while register.current() is not None and register.current().id != N2:  # type: ignore[union-attr]
        QTest.keyClick(register.table, Qt.Key.Key_Down)
        settle(app, 100)
    settle(app, 300)
    shoot(register, out / "escalations-detail-actions.png")
    QTest.keyClick(register.table, Qt.Key.Key_N, CTRL)
    wait(app, lambda: any(w.isVisible() for w in register.findChildren(RegisterDialog)))
    form = next(w for w in register.findChildren(RegisterDialog) if w.isVisible())
    form.move(160, 120)
    activate(app, form)
    QTest.keyClick(form, Qt.Key.Key_L, ALT)  # Leverancier
    QTest.keyClicks(form.supplier, "Netwerkpartner BV")
    QTest.keyClick(form, Qt.Key.Key_R, ALT)  # Omschrijving
    QTest.keyClicks(form.description, "Datalek door verkeerd ingestelde VPN-toegang")
    QTest.keyClick(form, Qt.Key.Key_C, ALT)  # Classificatie: strategisch
    QTest.keyClick(form.classification, Qt.Key.Key_End)
    QTest.keyClick(form, Qt.Key.Key_M, ALT)  # Meldingen
    QTest.keyClicks(form.tickets, TICKETS[0])
    QTest.keyClick(form.tickets, Qt.Key.Key_Tab)
    settle(app, 500)
    QTest.keyClick(form.tickets, Qt.Key.Key_Return, CTRL)  # N1 for a strategic issue: refused
    wait(app, lambda: bool(form.message.text()))
    settle(app, 200)
    shoot(form, out / "escalation-dialog-refused.png")
    form.reject()
    register.close()


def ticket_screen(app: QApplication, store: Store, out: Path) -> None:
    dialog = TicketDialog(store, TICKETS[1], REGIE, lambda: NOW)
    dialog.move(40, 40)
    dialog.show()
    wait(app, lambda: dialog.escalations.line.isVisible())
    activate(app, dialog)
    settle(app, 300)
    shoot(dialog, out / "ticket-escalation-line.png")
    dialog.close()


def agent_screen(app: QApplication, store: Store, out: Path) -> None:
    register = EscalationWindow(store, AGENT, lambda: NOW)
    register.move(40, 40)
    register.resize(1280, 800)
    register.show()
    wait(app, lambda: register.loaded)
    activate(app, register)
    settle(app, 300)
    shoot(register, out / "escalations-read-only.png")
    register.close()


def main(out: Path) -> int:
    with scratch_cache(out, lambda: NOW) as (app, store):
        events = [*reference_events(), *staff_events(), *register_store_events()]
        store.record_events(events, bulk=True)
        window = MainWindow(store, REGIE, lambda: NOW)
        window.move(0, 0)
        window.resize(1280, 760)
        window.show()
        wait(app, lambda: window.loaded)
        settle(app)
        register_screens(app, window, out)
        ticket_screen(app, store, out)
        agent_screen(app, store, out)
        window.close()
    return shots_written(out)


if __name__ == "__main__":
    run_main(main)
