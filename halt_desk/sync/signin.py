"""Signing this computer in to central: check the token, keep it in the keychain, remember
the server; and the signed-in target (server, token, TLS) a sync connects to. One
implementation for the terminal (`halt-desk sync login`), the app and its sync process."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from halt_desk.sync.client import CentralClient, TlsOptions
from halt_desk.sync.credentials import TokenStore
from halt_desk.sync.errors import AuthenticationFailed, NotSignedIn, ServerUnreachable
from halt_desk.sync.settings import SyncSettings, save_settings

if TYPE_CHECKING:
    from halt_desk.sync.sso import SsoSession

#: `SyncSettings.auth` of a user signed in with Entra ID.
SSO = "sso"


def sign_in(
    settings: SyncSettings,
    token: str,
    tokens: TokenStore,
    *,
    keep_if_unreachable: bool = False,
    settings_path: Path | None = None,
    save: SyncSettings | None = None,
) -> tuple[Path, bool]:
    """Checks `token` against `settings.server` (a read of one change), then keeps it in
    `tokens` and saves the user's settings: `save`, or `settings` (give the user's own part
    when `settings` includes the machine's configuration, so that is not copied into them).
    Returns (settings file, whether the token was checked).

    Raises AuthenticationFailed when central refuses the token (nothing is kept), and
    ServerUnreachable when central cannot be reached, unless `keep_if_unreachable`."""
    if not settings.server:
        raise ValueError("settings without a server")
    token = token.strip()
    checked = True
    with CentralClient(settings.server, token, tls=settings.tls()) as client:
        try:
            client.changes(0, 1)
        except ServerUnreachable:
            if not keep_if_unreachable:
                raise
            checked = False
    tokens.set(settings.server, token)
    return save_settings(save or settings, settings_path), checked


def sso_sign_in(
    settings: SyncSettings,
    session: SsoSession,
    *,
    settings_path: Path | None = None,
    save: SyncSettings | None = None,
) -> tuple[Path, str]:
    """After MSAL signed the user in (`session`): checks the access token against
    `settings.server` (a read of one change) and saves the user's settings with auth "sso"
    and the account's name as the user (the name central records them under). Returns
    (settings file, name). AuthenticationFailed (the sign-in is removed again) when central
    refuses the token, ServerUnreachable when it cannot be reached."""
    if not settings.server:
        raise ValueError("settings without a server")
    token = session.access_token()
    name = session.account_name()
    with CentralClient(settings.server, token, tls=settings.tls()) as client:
        try:
            client.changes(0, 1)
        except AuthenticationFailed:
            session.sign_out()
            raise
    own = replace(save or settings, auth=SSO, user=name or (save or settings).user)
    return save_settings(own, settings_path), name or ""


def sso_sign_out(settings_path: Path | None = None, session: SsoSession | None = None) -> Path:
    """Signs this user out of Entra ID: every account and its tokens leave MSAL's cache,
    and the user's settings no longer say `auth = "sso"`. Returns the settings file."""
    from halt_desk.sync.settings import load_settings
    from halt_desk.sync.sso import open_sso_session

    (session or open_sso_session()).sign_out()
    return save_settings(replace(load_settings(settings_path), auth=None), settings_path)


def sign_out(settings: SyncSettings, tokens: TokenStore, session: SsoSession | None = None) -> None:
    """Signs this computer out of central: the Entra ID sign-in leaves MSAL's cache (and
    the settings), or the bearer token of the server leaves the token store. What waits in
    the outbox stays; it goes out after the next sign-in."""
    if settings.auth == SSO:
        sso_sign_out(session=session)
    elif settings.server:
        tokens.delete(settings.server)


@dataclass(frozen=True, slots=True)
class SyncTarget:
    """Where the worker syncs to and with what credentials (sent on standard input)."""

    server: str
    token: str
    tls: TlsOptions = field(default_factory=TlsOptions)
    #: Signed in with Entra ID: each round asks MSAL for the token (renewed silently).
    sso: bool = False

    def __repr__(self) -> str:  # the token must never reach a log line
        return f"SyncTarget(server={self.server!r}, token=<hidden>, sso={self.sso})"

    def round_token(self) -> str:
        """The token for the next round: `token`, or for Entra ID a valid access token
        from MSAL's cache, renewed silently before it runs out."""
        if not self.sso:
            return self.token
        from halt_desk.sync.sso import open_sso_session

        try:
            return open_sso_session().access_token()
        except NotSignedIn as exc:  # the sign-in ran out: the round ends signed out
            raise AuthenticationFailed(self.server, 401, str(exc)) from None

    def connect_command(self, interval: float) -> dict[str, Any]:
        def path(value: Path | None) -> str | None:
            return str(value) if value is not None else None

        return {
            "cmd": "connect",
            "server": self.server,
            "token": self.token,
            "ca_bundle": path(self.tls.ca_bundle),
            "client_cert": path(self.tls.client_cert),
            "client_key": path(self.tls.client_key),
            "interval": interval,
            "sso": self.sso,
        }

    @classmethod
    def from_command(cls, command: dict[str, Any]) -> SyncTarget:
        def path(key: str) -> Path | None:
            value = command.get(key)
            return Path(value) if isinstance(value, str) and value else None

        server, token = command.get("server"), command.get("token")
        if not isinstance(server, str) or not isinstance(token, str) or not token:
            raise ValueError("connect needs a server and a token")
        tls = TlsOptions(path("ca_bundle"), path("client_cert"), path("client_key"))
        return cls(server, token, tls, sso=command.get("sso") is True)


def signed_in_target(settings: SyncSettings, tokens: TokenStore) -> SyncTarget:
    """Server, token and TLS of the signed-in user; NotSignedIn if there is no server or
    token (SettingsError for a client key others can read)."""
    if not settings.server:
        raise NotSignedIn("not signed in: no central server configured (halt-desk sync login)")
    if settings.auth == SSO:  # an access token of Entra ID, renewed silently if needed
        from halt_desk.sync.sso import open_sso_session

        access = open_sso_session().access_token()
        return SyncTarget(settings.server, access, settings.tls(), sso=True)
    token = tokens.get(settings.server)
    if not token:
        raise NotSignedIn(
            f"not signed in to {settings.server}: no token in {tokens.description} "
            "(halt-desk sync login)"
        )
    return SyncTarget(settings.server, token, settings.tls())
