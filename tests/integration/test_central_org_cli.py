"""`halt-desk central org add/update/list` through the real command, on SQLite and on a
real PostgreSQL: organisations recorded as events through the central's write path (the
feed carries them, the projection takes tickets for them, the audit log holds them),
bad input refused with one line, exit 2 and nothing recorded."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from halt_desk.central.service import Central


def halt_desk(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("halt-desk")
    env = {**os.environ, "HALT_DESK_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, check=False, env=env, timeout=120
    )


def org(tmp_path: Path, db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return halt_desk(tmp_path, "central", "org", *args, "--db", db_url)


def feed(db_url: str) -> list[dict[str, object]]:
    with Central.open(db_url) as central:
        admin = central.authenticate(central.add_user(f"reader-{uuid.uuid4()}", "admin"))
        assert admin is not None
        events, _, _ = central.changes(admin, 0, 100, "test")
    return events


def test_add_update_and_list(tmp_path: Path, db_url: str) -> None:
    empty = org(tmp_path, db_url, "list")
    assert empty.returncode == 0 and "no organisations registered" in empty.stdout
    added = org(
        tmp_path,
        db_url,
        "add",
        "halt",
        "--name",
        "Stichting Halt",
        "--profile",
        "halt",
        "--regie-email",
        "servicemanager@halt.nl",
        "--regie-email",
        "ict-regie@halt.nl",
    )
    assert added.returncode == 0, added.stderr
    assert "organisation halt registered" in added.stdout
    second = org(tmp_path, db_url, "add", "desom", "--name", "SSC DeSom", "--profile", "desom")
    assert second.returncode == 0, second.stderr
    updated = org(
        tmp_path,
        db_url,
        "update",
        "desom",
        "--name",
        "SSC DeSom (gemeenten)",
        "--profile",
        "halt",
        "--regie-email",
        "regie@desom.nl",
    )
    assert updated.returncode == 0, updated.stderr
    listing = org(tmp_path, db_url, "list")
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "PROFILE", "REGIE", "E-MAIL", "MAIL", "OFF"]
    assert lines[1].split() == [
        "desom",
        "SSC",
        "DeSom",
        "(gemeenten)",
        "halt",
        "regie@desom.nl",
        "-",
    ]
    assert lines[2].split() == [
        "halt",
        "Stichting",
        "Halt",
        "halt",
        "servicemanager@halt.nl,",
        "ict-regie@halt.nl",
        "-",
    ]
    recorded = feed(db_url)
    assert [(e["stream"], e["type"], e["actor"]) for e in recorded] == [
        ("org:halt", "organisation_registered", "cli"),
        ("org:desom", "organisation_registered", "cli"),
        ("org:desom", "organisation_updated", "cli"),
    ]
    assert recorded[0]["data"] == {
        "name": "Stichting Halt",
        "profile": "halt",
        "regie_emails": ["servicemanager@halt.nl", "ict-regie@halt.nl"],
    }


def test_a_registered_organisation_takes_tickets_and_is_in_the_audit_log(
    tmp_path: Path, db_url: str
) -> None:
    assert (
        org(tmp_path, db_url, "add", "halt", "--name", "Halt", "--profile", "halt").returncode == 0
    )
    with Central.open(db_url) as central:
        agent = central.authenticate(central.add_user("agent-user", "agent"))
        assert agent is not None
        report = {
            "id": str(uuid.uuid4()),
            "stream": "ticket:HALT-2027-AAAA0001",
            "type": "ticket_reported",
            "at": datetime(2027, 1, 5, 10, 0, tzinfo=UTC).isoformat(),
            "actor": "agent-user",
            "data": {
                "org": "halt",
                "caller": "e1",
                "summary": "Laptop",
                "priority": "P3",
                "channel": "phone",
            },
        }
        (result,) = central.record(agent, [report], "test")
        assert result.status == "accepted", result.reason
        assert central.verify_audit() == []
    verify = halt_desk(tmp_path, "central", "audit", "verify", "--db", db_url)
    assert verify.returncode == 0 and "intact" in verify.stdout


#: Refused input (arguments after `central org`) and what the one line says.
REFUSED = [
    (["add", "Halt_2", "--name", "X", "--profile", "halt"], "lowercase letters"),
    (["add", "acme", "--name", "   ", "--profile", "halt"], "needs a name"),
    (["add", "acme", "--name", "Acme", "--profile", "nosuch"], "unknown profile 'nosuch'"),
    (
        ["add", "acme", "--name", "Acme", "--profile", "halt", "--regie-email", "geen mail"],
        "'geen mail' is not an e-mail address",
    ),
    (["add", "halt", "--name", "Again", "--profile", "halt"], "registered already"),
    (["update", "acme", "--name", "Acme"], "no organisation 'acme' is registered"),
    (["update", "halt"], "nothing to update"),
    (["update", "halt", "--profile", "nosuch"], "unknown profile 'nosuch'"),
    (["update", "halt", "--regie-email", "a@b"], "'a@b' is not an e-mail address"),
]


def test_bad_input_is_refused_with_one_line_and_nothing_changes(
    tmp_path: Path, db_url: str
) -> None:
    assert (
        org(tmp_path, db_url, "add", "halt", "--name", "Halt", "--profile", "halt").returncode == 0
    )
    before = feed(db_url)
    for args, message in REFUSED:
        refused = org(tmp_path, db_url, *args)
        assert refused.returncode == 2, (args, refused.stdout + refused.stderr)
        assert refused.stdout == "", args
        assert refused.stderr.startswith("halt-desk: error: "), (args, refused.stderr)
        assert message in refused.stderr, (args, refused.stderr)
        assert len(refused.stderr.strip().splitlines()) == 1, (args, refused.stderr)
    assert feed(db_url) == before
