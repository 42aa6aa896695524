"""Signing out from the main window, keyboard only: Ctrl+Shift+L, Enter on "Ja"; the sync
process stops, the server's token leaves this computer's token store, the status bar says
so, and what waits in the outbox stays (a real central on loopback, a real sync process)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from halt_desk.store import Store
from halt_desk.sync import ServerClock, SyncSettings
from halt_desk.sync.credentials import PASSPHRASE_ENV, EncryptedFileTokens
from halt_desk.sync.signin import SyncTarget, sign_out
from tests.sync_support import Desk
from ui.main_window import MainWindow
from ui.sync_controller import SyncController

PATIENCE_MS = 30_000
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def signed_in(
    qtbot: QtBot, tmp_path: Path, central: tuple[Desk, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[MainWindow, SyncController, EncryptedFileTokens, str]]:
    desk, url = central
    monkeypatch.setenv(PASSPHRASE_ENV, "een lange wachtwoordzin")
    tokens = EncryptedFileTokens(tmp_path / "credentials.enc")
    tokens.set(url, desk.tokens["agent-a"])
    clock = ServerClock()
    store = Store.open(tmp_path / "cache.sqlite3", recording_clock=clock, clock=clock.now)
    clock.attach(store)
    controller = SyncController(store.path, clock, interval=60)
    main = MainWindow(store, "agent-a", clock.now, controller)
    qtbot.addWidget(main)
    main.show()
    controller.start(SyncTarget(url, desk.tokens["agent-a"]))
    settings = SyncSettings(server=url, user="agent-a")
    main.enable_sign_out(lambda: sign_out(settings, tokens))
    qtbot.waitUntil(lambda: main.connection.text() == "Online", timeout=PATIENCE_MS)
    yield main, controller, tokens, url
    controller.stop()
    store.close()


def test_ctrl_shift_l_signs_out_and_keeps_the_outbox(
    qtbot: QtBot, signed_in: tuple[MainWindow, SyncController, EncryptedFileTokens, str]
) -> None:
    main, controller, tokens, url = signed_in

    def question() -> QMessageBox:
        main.activateWindow()
        qtbot.waitUntil(main.isActiveWindow)  # its shortcuts need it active
        qtbot.keyClick(main.table, Qt.Key.Key_L, CTRL_SHIFT)
        qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and box.text().startswith("Deze computer afmelden")
        return box

    qtbot.keyClick(question(), Qt.Key.Key_Escape)  # Annuleren: nothing happens
    qtbot.waitUntil(lambda: main.sign_out.box is None)
    assert tokens.get(url) is not None and main.connection.text() == "Online"
    box = question()
    (yes,) = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole]
    assert yes.text() == "&Afmelden" and box.defaultButton() is not yes  # Annuleren by default
    qtbot.keyClick(box, Qt.Key.Key_Tab)  # from Annuleren (the default) to Afmelden
    qtbot.keyClick(yes, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: main.sign_out.signed_out, timeout=PATIENCE_MS)
    assert tokens.get(url) is None
    assert controller.process_id is None or not Path(f"/proc/{controller.process_id}").exists()
    assert main.connection.text() == "Afgemeld — meld aan bij de volgende start"
    assert not main.sign_out.action.isEnabled()
