"""The core tells how far long work is through a plain callback (no Qt): a sheet of labels
after each label, the monthly report after each step, both to the end."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from halt_desk.desk.intake import Intake, record_intake
from halt_desk.logistics.asset_labels import write_label_sheet
from halt_desk.reports.export import HISTORY_MONTHS
from halt_desk.reports.from_store import write_month_report
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.swap_data import depot_events, loaner_events


def test_a_label_sheet_reports_each_label(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as store:
        store.record_events([*reference_events(), *depot_events(), *loaner_events()], bulk=True)
        devices = store.devices() * 10  # 30 labels: two pages
        steps: list[tuple[int, int]] = []
        pages = write_label_sheet(
            devices, tmp_path / "labels.pdf", "Labels", lambda d, t: steps.append((d, t))
        )
    assert pages == 2
    assert steps == [(n, 30) for n in range(1, 31)]


def test_the_monthly_report_reports_each_step(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: NOW) as store:
        store.record_events(reference_events())
        intake = Intake("e1", "Laptop start niet op", "phone", "werkplek", "one", "stopped")
        record_intake(store, intake, "agent-1", NOW - timedelta(hours=1))
        steps: list[tuple[int, int]] = []
        out = tmp_path / "slr.pdf"
        write_month_report(
            store, "2027-01", "halt", out, NOW, progress=lambda d, t: steps.append((d, t))
        )
    total = 1 + HISTORY_MONTHS + 1 + 1  # the months, the PDF, the writing
    assert steps == [(n, total) for n in range(1, total + 1)]
    assert out.read_bytes().startswith(b"%PDF")
