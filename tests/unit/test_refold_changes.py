"""Schema 0008: a cache whose change tickets were folded with an incident's clocks (before
a change counted down its own) gets them folded again once when it opens."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from halt_desk.desk.intake import record_intake
from halt_desk.domain.clocks import evaluate
from halt_desk.domain.timeline import timeline_from_events
from halt_desk.store import Store
from halt_desk.store.projections import utc_us
from halt_desk.store.schema import head_revision
from tests.unit.test_desk import NOW, intake, store

__all__ = ["store"]  # the fixture, used by name

#: The minor change's own deadline: its first plan date, the fifth working day's close.
CHANGE_DUE = "2027-01-19T17:00:00+01:00"


def _fold_the_old_way(path: Path, ticket_id: str, incident: str) -> None:
    """The row as a desk before the change clocks folded it (an incident's deadline,
    overdue), in a cache at revision 0007 (no `refold_pending` yet)."""
    due = utc_us(datetime.fromisoformat(incident))
    with sqlite3.connect(path) as connection:
        connection.execute(
            "UPDATE tickets SET next_due = ?, next_due_utc_us = ?, overdue = 1 WHERE id = ?",
            (incident, due, ticket_id),
        )
        connection.execute("DROP TABLE refold_pending")
        connection.execute("UPDATE alembic_version SET version_num = '0007'")
    connection.close()


def test_a_change_folded_with_incident_clocks_gets_its_own_deadline_on_open(
    store: Store,
) -> None:
    change = record_intake(store, intake(kind="change", change_type="minor"), "a", NOW)
    incident = record_intake(store, intake(), "a", NOW)
    profile = store.organisation_contract("halt")
    events = store.events_for(f"ticket:{change}")
    old_due = evaluate(profile, timeline_from_events(change, events), NOW).next_due
    assert old_due is not None and old_due.isoformat() != CHANGE_DUE
    incident_row = store.ticket(incident)
    path = store.path
    store.close()
    _fold_the_old_way(path, change, old_due.isoformat())
    with Store.open(path, clock=lambda: NOW) as opened:
        row = opened.ticket(change)
        assert row is not None and row.next_due is not None
        assert row.next_due.isoformat() == CHANGE_DUE
        assert opened.ticket(incident) == incident_row  # an incident is left as it was
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM refold_pending").fetchone() == (0,)
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )
        overdue = connection.execute("SELECT overdue FROM tickets WHERE id = ?", (change,))
        assert overdue.fetchone() == (0,)
    connection.close()


def test_the_refold_runs_once(store: Store) -> None:
    """After the open that folded them, a change row written over again stays as written:
    the next open does not fold anything (it only looks at the empty table)."""
    change = record_intake(store, intake(kind="change", change_type="minor"), "a", NOW)
    path = store.path
    store.close()
    _fold_the_old_way(path, change, "2027-01-12T10:15:00+01:00")
    Store.open(path, clock=lambda: NOW).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE tickets SET overdue = 1 WHERE id = ?", (change,))
    connection.close()
    with Store.open(path, clock=lambda: NOW) as opened:
        row = opened.ticket(change)
        assert row is not None and row.next_due is not None
        assert row.next_due.isoformat() == CHANGE_DUE
    with sqlite3.connect(path) as connection:
        overdue = connection.execute("SELECT overdue FROM tickets WHERE id = ?", (change,))
        assert overdue.fetchone() == (1,)  # not folded again
    connection.close()
