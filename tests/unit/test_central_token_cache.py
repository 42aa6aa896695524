"""The API's cache of checked tokens: entries expire, a change of users drops them, and
concurrent requests with one token look it up once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import Engine

from halt_desk.central.api import Authenticator
from halt_desk.central.auth import TOKEN_CACHE_SECONDS, Role, TokenCache, User
from halt_desk.central.engine import create_central_engine
from halt_desk.central.service import Central

PIET = User(1, "piet", Role.AGENT, None)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_cached_token_is_trusted_for_at_most_a_second() -> None:
    assert TOKEN_CACHE_SECONDS <= 1.0
    clock = FakeClock()
    cache = TokenCache(clock=clock)
    assert cache.get("t0k3n", 0) is None
    cache.put("t0k3n", PIET, 0)
    clock.now += TOKEN_CACHE_SECONDS - 0.01
    assert cache.get("t0k3n", 0) == PIET
    clock.now += 0.01
    assert cache.get("t0k3n", 0) is None


def test_another_token_is_not_answered_from_the_cache() -> None:
    cache = TokenCache(clock=FakeClock())
    cache.get("t0k3n", 0)
    cache.put("t0k3n", PIET, 0)
    assert cache.get("other", 0) is None


def test_a_change_of_users_drops_every_entry() -> None:
    cache = TokenCache(clock=FakeClock())
    cache.get("t0k3n", 3)
    cache.put("t0k3n", PIET, 3)
    assert cache.get("t0k3n", 4) is None
    assert cache.get("t0k3n", 4) is None  # gone, not only hidden


def test_an_answer_looked_up_before_a_change_of_users_is_not_kept() -> None:
    cache = TokenCache(clock=FakeClock())
    cache.get("t0k3n", 3)  # miss; the look-up starts while users are at version 3 …
    cache.get("other", 4)  # … and a user is revoked before it ends
    cache.put("t0k3n", PIET, 3)
    assert cache.get("t0k3n", 4) is None


def test_the_cache_keeps_token_hashes_not_tokens() -> None:
    cache = TokenCache(clock=FakeClock())
    cache.get("t0k3n", 0)
    cache.put("t0k3n", PIET, 0)
    assert "t0k3n" not in repr(vars(cache))


class CountingCentral(Central):
    """A real Central that counts its token look-ups."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.look_ups = 0

    def authenticate(self, token: str) -> User | None:
        self.look_ups += 1
        return super().authenticate(token)


def test_requests_waiting_for_one_token_share_one_look_up(tmp_path: Path) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    Central.open(url).close()  # migrated
    central = CountingCentral(create_central_engine(url))
    token = central.add_user("piet", "agent")
    clock = FakeClock()
    authenticator = Authenticator(central, TokenCache(clock=clock))

    async def twenty() -> list[User | None]:
        return await asyncio.gather(*(authenticator.user(token) for _ in range(20)))

    try:
        users = asyncio.run(twenty())
        assert [u.name if u else None for u in users] == ["piet"] * 20
        assert central.look_ups == 1
        clock.now += TOKEN_CACHE_SECONDS  # expired: looked up again, once
        asyncio.run(twenty())
        assert central.look_ups == 2
        central.revoke_user("piet")  # a change of users: looked up at once, refused
        assert asyncio.run(twenty()) == [None] * 20
        assert central.look_ups == 3
    finally:
        central.close()
