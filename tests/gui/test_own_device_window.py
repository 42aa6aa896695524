"""The employee's own device and defect 2 on the real widgets (issue 22): a returned loaner
is received at Ontvangen (F3) although its ticket is closed; the own-device dialog of the
logistics window (Ctrl+Shift+E) drives take-back, receipt, diagnosis, repair and the return
to its owner by keyboard alone, in Dutch; the field view takes an old device back by its
serial number."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.domain.events import new_event
from halt_desk.domain.swaps import SwapMode
from halt_desk.field.route import FieldAction
from halt_desk.logistics.own_device import TakeBack, take_back_device
from halt_desk.logistics.scan_station import ScanStep, Verdict
from halt_desk.logistics.swap_steps import SwapPlan, deliver, open_swap, ship_loaner
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.gui.test_pseudo_language import data_words, in_pseudo, leaks
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket
from ui.field_view import FieldView
from ui.logistics_window import LogisticsWindow
from ui.own_device_dialog import OwnDeviceDialog
from ui.scan_widget import ScanWidget

LATER = NOW + timedelta(hours=3)
LOANER = "HALT-LT-00001"
ALT = Qt.KeyboardModifier.AltModifier
__all__ = ["in_pseudo"]  # the pseudo-language fixture, used by name below


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def logistics(qtbot: QtBot, store: Store) -> LogisticsWindow:
    window = LogisticsWindow(store, "logistics:kees", lambda: LATER, DEPOT)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded)
    qtbot.waitUntil(window.isActiveWindow)
    return window


def scan(qtbot: QtBot, widget: ScanWidget, code: str) -> None:
    done = len(widget.outcomes)
    qtbot.keyClicks(widget.input, code)
    qtbot.keyClick(widget.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(widget.outcomes) > done)


def test_a_returning_loaner_of_a_closed_ticket_is_received_at_f3(
    qtbot: QtBot, store: Store
) -> None:
    """Defect 2: "Swap … bestaat niet" when the ticket was closed and the cache held the
    loaner's moves but not the swap's own stream."""
    ticket = swap_ticket(store, NOW)
    swap = f"{ticket}-SWAP1"
    moves = [
        ("device_reserved", {"swap": swap, "ticket": ticket}),
        ("device_shipped", {"swap": swap, "carrier": "postnl", "tracking": "3SHLTD1234"}),
        ("device_delivered", {"swap": swap}),
        ("device_return_shipped", {"swap": swap, "carrier": "dhl", "tracking": "JVGL1"}),
    ]
    at = [NOW + timedelta(minutes=5 + i) for i in range(len(moves))]
    store.record_events(
        [
            new_event(f"device:{LOANER}", t, when, "d", data)
            for (t, data), when in zip(moves, at, strict=True)
        ],
        bulk=True,
    )
    later = NOW + timedelta(hours=2)
    record_action(store, ticket, ActionRequest(Action.RESOLVED, text="Opgelost"), "a", later)
    record_action(store, ticket, ActionRequest(Action.CLOSED, score=8), "a", later)
    window = logistics(qtbot, store)
    qtbot.keyClick(window, Qt.Key.Key_F9)  # the scan tab
    widget = window.scan
    widget.sound = lambda *_args: None  # quiet, whatever the scan sounds like
    qtbot.waitUntil(widget.input.hasFocus)
    qtbot.keyClick(widget.input, Qt.Key.Key_F3)  # step: receive
    qtbot.waitUntil(lambda: window.session.step is ScanStep.RECEIVE)
    scan(qtbot, widget, LOANER)
    assert widget.outcomes[-1].verdict is Verdict.GOOD, widget.feedback.text()
    assert f"{LOANER} ontvangen in {DEPOT}" in widget.feedback.text()
    assert "bestaat niet" not in widget.feedback.text()
    assert store.device(LOANER).state == "received"  # type: ignore[union-attr]


def own_device_dialog(qtbot: QtBot, window: LogisticsWindow) -> OwnDeviceDialog:
    window.queue_view.setFocus()
    window.queue_view.selectRow(0)
    qtbot.keyClick(
        window,
        Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.findChild(OwnDeviceDialog) is not None)
    dialog = window.findChild(OwnDeviceDialog)
    assert isinstance(dialog, OwnDeviceDialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(lambda: dialog.heading.text() != "")
    return dialog


def press(qtbot: QtBot, dialog: OwnDeviceDialog, key: Qt.Key, state: str) -> None:
    """An Alt key of the dialog; waits until the device reached `state` (in Dutch)."""
    qtbot.keyClick(dialog, key, ALT)
    qtbot.waitUntil(lambda: state in dialog.heading.text(), timeout=10_000)


def test_the_own_device_steps_by_keyboard_in_the_logistics_window(
    qtbot: QtBot, store: Store
) -> None:
    ticket = swap_ticket(store, NOW)
    plan = SwapPlan(SwapMode.COURIER, DEPOT, LOANER)
    swap, _ = open_swap(store, ticket, plan, "d", NOW + timedelta(minutes=5))
    ship_loaner(store, swap, "postnl", "3SHLTD123456789", "d", NOW + timedelta(minutes=10))
    deliver(store, swap, "d", NOW + timedelta(minutes=60))
    window = logistics(qtbot, store)
    dialog = own_device_dialog(qtbot, window)
    assert "nog geen apparaat van de medewerker teruggenomen" in dialog.heading.text()
    assert not dialog.buttons["device_diagnosed"].isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_I, ALT)  # &Inventarisnummer of serienummer
    qtbot.waitUntil(dialog.code.hasFocus)
    qtbot.keyClicks(dialog.code, "5CG0042XYZ")
    qtbot.keyClick(dialog, Qt.Key.Key_M, ALT)  # &Model
    qtbot.keyClicks(dialog.model, "HP ProBook 450")
    press(qtbot, dialog, Qt.Key.Key_R, "teruggenomen van de medewerker")  # Te&rugnemen
    assert "SN-5CG0042XYZ" in dialog.heading.text() and "HP ProBook 450" in dialog.heading.text()
    press(qtbot, dialog, Qt.Key.Key_G, "ontvangen in depot")  # Ontvan&gen in depot
    # A diagnosis without a finding is refused, in Dutch and in red, in the dialog.
    qtbot.keyClick(dialog, Qt.Key.Key_A, ALT)  # Di&agnose
    qtbot.waitUntil(lambda: "Vul in wat de diagnose" in dialog.message.text())
    assert "#b3261e" in dialog.message.styleSheet()
    qtbot.keyClick(dialog, Qt.Key.Key_B, ALT)  # &Bevinding
    qtbot.keyClicks(dialog.finding, "Moederbord defect")
    press(qtbot, dialog, Qt.Key.Key_A, "Bevinding: Moederbord defect")
    assert not dialog.buttons["device_returned_to_lessor"].isEnabled()  # not wiped
    press(qtbot, dialog, Qt.Key.Key_P, "gerepareerd")  # Gere&pareerd
    press(qtbot, dialog, Qt.Key.Key_E, "terug bij de eigenaar")  # Terug naar &eigenaar
    assert store.device("SN-5CG0042XYZ").state == "returned_to_owner"  # type: ignore[union-attr]
    dialog.close()
    # The queue shows the own device; the register (F8) has it with its state.
    qtbot.waitUntil(lambda: any(r.own_device == "SN-5CG0042XYZ" for r in window.queue.rows))
    own = "SN-5CG0042XYZ · terug bij de eigenaar"
    qtbot.waitUntil(lambda: window.queue.data(window.queue.index(0, 8)) == own)
    window.activateWindow()  # the offscreen platform does not hand it back by itself
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.devices)
    qtbot.waitUntil(lambda: any(d.asset_tag == "SN-5CG0042XYZ" for d in window.devices.model.rows))


def test_the_field_view_takes_an_old_device_back_by_its_serial(qtbot: QtBot, store: Store) -> None:
    engineer = "field:jan"
    ticket = swap_ticket(store, NOW, address=None)
    record_action(store, ticket, ActionRequest(Action.ASSIGNED, to=engineer), "agent", NOW)
    plan = SwapPlan(SwapMode.ONSITE, DEPOT, LOANER, engineer=engineer)
    open_swap(store, ticket, plan, "d", NOW + timedelta(minutes=5))
    view = FieldView(store, engineer, lambda: NOW + timedelta(minutes=40))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.loaded, timeout=10_000)
    qtbot.keyClicks(view.scan, "5cg0099abc")
    qtbot.keyClicks(view.old_model, "Latitude 7440")
    qtbot.mouseClick(view.buttons[FieldAction.OLD_DEVICE_COLLECTED], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store.device("SN-5CG0099ABC") is not None, timeout=10_000)
    device = store.device("SN-5CG0099ABC")
    assert device is not None and (device.state, device.model) == ("taken_back", "Latitude 7440")
    qtbot.waitUntil(lambda: "Vastgelegd" in view.message.text())


def test_the_own_device_dialog_says_nothing_outside_the_catalogue(
    qtbot: QtBot, store: Store, in_pseudo: None, tmp_path: Path
) -> None:
    ticket = swap_ticket(store, NOW)
    plan = SwapPlan(SwapMode.COURIER, DEPOT, LOANER)
    swap, _ = open_swap(store, ticket, plan, "d", NOW + timedelta(minutes=5))
    ship_loaner(store, swap, "postnl", "3SHLTD123456789", "d", NOW + timedelta(minutes=10))
    deliver(store, swap, "d", NOW + timedelta(minutes=60))
    take = TakeBack(serial="5CG0042XYZ", model="ProBook")
    take_back_device(store, swap, take, "field:jan", NOW + timedelta(minutes=61))
    allowed = data_words(tmp_path / "cache.sqlite3")
    dialog = OwnDeviceDialog(store, "logistics:kees", lambda: LATER, swap, DEPOT)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "SN-5CG0042XYZ" in dialog.heading.text())
    dialog.finding.setText("")
    dialog.record_step("device_diagnosed")  # refused: the message is the catalogue's too
    qtbot.waitUntil(lambda: dialog.message.text() != "")
    found = leaks(dialog, allowed)
    assert found == [], "\n".join(found)
