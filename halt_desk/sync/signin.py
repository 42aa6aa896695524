"""Signing this computer in to central: check the token, keep it in the keychain, remember
the server. One implementation for the terminal (`halt-desk sync login`) and the app."""

from __future__ import annotations

from pathlib import Path

from halt_desk.sync.client import CentralClient
from halt_desk.sync.credentials import TokenStore
from halt_desk.sync.errors import ServerUnreachable
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
