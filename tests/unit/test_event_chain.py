"""The events' hash chain as pure functions: the hash is pinned, every chained column
counts, and `verify` names what happened where (no database needed)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from halt_desk.central.audit import GENESIS_HASH
from halt_desk.central.event_chain import CHAINED_COLUMNS, EventPoint, chain_hash, link, verify


def row(seq: int, **changes: Any) -> dict[str, Any]:
    return {
        "seq": seq,
        "id": f"00000000-0000-0000-0000-{seq:012d}",
        "stream": "ticket:T1",
        "type": "comment",
        "at": "2027-01-05T10:00:00+01:00",
        "at_utc_us": 1_799_139_600_000_000 + seq,
        "actor": "agent",
        "data": json.dumps({"text": f"notitie {seq} \u2018\U0001f5a5\u2019"}),
        "content_hash": f"{seq:064x}",
        "received_at": "2027-01-05T09:00:01.000000+00:00",
        "received_by": "agent-user",
        "clock_ahead_seconds": None,
        "org": "halt",
    } | changes


def chained(count: int) -> list[dict[str, Any]]:
    rows = [row(seq) for seq in range(1, count + 1)]
    link(GENESIS_HASH, rows)
    return rows


def found(rows: list[dict[str, Any]], head: EventPoint | None = None) -> list[tuple[int, str]]:
    return [(problem.row_id, problem.kind) for problem in verify(rows, head=head)]


def test_the_chain_of_an_event_is_pinned() -> None:
    # Every stored chain depends on this exact value: a change here breaks them all.
    digest = chain_hash(GENESIS_HASH, row(1))
    values = [GENESIS_HASH, *(row(1)[name] for name in CHAINED_COLUMNS)]
    text = json.dumps(values, separators=(",", ":"))
    assert digest == hashlib.sha256(text.encode("ascii")).hexdigest()
    assert digest == "754d22bb2f3a1aab87eedb1a204360228961ea2e44a2673f80c7e80b1966298e"


def test_every_chained_column_and_the_chain_before_change_the_chain() -> None:
    base = chain_hash(GENESIS_HASH, row(1))
    assert chain_hash("1" * 64, row(1)) != base
    for name in CHAINED_COLUMNS:
        value = row(1)[name]
        changed = 7 if value is None else value + 1 if isinstance(value, int) else value + "x"
        assert chain_hash(GENESIS_HASH, row(1) | {name: changed}) != base, name


def test_link_returns_the_head_and_a_clean_chain_verifies() -> None:
    rows = [row(1), row(2), row(3)]
    head = link(GENESIS_HASH, rows)
    assert head == rows[-1]["chain"]
    assert verify(rows, head=EventPoint(3, head)) == []


def test_an_event_swapped_with_its_neighbour_is_reordered() -> None:
    rows = chained(6)
    rows[2], rows[3] = rows[3] | {"seq": 3}, rows[2] | {"seq": 4}
    assert found(rows) == [(3, "reordered"), (4, "reordered"), (5, "reordered")]


def test_an_edit_hashed_again_shows_at_the_next_event() -> None:
    rows = chained(5)
    rows[1]["data"] = json.dumps({"text": "anders"})
    rows[1]["chain"] = chain_hash(rows[0]["chain"], rows[1])
    problems = verify(rows)
    assert [(p.row_id, p.kind) for p in problems] == [(3, "edited")]
    assert "seq 2 was changed and hashed again" in problems[0].message


def test_the_head_kept_with_the_counter_shows_events_added_or_cut_off() -> None:
    rows = chained(4)
    assert found(rows, EventPoint(6, "f" * 64)) == [(5, "removed")]
    assert found(rows, EventPoint(3, rows[2]["chain"])) == [(4, "edited")]
    assert found(rows, EventPoint(4, "f" * 64)) == [(4, "edited")]


def test_many_damaged_events_are_all_reported() -> None:
    rows = chained(600)
    for item in rows[:-1]:
        item["actor"] = "someone"
    assert found(rows) == [(seq, "edited") for seq in range(1, 600)]
