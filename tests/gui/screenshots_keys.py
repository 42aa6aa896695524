"""Screenshots of keyboard focus, empty lists and the uplift layout under a real X server:

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python -m tests.gui.screenshots_keys OUT

Every step is a key press, as an agent works. Prints one line per PNG, and for the intake
the focused combo box's rectangle in that PNG ("focus intake-focus.png x y w h")."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from halt_desk.store import Store
from tests.gui.screenshots import demo_desk, run_main, settle, shoot, shots_written
from ui.intake_dialog import IntakeDialog
from ui.main_window import MainWindow
from ui.uplift_dialog import UpliftDialog

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def activate(app: QApplication, window: QWidget) -> None:
    window.activateWindow()
    for _ in range(50):
        if window.isActiveWindow():
            break
        settle(app, 50)


def key(app: QApplication, widget: QWidget, code: Qt.Key, modifier: object = None) -> None:
    if modifier is None:
        QTest.keyClick(widget, code)
    else:
        QTest.keyClick(widget, code, modifier)  # type: ignore[arg-type]
    settle(app, 50)


def main_screens(app: QApplication, window: MainWindow, out: Path) -> None:
    """The list with a filter that shows nothing, and a search without hits."""
    activate(app, window)
    key(app, window, Qt.Key.Key_2, ALT)  # my tickets: this agent has none
    settle(app, 300)
    shoot(window, out / "main-window-empty-filter.png")
    key(app, window, Qt.Key.Key_6, ALT)
    key(app, window, Qt.Key.Key_F, CTRL)
    QTest.keyClicks(window.search, "printer op de maan")
    settle(app)
    shoot(window, out / "main-window-empty-search.png")
    window.search.clear()


def intake_screen(app: QApplication, window: MainWindow, out: Path) -> None:
    """The intake with the keyboard on the category (a combo box)."""
    activate(app, window)
    key(app, window, Qt.Key.Key_N, CTRL)
    intake = window.findChild(IntakeDialog)
    assert intake is not None
    intake.move(200, 120)
    activate(app, intake)
    QTest.keyClicks(intake.caller_edit, "dennis de vries")
    settle(app)
    popup = intake.caller_edit.completer().popup()
    if popup.isVisible():  # the list of matches takes the Enter, as for a person
        key(app, popup, Qt.Key.Key_Down)
        key(app, popup, Qt.Key.Key_Return)
    key(app, intake.caller_edit, Qt.Key.Key_Return)
    QTest.keyClicks(intake.summary, "Laptop start niet op, geeft over een uur les")
    key(app, intake.summary, Qt.Key.Key_Return)
    key(app, intake.channel, Qt.Key.Key_Return)
    key(app, intake.category, Qt.Key.Key_Down)
    settle(app)
    assert intake.category.hasFocus(), intake.focusWidget()
    shoot(intake, out / "intake-focus.png")
    corner = intake.category.mapTo(intake, QPoint(0, 0)) + (
        intake.geometry().topLeft() - intake.frameGeometry().topLeft()
    )
    size = intake.category.size()
    print(f"focus intake-focus.png {corner.x()} {corner.y()} {size.width()} {size.height()}")
    intake.reject()


def uplift_screens(app: QApplication, store: Store, window: MainWindow, out: Path) -> None:
    """The uplift with every reason to refuse, then granted: the form stays where it is."""
    ticket = next(t.id for t in store.tickets(open_only=True) if t.priority != "P1")
    now = window.clock()
    uplift = UpliftDialog(store, ticket, "agent:sanne.visser", lambda: now, window)
    uplift.move(240, 160)
    uplift.show()
    activate(app, uplift)
    uplift.critical_role.setFocus()
    settle(app)
    shoot(uplift, out / "uplift-refusals.png")
    for box in (uplift.critical_role, uplift.direct_impact, uplift.cannot_work):
        key(app, box, Qt.Key.Key_Space)
        key(app, box, Qt.Key.Key_Tab)
    key(app, uplift.role_type, Qt.Key.Key_Down)
    key(app, uplift.role_type, Qt.Key.Key_Tab)
    QTest.keyClicks(uplift.motivation, "Geeft om 11:00 voorlichting aan een schoolklas in Tilburg.")
    settle(app)
    shoot(uplift, out / "uplift-granted.png")
    uplift.reject()


def main(out: Path) -> int:
    with demo_desk(out, "agent:nieuw") as desk:
        main_screens(desk.app, desk.window, out)
        intake_screen(desk.app, desk.window, out)
        uplift_screens(desk.app, desk.store, desk.window, out)
    return shots_written(out)


if __name__ == "__main__":
    run_main(main)
