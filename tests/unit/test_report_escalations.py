"""The escalation overview of the monthly report for the fixture month (February 2027,
evaluated at 2027-03-10 12:00) with the escalations of the scorecard test, by hand:

ESC-D (Nov 2 – Dec 1) and ESC-C (Dec 10 – Jan 5) ended before February; ESC-A (N1, Jan 20 –
Feb 1 10:00) closed in February; ESC-B (N2 on Feb 5, N3 only on Mar 1 10:00) is open at
the month's end; ESC-S is only a suggestion.
  levels at the end of February: open N2 1 (ESC-B); closed N1 1 (ESC-A)
  trend     reg closed open-at-end
  Sep–Oct    0    0     0
  Nov        1    0     1   (ESC-D closes Dec 1 10:00)
  Dec        1    1     1   (ESC-C)
  Jan        1    1     1   (ESC-A closes Feb 1 10:00)
  Feb        1    1     1   (ESC-B)
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from halt_desk.domain.events import new_event
from halt_desk.reports import InvalidExport, Month, MonthReport, read_export
from halt_desk.reports.escalation_report import escalation_documents, month_overview
from halt_desk.reports.pdf import render_pdf
from halt_desk.reports.sources import EventsSource
from halt_desk.reports.texts import texts
from tests.unit.test_report_kpi import fixture
from tests.unit.test_report_scorecard import ESCALATIONS

AMS = ZoneInfo("Europe/Amsterdam")


def _documents() -> list[dict[str, Any]]:
    return [
        {"id": key, "events": sorted(events, key=lambda e: e["at"])}
        for key, events in ESCALATIONS.items()
    ]


@pytest.fixture(scope="module")
def report() -> MonthReport:
    document = fixture()
    document["escalations"] = _documents()
    return read_export(document, "fixture", Month(2027, 2), "halt")


def test_the_overview_of_the_month(report: MonthReport) -> None:
    assert [s.id for s in report.escalations] == ["ESC-D", "ESC-C", "ESC-A", "ESC-B"]
    overview = month_overview(report.escalations, report.month, AMS, report.now)
    assert [s.id for s in overview.ran] == ["ESC-A", "ESC-B"]
    assert dict(overview.open_per_level) == {"N1": 0, "N2": 1, "N3": 0}
    assert dict(overview.closed_per_level) == {"N1": 1, "N2": 0, "N3": 0}
    trend = [(str(p.month), p.registered, p.closed, p.open_at_end) for p in overview.trend]
    assert trend == [
        ("2026-09", 0, 0, 0),
        ("2026-10", 0, 0, 0),
        ("2026-11", 1, 0, 1),
        ("2026-12", 1, 1, 1),
        ("2027-01", 1, 1, 1),
        ("2027-02", 1, 1, 1),
    ]
    actions = [(e, a.action, a.owner, a.status) for e, a in overview.actions]
    assert actions == [
        ("ESC-A", "Inbox elk uur bewaken", "MSP", "done"),
        ("ESC-B", "Extra netwerkcapaciteit Den Haag", "MSP netwerkteam", "in_progress"),
        ("ESC-B", "Evaluatie switchleverancier", "ICT Service Manager", "open"),
    ]


def test_the_pdf_shows_the_overview(report: MonthReport, tmp_path: Path) -> None:
    path = tmp_path / "slr.pdf"
    path.write_bytes(render_pdf(report, texts("nl")))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(path)).pages).split())
    assert "Escalatie-overzicht" in text
    assert "N1 0 1 N2 1 0 N3 0 0" in text
    assert "ESC-A N1 E-mail te laat beantwoord Eerder bellen" in text
    assert "ESC-B N3 Herhaling Den Haag Herstelplan netwerk afgesproken" in text
    assert "nov 26 1 0 1" in text and "feb 27 1 1 1" in text
    assert "ESC-A Inbox elk uur bewaken MSP 29-01-2027 gereed" in text
    assert "ESC-B Evaluatie switchleverancier ICT Service Manager 31-03-2027 open" in text


def test_a_month_without_escalations_says_so(tmp_path: Path) -> None:
    report = read_export(fixture(), "fixture", Month(2027, 2), "halt")
    path = tmp_path / "slr.pdf"
    path.write_bytes(render_pdf(report, texts("en")))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(path)).pages).split())
    assert "No escalation ran this month." in text


def test_the_export_carries_the_organisations_escalation_streams() -> None:
    events = []
    for key, items in ESCALATIONS.items():
        for item in items:
            data = {k: v for k, v in item.items() if k not in ("type", "at", "actor")}
            at = datetime.fromisoformat(item["at"])
            events.append(new_event(f"escalation:{key}", item["type"], at, item["actor"], data))
    other = dict(ESCALATIONS["ESC-C"][0], org="desom")
    data = {k: v for k, v in other.items() if k not in ("type", "at", "actor")}
    at = datetime.fromisoformat(other["at"])
    events.append(new_event("escalation:ESC-X", other["type"], at, "regie", data))
    now = datetime(2027, 2, 1, 12, 0, tzinfo=AMS)
    found = escalation_documents(EventsSource(events, "feed"), "halt", now)
    # by id; ESC-S (suggested in March) and ESC-X (another organisation) are not there,
    # ESC-B not yet (registered Feb 5); every event up to `now` only.
    assert [d["id"] for d in found] == ["ESC-A", "ESC-C", "ESC-D"]
    assert [e["type"] for e in found[0]["events"]][-1] == "escalation_closed"


@pytest.mark.parametrize(
    ("escalations", "message"),
    [
        ({"id": "ESC-1"}, "escalations: expected a list"),
        ([{"events": []}], r"escalations\[0\]: expected an object with an id"),
        ([{"id": "ESC-1", "events": [{"type": "escalation_closed", "at": "x"}]}], "escalations"),
        (
            [{"id": "ESC-1", "events": [dict(ESCALATIONS["ESC-C"][0], level="N7")]}],
            r"escalations\[0\]",
        ),
    ],
)
def test_a_bad_escalation_in_the_export_names_it(escalations: Any, message: str) -> None:
    document = fixture()
    document["escalations"] = escalations
    with pytest.raises(InvalidExport, match=message):
        read_export(document, "fixture", Month(2027, 2), "halt")
