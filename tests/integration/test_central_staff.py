"""The staff directory (`central user add --display-name`, `central user update`): recorded
at central, read by every organisation's desk for the provider's colleagues, by its own
organisation only for a customer's user; folded by the desk into names."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from halt_desk.central.auth import Role, User
from halt_desk.central.service import Central
from halt_desk.central.staff import InvalidStaffRecord, record_staff, staff_data
from halt_desk.desk.staff import StaffDirectory
from halt_desk.domain.events import Event
from halt_desk.store import Store
from tests.central_server import ThreadServer, bearer
from tests.integration.test_central_tenancy import ev


@pytest.fixture
def central(db_url: str) -> Iterator[Central]:
    opened = Central.open(db_url)
    admin = User(0, "setup", Role.ADMIN)
    orgs = [
        ev("org:halt", "organisation_registered", {"name": "Stichting Halt", "profile": "halt"}),
        ev("org:desom", "organisation_registered", {"name": "SSC DeSom", "profile": "desom"}),
    ]
    assert {r.status for r in opened.record(admin, orgs, "local")} == {"accepted"}
    yield opened
    opened.close()


def _feed(server: ThreadServer, token: str) -> list[dict[str, object]]:
    response = requests.get(
        f"{server.url}/api/v1/changes", params={"since": 0, "limit": 1000}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    events: list[dict[str, object]] = response.json()["events"]
    return events


def test_every_desk_reads_the_providers_colleagues_and_only_its_own_customers(
    central: Central,
) -> None:
    central.add_user("agent:sanne.visser", "agent")
    record_staff(central, "agent:sanne.visser", staff_data("Sanne Visser", "agent", None))
    central.add_user("regie:desom", "regie", ["desom"])
    record_staff(central, "regie:desom", staff_data("José Álvarez", "regie", None, ["desom"]))
    halt_agent = central.add_user("halt-agent", "agent", ["halt"])
    desom_agent = central.add_user("desom-agent", "agent", ["desom"])
    with ThreadServer(central) as server:
        halt_streams = {e["stream"] for e in _feed(server, halt_agent)}
        desom_streams = {e["stream"] for e in _feed(server, desom_agent)}
    assert "staff:agent:sanne.visser" in halt_streams
    assert "staff:regie:desom" not in halt_streams
    assert {"staff:agent:sanne.visser", "staff:regie:desom"} <= desom_streams


def test_an_update_changes_the_name_the_desk_shows(central: Central, tmp_path: Path) -> None:
    central.add_user("field:pieter.degroot", "field")
    record_staff(central, "field:pieter.degroot", staff_data("Pieter Groot", "field", None))
    record_staff(central, "field:pieter.degroot", staff_data("Pieter de Groot", None, None))
    token = central.add_user("reader", "agent")
    with ThreadServer(central) as server:
        events = _feed(server, token)
    with Store.open(tmp_path / "desk.sqlite3") as store:
        store.ingest_remote([(int(str(e["seq"])), Event.from_json(e)) for e in events])
        staff = StaffDirectory.load(store)
    assert staff.name("field:pieter.degroot") == "Pieter de Groot"
    assert staff.colleague("field:pieter.degroot").role == "field"


def test_bad_staff_input_is_refused_before_anything_is_recorded(central: Central) -> None:
    with pytest.raises(InvalidStaffRecord):
        staff_data("   ", "agent", None)
    with pytest.raises(InvalidStaffRecord):
        staff_data("Sanne", "agent", "not an address")
    with pytest.raises(InvalidStaffRecord, match="no display name"):
        record_staff(central, "nobody", {"role": "agent"})


def test_the_cli_adds_and_updates_a_colleague(tmp_path: Path) -> None:
    db = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "halt_desk", "central", "user", *args, "--db", db]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    added = cli("add", "agent:linda.dekker", "--role", "agent", "--display-name", "Linda Dekker")
    assert added.returncode == 0, added.stderr
    changed = cli("update", "agent:linda.dekker", "--email", "l.dekker@example.nl")
    assert changed.returncode == 0, changed.stderr
    bad = cli("update", "agent:linda.dekker", "--email", "nope")
    assert bad.returncode == 2 and "not an e-mail address" in bad.stderr
    unknown = cli("update", "nobody", "--display-name", "X")
    assert unknown.returncode == 2 and "no active user" in unknown.stderr
    with Central.open(db) as central:
        record = central.db.read(
            lambda conn: conn.exec_driver_sql(
                "SELECT data FROM reference_records WHERE stream = 'staff:agent:linda.dekker'"
            ).scalar_one()
        )
    assert '"l.dekker@example.nl"' in record and '"Linda Dekker"' in record
