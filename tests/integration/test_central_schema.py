"""The central migrations build exactly the schema the code uses, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from halt_desk.central.migrate import alembic_config
from halt_desk.central.schema import metadata
from halt_desk.central.service import Central


def test_migrations_match_the_schema_module(db_url: str) -> None:
    central = Central.open(db_url)
    try:
        with central.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        central.close()


def test_opening_twice_migrates_once(db_url: str) -> None:
    Central.open(db_url).close()
    central = Central.open(db_url)
    config = alembic_config()
    try:
        with central.engine.connect() as connection:
            revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert revision.scalars().all() == [
                ScriptDirectory.from_config(config).get_current_head()
            ]
    finally:
        central.close()
