"""The store's side of a central restored from a backup: marks of central's history kept
with pulled pages (thinned as they age), the recovery in one transaction (own events back
into the outbox, others' out of the folds until central has them again, the cursor back),
and a seq central gives twice refused without writing anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from halt_desk.store import HistoryConflict, Store, history_marks
from halt_desk.store.history_marks import MAX_MARKS, RECENT_MARKS
from tests.unit.sqlite_rows import sql_rows
from tests.unit.test_sync_store import ev, org, report


def test_marks_are_kept_with_their_page_and_thinned_as_they_age(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rule at a tenth of its size: 60 pulled pages instead of 600 (each its own
    # transaction, with fsync), the same thinning.
    most, recent = MAX_MARKS // 10, RECENT_MARKS // 10
    monkeypatch.setattr(history_marks, "MAX_MARKS", most)
    monkeypatch.setattr(history_marks, "RECENT_MARKS", recent)
    with Store.open(path) as store:
        store.ingest_remote([(1, org())], mark=(1, "c1"))
        for seq in range(2, 2 + 2 * most):
            store.ingest_remote(
                [(seq, ev("org:halt", "organisation_updated", seq))], mark=(seq, f"c{seq}")
            )
        marks = store.history_marks()
        assert len(marks) <= most
        newest = [m.seq for m in marks[:recent]]
        assert newest == list(range(1 + 2 * most, 1 + 2 * most - recent, -1))
        assert marks[-1].seq == 1 and marks[0].chain == f"c{2 * most + 1}"
        assert store.last_pulled_seq() == 1 + 2 * most


def test_the_recovery_sends_own_events_again_and_leaves_lost_ones_out(path: Path) -> None:
    with Store.open(path) as store:
        store.ingest_remote([(1, org()), (2, report("T1"))], mark=(2, "c2"))
        mine = ev("ticket:T1", "comment", 10, {"text": "mine"})
        store.record_event(mine)
        store.apply_push_results({mine.id: 3}, {})
        theirs = ev("ticket:T1", "assigned", 30, {"to": "agent-b"})
        store.ingest_remote([(3, mine), (4, theirs)], mark=(4, "c4"))
        assert store.ticket("T1").assignee == "agent-b"

        notice = store.forget_after(2, "central-1", other_central=False)

        assert (notice.resent, notice.lost, notice.other_central) == (1, 1, False)
        assert store.last_pulled_seq() == 2 and [m.seq for m in store.history_marks()] == [2]
        assert [e.id for e in store.pending_outbox()] == [mine.id]
        assert sql_rows(path, "SELECT count(*) FROM events WHERE seq > 2") == [(0,)]
        # Their assignment is no longer central's: out of the fold until it comes back.
        assert store.ticket("T1").assignee is None
        assert store.restore_notice() == notice
        # Central has it again (their laptop sent it): it comes back, with a new seq.
        store.ingest_remote([(3, theirs)], mark=(3, "d3"))
        assert store.ticket("T1").assignee == "agent-b"
        store.clear_restore_notice()
        assert store.restore_notice() is None


def test_a_second_recovery_before_the_user_was_told_adds_up(path: Path) -> None:
    with Store.open(path) as store:
        store.ingest_remote([(1, org())], mark=(1, "c1"))
        first = ev("org:halt", "organisation_updated", 3, {"name": "H"})
        store.record_event(first)
        store.apply_push_results({first.id: 2}, {})
        store.forget_after(1, "central-1", other_central=False)
        store.apply_push_results({first.id: 2}, {})
        notice = store.forget_after(0, "central-2", other_central=True)
        assert (notice.resent, notice.other_central) == (2, True)
        assert store.central_identity() == "central-2"


def test_a_seq_central_gives_twice_is_refused_and_nothing_written(path: Path) -> None:
    with Store.open(path) as store:
        store.ingest_remote([(1, org()), (2, report("T1"))], mark=(2, "c2"))
        other = ev("ticket:T1", "comment", 5, {"text": "from a restored central"})
        with pytest.raises(HistoryConflict):
            store.ingest_remote([(2, other)], mark=(2, "x2"))
        mine = ev("ticket:T1", "comment", 10, {"text": "mine"})
        store.record_event(mine)
        with pytest.raises(HistoryConflict):
            store.apply_push_results({mine.id: 1}, {})
        assert store.outbox_size() == 1
        assert sql_rows(path, "SELECT seq FROM events ORDER BY seq") == [(None,), (1,), (2,)]
        assert [m.chain for m in store.history_marks()] == ["c2"]
