"""Security in the SLR: the month's security incidents against the norms, and the
vulnerabilities (CVE) with the measures taken, worked out by hand.

Fixture month (tests/fixtures/slr_2027-02.json): F-P1-1 (network, VPN) and F-P1-2 (m365)
carry the security flag. F-P1-1: reaction 10 min by phone and resolved after 30 min: both
met, within norm, handling 0,5 business hours. F-P1-2: reaction 5 min late (breached),
so not within norm. → 2 incidents, within norm 1 of 2 decided (50,0 %).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from halt_desk.cli import main
from halt_desk.domain.events import new_event
from halt_desk.reports import InvalidExport, read_export
from halt_desk.reports.security_figures import month_vulnerabilities, security_tickets
from halt_desk.reports.sources import EventsSource

FIXTURE = Path(__file__).parents[1] / "fixtures" / "slr_2027-02.json"


def fixture() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return doc


def test_the_security_incidents_are_the_flagged_tickets() -> None:
    report = read_export(fixture(), "fixture")
    incidents = security_tickets(report.tickets)
    assert [t.id for t in incidents] == ["F-P1-1", "F-P1-2"]
    assert [t.evaluation.within_norm for t in incidents] == [True, False]
    assert incidents[0].evaluation.mttr_business_minutes == 30
    assert [v.cve for v in report.vulnerabilities] == [
        "CVE-2027-21345",
        "CVE-2027-20987",
        "CVE-2026-48811",
    ]


def test_the_pdf_shows_incidents_and_vulnerabilities(tmp_path: Path) -> None:
    out = tmp_path / "slr.pdf"
    args = ["report", "slr", "--month", "2027-02", "--from", str(FIXTURE), "--out", str(out)]
    assert main(args) == 0
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for expected in (
        "Security-incidenten",
        "2 security-incident(en); binnen norm: 1 van 2 beslist (50,0 %).",
        "Per categorie: Microsoft 365 1 · network 1.",
        "Kwetsbaarheden (CVE) en maatregelen",
        "CVE-2027-21345",
        "kritiek",
        "gemitigeerd",
        "Poort 8443 op de VPN-concentrator dicht",
    ):
        assert expected in text, expected


def test_a_bad_vulnerability_in_an_export_is_named() -> None:
    doc = fixture()
    doc["vulnerabilities"][1]["severity"] = "enorm"
    with pytest.raises(InvalidExport, match="severity"):
        read_export(doc, "fixture")


def vuln(org: str, cve: str, at: str, kind: str = "registered", **fields: str) -> Any:
    data = {"org": org, "cve": cve, "severity": "high", "measure": "", **fields}
    if kind == "updated":
        data = fields
    return new_event(f"vulnerability:{org}/{cve}", f"vulnerability_{kind}",
                     datetime.fromisoformat(f"{at}T10:00:00+01:00"), "admin", data)  # fmt: skip


def test_which_vulnerabilities_belong_to_the_month() -> None:
    """February 2027: A resolved in February (shown resolved); B resolved in January
    (gone); C open since January (still listed); D first seen in March (not yet); E of
    another organisation; F opened in February, resolved in March (open, as at the end of
    February)."""
    events = [
        vuln("halt", "CVE-2027-0001", "2027-01-10", status="open", date="2027-01-10"),
        vuln("halt", "CVE-2027-0001", "2027-02-05", "updated", status="resolved",
             measure="Gepatcht", date="2027-02-05"),
        vuln("halt", "CVE-2027-0002", "2027-01-05", status="resolved", measure="Gepatcht",
             date="2027-01-05"),
        vuln("halt", "CVE-2027-0003", "2027-01-20", status="open", date="2027-01-20"),
        vuln("halt", "CVE-2027-0004", "2027-03-02", status="open", date="2027-03-02"),
        vuln("desom", "CVE-2027-0005", "2027-02-02", status="open", date="2027-02-02"),
        vuln("halt", "CVE-2027-0006", "2027-02-10", status="open", date="2027-02-10"),
        vuln("halt", "CVE-2027-0006", "2027-03-05", "updated", status="resolved",
             measure="Gepatcht", date="2027-03-05"),
    ]  # fmt: skip
    found = month_vulnerabilities(
        EventsSource(events, "test"), "halt", date(2027, 2, 1), date(2027, 3, 1)
    )
    assert [(v["cve"], v["status"]) for v in found] == [
        ("CVE-2027-0001", "resolved"),
        ("CVE-2027-0003", "open"),
        ("CVE-2027-0006", "open"),
    ]
