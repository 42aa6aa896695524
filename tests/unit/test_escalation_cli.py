"""`halt-desk escalation check`: JSON out, exit 0; bad input exit 2 with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from halt_desk.cli import main

DOCUMENT = {
    "profile": "halt",
    "escalations": [
        {
            "id": "E1",
            "registered_at": "2027-04-23T16:00:00+02:00",
            "level": "N2",
            "events": [
                {"type": "escalation_meeting_held", "at": "2027-04-29T16:00:00+02:00"},
            ],
        }
    ],
}


def test_check_prints_the_clocks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "escalations.json"
    path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    code = main(["escalation", "check", "--now", "2027-05-01T10:00:00+02:00", str(path)])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["now"] == "2027-05-01T10:00:00+02:00" and out["profile"] == "halt"
    clocks = out["escalations"][0]["clocks"]
    # Fri 23 Apr 16:00 + 27 working hours (King's Day Tue 27 April) → Thu 29 April 16:00
    assert clocks["meeting"]["state"] == "met"
    assert clocks["meeting"]["due"] == "2027-04-29T16:00:00+02:00"
    # the first weekly update: + 45 h → Mon 3 May 16:00, running on Sat 1 May
    assert clocks["update"]["state"] == "running"
    assert clocks["update"]["due"] == "2027-05-03T16:00:00+02:00"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"profile": "halt"}', "escalations: missing or not a list"),
        ('{"profile": "nope", "escalations": []}', "unknown profile"),
    ],
)
def test_bad_input_exits_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    assert main(["escalation", "check", str(path)]) == 2
    assert message in capsys.readouterr().err
