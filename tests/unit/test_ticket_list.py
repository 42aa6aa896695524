"""The desk's ticket list: quick filters, search as you type, sorting (without Qt)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from halt_desk.desk.ticket_list import (
    SORT_KEYS,
    QuickFilter,
    TicketList,
    TicketListRow,
    row_from_store,
)
from halt_desk.store import TicketListEntry

BASE = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)


def row(n: int, summary: str, caller: str = "Anna de Vries", **changes: object) -> TicketListRow:
    fields: dict[str, object] = {
        "id": f"HALT-2027-{n:04d}",
        "org": "halt",
        "caller": f"e{n}",
        "caller_name": caller,
        "summary": summary,
        "priority": "P3",
        "uplift": False,
        "status": "open",
        "reported_at": BASE + timedelta(minutes=n),
        "next_due": BASE + timedelta(hours=4, minutes=n),
        "assignee": None,
    }
    fields.update(changes)
    return TicketListRow(**fields)  # type: ignore[arg-type]


ROWS = [
    row(1, "Laptop start niet op"),
    row(2, "VPN valt weg", "Bram Jansen", priority="P1", assignee="agent-1"),
    row(3, "Laptop scherm zwart", "Bram Jansen", status="waiting"),
    row(4, "Printer offline", status="closed", next_due=None),
    row(5, "Wachtwoord reset", next_due=BASE + timedelta(minutes=20), priority="P2"),
]


def ids(tickets: TicketList) -> list[str]:
    return [tickets.row(p).id[-1] for p in range(len(tickets))]


def test_search_matches_every_word_in_any_field() -> None:
    tickets = TicketList(ROWS)
    tickets.apply(QuickFilter.ALL, "laptop", BASE)
    assert ids(tickets) == ["1", "3"]
    tickets.apply(QuickFilter.ALL, "laptop jansen", BASE)
    assert ids(tickets) == ["3"]
    tickets.apply(QuickFilter.ALL, "HALT-2027-0004", BASE)
    assert ids(tickets) == ["4"]


def test_backspace_gives_the_wider_selection_again() -> None:
    tickets = TicketList(ROWS)
    for text in ("l", "la", "lap", "la", "l", ""):
        tickets.apply(QuickFilter.ALL, text, BASE)
    assert ids(tickets) == ["1", "2", "3", "4", "5"]


def test_quick_filters() -> None:
    tickets = TicketList(ROWS, user="agent-1")
    expected = {
        QuickFilter.OPEN: ["1", "2", "3", "5"],
        QuickFilter.MINE: ["2"],
        QuickFilter.P1: ["2"],
        QuickFilter.WAITING: ["3"],
        QuickFilter.BREACHING: ["5"],  # due within 30 minutes
    }
    for quick, wanted in expected.items():
        tickets.apply(quick, "", BASE)
        assert ids(tickets) == wanted, quick


def test_breaching_follows_the_time() -> None:
    tickets = TicketList(ROWS)
    tickets.apply(QuickFilter.BREACHING, "", BASE)
    assert ids(tickets) == ["5"]
    tickets.apply(QuickFilter.BREACHING, "", BASE + timedelta(hours=3, minutes=45))
    assert ids(tickets) == ["1", "2", "3", "5"]


def test_a_selection_keeps_the_sort_order() -> None:
    tickets = TicketList(ROWS)
    tickets.sort("next_due")
    tickets.apply(QuickFilter.OPEN, "", BASE)
    assert ids(tickets) == ["5", "1", "2", "3"]
    tickets.apply(QuickFilter.OPEN, "a", BASE)
    tickets.sort("caller", descending=True)
    assert tickets.row(0).caller_name == "Bram Jansen"


WORDS = st.sampled_from(["l", "la", "lap", "laptop", "jansen", "vpn", "0003", "a b", " "])


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(list(QuickFilter)), WORDS, st.sampled_from([None, *SORT_KEYS])),
        min_size=1,
        max_size=12,
    )
)
def test_every_selection_equals_a_fresh_one(
    steps: list[tuple[QuickFilter, str, str | None]],
) -> None:
    tickets = TicketList(ROWS, user="agent-1")
    for quick, text, sort in steps:
        if sort is not None:
            tickets.sort(sort)
        tickets.apply(quick, text, BASE)
        fresh = TicketList(ROWS, user="agent-1")
        if tickets._sort is not None:
            fresh.sort(*tickets._sort)
        fresh.apply(quick, text, BASE)
        assert tickets.visible == fresh.visible


def test_an_updated_list_replaces_known_rows_and_inserts_new_ones_in_report_order() -> None:
    tickets = TicketList(ROWS, user="agent-1")
    tickets.sort("next_due")
    changed = [
        row(3, "Laptop scherm zwart", "Bram Jansen", status="open", priority="P1"),
        row(9, "Nieuwe melding"),
        row(0, "Oudere melding, later binnengekomen"),
    ]
    fresh = tickets.updated(changed)
    assert fresh is not tickets and tickets.total == 5  # the shown list is left alone
    assert fresh.sorted_by == ("next_due", False)
    fresh.apply(QuickFilter.ALL, "", BASE)
    rebuilt = TicketList([changed[2], ROWS[0], ROWS[1], changed[0], ROWS[3], ROWS[4], changed[1]])
    rebuilt.sort("next_due")
    rebuilt.apply(QuickFilter.ALL, "", BASE)
    assert [fresh.row(p) for p in range(len(fresh))] == [
        rebuilt.row(p) for p in range(len(rebuilt))
    ]
    fresh.apply(QuickFilter.ALL, "oudere", BASE)  # search texts of new rows are there
    assert ids(fresh) == ["0"]
    fresh.apply(QuickFilter.WAITING, "", BASE)  # and of replaced rows renewed
    assert ids(fresh) == []


@settings(max_examples=60, deadline=None)
@given(
    changes=st.lists(
        st.tuples(st.integers(0, 12), st.sampled_from(["open", "waiting", "closed"])),
        max_size=10,
    ),
    sort=st.sampled_from([None, *SORT_KEYS]),
)
def test_an_updated_list_equals_one_read_whole(
    changes: list[tuple[int, str]], sort: str | None
) -> None:
    tickets = TicketList(ROWS, user="agent-1")
    if sort is not None:
        tickets.sort(sort)
    changed = {n: row(n, f"melding {n}", status=status) for n, status in changes}
    whole = {r.id: r for r in ROWS} | {r.id: r for r in changed.values()}
    fresh = tickets.updated(list(changed.values()))
    rebuilt = TicketList(sorted(whole.values(), key=lambda r: (r.reported_at, r.id)), "agent-1")
    if sort is not None:
        rebuilt.sort(sort)
    for quick in QuickFilter:
        fresh.apply(quick, "melding", BASE)
        rebuilt.apply(quick, "melding", BASE)
        assert [fresh.row(p) for p in range(len(fresh))] == [
            rebuilt.row(p) for p in range(len(rebuilt))
        ]


def test_a_store_row_has_the_fields_of_a_list_row_in_the_same_order() -> None:
    # `row_from_store` unpacks by position (for speed): the orders must agree.
    assert TicketListEntry._fields == TicketListRow._fields


def test_a_store_row_becomes_a_list_row_with_its_times_parsed() -> None:
    entry = TicketListEntry(
        id="HALT-2027-0001",
        org="halt",
        caller="e1",
        caller_name="Anna de Vries",
        summary="Laptop start niet op",
        priority="P2",
        uplift=True,
        status="open",
        reported_at=BASE.isoformat(),
        next_due=None,
        assignee="agent-1",
    )
    listed = row_from_store(entry)
    assert listed == row(1, "Laptop start niet op", priority="P2", uplift=True,
                         reported_at=BASE, next_due=None, assignee="agent-1")  # fmt: skip
