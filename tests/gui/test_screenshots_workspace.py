"""The ticket workspace on screen: screenshots under a real X server (Xvfb) of the ticket
window with a long timeline of every kind, with a 4,000-character summary at 1024×700, and
the main list showing names; and the ticket window in the pseudo-language (every word from
the catalogue)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from halt_desk.desk.names import names_for
from halt_desk.logistics.loaners import suggest_loaner
from halt_desk.store import Store
from tests.desk_data import NOW
from tests.gui.shot_run import assert_shots, needs_xvfb, run_shots
from tests.gui.test_pseudo_language import data_words, in_pseudo, leaks
from tests.workspace_data import AGENT, busy_ticket, long_caller, named_store
from ui.elided_label import ElidedLabel
from ui.swap_queue import PlanDialog
from ui.ticket_dialog import TicketDialog

__all__ = ["in_pseudo"]  # the pseudo-language fixture, used by name below


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_the_ticket_workspace_under_xvfb(tmp_path: Path) -> None:
    run_shots("tests.gui.screenshots_workspace", tmp_path, timeout=180)
    names = ["main-list-names.png", "ticket-long-summary.png", "ticket-timeline.png"]
    assert_shots(tmp_path, names, size=(900, 600), rows=(40, 80, 120))
    long = QImage(str(tmp_path / "ticket-long-summary.png"))
    assert (long.width(), long.height()) <= (1024 + 40, 700 + 60)  # the window kept its size


def test_the_ticket_workspace_says_nothing_outside_the_catalogue(
    qtbot: QtBot, tmp_path: Path, in_pseudo: None
) -> None:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as store:
        named_store(store)
        long_caller(store)
        busy = busy_ticket(store, NOW, notes=3)
        summary = ("Scherm blijft zwart na het opstarten. " * 120)[:4000]
        closed = busy_ticket(store, NOW, summary=summary, close=True, loaner="HALT-LT-00002")
        allowed = data_words(tmp_path / "cache.sqlite3")
        found: list[str] = []
        windows: list[QWidget] = []
        for ticket in (busy, closed):
            dialog = TicketDialog(store, ticket, AGENT, lambda: NOW)
            qtbot.addWidget(dialog)
            dialog.resize(1024, 700)
            dialog.show()
            qtbot.waitUntil(lambda d=dialog: d.evaluation is not None and bool(d.timeline.entries))
            windows.append(dialog)
        suggestion = suggest_loaner(store, busy, NOW)
        plan = PlanDialog(suggestion, "Dorpsstraat 1", None, names_for(store))
        qtbot.addWidget(plan)
        plan.show()
        windows.append(plan)
        for window in windows:
            # An elided line cuts a word of data ("Laptop st…"): its whole text is checked.
            found += [f for f in leaks(window, allowed) if not f.startswith("ElidedLabel.text")]
            for line in window.findChildren(ElidedLabel):
                found += leaks(QLabel(line.full_text()), allowed)
        text = windows[0].timeline.toPlainText()  # type: ignore[attr-defined]
        assert "⟦" in text  # the timeline's words come from the catalogue too
        assert found == [], "\n".join(found)
