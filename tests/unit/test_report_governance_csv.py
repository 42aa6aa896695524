"""The governance tables of `report slr --csv` (XLA, change KPIs, escalation overview,
security) for the fixture month, worked out by hand in the tests that check the same
figures in the PDF:

* XLA (test_report_xla.py, with its two survey answers and history): overall 69 / 9 = 7,67
  of 9 responses (< 8: nee), servicedesk 8,50 of 2 (ja), information 7,50 of 2 (nee); MTTP
  P1 1,125 → 0,67 falling, P2 3,58 → 3,17 falling, P3 22,00 → 21,85 stable under 24,
  P4 15,00 → 20,00 rising (nee).
* Change KPIs (test_report_changes.py): KPI 5 standard 4 changes, 2 of 3 decided, 1 open,
  66,7 % (nee); KPI 6 minor 4 changes, 2 of 4, 50,0 % (nee); norm 95.
* Escalations (test_report_escalations.py, the scorecard's ESCALATIONS): open N2 1,
  closed N1 1; trend Sep–Oct 0/0/0, Nov 1/0/1, Dec 1/1/1, Jan 1/1/1, Feb 1/1/1; three
  actions of ESC-A and ESC-B by due date.
* Security (test_report_security.py): F-P1-1 (network, met/met, 0,50 h, ja) and F-P1-2
  (m365, reaction breached, not within norm); the three CVEs, most severe first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from halt_desk.cli import main
from tests.unit.test_report_escalations import _documents
from tests.unit.test_report_kpi import fixture
from tests.unit.test_report_xla import _survey


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    document = fixture()
    tickets = {t["id"]: t for t in document["tickets"]}
    tickets["F-P2-1"]["events"].append(_survey("03T12:00", score=9, servicedesk=8, information=6))
    tickets["F-P3-4"]["events"].append(_survey("26T12:00", score=7, servicedesk=9, information=9))
    for entry in document["history"]:
        entry["priorities"]["P3"]["mttp_business_hours"] = 22.0
        entry["priorities"]["P4"]["mttp_business_hours"] = 15.0
    document["escalations"] = _documents()
    path = tmp_path_factory.mktemp("export") / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _slr(export: Path, folder: Path, *extra: str) -> Path:
    csv = folder / "slr.csv"
    assert main(["report", "slr", "--month", "2027-02", "--org", "halt", "--from", str(export),
                 "--out", str(folder / "slr.pdf"), "--csv", str(csv), *extra]) == 0  # fmt: skip
    return csv


def _lines(folder: Path, suffix: str) -> list[str]:
    text = (folder / f"slr-{suffix}.csv").read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    return text.lstrip("\ufeff").splitlines()


@pytest.fixture(scope="module")
def dutch(export: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nl")
    _slr(export, folder)
    return folder


def test_the_xla_figures_against_their_norms(dutch: Path) -> None:
    assert _lines(dutch, "xla") == [
        "Maand;Dimensie;Prioriteit;Eerdere maanden;Deze maand;Aantal reacties;Trend;Norm;"
        "Norm gehaald",
        "2027-02;Algemene tevredenheid;;;7,67;9;;8,0;nee",
        "2027-02;Ervaring met de servicedesk;;;8,50;2;;8,0;ja",
        "2027-02;Informatievoorziening;;;7,50;2;;8,0;nee",
        "2027-02;MTTP-trend;P1;1,12;0,67;;dalend;4,00;ja",
        "2027-02;MTTP-trend;P2;3,58;3,17;;dalend;8,00;ja",
        "2027-02;MTTP-trend;P3;22,00;21,85;;stabiel;24,00;ja",
        "2027-02;MTTP-trend;P4;15,00;20,00;;stijgend;45,00;nee",
    ]


def test_the_change_kpis_against_the_norm(dutch: Path) -> None:
    lines = _lines(dutch, "change-kpis")
    assert len(lines) == 3
    assert lines[1].split(";")[2:] == ["Standaard", "4", "2", "3", "1", "66,7", "95", "nee"]
    assert lines[2].split(";")[2:] == ["Minor", "4", "2", "4", "0", "50,0", "95", "nee"]


def test_the_escalation_overview_trend_and_actions(dutch: Path) -> None:
    assert _lines(dutch, "escalations")[1:] == [
        "2027-02;N1;0;1",
        "2027-02;N2;1;0",
        "2027-02;N3;0;0",
    ]
    assert _lines(dutch, "escalation-trend")[1:] == [
        "2026-09;0;0;0",
        "2026-10;0;0;0",
        "2026-11;1;0;1",
        "2026-12;1;1;1",
        "2027-01;1;1;1",
        "2027-02;1;1;1",
    ]
    assert _lines(dutch, "actions")[1:] == [
        "2027-02;ESC-A;Inbox elk uur bewaken;MSP;2027-01-29;gereed",
        "2027-02;ESC-B;Extra netwerkcapaciteit Den Haag;MSP netwerkteam;2027-03-05;in behandeling",
        "2027-02;ESC-B;Evaluatie switchleverancier;ICT Service Manager;2027-03-31;open",
    ]


def test_the_security_incidents_and_vulnerabilities(dutch: Path) -> None:
    security = _lines(dutch, "security")
    assert len(security) == 3
    assert security[1] == "F-P1-1;2027-02-01 09:00;P1;network;gehaald;gehaald;0,50;ja"
    assert security[2].split(";")[:6] == [
        "F-P1-2",
        "2027-02-02 10:00",
        "P1",
        "m365",
        "overschreden",
        "gehaald",
    ]
    assert security[2].endswith(";nee")
    vulnerabilities = _lines(dutch, "vulnerabilities")
    assert vulnerabilities[0] == "Maand;CVE;Ernst;Status;Genomen maatregel;Datum"
    assert vulnerabilities[3] == "2027-02;CVE-2026-48811;middel;open;;2027-01-20"
    cves = [line.split(";")[1:4] for line in vulnerabilities[1:]]
    assert cves == [
        ["CVE-2027-21345", "kritiek", "opgelost"],
        ["CVE-2027-20987", "hoog", "gemitigeerd"],
        ["CVE-2026-48811", "middel", "open"],
    ]


def test_the_existing_files_are_unchanged_by_the_new_tables(dutch: Path) -> None:
    assert len(_lines(dutch, "tickets")) == 16
    kpi = (dutch / "slr.csv").read_text(encoding="utf-8").lstrip("\ufeff").splitlines()
    assert kpi[3].startswith("2027-02;P3;6;4;5;80,0;90;nee;")


def test_the_english_tables_use_commas_and_decimal_points(export: Path, tmp_path: Path) -> None:
    _slr(export, tmp_path, "--lang", "en")
    xla = _lines(tmp_path, "xla")
    assert xla[1] == "2027-02,Overall satisfaction,,,7.67,9,,8.0,no"
    assert xla[7] == "2027-02,MTTP trend,P4,15.00,20.00,,rising,45.00,no"
    assert _lines(tmp_path, "change-kpis")[1].endswith(",66.7,95,no")
