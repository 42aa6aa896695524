"""Change management in the SLR (seed 003 §10.2), worked out by hand on the fixture month.

tests/fixtures/slr_2027-02.json has ten change tickets besides its 15 incidents, evaluated
at 2027-03-10 12:00; window Mon–Fri 08:00–17:00, no holidays in February 2027.

KPI 5, standard changes implemented within planning (deadline: the end of the plan date):
  C-STD-1 plan 09-02, implemented 09-02 19:30 (evening window)      met
  C-STD-2 plan 10-02, re-planned 12-02, implemented 12-02 16:00     met (the latest plan)
  C-STD-3 plan 11-02, implemented 15-02 10:00                        breached
  C-STD-4 plan 15-03, not implemented at 10-03                       open (running)
  → 2 of 3 decided = 66,7 % < 95 %: niet gehaald; 4 standard changes, 1 open.
KPI 6, minor changes with a first plan date within 5 working days (closing of day +5):
  C-MIN-1 Fri 05-02 15:00 → due Fri 12-02 17:00; planned Thu 11-02    met
  C-MIN-2 Mon 08-02 09:00 → due Mon 15-02 17:00; planned 15-02 17:30  breached (after)
  C-MIN-3 Wed 17-02 16:59 → due Wed 24-02 17:00; planned Tue 23-02    met
  C-MIN-4 Fri 26-02 17:30 (after closing: counts from Mon 01-03) → due Mon 08-03 17:00;
          no plan at 10-03                                            breached (open)
  → 2 of 4 = 50,0 % < 95 %: niet gehaald.
Major C-MAJ-1 and emergency C-EM-1 are counted, without a norm. No change counts in the
incident figures.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from halt_desk.cli import main
from halt_desk.domain.clocks import ClockState
from halt_desk.domain.sla import check_document
from halt_desk.reports import InvalidExport, MonthReport, read_export
from halt_desk.reports.change_figures import change_kpis, type_counts

FIXTURE = Path(__file__).parents[1] / "fixtures" / "slr_2027-02.json"
AMS = ZoneInfo("Europe/Amsterdam")


def fixture() -> dict:  # type: ignore[type-arg]
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report() -> MonthReport:
    return read_export(fixture(), "fixture")


def test_kpi_5_and_kpi_6_are_the_hand_computed_shares(report: MonthReport) -> None:
    planning, first_plan = change_kpis([t.change for t in report.tickets])
    assert (planning.changes, planning.met, planning.decided, planning.open) == (4, 2, 3, 1)
    assert planning.percent == pytest.approx(200 / 3) and planning.norm_met is False
    assert (first_plan.changes, first_plan.met, first_plan.decided, first_plan.open) == (4, 2, 4, 0)
    assert first_plan.percent == 50.0 and first_plan.norm_met is False
    assert type_counts([t.change for t in report.tickets]) == {
        "standard": 4,
        "minor": 4,
        "major": 1,
        "emergency": 1,
        "project": 0,
    }


def test_each_change_clock_is_as_worked_out(report: MonthReport) -> None:
    by_id = {t.id: t.change for t in report.tickets if t.change is not None}
    state = {i: {n: c.state for n, c in ch.clocks.items()} for i, ch in by_id.items()}
    met, breached, running, na = (ClockState.MET, ClockState.BREACHED, ClockState.RUNNING,
                                  ClockState.NOT_APPLICABLE)  # fmt: skip
    assert state["C-STD-1"] == {"change_planning": met, "change_first_plan": na}
    assert state["C-STD-2"]["change_planning"] is met
    assert state["C-STD-3"]["change_planning"] is breached
    assert state["C-STD-4"]["change_planning"] is running
    assert [state[f"C-MIN-{i}"]["change_first_plan"] for i in (1, 2, 3, 4)] == [
        met, breached, met, breached
    ]  # fmt: skip
    assert state["C-MAJ-1"] == state["C-EM-1"] == {"change_planning": na, "change_first_plan": na}
    assert by_id["C-MIN-4"].clocks["change_first_plan"].due == datetime(2027, 3, 8, 17, tzinfo=AMS)
    assert by_id["C-MIN-1"].clocks["change_first_plan"].due == datetime(2027, 2, 12, 17, tzinfo=AMS)
    assert by_id["C-STD-2"].planned is not None and by_id["C-STD-2"].planned.day == 12
    assert by_id["C-STD-2"].clocks["change_planning"].due == datetime(2027, 2, 13, tzinfo=AMS)


def test_changes_stay_out_of_the_incident_figures(report: MonthReport) -> None:
    assert report.kpis.total.tickets == 15  # the incidents only, as before
    assert not any(b.ticket.startswith("C-") for b in report.kpis.breaches)


def test_sla_check_still_reads_the_export(report: MonthReport) -> None:
    checked = check_document(fixture())
    assert len(checked["tickets"]) == 25


def test_the_pdf_and_csv_show_the_change_section(tmp_path: Path) -> None:
    out, csv = tmp_path / "slr.pdf", tmp_path / "slr.csv"
    args = ["report", "slr", "--month", "2027-02", "--from", str(FIXTURE), "--out", str(out)]
    assert main([*args, "--csv", str(csv)]) == 0
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for expected in (
        "Wijzigingsbeheer",
        "5. Standaardwijzigingen binnen",
        "66,7 %",
        "50,0 %",
        "≥ 95 %",
        "Standaard 4 · Minor 4 · Major 1 · Spoed 1 · Project 0",
        "C-STD-3",
    ):
        assert expected in text, expected
    lines = (tmp_path / "slr-changes.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Melding;Soort wijziging;Gemeld op;Gepland op;Uitgevoerd")
    assert (
        "C-STD-3;Standaard;2027-02-04 09:00;2027-02-11;2027-02-15 10:00;"
        "overschreden;n.v.t.;software" in lines
    )
    assert len(lines) == 11
    incidents = (tmp_path / "slr-tickets.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(incidents) == 16 and not any(line.startswith("C-") for line in incidents)


def test_an_unknown_change_type_is_named(tmp_path: Path) -> None:
    doc = fixture()
    change = next(t for t in doc["tickets"] if t["id"] == "C-MIN-1")
    change["change_type"] = "groot"
    with pytest.raises(InvalidExport, match="change_type"):
        read_export(doc, "fixture")
