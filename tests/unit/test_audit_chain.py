"""The hash-chained audit log: a clean chain verifies; every kind of tampering is found."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    select,
    update,
)

from halt_desk.central.audit import (
    GENESIS_HASH,
    AuditProblem,
    Checkpoint,
    append,
    checkpoint,
    entry_hash,
    verify,
    verify_table,
)

START = datetime.fromisoformat("2027-01-12T09:00:00+01:00")


def audit_table(metadata: MetaData) -> Table:
    """The column set of the central `audit_log` table."""
    return Table(
        "audit_log",
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
        Column("at", String(40), nullable=False),
        Column("actor", String(200), nullable=False),
        Column("action", String(64), nullable=False),
        Column("object", String(200), nullable=False),
        Column("address", String(64), nullable=False),
        Column("detail", Text, nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
    )


@pytest.fixture
def table() -> Table:
    return audit_table(MetaData())


@pytest.fixture
def conn(table: Table) -> Iterator[Connection]:
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    with engine.begin() as connection:
        yield connection
    engine.dispose()


def add(conn: Connection, table: Table, n: int, **overrides: Any) -> int:
    fields: dict[str, Any] = {
        "at": START + timedelta(minutes=n),
        "actor": f"agent-{n}",
        "action": "read",
        "object": f"employee:e{n}",
        "address": "127.0.0.1",
        "detail": {"fields": ["phone", "address"], "n": n},
    }
    return append(conn, table, **(fields | overrides))


@pytest.fixture
def chain(conn: Connection, table: Table) -> list[int]:
    """Five clean rows, ids 1 to 5."""
    return [add(conn, table, n) for n in range(1, 6)]


def rows(conn: Connection, table: Table) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(select(table).order_by(table.c.id)).mappings()]


def kinds(problems: list[AuditProblem]) -> list[tuple[int, str]]:
    return [(problem.row_id, problem.kind) for problem in problems]


# --- hashing and appending -----------------------------------------------------------------


def test_the_hash_of_an_entry_is_pinned() -> None:
    # Every stored chain depends on this exact value: a change here breaks them all.
    digest = entry_hash(
        GENESIS_HASH,
        "2027-01-12T08:00:00.000000+00:00",
        "agent-1",
        "read",
        "employee:e1",
        "127.0.0.1",
        '{"fields":["phone"]}',
    )
    canonical = (
        '{"action":"read","actor":"agent-1","address":"127.0.0.1",'
        '"at":"2027-01-12T08:00:00.000000+00:00","detail":"{\\"fields\\":[\\"phone\\"]}",'
        f'"object":"employee:e1","prev_hash":"{"0" * 64}"}}'
    )
    assert digest == hashlib.sha256(canonical.encode()).hexdigest()
    assert digest == "019e814cb971eb7b528db1ec29c6f22b5a3bf77863a0f3bdbdf005c4e3a39d28"


def test_every_field_and_the_previous_hash_change_the_hash() -> None:
    fields = ["0" * 64, "at", "actor", "action", "object", "address", "{}"]
    base = entry_hash(*fields)
    for n in range(len(fields)):
        changed = [*fields]
        changed[n] += "x"
        assert entry_hash(*changed) != base


def test_the_first_row_chains_to_the_genesis_hash(conn: Connection, table: Table) -> None:
    add(conn, table, 1)
    (row,) = rows(conn, table)
    assert row["prev_hash"] == GENESIS_HASH == "0" * 64


def test_each_row_chains_to_the_one_before(
    conn: Connection, table: Table, chain: list[int]
) -> None:
    stored = rows(conn, table)
    assert [row["id"] for row in stored] == chain == [1, 2, 3, 4, 5]
    for before, after in pairwise(stored):
        assert after["prev_hash"] == before["hash"]
    assert checkpoint(conn, table) == Checkpoint(5, stored[-1]["hash"])


def test_time_is_stored_in_utc_and_detail_as_canonical_json(conn: Connection, table: Table) -> None:
    add(conn, table, 0, detail={"z": 1, "a": "é"})
    (row,) = rows(conn, table)
    assert row["at"] == "2027-01-12T08:00:00.000000+00:00"
    assert row["detail"] == '{"a":"é","z":1}'


def test_a_time_given_as_text_is_stored_in_utc_too(conn: Connection, table: Table) -> None:
    add(conn, table, 0, at="2027-01-12T09:00:00+01:00")
    assert [row["at"] for row in rows(conn, table)] == ["2027-01-12T08:00:00.000000+00:00"]


@pytest.mark.parametrize("naive", [datetime(2027, 1, 12, 9, 0), "2027-01-12T09:00:00"])
def test_a_time_without_offset_is_refused(
    conn: Connection, table: Table, naive: datetime | str
) -> None:
    with pytest.raises(ValueError, match="no UTC offset"):
        add(conn, table, 1, at=naive)
    assert rows(conn, table) == []


def test_detail_that_is_not_json_is_refused(conn: Connection, table: Table) -> None:
    with pytest.raises(ValueError, match="detail"):
        add(conn, table, 1, detail={"at": START})
    assert rows(conn, table) == []


def test_an_empty_log_verifies_and_has_no_checkpoint(conn: Connection, table: Table) -> None:
    assert checkpoint(conn, table) is None
    assert verify_table(conn, table) == []


# --- verification --------------------------------------------------------------------------


def test_a_clean_chain_verifies(conn: Connection, table: Table, chain: list[int]) -> None:
    kept = checkpoint(conn, table)
    assert kept is not None
    assert verify_table(conn, table, checkpoints=[kept]) == []


def test_a_gap_in_ids_with_an_intact_chain_is_no_problem(
    conn: Connection, table: Table, chain: list[int]
) -> None:
    # PostgreSQL loses the ids of rolled-back inserts; only the chain counts.
    conn.execute(update(table).where(table.c.id == 5).values(id=9))
    add(conn, table, 6)
    assert verify_table(conn, table) == []


def test_an_edited_detail_is_found(conn: Connection, table: Table, chain: list[int]) -> None:
    conn.execute(update(table).where(table.c.id == 3).values(detail='{"fields":[],"n":3}'))
    problems = verify_table(conn, table)
    assert kinds(problems) == [(3, "edited")]
    assert "row 3" in problems[0].message


@pytest.mark.parametrize("column", ["at", "actor", "action", "object", "address"])
def test_an_edit_of_any_column_is_found(
    conn: Connection, table: Table, chain: list[int], column: str
) -> None:
    conn.execute(update(table).where(table.c.id == 2).values({column: "forged"}))
    assert kinds(verify_table(conn, table)) == [(2, "edited")]


def test_an_edit_hashed_again_breaks_the_link_to_the_next_row(
    conn: Connection, table: Table, chain: list[int]
) -> None:
    row = rows(conn, table)[2]
    forged = {**row, "actor": "someone-else"}
    digest = entry_hash(
        forged["prev_hash"],
        forged["at"],
        forged["actor"],
        forged["action"],
        forged["object"],
        forged["address"],
        forged["detail"],
    )
    conn.execute(update(table).where(table.c.id == 3).values(actor="someone-else", hash=digest))
    problems = verify_table(conn, table)
    assert kinds(problems) == [(4, "edited")]
    assert "row 3" in problems[0].message


def test_a_removed_middle_row_is_found(conn: Connection, table: Table, chain: list[int]) -> None:
    conn.execute(delete(table).where(table.c.id == 3))
    problems = verify_table(conn, table)
    assert kinds(problems) == [(4, "removed")]
    assert "id 3 is missing" in problems[0].message


def test_several_removed_rows_are_named(conn: Connection, table: Table, chain: list[int]) -> None:
    conn.execute(delete(table).where(table.c.id.in_([2, 3])))
    problems = verify_table(conn, table)
    assert kinds(problems) == [(4, "removed")]
    assert "ids 2 to 3 are missing" in problems[0].message


def test_a_removed_first_row_is_found(conn: Connection, table: Table, chain: list[int]) -> None:
    conn.execute(delete(table).where(table.c.id == 1))
    assert kinds(verify_table(conn, table)) == [(2, "removed")]


def test_rows_cut_off_at_the_end_show_only_against_a_checkpoint(
    conn: Connection, table: Table, chain: list[int]
) -> None:
    kept = checkpoint(conn, table)
    assert kept is not None
    conn.execute(delete(table).where(table.c.id >= 4))
    add(conn, table, 6)  # SQLite gives the new row id 4 again: the chain alone looks fine
    assert verify_table(conn, table) == []
    assert kinds(verify_table(conn, table, checkpoints=[kept])) == [(5, "removed")]


def test_a_chain_hashed_again_from_a_row_on_shows_against_a_checkpoint(
    conn: Connection, table: Table, chain: list[int]
) -> None:
    kept = checkpoint(conn, table)
    assert kept is not None
    # Someone with write access forges row 2, hashes it again and rebuilds the rows after it.
    second = rows(conn, table)[1]
    conn.execute(delete(table).where(table.c.id >= 3))
    digest = entry_hash(
        second["prev_hash"],
        second["at"],
        "forged",
        second["action"],
        second["object"],
        second["address"],
        second["detail"],
    )
    conn.execute(update(table).where(table.c.id == 2).values(actor="forged", hash=digest))
    for n in (3, 4, 5):
        add(conn, table, n)
    assert verify_table(conn, table) == []
    assert kinds(verify_table(conn, table, checkpoints=[kept])) == [(5, "edited")]


def test_two_rows_swapped_with_their_hashes_are_reordered(
    conn: Connection, table: Table, chain: list[int]
) -> None:
    third, fourth = rows(conn, table)[2:4]
    content = ["at", "actor", "action", "object", "address", "detail", "prev_hash", "hash"]
    conn.execute(update(table).where(table.c.id == 3).values({c: fourth[c] for c in content}))
    conn.execute(update(table).where(table.c.id == 4).values({c: third[c] for c in content}))
    problems = verify_table(conn, table)
    # Each row is still true to its own hash; the links around them are what broke.
    assert kinds(problems) == [(3, "reordered"), (4, "reordered"), (5, "reordered")]
    assert "chained to row 4" in problems[0].message


def test_two_rows_with_swapped_content_but_kept_hashes_are_edited(
    conn: Connection, table: Table, chain: list[int]
) -> None:
    third, fourth = rows(conn, table)[2:4]
    content = ["at", "actor", "action", "object", "address", "detail"]
    conn.execute(update(table).where(table.c.id == 3).values({c: fourth[c] for c in content}))
    conn.execute(update(table).where(table.c.id == 4).values({c: third[c] for c in content}))
    assert kinds(verify_table(conn, table)) == [(3, "edited"), (4, "edited")]


def test_all_problems_are_reported_not_just_the_first(
    conn: Connection, table: Table, chain: list[int]
) -> None:
    conn.execute(update(table).where(table.c.id == 2).values(actor="forged"))
    conn.execute(delete(table).where(table.c.id == 4))
    assert kinds(verify_table(conn, table)) == [(2, "edited"), (5, "removed")]


def test_appending_after_tampering_does_not_hide_it(
    conn: Connection, table: Table, chain: list[int]
) -> None:
    conn.execute(delete(table).where(table.c.id == 3))
    add(conn, table, 6)
    assert kinds(verify_table(conn, table)) == [(4, "removed")]


def test_verify_takes_plain_rows_in_id_order(
    conn: Connection, table: Table, chain: list[int]
) -> None:
    stored = rows(conn, table)
    assert verify(stored) == []
    assert kinds(verify([stored[0], stored[2], stored[1], *stored[3:]])) == [
        (2, "reordered"),
        (3, "reordered"),
        (4, "reordered"),
    ]
