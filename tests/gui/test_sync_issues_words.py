"""The sync-issues dialog shows a concurrent edit in words: the field's Dutch name and each
side's choice with the colleague by name, never a user id or raw data."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from halt_desk.domain.events import new_event
from halt_desk.store import Store
from tests.desk_data import NOW, staff_events
from ui.sync_issues import SyncIssuesDialog


def test_a_conflict_on_the_assignee_names_both_colleagues(qtbot: QtBot, store: Store) -> None:
    store.record_events(staff_events())
    report = new_event(
        "ticket:T1",
        "ticket_reported",
        NOW,
        "agent:sanne.visser",
        {"org": "halt", "caller": "e1", "summary": "Laptop", "channel": "phone",
         "priority": "P3"},
    )  # fmt: skip
    store.ingest_remote([(1, report)])
    mine = store.record("ticket:T1", "assigned", "agent:sanne.visser", {"to": "agent:linda.dekker"})
    store.apply_push_results({mine.id: 2}, {})
    theirs = new_event(
        "ticket:T1",
        "assigned",
        NOW + timedelta(minutes=1),
        "agent:linda.dekker",
        {"to": "field:pieter.degroot", "base_seq": 1},
    )
    store.ingest_remote([(3, theirs)])
    dialog = SyncIssuesDialog(store, "agent:sanne.visser")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.conflict_table.rowCount() == 1)
    cells = [dialog.conflict_table.item(0, c).text() for c in range(4)]
    assert cells[1] == "Toegewezen aan"
    assert cells[2].startswith("Linda Dekker (Sanne Visser, ")
    assert cells[3].startswith("Pieter de Groot (Linda Dekker, ")
    assert not any(":" in cell.split(" (")[0] for cell in cells[1:])
