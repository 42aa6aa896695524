"""The XLA section of the monthly report (seed 003 §10.5) for the fixture month
(tests/fixtures/slr_2027-02.json), worked out by hand.

Two survey answers are added: F-P2-1 overall 9, servicedesk 8, information 6; F-P3-4
overall 7, servicedesk 9, information 9. With the fixture's seven scores (9, 10, 8, 7, 6,
8, 5 = 53) overall satisfaction is 69 / 9 = 7.67 (< 8, not met); servicedesk experience
(8 + 9) / 2 = 8.5 (met); information provision (6 + 9) / 2 = 7.5 (not met).

MTTP trend, business hours, earlier months from the fixture's history (P1 has no figure
in December), this month from test_report_kpi.py:
  P1 (1.5 + 1.2 + 1.0 + 0.8) / 4 = 1.125 → 40/60 = 0.67: falling, met
  P2 (4.0 + 3.8 + 3.5 + 3.4 + 3.2) / 5 = 3.58 → 190/60 = 3.17: falling (−11.5 %), met
  P3 history set to 22.0 every month → 1311/60 = 21.85: −0.7 %, stable, under 24: met
  P4 history set to 15.0 every month → 20.0: rising, not met
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from halt_desk.reports import Month, MonthReport, read_export
from halt_desk.reports.kpi import SURVEY_ACTOR
from halt_desk.reports.pdf import render_pdf
from halt_desk.reports.texts import texts
from halt_desk.reports.xla import mttp_trends, xla_scores
from tests.unit.test_report_kpi import fixture


def _survey(at: str, **scores: int) -> dict[str, Any]:
    return {
        "type": "csat_recorded",
        "at": f"2027-02-{at}:00+01:00",
        "actor": SURVEY_ACTOR,
        **scores,
    }


@pytest.fixture(scope="module")
def report() -> MonthReport:
    document = fixture()
    tickets = {t["id"]: t for t in document["tickets"]}
    tickets["F-P2-1"]["events"].append(_survey("03T12:00", score=9, servicedesk=8, information=6))
    tickets["F-P3-4"]["events"].append(_survey("26T12:00", score=7, servicedesk=9, information=9))
    for entry in document["history"]:
        entry["priorities"]["P3"]["mttp_business_hours"] = 22.0
        entry["priorities"]["P4"]["mttp_business_hours"] = 15.0
    return read_export(document, "fixture", Month(2027, 2), "halt")


def test_the_three_dimensions_against_the_norm(report: MonthReport) -> None:
    overall, servicedesk, information = xla_scores(report.kpis.satisfaction)
    assert (overall.average, overall.responses, overall.norm) == (pytest.approx(69 / 9), 9, 8)
    assert overall.met is False
    assert (servicedesk.average, servicedesk.responses, servicedesk.met) == (8.5, 2, True)
    assert (information.average, information.responses, information.met) == (7.5, 2, False)


def test_the_mttp_trend_per_priority(report: MonthReport) -> None:
    rows = {r.priority: r for r in mttp_trends(report)}
    assert rows["P1"].earlier == pytest.approx(1.125)
    assert rows["P1"].current == pytest.approx(40 / 60)
    assert (rows["P1"].direction, rows["P1"].met) == ("falling", True)
    assert rows["P2"].earlier == pytest.approx(3.58)
    assert (rows["P2"].direction, rows["P2"].met) == ("falling", True)
    assert (rows["P3"].earlier, rows["P3"].norm) == (pytest.approx(22.0), 24.0)
    assert (rows["P3"].direction, rows["P3"].met) == ("stable", True)
    assert (rows["P4"].direction, rows["P4"].met) == ("rising", False)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_pdf_shows_the_xla_section(report: MonthReport, lang: str, tmp_path: Path) -> None:
    path = tmp_path / "slr.pdf"
    path.write_bytes(render_pdf(report, texts(lang)))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(path)).pages).split())
    if lang == "nl":
        assert "XLA: gebruikersbeleving" in text
        assert "Algemene tevredenheid 7,7 9 ≥ 8 niet gehaald" in text
        assert "Ervaring met de servicedesk 8,5 2 ≥ 8 gehaald" in text
        assert "Informatievoorziening 7,5 2 ≥ 8 niet gehaald" in text
        assert "MTTP-trend" in text
        assert "P1 1,1 0,7 4,0 dalend gehaald" in text
        assert "P3 22,0 21,9 24,0 stabiel gehaald" in text
        assert "P4 15,0 20,0 45,0 stijgend niet gehaald" in text
    else:
        assert "Overall satisfaction 7.7 9 ≥ 8 not met" in text
        assert "P2 3.6 3.2 8.0 falling met" in text
