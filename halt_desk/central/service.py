"""The central API's work without HTTP: `Central`, one object over the modules that do it.

Recording (writer.py): every group commit, the batches of concurrent pushes together, runs
in one transaction under the writer lock and begins by reading the sequence counter, so
`seq` values become visible strictly in order (the changes feed can never skip an event
that commits later with a lower `seq`). Each event is checked completely before anything
of it is written, so a rejected event leaves no trace and never blocks the others; the
accepted ones are inserted together at the end. The other jobs: engine.py (connections,
the writer lock), users.py, reads.py (changes feed, ticket state), audit_trail.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from halt_desk.central import audit, audit_trail, history, number_series, reads, users, writer
from halt_desk.central.auth import Role, User
from halt_desk.central.engine import CentralDatabase, create_central_engine, default_url
from halt_desk.central.migrate import upgrade
from halt_desk.central.stream_cache import StreamCache
from halt_desk.central.validation import EventResult
from halt_desk.domain.profiles import available_profiles, load_profile


class Central:
    """The central store. Thread-safe: each call takes its own connection."""

    def __init__(self, engine: Engine) -> None:
        self.db = CentralDatabase(engine)
        self.engine = engine
        #: Reads go here: on SQLite a view of the engine that never waits for the write lock.
        self.reader = self.db.reader
        self._streams = StreamCache()
        #: The moment that says which year's number series is reserved (tests set it).
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        #: Goes up whenever this process adds or revokes a user: lets a cache of
        #: `authenticate` answers (the API's TokenCache) drop them at once.
        self.users_version = 0

    @classmethod
    def open(cls, url: str | None = None) -> Central:
        engine = create_central_engine(url or default_url())
        upgrade(engine)
        return cls(engine)

    def close(self) -> None:
        self.db.close()

    def warm_up(self) -> None:
        """Loads what the first push would otherwise pay for (the built-in contract profiles
        with their holiday calendars: most of a second of CPU), before a server process
        takes requests."""
        for name in available_profiles():
            load_profile(name)

    def __enter__(self) -> Central:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ users
    def add_user(self, name: str, role: str, orgs: str | Iterable[str] | None = None) -> str:
        """Creates a user bound to `orgs` (none: the provider's, across all organisations)
        and returns its token; only the token's hash is kept."""
        token = users.add_user(self.db, name, role, orgs)
        self.users_version += 1
        return token

    def user_named(self, name: str) -> User:
        """The active user called `name` (UnknownUser if there is none)."""
        return users.user_named(self.db, name)

    def revoke_user(self, name: str) -> None:
        users.revoke_user(self.db, name)
        self.users_version += 1

    def authenticate(self, token: str) -> User | None:
        """The active user of `token`, read from the database every time (the API keeps
        the answers for a second in a TokenCache)."""
        return users.authenticate(self.db, token)

    # ------------------------------------------------------------------ audit
    def audit_rows(
        self, user: User, address: str, after_id: int = 0, limit: int = 1000
    ) -> list[dict[str, Any]]:
        return audit_trail.audit_rows(self.db, user, address, after_id, limit)

    def verify_audit(
        self, checkpoints: Sequence[audit.Checkpoint] = ()
    ) -> list[audit.AuditProblem]:
        return audit_trail.verify_audit(self.db, checkpoints)

    def audit_checkpoint(self) -> audit.Checkpoint | None:
        """The id and hash of the latest audit row, to keep outside the database."""
        return audit_trail.audit_checkpoint(self.db)

    # ----------------------------------------------------------------- events
    def publish_profile(self, document: str, name: str, actor: str) -> EventResult:
        """Records `document` (profile TOML) as `profile_registered` or `profile_updated` of
        `profile:<name>`, so it travels through the changes feed to every client."""
        event = writer.profile_event(self.db, document, name, actor)
        publisher = User(0, actor, Role.ADMIN)
        (result,) = self.record(publisher, [event.to_json()], "local")
        return result

    def record(self, user: User, raw_events: Sequence[object], address: str) -> list[EventResult]:
        """Applies a batch event by event; results in the order of the batch.

        Every check of an event happens before anything of it is written, so a rejected
        event leaves no trace and needs no savepoint; accepted events are inserted together
        at the end, and the batch gets one audit entry listing each of them.
        """
        return self.record_many([(user, raw_events, address)])[0]

    def record_many(
        self,
        submissions: Sequence[writer.Submission],
        more: Callable[[], Sequence[writer.Submission]] | None = None,
    ) -> list[list[EventResult]]:
        """Several batches (from concurrent requests) in one transaction and one commit,
        in the given order; each keeps its own results and audit entry (writer.py). `more`
        gives batches that arrived meanwhile, to join the group (their results follow)."""
        return writer.record_many(self.db, self._streams, submissions, more)

    # ------------------------------------------------------------------ numbers
    def reserve_numbers(
        self, user: User, org: str, count: int, address: str, year: int | None = None
    ) -> number_series.NumberBlock:
        """The next `count` numbers of `org`'s ticket series of `year` (default: this
        year), for `user`."""
        return number_series.reserve(
            self.db, user, org, count, address, year=year, now=self.clock()
        )

    def position(
        self,
        user: User,
        seqs: Sequence[int],
        held: Sequence[history.HeldNumbers],
        address: str,
        found_behind: int | None = None,
    ) -> history.Position:
        """Central's identity, head and chain at `seqs`; series moved past `held`
        (history.py: how a laptop finds a central restored from a backup)."""
        return history.position(self.db, user, seqs, held, address, found_behind)

    # ------------------------------------------------------------------ reads
    def changes(
        self, user: User, since: int, limit: int, address: str
    ) -> tuple[list[dict[str, Any]], int, bool]:
        """Events after `since` in seq order; home addresses only for who may see them."""
        return reads.changes(self.db, user, since, limit, address)

    def changes_page(
        self, user: User, since: int, limit: int, address: str
    ) -> reads.ChangesFeedPage:
        """`changes` with central's head (the highest seq handed out) beside the page."""
        return reads.changes_page(self.db, user, since, limit, address)

    def ticket_state(self, user: User, ticket_id: str, address: str) -> dict[str, Any] | None:
        return reads.ticket_state(self.db, user, ticket_id, address)

    def event_count(self) -> int:
        return reads.event_count(self.db)
