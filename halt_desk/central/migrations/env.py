"""Alembic environment of the central database; `halt_desk.central.migrate` runs it.

The caller hands an open connection in `config.attributes["connection"]`, so the whole
upgrade runs in the caller's transaction.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from halt_desk.central.schema import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("run the central migrations through halt_desk.central.migrate")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
