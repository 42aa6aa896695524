"""tests/perf/bench_central.py with mail on: the same benchmark, its database given a mail
configuration (a loopback SMTP server in a process of its own, tests/smtp_server.py) and
its caller `e1` a work address, so every ticket it reports mails its caller through the
mail job running in the server. Compare with bench_central.py on the code before mail
(A B A B) to see what mail costs a push.

Run: .venv/bin/python tests/perf/bench_central_mail.py [bench_central.py's options]
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_central  # type: ignore[import-not-found]
from bench_mail import ProcessSmtp  # type: ignore[import-not-found]

from halt_desk.central.auth import Role, User
from halt_desk.central.mail_admin import configure_mail
from halt_desk.central.mail_smtp import SmtpSettings
from halt_desk.central.service import Central
from halt_desk.domain.events import new_event

SMTP: list[ProcessSmtp] = []


class MailCentral(Central):
    """Central.open as bench_central calls it, then mail configured and e1 given an
    address (the organisation follows through the benchmark's own push)."""

    @classmethod
    def open(cls, url: str | None = None) -> Central:
        central = Central.open(url)
        admin = User(0, "bench-setup", Role.ADMIN)
        data = {"org": "halt", "name": "Anna de Vries", "email": "anna@halt.example"}
        event = new_event("employee:e1", "employee_registered", datetime.now(UTC), "x", data)
        (result,) = central.record(admin, [event.to_json()], "bench")
        assert result.status == "accepted", result
        settings = SmtpSettings("127.0.0.1", SMTP[0].port, "none", "servicedesk@example.nl")
        configure_mail(central, settings, None)
        return central


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-central-mail-"))
    SMTP.append(ProcessSmtp(folder))
    try:
        bench_central.Central = MailCentral
        bench_central.main()
        print(f"mails accepted by the SMTP server: {SMTP[0].count()}")
    finally:
        SMTP[0].stop()


if __name__ == "__main__":
    main()
