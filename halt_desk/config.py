"""Where the machine-wide configuration lives that IT sets at install time (central's URL,
the organisation, TLS files). Its settings sit *under* each user's settings.toml.

    Windows     %ProgramData%\\HALT Desk\\config.toml   (written by the installer's /SERVER=...)
    elsewhere   /etc/halt-desk/config.toml
    any         HALT_DESK_MACHINE_CONFIG=FILE overrides the location (tests, odd layouts)

The file has the same `[sync]` table as settings.toml, without `user`, plus `organisation`:

    [sync]
    server = "https://desk.example.nl:8765"
    organisation = "halt"
    ca_bundle = "ca.pem"               # a relative path is read next to config.toml
    client_cert = "C:\\\\ProgramData\\\\HALT Desk\\\\client.pem"

Never secrets: tokens stay per user in the keychain. Reading and merging is done by
`halt_desk.sync.settings.effective_settings()`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

ENV_VAR = "HALT_DESK_MACHINE_CONFIG"
FILE_NAME = "config.toml"
#: The folder under %ProgramData% (Windows); the installer writes config.toml there.
WINDOWS_FOLDER = "HALT Desk"
POSIX_PATH = "/etc/halt-desk/config.toml"
#: What the machine may set; `user` is per person and stays in settings.toml only.
MACHINE_KEYS = ("server", "organisation", "ca_bundle", "client_cert", "client_key")


def machine_config_path(
    platform: str = sys.platform, environ: Mapping[str, str] = os.environ
) -> Path:
    """The machine-wide config file of this computer (it need not exist)."""
    override = environ.get(ENV_VAR)
    if override:
        return Path(override)
    if platform == "win32":
        program_data = environ.get("PROGRAMDATA") or environ.get("ALLUSERSPROFILE")
        return Path(program_data or r"C:\ProgramData") / WINDOWS_FOLDER / FILE_NAME
    return Path(POSIX_PATH)
