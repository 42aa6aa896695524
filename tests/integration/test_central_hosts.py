"""The README's set-up of several central hosts on one PostgreSQL behind nginx: two
`halt-desk serve` processes (hosts) in the README's nginx upstream, pushes through nginx,
one host killed: nothing lost, nothing twice, the chains verify."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select

from halt_desk.central.schema import events
from halt_desk.central.service import Central
from tests.central_server import ProcessServer, bearer, free_port

README = Path(__file__).resolve().parents[2] / "README.md"
START = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
PATIENCE = 60.0


def ev(stream: str, kind: str, minutes: int, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stream": stream,
        "type": kind,
        "at": (START + timedelta(minutes=minutes)).isoformat(),
        "actor": "tester",
        "data": data,
    }


def reported(key: str) -> dict[str, Any]:
    data = {"org": "halt", "caller": "e1", "summary": "Laptop", "priority": "P3"}
    return ev(f"ticket:{key}", "ticket_reported", 0, data)


def readme_upstream(ports: list[int]) -> str:
    """The README's nginx upstream of several hosts, with these ports as its hosts."""
    blocks = README.read_text(encoding="utf-8").split("```nginx\n")[1:]
    snippet = next(block for block in blocks if "upstream halt_central" in block)
    snippet = snippet.split("```", 1)[0].split("\n# in the server block", 1)[0]
    lines = snippet.splitlines()
    hosts = [n for n, line in enumerate(lines) if line.strip().startswith("server ")]
    assert len(hosts) == 2, snippet
    for n, port in zip(hosts, ports, strict=True):
        address = lines[n].split()[1]
        lines[n] = lines[n].replace(address, f"127.0.0.1:{port}")
    return "\n".join(lines)


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    found = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if found is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    yield Path(found), tmp_path / "nginx"


def push(url: str, token: str, batch: list[dict[str, Any]]) -> list[str]:
    answer = requests.post(
        f"{url}/api/v1/events", json={"events": batch}, headers=bearer(token), timeout=PATIENCE
    )
    assert answer.status_code == 200, answer.text
    return [result["status"] for result in answer.json()["results"]]


def test_two_hosts_behind_the_readme_upstream_lose_nothing_when_one_dies(
    tmp_path: Path, pg_url: str, nginx: tuple[Path, Path]
) -> None:
    program, folder = nginx
    central = Central.open(pg_url)
    token = central.add_user("agent-hosts", "agent")
    admin = central.add_user("admin-hosts", "admin")
    hosts = [ProcessServer(pg_url, tmp_path / f"host{n}") for n in range(2)]
    for host in hosts:
        host.start()
    port = free_port()
    folder.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events {}\nhttp {\n"
        f"access_log off;\nclient_body_temp_path {folder}/body;\n"
        f"proxy_temp_path {folder}/proxy;\nfastcgi_temp_path {folder}/fastcgi;\n"
        f"uwsgi_temp_path {folder}/uwsgi;\nscgi_temp_path {folder}/scgi;\n"
        f"{readme_upstream([host.port for host in hosts])}\n"
        f"server {{\n listen 127.0.0.1:{port};\n location / {{\n"
        "  proxy_pass http://halt_central;\n  proxy_http_version 1.1;\n"
        '  proxy_set_header Connection "";\n }\n}\n}\n',
        encoding="utf-8",
    )
    log = folder / "error.log"
    command = [str(program), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(log)]
    proxy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            assert proxy.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
        org = ev("org:halt", "organisation_registered", 0, {"name": "Halt", "profile": "halt"})
        assert push(url, admin, [org]) == ["accepted"]
        sent: list[dict[str, Any]] = []
        for n in range(12):  # both hosts answer (least_conn, fresh connections)
            batch = [reported(f"T{n}"), ev(f"ticket:T{n}", "comment", 5, {"text": "x"})]
            assert push(url, token, batch) == ["accepted"] * 2
            sent += batch
        hosts[0].kill()
        for n in range(12, 20):  # nginx passes what the dead host refuses to the other
            batch = [reported(f"T{n}"), ev(f"ticket:T{n}", "comment", 5, {"text": "y"})]
            assert push(url, token, batch) == ["accepted"] * 2
            sent += batch
        # A push whose answer was lost, sent again: answered as stored, not stored twice.
        assert push(url, token, sent[:4]) == ["duplicate"] * 4
        with central.engine.connect() as conn:
            stored = conn.execute(select(events.c.seq, events.c.id).order_by(events.c.seq))
            rows = stored.all()
        assert [row.seq for row in rows] == list(range(1, len(sent) + 2))
        assert sorted(row.id for row in rows[1:]) == sorted(event["id"] for event in sent)
        assert central.verify_audit() == []
    finally:
        proxy.terminate()
        proxy.wait(timeout=PATIENCE)
        for host in hosts:
            host.stop()
        central.close()
