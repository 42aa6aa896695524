"""Benchmark of a notice's fan-out: one `notice_published` to a whole organisation of N
employees, pushed through the API, until every employee's mail is accepted by a local SMTP
server (aiosmtpd on loopback, in a process of its own) and recorded as sent; then its
follow-up the same way. Prints figures, asserts nothing.

Run: .venv/bin/python tests/perf/bench_notice_mail.py [--employees 1000]

Central and its mail job run in this process: CPU time is theirs (getrusage).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from halt_desk.central.auth import Role, User
from halt_desk.central.embedded import EmbeddedServer
from tests.mail_support import MailDesk, wire
from tests.perf.bench_mail import ProcessSmtp, _cpu, _recorded, _report


def run(url: str, employees: int, folder: Path) -> None:
    smtp = ProcessSmtp(folder)
    try:
        desk = MailDesk.create(url, smtp)  # type: ignore[arg-type]
        people = [
            wire(
                f"employee:b{n}",
                "employee_registered",
                {"org": "halt", "name": f"Medewerker {n}", "email": f"m{n}@halt.nl"},
                "admin",
            )
            for n in range(employees)
        ]
        admin = User(0, "admin", Role.ADMIN)
        for start in range(0, employees, 500):
            desk.central.record(admin, people[start : start + 500], "bench")
        with EmbeddedServer(desk.central) as server:
            data = {
                "org": "halt",
                "kind": "disruption",
                "scope": {"kind": "org"},
                "title": "Microsoft 365 verstoord",
                "text": "Outlook en Teams zijn niet bereikbaar. We werken eraan.",
            }
            # The two employees of mail_support with an address get it too.
            total = employees + 1
            for step, (kind, body) in enumerate(
                (("notice_published", data), ("notice_updated", {"text": "Bijna opgelost."})),
                start=1,
            ):
                load, started, cpu = os.getloadavg()[0], time.monotonic(), _cpu()
                desk.push(server.url, [wire("notice:BENCH", kind, body)])
                while smtp.count() < step * total or _recorded(desk) < step * total:
                    time.sleep(0.02)
                _report(
                    kind.removeprefix("notice_"),
                    total,
                    time.monotonic() - started,
                    _cpu() - cpu,
                    load,
                )
        desk.central.close()
    finally:
        smtp.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=1000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-notice-"))
    os.environ.setdefault("HALT_DESK_CENTRAL_KEY_FILE", str(folder / "central.key"))
    run(f"sqlite+pysqlite:///{folder / 'central.sqlite3'}", args.employees, folder)


if __name__ == "__main__":
    main()
