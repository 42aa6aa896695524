"""`halt-desk sla check`: output format, stdin, --now, and exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from halt_desk.cli import main

GOOD = {
    "profile": "halt",
    "now": "2027-01-11T12:00:00+01:00",
    "tickets": [
        {
            "id": "T1",
            "reported_at": "2027-01-08T16:50:00+01:00",
            "priority": "P2",
            "events": [
                {"type": "first_response", "at": "2027-01-11T08:20:00+01:00", "channel": "phone"},
                {"type": "resolved", "at": "2027-01-11T10:00:00+01:00"},
            ],
        }
    ],
}


def write(tmp_path: Path, document: Any) -> str:
    path = tmp_path / "timelines.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["sla", "check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_prints_clocks_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, write(tmp_path, GOOD))
    assert code == 0
    ticket = json.loads(out)["tickets"][0]
    assert ticket["id"] == "T1"
    assert ticket["clocks"]["reaction"]["state"] == "met"
    # Fri 16:50–17:00 (10) + Mon 08:00–10:00 (120)
    assert ticket["mttr_business_minutes"] == 130
    assert set(ticket) >= {
        "id",
        "priority",
        "clocks",
        "mttr_business_minutes",
        "mttp_business_minutes",
        "mttp_wall_minutes",
        "within_norm",
    }


def test_now_option_overrides_the_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(json.dumps(GOOD))
    document["tickets"][0]["events"] = []
    path = write(tmp_path, document)
    _, out, _ = run_cli(capsys, path, "--now", "2027-01-11T08:40:00+01:00")
    assert json.loads(out)["tickets"][0]["clocks"]["reaction"]["state"] == "running"
    _, out, _ = run_cli(capsys, path, "--now", "2027-01-11T08:51:00+01:00")
    assert json.loads(out)["tickets"][0]["clocks"]["reaction"]["state"] == "breached"


def test_profile_option_is_used_when_the_file_names_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {k: v for k, v in GOOD.items() if k != "profile"}
    code, out, _ = run_cli(capsys, write(tmp_path, document), "--profile", "desom")
    assert code == 0
    assert json.loads(out)["profile"] == "desom"


def test_reads_standard_input_for_dash() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "halt_desk", "sla", "check", "-"],
        input=json.dumps(GOOD),
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["tickets"][0]["priority"] == "P2"


def bad(tmp_path: Path, capsys: pytest.CaptureFixture[str], document: Any) -> str:
    code, out, err = run_cli(capsys, write(tmp_path, document))
    assert code == 2
    assert out == ""  # no partial result
    return err


def with_event(event: dict[str, Any]) -> dict[str, Any]:
    document = json.loads(json.dumps(GOOD))
    document["tickets"][0]["events"].append(event)
    return document


def test_invalid_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = bad(tmp_path, capsys, '{"tickets": [')
    assert "not valid JSON" in err and "line 1" in err


def test_unknown_event_type_names_ticket_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = bad(
        tmp_path, capsys, with_event({"type": "teleported", "at": "2027-01-11T09:00:00+01:00"})
    )
    assert "ticket 'T1'" in err and "events[2].type" in err and "teleported" in err


def test_unknown_profile_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = bad(tmp_path, capsys, {**GOOD, "profile": "acme"})
    assert "unknown profile 'acme'" in err and "halt" in err


def test_time_without_offset_names_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = bad(tmp_path, capsys, with_event({"type": "resolved", "at": "2027-01-11T09:00:00"}))
    assert "ticket 'T1'" in err and "events[2].at" in err and "no UTC offset" in err


def test_resolved_before_reported_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = bad(tmp_path, capsys, with_event({"type": "resolved", "at": "2027-01-08T10:00:00+01:00"}))
    assert "ticket 'T1'" in err and "before reported_at" in err


def test_unknown_priority_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(json.dumps(GOOD))
    document["tickets"][0]["priority"] = "P9"
    err = bad(tmp_path, capsys, document)
    assert "ticket 'T1'" in err and "priority" in err and "P9" in err


def test_one_bad_ticket_prints_nothing_for_the_good_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(json.dumps(GOOD))
    document["tickets"].append({"id": "T2", "reported_at": "yesterday", "priority": "P3"})
    err = bad(tmp_path, capsys, document)
    assert "ticket 'T2'" in err and "reported_at" in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, str(tmp_path / "nope.json"))
    assert (code, out) == (2, "")
    assert "cannot read" in err


def test_bad_now_option_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, write(tmp_path, GOOD), "--now", "2027-01-11 12:00")
    assert (code, out) == (2, "")
    assert "--now" in err and "no UTC offset" in err


def test_first_response_without_channel_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = bad(
        tmp_path, capsys, with_event({"type": "first_response", "at": "2027-01-11T09:00:00+01:00"})
    )
    assert "events[2].channel" in err


def test_installed_entry_point_runs() -> None:
    exe = Path(sys.executable).with_name("halt-desk")
    completed = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=False)
    assert completed.returncode == 0
    assert completed.stdout.startswith("halt-desk ")
