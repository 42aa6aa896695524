"""Fixtures for tests against real servers: one throwaway PostgreSQL per session, a fresh
database per test."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.central_server import ThreadServer
from tests.pg import ThrowawayPostgres
from tests.sync_support import Desk

_database_numbers = itertools.count(1)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayPostgres]:
    """A running PostgreSQL server for the whole session; stopped and removed at the end.

    Without the server binaries the test is skipped on a developer machine, but fails in CI
    (env CI set), where scripts/setup.sh --test must have installed them.
    """
    from tests.pg import PostgresNotFound, ThrowawayPostgres

    try:
        server = ThrowawayPostgres()
    except PostgresNotFound as error:
        missing = str(error)
    else:
        missing = ""
    if missing:
        if _in_ci():
            pytest.fail(f"CI must have PostgreSQL: {missing}", pytrace=False)
        pytest.skip(missing)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(postgres_server: ThrowawayPostgres, request: pytest.FixtureRequest) -> Iterator[str]:
    """SQLAlchemy URL of a new, empty database that only this test uses; dropped afterwards."""
    slug = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower()).strip("_")
    name = f"t{next(_database_numbers)}_{slug}"[:63]
    url = postgres_server.new_database(name)
    yield url
    # A test that killed or stopped the server leaves it running again for the next one.
    if not postgres_server.running:
        postgres_server.start()
    postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A central database URL: once a SQLite file, once a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Desk, ThreadServer]]:
    """A central with the sync tests' users and reference data, served on 127.0.0.1."""
    desk = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    with ThreadServer(desk.central) as server:
        yield desk, server
    desk.central.close()
