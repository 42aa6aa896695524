"""Mail when things go wrong: the SMTP server down for a while, temporary answers and a
connection dropped in the middle of DATA, two central processes, kill -9 of central in a
burst of mail. Every mail arrives, once — a repeat only for a kill that landed between the
server's acceptance and central's record of it (then with the same Message-ID)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from halt_desk.central.schema import job_leases
from tests.central_server import ProcessServer, ThreadServer
from tests.mail_support import MailDesk, burst_with_kills, expected_ids, wait_until
from tests.smtp_server import DROP, SmtpServer


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = str(tmp_path / "central.key")
    monkeypatch.setenv("HALT_DESK_CENTRAL_KEY_FILE", path)
    return path


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def _outbox_attempts(desk: MailDesk) -> int:
    return sum(int(row["attempts"]) for row in desk.outbox())


def test_smtp_down_for_a_while_every_mail_arrives_once(
    tmp_path: Path, key_file: str, smtp: SmtpServer
) -> None:
    desk = MailDesk.create(f"sqlite+pysqlite:///{tmp_path / 'c.sqlite3'}", smtp)
    smtp.stop()
    with ThreadServer(desk.central) as server:
        reports = [desk.report(desk.new_ticket()) for _ in range(20)]
        desk.push(server.url, reports)
        wait_until(lambda: _outbox_attempts(desk) >= 40, "retries while SMTP is down")
        assert all(row["state"] == "queued" for row in desk.outbox())
        wait_until(  # the tickets say "wacht op verzending"
            lambda: all(row["recorded"] == "queued" for row in desk.outbox()), "waiting shown"
        )
        ticket = reports[0]["stream"].partition(":")[2]
        assert [kind for kind, _ in desk.ticket_events(ticket)] == ["mail_queued"]
        smtp.start()
        found = smtp.wait_for(lambda ms: expected_ids(reports) <= {m.message_id for m in ms})
        wait_until(lambda: all(row["recorded"] == "sent" for row in desk.outbox()), "all recorded")
    assert sorted(smtp.message_ids()) == sorted(expected_ids(reports))
    assert len(found) == 20
    assert [kind for kind, _ in desk.ticket_events(ticket)] == ["mail_queued", "mail_sent"]
    desk.central.close()


def test_temporary_answers_and_a_dropped_connection_are_tried_again(
    tmp_path: Path, key_file: str, smtp: SmtpServer
) -> None:
    desk = MailDesk.create(f"sqlite+pysqlite:///{tmp_path / 'c.sqlite3'}", smtp)
    smtp.faults = ["421 4.3.2 service shutting down", "451 4.3.0 try again later", DROP]
    with ThreadServer(desk.central) as server:
        reports = [desk.report(desk.new_ticket()) for _ in range(3)]
        desk.push(server.url, reports)
        smtp.wait_for(lambda ms: expected_ids(reports) <= {m.message_id for m in ms})
        wait_until(lambda: all(r["recorded"] == "sent" for r in desk.outbox()), "recorded")
    assert sorted(smtp.message_ids()) == sorted(expected_ids(reports))
    assert smtp.faults == [] and smtp.dropped == 1
    assert all(row["attempts"] >= 0 and row["state"] == "sent" for row in desk.outbox())
    assert sum(int(row["attempts"]) for row in desk.outbox()) >= 3
    desk.central.close()


def test_two_central_processes_send_each_mail_once(
    tmp_path: Path, key_file: str, smtp: SmtpServer, db_url: str
) -> None:
    desk = MailDesk.create(db_url, smtp)
    desk.central.close()
    server = ProcessServer(
        db_url, tmp_path / "data", workers=2, env={"HALT_DESK_CENTRAL_KEY_FILE": key_file}
    )
    server.start()
    try:
        reports = [desk.report(desk.new_ticket()) for _ in range(150)]
        for start in range(0, 150, 10):  # many small pushes: both processes take some
            desk.push(server.url, reports[start : start + 10])
        smtp.wait_for(lambda ms: expected_ids(reports) <= {m.message_id for m in ms})
    finally:
        server.stop()
    assert sorted(smtp.message_ids()) == sorted(expected_ids(reports))
    from sqlalchemy import create_engine

    engine = create_engine(db_url)
    with engine.connect() as conn:
        holders = conn.execute(select(job_leases.c.holder).where(job_leases.c.name == "mail"))
        assert len(holders.all()) == 1
    engine.dispose()


def test_kill_9_in_a_burst_every_mail_arrives_repeats_only_if_caught(
    tmp_path: Path, key_file: str, smtp: SmtpServer
) -> None:
    db_url = f"sqlite+pysqlite:///{tmp_path / 'c.sqlite3'}"
    desk = MailDesk.create(db_url, smtp)
    desk.central.close()
    server = ProcessServer(db_url, tmp_path / "data", env={"HALT_DESK_CENTRAL_KEY_FILE": key_file})
    server.start()
    try:
        report = burst_with_kills(server, desk, count=500, kills=3)
    finally:
        server.stop()
    assert report.kills == 3
    assert set(report.repeats) <= report.caught, (report.repeats, report.caught)
    assert all(n == 2 for n in report.repeats.values())
