"""The demo's governance data (demo/changes_demo.py, demo/governance.py): change tickets,
vulnerabilities, Halt's escalations and the suggestions of the triggers, and the monthly
report of the demo showing them with figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from halt_desk.cli import main
from halt_desk.demo import DemoDataset, generate
from halt_desk.demo.changes_demo import CHANGES, VULNERABILITIES
from halt_desk.demo.governance import breached_facts
from halt_desk.demo.reference import STAFF_NAMES
from halt_desk.domain.escalation_check import check_escalations
from halt_desk.domain.escalation_triggers import suggest
from halt_desk.domain.escalations import EscalationState, Status, fold_escalation
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import load_profile
from halt_desk.domain.vulnerabilities import check_vulnerability_event
from halt_desk.store import Store

END = date(2026, 11, 30)
NOW = "2026-12-01T09:00:00+01:00"


@pytest.fixture(scope="module")
def dataset() -> DemoDataset:
    return generate(seed=1, months=3, end=END)


def streams(dataset: DemoDataset, kind: str) -> dict[str, list[Event]]:
    found: dict[str, list[Event]] = defaultdict(list)
    for event in dataset.events:
        if event.stream_kind == kind:
            found[event.stream].append(event)
    return found


def escalations(dataset: DemoDataset) -> dict[str, EscalationState]:
    folded = {s: fold_escalation(e) for s, e in streams(dataset, "escalation").items()}
    return {s: state for s, state in folded.items() if state is not None}


def test_change_tickets_of_both_types_are_planned_and_carried_out(dataset: DemoDataset) -> None:
    changes = {
        e.stream: e.data["change_type"]
        for e in dataset.events
        if e.type == "ticket_reported" and e.data.get("kind") == "change"
    }
    assert sorted(changes.values()) == sorted(kind for kind, *_ in CHANGES)
    types = defaultdict(set)
    for event in dataset.events:
        if event.stream in changes:
            types[event.stream].add(event.type)
    planned = [s for s, t in types.items() if "change_planned" in t]
    implemented = [s for s, t in types.items() if "change_implemented" in t]
    assert len(planned) == len(CHANGES) and len(implemented) == len(CHANGES) - 1


def test_vulnerabilities_are_valid_records_with_their_measures(dataset: DemoDataset) -> None:
    found = streams(dataset, "vulnerability")
    assert sorted(found) == sorted(f"vulnerability:halt/{cve}" for cve, *_ in VULNERABILITIES)
    for history in found.values():
        record: dict[str, object] | None = None
        for event in history:
            check_vulnerability_event(event, record)
            record = {**(record or {}), **event.data}
        assert record is not None and record["measure"]


def test_halt_has_a_closed_a_tactical_and_a_started_escalation(dataset: DemoDataset) -> None:
    states = escalations(dataset)
    closed, tactical, started = (states[f"escalation:ESC-HALT-0{n}"] for n in (1, 2, 3))
    assert closed.status == Status.CLOSED and closed.evaluation is not None
    assert tactical.status == Status.OPEN and tactical.level == "N2"
    assert len(tactical.actions) == 3 and len(tactical.updates) == 1
    owners = {action.owner for action in tactical.actions.values()}
    assert STAFF_NAMES["agent:sanne.visser"] in owners
    assert started.status == Status.OPEN and started.level == "N1"
    # The N2's weekly update: one given, the next one missed by the moment shown.
    document = {
        "profile": "halt",
        "now": dataset.now.isoformat(),
        "escalations": [
            {
                "id": "ESC-HALT-02",
                "registered_at": tactical.registered_at.isoformat(),
                "level": "N2",
                "events": [
                    {"type": e.type, "at": e.at.isoformat(), **e.data}
                    for e in streams(dataset, "escalation")["escalation:ESC-HALT-02"][1:]
                    if not e.type.startswith("escalation_action_")
                ],
            }
        ],
    }
    update = check_escalations(document)["escalations"][0]["clocks"]["update"]
    assert update["missed"] == 1, update


def test_one_suggestion_waits_and_the_triggers_find_no_other(dataset: DemoDataset) -> None:
    states = escalations(dataset).values()
    pending = [s for s in states if s.status == Status.SUGGESTED]
    dismissed = [s for s in states if s.status == Status.DISMISSED]
    assert sorted(s.org for s in pending) == ["desom", "halt"]  # one each
    assert len(dismissed) >= 1 and all(s.dismissed_reason for s in dismissed)
    # What the central's job would find on top: nothing (the demo holds it all).
    profiles = {"halt": load_profile("halt"), "desom": load_profile("desom")}
    facts = breached_facts(dataset.events, profiles, dataset.employees, dataset.now)
    assert suggest(facts, states) == []


@pytest.fixture(scope="module")
def report_pdf(dataset: DemoDataset, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("demo-report")
    with Store.open(folder / "cache.sqlite3") as store:
        store.record_events(dataset.events, bulk=True)
    out = folder / "slr.pdf"
    args = ["report", "slr", "--month", "2026-11", "--org", "halt"]
    assert main([*args, "--store", str(folder / "cache.sqlite3"), "--now", NOW,
                 "--out", str(out)]) == 0  # fmt: skip
    yield out


def test_the_demo_report_shows_escalations_changes_and_vulnerabilities(report_pdf: Path) -> None:
    text = "\n".join(page.extract_text() for page in PdfReader(report_pdf).pages)
    for expected in (
        "Escalatie-overzicht",
        "ESC-HALT-01",
        "ESC-HALT-02",
        "Corrigerende maatregelen",
        "Sanne Visser",
        "Wijzigingsbeheer",
        "Kwetsbaarheden (CVE) en maatregelen",
        "CVE-2026-47112",
        "gemitigeerd",
    ):
        assert expected in text, expected
    lines = text.splitlines()
    # Escalations per level: N1 one open and one closed, N2 one open.
    level = lines.index("N1")
    assert lines[level : level + 6] == ["N1", "1", "1", "N2", "1", "0"]
    # The change KPIs count changes: a share with figures, not "no changes".
    assert "5. Standaardwijzigingen binnen planning" in text.replace("\n", " ")
    assert "Wijzigingen: Standaard 4 · Minor 2" in text
    assert "66,7 %" in text and "50,0 %" in text


def test_two_in_three_survey_answers_carry_the_xla_questions(dataset: DemoDataset) -> None:
    surveys = [e.data for e in dataset.events if e.type == "csat_recorded"]
    with_xla = [d for d in surveys if "servicedesk" in d and "information" in d]
    assert surveys and 0.5 < len(with_xla) / len(surveys) < 0.8
    assert all(1 <= d[k] <= 10 for d in with_xla for k in ("score", "servicedesk", "information"))
