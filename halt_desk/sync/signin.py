"""Signing this computer in to central: check the token, keep it in the keychain, remember
the server; and the signed-in target (server, token, TLS) a sync connects to. One
implementation for the terminal (`halt-desk sync login`), the app and its sync process."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from halt_desk.sync.client import CentralClient, TlsOptions
from halt_desk.sync.credentials import TokenStore
from halt_desk.sync.errors import NotSignedIn, ServerUnreachable
from halt_desk.sync.settings import SyncSettings, save_settings


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


@dataclass(frozen=True, slots=True)
class SyncTarget:
    """Where the worker syncs to and with what credentials (sent on standard input)."""

    server: str
    token: str
    tls: TlsOptions = field(default_factory=TlsOptions)

    def __repr__(self) -> str:  # the token must never reach a log line
        return f"SyncTarget(server={self.server!r}, token=<hidden>)"

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
        }

    @classmethod
    def from_command(cls, command: dict[str, Any]) -> SyncTarget:
        def path(key: str) -> Path | None:
            value = command.get(key)
            return Path(value) if isinstance(value, str) and value else None

        server, token = command.get("server"), command.get("token")
        if not isinstance(server, str) or not isinstance(token, str) or not token:
            raise ValueError("connect needs a server and a token")
        return cls(
            server, token, TlsOptions(path("ca_bundle"), path("client_cert"), path("client_key"))
        )


def signed_in_target(settings: SyncSettings, tokens: TokenStore) -> SyncTarget:
    """Server, token and TLS of the signed-in user; NotSignedIn if there is no server or
    token (SettingsError for a client key others can read)."""
    if not settings.server:
        raise NotSignedIn("not signed in: no central server configured (halt-desk sync login)")
    token = tokens.get(settings.server)
    if not token:
        raise NotSignedIn(
            f"not signed in to {settings.server}: no token in {tokens.description} "
            "(halt-desk sync login)"
        )
    return SyncTarget(settings.server, token, settings.tls())
