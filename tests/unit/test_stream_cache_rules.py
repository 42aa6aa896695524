"""StreamCache: what it keeps, and when it starts again empty rather than risk a stale
answer (another process wrote, the database went back, too many entries)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection

from halt_desk.central.service import Central
from halt_desk.central.stream_cache import MISSING, StreamCache

TICKET = {"id": "T1", "org": "halt", "assignee": None, "closed": False}


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[Connection]:
    central = Central.open(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    with central.engine.connect() as connection:
        yield connection
    central.close()


def learnt(cache: StreamCache, start: int, end: int, key: str = "T1") -> None:
    cache.publish(start, end, {key: dict(TICKET, id=key)}, {}, {"halt": "halt"}, {}, {})


def test_what_a_transaction_left_is_kept_while_the_counter_stands(conn: Connection) -> None:
    cache = StreamCache()
    cache.catch_up(conn, 0)
    learnt(cache, 0, 3)
    cache.catch_up(conn, 3)
    assert cache.tickets["T1"] == TICKET and cache.org_profiles["halt"] == "halt"
    assert cache.devices.get("LT-1", MISSING) is MISSING


@pytest.mark.parametrize(
    "counter", [2, 3 + StreamCache.CATCH_UP_LIMIT + 1], ids=["went back", "long gap"]
)
def test_a_counter_behind_or_far_ahead_empties_the_cache(conn: Connection, counter: int) -> None:
    cache = StreamCache()
    cache.catch_up(conn, 0)
    learnt(cache, 0, 3)
    cache.catch_up(conn, counter)  # the database restored from a backup; a long gap
    assert cache.tickets == {} and cache.org_profiles == {} and cache.seq == counter


def test_a_transaction_that_did_not_begin_where_the_cache_stands_teaches_nothing(
    conn: Connection,
) -> None:
    cache = StreamCache()
    cache.catch_up(conn, 0)
    learnt(cache, 5, 6)
    assert cache.tickets == {} and cache.seq is None


def test_past_its_bound_the_cache_starts_again(
    conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(StreamCache, "MAX_ENTRIES", 2)
    cache = StreamCache()
    cache.catch_up(conn, 0)
    for n in range(3):
        learnt(cache, n, n + 1, key=f"T{n}")
    learnt(cache, 3, 4, key="T3")
    assert set(cache.tickets) == {"T3"} and cache.seq == 4
