"""`halt-desk demo`: builds its own store from the demo data and prints the SLA board."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from halt_desk.demo.terminal import run_demo
from halt_desk.desk.board import sla_board
from halt_desk.store import Store

NOW = datetime(2026, 11, 26, 13, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_demo_loads_the_data_set_and_prints_the_board(tmp_path: Path) -> None:
    out = io.StringIO()
    path = tmp_path / "demo.sqlite3"
    assert run_demo(months=1, tickets_per_month=120, path=path, now=NOW, out=out) == 0
    text = out.getvalue()
    assert "Geladen: 2 organisaties" in text  # Dutch unless asked otherwise
    assert "SLA-overzicht op 2026-11-26 13:00" in text
    assert "NUMMER" in text and "VOLGENDE DEADLINE" in text
    with Store.open(path) as store:
        board = sla_board(store, NOW)
        assert board, "the demo should leave open tickets"
        assert all(row.ticket.is_open for row in board)
        assert board[0].ticket.id in text
        assert store.outbox_size() > 0  # demo events are recorded like any other action


def test_demo_prints_the_board_in_english_when_asked(tmp_path: Path) -> None:
    out = io.StringIO()
    path = tmp_path / "demo.sqlite3"
    run_demo(months=1, tickets_per_month=60, path=path, now=NOW, out=out, lang="en")
    text = out.getvalue()
    assert "Loaded 2 organisations" in text
    assert "SLA board at 2026-11-26 13:00" in text
    assert "NEXT DEADLINE" in text and " left)" in text


def test_demo_never_records_events_after_now(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    run_demo(months=1, tickets_per_month=60, path=path, now=NOW, out=io.StringIO())
    with Store.open(path) as store:
        for ticket in store.tickets():
            assert all(e.at <= NOW for e in store.events_for(f"ticket:{ticket.id}"))


def test_demo_rebuilds_its_store_each_time(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    run_demo(months=1, tickets_per_month=60, path=path, now=NOW, out=io.StringIO())
    with Store.open(path) as store:
        first = store.outbox_size()
    run_demo(months=1, tickets_per_month=60, path=path, now=NOW, out=io.StringIO())
    with Store.open(path) as store:
        assert store.outbox_size() == first


@pytest.mark.parametrize(
    ("options", "language", "expected"),
    [
        ([], None, "SLA-overzicht op"),
        (["--lang", "en"], None, "SLA board at"),
        ([], "en", "SLA board at"),  # HALT_DESK_LANG, as for the app
        (["--lang", "nl"], "en", "SLA-overzicht op"),
    ],
)
def test_demo_command_runs_from_the_entry_point_in_the_chosen_language(
    tmp_path: Path, options: list[str], language: str | None, expected: str
) -> None:
    exe = Path(sys.executable).with_name("halt-desk")
    env = {k: v for k, v in os.environ.items() if k != "HALT_DESK_LANG"}
    if language:
        env["HALT_DESK_LANG"] = language
    completed = subprocess.run(
        [str(exe), "demo", "--no-window", "--months", "1", "--tickets-per-month", "60",
         "--limit", "5", "--store", str(tmp_path / "demo.sqlite3"), *options],
        capture_output=True, text=True, check=False, timeout=120, env=env,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert expected in completed.stdout


def test_demo_refuses_a_bad_month_count(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("halt-desk")
    completed = subprocess.run(
        [str(exe), "demo", "--months", "0"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2
    assert "must be at least 1" in completed.stderr
