"""Where HALT Desk keeps its files: user data dir (platformdirs) and the bundled resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "halt-desk"
APP_AUTHOR = "HALT Desk"


def user_data_dir() -> Path:
    """The per-user data folder (local cache, logs); `HALT_DESK_DATA_DIR` overrides it."""
    override = os.environ.get("HALT_DESK_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """The `resources/` folder: next to the package in a checkout, inside it when installed."""
    override = os.environ.get("HALT_DESK_RESOURCES")
    candidates = [Path(override)] if override else []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    here = Path(__file__).resolve().parent
    candidates += [here.parent / "resources", here / "_resources"]
    for candidate in candidates:
        if (candidate / "profiles").is_dir():
            return candidate
    raise FileNotFoundError("HALT Desk resources not found; reinstall the application")
