"""The monthly report counts the survey's answers (`csat_recorded` by central's survey)
together with the scores agents record: one response per ticket, the caller's own answer
first, and the averages of the survey's two optional XLA dimensions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from halt_desk.central import csat
from halt_desk.reports import InvalidExport, Month, read_export
from halt_desk.reports.kpi import SURVEY_ACTOR
from halt_desk.reports.pdf import render_pdf
from halt_desk.reports.texts import texts
from tests.unit.test_report_kpi import fixture


def _score(at: str, actor: str, **scores: int) -> dict[str, Any]:
    return {"type": "csat_recorded", "at": f"2027-02-{at}:00+01:00", "actor": actor, **scores}


def _document() -> dict[str, Any]:
    """The fixture without its scores, then: ticket 0 scored by an agent and later by the
    survey; ticket 1 by the survey only (with both dimensions), ticket 2 by the survey
    (servicedesk only), ticket 3 by an agent only."""
    document = fixture()
    for ticket in document["tickets"]:
        ticket["events"] = [e for e in ticket["events"] if e["type"] != "csat_recorded"]
    added = [
        [_score("26T10:00", "agent:sanne", score=4), _score("26T12:00", SURVEY_ACTOR, score=9)],
        [_score("26T10:00", SURVEY_ACTOR, score=6, servicedesk=8, information=5)],
        [_score("26T10:00", SURVEY_ACTOR, score=7, servicedesk=10)],
        [_score("26T10:00", "agent:linda", score=8)],
    ]
    for ticket, scores in zip(document["tickets"], added, strict=False):
        ticket["events"].extend(scores)
    return document


def test_the_survey_actor_is_the_one_central_records_with() -> None:
    assert csat.SURVEY_ACTOR == SURVEY_ACTOR


def test_survey_answers_and_agent_scores_count_once_per_ticket() -> None:
    report = read_export(_document(), "doc", Month(2027, 2), "halt")
    satisfaction = report.kpis.satisfaction
    assert satisfaction.responses == 4
    assert satisfaction.by_survey == 3 and satisfaction.by_agents == 1
    assert satisfaction.average == pytest.approx((9 + 6 + 7 + 8) / 4)
    assert satisfaction.servicedesk == pytest.approx(9.0)
    assert satisfaction.servicedesk_responses == 2
    assert satisfaction.information == pytest.approx(5.0)
    assert satisfaction.information_responses == 1
    first = next(t for t in report.tickets if t.csat == 9)
    assert first.csat_by_survey is True


def test_a_later_agent_score_does_not_replace_the_callers_answer() -> None:
    document = _document()
    document["tickets"][1]["events"].append(_score("27T10:00", "agent:sanne", score=2))
    report = read_export(document, "doc", Month(2027, 2), "halt")
    assert report.kpis.satisfaction.average == pytest.approx((9 + 6 + 7 + 8) / 4)


@pytest.mark.parametrize(("key", "value"), [("servicedesk", 0), ("information", "8")])
def test_a_bad_dimension_score_is_named(key: str, value: object) -> None:
    document = _document()
    document["tickets"][0]["events"].append(_score("27T10:00", SURVEY_ACTOR, score=5, **{key: 1}))
    document["tickets"][0]["events"][-1][key] = value
    with pytest.raises(InvalidExport, match=rf"events\[\d+\]\.{key}"):
        read_export(document, "doc", Month(2027, 2), "halt")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_pdf_shows_the_sources_and_the_dimensions(lang: str, tmp_path: Path) -> None:
    report = read_export(_document(), "doc", Month(2027, 2), "halt")
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(report, texts(lang)))
    text = " ".join(page.extract_text() for page in PdfReader(str(path)).pages)
    text = " ".join(text.split())
    if lang == "nl":
        assert "3 via de enquête na het oplossen, 1 vastgelegd door de servicedesk" in text
        assert "Ervaring met de servicedesk 9,0 2" in text
        assert "Informatievoorziening 5,0 1" in text
    else:
        assert "3 answered the survey after the resolution, 1 recorded by the" in text
        assert "Servicedesk experience 9.0 2" in text
    json.dumps(report.kpis.satisfaction.by_survey)
