"""Keyboard, focus, empty lists and layout on the real widgets (issue 18, defects 4-6): every
step is a key press, as an agent works."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from halt_desk.domain.events import new_event
from halt_desk.store import Store
from tests.desk_data import NOW, SETUP, reference_events
from tests.gui.test_desk_window import report
from tests.swap_data import DEPOT, depot_events, loaner_events
from ui.focus_style import install_focus_style
from ui.intake_dialog import IntakeDialog
from ui.logistics_window import LogisticsWindow, status_text
from ui.main_window import MainWindow
from ui.ticket_dialog import TicketDialog
from ui.uplift_dialog import UpliftDialog

ROOT = Path(__file__).resolve().parents[2]
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """The desk's directory, a depot with loaners (one model short of its minimum), and an
    employee whose role and location are long."""
    long_one = new_event(
        "employee:e3",
        "employee_registered",
        SETUP,
        "admin",
        {
            "org": "halt",
            "name": "Maximiliaan van Oldenbarnevelt-Schimmelpenninck",
            "email": "m.vanoldenbarnevelt-schimmelpenninck@halt.nl",
            "phone": "+31 6 1234 5678",
            "role": "Coördinator jeugdreclassering en herstelrecht regio Midden-Nederland",
            "location": "Regiokantoor Amersfoort, Stationsplein 101, tweede verdieping",
        },
    )
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        events = [*reference_events(), *depot_events(), *loaner_events(), long_one]
        opened.record_events(events, bulk=True)
        yield opened


@pytest.fixture
def focus_style(qapp: QApplication) -> Iterator[None]:
    """The app's style (ui.app.application installs it); the other tests keep Fusion."""
    before = qapp.style().name() or "fusion"
    install_focus_style(qapp)
    yield
    qapp.setStyle(before)


def main_window(qtbot: QtBot, store: Store) -> MainWindow:
    main = MainWindow(store, "agent-1", lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.loaded)
    activate(qtbot, main)
    return main


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Shortcuts of a window work while it is the active one."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def enter(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def open_intake(qtbot: QtBot, main: MainWindow) -> IntakeDialog:
    qtbot.keyClick(main, Qt.Key.Key_N, CTRL)
    dialog = main.findChild(IntakeDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.caller_edit.hasFocus)
    return dialog


def opened_tickets(main: MainWindow) -> list[str]:
    return [d.ticket_id for d in main.findChildren(TicketDialog) if d.isVisible()]


# ------------------------------------------------------------------ focus you can see


def ring_shown(widget: QWidget) -> bool:
    """A closed ring, two pixels thick, in the highlight colour, drawn in `widget`."""
    image: QImage = widget.grab().toImage()
    colour = widget.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    hits = [
        (x, y)
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y) == colour
    ]
    if not hits:
        return False
    left, right = min(x for x, _ in hits), max(x for x, _ in hits)
    top, bottom = min(y for _, y in hits), max(y for _, y in hits)
    found = set(hits)
    edges = [
        *((x, y) for x in range(left + 2, right - 1) for y in (top, top + 1, bottom - 1, bottom)),
        *((x, y) for y in range(top + 2, bottom - 1) for x in (left, left + 1, right - 1, right)),
    ]
    return right - left > 8 and sum(p in found for p in edges) >= 0.95 * len(edges)


def test_every_kind_of_field_in_the_intake_shows_its_focus(
    qtbot: QtBot, store: Store, focus_style: None
) -> None:
    main = main_window(qtbot, store)
    dialog = open_intake(qtbot, main)
    qtbot.keyClicks(dialog.caller_edit, "de vries")
    enter(qtbot, dialog.caller_edit)
    assert dialog.summary.hasFocus() and ring_shown(dialog.summary)  # a line edit
    qtbot.keyClicks(dialog.summary, "Laptop start niet op")
    enter(qtbot, dialog.summary)
    assert dialog.channel.hasFocus() and ring_shown(dialog.channel)  # a combo box
    assert not ring_shown(dialog.summary) and not ring_shown(dialog.category)
    for combo in (dialog.channel, dialog.category, dialog.impact):
        enter(qtbot, combo)
    assert dialog.urgency.hasFocus() and ring_shown(dialog.urgency)
    enter(qtbot, dialog.urgency)
    assert dialog.security.hasFocus() and ring_shown(dialog.security)  # a check box
    enter(qtbot, dialog.security)
    assert dialog.priority.hasFocus() and ring_shown(dialog.priority)
    qtbot.keyClick(dialog.priority, Qt.Key.Key_Tab)
    assert dialog.assignee.hasFocus() and ring_shown(dialog.assignee)  # "Toewijzen aan"
    qtbot.keyClick(dialog.assignee, Qt.Key.Key_Tab)
    assert dialog.notice.hasFocus() and ring_shown(dialog.notice)  # "Bij storing"
    qtbot.keyClick(dialog.notice, Qt.Key.Key_Tab)
    assert dialog.kind.hasFocus() and ring_shown(dialog.kind)  # "Soort" (incident or change)
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Tab)
    assert dialog.save_button.hasFocus() and ring_shown(dialog.save_button)  # a button


def test_the_uplift_motivation_shows_its_focus(
    qtbot: QtBot, store: Store, focus_style: None
) -> None:
    dialog = UpliftDialog(store, report(store), "agent-1", lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    dialog.role_type.setFocus()
    qtbot.keyClick(dialog.role_type, Qt.Key.Key_Tab)  # the explanation is off: motivation
    assert dialog.motivation.hasFocus()
    colour = dialog.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    image = dialog.motivation.grab().toImage()
    middle = image.height() // 2
    assert image.pixelColor(0, middle) == colour
    assert image.pixelColor(image.width() - 1, middle) == colour


# ------------------------------------------------------------------ the search box


def test_enter_in_the_search_box_opens_the_first_hit(qtbot: QtBot, store: Store) -> None:
    first = report(store, "Laptop start niet op", impact="organisation", urgency="stopped")
    report(store, "Laptop traag", impact="one", urgency="workaround")
    report(store, "Printer offline")
    main = main_window(qtbot, store)
    qtbot.keyClick(main, Qt.Key.Key_F, CTRL)
    assert main.search.hasFocus()
    qtbot.keyClicks(main.search, "laptop")
    enter(qtbot, main.search)
    qtbot.waitUntil(lambda: opened_tickets(main) == [first])


def test_down_and_enter_from_the_search_box_open_the_selected_row(
    qtbot: QtBot, store: Store
) -> None:
    """The list made its first row current without selecting it when it got the focus, so
    an agent's Down went to the second row; Down now lands on the first, selected."""
    first = report(store, "Laptop start niet op", impact="organisation", urgency="stopped")
    second = report(store, "Laptop traag", impact="one", urgency="workaround")
    main = main_window(qtbot, store)
    qtbot.keyClick(main, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(main.search, "laptop")
    qtbot.keyClick(main.search, Qt.Key.Key_Down)
    assert main.table.hasFocus()
    assert [i.row() for i in main.table.selectionModel().selectedRows()] == [0]
    qtbot.keyClick(main.table, Qt.Key.Key_Up)  # back to the search, and down again
    assert main.search.hasFocus() and main.search.text() == "laptop"
    qtbot.keyClick(main.search, Qt.Key.Key_Down)
    enter(qtbot, main.table)
    qtbot.waitUntil(lambda: opened_tickets(main) == [first])
    for dialog in main.findChildren(TicketDialog):
        dialog.close()
    activate(qtbot, main)
    qtbot.keyClick(main, Qt.Key.Key_F, CTRL)
    qtbot.keyClick(main.search, Qt.Key.Key_Down)
    qtbot.keyClick(main.table, Qt.Key.Key_Down)
    assert [i.row() for i in main.table.selectionModel().selectedRows()] == [1]
    enter(qtbot, main.table)
    qtbot.waitUntil(lambda: opened_tickets(main) == [second])


def test_an_empty_filter_and_a_search_without_hits_say_so(qtbot: QtBot, store: Store) -> None:
    report(store, "Printer offline", impact="one", urgency="workaround")
    main = main_window(qtbot, store)
    assert not main.placeholder.isVisible()
    qtbot.keyClick(main, Qt.Key.Key_3, ALT)  # P1: none
    qtbot.waitUntil(lambda: main.model.rowCount() == 0)  # the button clicks itself (100 ms)
    assert main.placeholder.isVisible()
    assert main.placeholder.text() == "Geen meldingen in dit filter\nAlt+6 toont alle meldingen."
    qtbot.keyClick(main, Qt.Key.Key_6, ALT)  # all
    qtbot.waitUntil(lambda: main.model.rowCount() == 1)
    assert not main.placeholder.isVisible()
    qtbot.keyClick(main, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(main.search, "vpn")
    assert main.placeholder.isVisible()
    assert main.placeholder.text() == "Geen meldingen gevonden voor “vpn”"
    assert main.placeholder.geometry() == main.table.viewport().rect()  # the list's area
    enter(qtbot, main.search)  # nothing to open: nothing breaks
    assert opened_tickets(main) == [] and main.search.hasFocus()


def test_an_empty_cache_says_how_to_record_the_first_ticket(qtbot: QtBot, store: Store) -> None:
    main = main_window(qtbot, store)
    assert main.placeholder.isVisible()
    assert main.placeholder.text().startswith("Nog geen meldingen\nCtrl+N")


# ------------------------------------------------------------------ F8


def test_f8_opens_the_device_register_from_anywhere_in_the_main_window(
    qtbot: QtBot, store: Store
) -> None:
    main = main_window(qtbot, store)
    qtbot.keyClick(main, Qt.Key.Key_F, CTRL)
    qtbot.keyClick(main.search, Qt.Key.Key_F8)  # typing in the search box
    logistics = getattr(main, "_logistics_window", None)
    assert isinstance(logistics, LogisticsWindow)
    qtbot.addWidget(logistics)
    assert logistics.isVisible() and logistics.tabs.currentWidget() is logistics.devices
    qtbot.waitUntil(lambda: logistics.devices.loaded)
    logistics.tabs.setCurrentWidget(logistics.queue_view)
    activate(qtbot, main)
    main.table.setFocus()
    qtbot.keyClick(main.table, Qt.Key.Key_F8)  # in the list: the same window, on its tab
    assert getattr(main, "_logistics_window", None) is logistics
    assert logistics.tabs.currentWidget() is logistics.devices
    assert logistics.focusWidget() is logistics.devices.search


# ------------------------------------------------------------------ the caller field


def test_enter_on_an_empty_caller_field_says_why_it_stays(qtbot: QtBot, store: Store) -> None:
    dialog = open_intake(qtbot, main_window(qtbot, store))
    enter(qtbot, dialog.caller_edit)
    assert dialog.caller_edit.hasFocus()
    assert dialog.caller_info.text() == (
        "Typ eerst een deel van de naam, het e-mailadres of het telefoonnummer van de melder."
    )
    qtbot.keyClicks(dialog.caller_edit, "Zwart")
    enter(qtbot, dialog.caller_edit)
    assert dialog.caller_edit.hasFocus()
    assert dialog.caller_info.text().startswith("Geen medewerker gevonden voor “Zwart”")
    dialog.caller_edit.clear()
    qtbot.keyClicks(dialog.caller_edit, "halt.nl")  # everyone
    enter(qtbot, dialog.caller_edit)
    assert dialog.caller_edit.hasFocus()
    assert "Meerdere medewerkers passen bij “halt.nl”" in dialog.caller_info.text()
    dialog.caller_edit.clear()
    qtbot.keyClicks(dialog.caller_edit, "jansen")
    enter(qtbot, dialog.caller_edit)
    assert dialog.summary.hasFocus() and dialog.caller is not None
    assert dialog.caller_info.text() == "Stichting Halt"  # no role or location known


# ------------------------------------------------------------------ layout


def fully_shown(label: QLabel) -> bool:
    """All of the label's text fits in it, and all of it lies inside its window."""
    if label.wordWrap():
        fits = label.heightForWidth(label.width()) <= label.height()
    else:
        fits = label.sizeHint().width() <= label.width()
    window = label.window()
    corner = label.mapTo(window, QPoint(label.width(), label.height()))
    return fits and window.rect().contains(corner - QPoint(1, 1))


def test_the_callers_phone_number_is_not_clipped(qtbot: QtBot, store: Store) -> None:
    dialog = open_intake(qtbot, main_window(qtbot, store))
    qtbot.keyClicks(dialog.caller_edit, "Oldenbarnevelt")
    enter(qtbot, dialog.caller_edit)
    assert dialog.caller is not None and dialog.caller.id == "e3"
    qtbot.waitUntil(lambda: dialog.caller_phone.text() == "+31 6 1234 5678")
    qtbot.wait(50)  # the layout after the new texts
    assert fully_shown(dialog.caller_phone)
    assert "Stationsplein 101" in dialog.caller_info.text() and fully_shown(dialog.caller_info)


def test_the_uplift_form_does_not_move_while_its_refusals_change(
    qtbot: QtBot, store: Store
) -> None:
    dialog = UpliftDialog(store, report(store), "agent-1", lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    watched = [
        dialog.critical_role,
        dialog.direct_impact,
        dialog.cannot_work,
        dialog.role_type,
        dialog.role_explanation,
        dialog.motivation,
        dialog.verdict,
        dialog.record_button,
    ]
    if dialog.motivation_counter is not None:
        watched.append(dialog.motivation_counter)

    def places() -> list[tuple[int, int]]:
        qtbot.wait(10)  # the layout runs on the next turn of the event loop
        spots = [w.mapTo(dialog, QPoint(0, 0)).toTuple() for w in watched]
        return [*spots, dialog.size().toTuple()]

    start = places()
    counts = [dialog.verdict.text().count("•")]
    dialog.critical_role.setFocus()
    for box in (dialog.critical_role, dialog.direct_impact, dialog.cannot_work):
        qtbot.keyClick(box, Qt.Key.Key_Space)
        counts.append(dialog.verdict.text().count("•"))
        assert places() == start
        qtbot.keyClick(box, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.role_type, Qt.Key.Key_Down)  # the first role type
    qtbot.keyClick(dialog.role_type, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.motivation, "Geeft om 11:00 les aan een schoolklas")
    assert "Toegekend" in dialog.verdict.text() and places() == start
    dialog.critical_role.setFocus()
    qtbot.keyClick(dialog.critical_role, Qt.Key.Key_Space)
    counts.append(dialog.verdict.text().count("•"))
    assert places() == start
    assert counts == [4, 4, 3, 2, 1]


# ------------------------------------------------------------------ logistics status


def test_the_logistics_status_reads_as_dutch_with_plurals(qtbot: QtBot, store: Store) -> None:
    window = LogisticsWindow(store, "logistics:kees", lambda: NOW, DEPOT)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded)
    assert window.counts.text() == "geen omruilingen open · 1 tekort"
    assert status_text(1, 0) == "1 omruiling open · geen tekorten"
    assert status_text(3, 2) == "3 omruilingen open · 2 tekorten"


# ------------------------------------------------------------------ closing


def test_closing_the_main_window_closes_every_window(qtbot: QtBot, store: Store) -> None:
    main = main_window(qtbot, store)
    ticket = report(store)
    qtbot.keyClick(main, Qt.Key.Key_L, CTRL)
    logistics = getattr(main, "_logistics_window", None)
    assert isinstance(logistics, LogisticsWindow)
    qtbot.addWidget(logistics)
    qtbot.waitUntil(lambda: logistics.loaded)
    opened = main.open_ticket_id(ticket)
    activate(qtbot, main)
    main.close()
    assert not logistics.isVisible() and not opened.isVisible()
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == []


_QUITS = """
import sys
from pathlib import Path
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from ui.app import application
from ui.main_window import MainWindow

app = application("nl")
store = Store.open(Path(sys.argv[1]), clock=lambda: NOW)
store.record_events(reference_events())
main = MainWindow(store, "agent-1", lambda: NOW)
main.show()

def step():
    main.activateWindow()
    if not main.loaded or not main.isActiveWindow():  # a window shortcut needs it active
        QTimer.singleShot(50, step)
        return
    QTest.keyClick(main, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # logistics
    assert main._logistics_window.isVisible()
    QTimer.singleShot(200, main.close)

QTimer.singleShot(0, step)
QTimer.singleShot(60_000, lambda: app.exit(3))  # still running a minute later: it hangs
code = app.exec()
store.close()
print("exit", code)
"""


def test_closing_the_main_window_ends_the_app(tmp_path: Path) -> None:
    """The real event loop: with the logistics window open, closing the desk ends it."""
    done = subprocess.run(
        [sys.executable, "-c", _QUITS, str(tmp_path / "cache.sqlite3")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("exit 0")


def _shortcuts(window: QWidget) -> list[str]:
    """Every key sequence that presses something in `window`: its buttons' shortcuts (those
    shown and enabled) and its actions and shortcut objects; each in portable text."""
    from PySide6.QtGui import QAction, QShortcut
    from PySide6.QtWidgets import QAbstractButton

    keys = [
        b.shortcut().toString()
        for b in window.findChildren(QAbstractButton)
        if b.isVisibleTo(window) and b.isEnabled()
    ]
    actions = {id(a): a for a in [*window.actions(), *window.findChildren(QAction)]}
    keys += [a.shortcut().toString() for a in actions.values() if a.isEnabled()]
    keys += [s.key().toString() for s in window.findChildren(QShortcut) if s.isEnabled()]
    return [k for k in keys if k]


def _clashes(keys: list[str]) -> set[str]:
    return {k for k in keys if keys.count(k) > 1}


def test_no_two_things_share_a_key_in_the_main_window(qtbot: QtBot, store: Store) -> None:
    main = MainWindow(store, "admin", lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    keys = _shortcuts(main)
    assert not _clashes(keys), keys
    assert {"Ctrl+N", "Ctrl+Shift+R", "Ctrl+Shift+X", "Ctrl+Shift+E", "F8", "F9"} <= set(keys)


def test_no_two_actions_share_a_key_in_the_window_of_a_change(qtbot: QtBot, store: Store) -> None:
    """A change ticket seen by service management: the change's actions, the escalation
    line's and the ticket's own all shown at once, each on a key of its own."""
    from halt_desk.desk.intake import Intake, record_intake

    intake = Intake("e1", "Licentie Visio toekennen", "phone", "werkplek", "one", "workaround",
                    kind="change", change_type="standard")  # fmt: skip
    ticket = record_intake(store, intake, "agent-1", NOW)
    for actor in ("regie:halt.regie", "agent-1"):
        dialog = TicketDialog(store, ticket, actor, lambda: NOW)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda d=dialog: d.evaluation is not None)  # type: ignore[misc]
        qtbot.waitUntil(dialog.change_actions.planned.isVisible)
        keys = _shortcuts(dialog)
        assert "Ctrl+Shift+G" in keys and not _clashes(keys), keys
        dialog.close()
