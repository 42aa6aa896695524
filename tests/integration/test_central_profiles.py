"""Contract profiles published through the central API travel to every client as events."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from halt_desk.central.service import Central
from halt_desk.domain.profiles import profiles_dir
from tests.integration.test_central_api import Api, api, ev, report, statuses

__all__ = ["api"]  # the fixture, shared with the API tests

HALT_TOML = (profiles_dir() / "halt.toml").read_text(encoding="utf-8")


def quick_profile(reaction_p3: str = "1h") -> str:
    """The halt profile as `halt-snel`, with another P3 reaction target."""
    text = HALT_TOML.replace('name = "halt"', 'name = "halt-snel"', 1)
    return text.replace('P3 = "4h", P4 = "1wd"', f'P3 = "{reaction_p3}", P4 = "1wd"', 1)


def publish(api: Api, document: str, kind: str = "profile_registered") -> dict[str, Any]:
    (result,) = api.post("admin", [ev("profile:halt-snel", kind, {"toml": document})])
    return result


def register_org_with_quick_profile(api: Api) -> None:
    results = api.post(
        "admin",
        [
            ev("org:snel", "organisation_registered", {"name": "Snel", "profile": "halt-snel"}),
            ev("employee:e1", "employee_registered", {"org": "snel", "name": "Anna de Vries"}),
        ],
    )
    assert statuses(results) == ["accepted", "accepted"]


def quick_report(ticket: str = "T1") -> dict[str, Any]:
    event = report(ticket, 0, "P3")
    event["data"]["org"] = "snel"
    return event


def test_an_organisation_cannot_use_a_profile_nobody_published(api: Api) -> None:
    (result,) = api.post(
        "admin", [ev("org:snel", "organisation_registered", {"name": "S", "profile": "halt-snel"})]
    )
    assert result["status"] == "rejected" and "unknown profile 'halt-snel'" in result["reason"]


def test_a_published_profile_is_in_the_changes_feed(api: Api) -> None:
    assert publish(api, quick_profile())["status"] == "accepted"
    feed = api.get("agent", "/changes", since=0).json()["events"]
    assert [(e["stream"], e["type"]) for e in feed] == [("profile:halt-snel", "profile_registered")]
    assert feed[0]["data"]["toml"] == quick_profile()


def test_ticket_clocks_follow_the_published_profile(api: Api) -> None:
    publish(api, quick_profile("1h"))
    register_org_with_quick_profile(api)
    assert statuses(api.post("agent", [quick_report()])) == ["accepted"]
    reaction = api.get("regie", "/tickets/T1").json()["clocks"]["reaction"]
    # Reported Tuesday 10:00 (Amsterdam): the published P3 target of 1 h, not the built-in 4 h.
    assert reaction["due"] == "2027-01-05T11:00:00+01:00"


def test_an_updated_profile_changes_the_clocks_of_existing_tickets(api: Api) -> None:
    publish(api, quick_profile("1h"))
    register_org_with_quick_profile(api)
    api.post("agent", [quick_report()])
    assert publish(api, quick_profile("2h"), "profile_updated")["status"] == "accepted"
    reaction = api.get("regie", "/tickets/T1").json()["clocks"]["reaction"]
    assert reaction["due"] == "2027-01-05T12:00:00+01:00"


def test_a_malformed_profile_is_rejected_naming_the_setting(api: Api) -> None:
    result = publish(api, quick_profile("soon"))
    assert result["status"] == "rejected"
    assert "clocks.reaction.targets.P3" in result["reason"]


def test_a_profile_whose_document_names_another_profile_is_rejected(api: Api) -> None:
    result = publish(api, HALT_TOML)
    assert result["status"] == "rejected" and "names itself 'halt'" in result["reason"]


def test_a_profile_event_without_its_document_is_rejected(api: Api) -> None:
    (result,) = api.post("admin", [ev("profile:halt-snel", "profile_registered", {})])
    assert result["status"] == "rejected" and "toml" in result["reason"]


def test_only_admin_publishes_profiles(api: Api) -> None:
    for role in ("agent", "field", "logistics", "regie"):
        (result,) = api.post(role, [ev("profile:halt-snel", "profile_registered", {"toml": "x"})])
        assert result["status"] == "rejected", role


def halt_desk(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("halt-desk")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, check=False)


def test_profile_publish_command_registers_then_updates(tmp_path: Path) -> None:
    db = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    source = tmp_path / "halt-snel.toml"
    source.write_text(quick_profile(), encoding="utf-8")
    first = halt_desk("central", "profile", "publish", str(source), "--db", db)
    assert first.returncode == 0, first.stderr
    assert "profile halt-snel published (seq 1)" in first.stdout
    again = halt_desk("central", "profile", "publish", str(source), "--db", db)
    assert again.returncode == 0 and "(seq 2)" in again.stdout
    with Central.open(db) as central:
        admin = central.authenticate(central.add_user("beheer", "admin"))
        assert admin is not None
        feed, _, _ = central.changes(admin, 0, 10, "test")
    assert [e["type"] for e in feed] == ["profile_registered", "profile_updated"]


def test_profile_publish_refuses_a_malformed_file_and_records_nothing(tmp_path: Path) -> None:
    db = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    source = tmp_path / "halt-snel.toml"
    source.write_text(quick_profile("soon"), encoding="utf-8")
    result = halt_desk("central", "profile", "publish", str(source), "--db", db)
    assert result.returncode == 2
    assert "clocks.reaction.targets.P3" in result.stderr and result.stdout == ""
    with Central.open(db) as central:
        assert central.event_count() == 0
