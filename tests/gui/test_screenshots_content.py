"""Screenshots of the content lane's dialogs under a real X server (Xvfb), and their
pseudo-localisation check: the status update, the resolution, the reopen and the question
before a second first response.

    xvfb-run -a .venv/bin/python -m tests.gui.test_screenshots_content OUT_DIR
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.domain.errors import DeskInputError
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.gui.shot_run import assert_shots, needs_xvfb, run_shots
from tests.gui.test_pseudo_language import data_words, in_pseudo, leaks  # noqa: F401 (fixture)
from ui.action_dialogs import (
    ContentDialog,
    ReopenDialog,
    ResolutionDialog,
    StatusUpdateDialog,
    second_first_response_box,
)

NAMES = [
    "reopen.png",
    "resolution.png",
    "second-first-response.png",
    "status-update.png",
    "ticket-resolved-actions.png",
]


def _tickets(store: Store) -> tuple[str, str]:
    """An open ticket with a first response, and a resolved one."""
    intake = Intake("e1", "Laptop start niet op na update", "phone", "werkplek", "one", "stopped")
    open_ticket = record_intake(store, intake, "agent-1", NOW)
    first = ActionRequest(Action.FIRST_RESPONSE, channel="phone")
    record_action(store, open_ticket, first, "agent-1", NOW + timedelta(minutes=3))
    resolved = record_intake(store, intake, "agent-1", NOW)
    done = ActionRequest(Action.RESOLVED, text="BIOS-update teruggezet")
    record_action(store, resolved, done, "agent-1", NOW + timedelta(minutes=40))
    return open_ticket, resolved


def _second_first_response(store: Store, ticket: str) -> DeskInputError:
    request = ActionRequest(Action.FIRST_RESPONSE, channel="email")
    try:
        record_action(store, ticket, request, "agent-1", NOW + timedelta(minutes=20))
    except DeskInputError as exc:
        return exc
    raise AssertionError("a second first response was recorded without asking")


def dialogs(store: Store, parent: QWidget | None = None) -> dict[str, QWidget]:
    """Each dialog as an agent sees it halfway: something typed, a choice made."""
    open_ticket, resolved = _tickets(store)
    update = StatusUpdateDialog(open_ticket, parent)
    update.text.setPlainText(
        "Gebeld: het onderdeel is besteld en komt morgen binnen; de monteur belt vooraf."
    )
    update.channel_buttons["phone"].setChecked(True)
    resolution = ResolutionDialog(resolved, parent)
    resolution.text.setPlainText(
        "Oorzaak: de BIOS-update van vrijdag. Teruggezet naar de vorige versie; laptop start "
        "weer normaal op. Gebruiker heeft bevestigd."
    )
    reopen = ReopenDialog(resolved, parent)
    reopen.text.setPlainText("Melder belt: na een herstart hetzelfde probleem.")
    question = second_first_response_box(_second_first_response(store, open_ticket), parent)
    return {
        "status-update.png": update,
        "resolution.png": resolution,
        "reopen.png": reopen,
        "second-first-response.png": question,
    }


def main(out: Path) -> int:
    from tests.gui.screenshots import settle, shoot
    from ui.app import application
    from ui.ticket_dialog import TicketDialog

    out.mkdir(parents=True, exist_ok=True)
    app = application("nl")
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "c.sqlite3") as store:
        store.record_events(reference_events())
        for name, dialog in dialogs(store).items():
            dialog.move(80, 60)
            dialog.show()
            if isinstance(dialog, ContentDialog):
                dialog.text.setFocus()
            settle(app, 400)
            shoot(dialog, out / name)
            dialog.close()
        resolved = next(t for t in store.tickets() if t.status == "resolved").id
        window = TicketDialog(store, resolved, "agent-1", lambda: NOW + timedelta(hours=1))
        window.move(40, 20)
        window.show()
        settle(app, 800)
        shoot(window, out / "ticket-resolved-actions.png")
        window.close()
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_the_content_dialogs_under_xvfb(tmp_path: Path) -> None:
    run_shots("tests.gui.test_screenshots_content", tmp_path, timeout=120)
    assert_shots(tmp_path, NAMES, size=(300, 100), rows=(30, 60, 90))


@pytest.mark.usefixtures("in_pseudo")
def test_the_content_dialogs_say_nothing_outside_the_catalogue(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    found = []
    windows = dialogs(store)
    allowed = data_words(tmp_path / "cache.sqlite3")
    for window in windows.values():
        qtbot.addWidget(window)
        if isinstance(window, ContentDialog):
            window.text.clear()  # what an agent types is not the screen's own words
        window.show()
        qtbot.wait(50)
        found += leaks(window, allowed)
    assert found == [], "\n".join(found)


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
