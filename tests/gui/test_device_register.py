"""The device register tab of the logistics window on the real widgets: find by scanning,
register a new device with Dutch errors that keep the form, tick its readiness checklist
until it is stock, and print its labels."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from halt_desk.logistics.register import device_record, find_devices
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.swap_data import DEPOT, depot_events, loaner_events
from ui.device_register import DeviceDialog, DevicesPage, ReadinessDialog
from ui.logistics_window import LogisticsWindow

LATER = NOW + timedelta(hours=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def register_page(qtbot: QtBot, store: Store) -> tuple[LogisticsWindow, DevicesPage]:
    window = LogisticsWindow(store, "logistics:kees", lambda: LATER, DEPOT)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded and window.devices.loaded)
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert window.tabs.currentWidget() is window.devices
    return window, window.devices


def test_the_register_lists_every_device_and_a_scan_finds_one(qtbot: QtBot, store: Store) -> None:
    window, page = register_page(qtbot, store)
    assert page.model.rowCount() == 3
    assert page.search.hasFocus()
    # A scanner types the label (with the AIM prefix some scanners send) and Enter.
    qtbot.keyClicks(page.search, "]C0halt-lt-00002")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert [d.asset_tag for d in page.model.rows] == ["HALT-LT-00002"]
    qtbot.waitUntil(lambda: page.record is not None)
    assert "HALT-LT-00002" in page.details.text() and "op voorraad" in page.details.text()
    page.search.setText("HALT-LT-99999")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.model.rowCount() == 0
    assert "staat niet in het register" in window.statusBar().currentMessage()


def test_a_new_device_with_errors_then_its_checklist_makes_it_stock(
    qtbot: QtBot, store: Store
) -> None:
    window, page = register_page(qtbot, store)
    dialog = page.new_device()
    assert isinstance(dialog, DeviceDialog)
    assert dialog.depot.currentData() == DEPOT
    dialog.asset_tag.setText("HALT-LT-0004")  # one digit short
    dialog.serial.setText("5CG1234XYZ")
    dialog.model.setCurrentText("HP EliteBook 840 G10")
    dialog.save()
    qtbot.waitUntil(dialog.save_button.isEnabled)
    assert "geen assettag" in dialog.error.text()
    assert dialog.asset_tag.hasFocus() and dialog.serial.text() == "5CG1234XYZ"
    dialog.asset_tag.setText("halt-lt-00004")
    dialog.lessor.setText("Lease BV")
    dialog.purchase_date.setDate(QDate(2026, 3, 2))
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    qtbot.waitUntil(lambda: len(page.all_devices) == 4)
    assert "HALT-LT-00004 staat in het register" in window.statusBar().currentMessage()
    new = store.device("HALT-LT-00004")
    assert new is not None and new.state == "unready" and new.depot == DEPOT
    registered = device_record(store, "HALT-LT-00004")
    assert (registered.lessor, registered.purchase_date) == (
        "Lease BV",
        date(2026, 3, 2).isoformat(),
    )

    qtbot.waitUntil(
        lambda: page.record is not None and page.record.fold.asset_tag == "HALT-LT-00004"
    )
    assert "Nog niet gereed" in page.details.text()
    checklist = page.check_selected()
    assert isinstance(checklist, ReadinessDialog)
    assert not any(box.isChecked() for box in checklist.checks.values())
    for box in checklist.checks.values():
        box.setChecked(True)
    with qtbot.waitSignal(checklist.accepted):
        checklist.save()
    qtbot.waitUntil(lambda: (store.device("HALT-LT-00004") or new).state == "in_stock")
    qtbot.waitUntil(
        lambda: "Nog niet gereed" not in page.details.text() and page.record is not None
    )


def test_a_registered_tag_is_refused_in_dutch(qtbot: QtBot, store: Store) -> None:
    _, page = register_page(qtbot, store)
    dialog = page.new_device()
    dialog.asset_tag.setText("HALT-LT-00001")
    dialog.serial.setText("ANY12345")
    dialog.model.setCurrentText("Latitude")
    dialog.save()
    qtbot.waitUntil(dialog.save_button.isEnabled)
    assert "staat al in het register" in dialog.error.text()
    assert len(store.devices()) == 3


def test_labels_of_the_filtered_devices_as_a_pdf(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    window, page = register_page(qtbot, store)
    page.search.setText("lt-0000")  # part of a tag: every loaner
    assert page.model.rowCount() == 3
    page.view.clearSelection()
    out = tmp_path / "labels.pdf"
    page.print_labels(out)
    qtbot.waitUntil(lambda: "3 labels op 1 pagina" in window.statusBar().currentMessage())
    assert out.read_bytes().startswith(b"%PDF")


def test_find_devices_matches_a_scan_exactly_and_text_in_part(store: Store) -> None:
    devices = store.devices()
    assert [d.asset_tag for d in find_devices(devices, " halt-lt-00003\r")] == ["HALT-LT-00003"]
    assert len(find_devices(devices, "lt-000")) == 3
    assert find_devices(devices, "", state="unready") == []
    assert len(find_devices(devices, "", depot=DEPOT)) == 3
    assert find_devices(devices, "", depot="depot-elders") == []
