"""The central API over real HTTP on 127.0.0.1, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from halt_desk.central.service import Central
from halt_desk.domain.sla import check_document
from tests.central_server import ThreadServer, bearer

ROLES = ("admin", "agent", "field", "logistics", "regie")


class Api:
    """A running server plus one token per role."""

    def __init__(self, server: ThreadServer, tokens: dict[str, str]) -> None:
        self.server = server
        self.url = server.url + "/api/v1"
        self.tokens = tokens
        self.session = requests.Session()

    def post(self, role: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        response = self.session.post(
            f"{self.url}/events",
            json={"events": events},
            headers=bearer(self.tokens[role]),
            timeout=30,
        )
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def get(self, role: str, path: str, **params: Any) -> requests.Response:
        return self.session.get(
            f"{self.url}{path}", params=params, headers=bearer(self.tokens[role]), timeout=30
        )


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    central = Central.open(db_url)
    tokens = {role: central.add_user(f"{role}-user", role) for role in ROLES}
    with ThreadServer(central) as server:
        yield Api(server, tokens)
    central.close()


def ev(
    stream: str,
    kind: str,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
    actor: str = "tester",
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": (at or datetime(2027, 1, 5, 10, 0, tzinfo=UTC)).isoformat(),
        "actor": actor,
        "data": data or {},
    }


def at(minutes: int) -> datetime:
    return datetime(2027, 1, 5, 9, 0, tzinfo=UTC) + timedelta(minutes=minutes)


def setup_reference(api: Api) -> None:
    results = api.post(
        "admin",
        [
            ev(
                "org:halt", "organisation_registered", {"name": "Stichting Halt", "profile": "halt"}
            ),
            ev("employee:e1", "employee_registered", {"org": "halt", "name": "Anna de Vries"}),
        ],
    )
    assert [r["status"] for r in results] == ["accepted", "accepted"]


def report(ticket: str = "T1", minutes: int = 0, priority: str = "P3") -> dict[str, Any]:
    return ev(
        f"ticket:{ticket}",
        "ticket_reported",
        {
            "org": "halt",
            "caller": "e1",
            "summary": "Laptop start niet",
            "channel": "phone",
            "priority": priority,
        },
        at(minutes),
    )


def statuses(results: list[dict[str, Any]]) -> list[str]:
    return [r["status"] for r in results]


# ------------------------------------------------------------------- basics
def test_health_needs_no_token(api: Api) -> None:
    response = requests.get(f"{api.url}/health", timeout=10)
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_missing_or_bad_token_is_401_with_a_problem_body(api: Api) -> None:
    no_token = requests.get(f"{api.url}/changes", timeout=10)
    assert no_token.status_code == 401
    assert no_token.headers["content-type"].startswith("application/problem+json")
    bad = requests.get(f"{api.url}/changes", headers=bearer("nope"), timeout=10)
    assert bad.status_code == 401 and "unknown or revoked" in bad.json()["detail"]


def test_openapi_is_served(api: Api) -> None:
    spec = requests.get(api.server.url + "/openapi.json", timeout=10).json()
    assert "/api/v1/events" in spec["paths"] and "/api/v1/changes" in spec["paths"]


def test_accepted_events_get_increasing_seq(api: Api) -> None:
    setup_reference(api)
    results = api.post("agent", [report("T1"), report("T2", 5)])
    assert statuses(results) == ["accepted", "accepted"]
    assert results[0]["seq"] == 3 and results[1]["seq"] == 4


def test_same_id_same_content_is_a_duplicate_with_its_seq(api: Api) -> None:
    setup_reference(api)
    event = report()
    first = api.post("agent", [event])[0]
    again = api.post("agent", [event])[0]
    assert again == {**first, "status": "duplicate", "reason": None}


def test_same_id_other_content_is_rejected(api: Api) -> None:
    setup_reference(api)
    event = report()
    api.post("agent", [event])
    changed = {**event, "data": {**event["data"], "summary": "iets anders"}}
    result = api.post("agent", [changed])[0]
    assert result["status"] == "rejected"
    assert result["reason"] == "id reused with different content"


def test_a_rejected_event_does_not_block_the_rest_of_the_batch(api: Api) -> None:
    setup_reference(api)
    batch = [
        report("T1"),
        ev("ticket:T9", "resolved", at=at(10)),  # never reported
        {"id": "not-a-uuid"},
        ev("ticket:T1", "teleported", at=at(11)),
        ev("ticket:T1", "first_response", {"channel": "phone"}, at(12)),
    ]
    results = api.post("agent", batch)
    assert statuses(results) == ["accepted", "rejected", "rejected", "rejected", "accepted"]
    assert "unknown stream ticket:T9" in results[1]["reason"]
    assert "not a UUID" in results[2]["reason"]
    assert "teleported" in results[3]["reason"]
    assert results[4]["seq"] == results[0]["seq"] + 1


def test_event_before_the_report_is_rejected_by_the_shared_engine(api: Api) -> None:
    setup_reference(api)
    api.post("agent", [report("T1", minutes=60)])
    result = api.post("agent", [ev("ticket:T1", "resolved", at=at(0))])[0]
    assert result["status"] == "rejected" and "before reported_at" in result["reason"]


def test_a_report_beyond_the_calendar_is_rejected_with_a_reason(api: Api) -> None:
    """The last instant of the year 9999 in UTC is already the year 10000 in Amsterdam,
    which Python's dates cannot hold: a reason, not a server error."""
    setup_reference(api)
    for stamp in ("9999-12-31T23:30:00+00:00", "2350-06-01T09:00:00+00:00"):
        event = {**report("T9"), "at": stamp}
        result = api.post("agent", [event])[0]
        assert result["status"] == "rejected", result
        assert result["reason"] == "dates after 2199 are not supported"


def test_ticket_of_an_unknown_organisation_is_rejected(api: Api) -> None:
    result = api.post("agent", [report()])[0]
    assert result["status"] == "rejected" and "unknown organisation" in result["reason"]


def test_event_far_ahead_of_the_server_clock_is_flagged_not_rewritten(api: Api) -> None:
    setup_reference(api)
    ahead = datetime.now(UTC) + timedelta(minutes=10)
    event = ev("ticket:T5", "ticket_reported", report("T5")["data"], ahead)
    result = api.post("agent", [event])[0]
    assert result["status"] == "accepted"
    assert "ahead of the server clock" in result["reason"]
    page = api.get("agent", "/changes", since=0).json()
    assert [e["at"] for e in page["events"] if e["id"] == event["id"]] == [ahead.isoformat()]


# ------------------------------------------------------------------ devices
def loaner_events(tag: str = "HALT-LT-00042") -> list[dict[str, Any]]:
    stream = f"device:{tag}"
    return [
        ev(
            stream,
            "device_registered",
            {
                "serial": "S1",
                "model": "X1",
                "type": "laptop",
                "org": "halt",
                "depot": "depot-utrecht",
            },
        ),
        ev(
            stream,
            "readiness_checked",
            {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True},
        ),
    ]


def test_a_loaner_reserved_for_a_second_swap_is_rejected_naming_the_first(api: Api) -> None:
    assert statuses(api.post("logistics", loaner_events())) == ["accepted", "accepted"]
    stream = "device:HALT-LT-00042"
    first = api.post("logistics", [ev(stream, "device_reserved", {"swap": "S-1", "ticket": "T1"})])
    second = api.post("logistics", [ev(stream, "device_reserved", {"swap": "S-2", "ticket": "T2"})])
    assert statuses(first) == ["accepted"]
    assert second[0]["status"] == "rejected" and "S-1" in second[0]["reason"]


# ------------------------------------------------------------- changes feed
def test_changes_feed_pages_without_skips_or_repeats(api: Api) -> None:
    setup_reference(api)
    api.post("agent", [report(f"T{n}", n) for n in range(23)])
    seen: list[int] = []
    since = 0
    while True:
        page = api.get("agent", "/changes", since=since, limit=5).json()
        seen += [e["seq"] for e in page["events"]]
        since = page["next"]
        if not page["more"]:
            break
    assert seen == list(range(1, 26))


def test_concurrent_writers_and_a_paging_reader_see_every_event_once(api: Api) -> None:
    setup_reference(api)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for k in range(10):
                api.post("agent", [report(f"W{n}-{k}", k)])
        except BaseException as exc:  # pragma: no cover - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    seen: list[int] = []
    since = 0
    reader = requests.Session()
    while any(t.is_alive() for t in threads) or since < 62:
        page = reader.get(
            f"{api.url}/changes",
            params={"since": since, "limit": 7},
            headers=bearer(api.tokens["agent"]),
            timeout=30,
        ).json()
        seen += [e["seq"] for e in page["events"]]
        since = page["next"]
    for thread in threads:
        thread.join()
    assert not errors
    assert seen == list(range(1, 63))


def test_ticket_state_matches_sla_check(api: Api) -> None:
    setup_reference(api)
    events = [
        report("T1", 0, "P2"),
        ev("ticket:T1", "first_response", {"channel": "phone"}, at(30)),
        ev("ticket:T1", "resolved", at=at(200)),
    ]
    api.post("agent", events)
    state = api.get("regie", "/tickets/T1").json()
    expected = check_document(
        {
            "profile": "halt",
            "tickets": [
                {
                    "id": "T1",
                    "reported_at": at(0).isoformat(),
                    "priority": "P2",
                    "events": [
                        {"type": "first_response", "at": at(30).isoformat(), "channel": "phone"},
                        {"type": "resolved", "at": at(200).isoformat()},
                    ],
                }
            ],
        }
    )["tickets"][0]
    assert {k: state[k] for k in expected if k != "clocks"} == {
        k: v for k, v in expected.items() if k != "clocks"
    }
    assert state["clocks"]["reaction"] == expected["clocks"]["reaction"]
    assert state["clocks"]["resolution"] == expected["clocks"]["resolution"]


def test_unknown_ticket_is_404(api: Api) -> None:
    response = api.get("agent", "/tickets/NOPE")
    assert response.status_code == 404 and response.json()["status"] == 404


# -------------------------------------------------------------------- roles
TICKET_TYPES = ["ticket_reported", "first_response", "comment"]
DEVICE_TYPES = ["device_registered"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("agent", True), ("field", False), ("logistics", False), ("regie", False), ("admin", False)],
)
def test_who_may_report_a_ticket(api: Api, role: str, allowed: bool) -> None:
    setup_reference(api)
    result = api.post(role, [report()])[0]
    assert result["status"] == ("accepted" if allowed else "rejected")
    if not allowed:
        assert "may not" in result["reason"] or "assigned" in result["reason"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("agent", False), ("field", False), ("logistics", True), ("regie", False), ("admin", False)],
)
def test_who_may_register_a_device(api: Api, role: str, allowed: bool) -> None:
    result = api.post(role, loaner_events()[:1])[0]
    assert result["status"] == ("accepted" if allowed else "rejected"), result


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("agent", False), ("field", False), ("logistics", False), ("regie", False), ("admin", True)],
)
def test_who_may_register_reference_data(api: Api, role: str, allowed: bool) -> None:
    event = ev("org:acme", "organisation_registered", {"name": "Acme", "profile": "halt"})
    assert api.post(role, [event])[0]["status"] == ("accepted" if allowed else "rejected")


def test_field_engineer_records_only_on_tickets_assigned_to_them(api: Api) -> None:
    setup_reference(api)
    api.post(
        "agent",
        [report("T1"), report("T2", 1), ev("ticket:T1", "assigned", {"to": "field-user"}, at(5))],
    )
    mine = api.post("field", [ev("ticket:T1", "onsite_arrival", at=at(60))])[0]
    other = api.post("field", [ev("ticket:T2", "onsite_arrival", at=at(60))])[0]
    assert mine["status"] == "accepted"
    assert other["status"] == "rejected" and "assigned" in other["reason"]


def test_field_engineer_may_issue_a_loaner_onsite(api: Api) -> None:
    api.post("logistics", loaner_events())
    stream = "device:HALT-LT-00042"
    result = api.post("field", [ev(stream, "device_issued_onsite", {"swap": "S-1"})])[0]
    assert result["status"] == "accepted", result


def test_regie_can_post_nothing_but_reads_tickets(api: Api) -> None:
    setup_reference(api)
    api.post("agent", [report()])
    assert (
        api.post("regie", [ev("ticket:T1", "comment", {"text": "x"}, at(3))])[0]["status"]
        == "rejected"
    )
    assert api.get("regie", "/tickets/T1").status_code == 200


@pytest.mark.parametrize(
    ("role", "code"),
    [("admin", 200), ("regie", 200), ("agent", 403), ("field", 403), ("logistics", 403)],
)
def test_who_may_read_the_audit_log(api: Api, role: str, code: int) -> None:
    assert api.get(role, "/audit").status_code == code


def test_home_address_is_shown_only_to_logistics_and_the_assigned_engineer(api: Api) -> None:
    setup_reference(api)
    api.post(
        "agent",
        [
            report("T1"),
            ev("ticket:T1", "assigned", {"to": "field-user"}, at(2)),
            ev("ticket:T1", "swap_requested", {"home_address": "Dorpsstraat 1, Zwolle"}, at(3)),
        ],
    )

    def address_seen(role: str) -> bool:
        page = api.get(role, "/changes", since=0).json()
        swap = next(e for e in page["events"] if e["type"] == "swap_requested")
        return "home_address" in swap["data"]

    assert address_seen("logistics") and address_seen("field")
    assert not address_seen("regie") and not address_seen("agent")


# -------------------------------------------------------------------- audit
def test_every_change_and_personal_read_is_audited(api: Api) -> None:
    setup_reference(api)
    api.get("logistics", "/changes", since=0)
    entries = api.get("admin", "/audit").json()["entries"]
    actions = [e["action"] for e in entries]
    recorded = [
        json.loads(e["detail"])["events"] for e in entries if e["action"] == "events.recorded"
    ]
    assert [[seq, kind] for batch in recorded for seq, _, _, kind in batch] == [
        [1, "organisation_registered"],
        [2, "employee_registered"],
    ]
    assert all(e["actor"] == "admin-user" for e in entries if e["action"] == "events.recorded")
    assert "personal_data.read" in actions
    read = next(e for e in entries if e["action"] == "personal_data.read")
    assert read["actor"] == "logistics-user" and read["address"] == "127.0.0.1"


def test_bad_requests_get_4xx_never_5xx(api: Api) -> None:
    token = bearer(api.tokens["agent"])
    cases = [
        requests.post(f"{api.url}/events", data="not json", headers=token, timeout=10),
        requests.post(f"{api.url}/events", json={"events": "x"}, headers=token, timeout=10),
        requests.post(f"{api.url}/events", json=[1, 2], headers=token, timeout=10),
        requests.post(
            f"{api.url}/events", json={"events": [None, 5, "x", []]}, headers=token, timeout=10
        ),
        requests.get(f"{api.url}/changes", params={"since": -1}, headers=token, timeout=10),
        requests.get(f"{api.url}/changes", params={"limit": 10**9}, headers=token, timeout=10),
        requests.get(f"{api.url}/changes", params={"since": "x"}, headers=token, timeout=10),
    ]
    for response in cases:
        assert response.status_code < 500, response.text
    assert cases[3].status_code == 200
    assert [r["status"] for r in cases[3].json()["results"]] == ["rejected"] * 4


# ---------------------------------------------------------------------- CLI
def test_user_add_prints_a_token_once_and_revoke_locks_it_out(tmp_path: Path) -> None:
    db = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    exe = Path(sys.executable).with_name("halt-desk")
    added = subprocess.run(
        [str(exe), "central", "user", "add", "piet", "--role", "agent", "--db", db],
        capture_output=True,
        text=True,
        check=True,
    )
    token = added.stdout.strip().splitlines()[-1]
    central = Central.open(db)
    try:
        assert central.authenticate(token) is not None
        with central.engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT token_hash FROM users").scalar_one()
        assert token not in stored  # only a hash is kept
        subprocess.run(
            [str(exe), "central", "user", "revoke", "piet", "--db", db],
            check=True,
            capture_output=True,
        )
        assert central.authenticate(token) is None
    finally:
        central.close()


def test_user_add_refuses_an_unknown_role(tmp_path: Path) -> None:
    db = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    exe = Path(sys.executable).with_name("halt-desk")
    result = subprocess.run(
        [str(exe), "central", "user", "add", "x", "--role", "boss", "--db", db],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "unknown role 'boss'" in result.stderr


def test_audit_verify_reports_a_tampered_row(tmp_path: Path) -> None:
    db = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    central = Central.open(db)
    for name in ("a", "b", "c"):
        central.add_user(name, "agent")
    central.close()
    exe = Path(sys.executable).with_name("halt-desk")
    intact = subprocess.run(
        [str(exe), "central", "audit", "verify", "--db", db],
        capture_output=True,
        text=True,
        check=False,
    )
    assert intact.returncode == 0 and "intact" in intact.stdout
    import sqlite3

    connection = sqlite3.connect(tmp_path / "central.sqlite3")
    connection.execute(
        "UPDATE audit_log SET detail = ? WHERE id = 2", (json.dumps({"role": "admin"}),)
    )
    connection.commit()
    connection.close()
    broken = subprocess.run(
        [str(exe), "central", "audit", "verify", "--db", db],
        capture_output=True,
        text=True,
        check=False,
    )
    assert broken.returncode == 1 and "row 2: edited" in broken.stdout


ENDPOINT_CODES = {
    # endpoint: expected status per role (admin, agent, field, logistics, regie)
    ("GET", "/changes"): (200, 200, 200, 200, 200),
    ("GET", "/tickets/T1"): (200, 200, 200, 200, 200),
    ("GET", "/audit"): (200, 403, 403, 403, 200),
    ("POST", "/events"): (200, 200, 200, 200, 200),  # refusals are per event, see above
}


@pytest.mark.parametrize(("method", "path"), list(ENDPOINT_CODES))
def test_every_role_on_every_endpoint(api: Api, method: str, path: str) -> None:
    setup_reference(api)
    api.post("agent", [report()])
    for role, code in zip(ROLES, ENDPOINT_CODES[(method, path)], strict=True):
        if method == "GET":
            response = api.get(role, path)
        else:
            response = api.session.post(
                f"{api.url}{path}",
                json={"events": []},
                headers=bearer(api.tokens[role]),
                timeout=30,
            )
        assert response.status_code == code, (role, response.text)
        unauthenticated = requests.request(method, f"{api.url}{path}", timeout=30)
        assert unauthenticated.status_code == 401


def forge_chain_from_row_2(database: Path) -> None:
    """What someone with write access can do: change row 2 and hash every later row again."""
    import sqlite3

    from halt_desk.central.audit import entry_hash

    connection = sqlite3.connect(database)
    columns = "id, at, actor, action, object, address, detail, hash"
    first, *rest = connection.execute(f"SELECT {columns} FROM audit_log ORDER BY id").fetchall()
    prev = first[7]
    for row_id, at_, actor, action, obj, address, detail, _ in rest:
        actor = "forged" if row_id == 2 else actor
        digest = entry_hash(prev, at_, actor, action, obj, address, detail)
        connection.execute(
            "UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE id = ?",
            (actor, prev, digest, row_id),
        )
        prev = digest
    connection.commit()
    connection.close()


def test_a_chain_rewritten_wholesale_shows_against_checkpoints_kept_elsewhere(
    tmp_path: Path,
) -> None:
    db = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    kept = tmp_path / "elsewhere" / "audit-checkpoints.jsonl"
    exe = Path(sys.executable).with_name("halt-desk")

    def halt_desk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(exe), *args, "--db", db], capture_output=True, text=True)

    with Central.open(db) as central:
        for name in ("a", "b", "c"):
            central.add_user(name, "agent")
    first = halt_desk("central", "audit", "checkpoint", "--file", str(kept))
    assert first.returncode == 0 and first.stdout.startswith("row 3 ")
    with Central.open(db) as central:
        central.add_user("d", "agent")
    assert halt_desk("central", "audit", "checkpoint", "--file", str(kept)).returncode == 0
    assert len(kept.read_text().splitlines()) == 2
    forge_chain_from_row_2(tmp_path / "central.sqlite3")

    alone = halt_desk("central", "audit", "verify")
    assert alone.returncode == 0 and "intact" in alone.stdout  # the chain alone looks fine
    against = halt_desk("central", "audit", "verify", "--checkpoints", str(kept))
    assert against.returncode == 1
    assert "row 3: edited" in against.stdout and "row 4: edited" in against.stdout


def test_rows_cut_off_at_the_end_show_against_a_checkpoint(tmp_path: Path) -> None:
    import sqlite3

    db = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    kept = tmp_path / "checkpoints.jsonl"
    exe = Path(sys.executable).with_name("halt-desk")
    with Central.open(db) as central:
        for name in ("a", "b", "c"):
            central.add_user(name, "agent")
    subprocess.run(
        [str(exe), "central", "audit", "checkpoint", "--file", str(kept), "--db", db], check=True
    )
    connection = sqlite3.connect(tmp_path / "central.sqlite3")
    connection.execute("DELETE FROM audit_log WHERE id = 3")
    connection.commit()
    connection.close()
    result = subprocess.run(
        [str(exe), "central", "audit", "verify", "--checkpoints", str(kept), "--db", db],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "row 3: removed" in result.stdout


def test_an_unreadable_checkpoint_file_is_a_clear_error(tmp_path: Path) -> None:
    db = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    kept = tmp_path / "checkpoints.jsonl"
    kept.write_text('{"row_id": 1, "hash": "abc"}\n')
    exe = Path(sys.executable).with_name("halt-desk")
    result = subprocess.run(
        [str(exe), "central", "audit", "verify", "--checkpoints", str(kept), "--db", db],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "line 1: not a checkpoint" in result.stderr
