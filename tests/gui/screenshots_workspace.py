"""Screenshots of the ticket workspace under a real X server (Xvfb):

    xvfb-run -a .venv/bin/python -m tests.gui.screenshots_workspace OUT_DIR

On a cache whose ids look nothing like their names (tests.workspace_data): the ticket window
with a long timeline of every kind of entry, the same window at 1024×700 with a 4,000-
character summary and a long caller line, and the main list showing names.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.store import Store
from tests.desk_data import NOW
from tests.gui.screenshots import run_main, scratch_cache, settle, shoot, shots_written
from tests.workspace_data import (
    AGENT,
    EMPLOYEE,
    ENGINEER,
    busy_ticket,
    long_caller,
    named_store,
)
from ui.main_window import MainWindow
from ui.ticket_dialog import TicketDialog

LATER = NOW + timedelta(minutes=5)
LONG_SUMMARY = ("Laptop start niet op en toont een blauw scherm met foutcode 0x0000007B. " * 60)[
    :4000
]


def ticket_window(
    app: QApplication, store: Store, ticket: str, size: tuple[int, int]
) -> TicketDialog:
    dialog = TicketDialog(store, ticket, AGENT, lambda: LATER)
    dialog.resize(*size)
    dialog.move(0, 0)
    dialog.show()
    while dialog.evaluation is None or not dialog.timeline.entries:
        settle(app, 50)
    settle(app, 400)
    return dialog


def main(out: Path) -> int:
    with scratch_cache(out, lambda: NOW) as (app, store):
        named_store(store)
        busy = busy_ticket(store, NOW, notes=12)
        for summary in ("Printer regiokantoor offline", "VPN valt steeds weg"):
            intake = Intake(EMPLOYEE, summary, "phone", "netwerk", "one", "degraded")
            other = record_intake(store, intake, AGENT, NOW - timedelta(minutes=20))
            request = ActionRequest(Action.ASSIGNED, to=ENGINEER)
            record_action(store, other, request, AGENT, NOW - timedelta(minutes=10))
        dialog = ticket_window(app, store, busy, (1200, 800))
        shoot(dialog, out / "ticket-timeline.png")
        dialog.close()
        long_caller(store)
        long = busy_ticket(store, NOW, summary=LONG_SUMMARY, loaner="HALT-LT-00002")
        dialog = ticket_window(app, store, long, (1024, 700))
        shoot(dialog, out / "ticket-long-summary.png")
        dialog.close()
        window = MainWindow(store, AGENT, lambda: LATER)
        window.move(0, 0)
        window.show()
        while not window.loaded:
            settle(app, 100)
        window.set_quick_filter(window.quick.ALL)
        settle(app, 400)
        shoot(window, out / "main-list-names.png")
        window.close()
    return shots_written(out)


if __name__ == "__main__":
    run_main(main)
