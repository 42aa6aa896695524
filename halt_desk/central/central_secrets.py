"""Central's secrets (the SMTP password, courier API keys): in the database, encrypted with
Fernet (cryptography), so every central process on every host that shares the database
reads them; the key is never in the database, never in a log.

Where the key comes from, in this order (README, "Central's secrets"):

1. `HALT_DESK_CENTRAL_SECRET_KEY`: the key itself (a Fernet key, urlsafe base64), for a
   service manager that hands secrets to the process through its environment;
2. a key file: `HALT_DESK_CENTRAL_KEY_FILE`, else `central-secret.key` in the data folder
   of the user running central, when it exists; refused unless only its owner may read it
   (0600);
3. the OS keychain (keyring: service `halt-desk-central`), when this host has a usable one;
4. none of these: a new key is made — in the keychain when there is one, else in the key
   file (created 0600).

Several hosts on one database need the same key: copy the key file (0600) or set the
environment variable on each.
"""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import keyring
import keyring.errors
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from halt_desk.central.schema import central_secrets
from halt_desk.paths import PRIVATE_FILE_MODE, private_dir, user_data_dir

KEY_ENV = "HALT_DESK_CENTRAL_SECRET_KEY"
KEY_FILE_ENV = "HALT_DESK_CENTRAL_KEY_FILE"
KEY_FILE_NAME = "central-secret.key"
KEYRING_SERVICE = "halt-desk-central"
KEYRING_USER = "secret-key"
#: Names of secrets (kept apart per purpose: `smtp.password`, `courier.<carrier>`).
SMTP_PASSWORD = "smtp.password"


class SecretKeyError(Exception):
    """The key cannot be had, is not private, or does not open the stored secrets."""


def put_secret(engine: Engine, name: str, value: str) -> None:
    """Stores (or replaces) the secret `name`, encrypted."""
    token = _fernet().encrypt(value.encode("utf-8")).decode("ascii")
    row = {"name": name, "value": token, "updated_at": datetime.now(UTC).isoformat()}
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(central_secrets).values(row)
    statement = statement.on_conflict_do_update(
        index_elements=["name"],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
    )
    with engine.begin() as conn:
        conn.execute(statement)


def get_secret(engine: Engine, name: str) -> str | None:
    """The secret `name`, or None when none is stored. SecretKeyError when this host's
    key is not the one it was stored with."""
    with engine.connect() as conn:
        token = conn.execute(
            select(central_secrets.c.value).where(central_secrets.c.name == name)
        ).scalar_one_or_none()
    if token is None:
        return None
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise SecretKeyError(
            f"secret {name!r} was stored with another key than this host's "
            f"(give every central host the same key: {KEY_ENV} or its key file)"
        ) from None


def delete_secret(engine: Engine, name: str) -> None:
    with engine.begin() as conn:
        conn.execute(central_secrets.delete().where(central_secrets.c.name == name))


def key_file() -> Path:
    """The key file this process reads (or would create)."""
    named = os.environ.get(KEY_FILE_ENV)
    return Path(named) if named else user_data_dir() / KEY_FILE_NAME


def _fernet() -> Fernet:
    try:
        return Fernet(_key())
    except ValueError as exc:
        raise SecretKeyError(f"central's secret key is not a Fernet key: {exc}") from None


def _key() -> bytes:
    given = os.environ.get(KEY_ENV)
    if given:
        return given.strip().encode("ascii")
    path = key_file()
    if path.exists():
        return _read_key_file(path)
    backend = _keychain()
    if backend is not None:
        try:
            stored = backend.get_password(KEYRING_SERVICE, KEYRING_USER)
            if stored:
                return stored.encode("ascii")
            made = Fernet.generate_key()
            backend.set_password(KEYRING_SERVICE, KEYRING_USER, made.decode("ascii"))
            return made
        except keyring.errors.KeyringError:
            pass  # no keychain after all (a locked one on a headless host): the key file
    return _new_key_file(path)


def _read_key_file(path: Path) -> bytes:
    if os.name == "posix":
        info = path.stat()
        if stat.S_IMODE(info.st_mode) & 0o077:
            raise SecretKeyError(
                f"{path} may be read by others (mode {stat.S_IMODE(info.st_mode):o}): "
                f"make it 0600 (chmod 600 {path})"
            )
    return path.read_bytes().strip()


def _new_key_file(path: Path) -> bytes:
    made = Fernet.generate_key()
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:  # another process made it first: use that one
        return _read_key_file(path)
    with os.fdopen(fd, "wb") as out:
        out.write(made + b"\n")
    return made


def _keychain() -> keyring.backend.KeyringBackend | None:
    """This host's keychain, unless keyring has only its fail, null or a plaintext one."""
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    if "plaintext" in name or name.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return None
    try:
        return backend if float(backend.priority) > 0 else None
    except Exception:
        return None
