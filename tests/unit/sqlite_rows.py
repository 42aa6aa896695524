"""Reading a SQLite file directly, past the store's own code, to check what it wrote."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


def sql_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()
