"""The quarterly supplier scorecard of a quarter worked out by hand: 2027-Q1 of Stichting
Halt, evaluated at Wed 10 March 2027 12:00.

February is the monthly report's fixture (tests/fixtures/slr_2027-02.json, its figures are
checked by hand in test_report_kpi.py); January and March get the tickets below. Window
Mon–Fri 08:00–17:00 (540 business minutes a day); 1 January is a holiday.

January
  J-1 P2 network  Tue 5 Jan 09:00, phone 09:30, resolved 10:30     react ✓ resolve ✓ (90)
  J-2 P3 m365     Wed 6 Jan 10:00, email 15:00 (due 14:00 ✗), resolved Thu 10:00 (540)
  J-3 P4 question Mon 11 Jan 09:00, portal 12:00, resolved Tue 09:00 (540); survey 9/9/8
March
  M-1 P1 network  Mon 1 Mar 09:00, phone 09:10, resolved 09:35 (35); security; survey 6/7/5
  M-2 P3 hardware Tue 2 Mar 09:00, email 10:00, no status update, resolved Thu 4 Mar 08:30
                  (480 + 540 + 30 = 1050): update due Wed 10:00 missed (1 interval)
  M-3 P3 hardware Wed 3 Mar 09:00, email 14:00 (due 13:00 ✗), resolved 15:00 (360); agent 8
  M-4 P4 hardware Thu 4 Mar 09:00, portal Mon 8 Mar 09:00 (due Fri 09:00 ✗),
                  resolved Mon 10:00 (480 + 540 + 120 = 1140)
Locations (the caller's work location): Den Haag J-2, F-P1-2, F-P2-2, F-P3-5, M-1;
Zwolle F-P3-3, M-2, M-3, M-4; the others none.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from halt_desk.cli import main
from halt_desk.demo import generate
from halt_desk.reports import EmptyMonth, InvalidExport, UnknownOrganisation
from halt_desk.reports.kpi import SURVEY_ACTOR, compute_kpis
from halt_desk.reports.quarter import InvalidQuarter, Quarter
from halt_desk.reports.scorecard import QUARTER_FORMAT, QuarterReport, read_quarter
from halt_desk.reports.scorecard_csv import scorecard_csv
from halt_desk.reports.scorecard_pdf import render_scorecard_pdf
from halt_desk.reports.texts import texts
from halt_desk.store import Store
from tests.unit.test_report_kpi import fixture

AGENT = "agent:anna.devries"


def _event(kind: str, at: str, **data: Any) -> dict[str, Any]:
    return {"type": kind, "at": f"2027-{at}:00+01:00", "actor": AGENT, **data}


def _ticket(
    ticket_id: str, at: str, priority: str, category: str, *events: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "id": ticket_id,
        "reported_at": f"2027-{at}:00+01:00",
        "priority": priority,
        "security": False,
        "org": "halt",
        "caller": "halt-emp-001",
        "summary": f"Ticket {ticket_id}",
        "category": category,
        "channel": "portal",
        "events": list(events),
        **extra,
    }


def _survey(at: str, **scores: int) -> dict[str, Any]:
    return {**_event("csat_recorded", at, **scores), "actor": SURVEY_ACTOR}


LOCATIONS = {
    "J-2": "Den Haag",
    "F-P1-2": "Den Haag",
    "F-P2-2": "Den Haag",
    "F-P3-5": "Den Haag",
    "M-1": "Den Haag",
    "F-P3-3": "Zwolle",
    "M-2": "Zwolle",
    "M-3": "Zwolle",
    "M-4": "Zwolle",
}


def quarter_document() -> dict[str, Any]:
    february = fixture()
    tickets = [
        _ticket(
            "J-1",
            "01-05T09:00",
            "P2",
            "network",
            _event("first_response", "01-05T09:30", channel="phone"),
            _event("resolved", "01-05T10:30"),
        ),
        _ticket(
            "J-2",
            "01-06T10:00",
            "P3",
            "m365",
            _event("first_response", "01-06T15:00", channel="email"),
            _event("resolved", "01-07T10:00"),
        ),
        _ticket(
            "J-3",
            "01-11T09:00",
            "P4",
            "question",
            _event("first_response", "01-11T12:00", channel="portal"),
            _event("resolved", "01-12T09:00"),
            _survey("01-12T12:00", score=9, servicedesk=9, information=8),
        ),
        *february["tickets"],
        _ticket(
            "M-1",
            "03-01T09:00",
            "P1",
            "network",
            _event("first_response", "03-01T09:10", channel="phone"),
            _event("resolved", "03-01T09:35"),
            _survey("03-01T12:00", score=6, servicedesk=7, information=5),
            security=True,
        ),
        _ticket(
            "M-2",
            "03-02T09:00",
            "P3",
            "hardware",
            _event("first_response", "03-02T10:00", channel="email"),
            _event("resolved", "03-04T08:30"),
        ),
        _ticket(
            "M-3",
            "03-03T09:00",
            "P3",
            "hardware",
            _event("first_response", "03-03T14:00", channel="email"),
            _event("resolved", "03-03T15:00"),
            _event("csat_recorded", "03-03T16:00", score=8),
        ),
        _ticket(
            "M-4",
            "03-04T09:00",
            "P4",
            "hardware",
            _event("first_response", "03-08T09:00", channel="portal"),
            _event("resolved", "03-08T10:00"),
        ),
    ]
    for ticket in tickets:
        ticket["location"] = LOCATIONS.get(ticket["id"])
    return {
        "format": QUARTER_FORMAT,
        "version": 1,
        "profile": "halt",
        "now": february["now"],
        "quarter": "2027-Q1",
        "org": february["org"],
        "provider": february["provider"],
        "generated_at": february["generated_at"],
        "tickets": tickets,
    }


@pytest.fixture(scope="module")
def card() -> QuarterReport:
    return read_quarter(quarter_document(), "quarter.json", Quarter(2027, 1), "halt")


def test_nature_and_severity_per_priority_and_month(card: QuarterReport) -> None:
    jan, feb, mar = card.months
    assert [str(f.month) for f in card.months] == ["2027-01", "2027-02", "2027-03"]
    assert dict(jan.per_priority) == {"P1": 0, "P2": 1, "P3": 1, "P4": 1}
    assert dict(feb.per_priority) == {"P1": 3, "P2": 3, "P3": 6, "P4": 3}
    assert dict(mar.per_priority) == {"P1": 1, "P2": 0, "P3": 2, "P4": 1}
    assert dict(card.whole.per_priority) == {"P1": 4, "P2": 4, "P3": 9, "P4": 5}
    assert card.whole.tickets == 22


def test_categories_by_priority_with_the_security_flag(card: QuarterReport) -> None:
    rows = [(r.category, r.tickets, r.security) for r in card.categories]
    # hardware: F-P1-3 (P1 by uplift), F-P3-3, F-P3-4, M-2, M-3 (P3), M-4 (P4);
    # m365: J-2, F-P1-2, F-P2-4, F-P3-2, F-P3-6; network: J-1, F-P1-1, F-P2-2, M-1.
    # Security: F-P1-2 and F-P1-1 (the February fixture flags them), M-1.
    assert rows[:4] == [("hardware", 6, 0), ("m365", 5, 1), ("network", 4, 2), ("question", 2, 0)]
    assert [r.category for r in card.categories[4:]] == [
        "access",
        "account",
        "application",
        "printing",
        "request",
    ]
    assert dict(card.categories[0].per_priority) == {"P1": 1, "P2": 0, "P3": 4, "P4": 1}
    assert not any(r.other for r in card.categories)


def test_reaction_and_resolution_per_month(card: QuarterReport) -> None:
    jan, feb, mar = card.months

    def shares(f: Any) -> tuple[tuple[int, int], ...]:
        return tuple(
            (s.met, s.decided)
            for s in (f.clock("reaction"), f.clock("resolution"), f.total.within_norm)
        )

    assert shares(jan) == ((2, 3), (3, 3), (2, 3))  # J-2's reaction
    # February, from test_report_kpi: reaction P1 2/3, P2 3/3, P3 5/6, P4 3/3; resolution
    # 3/3, 2/3, 4/5 (F-P3-6 paused), 3/3; within norm 11 of 14.
    assert shares(feb) == ((13, 15), (12, 14), (11, 14))
    assert shares(mar) == ((2, 4), (4, 4), (2, 4))  # M-3 and M-4 reacted late
    assert shares(card.whole) == ((17, 22), (19, 21), (15, 21))
    # Tickets with a breached clock: J-2; F-P1-2, F-P2-2, F-P3-3, F-P3-5; M-2, M-3, M-4.
    assert [f.breached_tickets for f in (*card.months, card.whole)] == [1, 4, 3, 8]
    # MTTR: January (90 + 540 + 540) / 3 = 390 min; February 10020 / 14 min (P1 165,
    # P2 750, P3 6045, P4 3060); March (35 + 1050 + 360 + 1140) / 4 = 646.25 min.
    assert jan.total.mttr_business_hours == pytest.approx(390 / 60)
    assert feb.total.mttr_business_hours == pytest.approx(10020 / 14 / 60)
    assert mar.total.mttr_business_hours == pytest.approx(646.25 / 60)
    assert card.whole.total.mttr_business_hours == pytest.approx((1170 + 10020 + 2585) / 21 / 60)


def test_the_one_pass_figures_equal_the_monthly_reports(card: QuarterReport) -> None:
    by_month: dict[str, list[Any]] = {}
    for ticket in card.tickets:
        by_month.setdefault(ticket.evaluation.reported_at.strftime("%Y-%m"), []).append(ticket)
    for figures in card.months:
        kpis = compute_kpis(card.profile, by_month[str(figures.month)], card.now)
        assert figures.total == kpis.total
        assert figures.satisfaction == kpis.satisfaction
    kpis = compute_kpis(card.profile, card.tickets, card.now)
    assert card.whole.total == kpis.total and card.satisfaction == kpis.satisfaction


def test_communication_update_clocks_and_survey(card: QuarterReport) -> None:
    jan, _, mar = card.months
    update = [
        (f.clock("update").met, f.clock("update").decided) for f in (*card.months, card.whole)
    ]
    # January J-1 and J-2 resolved before their next update was due (P4 has no update
    # clock); February P1 3/3, P2 3/3 (F-P2-2's updates 1 h 45 m apart), P3 5/5;
    # March M-1 and M-3 met, M-2 missed one.
    assert update == [(2, 2), (11, 11), (2, 3), (15, 16)]
    assert [f.missed_updates for f in (*card.months, card.whole)] == [0, 0, 1, 1]
    s = card.satisfaction
    # Overall: 9 (J-3) + 53 (February's seven) + 6 (M-1) + 8 (M-3, an agent) = 76 / 10.
    assert (s.responses, s.average) == (10, pytest.approx(7.6))
    assert (s.servicedesk, s.servicedesk_responses) == (pytest.approx(8.0), 2)  # 9, 7
    assert (s.information, s.information_responses) == (pytest.approx(6.5), 2)  # 8, 5
    assert jan.satisfaction.average == pytest.approx(9.0)
    assert mar.satisfaction.average == pytest.approx(7.0)


def test_repetition_of_breaches_by_category_and_location(card: QuarterReport) -> None:
    rows = [(r.kind, r.name, r.breached, r.tickets) for r in card.recurring]
    # hardware: F-P3-3 in February, M-2, M-3, M-4 in March (three in one month);
    # Den Haag: J-2, then F-P1-2, F-P2-2, F-P3-5; Zwolle: F-P3-3, then M-2, M-3, M-4.
    assert rows == [
        ("category", "hardware", (0, 1, 3), 6),
        ("location", "Den Haag", (1, 3, 0), 5),
        ("location", "Zwolle", (0, 1, 3), 4),
    ]


def _pdf_text(card: QuarterReport, lang: str, tmp_path: Path) -> str:
    path = tmp_path / f"scorecard-{lang}.pdf"
    path.write_bytes(render_scorecard_pdf(card, texts(lang)))
    text = " ".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return " ".join(text.split())


def test_the_pdf_says_the_figures_in_dutch(card: QuarterReport, tmp_path: Path) -> None:
    text = _pdf_text(card, "nl", tmp_path)
    assert "Leveranciersscorecard" in text
    assert "Stichting Halt · 2027-Q1" in text
    assert "2027-Q1 (januari – maart 2027)" in text
    assert "Aard en ernst van de issues" in text
    assert "P3 1 6 2 9 40,9 %" in text  # 9 of 22
    assert "Totaal 3 15 4 22 100,0 %" in text
    assert "hardware 6 1 0 4 1 0" in text
    assert "Microsoft 365 5" in text  # a category by the desk's name for its code (m365)
    assert "Reageren en oplossen per maand" in text
    # The quarter row: reaction 17/22, resolution 19/21, within norm 15/21, 8 breached.
    assert "Kwartaal 22 77,3 % 17/22 90,5 % 19/21 71,4 % 15/21 8" in text
    assert "Communicatie" in text
    assert "Kwartaal 93,8 % 15/16 1 7,6 8,0 6,5" in text
    assert "Algemene tevredenheid 7,6 10 ≥ 8 niet gehaald" in text
    assert "Ervaring met de servicedesk 8,0 2 ≥ 8 gehaald" in text
    assert "Informatievoorziening 6,5 2 ≥ 8 niet gehaald" in text
    assert "Herhaling" in text
    assert "categorie hardware 0 1 3 4 6" in text
    assert "locatie Den Haag 1 3 0 4 5" in text
    assert "Scorecard Stichting Halt — 2027-Q1" in text  # the running header


def test_the_pdf_in_english(card: QuarterReport, tmp_path: Path) -> None:
    text = _pdf_text(card, "en", tmp_path)
    assert "Supplier scorecard" in text and "Repetition" in text
    assert "Quarter 22 77.3 % 17/22 90.5 % 19/21 71.4 % 15/21 8" in text
    assert "location Zwolle 0 1 3 4 4" in text


def test_the_csv_has_a_row_per_month_and_the_quarter(card: QuarterReport) -> None:
    rows = list(
        csv.reader(io.StringIO(scorecard_csv(card, texts("nl")).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][:6] == ["Maand", "Meldingen", "P1", "P2", "P3", "P4"]
    assert [row[0] for row in rows[1:]] == ["2027-01", "2027-02", "2027-03", "2027-Q1"]
    quarter = dict(zip(rows[0], rows[4], strict=True))
    assert quarter["Meldingen"] == "22"
    assert quarter["Reactie gehaald (%)"] == "77,3"
    assert quarter["Gemiste updates"] == "1"
    assert quarter["Algemene tevredenheid"] == "7,60"
    assert quarter["Informatievoorziening"] == "6,50"


# ------------------------------------------------------------------------ bad input
@pytest.mark.parametrize("text", ["2027-Q5", "2027-Q0", "2027Q1", "2027-1", "", "1999-Q1"])
def test_a_quarter_must_be_written_yyyy_qn(text: str) -> None:
    with pytest.raises(InvalidQuarter):
        Quarter.parse(text)


def test_quarter_months_and_text() -> None:
    quarter = Quarter.parse("2026-q4")
    assert str(quarter) == "2026-Q4"
    assert [str(m) for m in quarter.months] == ["2026-10", "2026-11", "2026-12"]


def test_an_export_of_another_quarter_org_or_kind_is_refused() -> None:
    document = quarter_document()
    with pytest.raises(InvalidExport, match="the export is for 2027-Q1, not for 2027-Q2"):
        read_quarter(document, "q.json", Quarter(2027, 2))
    with pytest.raises(UnknownOrganisation, match="not 'desom'"):
        read_quarter(document, "q.json", None, "desom")
    with pytest.raises(InvalidExport, match="export --quarter"):
        read_quarter(fixture(), "month.json")
    moved = copy.deepcopy(document)
    moved["tickets"][0].update(reported_at="2027-04-01T09:00:00+02:00", events=[])
    with pytest.raises(InvalidExport, match=r"'J-1': reported_at: .*not in 2027-Q1"):
        read_quarter(moved, "q.json")
    moved["tickets"] = []
    with pytest.raises(EmptyMonth):
        read_quarter(moved, "q.json")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "halt_desk", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def test_the_command_writes_pdf_and_csv_and_refuses_a_bad_quarter(tmp_path: Path) -> None:
    export = tmp_path / "q.json"
    export.write_text(json.dumps(quarter_document()), encoding="utf-8")
    out, table = tmp_path / "card.pdf", tmp_path / "card.csv"
    done = _cli(
        "report",
        "scorecard",
        "--quarter",
        "2027-Q1",
        "--from",
        str(export),
        "--out",
        str(out),
        "--csv",
        str(table),
    )
    assert done.returncode == 0, done.stderr
    assert "halt 2027-Q1: 22 tickets" in done.stdout
    assert out.read_bytes().startswith(b"%PDF") and table.is_file()
    bad = _cli(
        "report",
        "scorecard",
        "--quarter",
        "2027-Q5",
        "--from",
        str(export),
        "--out",
        str(tmp_path / "bad.pdf"),
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "halt-desk: error: --quarter '2027-Q5': there is no quarter Q5 (Q1 to Q4)"
    ]
    assert not (tmp_path / "bad.pdf").exists()


# ------------------------------------------------------------------ from the local cache
@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "cache.sqlite3"
    dataset = generate(seed=5, months=3, end=date(2027, 2, 28), tickets_per_month=60)
    with Store.open(path) as store:
        store.record_events(dataset.events, bulk=True)
    return path


def test_the_cache_and_its_quarter_export_give_the_same_scorecard(
    demo_store: Path, tmp_path: Path
) -> None:
    now = "2027-03-10T12:00:00+01:00"
    export = tmp_path / "halt-2027-Q1.json"
    base = ["--quarter", "2027-Q1", "--org", "halt", "--store", str(demo_store), "--now", now]
    assert main(["export", *base, "--out", str(export)]) == 0
    document = json.loads(export.read_text(encoding="utf-8"))
    assert document["format"] == QUARTER_FORMAT and document["quarter"] == "2027-Q1"
    months = {t["reported_at"][:7] for t in document["tickets"]}
    assert months == {"2027-01", "2027-02"}  # the demo ends in February
    # every demo caller has a work location: the repetition can name it
    assert all(t["location"] for t in document["tickets"])
    direct, via_export = tmp_path / "direct.csv", tmp_path / "export.csv"
    assert main(["report", "scorecard", *base, "--out", str(tmp_path / "d.pdf"),
                 "--csv", str(direct)]) == 0  # fmt: skip
    assert main(["report", "scorecard", "--quarter", "2027-Q1", "--from", str(export),
                 "--out", str(tmp_path / "e.pdf"), "--csv", str(via_export)]) == 0  # fmt: skip
    assert direct.read_text(encoding="utf-8") == via_export.read_text(encoding="utf-8")
    text = " ".join(page.extract_text() for page in PdfReader(str(tmp_path / "d.pdf")).pages)
    assert "Leveranciersscorecard" in text and "Herhaling" in text


def test_a_quarter_that_has_not_begun_is_refused(
    demo_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--quarter", "2027-Q3", "--org", "halt", "--store", str(demo_store)]
    out = tmp_path / "a.pdf"
    code = main(["report", "scorecard", *args, "--now", "2027-03-10T12:00:00+01:00",
                 "--out", str(out)])  # fmt: skip
    assert code == 2
    assert "--quarter '2027-Q3': the quarter has not begun yet" in capsys.readouterr().err
    assert not out.exists()


# ------------------------------------------------------------------ escalations
def _esc(kind: str, at: str, **data: Any) -> dict[str, Any]:
    return {"type": f"escalation_{kind}", "at": f"{at}:00+01:00", "actor": "regie:ingrid", **data}


def _registered(at: str, level: str, classification: str, text: str) -> dict[str, Any]:
    data = {"org": "halt", "supplier": "Servicedesk Werkplek (MSP)", "description": text}
    data |= {"classification": classification, "level": level, "tickets": [], "breaches": []}
    return _esc("registered", at, **data)


def _closed(at: str) -> dict[str, Any]:
    return _esc("closed", at, quality=7, speed=6, cooperation=8, lessons="Eerder bellen")


#: ESC-C ran into the quarter from December; ESC-A was opened and closed in it; ESC-B
#: opened in February and rose to N3; ESC-D ended in December (outside the quarter, but its
#: action is still open); ESC-S is only a suggestion.
ESCALATIONS = {
    "ESC-D": [
        _registered("2026-11-02T10:00", "N1", "operational", "Printers Zwolle"),
        _esc(
            "action_added",
            "2026-11-03T10:00",
            action="Printerbeleid herzien",
            owner="Functioneel Beheer",
            due="2026-12-15",
        ),
        _closed("2026-12-01T10:00"),
    ],
    "ESC-C": [
        _registered("2026-12-10T10:00", "N1", "operational", "Scanner Utrecht"),
        _closed("2027-01-05T10:00"),
    ],
    "ESC-A": [
        _registered("2027-01-20T10:00", "N1", "operational", "E-mail te laat beantwoord"),
        _esc(
            "action_added",
            "2027-01-20T11:00",
            action="Inbox elk uur bewaken",
            owner="MSP",
            due="2027-01-29",
        ),
        _esc("action_updated", "2027-01-28T10:00", action="Inbox elk uur bewaken", status="done"),
        _closed("2027-02-01T10:00"),
    ],
    "ESC-B": [
        _registered("2027-02-05T11:00", "N2", "beyond_operational", "Herhaling Den Haag"),
        _esc(
            "action_added",
            "2027-02-05T12:00",
            action="Extra netwerkcapaciteit Den Haag",
            owner="MSP netwerkteam",
            due="2027-03-05",
        ),
        _esc(
            "action_updated",
            "2027-02-10T12:00",
            action="Extra netwerkcapaciteit Den Haag",
            status="in_progress",
        ),
        _esc(
            "action_added",
            "2027-02-06T12:00",
            action="Evaluatie switchleverancier",
            owner="ICT Service Manager",
            due="2027-03-31",
        ),
        _esc("meeting_held", "2027-02-08T10:00", notes="Herstelplan netwerk afgesproken"),
        _esc("level_changed", "2027-03-01T10:00", level="N3", reason="Geen verbetering"),
    ],
    "ESC-S": [
        _esc(
            "suggested",
            "2027-03-02T10:00",
            org="halt",
            trigger="p1_breached",
            level="N1",
            evidence={"tickets": ["M-1"], "breaches": [], "detail": ""},
        ),
    ],
}


@pytest.fixture(scope="module")
def escalated() -> QuarterReport:
    document = quarter_document()
    document["escalations"] = [
        {"id": key, "events": sorted(events, key=lambda e: e["at"])}
        for key, events in ESCALATIONS.items()
    ]
    return read_quarter(document, "quarter.json", Quarter(2027, 1), "halt")


def test_escalations_of_the_quarter_and_open_actions(escalated: QuarterReport) -> None:
    assert [s.id for s in escalated.escalations] == ["ESC-C", "ESC-A", "ESC-B"]
    assert [s.level for s in escalated.escalations] == ["N1", "N1", "N3"]
    assert escalated.escalations_registered == (1, 1, 0)  # ESC-A January, ESC-B February
    actions = [(a.escalation, a.action.action, a.action.status) for a in escalated.open_actions]
    assert actions == [
        ("ESC-D", "Printerbeleid herzien", "open"),
        ("ESC-B", "Extra netwerkcapaciteit Den Haag", "in_progress"),
        ("ESC-B", "Evaluatie switchleverancier", "open"),
    ]


def test_the_pdf_and_csv_show_the_escalations(escalated: QuarterReport, tmp_path: Path) -> None:
    text = _pdf_text(escalated, "nl", tmp_path)
    assert "Escalaties van het kwartaal" in text
    assert "ESC-B N3 operationeel overstijgend 05-02-2027 — 2 Herhaling Den Haag" in text
    assert "ESC-C N1 operationeel 10-12-2026 05-01-2027 0 Scanner Utrecht" in text
    assert "3 escalatie(s) liepen in het kwartaal (N1 2, N2 0, N3 1), waarvan 1 nog open" in text
    assert "geregistreerd per maand: jan 27 1, feb 27 1, mrt 27 0." in text
    assert "Verbeterpotentieel: openstaande corrigerende maatregelen" in text
    assert (
        "ESC-B Extra netwerkcapaciteit Den Haag MSP netwerkteam 05-03-2027 in behandeling" in text
    )
    assert "ESC-S" not in text
    rows = scorecard_csv(escalated, texts("nl")).lstrip("\ufeff").splitlines()
    assert rows[0].endswith(";Escalaties")
    assert [row.rsplit(";", 1)[1] for row in rows[1:]] == ["1", "1", "0", "2"]


def test_the_quarter_without_escalations_says_so(card: QuarterReport, tmp_path: Path) -> None:
    text = _pdf_text(card, "nl", tmp_path)
    assert "Er liep geen escalatie in het kwartaal." in text
    assert "Er staat geen corrigerende maatregel open." in text
