"""Central's history as this cache pulled it, and what the cache does when central no
longer has that history (restored from an older backup, or another central).

A mark is central's hash chain at the last `seq` of a pulled page, kept in the page's
transaction (`add_mark`); the chain of an event covers every event before it, so a
central that still gives that chain at that `seq` has the history this cache pulled up
to there. Marks are thinned as they age (the newest kept, older ones ever sparser), so a
restore from a backup of long ago is still placed near its point.

`forget_after(seq)` is the whole recovery in one transaction: every event with a seq past
the last mark central still has loses it; this user's own events among them go back into
the outbox (sent again with the same ids: central answers `duplicate` for those it still
has, stores those it lost); events of others among them are left out of the folds until
central sends them again (their own laptops bring them back); the pull cursor goes back to
that mark; and a notice waits for the user until a sync round reaches its end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from halt_desk.store.cache import Cache
from halt_desk.store.eventlog import chunks, fold, utc_now

#: Marks kept at most; beyond it every other one of the older marks goes.
MAX_MARKS = 300
#: The newest marks, never thinned.
RECENT_MARKS = 100


@dataclass(frozen=True, slots=True)
class Mark:
    seq: int
    chain: str


@dataclass(frozen=True, slots=True)
class RestoreNotice:
    """What a recovery did, for the user: events of this user sent again, events of
    others that central lost (left out until their laptops send them again), and whether
    it was another central altogether."""

    resent: int
    lost: int
    other_central: bool
    at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "resent": self.resent,
            "lost": self.lost,
            "other_central": self.other_central,
            "at": self.at,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> RestoreNotice:
        return cls(
            int(raw.get("resent", 0)),
            int(raw.get("lost", 0)),
            bool(raw.get("other_central", False)),
            str(raw.get("at", "")),
        )


def add_mark(session: Session, seq: int, chain: str) -> None:
    """Keeps central's chain at `seq` (in the caller's transaction), thinning old marks."""
    connection = session.connection()
    connection.exec_driver_sql(
        "INSERT OR REPLACE INTO sync_marks (seq, chain) VALUES (?, ?)", (seq, chain)
    )
    count = int(connection.exec_driver_sql("SELECT count(*) FROM sync_marks").scalar() or 0)
    if count <= MAX_MARKS:
        return
    seqs = [row[0] for row in connection.exec_driver_sql("SELECT seq FROM sync_marks ORDER BY seq")]
    older = seqs[: len(seqs) - RECENT_MARKS]
    # The oldest stays (a restore from long ago still finds a point), then every other.
    dropped = [(seq,) for seq in older[1::2]]
    connection.exec_driver_sql("DELETE FROM sync_marks WHERE seq = ?", dropped)


def marks(cache: Cache) -> list[Mark]:
    """The marks, newest first."""
    with cache.read() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT seq, chain FROM sync_marks ORDER BY seq DESC"
        )
        return [Mark(int(seq), str(chain)) for seq, chain in rows]


def newest_mark(cache: Cache) -> Mark | None:
    """The newest mark (None: none kept yet)."""
    with cache.read() as session:
        row = (
            session.connection()
            .exec_driver_sql("SELECT seq, chain FROM sync_marks ORDER BY seq DESC LIMIT 1")
            .first()
        )
        return Mark(int(row[0]), str(row[1])) if row is not None else None


def highest_seq(cache: Cache) -> int:
    """The highest central seq any event here has (pulled, or given in a push answer)."""
    with cache.read() as session:
        query = "SELECT max(seq) FROM events"
        return int(session.connection().exec_driver_sql(query).scalar() or 0)


def central_identity(cache: Cache) -> str | None:
    """The id of the central this cache syncs with (None before the first contact)."""
    with cache.read() as session:
        query = "SELECT central FROM sync_cursor WHERE id = 1"
        found = session.connection().exec_driver_sql(query).scalar()
        return str(found) if found else None


def adopt(cache: Cache, central: str, mark: Mark | None) -> None:
    """Keeps central's identity, and `mark` (a cache without marks: one from before they
    were kept, or a demo cache) as the first one."""
    with cache.write() as session:
        connection = session.connection()
        connection.exec_driver_sql("UPDATE sync_cursor SET central = ? WHERE id = 1", (central,))
        if mark is not None:
            add_mark(session, mark.seq, mark.chain)


def forget_after(cache: Cache, seq: int, central: str, other_central: bool) -> RestoreNotice:
    """The recovery (see the module's text), in one transaction; returns the notice kept
    for the user (added to one still waiting)."""
    with cache.write() as session:
        connection = session.connection()
        rows = list(
            connection.exec_driver_sql(
                "SELECT id, stream, origin FROM events WHERE seq > ?", (seq,)
            )
        )
        own = [event_id for event_id, _, origin in rows if origin == "local"]
        connection.exec_driver_sql("UPDATE events SET seq = NULL WHERE seq > ?", (seq,))
        now = utc_now().isoformat()
        for chunk in chunks(own):
            # Back into the outbox, in their old recording order (local_order).
            connection.exec_driver_sql(
                "INSERT OR IGNORE INTO outbox (event_id, created) "
                f"SELECT id, ? FROM events WHERE id IN ({', '.join('?' * len(chunk))})",
                (now, *chunk),
            )
        connection.exec_driver_sql("DELETE FROM sync_marks WHERE seq > ?", (seq,))
        waiting = connection.exec_driver_sql(
            "SELECT restore_notice FROM sync_cursor WHERE id = 1"
        ).scalar()
        before = RestoreNotice.from_json(json.loads(waiting)) if waiting else None
        notice = RestoreNotice(
            len(own) + (before.resent if before else 0),
            len(rows) - len(own) + (before.lost if before else 0),
            other_central or bool(before and before.other_central),
            now,
        )
        connection.exec_driver_sql(
            "UPDATE sync_cursor SET last_seq = ?, updated_at = ?, central = ?, "
            "restore_notice = ? WHERE id = 1",
            (seq, now, central, json.dumps(notice.to_json())),
        )
        fold(cache, session, {stream for _, stream, _ in rows})
    return notice


def restore_notice(cache: Cache) -> RestoreNotice | None:
    """The notice of a recovery the user was not told of yet."""
    with cache.read() as session:
        query = "SELECT restore_notice FROM sync_cursor WHERE id = 1"
        waiting = session.connection().exec_driver_sql(query).scalar()
        return RestoreNotice.from_json(json.loads(waiting)) if waiting else None


def clear_restore_notice(cache: Cache) -> None:
    """The user was told (a sync round reached its end with the notice)."""
    with cache.write() as session:
        session.connection().exec_driver_sql(
            "UPDATE sync_cursor SET restore_notice = NULL WHERE id = 1"
        )
