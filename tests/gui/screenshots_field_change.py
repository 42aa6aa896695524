r"""Screenshots of the field view with a change ticket under a real X server (Xvfb):

    xvfb-run -a -s "-screen 0 1400x900x24" \
        .venv/bin/python -m tests.gui.screenshots_field_change OUT

The engineer has an incident with a swap, a minor change (counting down to its first plan
date) and a planned standard change (counting down to the end of its plan date). Shot: the
field view with the minor change chosen, and with the planned standard change chosen.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.gui.screenshots import settle, shoot
from tests.swap_data import swap_ticket
from ui.app import application
from ui.field_view import FieldView

ENGINEER = "field:jan"


def seed(store: Store) -> tuple[str, str]:
    """An incident with a swap, a minor change and a planned standard change, all the
    engineer's; returns the two changes."""
    store.record_events(reference_events())
    incident = swap_ticket(store, NOW)
    minor = record_intake(
        store,
        Intake(
            "e1",
            "Nieuwe SharePoint-site voor HR",
            "phone",
            "werkplek",
            "one",
            "workaround",
            kind="change",
            change_type="minor",
        ),
        "agent-1",
        NOW,
    )
    standard = record_intake(
        store,
        Intake(
            "e1",
            "Dockingstation vervangen op locatie",
            "phone",
            "werkplek",
            "one",
            "workaround",
            kind="change",
            change_type="standard",
        ),
        "agent-1",
        NOW,
    )
    planned = ActionRequest(Action.CHANGE_PLANNED, extra={"date": "2027-01-14"})
    record_action(store, standard, planned, "agent-1", NOW)
    for ticket in (incident, minor, standard):
        record_action(store, ticket, ActionRequest(Action.ASSIGNED, to=ENGINEER), "agent", NOW)
    record_action(store, incident, ActionRequest(Action.ONSITE_REQUESTED), "agent", NOW)
    return minor, standard


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app: QApplication = application("nl")
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, True)
    with (
        tempfile.TemporaryDirectory() as folder,
        Store.open(Path(folder) / "cache.sqlite3", clock=lambda: NOW) as store,
    ):
        changes = seed(store)
        view = FieldView(store, ENGINEER, lambda: NOW + timedelta(minutes=40))
        view.resize(1280, 800)
        view.move(0, 0)
        view.show()
        while not view.loaded:
            settle(app, 100)
        ids = [view.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(view.list.count())]
        for ticket, name in zip(
            changes, ("field-minor-change", "field-standard-change"), strict=True
        ):
            view.list.setCurrentRow(ids.index(ticket))
            settle(app, 300)
            shoot(view, out / f"{name}.png")
        view.close()
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
