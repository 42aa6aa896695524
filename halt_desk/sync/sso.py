"""Signing in with Microsoft Entra ID (MSAL): the desk app and `halt-desk sync login --sso`.

Tenant, client id and scopes come from the `[sso]` table of the machine-wide
configuration (`halt_desk.config`, which Intune or the installer deploys):

    [sso]
    tenant = "0c5c…"                             # or authority = "https://login…/<tenant>"
    client_id = "3f6b…"                          # HALT Desk's app registration (public client)
    scopes = ["api://halt-desk-central/access_as_user"]
    ca_bundle = "idp-ca.pem"                     # optional: a private CA of the provider

Sign-in is the authorization code flow with PKCE in the system browser, or the device-code
flow (a code to enter on another device) where there is no browser session. MSAL keeps the
tokens in its cache, encrypted by msal-extensions (DPAPI on Windows, the Keychain on macOS,
the Secret Service on a Linux desktop with PyGObject); where none of those works it falls
back to the same encrypted file, locked with a passphrase, as the bearer tokens
(`credentials.py`). An access token is renewed silently (refresh token) before it is used;
signing out removes the account and its tokens from the cache.
"""

from __future__ import annotations

import logging
import os
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import msal
import msal_extensions
import requests

from halt_desk.config import machine_config_path
from halt_desk.domain.messages import Msg
from halt_desk.i18n import Words
from halt_desk.paths import user_data_dir
from halt_desk.sync.credentials import (
    BACKEND_ENV,
    EncryptedFileTokens,
    Passphrase,
    passphrase_from_env,
)
from halt_desk.sync.errors import NotSignedIn, ServerUnreachable, SettingsError, SyncError

log = logging.getLogger(__name__)

ENTRA_LOGIN = "https://login.microsoftonline.com"
CACHE_NAME = "sso-token-cache"
_CACHE_KEY = "msal-token-cache"


class ProviderUnreachable(ServerUnreachable):
    """The sign-in service (Entra ID) cannot be reached now: transient, like central."""

    def __init__(self, problem: str) -> None:
        self.server, self.problem = "Entra ID", problem
        self.words = Words.of(Msg.SERVER_UNREACHABLE, server="Entra ID")
        SyncError.__init__(self, f"the sign-in service is not reachable: {problem}")


@dataclass(frozen=True, slots=True)
class SsoConfig:
    """Where and as which app this computer signs in."""

    authority: str
    client_id: str
    scopes: tuple[str, ...]
    ca_bundle: Path | None = None

    @property
    def entra(self) -> bool:
        """Whether the authority is Microsoft's own (instance discovery and validation
        then stay on, as MSAL does by default)."""
        return self.authority.startswith(ENTRA_LOGIN + "/")

    @classmethod
    def from_table(cls, table: dict[str, Any], where: str, base: Path) -> SsoConfig:
        def text(key: str) -> str | None:
            value = table.get(key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise SettingsError(where, f"sso.{key}", "expected a non-empty string")
            return value.strip() if isinstance(value, str) else None

        tenant, authority, client_id = text("tenant"), text("authority"), text("client_id")
        if authority is None and tenant is not None:
            authority = f"{ENTRA_LOGIN}/{tenant}"
        if authority is None or not authority.startswith("https://"):
            raise SettingsError(where, "sso.tenant", "give tenant, or an https:// authority")
        if client_id is None:
            raise SettingsError(where, "sso.client_id", "the app registration's client id")
        scopes = table.get("scopes")
        if isinstance(scopes, str):
            scopes = scopes.split()
        if (
            not isinstance(scopes, list)
            or not scopes
            or not all(isinstance(s, str) and s for s in scopes)
        ):
            raise SettingsError(where, "sso.scopes", "the central's scope(s), as a list")
        ca = text("ca_bundle")
        ca_path = (base / ca) if ca and not Path(ca).is_absolute() else (Path(ca) if ca else None)
        return cls(authority.rstrip("/"), client_id, tuple(scopes), ca_path)


def sso_config(path: Path | None = None) -> SsoConfig | None:
    """The `[sso]` table of the machine-wide configuration, or None when there is none."""
    path = path or machine_config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(str(path), "file", str(exc)) from None
    table = raw.get("sso")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise SettingsError(str(path), "sso", "expected an [sso] table")
    return SsoConfig.from_table(table, str(path), path.parent)


class EncryptedFilePersistence(msal_extensions.persistence.BasePersistence):  # type: ignore[misc]
    """MSAL's cache in the passphrase-locked file of credentials.py (no keychain here)."""

    is_encrypted = True

    def __init__(self, path: Path, passphrase: Passphrase) -> None:
        self.path = path
        self._file = EncryptedFileTokens(path, passphrase)

    def save(self, content: str) -> None:
        self._file.set(_CACHE_KEY, content)

    def load(self) -> str:
        content = self._file.get(_CACHE_KEY) if self.path.exists() else None
        if content is None:
            raise msal_extensions.persistence.PersistenceNotFound(location=str(self.path))
        return content

    def time_last_modified(self) -> float:
        try:
            return self.path.stat().st_mtime
        except FileNotFoundError:
            raise msal_extensions.persistence.PersistenceNotFound(location=str(self.path)) from None

    def get_location(self) -> str:
        return str(self.path)

    def clear(self) -> None:
        self._file.delete(_CACHE_KEY)


def open_persistence(
    folder: Path | None = None,
    passphrase: Passphrase = passphrase_from_env,
    notify: Callable[[str], None] | None = None,
) -> Any:
    """msal-extensions' encrypted persistence of this platform if it works here, else the
    passphrase-locked file (and `notify` says so). Never a plain file."""
    folder = folder or user_data_dir()
    if os.environ.get(BACKEND_ENV, "").strip().lower() != "file":
        try:
            # (on Linux the constructor tries libsecret out, and raises where it fails)
            return msal_extensions.build_encrypted_persistence(str(folder / CACHE_NAME))
        except Exception as exc:  # no libsecret/DBus session, a locked keychain, …
            reason = f"{type(exc).__name__}: {exc}"
    else:
        reason = f"{BACKEND_ENV}=file"
    target = folder / f"{CACHE_NAME}.enc"
    (notify or log.warning)(
        f"no encrypted token cache of this system ({reason}); the sign-in is kept in the "
        f"encrypted file {target}, protected by a passphrase"
    )
    return EncryptedFilePersistence(target, passphrase)


class SsoSession:
    """MSAL's public client for `config` with its persisted cache."""

    def __init__(self, config: SsoConfig, persistence: Any) -> None:
        self.config = config
        self.persistence = persistence
        self.cache = msal_extensions.PersistedTokenCache(persistence)
        self.app = _msal(  # reads the authority's OpenID configuration
            msal.PublicClientApplication,
            config.client_id,
            authority=config.authority,
            token_cache=self.cache,
            validate_authority=config.entra,
            instance_discovery=config.entra,
            http_client=_HttpSession(config.ca_bundle),
        )

    # ---------------------------------------------------------------- signing in
    def start_device_flow(self) -> dict[str, Any]:
        """A device code to show (`user_code`, `verification_uri`, `message`)."""
        flow = cast(dict[str, Any], _msal(self.app.initiate_device_flow, list(self.config.scopes)))
        if "user_code" not in flow:
            raise NotSignedIn(f"the sign-in service gave no device code: {_reason(flow)}")
        return flow

    def finish_device_flow(
        self, flow: dict[str, Any], cancelled: Callable[[], bool] = lambda: False
    ) -> str:
        """Waits until the user entered the code (or `cancelled()`); the account's name."""
        result = _msal(
            self.app.acquire_token_by_device_flow, flow, exit_condition=lambda _flow: cancelled()
        )
        return self._signed_in(result)

    def sign_in_with_browser(self) -> str:
        """Authorization code with PKCE in the system browser; the account's name."""
        result = _msal(
            self.app.acquire_token_interactive, list(self.config.scopes), prompt="select_account"
        )
        return self._signed_in(result)

    def _signed_in(self, result: Any) -> str:
        if not isinstance(result, dict) or "access_token" not in result:
            raise NotSignedIn(f"signing in with Entra ID did not succeed: {_reason(result)}")
        claims = result.get("id_token_claims") or {}
        name = claims.get("preferred_username") or claims.get("upn") or claims.get("oid")
        return str(name or "").lower()

    # --------------------------------------------------------------- using it
    def account_name(self) -> str | None:
        accounts = self.app.get_accounts()
        return str(accounts[0].get("username") or "").lower() or None if accounts else None

    def access_token(self) -> str:
        """A valid access token for central, renewed silently when needed; NotSignedIn
        when there is no account or its sign-in ran out (sign in again)."""
        accounts = self.app.get_accounts()
        if not accounts:
            raise NotSignedIn("not signed in with Entra ID (halt-desk sync login --sso)")
        result = _msal(self.app.acquire_token_silent, list(self.config.scopes), account=accounts[0])
        if not isinstance(result, dict) or "access_token" not in result:
            raise NotSignedIn(
                f"the Entra ID sign-in has run out; sign in again ({_reason(result)})"
            )
        return str(result["access_token"])

    def sign_out(self) -> None:
        """Removes every account and its tokens from the cache."""
        for account in self.app.get_accounts():
            self.app.remove_account(account)
        clear = getattr(self.persistence, "clear", None)
        if clear is not None:
            clear()


class _HttpSession(requests.Session):
    """MSAL's HTTP client: the configured CA bundle wins over REQUESTS_CA_BUNDLE (which a
    plain Session lets override its `verify`), the environment's proxies still apply, and
    every call has a timeout."""

    def __init__(self, ca_bundle: Path | None) -> None:
        super().__init__()
        self._ca = str(ca_bundle) if ca_bundle else None

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", 30)
        if self._ca is not None:
            kwargs["verify"] = self._ca
        return super().request(method, url, *args, **kwargs)


def browser_available() -> bool:
    """Whether a system browser can be opened here for the sign-in: not over SSH, and on
    Linux only in a desktop session; else the device code is the way."""
    import webbrowser

    if os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"):
        return False
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def _msal(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`call(*args, **kwargs)` of MSAL, whose failures (the provider unreachable, a reply it
    cannot use, a browser that does not open) become NotSignedIn with the reason, and the
    provider out of reach ServerUnreachable (a round then waits, as for central)."""
    try:
        return call(*args, **kwargs)
    except NotSignedIn:
        raise
    except (requests.ConnectionError, requests.Timeout) as exc:  # transient: try again later
        raise ProviderUnreachable(str(exc)) from None
    except (requests.RequestException, RuntimeError, ValueError, OSError) as exc:
        raise NotSignedIn(f"signing in with Entra ID did not succeed: {exc}") from None


def _reason(result: Any) -> str:
    if isinstance(result, dict):
        return str(result.get("error_description") or result.get("error") or "no answer")
    return "no answer"


def open_sso_session(
    config: SsoConfig | None = None,
    *,
    folder: Path | None = None,
    passphrase: Passphrase = passphrase_from_env,
    notify: Callable[[str], None] | None = None,
) -> SsoSession:
    """The session of this computer's configured sign-in; NotSignedIn without [sso]."""
    config = config or sso_config()
    if config is None:
        raise NotSignedIn(f"no [sso] table in the machine configuration {machine_config_path()}")
    key = (config, folder)
    session = _SESSIONS.get(key)
    if session is None:  # one per process: MSAL reads the authority's configuration once
        session = _SESSIONS[key] = SsoSession(config, open_persistence(folder, passphrase, notify))
    return session


_SESSIONS: dict[tuple[SsoConfig, Path | None], SsoSession] = {}
