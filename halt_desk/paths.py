"""Where HALT Desk keeps its files: user data dir (platformdirs) and the bundled resources."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

import platformdirs

APP_NAME = "halt-desk"
APP_AUTHOR = "HALT Desk"

#: The folder name of the resources inside the PyInstaller bundle (build.spec puts them there).
BUNDLE_RESOURCES = "resources"


#: Modes of files with personal data or secrets and of the folders HALT Desk keeps them in
#: (POSIX): the owner only.
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
#: The files SQLite keeps beside a database (they hold its data too).
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def user_data_dir() -> Path:
    """The per-user data folder (local cache, logs), only for its owner (0700, tightened
    if it was not); `HALT_DESK_DATA_DIR` overrides it."""
    override = os.environ.get("HALT_DESK_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    return private_dir(path, tighten=True)


def private_dir(path: Path, *, tighten: bool = False) -> Path:
    """Makes the folder `path` (and missing parents) if missing, itself 0700 on POSIX; with
    `tighten`, an existing one is made 0700 too, if this user owns it and it is no shared
    folder (sticky bit, like /tmp). Without `tighten` an existing folder is left as it is:
    a folder someone chose for a file is theirs to set."""
    existed = path.is_dir()
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if os.name == "posix" and (tighten or not existed):
        info = path.stat()
        ours = info.st_uid == os.geteuid() and not info.st_mode & stat.S_ISVTX
        if ours and stat.S_IMODE(info.st_mode) != PRIVATE_DIR_MODE:
            path.chmod(PRIVATE_DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Creates `path` empty and 0600 if it is missing, and tightens it to 0600 if it is
    not (POSIX, a file of this user; elsewhere nothing). For a file about to be written by
    someone else (SQLite) with personal data or secrets: it is never readable by others,
    not even for a moment."""
    if os.name != "posix":
        return path
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    _tighten(path)
    return path


def private_sqlite(path: Path) -> Path:
    """The SQLite database `path` made private before it is opened: created 0600 when new
    (SQLite gives its -wal and -shm files the database's mode), and an existing database
    and the files beside it tightened to 0600 (POSIX). Its folder is made 0700 if missing."""
    private_dir(path.parent)
    private_file(path)
    if os.name == "posix":
        for suffix in SQLITE_COMPANIONS:
            _tighten(path.with_name(path.name + suffix))
    return path


def _tighten(path: Path) -> None:
    """An existing file of this user made 0600 (one of someone else's is theirs to set)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if stat.S_IMODE(info.st_mode) != PRIVATE_FILE_MODE and info.st_uid == os.geteuid():
        path.chmod(PRIVATE_FILE_MODE)


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
