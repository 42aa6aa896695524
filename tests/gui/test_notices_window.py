"""Storingen en onderhoud, Berichten and the demo's mailbox, driven by the keyboard on real
widgets (offscreen): publish (Ctrl+N), follow up (Ctrl+U), all-clear (Ctrl+Shift+A), link a
ticket (Ctrl+Shift+K), the unread count in the status bar (Ctrl+Shift+B, Ctrl+Shift+M), and
a mail received by the demo's own SMTP server shown in "Verzonden mail (demo)"."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from halt_desk.demo.mailbox import DemoMailbox
from halt_desk.desk import notices as desk
from halt_desk.desk.intake import Intake, record_intake
from halt_desk.desk.notices import NoticeDraft
from halt_desk.desk.notifications import desk_notifications
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.notices import NoticeKind, Scope, ScopeKind
from halt_desk.i18n import set_language
from halt_desk.store import Store
from tests.desk_data import NOW, SETUP, reference_events, staff_events
from tests.gui.test_pseudo_language import data_words, in_pseudo, leaks
from ui.demo_mailbox import MailboxWindow
from ui.main_window import MainWindow
from ui.notices_window import LinkNoticeDialog, NoticeForm, NoticesWindow, NoticeTextDialog
from ui.notifications_list import NotificationsDialog
from ui.ticket_dialog import TicketDialog

__all__ = ["in_pseudo"]  # a fixture of the pseudo-language test, used here
AGENT = "agent:sanne.visser"
COLLEAGUE = "agent:linda.dekker"
LATER = NOW + timedelta(minutes=10)
#: Generous: a worker thread on a loaded machine.
WAIT = 30_000


def directory() -> list[Event]:
    def reg(stream: str, kind: str, data: dict[str, object]) -> Event:
        return new_event(stream, kind, SETUP, "admin", data)

    return [
        reg(
            "location:zwolle", "location_registered", {"org": "halt", "name": "Regiokantoor Zwolle"}
        ),
        reg(
            "employee:z1",
            "employee_registered",
            {
                "org": "halt",
                "name": "Zeno",
                "email": "z1@halt.nl",
                "location": "zwolle",
                "team": "IJssel-Vecht",
            },
        ),
    ]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    set_language("nl")
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: LATER) as opened:
        opened.record_events([*reference_events(), *staff_events(), *directory()], bulk=True)
        yield opened


def active(qtbot: QtBot, widget: QWidget) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=WAIT)


def child(qtbot: QtBot, parent: QWidget, kind: type[QWidget]) -> QWidget:
    qtbot.waitUntil(lambda: any(w.isVisible() for w in parent.findChildren(kind)), timeout=WAIT)
    found = next(w for w in parent.findChildren(kind) if w.isVisible())
    active(qtbot, found)
    return found


def test_publish_follow_up_and_all_clear_with_the_keyboard(qtbot: QtBot, store: Store) -> None:
    window = NoticesWindow(store, AGENT, lambda: LATER)
    qtbot.addWidget(window)
    active(qtbot, window)
    qtbot.waitUntil(lambda: window.loaded, timeout=WAIT)
    assert window.empty.text() == "Geen openstaande storingen of onderhoud."
    qtbot.keyClick(window.list, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = child(qtbot, window, NoticeForm)
    assert isinstance(form, NoticeForm)
    qtbot.waitUntil(lambda: form.loaded, timeout=WAIT)
    form.scope_kind.setCurrentIndex(1)  # Locatie
    assert form.target.currentText() == "Regiokantoor Zwolle"
    assert form.reach.text() == "Wordt gemaild aan 1 medewerkers"
    qtbot.keyClick(form.title, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.message.text() == "Vul een titel in.", timeout=WAIT)
    qtbot.keyClicks(form.title, "Geen netwerk in Zwolle")
    qtbot.keyClicks(form.text, "Het netwerk ligt eruit.")
    qtbot.keyClick(form.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.list.count() == 1, timeout=WAIT)
    assert window.list.item(0).text().startswith("Verstoring: Geen netwerk in Zwolle\nlocatie")
    assert "Het netwerk ligt eruit." in window.detail.toPlainText()
    active(qtbot, window)
    qtbot.keyClick(window.list, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    follow = child(qtbot, window, NoticeTextDialog)
    assert isinstance(follow, NoticeTextDialog)
    qtbot.keyClicks(follow.text, "Monteur is onderweg.")
    qtbot.keyClick(follow.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Monteur is onderweg." in window.detail.toPlainText(), timeout=WAIT)
    assert "Update, " in window.detail.toPlainText()
    active(qtbot, window)
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.list, Qt.Key.Key_A, modifiers)
    clear = child(qtbot, window, NoticeTextDialog)
    assert isinstance(clear, NoticeTextDialog) and clear.closing
    qtbot.keyClicks(clear.text, "Het netwerk werkt weer.")
    qtbot.keyClick(clear.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.list.count() == 0, timeout=WAIT)
    window.show_closed.setChecked(True)
    qtbot.waitUntil(lambda: window.list.count() == 1, timeout=WAIT)
    assert window.list.item(0).text().endswith("opgelost")
    assert not window.update_.isEnabled() and not window.clear.isEnabled()
    types = [e.type for e in store.pending_outbox() if e.stream_kind == "notice"]
    assert types == ["notice_published", "notice_updated", "notice_closed"]


def test_a_ticket_is_linked_from_its_window_and_shows_the_notice(
    qtbot: QtBot, store: Store
) -> None:
    draft = NoticeDraft(
        "halt", NoticeKind.MAINTENANCE, Scope(ScopeKind.ORG), "Onderhoud VPN", "Vanavond."
    )
    notice = desk.publish_notice(store, draft, COLLEAGUE, NOW)
    intake = Intake("e1", "VPN doet het niet", "phone", "netwerk", "one", "degraded")
    ticket = record_intake(store, intake, AGENT, NOW + timedelta(minutes=1))
    window = TicketDialog(store, ticket, AGENT, lambda: LATER)
    qtbot.addWidget(window)
    active(qtbot, window)
    qtbot.waitUntil(lambda: window.ticket is not None, timeout=WAIT)
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.note, Qt.Key.Key_K, modifiers)
    link = child(qtbot, window, LinkNoticeDialog)
    assert isinstance(link, LinkNoticeDialog)
    assert link.list.item(0).text() == "Gepland onderhoud: Onderhoud VPN"
    qtbot.keyClick(link.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: link.result() == 1, timeout=WAIT)
    links = [e for e in store.events_for(f"ticket:{ticket}") if e.type == "linked_to_notice"]
    assert [e.data["notice"] for e in links] == [notice.id]  # once, though Enter acts twice
    qtbot.waitUntil(lambda: "Onderhoud VPN" in window.timeline.toPlainText(), timeout=WAIT)


def test_the_status_bar_counts_unread_notifications(qtbot: QtBot, store: Store) -> None:
    main = MainWindow(store, AGENT, lambda: LATER)
    qtbot.addWidget(main)
    active(qtbot, main)
    qtbot.waitUntil(lambda: main.loaded, timeout=WAIT)
    assert main.notice_keys.unread.text() == "Berichten"
    p1 = {"org": "halt", "caller": "e1", "summary": "Niemand kan inloggen", "channel": "phone"}
    event = new_event("ticket:T1", "ticket_reported", NOW, COLLEAGUE, {**p1, "priority": "P1"})
    main.hub.run(lambda: store.record_event(event), lambda _r: None)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: main.notice_keys.unread.text() == "Berichten: 1 nieuw", timeout=WAIT)
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(main.table, Qt.Key.Key_B, modifiers)
    dialog = child(qtbot, main, NotificationsDialog)
    assert isinstance(dialog, NotificationsDialog)
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=WAIT)
    assert "P1 gemeld: T1 Niemand kan inloggen" in dialog.list.item(0).text()
    assert dialog.list.item(0).font().bold()
    qtbot.keyClick(dialog.list, Qt.Key.Key_M, modifiers)
    qtbot.waitUntil(lambda: main.notice_keys.unread.text() == "Berichten", timeout=WAIT)
    qtbot.waitUntil(lambda: not dialog.list.item(0).font().bold(), timeout=WAIT)


def test_the_demo_mailbox_shows_what_its_smtp_server_received(qtbot: QtBot) -> None:
    set_language("nl")
    mailbox = DemoMailbox().start()
    try:
        window = MailboxWindow(mailbox)
        qtbot.addWidget(window)
        active(qtbot, window)
        assert window.text.toPlainText() == "Er is nog geen mail verstuurd."
        message = EmailMessage()
        message["From"] = "Servicedesk (demo) <servicedesk@demo.invalid>"
        message["To"] = "z1@halt.nl"
        message["Subject"] = "Verstoring: Geen netwerk in Zwolle"
        message.set_content("Beste collega,\n\nHet netwerk ligt eruit.\n")
        with smtplib.SMTP("127.0.0.1", mailbox.port, timeout=30) as client:
            client.send_message(message)
        qtbot.waitUntil(lambda: window.table.rowCount() == 1, timeout=30_000)
        assert window.table.item(0, 2).text() == "Verstoring: Geen netwerk in Zwolle"
        assert window.count.text() == "1 mails ontvangen"
        shown = window.text.toPlainText()
        assert "Aan: z1@halt.nl" in shown and "Het netwerk ligt eruit." in shown
    finally:
        mailbox.stop()


def test_every_word_of_these_screens_goes_through_the_catalogue(
    qtbot: QtBot, store: Store, in_pseudo: None, tmp_path: Path
) -> None:
    """In the pseudo-language every text of ours is marked: what is left unmarked is data."""
    draft = NoticeDraft(
        "halt", NoticeKind.DISRUPTION, Scope(ScopeKind.LOCATION, "zwolle"), "Geen netwerk", "Plat."
    )
    notice = desk.publish_notice(store, draft, COLLEAGUE, NOW)
    desk.follow_up(store, notice.id, "Monteur onderweg.", COLLEAGUE, NOW + timedelta(minutes=5))
    p1 = {"org": "halt", "caller": "e1", "summary": "Alles plat", "channel": "phone"}
    store.record_event(
        new_event("ticket:T1", "ticket_reported", NOW, COLLEAGUE, {**p1, "priority": "P1"})
    )
    allowed = data_words(tmp_path / "cache.sqlite3") | {"t"}
    found: list[str] = []
    window = NoticesWindow(store, AGENT, lambda: LATER)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded, timeout=WAIT)
    found += leaks(window, allowed)
    form = window.new_notice()
    qtbot.waitUntil(lambda: form.loaded, timeout=WAIT)
    form.scope_kind.setCurrentIndex(1)
    form.submit()
    qtbot.waitUntil(lambda: bool(form.message.text()), timeout=WAIT)
    found += leaks(form, allowed)
    dialog = NotificationsDialog(store, AGENT, lambda _t: None, lambda: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=WAIT)
    found += leaks(dialog, allowed)
    mailbox = DemoMailbox()  # not started: an empty mailbox
    shown = MailboxWindow(mailbox)
    qtbot.addWidget(shown)
    shown.show()
    found += leaks(shown, allowed)
    assert found == [], "\n".join(found)


def test_the_intake_offers_the_callers_notices_and_links_the_new_ticket(
    qtbot: QtBot, store: Store
) -> None:
    here = NoticeDraft(
        "halt", NoticeKind.DISRUPTION, Scope(ScopeKind.LOCATION, "zwolle"), "Geen netwerk", "Plat."
    )
    everywhere = NoticeDraft(
        "halt", NoticeKind.MAINTENANCE, Scope(ScopeKind.ORG), "Onderhoud VPN", "Vanavond."
    )
    local = desk.publish_notice(store, here, COLLEAGUE, NOW)
    desk.publish_notice(store, everywhere, COLLEAGUE, NOW + timedelta(minutes=1))
    main = MainWindow(store, AGENT, lambda: LATER)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: main.loaded and main.directory is not None, timeout=WAIT)
    dialog = main.new_intake()
    assert main.directory is not None
    dialog.choose_caller(main.directory.find("Zeno")[0])  # works in Zwolle
    qtbot.waitUntil(lambda: dialog.notice.count() == 3, timeout=WAIT)
    offered = [dialog.notice.itemText(i) for i in range(3)]
    # The caller's own location first, then the organisation's.
    assert offered == ["— geen —", "Verstoring: Geen netwerk", "Gepland onderhoud: Onderhoud VPN"]
    dialog.summary.setText("Geen wifi op kantoor")
    dialog.category.setCurrentIndex(dialog.category.findData("netwerk"))
    dialog.impact.setCurrentIndex(dialog.impact.findData("one"))
    dialog.urgency.setCurrentIndex(dialog.urgency.findData("degraded"))
    dialog.notice.setCurrentIndex(1)
    with qtbot.waitSignal(dialog.saved, timeout=30_000) as saved:
        dialog.save()
    ticket = str(saved.args[0])
    assert desk.linked_notices(store, ticket) == [local.id]


def test_a_carrier_problem_is_a_notification_that_opens_the_swaps_ticket(
    qtbot: QtBot, store: Store
) -> None:
    intake = Intake("e1", "Laptop kapot", "phone", "werkplek", "one", "stopped")
    ticket = record_intake(store, intake, COLLEAGUE, NOW)
    swap = f"swap:{ticket}-SWAP1"
    plan = {"ticket": ticket, "org": "halt", "mode": "courier", "depot": "utrecht"}
    problem = {
        "leg": "out",
        "carrier": "postnl",
        "tracking": "3SHLTD100000001",
        "status": "failed_attempt",
        "code": "J05",
        "text": "Adres onbekend",
        "time": NOW.isoformat(),
        "source": "carrier",
        "problem": "address_problem",
    }
    store.record_events(
        [
            new_event(swap, "swap_opened", NOW, COLLEAGUE, plan),
            new_event(swap, "shipment_status", NOW, "system:courier", problem),
        ]
    )
    opened: list[str] = []
    dialog = NotificationsDialog(store, AGENT, opened.append, lambda: None)
    qtbot.addWidget(dialog)
    active(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.loaded and dialog.list.count() >= 1, timeout=WAIT)
    texts = [dialog.list.item(row).text() for row in range(dialog.list.count())]
    wanted = (
        "Vervoerder meldt probleem met het adres: PostNL 3SHLTD100000001 "
        f"voor omruiling {ticket}-SWAP1"
    )
    assert any(wanted in text for text in texts), texts
    dialog.list.setCurrentRow(next(row for row, text in enumerate(texts) if wanted in text))
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: opened == [ticket], timeout=WAIT)


def test_an_escalation_suggestion_is_a_notification_that_opens_its_ticket(
    qtbot: QtBot, store: Store
) -> None:
    intake = Intake("e1", "Zaaksysteem plat", "phone", "werkplek", "one", "stopped")
    ticket = record_intake(store, intake, COLLEAGUE, NOW)
    p1 = {
        "org": "halt",
        "trigger": "p1_breached",
        "level": "N1",
        "evidence": {"tickets": [ticket], "breaches": [f"{ticket}:resolution"]},
    }
    place = {
        "org": "halt",
        "trigger": "repeated_breaches",
        "level": "N2",
        "evidence": {"tickets": ["T7", "T8", "T9"], "breaches": ["T7:reaction"],
                     "location": "zwolle"},
    }  # fmt: skip
    store.record_events(
        [
            new_event("escalation:SUG-1", "escalation_suggested", NOW, "central", p1),
            new_event("escalation:SUG-2", "escalation_suggested", LATER, "central", place),
        ]
    )
    agents = [n.notification.kind for n in desk_notifications(store, AGENT)]
    assert "escalation_suggested" not in agents  # the service managers act on them
    opened: list[str] = []
    dialog = NotificationsDialog(store, "regie:halt.regie", opened.append, lambda: None)
    qtbot.addWidget(dialog)
    active(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.loaded and dialog.list.count() >= 2, timeout=WAIT)
    texts = [dialog.list.item(row).text() for row in range(dialog.list.count())]
    assert (
        "Escalatie voorgesteld (N2): drie termijnen overschreden op Regiokantoor Zwolle"
        in (texts[0])
    ), texts
    wanted = f"Escalatie voorgesteld (N1): P1 {ticket} te laat opgelost"
    row = next(row for row, text in enumerate(texts) if wanted in text)
    dialog.list.setCurrentRow(row)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: opened == [ticket], timeout=WAIT)
