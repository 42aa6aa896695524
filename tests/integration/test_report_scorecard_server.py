"""`halt-desk report scorecard --server`: the quarter built from the real central API's
changes feed equals the one built from the same tickets' quarter export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from halt_desk.cli import main
from tests.integration.test_report_server import FIXTURE, server  # noqa: F401  (fixture)


def test_the_scorecard_from_the_server_equals_the_one_from_its_export(
    server: tuple[str, dict[str, str]],  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, tokens = server
    monkeypatch.setenv("HALT_DESK_TOKEN", tokens["regie"])
    base = ["--quarter", "2027-Q1", "--org", "halt"]
    now = "2027-03-10T12:00:00+01:00"
    export = tmp_path / "q.json"
    assert main(["export", *base, "--server", url, "--now", now, "--out", str(export)]) == 0
    document = json.loads(export.read_text(encoding="utf-8"))
    month = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert sorted(t["id"] for t in document["tickets"]) == sorted(t["id"] for t in month["tickets"])
    from_server, from_export = tmp_path / "server.csv", tmp_path / "export.csv"
    server_args = ["--server", url, "--now", now, "--csv", str(from_server)]
    assert main(["report", "scorecard", *base, *server_args, "--out", str(tmp_path / "s.pdf")]) == 0
    export_args = ["--from", str(export), "--csv", str(from_export)]
    assert main(["report", "scorecard", *base, *export_args, "--out", str(tmp_path / "e.pdf")]) == 0
    assert from_server.read_text(encoding="utf-8") == from_export.read_text(encoding="utf-8")
    rows = from_server.read_text(encoding="utf-8-sig").splitlines()
    assert rows[2].startswith("2027-02;15;3;3;6;3;")  # the fixture month, as checked by hand
