"""`halt-desk central courier configure`: the key from standard input, kept encrypted
(never in the database's clear text, never printed), options kept when not given."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from halt_desk.central.courier_settings import load
from halt_desk.central.service import Central
from tests.sync_support import run_halt_desk


def test_configure_keeps_the_key_as_a_secret_and_the_settings_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HALT_DESK_CENTRAL_SECRET_KEY", Fernet.generate_key().decode())
    database = tmp_path / "central.sqlite3"
    url = f"sqlite+pysqlite:///{database}"
    key = "postnl-key-7f3a9c"
    first = run_halt_desk(
        ["central", "courier", "configure", "postnl", "--interval", "10", "--rate", "20",
         "--base-url", "http://127.0.0.1:9/", "--db", url],
        tmp_path, stdin=key + "\n",
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert key not in first.stdout + first.stderr
    assert "every 10 minutes" in first.stdout and "20 requests a second" in first.stdout
    again = run_halt_desk(
        ["central", "courier", "configure", "postnl", "--rate", "40", "--db", url],
        tmp_path, stdin="postnl-key-2\n",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert key.encode() not in database.read_bytes()
    central = Central.open(url)
    try:
        settings = load(central.engine)["postnl"]
    finally:
        central.close()
    assert (settings.interval_minutes, settings.rate, settings.base_url) == (
        10,
        40,
        "http://127.0.0.1:9",
    )
    assert settings.api_key == "postnl-key-2" and settings.webhook_secret
    unknown = run_halt_desk(
        ["central", "courier", "configure", "ups", "--db", url], tmp_path, "k\n"
    )
    assert unknown.returncode == 2 and "choose dhl, dpd, postnl" in unknown.stderr
    empty = run_halt_desk(["central", "courier", "configure", "dhl", "--db", url], tmp_path, "\n")
    assert empty.returncode == 2 and "no API key" in empty.stderr


def test_list_shows_each_carrier_without_its_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HALT_DESK_CENTRAL_SECRET_KEY", Fernet.generate_key().decode())
    url = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    empty = run_halt_desk(["central", "courier", "list", "--db", url], tmp_path)
    assert empty.returncode == 0 and "no carrier configured" in empty.stdout
    run_halt_desk(["central", "courier", "configure", "dpd", "--db", url], tmp_path, "dpd-k9\n")
    central = Central.open(url)
    try:
        with central.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO courier_polls (carrier, tracking, next_at, failures, problem) "
                "VALUES ('dpd', '05212345678901', 0, 1, 'HTTP 401'), "
                "('dpd', '05212345678902', 0, 0, NULL)"
            )
    finally:
        central.close()
    listed = run_halt_desk(["central", "courier", "list", "--db", url], tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "dpd: every 15 min, at most 5/s, https://tracking.dpd.de, API key kept" in listed.stdout
    assert "2 open shipment(s), 1 with a problem" in listed.stdout
    assert "05212345678901: HTTP 401" in listed.stdout and "dpd-k9" not in listed.stdout
