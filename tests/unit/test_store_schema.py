"""Local store: schema creation, pragmas, backups before upgrades, refusing a newer schema."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, event

from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.events import Event, new_event
from halt_desk.store import SchemaTooNew, Store, StoreUnreadable, backup_database
from halt_desk.store import schema as store_schema
from halt_desk.store.models import Base

InstallMigrations = Callable[..., Path]
#: The packaged head revision; the test-only revision comes after it.
HEAD = store_schema.head_revision()
AT = datetime.fromisoformat("2027-01-12T10:00:00+01:00")

SECOND_REVISION = '''"""Test-only second revision."""
import sqlalchemy as sa
from alembic import op

revision = "9002"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("test_only", sa.Column("id", sa.Integer(), primary_key=True))
    {extra}


def downgrade() -> None:
    op.drop_table("test_only")
'''


def _org_event(name: str = "Stichting Halt") -> Event:
    return new_event(
        "org:halt", "organisation_registered", AT, "agent-1", {"name": name, "profile": "halt"}
    )


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {row[0] for row in rows}


def _revision(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    finally:
        connection.close()


@pytest.fixture
def migrations_with_second_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> InstallMigrations:
    """A copy of the packaged migrations plus a test-only revision 9002; returns a function
    that switches the store to it (with optional extra upgrade code)."""

    def install(extra: str = "pass") -> Path:
        folder = tmp_path / "migrations"
        shutil.copytree(
            store_schema.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__")
        )
        text = SECOND_REVISION.format(extra=extra, head=HEAD)
        (folder / "versions" / "9002_test_only.py").write_text(text)
        monkeypatch.setattr(store_schema, "MIGRATIONS_DIR", folder)
        return folder

    return install


def test_open_creates_every_table_at_the_head_revision(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    expected = {
        "events",
        "outbox",
        "sync_cursor",
        "organisations",
        "employees",
        "locations",
        "depots",
        "tickets",
        "devices",
        "alembic_version",
    }
    assert expected <= _tables(path)
    assert _revision(path) == [store_schema.head_revision()]


def test_migration_creates_exactly_the_schema_of_the_models(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_cache_file_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_connections_use_synchronous_full_busy_timeout_and_foreign_keys(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "cache.sqlite3") as store, store._engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_write_transactions_begin_immediate_and_reads_begin_deferred(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cache.sqlite3") as store:
        statements: list[str] = []

        def capture(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            if statement.startswith("BEGIN"):
                statements.append(statement)

        event.listen(store._engine, "before_cursor_execute", capture)
        store.record_event(_org_event())
        assert statements == ["BEGIN IMMEDIATE"]
        statements.clear()
        store.events_for("org:halt")
        assert statements == ["BEGIN"]


def test_default_location_is_cache_file_in_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HALT_DESK_DATA_DIR", str(tmp_path / "data"))
    with Store.open() as store:
        assert store.path == tmp_path / "data" / "cache.sqlite3"
    assert (tmp_path / "data" / "cache.sqlite3").is_file()


def test_reopening_a_current_database_keeps_data_and_makes_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Store.open(path) as store:
        store.record_event(_org_event())
    with Store.open(path) as store:
        assert store.backup_path is None
        assert len(store.events_for("org:halt")) == 1
    assert not list(tmp_path.glob("*.bak-*"))


def test_new_database_gets_no_backup(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cache.sqlite3") as store:
        assert store.backup_path is None
    assert not list(tmp_path.glob("*.bak-*"))


def test_backup_database_copies_the_content_to_the_bak_name(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Store.open(path) as store:
        store.record_event(_org_event())
        backup = backup_database(path, "0001")  # while the store is open: a consistent copy
    assert backup == tmp_path / "cache.sqlite3.bak-0001"
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone()[0] == 1
    assert not list(tmp_path.glob("*.partial"))


def test_backup_never_overwrites_an_earlier_backup(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    first = backup_database(path, "0001")
    second = backup_database(path, "0001")
    assert first != second
    assert first.is_file() and second.is_file()


def test_opening_a_database_at_an_older_revision_backs_it_up_then_upgrades(
    tmp_path: Path, migrations_with_second_revision: InstallMigrations
) -> None:
    path = tmp_path / "cache.sqlite3"
    with Store.open(path) as store:
        store.record_event(_org_event())
    migrations_with_second_revision()
    with Store.open(path) as store:
        assert store.backup_path == tmp_path / f"cache.sqlite3.bak-{HEAD}"
        assert len(store.events_for("org:halt")) == 1
    assert _revision(path) == ["9002"]
    assert _revision(tmp_path / f"cache.sqlite3.bak-{HEAD}") == [HEAD]
    assert "test_only" not in _tables(tmp_path / f"cache.sqlite3.bak-{HEAD}")


def test_a_failing_upgrade_leaves_the_database_at_its_old_revision(
    tmp_path: Path, migrations_with_second_revision: InstallMigrations
) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    migrations_with_second_revision(extra='raise RuntimeError("upgrade step failed")')
    with pytest.raises(RuntimeError, match="upgrade step failed"):
        Store.open(path)
    assert _revision(path) == [HEAD]
    assert "test_only" not in _tables(path)  # SQLite DDL rolled back with the transaction
    assert (tmp_path / f"cache.sqlite3.bak-{HEAD}").is_file()


def test_database_written_by_a_newer_version_is_refused_untouched(
    tmp_path: Path,
    migrations_with_second_revision: InstallMigrations,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "cache.sqlite3"
    packaged = store_schema.MIGRATIONS_DIR
    migrations_with_second_revision()
    Store.open(path).close()  # "the newer app" migrates to 9002
    monkeypatch.setattr(store_schema, "MIGRATIONS_DIR", packaged)
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew) as raised:
        Store.open(path)
    assert raised.value.revision == "9002"
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.bak-*"))


def test_unknown_revision_error_names_the_file_and_revision(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00dbeef'")
    connection.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew) as raised:
        Store.open(path)
    error = raised.value
    assert isinstance(error, HaltDeskError)
    assert str(path) in str(error) and "f00dbeef" in str(error)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a SQLite database, just some text " * 100)
    with pytest.raises(StoreUnreadable, match="cannot be read"):
        Store.open(path)


def test_open_creates_missing_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "cache.sqlite3"
    Store.open(path).close()
    assert path.is_file()


def test_the_revisions_read_from_the_files_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(store_schema.alembic_config())
    assert store_schema.head_revision() == script.get_current_head()
    assert store_schema.known_revisions() == {s.revision for s in script.walk_revisions()}


def test_opening_a_current_cache_does_not_import_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    probe = (
        "import sys; from pathlib import Path; from halt_desk.store import Store; "
        f"Store.open(Path({str(path)!r})).close(); print('alembic' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
