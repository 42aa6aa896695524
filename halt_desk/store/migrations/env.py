"""Alembic environment of the local cache; `halt_desk.store.schema` runs it programmatically.

At run time the caller hands an open connection (already inside a BEGIN IMMEDIATE
transaction) in `config.attributes["connection"]`, so the whole upgrade is one transaction.
For development, `alembic -x db=PATH revision/upgrade` with `script_location` pointing here
also works (a connection is then made from `-x db=` or `sqlalchemy.url`).
"""

from __future__ import annotations

from pathlib import Path

from alembic import context
from sqlalchemy.engine import Connection

from halt_desk.store.engine import create_store_engine, sqlite_url
from halt_desk.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; later revisions use op.batch_alter_table.
        render_as_batch=True,
        # SQLite DDL is transactional; with BEGIN IMMEDIATE the upgrade is all or nothing.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _database_path() -> Path:
    db = context.get_x_argument(as_dictionary=True).get("db")
    if db:
        return Path(db)
    url = config.get_main_option("sqlalchemy.url") or ""
    prefix = "sqlite+pysqlite:///" if url.startswith("sqlite+pysqlite") else "sqlite:///"
    if not url.startswith(prefix):
        raise RuntimeError("give the cache file with `alembic -x db=PATH ...`")
    return Path(url.removeprefix(prefix))


def run_offline() -> None:
    context.configure(
        url=sqlite_url(_database_path()),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        _configure(connection)
        return
    engine = create_store_engine(_database_path())
    try:
        with engine.begin() as own_connection:
            _configure(own_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
