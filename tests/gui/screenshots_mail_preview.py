"""Screenshots of E-mail bekijken under a real X server (Xvfb):

    xvfb-run -a .venv/bin/python -m tests.gui.screenshots_mail_preview OUT_DIR

The resolution mail of a busy ticket (tests.workspace_data) in Dutch, as HTML and as plain
text, opened from the ticket window.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from tests.desk_data import NOW
from tests.gui.screenshots import scratch_cache, settle, shoot
from tests.workspace_data import AGENT, busy_ticket, named_store
from ui.ticket_dialog import TicketDialog

LATER = NOW + timedelta(minutes=5)


def main(out: Path) -> int:
    with scratch_cache(out, lambda: NOW) as (app, store):
        named_store(store)
        ticket = busy_ticket(store, NOW)
        window = TicketDialog(store, ticket, AGENT, lambda: LATER)
        window.resize(1100, 760)
        window.move(0, 0)
        window.show()
        while window.evaluation is None:
            settle(app, 50)
        preview = window.open_mail_preview()
        preview.move(120, 60)
        preview.choose("caller_resolved", "nl")
        settle(app, 500)
        shoot(preview, out / "mail-preview-nl.png")
        preview.tabs.setCurrentIndex(1)
        settle(app, 300)
        shoot(preview, out / "mail-preview-text.png")
        preview.close()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
