"""Offline-first sync of the local cache with central (no Qt; the UI wraps the callbacks).

clock = ServerClock()                       # device clock + last known offset
store = Store.open(recording_clock=clock, clock=clock.now)
clock.attach(store)
engine = connect(store, clock, effective_settings(), open_token_store())
summary = engine.sync_once()                # or engine.run_forever(stop_event) in a thread
store.rejected_events(), store.conflicts(open_only=True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from halt_desk.store import Store
from halt_desk.sync.client import CentralClient, ChangesPage, PushResult, TlsOptions
from halt_desk.sync.clock import CLOCK_WARNING_LIMIT, ServerClock, describe_offset
from halt_desk.sync.credentials import (
    EncryptedFileTokens,
    KeychainTokens,
    TokenStore,
    open_token_store,
)
from halt_desk.sync.errors import (
    AuthenticationFailed,
    CredentialStoreError,
    NotSignedIn,
    ProtocolError,
    ServerUnreachable,
    SettingsError,
    SyncError,
)
from halt_desk.sync.feedback import progress_text, restore_text, round_text
from halt_desk.sync.progress import Failure, SyncProgress, TimeLeft
from halt_desk.sync.rounds import SyncEngine, SyncState, SyncSummary
from halt_desk.sync.settings import (
    SyncSettings,
    effective_settings,
    load_settings,
    machine_settings,
    save_settings,
)
from halt_desk.sync.signin import SyncTarget, signed_in_target


def client_factory(
    server: str,
    token: str | Callable[[], str],
    tls: TlsOptions | None = None,
    timeout: tuple[float, float] = (5.0, 30.0),
) -> Callable[[ServerClock], CentralClient]:
    """A `client_factory` for SyncEngine: a new CentralClient per round, its answers' Date
    headers feeding the clock. `token` may be a function: asked before every round (an
    Entra ID access token renewed silently)."""

    def make(clock: ServerClock) -> CentralClient:
        return CentralClient(
            server,
            token() if callable(token) else token,
            tls=tls,
            timeout=timeout,
            device_clock=clock.device_now,
            observer=clock.observe,
        )

    return make


def connect(
    store: Store, clock: ServerClock, settings: SyncSettings, tokens: TokenStore, **options: Any
) -> SyncEngine:
    """A SyncEngine for the signed-in user; NotSignedIn if there is no server or token."""
    target = signed_in_target(settings, tokens)
    make = client_factory(target.server, target.round_token, target.tls)
    return SyncEngine(store, make, clock, **options)


__all__ = [
    "CLOCK_WARNING_LIMIT",
    "AuthenticationFailed",
    "CentralClient",
    "ChangesPage",
    "CredentialStoreError",
    "EncryptedFileTokens",
    "Failure",
    "KeychainTokens",
    "NotSignedIn",
    "ProtocolError",
    "PushResult",
    "ServerClock",
    "ServerUnreachable",
    "SettingsError",
    "SyncEngine",
    "SyncError",
    "SyncProgress",
    "SyncSettings",
    "SyncState",
    "SyncSummary",
    "SyncTarget",
    "TimeLeft",
    "TlsOptions",
    "TokenStore",
    "client_factory",
    "connect",
    "describe_offset",
    "effective_settings",
    "load_settings",
    "machine_settings",
    "open_token_store",
    "progress_text",
    "restore_text",
    "round_text",
    "save_settings",
    "signed_in_target",
]
