"""Benchmark of central's mail: N mails queued and delivered to a local SMTP server
(aiosmtpd on loopback); prints figures, asserts nothing. Target: 1,000 mails ≤ 10 s.

Run: .venv/bin/python tests/perf/bench_mail.py [--count 1000] [--backend sqlite|postgres]

The SMTP server runs in a process of its own (python -m tests.smtp_server), as a real one
would: its CPU is not counted. Two ways in, each timed from the first request to the last
mail recorded as sent on its ticket (mail_sent):
* `push`: N tickets pushed through the API (POST /api/v1/events in batches of 250), each
  mailing its caller (trigger, rules, queue, SMTP, state events);
* `queue`: N mails queued directly with `queue_mails` in one transaction.
Central and its mail job run in this process: CPU time is theirs (getrusage).
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import func, select

from halt_desk.central.embedded import EmbeddedServer
from halt_desk.central.mail_queue import MailDraft, queue_mails
from halt_desk.central.schema import mail_outbox
from tests.central_server import free_port
from tests.mail_support import CALLER_EMAIL, MailDesk

ROOT = Path(__file__).resolve().parents[2]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _recorded(desk: MailDesk) -> int:
    with desk.central.engine.connect() as conn:
        query = (
            select(func.count()).select_from(mail_outbox).where(mail_outbox.c.recorded == "sent")
        )
        return int(conn.execute(query).scalar_one())


class ProcessSmtp:
    """tests/smtp_server.py in a child process, counting what it accepted in a file."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.out = folder / "received.txt"
        self.out.touch()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.smtp_server", "--port", str(self.port),
             "--out", str(self.out)],
            cwd=ROOT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def count(self) -> int:
        return len(self.out.read_text(encoding="utf-8").splitlines())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _wait(desk: MailDesk, smtp: ProcessSmtp, total: int) -> None:
    while smtp.count() < total or _recorded(desk) < total:
        time.sleep(0.02)


def _report(name: str, count: int, wall: float, cpu: float, load: float) -> None:
    print(
        f"{name:6s} {count} mails: wall {wall:.2f} s ({count / wall:.0f}/s), "
        f"CPU {cpu:.2f} s ({cpu / count * 1000:.2f} ms/mail), "
        f"load {load:.2f} → {os.getloadavg()[0]:.2f}"
    )


def run(url: str, count: int, folder: Path) -> None:
    smtp = ProcessSmtp(folder)
    try:
        desk = MailDesk.create(url, smtp)  # type: ignore[arg-type]
        with EmbeddedServer(desk.central) as server:
            reports = [desk.report(desk.new_ticket()) for _ in range(count)]
            load, started, cpu = os.getloadavg()[0], time.monotonic(), _cpu()
            for start in range(0, count, 250):
                desk.push(server.url, reports[start : start + 250])
            _wait(desk, smtp, count)
            _report("push", count, time.monotonic() - started, _cpu() - cpu, load)

            drafts = [
                MailDraft("halt", "caller_status_update", CALLER_EMAIL, "nl", r["stream"],
                          f"bench-{i}", {"number": r["stream"][7:], "caller_name": "Anna",
                                         "summary": "Laptop", "text": "Stand van zaken",
                                         "agent_name": "Sanne", "desk_name": "Servicedesk"})
                for i, r in enumerate(reports)
            ]  # fmt: skip
            load, started, cpu = os.getloadavg()[0], time.monotonic(), _cpu()
            with desk.central.engine.begin() as conn:
                queue_mails(conn, drafts)
            _wait(desk, smtp, 2 * count)
            _report("queue", count, time.monotonic() - started, _cpu() - cpu, load)
        desk.central.close()
    finally:
        smtp.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    os.environ.setdefault("HALT_DESK_CENTRAL_KEY_FILE", str(folder / "central.key"))
    if args.backend == "sqlite":
        run(f"sqlite+pysqlite:///{folder / 'central.sqlite3'}", args.count, folder)
        return
    from tests.pg import ThrowawayPostgres

    pg = ThrowawayPostgres()
    pg.start()
    try:
        run(pg.new_database("bench_mail"), args.count, folder)
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
