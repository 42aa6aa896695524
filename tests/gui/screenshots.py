"""Screenshots of the desk under a real X server (Xvfb): main window, intake, uplift, ticket.

    xvfb-run -a .venv/bin/python -m tests.gui.screenshots OUT_DIR

Builds a small demo cache, opens the windows as an agent would and saves one PNG per
window, grabbed from the X screen (what a person would see, window decorations aside).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from halt_desk.demo.terminal import build_demo_store
from halt_desk.store import Store
from ui.app import application
from ui.main_window import MainWindow
from ui.uplift_dialog import UpliftDialog


def settle(app: QApplication, ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    app.processEvents()


def shoot(widget: QWidget, path: Path) -> None:
    screen = QGuiApplication.primaryScreen()
    frame = widget.frameGeometry()
    image = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    image.save(str(path))


@dataclass(frozen=True)
class DemoDesk:
    """What a screenshot module works on: the Dutch application, the demo cache, the main
    window of its user (shown at the top left and loaded), the moment it shows and the
    temporary folder of the cache."""

    app: QApplication
    store: Store
    window: MainWindow
    now: datetime
    folder: Path


@contextmanager
def demo_desk(
    out: Path, user: str, months: int = 1, tickets_per_month: int = 200
) -> Iterator[DemoDesk]:
    """The demo cache (seed 1) in a temporary folder with `user`'s main window open, for
    the shots written to `out` (made); the window is closed and the cache removed after."""
    out.mkdir(parents=True, exist_ok=True)
    app = application("nl")
    now = datetime.now(UTC).astimezone()
    with tempfile.TemporaryDirectory() as folder:
        store_path = Path(folder) / "demo.sqlite3"
        build_demo_store(store_path, seed=1, months=months, tickets_per_month=tickets_per_month)
        with Store.open(store_path) as store:
            window = MainWindow(store, user, lambda: now)
            window.move(0, 0)
            window.show()
            while not window.loaded:
                settle(app, 100)
            settle(app)
            yield DemoDesk(app, store, window, now, Path(folder))
            window.close()


@contextmanager
def scratch_cache(out: Path, clock: Callable[[], datetime]) -> Iterator[tuple[QApplication, Store]]:
    """The Dutch application and an empty cache (its clock `clock`) in a temporary folder,
    for the shots written to `out` (made); the cache is removed after."""
    out.mkdir(parents=True, exist_ok=True)
    app = application("nl")
    with (
        tempfile.TemporaryDirectory() as folder,
        Store.open(Path(folder) / "cache.sqlite3", clock=clock) as store,
    ):
        yield app, store


def shots_written(out: Path) -> int:
    """Prints the PNGs in `out` (what a run made); a module's `main` returns this."""
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


def run_main(main: Callable[[Path], int], default: str = "screenshots") -> NoReturn:
    """A screenshot module run as `python -m tests.gui.MODULE [OUT]`: `main(OUT)`."""
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else default)))


def logistics_screens(app: QApplication, store: Store, now: datetime, out: Path) -> None:
    """Two fresh swap requests planned and one shipped, then the queue and a scan."""
    from halt_desk.desk.actions import Action, ActionRequest, record_action
    from halt_desk.domain.swaps import SwapMode
    from halt_desk.logistics.loaners import suggest_loaner
    from halt_desk.logistics.swap_steps import SwapPlan, open_swap, ship_loaner
    from ui.logistics_window import LogisticsWindow

    user = "logistics:kees.brouwer"
    tickets = [t.id for t in store.tickets(open_only=True) if t.org == "halt"][:4]
    for index, ticket in enumerate(tickets):
        extra = {"home_address": f"Voorbeeldstraat {index + 1}, Utrecht"}
        record_action(store, ticket, ActionRequest(Action.SWAP_REQUESTED, extra=extra), user, now)
    for index, ticket in enumerate(tickets[:3]):
        loaner = suggest_loaner(store, ticket, now)
        plan = SwapPlan(SwapMode.COURIER, loaner.depot or "depot-utrecht", loaner.device)
        swap, _ = open_swap(store, ticket, plan, user, now)
        if index == 0:
            ship_loaner(store, swap, "postnl", "3SHLTD500000001", user, now)
    window = LogisticsWindow(store, user, lambda: now, "depot-utrecht")  # this workstation's
    window.move(0, 0)
    window.show()
    while not window.loaded:
        settle(app, 100)
    settle(app)
    shoot(window, out / "logistics-queue.png")
    window.tabs.setCurrentWidget(window.stock_view)
    settle(app)
    shoot(window, out / "logistics-stock.png")
    window.show_scan()
    window.scan.sound = lambda verdict: None
    reserved = next(r.device for r in window.queue.rows if r.device and r.step == "ship")
    for code in ("HALT-XX-12345", reserved or ""):
        done = len(window.scan.outcomes)
        window.scan.input.setText(code)
        window.scan.submit()
        while len(window.scan.outcomes) == done:
            settle(app, 50)
    settle(app)
    shoot(window, out / "scan.png")
    window.show_devices()
    while not window.devices.loaded:
        settle(app, 100)
    window.devices.search.setText(reserved or "")
    while window.devices.record is None:
        settle(app, 50)
    window.devices.search.clear()
    settle(app)
    shoot(window, out / "device-register.png")
    window.close()


def _plain(store: Store, ticket: str) -> bool:
    """An incident (no change) without a swap requested: one the field screens can use."""
    events = store.events_for(f"ticket:{ticket}")
    change = any(e.type == "ticket_reported" and e.data.get("kind") == "change" for e in events)
    return not change and not any(e.type == "swap_requested" for e in events)


def field_screens(app: QApplication, store: Store, now: datetime, out: Path) -> None:
    """Three tickets assigned to a field engineer, one with an onsite swap and a reserved
    loaner; the arrival recorded offline (not yet synced); the laptop clock 7 minutes off."""
    from datetime import timedelta

    from halt_desk.desk.actions import Action, ActionRequest, record_action
    from halt_desk.domain.swaps import SwapMode
    from halt_desk.field.onsite import FieldRequest, record_field_action
    from halt_desk.field.route import FieldAction
    from halt_desk.logistics.loaners import suggest_loaner
    from halt_desk.logistics.swap_steps import SwapPlan, open_swap
    from ui.field_view import FieldView

    engineer = "field:jan.bakker"
    # Open incidents of Halt without a swap of their own yet (which ones are open follows
    # the moment the demo data was made for).
    halt = [t.id for t in store.tickets(open_only=True) if t.org == "halt"]
    tickets = [ticket for ticket in halt if _plain(store, ticket)][5:8]
    for ticket in tickets:
        request = ActionRequest(Action.ASSIGNED, to=engineer)
        record_action(store, ticket, request, "agent:sanne.visser", now)
        record_action(store, ticket, ActionRequest(Action.ONSITE_REQUESTED), "agent", now)
    extra = {"home_address": "Voorbeeldlaan 7, Zwolle"}
    record_action(store, tickets[0], ActionRequest(Action.SWAP_REQUESTED, extra=extra), "a", now)
    loaner = suggest_loaner(store, tickets[0], now)
    plan = SwapPlan(SwapMode.ONSITE, loaner.depot or "depot-utrecht", loaner.device, None, engineer)
    open_swap(store, tickets[0], plan, "agent", now)
    arrival = FieldRequest(FieldAction.ARRIVED, text="bij de receptie")
    record_field_action(store, tickets[0], arrival, engineer, now + timedelta(minutes=1))
    store.save_clock_offset(timedelta(minutes=-7), now)
    view = FieldView(store, engineer, lambda: now + timedelta(minutes=2))
    view.move(0, 0)
    view.show()
    while not view.loaded:
        settle(app, 100)
    row = next(i for i, item in enumerate(view.items) if item.id == tickets[0])
    view.list.setCurrentRow(row)
    settle(app)
    shoot(view, out / "field-view.png")
    view.take_work_along()
    while view.readiness is None:
        settle(app, 100)
    settle(app)
    shoot(view, out / "field-view-take-along.png")
    view.close()


def main(out: Path) -> int:
    with demo_desk(out, "agent:sanne.visser", months=2, tickets_per_month=300) as desk:
        app, store, window, now = desk.app, desk.store, desk.window, desk.now
        shoot(window, out / "main-window.png")

        intake = window.new_intake()
        intake.move(200, 120)
        caller = window.directory.find("de vries")[0]
        intake.choose_caller(caller)
        intake.summary.setText("Laptop start niet op, geeft over een uur les")
        intake.category.setCurrentIndex(intake.category.findData("werkplek"))
        intake.impact.setCurrentIndex(intake.impact.findData("one"))
        intake.urgency.setCurrentIndex(intake.urgency.findData("stopped"))
        settle(app)
        shoot(intake, out / "intake.png")
        intake.save()
        while intake.isVisible():
            settle(app, 100)
        settle(app, 600)
        ticket_id = window.model.tickets.row(0).id if len(window.model.tickets) else ""
        dialogs = [w for w in app.topLevelWidgets() if w.isVisible() and w is not window]
        ticket_view = dialogs[-1] if dialogs else None
        if ticket_view is not None:
            ticket_view.move(120, 40)
            settle(app, 600)
            shoot(ticket_view, out / "ticket-view.png")
            ticket_id = ticket_view.ticket_id  # type: ignore[attr-defined]

        uplift = UpliftDialog(store, ticket_id, "agent:sanne.visser", lambda: now, window)
        uplift.move(240, 160)
        uplift.show()
        uplift.critical_role.setChecked(True)
        uplift.direct_impact.setChecked(True)
        uplift.cannot_work.setChecked(True)
        uplift.role_type.setCurrentIndex(uplift.role_type.findData("class_or_group"))
        uplift.motivation.setPlainText(
            "Geeft om 11:00 voorlichting aan een schoolklas in Tilburg; lesmateriaal "
            "staat alleen op de laptop."
        )
        settle(app)
        shoot(uplift, out / "uplift.png")
        uplift.close()
        logistics_screens(app, store, now, out)
        field_screens(app, store, now, out)
    return shots_written(out)


if __name__ == "__main__":
    run_main(main)
