"""Local store across processes: committed rows are visible to, and writable by, another
process on the same cache file (WAL, busy timeout, BEGIN IMMEDIATE)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any

import halt_desk
from halt_desk.domain.events import Event, new_event
from halt_desk.store import Store

REPO = Path(halt_desk.__file__).resolve().parents[1]
AT = datetime.fromisoformat("2027-01-12T10:00:00+01:00")


def run_python(code: str, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> Any:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out)


def org_event(key: str) -> Event:
    return new_event(
        f"org:{key}", "organisation_registered", AT, "agent-1", {"name": key, "profile": "halt"}
    )


def test_another_process_sees_committed_events_outbox_and_projections(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    report = new_event(
        "ticket:T1",
        "ticket_reported",
        AT,
        "agent-1",
        {"org": "halt", "channel": "phone", "priority": "P2"},
    )
    with Store.open(path) as store:
        store.record_event(org_event("halt"))
        store.record_event(report)
        seen = finish(
            run_python(
                """
                import json, sys
                from pathlib import Path
                from halt_desk.store import Store
                with Store.open(Path(sys.argv[1])) as store:
                    ticket = store.ticket("T1")
                    print(json.dumps({
                        "outbox": [e.id for e in store.pending_outbox()],
                        "priority": ticket.priority if ticket else None,
                        "profile": store.organisation_profile("halt"),
                    }))
                """,
                str(path),
            )
        )
        assert seen["outbox"] == [event.id for event in store.pending_outbox()]
        assert (seen["priority"], seen["profile"]) == ("P2", "halt")


def test_concurrent_writers_in_two_processes_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    writer = """
        import sys
        import json
        from datetime import datetime
        from pathlib import Path
        from halt_desk.domain.events import new_event
        from halt_desk.store import Store
        at = datetime.fromisoformat("2027-01-12T10:00:00+01:00")
        with Store.open(Path(sys.argv[1])) as store:
            print("ready", flush=True)
            sys.stdin.readline()  # start together with the other writers
            for i in range(100):
                key = f"{sys.argv[2]}-{i}"
                data = {"name": key, "profile": "halt"}
                event = new_event(f"org:{key}", "organisation_registered", at, "a", data)
                store.record_event(event)
        print(json.dumps("done"))
    """
    processes = [run_python(writer, str(path), name) for name in ("left", "right")]
    with Store.open(path) as store:
        for process in processes:
            assert process.stdout is not None and process.stdin is not None
            assert process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        for i in range(100):
            store.record_event(org_event(f"main-{i}"))
        for process in processes:
            assert finish(process) == "done"
        assert len(store.pending_outbox(limit=1000)) == 300
        assert store.organisation_profile("left-99") == "halt"
        assert store.organisation_profile("right-99") == "halt"
