"""Every central command given a `--db` it cannot use (an unknown kind of URL, no URL at
all, a PostgreSQL server that cannot be reached, a SQLite file that cannot be opened)
says so in one line and exits 2: no Python traceback, nothing on standard output, no
password shown."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.central_server import free_port
from tests.pg import ThrowawayPostgres

REPO = Path(__file__).resolve().parents[2]


def halt_desk(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("halt-desk")
    env = {**os.environ, "HALT_DESK_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, check=False, env=env, timeout=120
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    shown = result.stdout + result.stderr
    assert result.returncode == 2, shown
    assert "Traceback" not in shown and result.stdout == "", shown
    assert len(result.stderr.strip().splitlines()) == 1, shown
    assert result.stderr.startswith("halt-desk: error: "), shown
    for word in words:
        assert word in result.stderr, shown
    assert "secret" not in shown


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("nosuch://x", ["--db", "does not run on nosuch://", "postgresql+psycopg://"]),
        ("not a url", ["--db", "'not a url' is not a database URL"]),
        ("mysql://halt:secret@db.example/halt", ["does not run on mysql://"]),
        ("postgresql+psycopg2://halt@127.0.0.1/halt", ["does not run on postgresql+psycopg2://"]),
        ("sqlite+pysqlite:///", ["needs a file path"]),
    ],
)
def test_a_url_the_central_cannot_use(tmp_path: Path, url: str, words: list[str]) -> None:
    assert_one_clear_line(halt_desk(tmp_path, "serve", "--db", url, "--port", "1"), *words)


def test_an_unreachable_postgresql(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://halt:secret@127.0.0.1:{free_port()}/halt"  # nobody listens
    result = halt_desk(tmp_path, "serve", "--db", url)
    assert_one_clear_line(result, "cannot use the central database", "halt:***@127.0.0.1")


def test_a_postgresql_database_that_does_not_exist(
    tmp_path: Path, postgres_server: ThrowawayPostgres
) -> None:
    result = halt_desk(tmp_path, "serve", "--db", postgres_server.url_for("no_such_database"))
    assert_one_clear_line(result, "cannot use the central database", "no_such_database")


def test_a_sqlite_file_that_cannot_be_opened(tmp_path: Path) -> None:
    # A path through a plain file: not creatable, whoever runs the test (root too).
    (tmp_path / "plain-file").write_text("")
    url = f"sqlite+pysqlite:///{tmp_path / 'plain-file' / 'central.sqlite3'}"
    result = halt_desk(tmp_path, "serve", "--db", url)
    # The folder is made (0700) before SQLite opens the file: either may say why.
    assert_one_clear_line(result, "cannot use the central database", "plain-file")


@pytest.mark.parametrize(
    "command",
    [
        ["central", "user", "add", "anna", "--role", "agent"],
        ["central", "user", "revoke", "anna"],
        ["central", "org", "add", "halt", "--name", "Halt", "--profile", "halt"],
        ["central", "org", "update", "halt", "--name", "Halt"],
        ["central", "org", "list"],
        ["central", "audit", "verify"],
        ["central", "audit", "checkpoint"],
        ["central", "profile", "publish", str(REPO / "resources" / "profiles" / "halt.toml")],
        ["central", "import", "employees", str(REPO / "tests" / "integration" / "conftest.py")],
    ],
    ids=lambda command: " ".join(command[1:3]),
)
def test_every_central_command_refuses_a_bad_db_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    assert_one_clear_line(halt_desk(tmp_path, *command, "--db", "nosuch://x"), "--db")
