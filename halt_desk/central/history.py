"""Where a laptop stands in central's history (`POST /api/v1/history`), so that a laptop
finds out when central was restored from an older backup (or replaced by another central).

Central answers with its identity (a random id made with the database, central_identity;
a restore keeps it), its head (the last `seq` handed out) and the hash chain of each `seq`
the laptop asks about (event_chain.py: the chain of an event covers every event before
it). A laptop keeps the chain of the last `seq` of each page it pulled; when central has
no event at that `seq`, or another chain there, central's history is no longer the one the
laptop pulled, and the laptop brings back what it recorded itself (sync/recovery.py).

The laptop also reports the ticket numbers it holds in blocks central reserved for it;
central moves each series past them (central lost the reservation in a restore, and
must not hand those numbers out again).

Events a laptop sends again after a restore get central's usual checks and are stored as
new (central lost them). Side effects of an accepted event must not happen twice: issue
20's mail job has to leave out an event whose `at` lies before `restored_before` of a
report here — see `is_replay`, the one place that decides it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select

from halt_desk.central.audit_trail import append_entry
from halt_desk.central.auth import NotAllowed, User, check_may_record, check_org
from halt_desk.central.engine import CentralDatabase
from halt_desk.central.number_series import move_past, series_end
from halt_desk.central.schema import central_identity, events, organisations, seq_counter
from halt_desk.domain.ticket_numbers import series_name

#: The most seqs one question names (a laptop keeps fewer marks than this).
MAX_SEQS = 500
#: The most series one report names.
MAX_SERIES = 200

_CHAINS = select(events.c.seq, events.c.chain).where(
    events.c.seq.in_(bindparam("seqs", expanding=True))
)
_ORG_KNOWN = select(organisations.c.id).where(organisations.c.id == bindparam("org"))


@dataclass(frozen=True, slots=True)
class HeldNumbers:
    """A desk holds numbers of the series of `org` in `year` up to `last` (reserved for it
    in a block, used or not)."""

    org: str
    year: int
    last: int


@dataclass(frozen=True, slots=True)
class Position:
    """Central's identity and head, and its chain at each seq asked (None: no such event)."""

    central: str
    head: int
    chains: list[str | None]
    moved: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "central": self.central,
            "head": self.head,
            "chains": self.chains,
            "numbers_moved": self.moved,
        }


def identity(conn: Connection) -> str:
    """This central's id (made with the database; a restored backup keeps it)."""
    return str(conn.execute(select(central_identity.c.instance)).scalar_one())


def position(
    db: CentralDatabase,
    user: User,
    seqs: Sequence[int],
    held: Sequence[HeldNumbers],
    address: str,
    found_behind: int | None = None,
) -> Position:
    """The answer to a laptop that pulled up to `seqs` and holds numbers `held`.
    `found_behind`: the laptop had pulled up to this seq and found central behind it (an
    audit entry `central.restore_found` keeps when; see `is_replay`)."""
    with db.reader.connect() as conn:
        central = identity(conn)
        head = int(conn.execute(select(seq_counter.c.value)).scalar_one())
        found: dict[int, str] = {}
        if seqs:
            rows = conn.execute(_CHAINS, {"seqs": sorted(set(seqs))})
            found = {int(seq): str(chain) for seq, chain in rows}
        behind = [
            item
            for item in _allowed(user, held)
            if series_end(conn, item.org, item.year) < item.last
        ]
    moved = _move_series(db, user, behind, address) if behind else []
    if found_behind is not None:
        with db.write() as conn:
            detail = {"laptop_seq": found_behind, "head": head}
            append_entry(conn, user.name, "central.restore_found", "events", address, detail)
    return Position(central, head, [found.get(seq) for seq in seqs], moved)


def _allowed(user: User, held: Iterable[HeldNumbers]) -> list[HeldNumbers]:
    """The reported series this user may hold numbers of (others are left alone)."""
    allowed: list[HeldNumbers] = []
    for item in held:
        try:
            check_may_record(user, "ticket", "ticket_reported", None)
            check_org(user, item.org, f"the number series of {item.org}")
        except NotAllowed:
            continue
        if _storable(item.org):
            allowed.append(item)
    return allowed


def _move_series(
    db: CentralDatabase, user: User, held: Sequence[HeldNumbers], address: str
) -> list[dict[str, Any]]:
    """Moves each series past the numbers a desk holds; one audit entry per series moved."""
    moved: list[dict[str, Any]] = []
    with db.write() as conn:
        statement = move_past(conn.dialect.name)
        for item in held:
            if conn.execute(_ORG_KNOWN, {"org": item.org}).first() is None:
                continue
            before = series_end(conn, item.org, item.year)
            if before >= item.last:
                continue
            conn.execute(statement, {"org": item.org, "year": item.year, "number": item.last})
            detail = {
                "series": series_name(item.org, item.year),
                "was": before,
                "now": item.last,
                "reason": "a desk holds these numbers (central was behind it)",
            }
            series = f"series:{detail['series']}"
            append_entry(conn, user.name, "numbers.reported", series, address, detail, item.org)
            moved.append({"org": item.org, "year": item.year, "last": item.last})
    return moved


def _storable(org: str) -> bool:
    """No organisation id holds a NUL or a lone surrogate (PostgreSQL cannot compare one)."""
    try:
        org.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in org


def held_numbers(raw: Iterable[Mapping[str, Any]]) -> list[HeldNumbers]:
    """The `numbers` of a request body (checked by the API's model)."""
    return [HeldNumbers(str(item["org"]), int(item["year"]), int(item["last"])) for item in raw]


def is_replay(event_at_utc_us: int, restored_before_utc_us: int | None) -> bool:
    """Hook for side effects of accepted events (issue 20's mail job): an event a laptop
    sent again after central was restored happened before that restore and may have had
    its side effect already (a mail went out before the backup was put back). The laptop
    sends such events with their original `at`; the job passes the moment central's
    restore was found (the first `central.restore_found` audit entry, written when the
    first laptop reports it) and skips what is older.
    """
    return restored_before_utc_us is not None and event_at_utc_us < restored_before_utc_us
