"""The ticket workspace as an agent uses it, keyboard only: a conversation with the newest
entry at the bottom, the clocks beside it, a header that survives any text; and names, never
ids, in every window (list, ticket, logistics, device register, field view)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.desk.names import names_for
from halt_desk.logistics.loaners import suggest_loaner
from halt_desk.store import Store
from tests.desk_data import NOW
from tests.gui.test_pseudo_language import visible_texts
from tests.workspace_data import (
    AGENT,
    DEPOT,
    EMPLOYEE,
    ENGINEER,
    IDS,
    LOGISTICS,
    NAMES,
    busy_ticket,
    long_caller,
    named_store,
)
from ui.field_view import FieldView
from ui.logistics_window import LogisticsWindow
from ui.main_window import MainWindow
from ui.swap_queue import PlanDialog
from ui.ticket_dialog import TicketDialog

LATER = NOW + timedelta(minutes=5)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        named_store(opened)
        yield opened


def open_ticket(qtbot: QtBot, store: Store, ticket: str, width: int = 1100) -> TicketDialog:
    dialog = TicketDialog(store, ticket, AGENT, lambda: LATER)
    qtbot.addWidget(dialog)
    dialog.resize(width, 700)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.evaluation is not None and bool(dialog.timeline.entries))
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # its shortcuts need it active
    return dialog


def test_the_timeline_is_a_conversation_with_the_newest_entry_in_view(
    qtbot: QtBot, store: Store
) -> None:
    ticket = busy_ticket(store, NOW, notes=40)
    dialog = open_ticket(qtbot, store, ticket)
    entries = dialog.timeline.entries
    assert entries[0].label == "Gemeld" and entries[-1].label == "Opgelost"
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    qtbot.waitUntil(dialog.timeline.at_newest)
    assert dialog.timeline.verticalScrollBar().maximum() > 0  # a long page, at its end
    text = dialog.timeline.toPlainText()
    for said in (
        "Door Anna de Vries telefonisch gemeld.",
        "Prioriteit P3 → P2: Hele team kan niet werken",
        "P1-uplift geweigerd: Er is geen directe impact",
        "Toegewezen aan Pieter de Groot",
        "Monteur komt vanmiddag langs.",
        "Melder per e-mail geïnformeerd.",
        "Het leenapparaat gaat per koerier naar de medewerker, vanuit Depot Utrecht.",
        "Zending naar de medewerker: aangemeld (PostNL 3SHLTD123456789)",
        "Rol: Les of voorlichting aan een klas of grote groep",
        "Moederbord vervangen; laptop start weer.",
        "Kees Brouwer",
    ):
        assert said in text, said
    for internal in ("device_at", "clock_offset", "base_seq", "override", "{", "agent:"):
        assert internal not in text


def test_a_new_entry_scrolls_into_view_when_recorded_by_keyboard(
    qtbot: QtBot, store: Store
) -> None:
    ticket = busy_ticket(store, NOW, notes=30)
    resolved = ActionRequest(Action.RESOLVED, text="Opnieuw opgestart")
    record_action(store, ticket, resolved, AGENT, NOW)  # reopen later
    intake = Intake(EMPLOYEE, "Printer doet het niet", "phone", "werkplek", "one", "degraded")
    fresh = record_intake(store, intake, AGENT, NOW)
    for n in range(30):
        request = ActionRequest(Action.COMMENT, text=f"Notitie {n}")
        record_action(store, fresh, request, AGENT, NOW + timedelta(seconds=n))
    dialog = open_ticket(qtbot, store, fresh)
    qtbot.waitUntil(dialog.timeline.at_newest)
    dialog.timeline.setFocus()
    qtbot.keyClick(dialog.timeline, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.timeline.at_newest()  # read back: the page stays where the reader is
    qtbot.keyClick(dialog.timeline, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(dialog.timeline.at_newest)
    qtbot.keyClicks(dialog.note, "Melder gebeld, lost het zelf op")
    with qtbot.waitSignal(dialog.changed):
        qtbot.keyClick(dialog, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.timeline.entries[-1].label == "Eerste reactie")
    assert dialog.timeline.entries[-1].body.startswith("Melder gebeld, lost het zelf op")
    assert dialog.timeline.entries[-1].who == "Sanne Visser"
    qtbot.waitUntil(dialog.timeline.at_newest)


def test_the_keyboard_starts_in_the_note_then_tabs_to_timeline_clocks_and_actions(
    qtbot: QtBot, store: Store
) -> None:
    dialog = open_ticket(qtbot, store, busy_ticket(store, NOW))
    qtbot.waitUntil(dialog.note.hasFocus)
    qtbot.keyClick(dialog.note, Qt.Key.Key_Tab)
    assert dialog.timeline.hasFocus()
    qtbot.keyClick(dialog.timeline, Qt.Key.Key_Tab)
    assert dialog.clocks.hasFocus()
    qtbot.keyClick(dialog.clocks, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.buttons["First response (phone)"]


def _inside(widget: QWidget, window: QWidget) -> bool:
    """`widget` is shown whole inside `window` (not pushed out of view)."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size())) and widget.isVisible()


def test_a_long_summary_and_caller_line_elide_and_keep_clocks_and_timeline_in_view(
    qtbot: QtBot, store: Store
) -> None:
    summary = ("Laptop start niet op en toont een blauw scherm met foutcode. " * 70)[:4000]
    long_caller(store)
    ticket = busy_ticket(store, NOW, summary=summary)
    dialog = open_ticket(qtbot, store, ticket, width=1024)
    qtbot.waitUntil(lambda: dialog.title.is_elided())
    assert dialog.minimumSizeHint().width() <= 1024 and dialog.minimumSizeHint().height() <= 700
    assert (dialog.width(), dialog.height()) == (1024, 700)
    assert dialog.title.toolTip() == f"{ticket} — {' '.join(summary.split())}"
    assert dialog.title.text().endswith("…")
    assert dialog.caller_line.is_elided() and "de Vries" in dialog.caller_line.toolTip()
    assert "06-12345678" in dialog.caller_line.toolTip()
    assert dialog.place_line.full_text().startswith("Stichting Halt · Regiokantoor Utrecht")
    for part in (dialog.clocks, dialog.timeline, dialog.note, dialog.comment_button):
        assert _inside(part, dialog), part.accessibleName()
    assert dialog.timeline.height() >= 200
    assert dialog.clocks.horizontalScrollBar().isHidden() or not (
        dialog.clocks.horizontalScrollBar().isVisible()
    )
    # The clocks sit beside the timeline, not above it.
    clocks_at = dialog.clocks.mapTo(dialog, QPoint(0, 0))
    timeline_at = dialog.timeline.mapTo(dialog, QPoint(0, 0))
    assert clocks_at.x() > timeline_at.x() + dialog.timeline.width() - 5
    assert abs(clocks_at.y() - timeline_at.y()) < 60


def test_other_lanes_add_their_actions_to_the_action_row(qtbot: QtBot, store: Store) -> None:
    ticket = busy_ticket(store, NOW)
    dialog = open_ticket(qtbot, store, ticket)
    pressed: list[str] = []
    button = dialog.add_action("Doorsturen…", lambda: pressed.append("forward"), "Ctrl+Shift+Y")
    qtbot.waitUntil(button.isVisible)
    assert button.parent() is dialog.comment_button.parent() and not button.autoDefault()
    qtbot.keyClick(
        dialog,
        Qt.Key.Key_Y,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: pressed == ["forward"])  # a button's shortcut clicks it animated


# ------------------------------------------------------------------ names everywhere


def _ids_shown(root: QWidget) -> list[str]:
    return sorted(
        {f"{where}: {text!r}" for where, text in visible_texts(root) for key in IDS if key in text}
    )


def _field_ticket(store: Store) -> str:
    intake = Intake(EMPLOYEE, "Beamer zaal 2 werkt niet", "phone", "werkplek", "one", "stopped")
    ticket = record_intake(store, intake, AGENT, NOW)
    record_action(store, ticket, ActionRequest(Action.ASSIGNED, to=ENGINEER), AGENT, NOW)
    record_action(store, ticket, ActionRequest(Action.ONSITE_REQUESTED), AGENT, NOW)
    return ticket


def test_no_window_shows_an_id_where_a_name_belongs(qtbot: QtBot, store: Store) -> None:
    ticket = busy_ticket(store, NOW)
    _field_ticket(store)
    request = record_intake(
        store, Intake(EMPLOYEE, "Laptop kapot", "phone", "werkplek", "one", "stopped"), AGENT, NOW
    )
    extra = {"home_address": "Dorpsstraat 1, Zwolle"}
    record_action(store, request, ActionRequest(Action.SWAP_REQUESTED, extra=extra), AGENT, NOW)
    found: list[str] = []

    main = MainWindow(store, AGENT, lambda: LATER)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.loaded)
    main.set_quick_filter(main.quick.ALL)
    shown = {main.model.data(main.model.index(r, 1)) for r in range(main.model.rowCount())}
    assert shown == {NAMES["hx42"]}
    assignees = {main.model.data(main.model.index(r, 7)) for r in range(main.model.rowCount())}
    assert NAMES[ENGINEER] in assignees
    found += _ids_shown(main)
    qtbot.keyClicks(main.search, "pieter de groot")
    qtbot.waitUntil(lambda: main.model.rowCount() == 2)  # found by the assignee's name
    main.search.clear()

    found += _ids_shown(open_ticket(qtbot, store, ticket))

    logistics = LogisticsWindow(store, LOGISTICS, lambda: LATER, DEPOT)
    qtbot.addWidget(logistics)
    logistics.show()
    qtbot.waitUntil(lambda: logistics.loaded and logistics.devices.loaded)
    depots = {logistics.queue.data(logistics.queue.index(r, 5)) for r in range(2)}
    assert NAMES[DEPOT] in depots
    for tab in range(logistics.tabs.count()):
        logistics.tabs.setCurrentIndex(tab)
        found += _ids_shown(logistics)
    logistics.devices.view.selectRow(0)
    qtbot.waitUntil(lambda: logistics.devices.record is not None)
    assert NAMES[LOGISTICS] in logistics.devices.details.text()
    found += _ids_shown(logistics.devices)
    plan = PlanDialog(suggest_loaner(store, request, LATER), None, None, names_for(store))
    qtbot.addWidget(plan)
    plan.show()
    assert plan.depot.currentText() == NAMES[DEPOT]
    plan.engineer.setCurrentIndex(plan.engineer.findText(NAMES[ENGINEER]))
    assert (plan.plan().depot, plan.plan().engineer) == (DEPOT, ENGINEER)
    found += _ids_shown(plan)

    field = FieldView(store, ENGINEER, lambda: LATER)
    qtbot.addWidget(field)
    field.show()
    qtbot.waitUntil(lambda: field.loaded, timeout=10_000)
    field.list.setCurrentRow(0)
    found += _ids_shown(field)
    assert found == [], "\n".join(found)
