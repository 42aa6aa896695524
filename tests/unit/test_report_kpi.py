"""The report's figures for a fixture month whose answers were worked out by hand.

tests/fixtures/slr_2027-02.json: Stichting Halt, February 2027 (no public holidays),
15 tickets, evaluated at 2027-03-10 12:00. Window Mon–Fri 08:00–17:00 (540 min a day).
The arithmetic behind each figure is in the comments.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from halt_desk.domain.errors import InvalidTimeline
from halt_desk.domain.sla import check_document
from halt_desk.reports import (
    EmptyMonth,
    InvalidExport,
    InvalidMonth,
    Month,
    MonthReport,
    UnknownOrganisation,
    read_export,
)

FIXTURE = Path(__file__).parents[1] / "fixtures" / "slr_2027-02.json"
AMS = ZoneInfo("Europe/Amsterdam")


def fixture() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="module")
def report() -> MonthReport:
    return read_export(fixture(), "fixture", Month(2027, 2), "halt")


def by_priority(report: MonthReport) -> dict[str, Any]:
    return {k.priority: k for k in report.kpis.priorities}


def test_tickets_count_under_their_priority_at_the_evaluation_moment(report: MonthReport) -> None:
    kpis = by_priority(report)
    # F-P1-3 was reported P3 and granted the uplift: P1. F-P3-1 was reported P2 and
    # downgraded: P3.
    assert {p: k.tickets for p, k in kpis.items()} == {"P1": 3, "P2": 3, "P3": 6, "P4": 3}
    assert report.kpis.total.tickets == 15


def test_within_norm_share_and_verdict_per_priority(report: MonthReport) -> None:
    kpis = by_priority(report)
    # P1: F-P1-2's reaction was by email first, by phone at 10:20 > 10:15 → 2 of 3.
    assert (kpis["P1"].within_norm.met, kpis["P1"].within_norm.decided) == (2, 3)
    assert kpis["P1"].within_norm.percent == pytest.approx(66.667, abs=0.001)
    assert kpis["P1"].norm == 98 and kpis["P1"].norm_met is False
    # P2: F-P2-2 resolved Fri 09:00, due Thu 17:00 → 2 of 3 < 95 %.
    assert (kpis["P2"].within_norm.met, kpis["P2"].within_norm.decided) == (2, 3)
    assert kpis["P2"].norm_met is False
    # P3: F-P3-5 breached; F-P3-6 still waiting on the user (open) → 4 of 5 = 80 % < 90 %.
    assert (kpis["P3"].within_norm.met, kpis["P3"].within_norm.decided) == (4, 5)
    assert kpis["P3"].open == 1
    assert kpis["P3"].norm_met is False
    # P4: all three met → 100 % ≥ 90 %.
    assert (kpis["P4"].within_norm.met, kpis["P4"].within_norm.decided) == (3, 3)
    assert kpis["P4"].norm_met is True
    total = report.kpis.total
    assert (total.within_norm.met, total.within_norm.decided, total.open) == (11, 14, 1)
    assert total.norm is None and total.norm_met is None


def test_clock_shares_leave_out_running_and_not_applicable_clocks(report: MonthReport) -> None:
    kpis = by_priority(report)

    def share(priority: str, clock: str) -> tuple[int, int]:
        value = kpis[priority].clocks[clock]
        return value.met, value.decided

    assert share("P1", "reaction") == (2, 3)
    assert share("P1", "resolution") == (3, 3)
    assert share("P1", "update") == (3, 3)
    assert share("P1", "swap") == (1, 1)  # F-P1-3: same day, delivered 14:10
    assert share("P1", "emergency_workplace") == (1, 1)  # virtual workplace at 13:40
    assert share("P1", "onsite") == (0, 0)
    assert kpis["P1"].clocks["onsite"].percent is None
    assert share("P2", "onsite") == (1, 1)
    assert share("P2", "resolution") == (2, 3)
    assert share("P3", "reaction") == (5, 6)  # F-P3-5: email at 14:00, due 13:00
    assert share("P3", "resolution") == (4, 5)  # F-P3-6 running (paused)
    assert share("P3", "update") == (5, 5)  # F-P3-6 running with daily updates
    assert share("P3", "swap") == (0, 1)  # F-P3-3: due Mon 10:00, delivered 14:00
    assert share("P3", "onsite") == (1, 1)
    assert share("P4", "update") == (0, 0)  # P4 has no update clock
    assert report.kpis.total.clocks["swap"].percent == pytest.approx(50.0)


def test_mttr_and_mttp_means_in_hours(report: MonthReport) -> None:
    kpis = by_priority(report)
    # P1 MTTR 30, 55, 80 min → 55 min; MTTP 30, 50, 40 (workaround / productive) → 40 min.
    assert kpis["P1"].mttr_business_hours == pytest.approx(55 / 60)
    assert kpis["P1"].mttp_business_hours == pytest.approx(40 / 60)
    assert kpis["P1"].mttp_wall_hours == pytest.approx(40 / 60)
    # P2 MTTR 150 (Mon 16:30–17:00 + Tue 08:00–10:00), 540, 60 → 250 min;
    # MTTP 150, 360, 60 → 190; wall 1050 (17.5 h overnight), 360, 60 → 490.
    assert kpis["P2"].mttr_business_hours == pytest.approx(250 / 60)
    assert kpis["P2"].mttp_business_hours == pytest.approx(190 / 60)
    assert kpis["P2"].mttp_wall_hours == pytest.approx(490 / 60)
    # P3 (resolved five): MTTR 1020, 1125 (1665 − 540 paused), 1380, 360, 2160 → 1209;
    # MTTP 1020, 1665 (pause counts), 1350, 360, 2160 → 1311;
    # wall 2820, 7245, 6030, 4140, 8640 → 5775.
    assert kpis["P3"].resolved == 5
    assert kpis["P3"].mttr_business_hours == pytest.approx(1209 / 60)
    assert kpis["P3"].mttp_business_hours == pytest.approx(1311 / 60)
    assert kpis["P3"].mttp_wall_hours == pytest.approx(5775 / 60)
    # P4: MTTR 1620, 660, 780 (Sat report counts from Mon 08:00; 540 paused) → 1020;
    # MTTP 1620, 660, 1320 → 1200; wall 4320, 4440, 5880 → 4880.
    assert kpis["P4"].mttr_business_hours == pytest.approx(17.0)
    assert kpis["P4"].mttp_business_hours == pytest.approx(20.0)
    assert kpis["P4"].mttp_wall_hours == pytest.approx(4880 / 60)


def test_mttp_norms_come_from_the_profile(report: MonthReport) -> None:
    kpis = by_priority(report)
    assert {p: k.mttp_norm_hours for p, k in kpis.items()} == {
        "P1": 4.0,
        "P2": 8.0,
        "P3": 24.0,
        "P4": 45.0,  # 5 working days × 9 h
    }
    assert all(k.mttp_norm_met for k in kpis.values())


def test_every_breach_with_how_late_and_its_explanation(report: MonthReport) -> None:
    rows = [
        (b.ticket, b.clock, b.late_business_minutes, b.explanation) for b in report.kpis.breaches
    ]
    assert rows == [
        (
            "F-P1-2",
            "reaction",
            5,
            "Telefooncentrale overbelast door landelijke storing; extra lijn geopend.",
        ),
        # a comment without `clock` explains every breach of its ticket
        (
            "F-P2-2",
            "resolution",
            60,
            "Vervangende switch pas vrijdagochtend geleverd door de leverancier.",
        ),
        (
            "F-P3-3",
            "swap",
            240,
            "Loaner van dit model niet op voorraad in depot Zwolle; uit Utrecht gehaald.",
        ),
        ("F-P3-5", "reaction", 60, None),  # the explanation names the resolution clock only
        (
            "F-P3-5",
            "resolution",
            240,  # due Fri 19 Feb 14:00, resolved Mon 22 Feb 09:00: 180 + 60
            "Wachten op patch van de leverancier van de registratieapplicatie.",
        ),
    ]
    due = report.kpis.breaches[0].due
    assert due == datetime(2027, 2, 2, 10, 15, tzinfo=AMS)


def test_uplift_table_lists_granted_uplifts_and_counts_refusals(report: MonthReport) -> None:
    (uplift,) = report.kpis.uplifts
    assert uplift.ticket == "F-P1-3"
    assert uplift.decided_at == datetime(2027, 2, 3, 13, 10, tzinfo=AMS)
    assert uplift.role_type == "court_session"
    assert uplift.motivation == "Zitting om 14:00; dossier niet bereikbaar via VPN."
    assert uplift.decided_by == "agent:sanne.visser"
    assert report.kpis.uplifts_refused == 1


def test_satisfaction_is_the_mean_of_the_scores_against_the_norm(report: MonthReport) -> None:
    csat = report.kpis.satisfaction
    # 9, 10, 8, 7, 6, 8, 5 → 53 / 7
    assert csat.responses == 7
    assert csat.average == pytest.approx(53 / 7)
    assert csat.norm == 8 and csat.met is False


def test_trend_holds_the_history_and_the_month_itself(report: MonthReport) -> None:
    months = [str(p.month) for p in report.trend]
    assert months == ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02"]
    assert report.trend[3].mttp_business_hours["P1"] is None
    assert report.trend[-1].mttp_business_hours["P3"] == pytest.approx(1311 / 60)


def test_stock_marks_a_model_below_its_minimum(report: MonthReport) -> None:
    assert report.stock is not None
    utrecht, zwolle = report.stock.depots
    assert utrecht.short("HP EliteBook 840 G11") and not utrecht.short("Dell Latitude 5450")
    assert not zwolle.short("Dell Latitude 5450")


def test_sla_check_reads_the_export_and_agrees_with_the_report(report: MonthReport) -> None:
    checked = check_document(fixture())
    assert checked["now"] == "2027-03-10T12:00:00+01:00"
    by_id = {t.id: t.evaluation.to_json() for t in report.tickets}
    assert {t["id"]: t for t in checked["tickets"]} == by_id


# ------------------------------------------------------------------------ bad input
def test_month_must_be_written_yyyy_mm() -> None:
    for text in ("2027-2", "02-2027", "2027-13", "202702", "", "1999-01"):
        with pytest.raises(InvalidMonth):
            Month.parse(text)
    assert str(Month.parse("2027-02")) == "2027-02"
    assert Month(2027, 1).shifted(-5) == Month(2026, 8)


def test_an_export_for_another_month_or_organisation_is_refused() -> None:
    with pytest.raises(InvalidExport, match="the export is for 2027-02, not for 2027-03"):
        read_export(fixture(), "f.json", Month(2027, 3))
    with pytest.raises(UnknownOrganisation, match="not 'desom'"):
        read_export(fixture(), "f.json", Month(2027, 2), "desom")


def test_an_export_without_tickets_is_an_empty_month() -> None:
    document = fixture()
    document["tickets"] = []
    with pytest.raises(EmptyMonth, match="no tickets were reported in 2027-02"):
        read_export(document, "f.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something"), "format"),
        (lambda d: d.update(version=99), "version"),
        (lambda d: d.update(now="2027-03-10T12:00"), "now: .* has no UTC offset"),
        (lambda d: d["tickets"][0]["events"].append(_csat(11)), "'F-P1-1'.*score.*11"),
        (lambda d: d["tickets"][1]["events"].append(_explain("lunch")), "'F-P1-2'.*clock"),
        (lambda d: d["tickets"].append(dict(d["tickets"][0])), "'F-P1-1': id: appears more"),
        (lambda d: d["tickets"][0].update(reported_at="2027-01-31T09:00:00+01:00"), "not in"),
        (lambda d: d["stock"]["depots"][0].update(ready={"x": -1}), r"stock.depots\[0\].ready"),
        (lambda d: d["history"][0].update(month="2027-02"), r"history\[0\].month"),
    ],
)
def test_a_malformed_export_names_the_field(change: Any, message: str) -> None:
    document = fixture()
    change(document)
    with pytest.raises(InvalidExport, match=message):
        read_export(document, "f.json")


def test_a_bad_timeline_is_named_by_the_engines_parser() -> None:
    document = fixture()
    document["tickets"][2]["events"][0]["type"] = "coffee"
    with pytest.raises(InvalidTimeline, match=r"'F-P1-3': events\[0\].type"):
        read_export(document, "f.json")


def _csat(score: int) -> dict[str, Any]:
    return {"type": "csat_recorded", "at": "2027-02-03T09:00:00+01:00", "score": score}


def _explain(clock: str) -> dict[str, Any]:
    return {
        "type": "comment",
        "at": "2027-02-03T09:00:00+01:00",
        "text": "x",
        "breach_explanation": True,
        "clock": clock,
    }
