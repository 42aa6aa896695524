"""Screenshots of Storingen en onderhoud, Berichten and Verzonden mail (demo) under a real X
server:

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python -m tests.gui.screenshots_notices OUT

The mailbox shows mails that a real central rendered and sent to the demo's own SMTP server
(the notice below, to the employees of one location); the notices window's mail line asks
another real central whose SMTP server refused three addresses. Prints one line per PNG."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from halt_desk.central.auth import Role, User
from halt_desk.central.embedded import EmbeddedServer
from halt_desk.central.mail_admin import configure_mail
from halt_desk.central.mail_smtp import SmtpSettings
from halt_desk.central.service import Central
from halt_desk.demo.mailbox import DemoMailbox
from halt_desk.desk import notices as desk
from halt_desk.desk.notices import NoticeDraft
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.notices import NoticeKind, Scope, ScopeKind
from halt_desk.store import Store
from halt_desk.sync.signin import SyncTarget
from tests.gui.screenshots import demo_desk, run_main, settle, shoot, shots_written
from tests.gui.screenshots_keys import activate
from tests.smtp_server import SmtpServer
from ui.demo_mailbox import MailboxWindow
from ui.main_window import MainWindow
from ui.notices_window import NoticeForm, NoticesWindow
from ui.notifications_list import NotificationsDialog

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
AGENT = "agent:nieuw"
COLLEAGUE = "agent:sanne.visser"
TEXT = (
    "Sinds 09:40 is er geen netwerk op het regiokantoor Zwolle (wifi en vaste "
    "aansluitingen). Werk zo lang mogelijk via de hotspot van je telefoon; Teams en "
    "Outlook werken dan gewoon."
)


def notices_screens(app: QApplication, store: Store, window: MainWindow, out: Path) -> None:
    now = window.clock()
    draft = NoticeDraft(
        "halt", NoticeKind.DISRUPTION, Scope(ScopeKind.LOCATION, "halt-zwolle"),
        "Geen netwerk op het regiokantoor Zwolle", TEXT,
    )  # fmt: skip
    notice = desk.publish_notice(store, draft, COLLEAGUE, now - timedelta(minutes=40))
    desk.follow_up(
        store, notice.id, "De switch is defect; een monteur is onderweg (verwacht 11:30).",
        COLLEAGUE, now - timedelta(minutes=10),
    )  # fmt: skip
    maintenance = NoticeDraft(
        "halt", NoticeKind.MAINTENANCE, Scope(ScopeKind.ORG), "Onderhoud VPN zaterdag",
        "Zaterdag van 08:00 tot 12:00 is de VPN niet beschikbaar.",
        now + timedelta(days=3), now + timedelta(days=3, hours=4),
    )  # fmt: skip
    desk.publish_notice(store, maintenance, COLLEAGUE, now - timedelta(minutes=5))
    activate(app, window)
    QTest.keyClick(window.table, Qt.Key.Key_V, CTRL | SHIFT)
    settle(app, 500)
    notices = next(w for w in window.findChildren(NoticesWindow) if w.isVisible())
    notices.move(60, 60)
    activate(app, notices)
    notices.list.setCurrentRow(1)
    settle(app, 500)
    shoot(notices, out / "notices-window.png")
    QTest.keyClick(notices.list, Qt.Key.Key_N, CTRL)
    settle(app, 300)
    form = next(w for w in notices.findChildren(NoticeForm) if w.isVisible())
    form.move(200, 120)
    activate(app, form)
    while not form.loaded:
        settle(app, 50)
    form.org.setCurrentIndex(form.org.findData("halt"))
    form.scope_kind.setCurrentIndex(2)  # Team
    form.target.setCurrentIndex(form.target.findText("Gelderland"))
    QTest.keyClicks(form.text, "Outlook reageert traag; we onderzoeken de oorzaak.")
    QTest.keyClick(form.text, Qt.Key.Key_Return, CTRL)  # no title: refused, nothing recorded
    settle(app, 500)
    assert form.isVisible() and form.message.text(), form.message.text()
    shoot(form, out / "notice-form-refused.png")
    form.reject()
    notices.close()


def notification_screens(app: QApplication, store: Store, window: MainWindow, out: Path) -> None:
    now = window.clock()
    p1 = {"org": "halt", "caller": "halt-e0001", "channel": "phone", "priority": "P1"}
    event = new_event(
        "ticket:HALT-2026-999001", "ticket_reported", now, COLLEAGUE,
        {**p1, "summary": "Niemand kan inloggen op Microsoft 365"},
    )  # fmt: skip
    assert window.hub is not None
    window.hub.run(lambda: store.record_event(event), lambda _r: None)
    for _ in range(50):
        if "nieuw" in window.notice_keys.unread.text():
            break
        settle(app, 100)
    activate(app, window)
    settle(app)
    shoot(window, out / "main-window-unread.png")
    QTest.keyClick(window.table, Qt.Key.Key_B, CTRL | SHIFT)
    settle(app, 500)
    dialog = next(w for w in window.findChildren(NotificationsDialog) if w.isVisible())
    dialog.move(120, 100)
    activate(app, dialog)
    settle(app, 300)
    shoot(dialog, out / "notifications.png")
    dialog.close()


def mailbox_screen(app: QApplication, folder: Path, out: Path) -> None:
    """A real central renders the notice mails and sends them to the demo's SMTP server."""
    os.environ["HALT_DESK_CENTRAL_KEY_FILE"] = str(folder / "central.key")
    mailbox = DemoMailbox().start()
    central = Central.open(f"sqlite+pysqlite:///{folder / 'central.sqlite3'}")
    at = datetime.now(UTC)
    people = [
        new_event(
            "org:halt",
            "organisation_registered",
            at,
            "admin",
            {"name": "Stichting Halt", "profile": "halt"},
        ),
        new_event(
            "location:halt-zwolle",
            "location_registered",
            at,
            "admin",
            {"org": "halt", "name": "Regiokantoor Zwolle"},
        ),
        *(
            new_event(
                f"employee:z{n}",
                "employee_registered",
                at,
                "admin",
                {
                    "org": "halt",
                    "name": f"Medewerker {n}",
                    "email": f"medewerker{n}@halt.nl",
                    "location": "halt-zwolle",
                },
            )
            for n in range(1, 6)
        ),
    ]
    central.record(User(0, "admin", Role.ADMIN), [e.to_json() for e in people], "local")
    settings = SmtpSettings(
        host="127.0.0.1", port=mailbox.port, tls="none",
        sender="servicedesk@demo.halt-desk.invalid", sender_name="Servicedesk (demo)",
    )  # fmt: skip
    configure_mail(central, settings, None)
    data = {
        "org": "halt", "kind": "disruption", "scope": {"kind": "location", "id": "halt-zwolle"},
        "title": "Geen netwerk op het regiokantoor Zwolle", "text": TEXT,
    }  # fmt: skip
    notice = new_event("notice:20261206-demo", "notice_published", at, COLLEAGUE, data)
    central.record(User(0, COLLEAGUE, Role.AGENT), [notice.to_json()], "local")
    with EmbeddedServer(central):
        end = time.monotonic() + 60
        while mailbox.count < 5 and time.monotonic() < end:
            settle(app, 100)
    window = MailboxWindow(mailbox)
    window.move(40, 40)
    window.show()
    activate(app, window)
    settle(app, 1500)
    shoot(window, out / "demo-mailbox.png")
    window.close()
    mailbox.stop()
    central.close()


#: Addresses the SMTP server of `deliveries_screens` refuses, with its answer.
REFUSED = {
    "p.jansen@halt.nl": "550 5.1.1 <p.jansen@halt.nl>: Recipient address rejected: User unknown",
    "oud.account@halt.nl": "550 5.1.1 mailbox unavailable",
    "vol@halt.nl": "552 5.2.2 mailbox full",
}


def _directory_events(at: datetime, employees: int) -> list[Event]:
    """Halt, its Zwolle office and `employees` people there (the refused ones last)."""
    addresses = [f"medewerker{n}@halt.nl" for n in range(1, employees - len(REFUSED) + 1)]
    addresses += list(REFUSED)
    org = {"name": "Stichting Halt", "profile": "halt"}
    zwolle = {"org": "halt", "name": "Regiokantoor Zwolle"}
    return [
        new_event("org:halt", "organisation_registered", at, "admin", org),
        new_event("location:halt-zwolle", "location_registered", at, "admin", zwolle),
        *(
            new_event(f"employee:z{n}", "employee_registered", at, "admin", _person(n, address))
            for n, address in enumerate(addresses, start=1)
        ),
    ]


def _person(n: int, address: str) -> dict[str, str]:
    return {"org": "halt", "name": f"Medewerker {n}", "email": address, "location": "halt-zwolle"}


def deliveries_screens(app: QApplication, store: Store, folder: Path, out: Path) -> None:
    """The notices window asking a real central how a notice's mails fared: its SMTP
    server (aiosmtpd on loopback) refused three of the 40 employees' addresses."""
    os.environ["HALT_DESK_CENTRAL_KEY_FILE"] = str(folder / "central.key")
    smtp = SmtpServer()
    smtp.refuse_recipients = dict(REFUSED)
    smtp.start()
    central = Central.open(f"sqlite+pysqlite:///{folder / 'central-deliveries.sqlite3'}")
    at = datetime.now(UTC)
    admin = User(0, "admin", Role.ADMIN)
    central.record(admin, [e.to_json() for e in _directory_events(at, 40)], "local")
    settings = SmtpSettings(
        host="127.0.0.1", port=smtp.port, tls="none",
        sender="servicedesk@demo.halt-desk.invalid", sender_name="Servicedesk (demo)",
    )  # fmt: skip
    configure_mail(central, settings, None)
    token = central.add_user("agent-shots", "agent")
    data = {
        "org": "halt", "kind": "disruption", "scope": {"kind": "location", "id": "halt-zwolle"},
        "title": "Printers op het regiokantoor Zwolle", "text": "Er kan niet geprint worden.",
    }  # fmt: skip
    notice = new_event("notice:20261206-mail", "notice_published", at, COLLEAGUE, data)
    central.record(User(0, COLLEAGUE, Role.AGENT), [notice.to_json()], "local")
    store.record_event(notice)
    with EmbeddedServer(central) as server:
        end = time.monotonic() + 60
        while len(smtp.messages()) < 40 - len(REFUSED) and time.monotonic() < end:
            settle(app, 100)
        target = SyncTarget(server.url, token)
        window = NoticesWindow(store, AGENT, lambda: at, target=lambda: target)
        window.move(60, 60)
        window.show()
        activate(app, window)
        while not window.loaded:
            settle(app, 50)
        rows = [n.id for n in window.shown]
        window.list.setCurrentRow(rows.index("20261206-mail"))
        end = time.monotonic() + 30
        while "verstuurd" not in window.mail.label.text() and time.monotonic() < end:
            settle(app, 100)
        settle(app, 300)
        shoot(window, out / "notices-window-mail.png")
        QTest.keyClick(window.list, Qt.Key.Key_E, CTRL)
        settle(app, 500)
        assert window.mail.dialog is not None, window.mail.label.text()
        window.mail.dialog.move(160, 200)
        activate(app, window.mail.dialog)
        settle(app, 300)
        shoot(window.mail.dialog, out / "notice-mail-not-delivered.png")
        window.mail.dialog.close()
        window.close()
    smtp.stop()
    central.close()


def main(out: Path) -> int:
    with demo_desk(out, AGENT) as desk:
        notices_screens(desk.app, desk.store, desk.window, out)
        notification_screens(desk.app, desk.store, desk.window, out)
        desk.window.close()
        mailbox_screen(desk.app, desk.folder, out)
        deliveries_screens(desk.app, desk.store, desk.folder, out)
    return shots_written(out)


if __name__ == "__main__":
    run_main(main)
