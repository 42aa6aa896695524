"""Long work of the windows shows its progress: the monthly report and a sheet of labels
feed a progress dialog from the core's progress callback, step by step to the end."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from halt_desk.desk.intake import Intake, record_intake
from halt_desk.i18n import _
from halt_desk.reports.export import HISTORY_MONTHS
from halt_desk.store import Store
from tests.desk_data import NOW
from tests.gui.test_device_register import register_page
from tests.gui.test_device_register import store as register_store
from ui.main_window import MainWindow

__all__ = ["register_store"]


def assert_steps_to_the_end(steps: list[tuple[int, int]], total: int) -> None:
    assert [done for done, _ in steps] == list(range(1, total + 1))
    assert {all_steps for _, all_steps in steps} == {total}


def test_the_monthly_report_shows_its_progress(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    intake = Intake("e1", "Laptop start niet op", "phone", "werkplek", "one", "stopped")
    record_intake(store, intake, "agent-1", NOW - timedelta(hours=1))  # January 2027
    main = MainWindow(store, "agent-1", lambda: NOW)
    qtbot.addWidget(main)
    dialog = main.open_report()
    dialog.month.setText("2027-01")
    dialog.out.setText(str(tmp_path / "slr.pdf"))
    dialog.with_csv.setChecked(True)
    with qtbot.waitSignal(dialog.written, timeout=30_000):
        dialog.make()
    # Each month read (the report's and its trend's), the PDF, the CSV, the writing.
    assert_steps_to_the_end(dialog.progress.steps, 1 + HISTORY_MONTHS + 3)
    assert dialog.progress.dialog.labelText() == _("Making the report…")  # Dutch
    assert not dialog.progress.dialog.isVisible()


def test_printing_labels_shows_its_progress(
    qtbot: QtBot, register_store: Store, tmp_path: Path
) -> None:
    window, page = register_page(qtbot, register_store)
    page.view.clearSelection()
    page.print_labels(tmp_path / "labels.pdf")
    qtbot.waitUntil(lambda: "3 labels op 1 pagina" in window.statusBar().currentMessage())
    assert_steps_to_the_end(page.label_progress.steps, 3)
    assert page.label_progress.dialog.labelText() == "Labels worden gemaakt…\n3 van 3 labels"
