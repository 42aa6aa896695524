"""Mail from the desk's actions: an intake and a status update per e-mail in the desk app
reach a real SMTP server (aiosmtpd on loopback) through central; the ticket's timeline
says "E-mail verstuurd aan …" or "Niet afgeleverd: <reason>", and "E-mail opnieuw…"
sends an undelivered mail again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from halt_desk.central.embedded import EmbeddedServer
from halt_desk.desk.actions import Action, ActionRequest
from halt_desk.store import Store
from halt_desk.sync import ServerClock
from halt_desk.sync.signin import SyncTarget
from tests.mail_support import CALLER_EMAIL, MailDesk
from tests.smtp_server import SmtpServer
from ui.main_window import MainWindow
from ui.sync_controller import SyncController
from ui.ticket_dialog import TicketDialog

TIMEOUT = 60_000


@pytest.fixture
def window(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[MainWindow, MailDesk]]:
    monkeypatch.setenv("HALT_DESK_CENTRAL_KEY_FILE", str(tmp_path / "central.key"))
    with SmtpServer() as smtp:
        desk = MailDesk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}", smtp)
        with EmbeddedServer(desk.central) as server:
            clock = ServerClock()
            store = Store.open(tmp_path / "cache.sqlite3", recording_clock=clock, clock=clock.now)
            clock.attach(store)
            controller = SyncController(store.path, clock, interval=0.3)
            main = MainWindow(store, "agent-a", clock.now, controller)
            qtbot.addWidget(main)
            main.show()
            controller.start(SyncTarget(server.url, desk.tokens["agent-a"]))
            yield main, desk
            controller.stop()
            store.close()
        desk.central.close()


def _lines(dialog: TicketDialog) -> list[str]:
    return [entry.body.partition("\n")[0] for entry in dialog.timeline.entries]


def test_desk_actions_mail_the_caller_and_show_the_delivery_state(
    qtbot: QtBot, window: tuple[MainWindow, MailDesk]
) -> None:
    main, desk = window
    smtp = desk.smtp
    qtbot.waitUntil(
        lambda: main.directory is not None and bool(main.directory.find("Anna")), timeout=TIMEOUT
    )
    assert main.directory is not None
    intake = main.new_intake()
    intake.choose_caller(main.directory.find("Anna")[0])
    intake.summary.setText("Printer op de tweede verdieping doet niets")
    intake.category.setCurrentIndex(intake.category.findData("werkplek"))
    intake.impact.setCurrentIndex(intake.impact.findData("one"))
    intake.urgency.setCurrentIndex(intake.urgency.findData("degraded"))
    with qtbot.waitSignal(intake.saved) as saved:
        intake.save()
    ticket = saved.args[0]
    (registered,) = smtp.wait_count(1)
    assert registered.subject == f"Uw melding {ticket} is geregistreerd"
    assert '"Printer op de tweede verdieping doet niets"' in registered.text

    dialog = main.open_ticket_id(ticket)
    qtbot.addWidget(dialog)
    sent = f"E-mail verstuurd aan {CALLER_EMAIL}"
    qtbot.waitUntil(lambda: sent in _lines(dialog), timeout=TIMEOUT)
    entry = next(e for e in dialog.timeline.entries if e.body.startswith(sent))
    assert entry.label == "E-mail verstuurd"
    assert entry.body.splitlines()[1] == "Registratiebevestiging aan de melder"
    assert not any("wacht op verzending" in line for line in _lines(dialog))

    smtp.refuse_recipients[CALLER_EMAIL] = "550 5.1.1 mailbox unavailable"
    update = "De printer wordt morgen om 9:00 vervangen."
    dialog.act(ActionRequest(Action.STATUS_UPDATE, channel="email", text=update))
    failed = "Niet afgeleverd: 550 5.1.1 mailbox unavailable"
    qtbot.waitUntil(lambda: failed in _lines(dialog), timeout=TIMEOUT)
    assert smtp.messages() == [registered]

    del smtp.refuse_recipients[CALLER_EMAIL]
    chooser = dialog.open_resend()
    assert chooser is not None
    first = chooser.comboBoxItems()[0]
    assert first.startswith("Niet afgeleverd: Statusupdate aan de melder")
    chooser.setTextValue(first)
    chooser.accept()
    found = smtp.wait_count(2)
    assert found[1].subject == f"Stand van zaken melding {ticket}"
    assert update in found[1].text
    qtbot.waitUntil(
        lambda: (
            _lines(dialog).count(sent) == 2
            and "E-mail aan " + CALLER_EMAIL + " opnieuw gevraagd" in _lines(dialog)
        ),
        timeout=TIMEOUT,
    )
