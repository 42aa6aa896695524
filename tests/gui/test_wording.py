"""Defects 1 and 2 of the new user, by the keys: the monthly report dialog follows the month
typed (file name, a Dutch refusal that goes once the month is right, Alt+B to the file),
and the sign-in dialog says every refusal as a Dutch sentence, never the terminal's English
or a Python repr, and keeps the token in a place it names in Dutch."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from halt_desk.demo import generate
from halt_desk.store import Store
from halt_desk.sync.credentials import EncryptedFileTokens
from halt_desk.sync.settings import load_settings
from tests.central_server import ThreadServer, free_port
from tests.sync_support import Desk
from ui.report_dialog import ReportDialog
from ui.sign_in import SignInDialog

NOW = datetime.fromisoformat("2026-12-01T10:00:00+01:00")
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
#: What the terminal's messages look like; none of it may reach a Dutch screen.
TECHNICAL = re.compile(r"--\w|settings|'[^']*'|\bnot\b|\bthe\b|expected|http\(s\)|\.enc\b")


@pytest.fixture(scope="module")
def demo_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "cache.sqlite3"
    dataset = generate(seed=3, months=2, end=date(2026, 11, 30), tickets_per_month=30)
    with Store.open(path) as store:
        store.record_events(dataset.events, bulk=True)
    return path


@pytest.fixture
def dialog(qtbot: QtBot, demo_cache: Path, tmp_path: Path) -> Iterator[ReportDialog]:
    with Store.open(demo_cache) as store:
        shown = ReportDialog(store, {"halt": "Stichting Halt"}, lambda: NOW)
        qtbot.addWidget(shown)
        shown.out.setText(str(tmp_path / shown.out.text().rpartition("/")[2]))
        shown.show()
        qtbot.waitExposed(shown)
        shown.activateWindow()
        qtbot.waitUntil(shown.isActiveWindow)
        yield shown
        shown.close()


def type_month(qtbot: QtBot, dialog: ReportDialog, text: str) -> None:
    qtbot.keyClick(dialog, Qt.Key.Key_M, ALT)  # &Maand
    assert dialog.month.hasFocus()
    qtbot.keyClick(dialog.month, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dialog.month, text)


def test_the_file_name_follows_the_month_typed_and_the_report_is_of_that_month(
    qtbot: QtBot, dialog: ReportDialog, tmp_path: Path
) -> None:
    assert dialog.month.text() == "2026-11"
    assert dialog.out.text() == str(tmp_path / "slr-2026-11.pdf")
    type_month(qtbot, dialog, "2026-10")
    assert dialog.out.text() == str(tmp_path / "slr-2026-10.pdf")
    with qtbot.waitSignal(dialog.written, timeout=60_000) as written:
        qtbot.keyClick(dialog.month, Qt.Key.Key_Return)
    assert written.args == [[tmp_path / "slr-2026-10.pdf"]]
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "slr-2026-10.pdf").pages)
    assert "oktober 2026" in text and "november 2026" not in text.partition("\n")[0]
    assert not (tmp_path / "slr-2026-11.pdf").exists()


def test_a_name_the_user_chose_stays_when_the_month_changes(
    qtbot: QtBot, dialog: ReportDialog, tmp_path: Path
) -> None:
    qtbot.keyClick(dialog, Qt.Key.Key_B, ALT)  # &Bestand
    assert dialog.out.hasFocus()
    qtbot.keyClick(dialog.out, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dialog.out, str(tmp_path / "voor-de-regie.pdf"))
    type_month(qtbot, dialog, "2026-10")
    assert dialog.out.text() == str(tmp_path / "voor-de-regie.pdf")


def test_the_file_label_underlines_its_letter_and_leads_to_the_file_name(
    dialog: ReportDialog,
) -> None:
    label = next(w for w in dialog.findChildren(QLabel) if w.buddy() is dialog.out)
    assert label.text() == "&Bestand"  # shown as B underlined, not a literal "&"


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("oktober", "Schrijf de maand als JJJJ-MM, bijvoorbeeld 2027-01."),
        ("2026-13", "Maand 13 bestaat niet: een maand is 01 tot en met 12."),
        ("1999-10", "Kies een jaar van 2000 tot en met 2100."),
        ("2027-01", "De maand 2027-01 is nog niet begonnen."),
    ],
)
def test_a_bad_month_is_refused_in_dutch_and_the_refusal_goes_once_corrected(
    qtbot: QtBot, dialog: ReportDialog, tmp_path: Path, typed: str, refusal: str
) -> None:
    type_month(qtbot, dialog, typed)
    assert dialog.message.text() == refusal
    qtbot.keyClick(dialog.month, Qt.Key.Key_Return)  # Enter makes nothing of it
    assert dialog.message.text() == refusal and dialog.month.hasFocus()
    assert list(tmp_path.glob("*.pdf")) == []
    type_month(qtbot, dialog, "2026-10")
    assert dialog.message.text() == ""
    assert dialog.out.text() == str(tmp_path / "slr-2026-10.pdf")


def test_a_month_without_tickets_names_the_organisation_not_its_id(
    qtbot: QtBot, dialog: ReportDialog
) -> None:
    type_month(qtbot, dialog, "2025-01")
    qtbot.keyClick(dialog.month, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "geen meldingen" in dialog.message.text(), timeout=60_000)
    assert dialog.message.text() == "In 2025-01 zijn er geen meldingen van Stichting Halt gedaan."


# ------------------------------------------------------------------ signing in


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A real central on 127.0.0.1: its URL and a token it accepts."""
    desk = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    with ThreadServer(desk.central) as server:
        yield server.url, desk.tokens["agent-a"]
    desk.central.close()


def sign_in_dialog(qtbot: QtBot, tmp_path: Path) -> SignInDialog:
    """On a computer without a keychain and without a passphrase for the encrypted file."""
    tokens = EncryptedFileTokens(tmp_path / "credentials.enc", passphrase=lambda: None)
    dialog = SignInDialog(load_settings(tmp_path / "settings.toml"), tokens)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def fill(qtbot: QtBot, dialog: SignInDialog, server: str, token: str) -> None:
    qtbot.keyClick(dialog, Qt.Key.Key_S, ALT)  # &Server
    assert dialog.server.hasFocus()
    qtbot.keyClick(dialog.server, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dialog.server, server)
    qtbot.keyClick(dialog, Qt.Key.Key_T, ALT)  # &Token
    qtbot.keyClick(dialog.token, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dialog.token, token)
    qtbot.keyClick(dialog.token, Qt.Key.Key_Return)


def test_the_sign_in_dialog_says_in_dutch_where_the_token_is_kept(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = sign_in_dialog(qtbot, tmp_path)
    intro = dialog.findChildren(QLabel)[0].text()
    assert intro.endswith(
        "het wordt bewaard in een versleuteld bestand op deze computer, beveiligd met een "
        "wachtwoordzin."
    )
    assert not TECHNICAL.search(intro), intro


@pytest.mark.parametrize(
    ("server", "sentence"),
    [
        ("https://", "Vul het webadres van de server in, zoals https://desk.example.nl:8765."),
        (
            "desk.example.nl",
            "Vul het webadres van de server in, zoals https://desk.example.nl:8765.",
        ),
        (
            "http://desk.example.nl",
            "Gebruik https:// voor deze server; http:// mag alleen naar deze computer zelf.",
        ),
        (
            "https://jan:geheim@desk.example.nl",
            "Geef alleen het adres van de server (https://naam:poort), zonder "
            "gebruikersnaam, wachtwoord, ? of #.",
        ),
    ],
)
def test_a_bad_server_address_is_a_dutch_sentence_that_goes_when_corrected(
    qtbot: QtBot, tmp_path: Path, server: str, sentence: str
) -> None:
    dialog = sign_in_dialog(qtbot, tmp_path)
    fill(qtbot, dialog, server, "token")
    assert dialog.message.text() == sentence and dialog.server.hasFocus()
    qtbot.keyClick(dialog.server, Qt.Key.Key_End)
    qtbot.keyClicks(dialog.server, "x")
    assert dialog.message.text() == ""


def test_an_unreachable_server_is_a_dutch_sentence(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = sign_in_dialog(qtbot, tmp_path)
    server = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    fill(qtbot, dialog, server, "token")
    qtbot.waitUntil(lambda: "bereikbaar" in dialog.message.text(), timeout=60_000)
    assert dialog.message.text() == (
        f"De server {server} is niet bereikbaar. Controleer het adres en de "
        "netwerkverbinding, of werk offline."
    )


def test_a_refused_token_is_a_dutch_sentence(
    qtbot: QtBot, tmp_path: Path, central: tuple[str, str]
) -> None:
    dialog = sign_in_dialog(qtbot, tmp_path)
    fill(qtbot, dialog, central[0], "not-a-token")
    qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled(), timeout=60_000)
    assert dialog.message.text() == (
        "De server weigert dit token. Controleer het, of vraag de beheerder om een nieuw token."
    )


def test_a_token_that_cannot_be_kept_safely_is_a_dutch_sentence(
    qtbot: QtBot, tmp_path: Path, central: tuple[str, str]
) -> None:
    """Central accepts the token, but this computer has no keychain and no passphrase."""
    dialog = sign_in_dialog(qtbot, tmp_path)
    fill(qtbot, dialog, *central)
    qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled(), timeout=60_000)
    assert dialog.message.text().startswith("Het token kan op deze computer niet veilig")
    assert not TECHNICAL.search(dialog.message.text())
    assert not (tmp_path / "credentials.enc").exists()
