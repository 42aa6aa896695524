"""Screenshots of the wording lane's screens under a real X server (Xvfb) on a computer whose
own zone is UTC: the monthly report dialog (the file name following the month, a refusal),
the sign-in dialog with a refusal, the device register and the field view (their times in
Amsterdam). And the same dialogs, refusals shown, in the pseudo-language: every word of
them comes from the catalogue.

    TZ=UTC xvfb-run -a .venv/bin/python -m tests.gui.test_screenshots_wording OUT_DIR
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from halt_desk.store import Store
from halt_desk.sync.credentials import EncryptedFileTokens
from halt_desk.sync.settings import load_settings
from tests.gui.shot_run import assert_not_blank, needs_xvfb, run_shots
from tests.gui.test_pseudo_language import data_words, in_pseudo, leaks, store
from tests.gui.test_wording import NOW as REPORT_NOW
from ui.report_dialog import ReportDialog
from ui.sign_in import SignInDialog

__all__ = ["in_pseudo", "store"]  # the pseudo-language fixtures, used below
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHOTS = [
    "device-register.png",
    "field-view.png",
    "report-dialog-refusal.png",
    "report-dialog.png",
    "sign-in-refusal.png",
]


def type_into(widget: QWidget, text: str) -> None:
    QTest.keyClick(widget, Qt.Key.Key_A, CTRL)
    QTest.keyClicks(widget, text)


def report_screens(app: QApplication, store: Store, out: Path) -> None:
    from tests.gui.screenshots import settle, shoot

    dialog = ReportDialog(
        store, {"halt": "Stichting Halt", "desom": "SSC DeSom"}, lambda: REPORT_NOW
    )
    dialog.move(0, 0)
    dialog.show()
    dialog.activateWindow()
    settle(app)
    QTest.keyClick(dialog, Qt.Key.Key_M, ALT)
    type_into(dialog.month, "2026-13")
    settle(app)
    shoot(dialog, out / "report-dialog-refusal.png")
    type_into(dialog.month, "2026-10")
    settle(app)
    shoot(dialog, out / "report-dialog.png")
    dialog.close()


def sign_in_screen(app: QApplication, folder: Path, out: Path) -> None:
    from tests.gui.screenshots import settle, shoot

    tokens = EncryptedFileTokens(folder / "credentials.enc", passphrase=lambda: None)
    dialog = SignInDialog(load_settings(folder / "settings.toml"), tokens)
    dialog.move(0, 0)
    dialog.show()
    dialog.activateWindow()
    settle(app)
    type_into(dialog.token, "token-van-de-beheerder")
    QTest.keyClick(dialog.token, Qt.Key.Key_Return)  # the server field still says https://
    settle(app)
    shoot(dialog, out / "sign-in-refusal.png")
    dialog.close()


def main(out: Path) -> int:
    from halt_desk.demo.terminal import build_demo_store
    from tests.gui.screenshots import field_screens, logistics_screens
    from ui.app import application

    out.mkdir(parents=True, exist_ok=True)
    app = application("nl")
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        build_demo_store(folder / "demo.sqlite3", seed=1, months=2, tickets_per_month=120)
        with Store.open(folder / "demo.sqlite3") as opened:
            report_screens(app, opened, out)
            sign_in_screen(app, folder, out)
            logistics_screens(app, opened, now, out)
            field_screens(app, opened, now, out)
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


@pytest.mark.slow
@needs_xvfb
def test_screenshots_of_the_wording_screens_on_a_utc_computer(tmp_path: Path) -> None:
    run_shots("tests.gui.test_screenshots_wording", tmp_path, timeout=300, env={"TZ": "UTC"})
    names = sorted(path.name for path in tmp_path.glob("*.png"))
    assert set(SHOTS) <= set(names), names
    for name in SHOTS:
        assert_not_blank(tmp_path / name, size=(300, 150), rows=(40, 80, 120))


def test_the_refusals_say_nothing_outside_the_catalogue(
    qtbot: QtBot, store: Store, in_pseudo: None, tmp_path: Path
) -> None:
    """The report dialog and the sign-in dialog with a refusal on screen, in pseudo-language."""
    allowed = data_words(tmp_path / "cache.sqlite3") | {"https", "http", "slr", "pdf"}
    report = ReportDialog(store, {"halt": "Stichting Halt"}, lambda: REPORT_NOW)
    tokens = EncryptedFileTokens(tmp_path / "credentials.enc", passphrase=lambda: None)
    sign_in = SignInDialog(load_settings(tmp_path / "settings.toml"), tokens)
    found = []
    for dialog in (report, sign_in):
        qtbot.addWidget(dialog)
        dialog.show()
    for month in ("oktober", "2026-13", "1999-01", "2027-01"):
        report.month.setText(month)
        assert report.message.text()
        found += leaks(report, allowed)
    sign_in.submit()  # the server field still says https://
    assert sign_in.message.text()
    found += leaks(sign_in, allowed)
    assert found == [], "\n".join(found)


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
