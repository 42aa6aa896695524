"""`/openapi.json` says what the API really answers: schemathesis, with all its checks,
against the real server on 127.0.0.1 (SQLite, an organisation and a ticket in it) finds
no answer the description does not list, no wrong content type, body or header, no
server error, and no route that works without its bearer token.

The run is bounded (a fixed seed and a modest number of examples per route); the
description itself is checked directly as well: every refusal under
application/problem+json, none of FastAPI's 422.
"""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from halt_desk.central.service import Central
from tests.central_server import ThreadServer, bearer

#: The ticket id of the API description's example, so that its 200 answer is checked too.
EXAMPLE_TICKET = "HALT-2027-K7M2Q9XW"
SEED = 20270105
MAX_EXAMPLES = 25
#: A safety net only: a run takes about ten seconds on an idle machine.
RUN_TIMEOUT_SECONDS = 600


def ev(stream: str, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": datetime(2027, 1, 5, 10, 0, tzinfo=UTC).isoformat(),
        "actor": "tester",
        "data": data,
    }


def push(server: ThreadServer, token: str, events: list[dict[str, Any]]) -> None:
    response = requests.post(
        f"{server.url}/api/v1/events",
        json={"events": events},
        headers=bearer(token),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert {r["status"] for r in response.json()["results"]} == {"accepted"}, response.text


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[ThreadServer, dict[str, str]]]:
    """A central with an organisation and one ticket, and a token per role used here."""
    central = Central.open(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    admin = central.add_user("openapi-admin", "admin")
    agent = central.add_user("openapi-agent", "agent")
    regie = central.add_user("openapi-regie", "regie", "desom")  # halt's ticket is not its
    with ThreadServer(central) as server:
        org = {"name": "Stichting Halt", "profile": "halt"}
        push(server, admin, [ev("org:halt", "organisation_registered", org)])
        report = {
            "org": "halt",
            "caller": "e1",
            "summary": "Laptop start niet",
            "priority": "P3",
            "channel": "phone",
        }
        push(server, agent, [ev(f"ticket:{EXAMPLE_TICKET}", "ticket_reported", report)])
        yield server, {"admin": admin, "agent": agent, "regie of desom": regie}
    central.close()


# The agent is refused the audit log; desom's regie does not see halt's ticket.
@pytest.mark.parametrize("role", ["admin", "agent", "regie of desom"])
def test_schemathesis_with_all_checks_finds_nothing(
    served: tuple[ThreadServer, dict[str, str]], tmp_path: Path, role: str
) -> None:
    server, tokens = served
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--no-color",
        "run",
        f"{server.url}/openapi.json",
        "--header",
        f"Authorization: Bearer {tokens[role]}",
        "--checks",
        "all",
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "1",
        "--continue-on-failure",
        "--request-timeout",
        "60",
    ]
    # Its working folder takes Hypothesis' example database.
    run = subprocess.run(
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    routes = re.search(r"Selected: (\d+)/(\d+)", report)
    assert routes is not None and routes[1] == routes[2], report
    assert f"Tested: {routes[1]}" in report, report  # every route was reached
    # The closing line: "No issues found", or warnings only (the agent's 403s on the audit
    # log are one: "returned only 401/403 responses"); any failure or error is counted there.
    assert re.search(r"^=+ (No issues found|\d+ warnings?) in ", report, re.MULTILINE), report


def test_every_refusal_is_declared_as_a_problem_and_no_422(
    served: tuple[ThreadServer, dict[str, str]],
) -> None:
    server, _ = served
    described = requests.get(f"{server.url}/openapi.json", timeout=30).json()
    declared = {
        (method.upper(), path): set(operation["responses"])
        for path, operations in described["paths"].items()
        for method, operation in operations.items()
    }
    assert declared == {
        ("GET", "/api/v1/health"): {"200", "413"},
        ("POST", "/api/v1/events"): {"200", "400", "401", "413", "503"},
        ("GET", "/api/v1/changes"): {"200", "400", "401", "413", "503"},
        ("GET", "/api/v1/tickets/{ticket_id}"): {"200", "400", "401", "404", "413", "503"},
        ("GET", "/api/v1/audit"): {"200", "400", "401", "403", "413", "503"},
        ("POST", "/api/v1/numbers"): {"200", "400", "401", "403", "404", "409", "413", "503"},
        ("POST", "/api/v1/history"): {"200", "400", "401", "413", "503"},
        # A carrier's push: its webhook secret, not a bearer token (403 when wrong).
        ("POST", "/api/v1/couriers/{carrier}/webhook"): {"200", "400", "403", "404", "413", "503"},
        ("GET", "/api/v1/notifications"): {"200", "400", "401", "403", "413", "503"},
        ("POST", "/api/v1/tickets/{ticket_id}/mail/resend"): {
            "200",
            "400",
            "401",
            "403",
            "404",
            "413",
            "503",
        },
        ("GET", "/api/v1/mail-templates/{org}/{kind}/{lang}"): {
            *("200", "400", "401", "403", "404", "413", "503"),
        },
        ("GET", "/api/v1/notices/{notice_id}/deliveries"): {
            *("200", "400", "401", "403", "404", "413", "503"),
        },
    }
    for operations in described["paths"].values():
        for operation in operations.values():
            for status, answer in operation["responses"].items():
                if status != "200":
                    assert set(answer["content"]) == {"application/problem+json"}
    assert "HTTPValidationError" not in described["components"]["schemas"]
    assert described["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_bad_input_is_answered_400_as_a_problem(
    served: tuple[ThreadServer, dict[str, str]],
) -> None:
    server, tokens = served
    response = requests.get(
        f"{server.url}/api/v1/changes",
        params={"limit": 0},
        headers=bearer(tokens["agent"]),
        timeout=30,
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 400 and "limit" in response.json()["detail"]
