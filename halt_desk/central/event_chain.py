"""The hash chain over the stored events (DESIGN §4): every event row carries `chain`, a
SHA-256 over the chain of the event before it (by `seq`) and every stored column of its own,
so an event edited, removed or moved in the database shows where it happened.

The chain's head (the last event's chain) is kept in the `seq_counter` row beside the last
`seq`: the writer reads both with the statement that locks the counter and writes both with
the one that moves it on, so chaining costs no lock, statement or round trip of its own, and
the events of concurrent central processes chain in `seq` order as they are numbered.

`link` chains the rows of a group commit; `verify` recomputes the chain from stored rows.
Like the audit log's, the chain holds no secret: someone with write access can rewrite it
wholesale. Checkpoints kept elsewhere (`halt-desk central audit checkpoint --file`) carry
the events' head too, and `verify` catches every rewrite up to the latest one.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from halt_desk.central.audit import GENESIS_HASH, AuditProblem, ProblemKind
from halt_desk.central.schema import events, seq_counter

#: The columns an event's chain covers, in the order they are hashed (after the chain of
#: the event before it). Changing this (or `chain_hash`) invalidates every stored chain.
CHAINED_COLUMNS = (
    "seq",
    "id",
    "stream",
    "type",
    "at",
    "at_utc_us",
    "actor",
    "data",
    "content_hash",
    "received_at",
    "received_by",
    "clock_ahead_seconds",
    "org",  # who may read it (central/tenancy.py): moving an event to another org shows
)
#: Built once: on the push path, `json.dumps` with options builds an encoder per call.
_chained_values = operator.itemgetter(*CHAINED_COLUMNS)
_compact_json = json.JSONEncoder(separators=(",", ":")).encode
#: Suspect rows whose content `verify` keeps to tell a moved event from an edited one (the
#: comparison costs suspects²; beyond this many, the rest are reported as edited or removed).
_KEPT_SUSPECTS = 256
#: Up to this many suspects, a moved event is also looked for after every other suspect.
_WIDE_SEARCH = 24


@dataclass(frozen=True, slots=True)
class EventPoint:
    """The last event's `seq` and chain, kept outside the database (with a checkpoint)."""

    seq: int
    chain: str


def chain_hash(prev_chain: str, row: Mapping[Any, Any], seq: int | None = None) -> str:
    """SHA-256 (hex) of `prev_chain` and the chained columns of `row` (at `seq`, if given,
    instead of its own): a JSON array, so no value can run into the next."""
    values = [prev_chain, *_chained_values(row)]
    if seq is not None:
        values[1] = seq
    return hashlib.sha256(_compact_json(values).encode("ascii")).hexdigest()


def link(head: str, rows: Sequence[dict[str, Any]]) -> str:
    """Sets `chain` of each of `rows` (in `seq` order, following the event whose chain is
    `head`) and returns the new head."""
    for row in rows:
        head = row["chain"] = chain_hash(head, row)
    return head


@dataclass(slots=True)
class _Suspect:
    """A row whose stored chain is not what its content and its predecessor give."""

    seq: int
    prev_seq: int  # the seq of the row before it (0: none)
    prev_chain: str  # the stored chain of the row before it
    chain: str
    row: dict[str, Any] | None  # None once more than _KEPT_SUSPECTS were kept


def verify(
    rows: Iterable[Mapping[Any, Any]],
    *,
    head: EventPoint | None = None,
    checkpoints: Iterable[EventPoint] = (),
) -> list[AuditProblem]:
    """Every place where the events' chain shows tampering; `rows` are all events in `seq`
    order, `head` what the sequence counter holds (seq and chain).

    * `removed`: a gap in `seq` (numbers are handed out without gaps), events missing at
      the end (the counter is further), or the event of a checkpoint is gone.
    * `reordered`: an event whose chain belongs at another `seq`, or after another event.
    * `edited`: any other row whose content does not match its chain, a row whose chain
      differs from a kept checkpoint (the chain was rewritten), or a head that does not
      match the last event.

    Keeps a few rows in memory, not one per event.
    """
    problems: list[AuditProblem] = []
    kept = {point.seq: point.chain for point in checkpoints}
    suspects: list[_Suspect] = []
    prev_seq, prev_chain = 0, GENESIS_HASH
    for row in rows:
        seq, stored = int(row["seq"]), str(row["chain"])
        if chain_hash(prev_chain, row) != stored:
            content = dict(row) if len(suspects) < _KEPT_SUSPECTS else None
            suspects.append(_Suspect(seq, prev_seq, prev_chain, stored, content))
        if kept.pop(seq, stored) != stored:
            problems.append(
                _problem(seq, "edited", "chain differs from the one kept at a checkpoint")
            )
        prev_seq, prev_chain = seq, stored
    problems += _classified(suspects)
    problems += _head_problems(prev_seq, prev_chain, head)
    for seq in kept:
        problems.append(_problem(seq, "removed", "the event of a checkpoint is missing"))
    problems.sort(key=lambda problem: problem.row_id)
    return problems


def _problem(seq: int, kind: ProblemKind, message: str) -> AuditProblem:
    return AuditProblem(seq, kind, f"event seq {seq}: {message}", log="events")


def _classified(suspects: list[_Suspect]) -> list[AuditProblem]:
    """What happened at each suspect row: a gap before it, moved from another seq, chained
    to another event, or else edited."""
    at_seq = {suspect.seq: suspect for suspect in suspects}
    compared = [suspect for suspect in suspects if suspect.row is not None]
    problems: list[AuditProblem] = []
    for suspect in suspects:
        if suspect.seq != suspect.prev_seq + 1:
            first, last = suspect.prev_seq + 1, suspect.seq - 1
            missing = f"seq {first} is" if first == last else f"seq {first} to {last} are"
            problems.append(_problem(suspect.seq, "removed", f"{missing} missing before it"))
            continue
        moved_from = _moved_from(suspect, compared, at_seq)
        if moved_from is not None:
            problems.append(_problem(suspect.seq, "reordered", f"was chained at seq {moved_from}"))
            continue
        after = _chained_after(suspect, compared)
        if after is not None:
            message = f"is chained after the event now at seq {after}, not seq {suspect.prev_seq}"
            problems.append(_problem(suspect.seq, "reordered", message))
            continue
        problems.append(
            _problem(
                suspect.seq,
                "edited",
                f"does not match its chain (it was changed, or seq {suspect.prev_seq} was "
                "changed and hashed again)",
            )
        )
    return problems


def _moved_from(
    suspect: _Suspect, compared: list[_Suspect], at_seq: dict[int, _Suspect]
) -> int | None:
    """The seq at which `suspect` was chained, if its content fits another suspect's place:
    after the event before that place, or (few suspects: events swapped with a neighbour)
    after any suspect."""
    if suspect.row is None:
        return None
    others = [other.chain for other in compared] if len(compared) <= _WIDE_SEARCH else []
    for other in compared:
        if other.seq == suspect.seq:
            continue
        for before in (at_seq[other.seq].prev_chain, *others):
            if chain_hash(before, suspect.row, other.seq) == suspect.chain:
                return other.seq
    return None


def _chained_after(suspect: _Suspect, compared: list[_Suspect]) -> int | None:
    """The seq of the (moved) event whose chain `suspect` follows, if that is another one."""
    if suspect.row is None:
        return None
    for other in compared:
        if other.seq != suspect.seq and chain_hash(other.chain, suspect.row) == suspect.chain:
            return other.seq
    return None


def _head_problems(last_seq: int, last_chain: str, head: EventPoint | None) -> list[AuditProblem]:
    """The last event against the head kept with the sequence counter."""
    if head is None or (head.seq, head.chain) == (last_seq, last_chain):
        return []
    if head.seq > last_seq:
        first = last_seq + 1
        missing = f"seq {first} is" if first == head.seq else f"seq {first} to {head.seq} are"
        return [_problem(first, "removed", f"{missing} missing at the end (the counter is at it)")]
    if head.seq < last_seq:
        return [
            _problem(head.seq + 1, "edited", f"events after seq {head.seq} were never numbered")
        ]
    return [_problem(last_seq, "edited", "the chain differs from the head kept with the counter")]


def stored_head(conn: Connection) -> EventPoint:
    """The head kept with the sequence counter."""
    row = conn.execute(select(seq_counter.c.value, seq_counter.c.chain_head)).one()
    return EventPoint(int(row.value), str(row.chain_head))


def last_event(conn: Connection) -> EventPoint | None:
    """The seq and chain of the last stored event (None when there is none)."""
    row = conn.execute(select(events.c.seq, events.c.chain).order_by(events.c.seq.desc()).limit(1))
    found = row.first()
    return EventPoint(int(found.seq), str(found.chain)) if found is not None else None


def verify_table(conn: Connection, checkpoints: Iterable[EventPoint] = ()) -> list[AuditProblem]:
    """`verify` over every stored event, against the head kept with the counter."""
    head = stored_head(conn)
    # Streamed in batches (a server-side cursor on PostgreSQL), not read into memory at once.
    query = select(events).order_by(events.c.seq).execution_options(yield_per=1000)
    return verify(conn.execute(query).mappings(), head=head, checkpoints=checkpoints)
