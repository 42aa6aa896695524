"""StreamCache: what it keeps, what it forgets when another process wrote, and when it
starts again empty rather than risk a stale answer (the database went back, a long gap,
too many entries)."""

from __future__ import annotations

import pytest

from halt_desk.central.stream_cache import CATCH_UP_LIMIT, MISSING, StreamCache

TICKET = {"id": "T1", "org": "halt", "assignee": None, "closed": False}


def learnt(cache: StreamCache, start: int, end: int, key: str = "T1") -> None:
    cache.publish(start, end, {key: dict(TICKET, id=key)}, {}, {"halt": "halt"}, {}, {})


def test_what_a_transaction_left_is_kept_while_the_counter_stands() -> None:
    cache = StreamCache()
    assert cache.catch_up(0, None) is None  # nothing known yet: starts empty at 0
    learnt(cache, 0, 3)
    assert cache.catch_up(3, []) == set()
    assert cache.tickets["T1"] == TICKET and cache.org_profiles["halt"] == "halt"
    assert cache.devices.get("LT-1", MISSING) is MISSING


def test_what_other_processes_wrote_is_forgotten_and_nothing_else() -> None:
    cache = StreamCache()
    cache.catch_up(0, None)
    learnt(cache, 0, 1, key="T1")
    learnt(cache, 1, 2, key="T2")
    assert cache.catch_up(4, ["ticket:T1", "org:halt"]) == {"ticket:T1", "org:halt"}
    assert set(cache.tickets) == {"T2"} and cache.org_profiles == {} and cache.seq == 4


@pytest.mark.parametrize("counter", [2, 3 + CATCH_UP_LIMIT + 1], ids=["went back", "long gap"])
def test_a_counter_behind_or_far_ahead_empties_the_cache(counter: int) -> None:
    cache = StreamCache()
    cache.catch_up(0, None)
    learnt(cache, 0, 3)
    # The database restored from a backup; a gap longer than is worth looking through.
    changed = [f"ticket:X{n}" for n in range(min(counter - 3, CATCH_UP_LIMIT + 1))]
    assert cache.catch_up(counter, changed) is None
    assert cache.tickets == {} and cache.org_profiles == {} and cache.seq == counter


def test_changes_not_read_empty_the_cache() -> None:
    cache = StreamCache()
    cache.catch_up(0, None)
    learnt(cache, 0, 3)
    assert cache.catch_up(5, None) is None and cache.tickets == {} and cache.seq == 5


def test_a_transaction_that_did_not_begin_where_the_cache_stands_teaches_nothing() -> None:
    cache = StreamCache()
    cache.catch_up(0, None)
    learnt(cache, 5, 6)
    assert cache.tickets == {} and cache.seq is None


def test_past_its_bound_the_cache_starts_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(StreamCache, "MAX_ENTRIES", 2)
    cache = StreamCache()
    cache.catch_up(0, None)
    for n in range(3):
        learnt(cache, n, n + 1, key=f"T{n}")
    learnt(cache, 3, 4, key="T3")
    assert set(cache.tickets) == {"T3"} and cache.seq == 4
