"""The tamper-evident audit log of the central side (DESIGN §4, seed 001 §5.1 l).

Each row carries the hash of the row before it (`prev_hash`) and a SHA-256 over its own
content and that `prev_hash` (`hash`), so editing, removing or reordering rows breaks the
chain where it happened. `entry_hash` and `verify` are pure; `append`, `append_many` and
`verify_table` are SQLAlchemy Core helpers for the `audit_log` table (id, at, actor, action,
object, address, detail, prev_hash, hash), which they receive as an argument.

What the chain cannot show on its own: rows cut off at the end (the rows left are still a
valid chain), and a chain rewritten and hashed again from some row on by someone with write
access to the table (there is no secret in the hash). Keep a `checkpoint` (last id and hash)
outside the database now and then (`halt-desk central audit checkpoint --file`, from cron,
onto another host or a write-once share) and pass the kept ones to
`verify(..., checkpoints=...)` to catch both up to the latest checkpoint.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Executable, Select, Table, insert, select, text
from sqlalchemy.dialects import postgresql as postgresql_dialects

from halt_desk.central.bulk import insert_rows
from halt_desk.domain.errors import HaltDeskError

#: `prev_hash` of the first row.
GENESIS_HASH = "0" * 64

ProblemKind = Literal["edited", "removed", "reordered"]


class InvalidCheckpointFile(HaltDeskError):
    """A checkpoint file that cannot be read: names the file and the line."""


@dataclass(frozen=True, slots=True)
class AuditProblem:
    """One place where a chain shows tampering: the row where it shows (for the events'
    chain, `log="events"`, the event's seq), and what."""

    row_id: int
    kind: ProblemKind
    message: str
    log: Literal["audit", "events"] = "audit"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The id and hash of a row, kept outside the database to verify against later; with
    the seq and chain of the last event at the time (the events' chain, event_chain.py)."""

    row_id: int
    hash: str
    event_seq: int | None = None
    event_chain: str | None = None


def canonical_json(value: Any) -> str:
    """The one text form of a JSON value that is hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def entry_hash(
    prev_hash: str,
    at: str,
    actor: str,
    action: str,
    object: str,  # the column's name, though it hides the builtin
    address: str,
    detail_json: str,
) -> str:
    """SHA-256 (hex) of a row's content and the previous row's hash.

    `detail_json` is hashed as the stored text, so any change to it shows. Changing this
    function (or `canonical_json`) invalidates every stored chain: don't.
    """
    content = {
        "prev_hash": prev_hash,
        "at": at,
        "actor": actor,
        "action": action,
        "object": object,
        "address": address,
        "detail": detail_json,
    }
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def utc_text(at: datetime | str) -> str:
    """The stored form of `at` (a datetime or ISO-8601 text): ISO-8601 in UTC with
    microseconds. A time without UTC offset is refused with ValueError."""
    instant = datetime.fromisoformat(at) if isinstance(at, str) else at
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"at: {instant.isoformat()!r} has no UTC offset")
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class Entry:
    """One audit row to append: what happened, by whom, from where, with what detail."""

    at: datetime | str
    actor: str
    action: str
    object: str  # the column's name, though it hides the builtin
    address: str
    detail: Mapping[str, Any]


def append(
    conn: Connection,
    table: Table,
    *,
    at: datetime | str,
    actor: str,
    action: str,
    object: str,  # the column's name, though it hides the builtin
    address: str,
    detail: Mapping[str, Any],
    unchained: Mapping[str, Any] | None = None,
) -> int:
    """Appends one audit row chained to the current last row; returns its id. `unchained`:
    values of the table's further columns, outside the hash (an index key such as `org`).

    Runs in the caller's transaction: the row is only there once the caller commits, together
    with whatever it records. Appends must be serialised, or two rows would chain to the same
    predecessor. The caller is expected to hold the central write lock; on PostgreSQL this
    function also locks the table against other appenders (SHARE ROW EXCLUSIVE, readers are not
    blocked) until the transaction ends, because appends from read paths (reads of personal
    data are audited too) may not hold that lock. `SELECT … FOR UPDATE` on the last row is not
    enough there: a waiting appender would get the old last row back after the first commits.
    On SQLite the database's single writer serialises appends (use BEGIN IMMEDIATE).
    """
    row = _chained_rows(conn, table, [Entry(at, actor, action, object, address, detail)])[0]
    key = conn.execute(insert(table).values(**row, **(unchained or {}))).inserted_primary_key
    if key is None:  # pragma: no cover - every dialect we use returns it
        raise RuntimeError("the database did not return the id of the audit row")
    return int(key[0])


def append_many(conn: Connection, table: Table, entries: Sequence[Entry]) -> None:
    """Appends `entries` in order, each chained to the one before, with one read of the last
    row and one multi-row insert: what `append` does for each, at the cost of one append.
    The same locking rules as for `append` hold."""
    if entries:
        insert_rows(conn, table, _chained_rows(conn, table, entries))


def head_reads(table: Table, postgresql: bool) -> list[Executable]:
    """The statements that lock the chain of `table` against other appenders (PostgreSQL)
    and read its last hash (the last statement's one row, or no row for an empty chain):
    for a caller that sends them together with its own reads (`bulk.GroupTransaction.read`) and
    then appends with `chained_rows`. The lock holds until the transaction ends."""
    return [*_lock(table, postgresql), _last_hash(table)]


def head_hash(rows: Sequence[Mapping[str, Any]]) -> str:
    """The chain's last hash from the rows of the last `head_reads` statement."""
    return str(rows[0]["hash"]) if rows else GENESIS_HASH


@functools.cache
def _last_hash(table: Table) -> Select[Any]:
    """The query of the last row's hash, built once per table: on the push path, building
    a statement costs more than running it."""
    return select(table.c.hash).order_by(table.c.id.desc()).limit(1)


@functools.cache
def _lock(table: Table, postgresql: bool) -> tuple[Executable, ...]:
    if not postgresql:
        return ()
    preparer = postgresql_dialects.dialect().identifier_preparer  # type: ignore[no-untyped-call]
    quoted = preparer.format_table(table)
    return (text(f"LOCK TABLE {quoted} IN SHARE ROW EXCLUSIVE MODE"),)


def _chained_rows(conn: Connection, table: Table, entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """The rows of `entries`, chained to the current last row (locked first on PostgreSQL)."""
    for statement in _lock(table, conn.dialect.name == "postgresql"):
        conn.execute(statement)
    last = conn.execute(_last_hash(table)).scalar_one_or_none()
    return chained_rows(last if last is not None else GENESIS_HASH, entries)


def chained_rows(prev_hash: str, entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """The rows of `entries`, each chained to the one before, the first to `prev_hash`."""
    rows: list[dict[str, Any]] = []
    for entry in entries:
        at_text = utc_text(entry.at)
        try:
            detail_json = canonical_json(dict(entry.detail))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"detail: not plain JSON: {exc}") from None
        digest = entry_hash(
            prev_hash, at_text, entry.actor, entry.action, entry.object, entry.address, detail_json
        )
        rows.append(
            {
                "at": at_text,
                "actor": entry.actor,
                "action": entry.action,
                "object": entry.object,
                "address": entry.address,
                "detail": detail_json,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
        prev_hash = digest
    return rows


def verify(
    rows: Iterable[Mapping[Any, Any]], *, checkpoints: Iterable[Checkpoint] = ()
) -> list[AuditProblem]:
    """Every place where the chain of `rows` (all rows, in id order) shows tampering.

    * `edited`: the stored hash does not match the row's content, or the chain breaks at a
      row with no sign of removal or reordering (a row was changed and hashed again).
    * `removed`: the chain breaks where ids are missing (the first row: ids before it), or
      the row of a checkpoint is gone (rows cut off at the end).
    * `reordered`: the row's `prev_hash` is the hash of another row than the one before it.
    * A row that no longer has the hash of its checkpoint is `edited` (the chain was
      rewritten and hashed again up to there).

    A gap in ids alone is no problem (PostgreSQL loses ids of rolled-back inserts); only a
    broken chain is. Keeps one hash per row in memory.
    """
    problems: list[AuditProblem] = []
    kept = {point.row_id: point.hash for point in checkpoints}
    hash_ids: dict[str, int] = {}
    breaks: list[tuple[int, str, int | None]] = []  # (row id, its prev_hash, id before it)
    prev_id: int | None = None
    prev_hash = GENESIS_HASH
    for row in rows:
        row_id = int(row["id"])
        detail = row["detail"]
        detail_json = detail if isinstance(detail, str) else canonical_json(detail)
        recomputed = entry_hash(
            row["prev_hash"],
            row["at"],
            row["actor"],
            row["action"],
            row["object"],
            row["address"],
            detail_json,
        )
        if recomputed != row["hash"]:
            problems.append(
                AuditProblem(row_id, "edited", f"row {row_id}: content does not match its hash")
            )
        if row["prev_hash"] != prev_hash:
            breaks.append((row_id, row["prev_hash"], prev_id))
        hash_ids.setdefault(row["hash"], row_id)
        if kept.pop(row_id, row["hash"]) != row["hash"]:
            problems.append(
                AuditProblem(
                    row_id, "edited", f"row {row_id}: hash differs from the one kept at checkpoint"
                )
            )
        prev_id, prev_hash = row_id, row["hash"]
    for row_id, linked, before in breaks:
        problems.append(_broken_link(row_id, linked, before, hash_ids.get(linked)))
    for row_id in kept:
        problems.append(AuditProblem(row_id, "removed", f"row {row_id} of a checkpoint is missing"))
    problems.sort(key=lambda problem: problem.row_id)
    return problems


def _broken_link(
    row_id: int, linked: str, before: int | None, linked_id: int | None
) -> AuditProblem:
    predecessor = f"row {before}" if before is not None else "the start of the log"
    if linked_id is not None and linked_id != row_id:
        return AuditProblem(
            row_id,
            "reordered",
            f"row {row_id}: follows {predecessor} but is chained to row {linked_id}",
        )
    expected_id = before + 1 if before is not None else 1
    if row_id > expected_id:
        missing = (
            f"id {expected_id} is"
            if row_id == expected_id + 1
            else f"ids {expected_id} to {row_id - 1} are"
        )
        return AuditProblem(
            row_id, "removed", f"row {row_id}: not chained to {predecessor}; {missing} missing"
        )
    return AuditProblem(
        row_id,
        "edited",
        f"row {row_id}: not chained to {predecessor} (one of them was changed and hashed again)",
    )


def verify_table(
    conn: Connection, table: Table, *, checkpoints: Iterable[Checkpoint] = ()
) -> list[AuditProblem]:
    """`verify` over every row of `table`, read in id order."""
    # Streamed in batches (a server-side cursor on PostgreSQL), not read into memory at once.
    query = select(table).order_by(table.c.id).execution_options(yield_per=1000)
    rows = conn.execute(query).mappings()
    return verify(rows, checkpoints=checkpoints)


def checkpoint(conn: Connection, table: Table) -> Checkpoint | None:
    """The id and hash of the last row (None for an empty log), to keep outside the
    database and pass to `verify_table(..., checkpoints=...)` later."""
    last = conn.execute(select(table.c.id, table.c.hash).order_by(table.c.id.desc()).limit(1))
    row = last.first()
    if row is None:
        return None
    row_id, digest = row
    return Checkpoint(int(row_id), str(digest))


def append_checkpoint_file(path: Path, point: Checkpoint, at: datetime) -> None:
    """Appends `point` as one JSON line to `path` and syncs it to disk. The file belongs
    outside the database (another disk, host or write-once share): someone able to rewrite
    the whole chain in the database cannot rewrite the hashes kept there."""
    kept: dict[str, Any] = {"row_id": point.row_id, "hash": point.hash, "at": utc_text(at)}
    if point.event_seq is not None:
        kept |= {"event_seq": point.event_seq, "event_chain": point.event_chain}
    line = json.dumps(kept)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(line + "\n")
        out.flush()
        os.fsync(out.fileno())


def read_checkpoint_file(path: Path) -> list[Checkpoint]:
    """The checkpoints in `path` (JSON lines of `append_checkpoint_file`); raises
    InvalidCheckpointFile naming the line that cannot be read."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidCheckpointFile(f"cannot read {path}: {exc}") from None
    points: list[Checkpoint] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            row_id, digest = raw["row_id"], raw["hash"]
        except (ValueError, TypeError, KeyError):
            raise InvalidCheckpointFile(f"{path}, line {number}: not a checkpoint") from None
        event_seq, event_chain = raw.get("event_seq"), raw.get("event_chain")
        if not (
            _is_point(row_id, digest)
            and ((event_seq is None and event_chain is None) or _is_point(event_seq, event_chain))
        ):
            raise InvalidCheckpointFile(f"{path}, line {number}: not a checkpoint")
        points.append(Checkpoint(row_id, digest, event_seq, event_chain))
    return points


def _is_point(number: Any, digest: Any) -> bool:
    return (
        isinstance(number, int)
        and not isinstance(number, bool)
        and isinstance(digest, str)
        and len(digest) == 64
    )
