"""Screenshots of the employee's own (broken) device under a real X server (Xvfb):

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python -m tests.gui.screenshots_own_device OUT

Four swaps on a cache: one whose old device the field engineer has just taken back, one
with the old device diagnosed at the depot, one whose loaner is back while the old device
waits for the lessor (wiped), one closed after both came back. Shot: the field view after
the take-back, the logistics queue with the own-device column, the own-device dialog of the
diagnosed device, the scan station receiving an own device, the register (F8) with it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.domain.swaps import SwapMode
from halt_desk.field.onsite import FieldRequest, record_field_action
from halt_desk.field.route import FieldAction
from halt_desk.logistics.own_device import (
    TakeBack,
    diagnose_device,
    repair_device,
    return_to_owner,
    take_back_device,
)
from halt_desk.logistics.scan_station import ScanStep
from halt_desk.logistics.swap_steps import (
    Sanitisation,
    SwapPlan,
    book_return,
    deliver,
    open_swap,
    receive_device,
    record_sanitisation,
    ship_loaner,
)
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.gui.screenshots import run_main, scratch_cache, settle, shoot, shots_written
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket
from ui.field_view import FieldView
from ui.logistics_window import LogisticsWindow

ENGINEER = "field:jan"
LATER = NOW + timedelta(hours=5)


def at(minutes: int) -> object:
    return NOW + timedelta(minutes=minutes)


def courier_swap(store: Store, tag: str, minutes: int) -> str:
    ticket = swap_ticket(store, NOW + timedelta(minutes=minutes))
    plan = SwapPlan(SwapMode.COURIER, DEPOT, tag)
    swap, _ = open_swap(store, ticket, plan, "d", NOW + timedelta(minutes=minutes + 1))
    ship_loaner(store, swap, "postnl", "3SHLTD12345678" + tag[-1], "d", at(minutes + 2))
    deliver(store, swap, "d", NOW + timedelta(minutes=minutes + 30))
    return swap


def seed(store: Store) -> str:
    """The four swaps; returns the ticket of the field engineer's onsite swap."""
    store.record_events([*reference_events(), *depot_events(), *loaner_events(6)], bulk=True)
    # 1. Onsite, assigned to the engineer: the old device is taken back in the field view.
    ticket = swap_ticket(store, NOW, address=None)
    record_action(store, ticket, ActionRequest(Action.ASSIGNED, to=ENGINEER), "agent", NOW)
    plan = SwapPlan(SwapMode.ONSITE, DEPOT, "HALT-LT-00001", engineer=ENGINEER)
    open_swap(store, ticket, plan, "d", NOW + timedelta(minutes=3))
    # 2. Diagnosed at the depot.
    second = courier_swap(store, "HALT-LT-00002", 10)
    take = TakeBack(asset_tag="HALT-LT-00877", model="HP EliteBook 840 G8")
    take_back_device(store, second, take, "field:pieter", NOW + timedelta(minutes=60))
    receive_device(store, "HALT-LT-00877", DEPOT, "kees", NOW + timedelta(minutes=120))
    finding = "Moederbord defect na waterschade; reparatie door leverancier mogelijk"
    diagnose_device(store, "HALT-LT-00877", finding, "kees", NOW + timedelta(minutes=130))
    # 3. Loaner back; the old device wiped, waiting for the lessor.
    third = courier_swap(store, "HALT-LT-00003", 20)
    take_back_device(store, third, TakeBack(serial="5CG1187QZT", model="Dell Latitude 7420"),
                     "field:pieter", NOW + timedelta(minutes=70))  # fmt: skip
    book_return(store, third, "dhl", "JVGL0612345678901234", "d", NOW + timedelta(minutes=80))
    receive_device(store, "HALT-LT-00003", DEPOT, "kees", NOW + timedelta(minutes=150))
    receive_device(store, "SN-5CG1187QZT", DEPOT, "kees", NOW + timedelta(minutes=151))
    wiped = Sanitisation("nist_purge", "Kees de Vries", "SAN-2026-01187")
    record_sanitisation(store, "SN-5CG1187QZT", wiped, "kees", NOW + timedelta(minutes=160))
    # 4. Closed: repaired, back with its owner, then the loaner came back.
    fourth = courier_swap(store, "HALT-LT-00004", 30)
    take_back_device(store, fourth, TakeBack(asset_tag="HALT-LT-00912"), "f", at(90))
    receive_device(store, "HALT-LT-00912", DEPOT, "kees", NOW + timedelta(minutes=100))
    diagnose_device(store, "HALT-LT-00912", "Accu defect", "kees", NOW + timedelta(minutes=101))
    repair_device(store, "HALT-LT-00912", "kees", NOW + timedelta(minutes=140), "Accu vervangen")
    return_to_owner(store, "HALT-LT-00912", "kees", NOW + timedelta(minutes=150))
    book_return(store, fourth, "dpd", "05212345678901", "d", NOW + timedelta(minutes=160))
    receive_device(store, "HALT-LT-00004", DEPOT, "kees", NOW + timedelta(minutes=200))
    return ticket


def field_screen(app: QApplication, store: Store, ticket: str, out: Path) -> None:
    request = FieldRequest(
        FieldAction.OLD_DEVICE_COLLECTED, asset_tag="5CG0042XYZ", model="HP ProBook 450 G9"
    )
    record_field_action(store, ticket, request, ENGINEER, NOW + timedelta(minutes=40))
    view = FieldView(store, ENGINEER, lambda: NOW + timedelta(minutes=41))
    view.move(0, 0)
    view.show()
    while not view.loaded:
        settle(app, 100)
    view.message.setText("Vastgelegd — wordt verstuurd zodra er verbinding is.")
    settle(app, 400)
    shoot(view, out / "own-device-field-taken-back.png")
    view.close()


def logistics_screens(app: QApplication, store: Store, out: Path) -> None:
    window = LogisticsWindow(store, "logistics:kees", lambda: LATER, DEPOT)
    window.move(0, 0)
    window.show()
    while not window.loaded:
        settle(app, 100)
    window.queue_view.horizontalScrollBar().setValue(
        window.queue_view.horizontalScrollBar().maximum()
    )
    settle(app, 400)
    shoot(window, out / "own-device-queue.png")
    rows = window.queue.rows
    diagnosed = next(i for i, row in enumerate(rows) if row.own_device == "HALT-LT-00877")
    window.queue_view.selectRow(diagnosed)
    dialog = window.own_device_selected()
    assert dialog is not None
    while "HALT-LT-00877" not in dialog.heading.text():
        settle(app, 100)
    dialog.move(60, 60)
    settle(app, 400)
    shoot(dialog, out / "own-device-dialog.png")
    dialog.close()
    # The scan station receives the engineer's old device, scanned by its serial.
    window.show_scan()
    window.scan.sound = lambda *_args: None
    window.session.set_step(ScanStep.RECEIVE)
    settle(app, 200)
    window.scan.input.setText("5CG0042XYZ")
    window.scan.input.returnPressed.emit()
    while not window.scan.outcomes:
        settle(app, 100)
    settle(app, 400)
    shoot(window, out / "own-device-scan-received.png")
    # The register (F8): the wiped old device without an asset tag, chosen.
    window.show_devices()
    settle(app, 300)
    window.devices.search.setText("5CG1187QZT")
    window.devices.search.returnPressed.emit()
    while (
        window.devices.details.text() == "" or "SN-5CG1187QZT" not in window.devices.details.text()
    ):
        settle(app, 100)
    settle(app, 400)
    shoot(window, out / "own-device-register.png")
    window.close()


def main(out: Path) -> int:
    with scratch_cache(out, lambda: LATER) as (app, store):
        app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, True)
        ticket = seed(store)
        field_screen(app, store, ticket, out)
        logistics_screens(app, store, out)
    return shots_written(out)


if __name__ == "__main__":
    run_main(main)
