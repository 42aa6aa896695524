"""Errors of sync: each says what could not be done and with which server or setting.

None of them carries a token: messages name the server and the HTTP status only. `str()` is
English (logs, the terminal); `message()` words it for a person from the catalogue (`Msg`).
"""

from __future__ import annotations

from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.messages import Msg
from halt_desk.i18n import Words


class SyncError(HaltDeskError):
    """Base of the errors sync reports."""


class ServerUnreachable(SyncError):
    """No answer from central (no network, refused, timed out, cut, or a 5xx): transient;
    the outbox is left as it is and sync tries again later. `untrusted`: TLS refused the
    server's certificate (a CA this computer does not trust; for IT, not the network)."""

    def __init__(self, server: str, problem: str, *, untrusted: bool = False) -> None:
        self.server = server
        self.problem = problem
        self.untrusted = untrusted
        code = Msg.SERVER_NOT_TRUSTED if untrusted else Msg.SERVER_UNREACHABLE
        self.words = Words.of(code, server=server)
        super().__init__(f"central {server} not reachable: {problem}")


class AuthenticationFailed(SyncError):
    """Central refused the token (401) or the action (403): sign in again."""

    def __init__(self, server: str, status: int, detail: str) -> None:
        self.server = server
        self.status = status
        self.detail = detail
        self.words = Words.of(Msg.TOKEN_REFUSED)
        super().__init__(f"central {server} refused the sign-in (HTTP {status}): {detail}")


class ProtocolError(SyncError):
    """Central answered something this client cannot use (a 4xx, or a malformed body)."""

    def __init__(self, server: str, what: str, problem: str) -> None:
        self.server = server
        self.what = what
        self.problem = problem
        self.words = Words.of(Msg.SERVER_ANSWER_UNUSABLE, server=server)
        super().__init__(f"central {server}: {what}: {problem}")


class NotSignedIn(SyncError):
    """No server or token is configured for this user."""


class CredentialStoreError(SyncError):
    """The token cannot be stored or read (no keychain and no passphrase, wrong passphrase,
    damaged file)."""

    words = Words.of(Msg.TOKEN_NOT_KEPT)


class SettingsError(SyncError):
    """A setting in settings.toml is malformed: names the file and the setting. `words` says
    what to correct where a person typed the setting (the server's address)."""

    def __init__(self, path: str, setting: str, problem: str, words: Words | None = None) -> None:
        self.path = path
        self.setting = setting
        self.problem = problem
        self.words = words or Words.of(Msg.SETTINGS_INVALID)
        super().__init__(f"settings {path}: {setting}: {problem}")
