"""The public holidays of a country, from the `holidays` library, remembered on disk.

Importing `holidays` loads every country module it has (close to 300; about 0.15 s of a
command's start-up), and a calendar needs one country's days for a few decades. The days
it gives for one country, year range and set of excluded holiday names are kept as a small
JSON file in the user's cache folder (`HALT_DESK_CACHE_DIR` overrides it), stamped with the
library's installed files: after an upgrade of the library, or with a file that cannot be
read, the library is asked again. The cache never decides anything the library would not:
a file that is missing, stale or damaged is a miss, and a folder that cannot be written to
only costs the time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import platformdirs

from halt_desk.paths import APP_AUTHOR, APP_NAME

#: Bumped when the file's layout or the way the days are chosen changes.
FORMAT = 1


def cache_dir() -> Path:
    """Where the holiday files are kept (not created here)."""
    override = os.environ.get("HALT_DESK_CACHE_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


def library_stamp() -> str | None:
    """What identifies the installed `holidays` library (its folder and the size and time
    of its version file), found without importing it; None when it cannot be told."""
    try:
        spec = importlib.util.find_spec("holidays")
        if spec is None or spec.origin is None:
            return None
        version = Path(spec.origin).with_name("version.py")
        info = version.stat()
    except (ImportError, OSError, ValueError):
        return None
    return f"{version.parent}|{info.st_size}|{info.st_mtime_ns}"


def _file_for(country: str, years: range, excluded: Iterable[str], stamp: str) -> Path:
    key = json.dumps([FORMAT, country, years.start, years.stop, sorted(excluded), stamp])
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return cache_dir() / f"holidays-{country}-{years.start}-{years.stop - 1}-{digest}.json"


def library_holidays(country: str, years: range, excluded: frozenset[str]) -> set[date]:
    """The days `holidays` names for `country` in `years`, less those any of whose names
    is in `excluded` (a day with two holidays is named "A; B")."""
    import holidays as holidays_lib  # here, not at the top: see the module's note

    calendar = holidays_lib.country_holidays(country, years=years, language="en_US")
    return {
        day
        for day, name in calendar.items()
        if not any(part.strip() in excluded for part in name.split(";"))
    }


def cached_holidays(country: str, years: range, excluded: frozenset[str]) -> set[date]:
    """`library_holidays`, from the cache when it holds this question for this library."""
    stamp = library_stamp()
    if stamp is None:
        return library_holidays(country, years, excluded)
    path = _file_for(country, years, excluded, stamp)
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored["stamp"] == stamp and stored["country"] == country:
            return {date.fromisoformat(day) for day in stored["days"]}
    days = library_holidays(country, years, excluded)
    _store(path, {"stamp": stamp, "country": country, "days": sorted(map(str, days))})
    return days


def _store(path: Path, content: dict[str, object]) -> None:
    """Writes the file whole or not at all (a temporary file renamed into place)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".holidays-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(content, out)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError:
        pass  # a cache that cannot be written costs time, nothing else
