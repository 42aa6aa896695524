"""Brings a cache file to the current schema with Alembic, safely.

Before an existing database is upgraded it is copied to `<name>.bak-<revision>` with SQLite's
online backup API. A database at a revision this version does not know (a newer HALT Desk
wrote it) is refused with `SchemaTooNew` before anything touches it: the check reads the
file through a read-only connection, and only then is the normal engine (which switches the
file to WAL) used.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from halt_desk.paths import private_file
from halt_desk.store.errors import SchemaTooNew, StoreUnreadable

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine  # typing only: the desk's first page reads the revision

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The name used in a backup's file name when the database had no Alembic revision yet.
BASE_REVISION = "base"


def alembic_config() -> Config:
    """An Alembic config without an ini file, pointing at the packaged migrations."""
    from alembic.config import Config

    config = Config()
    # ConfigParser interpolation: a literal '%' in the install path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    return config


_REVISION = re.compile(r"^revision(?:\s*:\s*str)?\s*=\s*[\"']([^\"']+)[\"']", re.M)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]*)?\s*=\s*(?:None|[\"']([^\"']*)[\"'])", re.M)


def _revision_graph() -> dict[str, str | None]:
    """revision → down_revision of the packaged migrations, read from their files.

    Opening the cache runs this on every start; importing Alembic (half a second) is left
    for when a migration really has to run. A test checks it agrees with Alembic's view."""
    graph: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN.search(text)
        if revision is None or down is None:  # pragma: no cover - every migration has both
            raise RuntimeError(f"{path.name}: no revision / down_revision")
        graph[revision.group(1)] = down.group(1)
    return graph


def known_revisions() -> frozenset[str]:
    return frozenset(_revision_graph())


def head_revision() -> str:
    graph = _revision_graph()
    heads = set(graph) - {down for down in graph.values() if down is not None}
    if len(heads) != 1:  # pragma: no cover - the package ships one line of migrations
        raise RuntimeError(f"migrations in {MIGRATIONS_DIR} have heads {sorted(heads)}")
    return heads.pop()


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def stored_revisions(path: Path) -> tuple[str, ...] | None:
    """The Alembic revision(s) recorded in the file; () if it has tables but no revision,
    None if the file is missing or holds no tables at all (a fresh cache).

    Reads through a read-only connection, so the file is not changed.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        connection = _connect_read_only(path)
        try:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if not tables:
                return None
            if "alembic_version" not in tables:
                return ()
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise StoreUnreadable(path, str(exc)) from exc
    return tuple(sorted(str(row[0]) for row in rows))


def backup_path_for(path: Path, revision: str) -> Path:
    """`<name>.bak-<revision>`, or `<name>.bak-<revision>.<n>` if that one is taken: an
    earlier backup is never overwritten (it may be the only good copy)."""
    candidate = path.with_name(f"{path.name}.bak-{revision}")
    counter = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak-{revision}.{counter}")
        counter += 1
    return candidate


def backup_database(path: Path, revision: str) -> Path:
    """Copies the database at `path` (consistently, with SQLite's backup API) to
    `backup_path_for(path, revision)` and returns that path."""
    target = backup_path_for(path, revision)
    partial = private_file(target.with_name(target.name + ".partial"))  # personal data
    source = _connect_read_only(path)
    try:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    # Only a complete copy gets the backup's name.
    os.replace(partial, target)
    log.info("backed up the local cache at revision %s to %s", revision, target.name)
    return target


def upgrade_schema(path: Path, engine: Engine) -> Path | None:
    """Creates or upgrades the schema of the cache at `path` (opened by `engine`).

    Returns the backup's path if an existing database was backed up first, else None.
    Raises SchemaTooNew (file untouched) for a revision this version does not know.
    """
    stored = stored_revisions(path)
    known = known_revisions()
    for revision in stored or ():
        if revision not in known:
            raise SchemaTooNew(path, revision)
    head = head_revision()
    if stored == (head,):
        return None
    backup = None
    if stored is not None:
        backup = backup_database(path, "+".join(stored) or BASE_REVISION)
    from alembic import command

    config = alembic_config()
    # One BEGIN IMMEDIATE transaction: a second process opening the same file waits, then
    # finds the schema at head (Alembic reads the revision inside the lock) and does nothing.
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("local cache schema at revision %s", head)
    return backup
