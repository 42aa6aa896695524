"""Where the bearer token lives: the OS keychain, or an encrypted file where there is none.

`open_token_store()` uses the system keychain through `keyring` (Windows Credential
Manager, macOS Keychain, Secret Service on a Linux desktop). Where no keychain works (a
headless Linux machine) it falls back to `credentials.enc` in the data folder: the tokens
encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a key derived with scrypt from a
passphrase taken from `HALT_DESK_CREDENTIALS_PASSPHRASE` or asked for. It says so through
`notify` when it falls back. A plaintext store is never used. Tokens never go to a log.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import keyring
import keyring.errors
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from keyring.backend import KeyringBackend

from halt_desk.i18n import N_, Words
from halt_desk.paths import private_dir, private_file, user_data_dir
from halt_desk.sync.errors import CredentialStoreError

log = logging.getLogger(__name__)

SERVICE = "halt-desk"
PASSPHRASE_ENV = "HALT_DESK_CREDENTIALS_PASSPHRASE"
#: `file` forces the encrypted file even where a keychain exists (e.g. shared kiosk PCs).
BACKEND_ENV = "HALT_DESK_CREDENTIALS_BACKEND"
FILE_NAME = "credentials.enc"
_FORMAT = "halt-desk-credentials"
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}


class TokenStore(Protocol):
    """Keeps one bearer token per central server URL for the current OS user."""

    @property
    def description(self) -> str: ...

    @property
    def place(self) -> Words:
        """Where the token is kept, for a person (the sign-in dialog), in their language."""
        ...

    @property
    def is_fallback(self) -> bool: ...

    def get(self, server: str) -> str | None: ...

    def set(self, server: str, token: str) -> None: ...

    def delete(self, server: str) -> None: ...


def keychain_usable(backend: KeyringBackend) -> bool:
    """False for keyring's 'fail'/'null' backends and for any plaintext backend."""
    name = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    if "plaintext" in name or name.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return False
    try:
        return float(backend.priority) > 0
    except Exception:  # a backend whose priority check itself fails is not usable
        return False


class KeychainTokens:
    """Tokens in the OS keychain (service `halt-desk`, one entry per server URL)."""

    is_fallback = False
    place = Words.of(N_("the keychain of this computer"))

    def __init__(self, backend: KeyringBackend) -> None:
        self._backend = backend

    @property
    def description(self) -> str:
        return f"the system keychain ({type(self._backend).__name__})"

    def get(self, server: str) -> str | None:
        try:
            return self._backend.get_password(SERVICE, server)
        except keyring.errors.KeyringError as exc:
            raise CredentialStoreError(f"the keychain could not be read: {exc}") from None

    def set(self, server: str, token: str) -> None:
        try:
            self._backend.set_password(SERVICE, server, token)
        except keyring.errors.KeyringError as exc:
            raise CredentialStoreError(f"the keychain could not be written: {exc}") from None

    def delete(self, server: str) -> None:
        try:
            self._backend.delete_password(SERVICE, server)
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as exc:
            raise CredentialStoreError(f"the keychain could not be written: {exc}") from None


Passphrase = Callable[[], str | None]


def passphrase_from_env() -> str | None:
    return os.environ.get(PASSPHRASE_ENV) or None


class EncryptedFileTokens:
    """Tokens in an encrypted file (0600), for machines without a keychain."""

    is_fallback = True
    place = Words.of(N_("an encrypted file on this computer, locked with a passphrase"))

    def __init__(self, path: Path, passphrase: Passphrase = passphrase_from_env) -> None:
        self.path = path
        self._passphrase = passphrase
        self._key: bytes | None = None

    @property
    def description(self) -> str:
        return f"the encrypted file {self.path}"

    def _secret(self) -> bytes:
        secret = self._passphrase()
        if not secret:
            raise CredentialStoreError(
                "no system keychain is available and no passphrase was given for the "
                f"encrypted token file {self.path}; set {PASSPHRASE_ENV} or run in a terminal"
            )
        return secret.encode("utf-8")

    @staticmethod
    def _derive(secret: bytes, salt: bytes, params: dict[str, Any]) -> bytes:
        kdf = Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"])
        return base64.urlsafe_b64encode(kdf.derive(secret))

    def _load(self) -> tuple[dict[str, Any], dict[str, str]]:
        if self.path.exists():
            private_file(self.path)  # a copy made 0644 by hand is tightened again
        try:
            envelope = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}, {}
        except (OSError, ValueError) as exc:
            raise CredentialStoreError(f"token file {self.path} cannot be read: {exc}") from None
        if not isinstance(envelope, dict) or envelope.get("format") != _FORMAT:
            raise CredentialStoreError(f"token file {self.path} is not a HALT Desk token file")
        try:
            salt = base64.b64decode(envelope["salt"])
            params = {key: int(envelope["kdf"][key]) for key in ("n", "r", "p")}
            key = self._key or self._derive(self._secret(), salt, params)
            plain = Fernet(key).decrypt(envelope["tokens"].encode("ascii"))
        except InvalidToken:
            raise CredentialStoreError(
                f"token file {self.path}: wrong passphrase (or the file was changed)"
            ) from None
        except (KeyError, TypeError, ValueError) as exc:
            raise CredentialStoreError(f"token file {self.path} is damaged: {exc}") from None
        self._key = key
        tokens = json.loads(plain)
        return envelope, tokens if isinstance(tokens, dict) else {}

    def _save(self, envelope: dict[str, Any], tokens: dict[str, str]) -> None:
        if not envelope:
            salt = os.urandom(16)
            self._key = self._derive(self._secret(), salt, _SCRYPT)
            envelope = {
                "format": _FORMAT,
                "version": 1,
                "cipher": "fernet",
                "kdf": {"name": "scrypt", **_SCRYPT},
                "salt": base64.b64encode(salt).decode("ascii"),
            }
        assert self._key is not None
        envelope["tokens"] = (
            Fernet(self._key).encrypt(json.dumps(tokens).encode("utf-8")).decode("ascii")
        )
        private_dir(self.path.parent)
        partial = self.path.with_name(self.path.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(envelope, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, self.path)

    def get(self, server: str) -> str | None:
        return self._load()[1].get(server)

    def set(self, server: str, token: str) -> None:
        envelope, tokens = self._load()
        tokens[server] = token
        self._save(envelope, tokens)

    def delete(self, server: str) -> None:
        envelope, tokens = self._load()
        if tokens.pop(server, None) is not None:
            self._save(envelope, tokens)


def open_token_store(
    *,
    passphrase: Passphrase = passphrase_from_env,
    path: Path | None = None,
    notify: Callable[[str], None] | None = None,
) -> TokenStore:
    """The system keychain if one works, else the encrypted file (and `notify` says so)."""
    forced_file = os.environ.get(BACKEND_ENV, "").strip().lower() == "file"
    backend = keyring.get_keyring()
    if not forced_file and keychain_usable(backend):
        return KeychainTokens(backend)
    target = path or user_data_dir() / FILE_NAME
    message = (
        f"no system keychain is available ({type(backend).__name__}); the sign-in token is "
        f"kept in the encrypted file {target}, protected by a passphrase "
        f"(set {PASSPHRASE_ENV}, or you are asked for it)"
    )
    if forced_file:
        message = f"{BACKEND_ENV}=file: the sign-in token is kept in the encrypted file {target}"
    (notify or log.warning)(message)
    return EncryptedFileTokens(target, passphrase)
