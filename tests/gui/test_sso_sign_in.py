"""The desk's sign-in dialog with Entra ID, end to end: the device-code flow of MSAL against
a real OpenID Connect provider on 127.0.0.1 over HTTPS (tests/oidc_provider.py), the code
on screen, the user approving it, central checking the access token, the settings saved;
a user without a HALT role refused in Dutch; every word of it from the catalogue."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from halt_desk.central.entra import ENTRA_CONFIG_ENV
from halt_desk.central.service import Central
from halt_desk.i18n import _
from halt_desk.sync.client import CentralClient
from halt_desk.sync.credentials import EncryptedFileTokens
from halt_desk.sync.settings import SyncSettings, load_settings
from halt_desk.sync.signin import signed_in_target
from halt_desk.sync.sso import SsoConfig
from tests.central_server import ThreadServer
from tests.gui.test_pseudo_language import in_pseudo, leaks
from tests.integration.test_central_entra import write_config
from tests.integration.test_sso_login import machine_config
from tests.oidc_provider import CLIENT_ID, SCOPE, OidcProvider
from ui.sign_in import SignInDialog

__all__ = ["in_pseudo"]
WAIT_MS = 60_000  # a loaded machine: MSAL polls the provider every second


@dataclass
class Site:
    provider: OidcProvider
    server: str
    config: SsoConfig
    tokens: EncryptedFileTokens
    folder: Path


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    provider = OidcProvider(tmp_path).start()
    monkeypatch.setenv(ENTRA_CONFIG_ENV, str(write_config(provider, tmp_path)))
    monkeypatch.setenv("HALT_DESK_DATA_DIR", str(tmp_path / "laptop"))
    monkeypatch.setenv("HALT_DESK_CONFIG_DIR", str(tmp_path / "laptop"))
    monkeypatch.setenv("HALT_DESK_CREDENTIALS_BACKEND", "file")
    monkeypatch.setenv("HALT_DESK_CREDENTIALS_PASSPHRASE", "een lange wachtzin")
    config = SsoConfig(provider.authority, CLIENT_ID, (SCOPE,), provider.ca)
    central = Central.open(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    tokens = EncryptedFileTokens(tmp_path / "credentials.enc", passphrase=lambda: "x")
    with ThreadServer(central) as server:
        machine = machine_config(tmp_path, server.url, provider)  # as Intune deploys it
        monkeypatch.setenv("HALT_DESK_MACHINE_CONFIG", str(machine))
        yield Site(provider, server.url, config, tokens, tmp_path / "laptop")
    central.close()
    provider.stop()


def dialog_of(qtbot: QtBot, site: Site) -> SignInDialog:
    # the [sso] table of the machine configuration, read by the dialog itself
    dialog = SignInDialog(SyncSettings(server=site.server), site.tokens)
    assert dialog.sso is not None and dialog.sso.client_id == site.config.client_id
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_device_code_sign_in_end_to_end(qtbot: QtBot, site: Site) -> None:
    dialog = dialog_of(qtbot, site)
    dialog.code_button.click()
    qtbot.waitUntil(lambda: bool(dialog.code.text()), timeout=WAIT_MS)
    assert dialog.code.isVisible() and not dialog.code_button.isEnabled()
    assert f"127.0.0.1:{site.provider.port}/devicelogin" in dialog.code_words.text()
    assert dialog.code_status.text() == _("Waiting until you have signed in…")
    claims = site.provider.claims_for("Anna.Agent@halt.example", ["Agent"], halt_orgs="halt")
    site.provider.approve(dialog.code.text(), claims)
    qtbot.waitUntil(lambda: dialog.result() == SignInDialog.DialogCode.Accepted, timeout=WAIT_MS)
    assert (dialog.settings.auth, dialog.settings.user) == ("sso", "anna.agent@halt.example")
    saved = load_settings()
    assert (saved.server, saved.auth, saved.user) == (site.server, "sso", "anna.agent@halt.example")
    target = signed_in_target(saved, site.tokens)  # what the app's sync then uses
    assert target.sso and target.round_token() == target.token
    with CentralClient(target.server, target.round_token()) as client:
        assert client.changes(0, 1) is not None  # central accepts the access token


def test_a_user_without_a_role_is_told_in_dutch(qtbot: QtBot, site: Site) -> None:
    dialog = dialog_of(qtbot, site)
    dialog.code_button.click()
    qtbot.waitUntil(lambda: bool(dialog.code.text()), timeout=WAIT_MS)
    claims = site.provider.claims_for("gast@halt.example", [], halt_orgs="halt")
    site.provider.approve(dialog.code.text(), claims)
    refusal = _(
        "The central server does not accept your account: it has no role in HALT "
        "Desk yet. Ask your administrator."
    )
    qtbot.waitUntil(lambda: dialog.message.text() == refusal, timeout=WAIT_MS)
    assert refusal.startswith("De centrale server")
    assert dialog.code_button.isEnabled() and not dialog.code.isVisible()
    assert dialog.result() != SignInDialog.DialogCode.Accepted
    assert load_settings().auth is None


def test_closing_the_dialog_stops_waiting_for_the_code(qtbot: QtBot, site: Site) -> None:
    dialog = dialog_of(qtbot, site)
    dialog.code_button.click()
    qtbot.waitUntil(lambda: bool(dialog.code.text()), timeout=WAIT_MS)
    dialog.reject()  # "work offline": the background wait ends at its next poll
    assert dialog._cancelled.is_set()


def test_the_sso_dialog_says_nothing_outside_the_catalogue(
    qtbot: QtBot, site: Site, in_pseudo: None
) -> None:
    # data, not words: the server's and the provider's addresses, the code
    allowed = {"https", "http", "microsoft", "com", "devicelogin"}
    dialog = dialog_of(qtbot, site)
    found = leaks(dialog, allowed)
    dialog.show_code("https://microsoft.com/devicelogin", "ABCD1234")
    found += leaks(dialog, allowed | {"abcd"})
    dialog._sso_failed(RuntimeError("no answer"))
    found += leaks(dialog, allowed)
    assert found == [], "\n".join(found)


def test_browser_sign_in_end_to_end(
    qtbot: QtBot, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Authorization code with PKCE in the system browser ($BROWSER: the test browser)."""
    for name in ("SSH_CONNECTION", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    browser = Path(__file__).resolve().parents[1] / "fake_browser.py"
    monkeypatch.setenv("DISPLAY", ":0")  # a desktop session; the test browser needs no X
    monkeypatch.setenv("BROWSER", f"{sys.executable} {browser} %s")
    monkeypatch.setenv("HALT_TEST_IDP_CA", str(site.provider.ca))
    idp = site.provider
    idp.browser_claims = idp.claims_for("els@halt.example", ["Logistics"], halt_orgs="halt")
    dialog = dialog_of(qtbot, site)
    assert dialog.browser_button.isEnabled()
    dialog.browser_button.click()
    assert dialog.message.text() == _("Your browser opens; sign in there.")
    qtbot.waitUntil(lambda: dialog.result() == SignInDialog.DialogCode.Accepted, timeout=WAIT_MS)
    assert (dialog.settings.auth, dialog.settings.user) == ("sso", "els@halt.example")
    assert idp.pkce_verified == 1


def test_without_a_browser_session_only_the_code_is_offered(
    qtbot: QtBot, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50000 192.0.2.8 22")
    dialog = dialog_of(qtbot, site)
    assert not dialog.browser_button.isEnabled() and dialog.code_button.isEnabled()
    dialog.code_button.click()
    qtbot.waitUntil(lambda: bool(dialog.code.text()), timeout=WAIT_MS)
    assert not dialog.browser_button.isEnabled()
    dialog._sso_failed(RuntimeError("stopped"))  # back to the choice: still no browser
    assert not dialog.browser_button.isEnabled() and dialog.code_button.isEnabled()
