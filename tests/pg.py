"""A throwaway PostgreSQL server for tests: initdb into a temp dir, run it on 127.0.0.1 with a
free port, hand out SQLAlchemy URLs, and kill or restart it on request."""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO

import psycopg
from psycopg import sql

SUPERUSER = "postgres"
DEFAULT_DATABASE = "halt_desk"
START_TIMEOUT = 30.0  # seconds; a healthy server is ready in well under one
STOP_TIMEOUT = 30.0
BINDIR_ENV = "HALT_DESK_PG_BINDIR"  # override for machines without /usr/lib/postgresql
DEBIAN_BINDIRS = "/usr/lib/postgresql/*/bin"

# Settings passed on the command line. fsync stays on: tests kill the server and expect
# committed rows to survive. Small buffers keep start-up quick and the footprint low.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "shared_buffers": "16MB",
    "max_connections": "100",
    "max_wal_size": "256MB",
    "logging_collector": "off",
    "log_min_messages": "warning",
    "timezone": "UTC",
}

PG_HBA = (
    "# Written by tests/pg.py: no password, loopback TCP only.\nhost all all 127.0.0.1/32 trust\n"
)


class PostgresNotFound(RuntimeError):
    """The PostgreSQL server binaries (initdb, postgres) are not installed."""


class PostgresFailed(RuntimeError):
    """The throwaway server could not be initialised, started or stopped."""


def find_bindir() -> Path:
    """The newest Debian PostgreSQL server bin directory, or the one in $HALT_DESK_PG_BINDIR."""
    override = os.environ.get(BINDIR_ENV)
    candidates = [Path(override)] if override else _debian_bindirs()
    for bindir in candidates:
        if all(os.access(bindir / tool, os.X_OK) for tool in ("initdb", "postgres")):
            return bindir
    where = override if override else DEBIAN_BINDIRS
    raise PostgresNotFound(
        f"PostgreSQL server binaries (initdb, postgres) not found in {where}; "
        "install them with `scripts/setup.sh --test` (Debian package `postgresql`)"
    )


def _debian_bindirs() -> list[Path]:
    def version(bindir: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name))

    found = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.is_dir()]
    return sorted(found, key=version, reverse=True)


class ThrowawayPostgres:
    """One private PostgreSQL server in a temp dir, for as long as a test session needs it.

    As root the server runs as the `postgres` system user (PostgreSQL refuses to run as root);
    otherwise as the current user. Authentication is `trust`, on 127.0.0.1 only.
    Call start() from the main thread: the server is killed when the thread that started it
    ends (parent-death signal), so that a crashed test run leaves no server behind.
    """

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir if bindir is not None else find_bindir()
        self.port: int | None = None
        self.startup_seconds: float | None = None  # initdb + start of the first start()
        self._dir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._run_as: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self._run_as = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresFailed(
                    "running as root, but there is no `postgres` system user to run the server "
                    "as (the Debian package `postgresql` creates it)"
                ) from None

    # -- life cycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the server (initialising it the first time) and wait until it accepts logins."""
        if self.running:
            return
        began = time.monotonic()
        first = self._dir is None
        if first:
            self._initdb()
            self.port = _free_port()
        self._launch()
        try:
            self._wait_until_ready()
            if first:
                self._create_database(DEFAULT_DATABASE)
        except BaseException:
            self.kill()
            raise
        if first:
            self.startup_seconds = time.monotonic() - began

    def stop(self) -> None:
        """Fast shutdown (rolls back open transactions), then remove the temp dir."""
        process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)  # "fast" shutdown mode
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=STOP_TIMEOUT)
        self.kill()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def kill(self) -> None:
        """SIGKILL the postmaster and all its backends at once, like a crash; data dir is kept."""
        process = self._process
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        # Backends are reparented, not our children: wait until none of them is alive, or the
        # next start finds the old shared memory still attached and refuses to run.
        _wait_for(
            lambda: not _live_processes_in_group(process.pid),
            STOP_TIMEOUT,
            "backends of the killed server to exit",
        )
        self._process = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def postmaster_pid(self) -> int | None:
        """The postmaster's process id (its backends are its children), while it runs."""
        return self._process.pid if self.running and self._process is not None else None

    def __enter__(self) -> ThrowawayPostgres:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- databases ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the default database."""
        return self.url_for(DEFAULT_DATABASE)

    def url_for(self, database: str) -> str:
        if self.port is None:
            raise PostgresFailed("the server has not been started")
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, name: str) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        if not 0 < len(name.encode()) <= 63:
            raise ValueError(f"database name {name!r}: must be 1 to 63 bytes (PostgreSQL limit)")
        self._create_database(name)
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting whoever is still connected to it."""
        with self.connect() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """An autocommit psycopg connection, for set-up work outside SQLAlchemy."""
        if self.port is None:
            raise PostgresFailed("the server has not been started")
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            dbname=database,
            connect_timeout=5,
            autocommit=True,
        )

    def log_tail(self, lines: int = 30) -> str:
        if self._dir is None:
            return ""
        try:
            text = (self._dir / "postgres.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    # -- internals ------------------------------------------------------------------------------

    def _create_database(self, name: str) -> None:
        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def _initdb(self) -> None:
        base = _temp_base(for_other_user=self._run_as is not None)
        tmp = Path(tempfile.mkdtemp(prefix="halt-desk-pg-", dir=base))
        (tmp / "socket").mkdir(mode=0o700)
        if self._run_as is not None:
            for path in (tmp, tmp / "socket"):
                os.chown(path, self._run_as.pw_uid, self._run_as.pw_gid)
        self._dir = tmp
        initdb = self._spawn(
            [
                str(self.bindir / "initdb"),
                f"--pgdata={tmp / 'data'}",
                f"--username={SUPERUSER}",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                # Skips initdb's own fsync of the fresh cluster only; the server keeps fsync on.
                "--no-sync",
            ],
            stdout=subprocess.PIPE,
        )
        output, _ = initdb.communicate(timeout=START_TIMEOUT * 4)
        if initdb.returncode != 0:
            self.stop()
            raise PostgresFailed(
                f"initdb failed (exit {initdb.returncode}):\n{output.decode(errors='replace')}"
            )
        (tmp / "data" / "pg_hba.conf").write_text(PG_HBA)

    def _launch(self) -> None:
        assert self._dir is not None and self.port is not None
        command = [
            str(self.bindir / "postgres"),
            "-D",
            str(self._dir / "data"),
            "-p",
            str(self.port),
            "-k",
            str(self._dir / "socket"),
        ]
        for key, value in SERVER_SETTINGS.items():
            command += ["-c", f"{key}={value}"]
        with open(self._dir / "postgres.log", "ab") as log:
            self._process = self._spawn(command, stdout=log)

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if not self.running:
                raise PostgresFailed(
                    f"postgres exited during start-up (port {self.port}):\n{self.log_tail()}"
                )
            try:
                with self.connect() as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError as error:
                last_error = error
                time.sleep(0.02)
        raise PostgresFailed(
            f"postgres did not accept connections within {START_TIMEOUT:.0f} s "
            f"(last error: {last_error}):\n{self.log_tail()}"
        )

    def _spawn(self, command: list[str], stdout: int | IO[bytes]) -> subprocess.Popen[bytes]:
        """Run initdb or postgres: as the postgres user when we are root, in its own session
        (so kill() can take the backends down with the postmaster), dying with this process."""
        run_as = self._run_as
        return subprocess.Popen(
            [*_DIE_WITH_PARENT, *command],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            cwd=self._dir,
            # English messages, and no stray PG* settings from the caller's shell.
            env={**{k: v for k, v in os.environ.items() if not k.startswith("PG")}, "LC_ALL": "C"},
            start_new_session=True,
            user=run_as.pw_uid if run_as else None,
            group=run_as.pw_gid if run_as else None,
            extra_groups=[] if run_as else None,
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _temp_base(for_other_user: bool) -> str:
    """The temp dir to use; when the server runs as another user, one it can reach."""
    base = tempfile.gettempdir()
    if for_other_user and not _traversable_by_others(Path(base)):
        return "/tmp"  # e.g. TMPDIR under /root, which the postgres user cannot enter
    return base


def _traversable_by_others(path: Path) -> bool:
    path = path.resolve()
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in (path, *path.parents))


def _live_processes_in_group(pgid: int) -> bool:
    """Whether a process other than a zombie is still in the process group (Linux /proc)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat_line = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the ")" that closes the command name: state, ppid, pgrp, ...
        fields = stat_line.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise PostgresFailed(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.01)


def _die_with_parent_prefix() -> list[str]:
    """Command prefix that makes the server get SIGKILL when the test process dies, so no
    server outlives a crashed or killed run. setpriv (util-linux) runs after the switch to the
    postgres user, which would clear the setting, and then execs: postgres stays our child."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig=KILL", "--"] if setpriv else []


_DIE_WITH_PARENT = _die_with_parent_prefix()
