"""`halt-desk report slr --server`: the month built from the real central API's changes feed."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from halt_desk.central.service import Central
from halt_desk.cli import main
from tests.central_server import ThreadServer, bearer

FIXTURE = Path(__file__).parents[1] / "fixtures" / "slr_2027-02.json"


def _event(stream: str, kind: str, at: str, actor: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": at,
        "actor": actor,
        "data": data,
    }


def vulnerability_events() -> list[dict[str, Any]]:
    """The fixture month's vulnerabilities as the events an import records."""
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return [
        _event(
            f"vulnerability:halt/{item['cve']}",
            "vulnerability_registered",
            f"{item['date']}T12:00:00+01:00",
            "admin",
            {"org": "halt", **item},
        )
        for item in document.get("vulnerabilities", [])
    ]


def fixture_events() -> list[dict[str, Any]]:
    """The fixture month's tickets as the events an agent records."""
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    events = []
    for ticket in document["tickets"]:
        stream = f"ticket:{ticket['id']}"
        report = {
            k: ticket[k] for k in ("org", "caller", "summary", "category", "channel", "priority")
        }
        # a change's kind and type, and the security flag (issue 23), as the desk records them
        report |= {k: ticket[k] for k in ("kind", "change_type") if k in ticket}
        if ticket.get("security"):
            report["security"] = True
        events.append(_event(stream, "ticket_reported", ticket["reported_at"], "agent", report))
        for item in ticket["events"]:
            data = {k: v for k, v in item.items() if k not in ("type", "at", "actor")}
            events.append(_event(stream, item["type"], item["at"], item["actor"], data))
    return events


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    central = Central.open(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    tokens = {role: central.add_user(f"{role}-user", role) for role in ("admin", "agent", "regie")}
    with ThreadServer(central) as running:
        url = running.url + "/api/v1"
        org = _event(
            "org:halt",
            "organisation_registered",
            "2027-01-01T09:00:00+01:00",
            "admin",
            {"name": "Stichting Halt", "profile": "halt"},
        )
        admin = [org, *vulnerability_events()]
        for role, events in (("admin", admin), ("agent", fixture_events())):
            response = requests.post(
                f"{url}/events", json={"events": events}, headers=bearer(tokens[role]), timeout=30
            )
            statuses = {r["status"] for r in response.json()["results"]}
            assert statuses == {"accepted"}, response.text
        yield running.url, tokens
    central.close()


def test_the_report_from_the_server_equals_the_report_from_the_export(
    server: tuple[str, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, tokens = server
    monkeypatch.setenv("HALT_DESK_TOKEN", tokens["regie"])
    from_server, from_export = tmp_path / "server.csv", tmp_path / "export.csv"
    base = ["report", "slr", "--month", "2027-02", "--org", "halt"]
    now = "2027-03-10T12:00:00+01:00"
    server_args = ["--server", url, "--now", now, "--csv", str(from_server)]
    code = main([*base, *server_args, "--out", str(tmp_path / "s.pdf")])
    assert code == 0
    export_args = ["--from", str(FIXTURE), "--csv", str(from_export)]
    code = main([*base, *export_args, "--out", str(tmp_path / "e.pdf")])
    assert code == 0
    # Same tickets, same engine, same moment: the same figures to the ticket.
    assert from_server.read_text(encoding="utf-8") == from_export.read_text(encoding="utf-8")
    tickets = tmp_path / "server-tickets.csv"
    assert tickets.read_text(encoding="utf-8") == (tmp_path / "export-tickets.csv").read_text(
        encoding="utf-8"
    )


def test_a_refused_token_is_exit_2_and_never_printed(
    server: tuple[str, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, _ = server
    secret = "not-a-real-token-" + uuid.uuid4().hex
    monkeypatch.setenv("HALT_DESK_TOKEN", secret)
    out = tmp_path / "a.pdf"
    code = main(["report", "slr", "--month", "2027-02", "--server", url, "--out", str(out)])
    assert code == 2
    captured = capsys.readouterr()
    assert "refused the token" in captured.err and "HTTP 401" in captured.err
    assert secret not in captured.err + captured.out
    assert not out.exists()


def test_an_unreachable_server_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.central_server import free_port

    monkeypatch.setenv("HALT_DESK_TOKEN", "x")
    out = tmp_path / "a.pdf"
    url = f"http://127.0.0.1:{free_port()}"
    code = main(["report", "slr", "--month", "2027-02", "--server", url, "--out", str(out)])
    assert code == 2
    assert "cannot reach the server" in capsys.readouterr().err
    assert not out.exists()
