"""The notices window's line about a notice's mails, on real widgets (offscreen) against a
real central on 127.0.0.1 whose mail job sends to a real SMTP server on loopback (aiosmtpd)
that refuses one address with a 550: the counts in Dutch, Ctrl+E lists the refused address
with the server's reason; not connected, or central out of reach: "niet bekend (offline)"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget
from pytestqt.qtbot import QtBot

from halt_desk.desk import notices as desk
from halt_desk.desk.notices import NoticeDraft
from halt_desk.domain.notices import NoticeKind, Scope, ScopeKind
from halt_desk.i18n import set_language
from halt_desk.store import Store
from halt_desk.sync.signin import SyncTarget
from tests.central_server import ThreadServer, free_port
from tests.desk_data import reference_events, staff_events
from tests.gui.test_notices_window import AGENT, LATER, WAIT, active, directory
from tests.mail_support import MailDesk, wait_until, wire
from tests.smtp_server import SmtpServer
from ui.notices_window import NoticesWindow

REFUSED = "weg@halt.nl"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    set_language("nl")
    with Store.open(tmp_path / "cache.sqlite3", clock=lambda: LATER) as opened:
        opened.record_events([*reference_events(), *staff_events(), *directory()], bulk=True)
        yield opened


@pytest.fixture
def central(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[MailDesk, ThreadServer]]:
    monkeypatch.setenv("HALT_DESK_CENTRAL_KEY_FILE", str(tmp_path / "central.key"))
    with SmtpServer() as smtp:
        smtp.refuse_recipients = {REFUSED: "550 5.1.1 no such user"}
        mail = MailDesk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}", smtp)
        zwolle = {"org": "halt", "name": "Regiokantoor Zwolle"}
        people = [
            wire("location:zwolle", "location_registered", zwolle, "admin"),
            *(
                wire(f"employee:z{n}", "employee_registered", _employee(n, address), "admin")
                for n, address in enumerate(("z1@halt.nl", REFUSED), start=1)
            ),
        ]
        with ThreadServer(mail.central) as server:
            mail.push(server.url, people, "admin")
            yield mail, server
        mail.central.close()


def _employee(n: int, address: str) -> dict[str, object]:
    return {"org": "halt", "name": f"Medewerker {n}", "email": address, "location": "zwolle"}


def _publish(store: Store) -> str:
    draft = NoticeDraft(
        org="halt",
        kind=NoticeKind.DISRUPTION,
        scope=Scope(ScopeKind.LOCATION, "zwolle"),
        title="Geen netwerk in Zwolle",
        text="Het netwerk op het regiokantoor ligt eruit.",
    )
    return desk.publish_notice(store, draft, AGENT, LATER).id


def test_the_line_counts_the_notices_mails_and_ctrl_e_lists_the_refused_one(
    qtbot: QtBot, store: Store, central: tuple[MailDesk, ThreadServer]
) -> None:
    mail, server = central
    notice_id = _publish(store)
    stream = f"notice:{notice_id}"
    mail.push(server.url, [e.to_json() for e in store.events_for(stream)])
    wait_until(
        lambda: (
            [r["state"] for r in mail.outbox() if r["stream"] == stream].count("queued") == 0
            and any(r["stream"] == stream for r in mail.outbox())
        ),
        "the notice's mails are sent or failed",
    )
    target = SyncTarget(server.url, mail.tokens["agent-a"])
    window = NoticesWindow(store, AGENT, lambda: LATER, target=lambda: target)
    qtbot.addWidget(window)
    active(qtbot, window)
    expected = "E-mail: verstuurd aan 1 van 2 medewerkers · 1 niet afgeleverd · 0 wachten"
    qtbot.waitUntil(lambda: window.mail.label.text() == expected, timeout=WAIT)
    assert window.mail.failures.isEnabled()
    qtbot.keyClick(window.list, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.mail.dialog is not None and window.mail.dialog.isVisible())
    dialog = window.mail.dialog
    assert dialog is not None
    listing = dialog.findChild(QListWidget)
    assert listing is not None and listing.count() == 1
    line = listing.item(0).text()
    assert line == f"{REFUSED} · melding · mailserver: 550 5.1.1 no such user"
    qtbot.keyClick(listing, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_not_connected_or_out_of_reach_the_line_says_not_known(qtbot: QtBot, store: Store) -> None:
    _publish(store)
    unsigned = NoticesWindow(store, AGENT, lambda: LATER)
    qtbot.addWidget(unsigned)
    qtbot.waitUntil(lambda: unsigned.loaded, timeout=WAIT)
    assert unsigned.mail.label.text() == "E-mail: niet bekend (offline)"
    assert not unsigned.mail.failures.isEnabled()
    away = SyncTarget(f"http://127.0.0.1:{free_port()}", "token")
    unreachable = NoticesWindow(store, AGENT, lambda: LATER, target=lambda: away)
    qtbot.addWidget(unreachable)
    qtbot.waitUntil(
        lambda: unreachable.mail.label.text() == "E-mail: niet bekend (offline)", timeout=WAIT
    )


def test_a_closed_window_stops_asking_central(qtbot: QtBot, store: Store) -> None:
    _publish(store)
    asked: list[str] = []

    def target() -> SyncTarget | None:
        asked.append("asked")
        return None

    window = NoticesWindow(store, AGENT, lambda: LATER, target=target)
    qtbot.addWidget(window)
    active(qtbot, window)
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT)
    window.mail._tick()  # what the timer does every 30 seconds
    shown = len(asked)
    assert shown >= 2
    window.close()
    window.mail._tick()
    assert len(asked) == shown
