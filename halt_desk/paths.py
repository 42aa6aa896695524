"""Where HALT Desk keeps its files: user data dir (platformdirs) and the bundled resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "halt-desk"
APP_AUTHOR = "HALT Desk"

#: The folder name of the resources inside the PyInstaller bundle (build.spec puts them there).
BUNDLE_RESOURCES = "resources"


def user_data_dir() -> Path:
    """The per-user data folder (local cache, logs); `HALT_DESK_DATA_DIR` overrides it."""
    override = os.environ.get("HALT_DESK_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_frozen() -> bool:
    """True inside the PyInstaller bundle (the installed desktop app)."""
    return bool(getattr(sys, "frozen", False))


def resource_candidates() -> list[Path]:
    """Where `resources/` may be, in the order they are tried.

    `HALT_DESK_RESOURCES` first; in the bundle `sys._MEIPASS/resources` (the `_internal`
    folder next to the exe) and nothing else, so an installed app never picks up a stray
    checkout; otherwise next to the package (a checkout) or inside it (a wheel maps
    `resources` to `halt_desk/_resources`).
    """
    override = os.environ.get("HALT_DESK_RESOURCES")
    candidates = [Path(override)] if override else []
    if is_frozen():
        bundle_root = getattr(sys, "_MEIPASS", None)
        root = Path(bundle_root) if bundle_root else Path(sys.executable).resolve().parent
        return [*candidates, root / BUNDLE_RESOURCES]
    here = Path(__file__).resolve().parent
    return [*candidates, here.parent / "resources", here / "_resources"]


def resources_dir() -> Path:
    """The `resources/` folder (profiles, message catalogue, icons) of this installation."""
    candidates = resource_candidates()
    for candidate in candidates:
        if (candidate / "profiles").is_dir():
            return candidate
    tried = ", ".join(str(path) for path in candidates)
    raise FileNotFoundError(f"HALT Desk resources not found (tried {tried}); reinstall the app")
