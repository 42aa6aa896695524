"""Where the cache file lives unless told otherwise (read before the store itself loads:
the desk's first page comes straight from the file)."""

from __future__ import annotations

from pathlib import Path

from halt_desk.paths import user_data_dir

CACHE_FILE_NAME = "cache.sqlite3"


def default_path() -> Path:
    """The user's data folder's `cache.sqlite3`."""
    return user_data_dir() / CACHE_FILE_NAME
