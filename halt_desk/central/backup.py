"""`halt-desk central backup FILE`: a consistent copy of the central database.

SQLite: SQLite's online backup API, in one step, while `serve` keeps running (readers and
the writer see no difference; the copy is the database as of one commit). PostgreSQL:
`pg_dump --format=custom` (a consistent snapshot of one transaction) when it is installed,
with the password in the environment, never on its command line.

After central is restored from such a copy, every laptop that synced after it finds out at
its next sync round (central/history.py) and brings back what it recorded since.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from halt_desk.central.engine import parse_url
from halt_desk.domain.errors import HaltDeskError
from halt_desk.paths import private_file

#: How an administrator restores a PostgreSQL backup (the README says the same).
PG_RESTORE_PROCEDURE = (
    "stop every `halt-desk serve`; "
    "dropdb DATABASE && createdb -O OWNER DATABASE && "
    "pg_restore --no-owner --role=OWNER -d DATABASE FILE; start `halt-desk serve` again"
)


@dataclass(frozen=True, slots=True)
class BackupMade:
    path: Path
    method: str  # "sqlite backup API" or "pg_dump"


def backup(url: str, target: Path) -> BackupMade:
    """Writes a consistent copy of the central database at `url` to `target` (a new file,
    0600: it holds personal data); HaltDeskError with the reason when it cannot."""
    parsed = parse_url(url)
    if target.exists():
        raise HaltDeskError(f"{target} exists already; a backup never overwrites a file")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_backup(parsed, target)
    return _pg_dump(parsed, target)


def _sqlite_backup(url: URL, target: Path) -> BackupMade:
    source_path = Path(str(url.database or ""))
    if not source_path.is_file():
        raise HaltDeskError(f"no central database at {source_path}")
    partial = private_file(target.with_name(target.name + ".partial"))
    try:
        source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            destination = sqlite3.connect(partial)
            try:
                source.backup(destination)  # all pages in one step: one consistent state
            finally:
                destination.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise HaltDeskError(f"backup of {source_path} failed: {exc}") from None
    os.replace(partial, target)  # only a complete copy gets the name
    return BackupMade(target, "sqlite backup API")


def _pg_dump(url: URL, target: Path) -> BackupMade:
    program = shutil.which("pg_dump")
    if program is None:
        raise HaltDeskError(
            "pg_dump is not installed here; run it on the database server: "
            "pg_dump --format=custom --file FILE DATABASE (restore: "
            f"{PG_RESTORE_PROCEDURE})"
        )
    command = [program, "--format=custom", "--no-password", "--file", str(target)]
    for option, value in (("--host", url.host), ("--port", url.port), ("--username", url.username)):
        if value is not None:
            command += [option, str(value)]
    command += ["--dbname", str(url.database)]
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)  # not on the command line (ps shows that)
    private_file(target)
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        reason = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise HaltDeskError(f"pg_dump failed: {reason}")
    return BackupMade(target, "pg_dump")
