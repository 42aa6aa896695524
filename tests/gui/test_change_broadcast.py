"""The change broadcast on the real widgets: an action in one window and a sync round each
refresh every other open window that shows the changed data (the desk's list, an open
ticket, the logistics queue, the device register, the field view), without a reload by
hand. Sync runs as in the app: the sync process against a real central on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.domain.swaps import SwapMode
from halt_desk.logistics.register import check_readiness
from halt_desk.logistics.swap_steps import SwapPlan, open_swap
from halt_desk.store import Store
from halt_desk.sync import ServerClock
from halt_desk.sync.signin import SyncTarget
from tests.desk_data import NOW, reference_events
from tests.swap_data import ALL_PASS, DEPOT, MODEL, depot_events, loaner_events, swap_ticket
from tests.sync_support import REPORT_DATA, Desk, wire
from ui.changes import ChangeHub
from ui.device_register import DevicesPage
from ui.field_view import FieldView
from ui.logistics_window import LogisticsWindow
from ui.main_window import MainWindow
from ui.sync_controller import SyncController
from ui.ticket_dialog import TicketDialog
from ui.uplift_dialog import UpliftDialog

#: Generous: the machine may be busy with other test runs; waitUntil returns at once when done.
PATIENCE_MS = 60_000
TAG = "HALT-LT-00001"


@dataclass
class Desktop:
    """Every kind of window open at once on one cache."""

    main: MainWindow
    ticket: TicketDialog
    logistics: LogisticsWindow
    register: DevicesPage
    field: FieldView

    def priority_everywhere(self, ticket: str) -> dict[str, str | None]:
        """The priority of `ticket` as each window shows it."""
        tickets = self.main.model.tickets
        listed = {tickets.row(p).id: tickets.row(p).priority for p in range(len(tickets))}
        queued = {row.ticket: row.priority for row in self.logistics.queue.rows}
        days = {item.id: item.evaluation.priority for item in self.field.items}
        evaluation = self.ticket.evaluation
        return {
            "list": listed.get(ticket),
            "ticket": evaluation.priority if evaluation else None,
            "queue": queued.get(ticket),
            "field": days.get(ticket),
        }

    def device_state(self, tag: str) -> str | None:
        return next((str(d.state) for d in self.register.all_devices if d.asset_tag == tag), None)


def open_everything(
    qtbot: QtBot,
    store: Store,
    clock: Callable[[], datetime],
    ticket: str,
    engineer: str,
    main: MainWindow | None = None,
) -> Desktop:
    if main is None:
        main = MainWindow(store, "agent-1", clock)
        qtbot.addWidget(main)
    main.show()
    dialog = main.open_ticket_id(ticket)
    logistics = LogisticsWindow(store, "logistics:kees", clock, DEPOT)
    register = DevicesPage(store, "logistics:kees", clock, DEPOT, lambda _: None)
    register.reload()
    field = FieldView(store, engineer, clock)
    for widget in (logistics, register, field):
        qtbot.addWidget(widget)
        widget.show()
    desktop = Desktop(main, dialog, logistics, register, field)
    qtbot.waitUntil(
        lambda: main.loaded and logistics.loaded and register.loaded and field.loaded,
        timeout=PATIENCE_MS,
    )
    qtbot.waitUntil(lambda: None not in desktop.priority_everywhere(ticket).values(),
                    timeout=PATIENCE_MS)  # fmt: skip
    return desktop


# ------------------------------------------------------------------ an action in one window


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as opened:
        opened.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        yield opened


def swap_for_engineer(store: Store, engineer: str) -> str:
    """A P2 ticket assigned to `engineer` whose swap is planned with loaner TAG reserved."""
    ticket = swap_ticket(store, NOW)
    record_action(store, ticket, ActionRequest(Action.ASSIGNED, to=engineer), "agent", NOW)
    open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, TAG), "depot", NOW)
    return ticket


def test_an_uplift_in_the_ticket_window_reaches_every_window_showing_the_ticket(
    qtbot: QtBot, store: Store
) -> None:
    ticket = swap_for_engineer(store, "field:jan")
    clock = lambda: NOW + timedelta(minutes=30)  # noqa: E731
    desktop = open_everything(qtbot, store, clock, ticket, "field:jan")
    assert set(desktop.priority_everywhere(ticket).values()) == {"P2"}
    uplift = UpliftDialog(store, ticket, "agent-1", clock, desktop.ticket)
    qtbot.addWidget(uplift)
    for box in (uplift.critical_role, uplift.direct_impact, uplift.cannot_work):
        box.setChecked(True)
    uplift.role_type.setCurrentIndex(uplift.role_type.findText("Zitting"))
    uplift.motivation.setPlainText("Zitting bij de rechtbank om 11:00, dossier op de laptop")
    uplift.record()
    qtbot.waitUntil(
        lambda: set(desktop.priority_everywhere(ticket).values()) == {"P1"}, timeout=PATIENCE_MS
    )
    assert desktop.device_state(TAG) == "reserved"  # the register was not concerned


def test_a_scan_in_the_logistics_window_reaches_the_register_and_the_queue(
    qtbot: QtBot, store: Store
) -> None:
    ticket = swap_for_engineer(store, "field:jan")
    clock = lambda: NOW + timedelta(minutes=30)  # noqa: E731
    desktop = open_everything(qtbot, store, clock, ticket, "field:jan")
    assert desktop.device_state(TAG) == "reserved"
    loads = {"ticket": 0}
    count = lambda: loads.__setitem__("ticket", loads["ticket"] + 1)  # noqa: E731
    desktop.ticket.reload = count  # type: ignore[method-assign]
    scan = desktop.logistics.scan
    scan.sound = lambda verdict: None
    for code in (TAG, "3SHLTD123456789"):  # the loaner, then its courier label
        done = len(scan.outcomes)
        scan.input.setText(code)
        scan.submit()
        qtbot.waitUntil(lambda seen=done: len(scan.outcomes) > seen, timeout=PATIENCE_MS)
    qtbot.waitUntil(lambda: desktop.device_state(TAG) == "shipped", timeout=PATIENCE_MS)
    qtbot.waitUntil(
        lambda: [row.step for row in desktop.logistics.queue.rows] == ["in_transit"],
        timeout=PATIENCE_MS,
    )
    # The ticket's timeline shows its swap's shipment: it reads again too.
    qtbot.waitUntil(lambda: loads["ticket"] >= 1, timeout=PATIENCE_MS)


def test_a_depot_chosen_once_is_remembered_for_this_workstation(qtbot: QtBot, store: Store) -> None:
    first = LogisticsWindow(store, "logistics:kees", lambda: NOW)
    qtbot.addWidget(first)
    first.show()
    chooser = first.depot_choice
    qtbot.waitUntil(lambda: chooser.count() == 3)  # "— kies —" and the two depots
    assert first.depot is None and chooser.currentData() is None
    assert "Kies het depot" in first.statusBar().currentMessage()
    first.scan.input.setText(TAG)
    first.scan.submit()
    assert "Kies eerst het depot" in first.scan.feedback.text()
    chooser.setCurrentIndex(chooser.findText("Depot Zwolle"))
    chooser.activated.emit(chooser.currentIndex())
    assert first.session.depot == "depot-zwolle" and first.devices.home_depot == "depot-zwolle"
    qtbot.waitUntil(lambda: "depot-zwolle" in settings_text())
    second = LogisticsWindow(store, "logistics:kees", lambda: NOW)
    qtbot.addWidget(second)
    qtbot.waitUntil(lambda: second.depot == "depot-zwolle")
    assert second.depot_choice.currentText() == "Depot Zwolle"
    assert second.depot_choice.findData(None) < 0  # nothing left to ask


def settings_text() -> str:
    from halt_desk.sync.settings import settings_path

    path = settings_path()
    return path.read_text(encoding="utf-8") if path.exists() else ""


# ------------------------------------------------------------------ a sync round


@pytest.fixture
def synced(
    qtbot: QtBot, tmp_path: Path, central: tuple[Desk, str]
) -> Iterator[tuple[Desk, SyncController, MainWindow, Store]]:
    desk, url = central
    at = datetime.now(UTC)
    desk.seed("admin", [wire(e.stream, e.type, dict(e.data), at) for e in depot_events()])
    desk.seed("depot-a", [
        wire(f"device:{TAG}", "device_registered",
             {"serial": "SN000001X", "model": MODEL, "type": "laptop", "org": "halt",
              "depot": DEPOT}, at),
        wire(f"device:{TAG}", "readiness_checked", ALL_PASS, at),
    ])  # fmt: skip
    desk.seed("agent-b", [
        wire("ticket:T1", "ticket_reported", REPORT_DATA | {"priority": "P2"}, at),
        wire("ticket:T1", "swap_requested", {}, at),
        wire("ticket:T1", "assigned", {"to": "field-a"}, at),
    ])  # fmt: skip
    clock = ServerClock()
    store = Store.open(tmp_path / "cache.sqlite3", recording_clock=clock, clock=clock.now)
    clock.attach(store)
    controller = SyncController(store.path, clock, interval=300)
    main = MainWindow(store, "agent-a", clock.now, controller)
    qtbot.addWidget(main)
    main.show()
    controller.start(SyncTarget(url, desk.tokens["agent-a"]))
    qtbot.waitUntil(lambda: main.model.tickets.total == 1, timeout=PATIENCE_MS)
    yield desk, controller, main, store
    controller.stop()
    store.close()


def test_a_sync_round_reaches_every_window_showing_what_it_pulled(
    qtbot: QtBot, synced: tuple[Desk, SyncController, MainWindow, Store]
) -> None:
    desk, controller, main, store = synced
    now = lambda: datetime.now(UTC).astimezone()  # noqa: E731
    desktop = open_everything(qtbot, store, now, "T1", "field-a", main)
    assert set(desktop.priority_everywhere("T1").values()) == {"P2"}
    assert desktop.device_state(TAG) == "in_stock"
    # Someone else, elsewhere: the ticket goes to P1 and the loaner fails its check.
    desk.seed("agent-b", [wire("ticket:T1", "priority_changed", {"priority": "P1"})])
    desk.seed("depot-a", [wire(f"device:{TAG}", "readiness_checked", ALL_PASS | {"mfa": False})])
    controller.sync_now()
    qtbot.waitUntil(
        lambda: set(desktop.priority_everywhere("T1").values()) == {"P1"}, timeout=PATIENCE_MS
    )
    qtbot.waitUntil(lambda: desktop.device_state(TAG) == "unready", timeout=PATIENCE_MS)


def test_one_hub_per_cache(store: Store, qtbot: QtBot) -> None:
    assert ChangeHub.of(store) is ChangeHub.of(store)


def test_a_hidden_tab_reads_again_when_it_shows(qtbot: QtBot, store: Store) -> None:
    """The register tab behind the queue does no work for a change; shown, it is current."""
    window = LogisticsWindow(store, "logistics:kees", lambda: NOW, DEPOT)
    qtbot.addWidget(window)
    window.show()
    page = window.devices
    qtbot.waitUntil(lambda: window.loaded and page.loaded)
    assert window.tabs.currentWidget() is not page
    state = {d.asset_tag: str(d.state) for d in page.all_devices}
    assert state[TAG] == "in_stock"
    unready = ALL_PASS | {"mfa": False}
    hub = ChangeHub.of(store)
    with qtbot.waitSignal(hub.changed, timeout=PATIENCE_MS) as broadcast:
        hub.run(lambda: check_readiness(store, TAG, unready, "depot", NOW), lambda _: None)
    assert TAG in broadcast.args[0].devices
    assert not page._reads._running  # delivered to a hidden tab: nothing read
    assert {d.asset_tag: str(d.state) for d in page.all_devices}[TAG] == "in_stock"
    qtbot.keyClick(window, Qt.Key.Key_F8)  # the register tab
    qtbot.waitUntil(lambda: {d.asset_tag: str(d.state) for d in page.all_devices}[TAG] == "unready")
