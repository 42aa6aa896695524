"""The throwaway PostgreSQL fixture: a real server, an empty database per test, and committed
rows that survive a crash of the server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.pg import ThrowawayPostgres

_databases_seen: set[str] = set()


def test_pg_url_points_at_a_working_postgresql_server(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(sa.text("select version()")).scalar_one()
    finally:
        engine.dispose()
    assert "PostgreSQL" in version


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_gets_its_own_empty_database(pg_url: str, run: int) -> None:
    engine = sa.create_engine(pg_url)
    try:
        with engine.begin() as conn:
            database = conn.execute(sa.text("select current_database()")).scalar_one()
            assert sa.inspect(conn).get_table_names() == []
            # Would fail in the second run if both runs shared a database.
            conn.execute(sa.text("create table marker (run integer primary key)"))
            conn.execute(sa.text("insert into marker values (:run)"), {"run": run})
    finally:
        engine.dispose()
    assert database not in _databases_seen
    _databases_seen.add(database)


def test_committed_rows_survive_a_killed_server(
    postgres_server: ThrowawayPostgres, pg_url: str
) -> None:
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text("create table ticket (id text primary key)"))
        conn.execute(sa.text("insert into ticket values ('T1'), ('T2')"))
    uncommitted = engine.connect()
    uncommitted.execute(sa.text("insert into ticket values ('T3')"))  # never committed

    postgres_server.kill()
    assert not postgres_server.running
    uncommitted.invalidate()
    engine.dispose()

    postgres_server.start()
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as conn:
            ids = conn.execute(sa.text("select id from ticket order by id")).scalars().all()
    finally:
        engine.dispose()
    assert ids == ["T1", "T2"]
