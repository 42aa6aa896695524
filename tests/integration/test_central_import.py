"""`halt-desk central import employees`: dry run, report of rejected lines, updates."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from halt_desk.central.auth import Role, User
from halt_desk.central.service import Central

HEADER = "id,org,name,email,phone,team,region,location,role\n"


def central_with_org(tmp_path: Path) -> tuple[Central, str]:
    db = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    central = Central.open(db)
    admin = User(0, "admin", Role.ADMIN, None)
    central.record(
        admin,
        [
            {
                "id": str(uuid.uuid4()),
                "stream": "org:halt",
                "type": "organisation_registered",
                "at": "2027-01-04T08:00:00+01:00",
                "actor": "admin",
                "data": {"name": "Stichting Halt", "profile": "halt"},
            }
        ],
        "local",
    )
    return central, db


def run(db: str, path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("halt-desk")
    return subprocess.run(
        [str(exe), "central", "import", "employees", str(path), "--db", db, *extra],
        capture_output=True,
        text=True,
        check=False,
    )


def test_dry_run_reports_and_records_nothing(tmp_path: Path) -> None:
    central, db = central_with_org(tmp_path)
    before = central.event_count()
    csv = tmp_path / "employees.csv"
    csv.write_text(
        HEADER + "e1,halt,Anna de Vries,anna.devries@halt.nl,06-12345678,,,,\n"
        "e2,acme,Piet Jansen,,,,,,\n"
        "e3,halt,,,,,,,\n"
        "e4,halt,Kees,geen-mail,,,,,\n"
    )
    result = run(db, csv, "--dry-run")
    assert result.returncode == 1
    assert "1 employees would be registered" in result.stdout
    assert "line 3: unknown organisation 'acme'" in result.stdout
    assert "line 4: name is empty" in result.stdout
    assert "line 5: email is not an e-mail address" in result.stdout
    assert central.event_count() == before
    central.close()


def test_import_registers_then_updates_only_changed_fields(tmp_path: Path) -> None:
    central, db = central_with_org(tmp_path)
    csv = tmp_path / "employees.csv"
    csv.write_text(
        HEADER + "e1,halt,Anna de Vries,anna@halt.nl,,Team Oost,,,\n"
        "e2,halt,Piet Jansen,piet@halt.nl,,,,,\n"
    )
    first = run(db, csv)
    assert first.returncode == 0 and "2 employees were registered" in first.stdout
    csv.write_text(
        HEADER + "e1,halt,Anna de Vries,anna@halt.nl,,Team West,,,\n"
        "e2,halt,Piet Jansen,piet@halt.nl,,,,,\n"
    )
    second = run(db, csv)
    assert "0 employees were registered, 1 were updated, 1 unchanged" in second.stdout
    admin = User(0, "admin", Role.ADMIN, None)
    page, _, _ = central.changes(admin, 0, 100, "local")
    updates = [e for e in page if e["type"] == "employee_updated"]
    assert [u["data"] for u in updates] == [{"team": "Team West"}]
    central.close()


def test_a_file_without_the_required_columns_is_refused(tmp_path: Path) -> None:
    central, db = central_with_org(tmp_path)
    csv = tmp_path / "employees.csv"
    csv.write_text("naam;email\nAnna;anna@halt.nl\n")
    result = run(db, csv)
    assert result.returncode == 2 and "missing column(s): id, org, name" in result.stderr
    central.close()


def test_the_language_column_is_optional_and_checked(tmp_path: Path) -> None:
    central, db = central_with_org(tmp_path)
    csv = tmp_path / "employees.csv"
    csv.write_text(
        "id,org,name,email,lang\n"
        "e1,halt,Anna de Vries,anna@halt.nl,en\n"
        "e2,halt,Piet Jansen,piet@halt.nl,\n"
        "e3,halt,Kees Bakker,kees@halt.nl,fr\n"
    )
    result = run(db, csv)
    assert "2 employees were registered" in result.stdout and "1 lines rejected" in result.stdout
    assert "line 4: lang 'fr' is not one of nl, en" in result.stdout
    admin = User(0, "admin", Role.ADMIN, None)
    page, _, _ = central.changes(admin, 0, 100, "local")
    registered = {e["stream"]: e["data"] for e in page if e["type"] == "employee_registered"}
    assert registered["employee:e1"]["lang"] == "en"
    assert "lang" not in registered["employee:e2"]
    assert "employee:e3" not in registered
    central.close()
