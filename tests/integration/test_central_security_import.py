"""`halt-desk central security import FILE.csv --org ORG`: a file is taken whole or not
at all, every rejected line listed with its number and reason; updates record only what
changed; central refuses a malformed vulnerability event whatever sends it."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from halt_desk.central.auth import Role, User
from tests.integration.test_central_import import central_with_org

HEADER = "cve,severity,status,measure,date\n"
GOOD = (
    "CVE-2027-0101,critical,resolved,Patch KB5034441 uitgerold op alle laptops,2026-11-03\n"
    "CVE-2027-0202,high,open,,2026-11-10\n"
)


def run(db: str, path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("halt-desk")
    return subprocess.run(
        [str(exe), "central", "security", "import", str(path), "--org", "halt", "--db", db,
         *extra],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


def test_a_file_with_errors_lists_every_line_and_imports_nothing(tmp_path: Path) -> None:
    central, db = central_with_org(tmp_path)
    before = central.event_count()
    csv = tmp_path / "cve.csv"
    csv.write_text(
        HEADER + GOOD + "CVE-27-1,high,open,,2026-11-10\n"
        "CVE-2027-0303,severe,open,,2026-11-10\n"
        "CVE-2027-0404,low,mitigated,,2026-11-10\n"
        "CVE-2027-0505,low,open,,10-11-2026\n"
        "CVE-2027-0101,low,open,,2026-11-10\n"
        "CVE-2027-0606,low,open,,2999-01-01\n"
        "CVE-2027-0707,low,open,,2026-11-10,extra\n",
        encoding="utf-8",
    )
    result = run(db, csv)
    assert result.returncode == 1, result
    lines = result.stderr.splitlines()
    assert lines == [
        "line 4: cve: 'CVE-27-1' is not a CVE identifier (CVE-YYYY-NNNN)",
        "line 5: severity: 'severe' is not one of low, medium, high, critical",
        "line 6: measure: a mitigated vulnerability needs the measure taken",
        "line 7: date: '10-11-2026' is not a date YYYY-MM-DD",
        "line 8: cve: CVE-2027-0101 is on line 2 already",
        "line 9: date: 2999-01-01 lies in the future",
        "line 10: more fields than the header names",
        "7 lines rejected: nothing was imported",
    ]
    assert central.event_count() == before


def test_a_good_file_registers_then_updates_only_what_changed(tmp_path: Path) -> None:
    central, db = central_with_org(tmp_path)
    csv = tmp_path / "cve.csv"
    csv.write_text(HEADER + GOOD, encoding="utf-8")
    first = run(db, csv)
    assert first.returncode == 0, first
    assert "2 vulnerabilities were registered, 0 were updated, 0 unchanged" in first.stdout
    csv.write_text(
        HEADER
        + GOOD.replace("high,open,,2026-11-10", "high,mitigated,Poort 8443 dicht,2026-11-12"),
        encoding="utf-8",
    )
    second = run(db, csv)
    assert "0 vulnerabilities were registered, 1 were updated, 1 unchanged" in second.stdout
    admin = User(0, "admin", Role.ADMIN, None)
    feed, _, _ = central.changes(admin, 0, 1000, "local")
    events = [e for e in feed if e["stream"] == "vulnerability:halt/CVE-2027-0202"]
    assert [e["type"] for e in events] == ["vulnerability_registered", "vulnerability_updated"]
    assert events[1]["data"] == {
        "status": "mitigated",
        "measure": "Poort 8443 dicht",
        "date": "2026-11-12",
    }


def test_an_unknown_organisation_is_a_clear_error(tmp_path: Path) -> None:
    _, db = central_with_org(tmp_path)
    csv = tmp_path / "cve.csv"
    csv.write_text(HEADER + GOOD, encoding="utf-8")
    exe = Path(sys.executable).with_name("halt-desk")
    result = subprocess.run(
        [str(exe), "central", "security", "import", str(csv), "--org", "acme", "--db", db],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2 and "unknown organisation 'acme'" in result.stderr


def test_central_refuses_a_vulnerability_of_another_stream_or_without_measure(
    tmp_path: Path,
) -> None:
    central, _ = central_with_org(tmp_path)
    admin = User(0, "admin", Role.ADMIN, None)

    def send(stream: str, data: dict[str, str]) -> str:
        event = {"id": str(uuid.uuid4()), "stream": stream, "type": "vulnerability_registered",
                 "at": "2027-02-03T10:00:00+01:00", "actor": "admin", "data": data}  # fmt: skip
        (result,) = central.record(admin, [event], "local")
        return f"{result.status}: {result.reason}"

    fields = {"org": "halt", "cve": "CVE-2027-0101", "severity": "low", "status": "open",
              "measure": "", "date": "2027-02-03"}  # fmt: skip
    assert "data.cve" in send("vulnerability:halt/CVE-2027-9999", fields)
    assert "data.measure" in send(
        "vulnerability:halt/CVE-2027-0101", fields | {"status": "resolved"}
    )
    assert send("vulnerability:halt/CVE-2027-0101", fields).startswith("accepted")
