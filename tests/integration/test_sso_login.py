"""`halt-desk sync login --sso --device-code` end to end: MSAL against a real OpenID Connect
provider on 127.0.0.1 over HTTPS (tests/oidc_provider.py, a CA the test makes), the token
cache in the encrypted file (no keychain here), central checking the access token, a sync
round renewing it silently, and `sync logout` removing the sign-in."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import msal_extensions
import pytest

from halt_desk.central.entra import ENTRA_CONFIG_ENV
from halt_desk.central.service import Central
from halt_desk.sync.sso import EncryptedFilePersistence
from tests.central_server import ThreadServer
from tests.integration.test_central_entra import write_config
from tests.oidc_provider import CLIENT_ID, SCOPE, OidcProvider

PASSPHRASE = "correct horse battery staple"


@dataclass
class Setup:
    provider: OidcProvider
    env: dict[str, str]
    data: Path


def machine_config(folder: Path, server: str, provider: OidcProvider) -> Path:
    path = folder / "machine" / "config.toml"
    path.parent.mkdir()
    (path.parent / "idp-ca.pem").write_bytes(provider.ca.read_bytes())
    path.write_text(
        f'[sync]\nserver = "{server}"\n\n[sso]\nauthority = "{provider.authority}"\n'
        f'client_id = "{CLIENT_ID}"\nscopes = ["{SCOPE}"]\nca_bundle = "idp-ca.pem"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Setup]:
    provider = OidcProvider(tmp_path).start()
    monkeypatch.setenv(ENTRA_CONFIG_ENV, str(write_config(provider, tmp_path)))
    central = Central.open(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    with ThreadServer(central) as server:
        data = tmp_path / "laptop"
        env = {
            **os.environ,
            "HALT_DESK_DATA_DIR": str(data),
            "HALT_DESK_MACHINE_CONFIG": str(machine_config(tmp_path, server.url, provider)),
            "HALT_DESK_CREDENTIALS_BACKEND": "file",
            "HALT_DESK_CREDENTIALS_PASSPHRASE": PASSPHRASE,
        }
        yield Setup(provider, env, data)
    central.close()
    provider.stop()


def halt_desk(setup: Setup, *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("halt-desk")
    return subprocess.run(
        [str(exe), *args], env=setup.env, capture_output=True, text=True, timeout=120
    )


def device_login(
    setup: Setup,
    claims: dict[str, object],
    args: tuple[str, ...] = ("--device-code",),
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Starts `sync login --sso --device-code`, approves its code as the user, waits."""
    exe = Path(sys.executable).with_name("halt-desk")
    process = subprocess.Popen(
        [str(exe), "sync", "login", "--sso", *args],
        env=env or setup.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    message = process.stdout.readline()  # the device code, shown to the user
    codes = setup.provider.pending_user_codes()
    assert len(codes) == 1 and codes[0] in message, message
    setup.provider.approve(codes[0], claims)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, message + out, err)


def test_device_code_login_sync_renewal_and_logout(setup: Setup) -> None:
    idp = setup.provider
    claims = idp.claims_for("Jan.Agent@Halt.example", ["Agent"], halt_orgs=["halt"])
    login = device_login(setup, claims)
    assert login.returncode == 0, login.stderr
    assert "signed in to" in login.stdout and "jan.agent@halt.example" in login.stdout
    settings = (setup.data / "settings.toml").read_text(encoding="utf-8")
    assert 'auth = "sso"' in settings and 'user = "jan.agent@halt.example"' in settings
    cache = setup.data / "sso-token-cache.enc"
    stored = cache.read_text(encoding="utf-8")
    assert "refresh_token" not in stored and "Jan.Agent" not in stored  # encrypted

    first = halt_desk(setup, "sync", "--once")
    assert first.returncode == 0, first.stderr
    assert idp.refreshes == 0  # the access token from the sign-in was still good

    logout = halt_desk(setup, "sync", "logout")
    assert logout.returncode == 0, logout.stderr
    with pytest.raises(msal_extensions.persistence.PersistenceNotFound):  # the cache is empty
        EncryptedFilePersistence(cache, lambda: PASSPHRASE).load()
    assert "sso" not in (setup.data / "settings.toml").read_text(encoding="utf-8")
    after = halt_desk(setup, "sync", "--once")
    assert after.returncode == 2, after.stdout + after.stderr


def test_silent_renewal_before_a_round(setup: Setup) -> None:
    idp = setup.provider
    idp.token_lifetime = 120  # every access token runs out within MSAL's 5 minutes
    claims = idp.claims_for("piet@halt.example", ["Agent"], halt_orgs=["halt"])
    assert device_login(setup, claims).returncode == 0
    for round_ in (1, 2):
        result = halt_desk(setup, "sync", "--once")
        assert result.returncode == 0, result.stderr
        assert idp.refreshes >= round_  # a new access token from the refresh token


def test_a_user_without_a_halt_role_is_refused_and_not_kept(setup: Setup) -> None:
    idp = setup.provider
    login = device_login(setup, idp.claims_for("gast@halt.example", [], halt_orgs=["halt"]))
    assert login.returncode != 0
    assert "refused" in login.stderr and "app role" in login.stderr
    assert not (setup.data / "settings.toml").exists() or "sso" not in (
        setup.data / "settings.toml"
    ).read_text(encoding="utf-8")
    result = halt_desk(setup, "sync", "--once")
    assert result.returncode == 2


def test_browser_sign_in_with_pkce(setup: Setup) -> None:
    """The authorization code flow with PKCE in the system browser ($BROWSER: a test
    browser that follows the provider's redirect to MSAL's loopback address)."""
    idp = setup.provider
    idp.browser_claims = idp.claims_for("els@halt.example", ["Logistics"], halt_orgs=["halt"])
    env = {k: v for k, v in setup.env.items() if k not in ("SSH_CONNECTION", "SSH_TTY")}
    browser = Path(__file__).resolve().parents[1] / "fake_browser.py"
    env.update(
        DISPLAY=":0",  # a desktop session (the test browser needs no X server)
        BROWSER=f"{sys.executable} {browser} %s",
        HALT_TEST_IDP_CA=str(idp.ca),
    )
    exe = Path(sys.executable).with_name("halt-desk")
    login = subprocess.run(
        [str(exe), "sync", "login", "--sso"], env=env, capture_output=True, text=True, timeout=120
    )
    assert login.returncode == 0, login.stdout + login.stderr
    assert "els@halt.example" in login.stdout and idp.pkce_verified == 1
    assert idp.pending_user_codes() == []  # no device code was asked for
    result = halt_desk(setup, "sync", "--once")
    assert result.returncode == 0, result.stderr


def test_without_a_browser_session_the_device_code_is_used(setup: Setup) -> None:
    env = {k: v for k, v in setup.env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["SSH_CONNECTION"] = "192.0.2.7 50000 192.0.2.8 22"
    claims = setup.provider.claims_for("op@halt.example", ["Agent"], halt_orgs=["halt"])
    login = device_login(setup, claims, args=(), env=env)
    assert login.returncode == 0, login.stderr
    assert setup.provider.pkce_verified == 0


def test_an_unreachable_provider_is_a_clear_error(setup: Setup) -> None:
    setup.provider.stop()
    login = halt_desk(setup, "sync", "login", "--sso", "--device-code")
    assert login.returncode != 0
    assert "Traceback" not in login.stderr
    assert "the sign-in service is not reachable" in login.stderr
