"""kill -9 of central during a burst of mail, repeated: every Message-ID arrives, and a
Message-ID arrives twice only when a kill landed between the SMTP server's acceptance
and central's record of it (each such moment is logged). Prints, and exits 1 on a
violation. The normal suite does the same with 3 kills (tests/integration/test_mail_faults.py).

Run: .venv/bin/python tests/perf/mail_kills.py [--kills 20] [--count 500]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.central_server import ProcessServer
from tests.mail_support import MailDesk, burst_with_kills
from tests.smtp_server import SmtpServer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mail-kills-"))
    key = str(folder / "central.key")
    os.environ["HALT_DESK_CENTRAL_KEY_FILE"] = key
    db_url = f"sqlite+pysqlite:///{folder / 'central.sqlite3'}"
    started = time.monotonic()
    with SmtpServer() as smtp:
        desk = MailDesk.create(db_url, smtp)
        desk.central.close()
        server = ProcessServer(db_url, folder / "data", env={"HALT_DESK_CENTRAL_KEY_FILE": key})
        server.start()
        try:
            report = burst_with_kills(server, desk, args.count, args.kills)
        finally:
            server.stop()
        total = len(smtp.messages())
    unexplained = set(report.repeats) - report.caught
    print(
        f"{report.kills} kills, {args.count} mails, {total} messages received in "
        f"{time.monotonic() - started:.0f} s; caught between acceptance and record: "
        f"{len(report.caught)}; repeats: {len(report.repeats)}; unexplained repeats: "
        f"{len(unexplained)}; load {os.getloadavg()[0]:.2f}"
    )
    return 1 if unexplained or any(n > 2 for n in report.repeats.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
