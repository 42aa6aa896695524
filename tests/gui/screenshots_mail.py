"""A screenshot of the ticket window with mail entries (sent, waiting, not delivered, asked
again) and the "E-mail opnieuw…" chooser, under a real X server (Xvfb):

    xvfb-run -a .venv/bin/python -m tests.gui.screenshots_mail OUT_DIR
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from halt_desk.desk.actions import Action, ActionRequest, record_action
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.desk.ticket_mail import request_resend
from halt_desk.store import Store
from tests.desk_data import NOW
from tests.gui.screenshots import run_main, scratch_cache, settle, shoot
from tests.workspace_data import AGENT, EMPLOYEE, named_store
from ui.ticket_dialog import TicketDialog

MAIL = "anna.devries@halt.nl"


def _mail(store: Store, ticket: str, state: str, minutes: int, **data: object) -> None:
    values = {"kind": "caller_registered", "to": MAIL, "message_id": "<m1@x>", "reason": None}
    values.update(data)
    at = NOW + timedelta(minutes=minutes)
    store.record_event(store.stamped_event(f"ticket:{ticket}", state, "central", values, at=at))


def main(out: Path) -> int:
    with scratch_cache(out, lambda: NOW) as (app, store):
        named_store(store)
        intake = Intake(
            EMPLOYEE, "Printer regiokantoor offline", "phone", "netwerk", "one", "degraded"
        )
        ticket = record_intake(store, intake, AGENT, NOW)
        _mail(store, ticket, "mail_sent", 1)
        update = ActionRequest(Action.STATUS_UPDATE, "email", "Monteur komt morgen om 9:00.")
        record_action(store, ticket, update, AGENT, NOW + timedelta(minutes=20))
        failed = {"kind": "caller_status_update", "message_id": "<m2@x>"}
        _mail(store, ticket, "mail_failed", 21, reason="550 5.1.1 mailbox unavailable", **failed)
        request_resend(store, ticket, "<m2@x>", AGENT, NOW + timedelta(minutes=30))
        _mail(store, ticket, "mail_queued", 31, kind="caller_status_update", message_id="<m3@x>")
        dialog = TicketDialog(store, ticket, AGENT, lambda: NOW + timedelta(minutes=35))
        dialog.resize(1200, 800)
        dialog.show()
        while dialog.evaluation is None or not dialog.timeline.entries:
            settle(app, 50)
        settle(app, 400)
        shoot(dialog, out / "ticket-mail-states.png")
        chooser = dialog.open_resend()
        settle(app, 400)
        if chooser is not None:
            shoot(chooser, out / "ticket-mail-resend.png")
            chooser.reject()
        dialog.close()
    print("\n".join(str(p) for p in sorted(out.glob("ticket-mail*.png"))))
    return 0


if __name__ == "__main__":
    run_main(main)
