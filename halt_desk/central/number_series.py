"""Ticket number series at central: blocks of an organisation's numbers of a year handed
out to desks (`POST /api/v1/numbers`), and the series moved past every number an accepted
ticket carries, so that no number is ever handed out twice.

A reservation is one statement that moves the series on and returns its new end
(`INSERT … ON CONFLICT DO UPDATE … RETURNING`: a row lock on PostgreSQL, the write lock
on SQLite), in a write transaction of its own with the block's row and an audit entry.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, TextClause, bindparam, insert, select, text

from halt_desk.central.audit_trail import append_entry
from halt_desk.central.auth import User, check_may_record, check_org
from halt_desk.central.engine import CentralDatabase
from halt_desk.central.schema import number_blocks, organisations
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.ticket_numbers import parse_ticket_id, reservable_years, series_name

#: The most numbers one request reserves (a desk asks for 50 at a time).
MAX_BLOCK = 500


class UnknownOrganisation(HaltDeskError):
    """Numbers asked for an organisation central does not know (HTTP 404)."""


class YearNotOpen(HaltDeskError):
    """Numbers asked of a year whose series cannot be reserved now (HTTP 409)."""


@dataclass(frozen=True, slots=True)
class NumberBlock:
    """Numbers `first` … `last` of the series of `org` in `year`, now this desk's."""

    org: str
    year: int
    first: int
    last: int

    @property
    def series(self) -> str:
        return series_name(self.org, self.year)

    def to_json(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "series": self.series,
            "year": self.year,
            "first": self.first,
            "last": self.last,
        }


_ORG_KNOWN = select(organisations.c.id).where(organisations.c.id == bindparam("org"))


@functools.cache
def _advance(dialect: str, greatest: bool) -> TextClause:
    """Moves the series of (:org, :year) on: by :count (a reservation, returning the new
    end), or to at least :number (`greatest`: an accepted ticket's number)."""
    if greatest:
        larger = "GREATEST" if dialect == "postgresql" else "max"
        change = f"{larger}(number_series.last_number, excluded.last_number)"
        value, returning = ":number", ""
    else:
        change = "number_series.last_number + excluded.last_number"
        value, returning = ":count", " RETURNING last_number"
    return text(
        "INSERT INTO number_series (org, year, last_number) "
        f"VALUES (:org, :year, {value}) "
        f"ON CONFLICT (org, year) DO UPDATE SET last_number = {change}{returning}"
    )


def reserve(
    db: CentralDatabase,
    user: User,
    org: str,
    count: int,
    address: str,
    *,
    year: int | None = None,
    now: datetime | None = None,
) -> NumberBlock:
    """The next `count` numbers of `org`'s series of `year` (default: this year; the next
    one from mid-December on, see `reservable_years`), for `user`.

    NotAllowed unless the user may report tickets of `org`; UnknownOrganisation for an
    organisation central does not know; YearNotOpen for a year that cannot be reserved
    now; HaltDeskError for a count out of 1…MAX_BLOCK."""
    if not 1 <= count <= MAX_BLOCK:
        raise HaltDeskError(f"count: ask for 1 to {MAX_BLOCK} numbers, not {count}")
    moment = now or datetime.now(UTC)
    years = reservable_years(moment)
    year = years[0] if year is None else year
    if year not in years:
        allowed = " or ".join(str(y) for y in years)
        raise YearNotOpen(f"year: numbers of {allowed} can be reserved now, not of {year}")
    check_may_record(user, "ticket", "ticket_reported", None)
    check_org(user, org, f"the number series of {org}")
    if "\x00" in org:  # no organisation id holds one, and PostgreSQL cannot compare it
        raise UnknownOrganisation(f"unknown organisation {org!r}")
    with db.write() as conn:
        if conn.execute(_ORG_KNOWN, {"org": org}).first() is None:
            raise UnknownOrganisation(f"unknown organisation {org!r}")
        statement = _advance(conn.dialect.name, greatest=False)
        last = int(conn.execute(statement, {"org": org, "year": year, "count": count}).scalar_one())
        block = NumberBlock(org, year, last - count + 1, last)
        conn.execute(
            insert(number_blocks).values(
                org=org,
                year=year,
                first_number=block.first,
                last_number=block.last,
                reserved_by=user.name,
                reserved_at=moment.astimezone(UTC).isoformat(),
            )
        )
        detail = {"series": block.series, "first": block.first, "last": block.last}
        append_entry(
            conn, user.name, "numbers.reserved", f"series:{block.series}", address, detail, org
        )
    return block


def taken_numbers(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The highest series number per (org, year) among accepted event rows: the numbers
    of reported tickets, which the series must never hand out (again)."""
    highest: dict[tuple[str, int], int] = {}
    for row in rows:
        if row["type"] != "ticket_reported" or not row["org"]:
            continue
        parsed = parse_ticket_id(row["stream"].partition(":")[2])
        if parsed is None or parsed.number is None:
            continue
        key = (str(row["org"]), parsed.year)
        highest[key] = max(highest.get(key, 0), parsed.number)
    return [{"org": org, "year": year, "number": n} for (org, year), n in highest.items()]


def move_past(dialect: str) -> TextClause:
    """The statement that moves a series to at least a taken number (`taken_numbers`)."""
    return _advance(dialect, greatest=True)


def series_end(conn: Connection, org: str, year: int) -> int:
    """The last number of a series handed out or taken so far (0: none yet)."""
    row = conn.execute(
        text("SELECT last_number FROM number_series WHERE org = :org AND year = :year"),
        {"org": org, "year": year},
    ).first()
    return int(row[0]) if row is not None else 0
