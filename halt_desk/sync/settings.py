"""Sync settings of this user: central's URL, the user name, TLS files (TOML, no secrets).

The file is `settings.toml` in the configuration folder (platformdirs; `HALT_DESK_CONFIG_DIR`
overrides it, and with only `HALT_DESK_DATA_DIR` set it lives in that folder). The token is
never here: it is in the keychain (`halt_desk.sync.credentials`).

    [sync]
    server = "https://desk.example.nl:8765"
    user = "jan"
    ca_bundle = "/etc/halt-desk/ca.pem"        # optional: CA certificates to trust
    client_cert = "/home/jan/.local/share/halt-desk/client.pem"  # optional: mutual TLS
    client_key = "/home/jan/.local/share/halt-desk/client.key"   # optional, mode 0600
    depot = "depot-utrecht"                    # optional: a logistics workstation's depot
    auth = "sso"                               # signed in with Entra ID (`sync login --sso`)

Under it lies the machine-wide configuration IT deploys (`halt_desk.config`: central's URL,
organisation, TLS files). `effective_settings()` merges the two per setting: what this
user's settings.toml says wins, the machine's fills in the rest.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from halt_desk.config import MACHINE_KEYS, machine_config_path
from halt_desk.domain.messages import Msg
from halt_desk.i18n import Words
from halt_desk.paths import APP_AUTHOR, APP_NAME, private_dir, private_file
from halt_desk.sync.client import TlsOptions
from halt_desk.sync.errors import SettingsError

FILE_NAME = "settings.toml"


def config_dir() -> Path:
    override = os.environ.get("HALT_DESK_CONFIG_DIR") or os.environ.get("HALT_DESK_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    return private_dir(path, tighten=True)


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def check_server_url(url: str) -> str:
    """`https://host[:port]` (or `http://` on loopback only); returns it without a slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            "--server",
            "server",
            f"{url!r} is not an http(s) URL",
            Words.of(Msg.SERVER_NOT_A_WEB_ADDRESS),
        )
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme == "http" and not loopback:
        raise SettingsError(
            "--server",
            "server",
            "plain http is only allowed to this computer; use https",
            Words.of(Msg.SERVER_PLAIN_HTTP),
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise SettingsError(
            "--server",
            "server",
            "give only scheme, host, port and path",
            Words.of(Msg.SERVER_ADDRESS_EXTRA),
        )
    return url.strip().rstrip("/")


@dataclass(frozen=True, slots=True)
class SyncSettings:
    server: str | None = None
    user: str | None = None
    ca_bundle: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None
    #: The organisation this computer works for (machine config; a user may override it).
    organisation: str | None = None
    #: The depot a logistics workstation works for (chosen in the logistics window).
    depot: str | None = None
    #: "sso": signed in with Entra ID (the token comes from MSAL's cache, `sync/sso.py`);
    #: None: a bearer token in the keychain.
    auth: str | None = None

    def over(self, base: SyncSettings) -> SyncSettings:
        """These settings with every unset one taken from `base` (the machine's)."""
        return replace(
            self,
            **{
                key: getattr(base, key)
                for key in _KEYS
                if getattr(self, key) is None and getattr(base, key) is not None
            },
        )

    def tls(self) -> TlsOptions:
        """The TLS files to use, each checked readable (SettingsError naming the setting and
        the file: requests would raise a bare OSError, or quietly trust another CA)."""
        for key in _PATH_KEYS:
            value = getattr(self, key)
            if value is not None and not os.access(value, os.R_OK):
                problem = "no such file" if not value.exists() else "not readable by this user"
                raise SettingsError(str(settings_path()), key, f"{value}: {problem}")
        if self.client_key is not None and os.name == "posix":
            try:
                mode = self.client_key.stat().st_mode
            except OSError as exc:
                raise SettingsError(
                    str(settings_path()), "client_key", f"cannot read: {exc.strerror}"
                ) from None
            if mode & 0o077:
                raise SettingsError(
                    str(settings_path()),
                    "client_key",
                    f"{self.client_key} is readable by others; chmod 600 it",
                )
        return TlsOptions(self.ca_bundle, self.client_cert, self.client_key)

    def with_server(self, server: str, user: str | None) -> SyncSettings:
        return replace(self, server=check_server_url(server), user=user)


_KEYS = (
    "server",
    "user",
    "ca_bundle",
    "client_cert",
    "client_key",
    "organisation",
    "depot",
    "auth",
)
_PATH_KEYS = ("ca_bundle", "client_cert", "client_key")


def load_settings(path: Path | None = None) -> SyncSettings:
    """This user's own settings.toml only (what `sync login` changes and saves)."""
    return _read_settings(path or settings_path(), _KEYS, strict=False)


def machine_settings(path: Path | None = None) -> SyncSettings:
    """The machine-wide configuration (`halt_desk.config`); relative paths in it are read
    next to the file, so IT can put ca.pem beside config.toml."""
    path = path or machine_config_path()
    settings = _read_settings(path, MACHINE_KEYS, strict=True)
    base = path.parent
    return replace(
        settings,
        **{
            key: base / value
            for key in _PATH_KEYS
            if (value := getattr(settings, key)) is not None and not value.is_absolute()
        },
    )


def effective_settings(
    user_path: Path | None = None, machine_path: Path | None = None
) -> SyncSettings:
    """What this computer uses: the user's settings.toml, the machine's config below it."""
    return load_settings(user_path).over(machine_settings(machine_path))


def _read_settings(path: Path, keys: tuple[str, ...], *, strict: bool) -> SyncSettings:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return SyncSettings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(str(path), "file", str(exc)) from None
    section = raw.get("sync", {})
    if not isinstance(section, dict):
        raise SettingsError(str(path), "sync", "expected a [sync] table")
    unknown = sorted(set(section) - set(keys))
    if unknown and strict:
        # The machine file is written by hand or by the installer: a typo must not pass.
        known = ", ".join(keys)
        raise SettingsError(str(path), f"sync.{unknown[0]}", f"not a setting here ({known})")
    values: dict[str, str] = {}
    for key in keys:
        value = section.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise SettingsError(str(path), f"sync.{key}", "expected a non-empty string")
        values[key] = value
    if "server" in values:
        try:
            values["server"] = check_server_url(values["server"])
        except SettingsError as exc:
            raise SettingsError(str(path), "sync.server", exc.problem) from None
    return SyncSettings(
        server=values.get("server"),
        user=values.get("user"),
        ca_bundle=Path(values["ca_bundle"]) if "ca_bundle" in values else None,
        client_cert=Path(values["client_cert"]) if "client_cert" in values else None,
        client_key=Path(values["client_key"]) if "client_key" in values else None,
        organisation=values.get("organisation"),
        depot=values.get("depot"),
        auth=values.get("auth"),
    )


def save_settings(settings: SyncSettings, path: Path | None = None) -> Path:
    path = path or settings_path()
    lines = ["# HALT Desk sync settings (no secrets: the token is in the keychain)", "[sync]"]
    for key in _KEYS:
        value = getattr(settings, key)
        if value is not None:
            # A JSON string is a valid TOML basic string.
            lines.append(f"{key} = {json.dumps(str(value), ensure_ascii=False)}")
    partial = private_file(path.with_name(path.name + ".partial"))  # who signs in where
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return path
