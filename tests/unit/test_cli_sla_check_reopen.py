"""`halt-desk sla check` with `reopened` in a timeline: accepted after `resolved`, and a
reopen of a ticket that is not resolved (or closed) exits 2 naming the ticket and field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_cli_sla_check import run_cli, write


def document(*events: dict[str, Any]) -> dict[str, Any]:
    return {
        "profile": "halt",
        "now": "2027-01-11T12:00:00+01:00",
        "tickets": [
            {"id": "T0", "reported_at": "2027-01-08T09:00:00+01:00", "priority": "P3"},
            {
                "id": "HALT-2027-000042",
                "reported_at": "2027-01-08T15:00:00+01:00",
                "priority": "P2",
                "events": list(events),
            },
        ],
    }


RESOLVED = {"type": "resolved", "at": "2027-01-08T16:30:00+01:00"}
REOPENED = {"type": "reopened", "at": "2027-01-11T09:00:00+01:00", "reason": "VPN weer stuk"}


def test_a_reopened_ticket_runs_again_with_the_weekend_paused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, write(tmp_path, document(RESOLVED, REOPENED)))
    assert (code, err) == (0, "")
    ticket = json.loads(out)["tickets"][1]
    assert ticket["status"] == "open"
    # 8 h + the 1.5 business hours resolved (Fri 16:30–17:00, Mon 08:00–09:00) from
    # Fri 15:00: Fri 2 h, Mon 7.5 h → Mon 15:30
    resolution = ticket["clocks"]["resolution"]
    assert (resolution["state"], resolution["due"]) == ("running", "2027-01-11T15:30:00+01:00")


@pytest.mark.parametrize(
    ("events", "field", "state"),
    [
        ((REOPENED,), "events[0].type", "not resolved"),
        (
            (RESOLVED, {"type": "closed", "at": "2027-01-08T16:40:00+01:00"}, REOPENED),
            "events[2].type",
            "closed",
        ),
    ],
)
def test_a_reopen_of_an_unresolved_or_closed_ticket_exits_2_naming_ticket_and_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    events: tuple[dict[str, Any], ...],
    field: str,
    state: str,
) -> None:
    code, out, err = run_cli(capsys, write(tmp_path, document(*events)))
    assert (code, out) == (2, "")
    assert "HALT-2027-000042" in err and field in err and state in err


def test_the_installed_command_refuses_it_too(tmp_path: Path) -> None:
    path = write(tmp_path, document(REOPENED))
    completed = subprocess.run(
        [sys.executable, "-m", "halt_desk", "sla", "check", path],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "'HALT-2027-000042'" in completed.stderr
    assert "events[0].type" in completed.stderr
