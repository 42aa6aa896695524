"""Before a sync round writes anything central gives: is central still on the history
this cache pulled? (The engine asks when a round has a reason to: rounds.py, `_exchange`.)

Central can be restored from an older backup (or replaced by another central). Then it
hands out seqs again that this cache holds for other events, and lacks events this user
recorded after the backup. `check_central` asks central (`POST /api/v1/history`) for its
identity, its head and its hash chain at the newest mark this cache keeps (store/
history_marks.py), and reports the ticket numbers this desk holds so central moves its
series past them. When central is behind — no event at the mark, another chain there,
another identity, or a head below a seq this cache holds — the newest mark central still
agrees with is found, and the store forgets every seq after it in one transaction: this
user's events go back into the outbox (the round's push sends them again, same ids), the
cursor goes back to the mark (the round's pull fetches the rest again), and a notice waits
for the user.
"""

from __future__ import annotations

import logging

from halt_desk.store import Store
from halt_desk.store.history_marks import Mark, RestoreNotice
from halt_desk.sync.client import CentralClient, CentralPosition

log = logging.getLogger(__name__)

#: Marks asked about at once when looking for the point where the histories part.
ASK_AT_ONCE = 500


def check_central(store: Store, client: CentralClient, *, suspect: bool = False) -> bool:
    """Checks central's history against this cache's and recovers if central is behind;
    True if it recovered. `suspect`: central already gave a seq that an other event here
    holds (HistoryConflict), so it is behind even if the newest mark still agrees."""
    marks = store.history_marks()
    cursor = store.last_pulled_seq()
    known = store.central_identity()
    newest = marks[0] if marks else None
    ask = [newest.seq] if newest is not None else ([cursor] if cursor else [])
    position = client.history(ask, store.held_numbers())
    if position is None:  # an older central: nothing to compare with
        return False
    other = known is not None and known != position.central
    chain = position.chains[0] if ask else None
    fine = not other and not suspect and position.head >= store.highest_seq()
    if fine and newest is not None and chain == newest.chain:
        if known is None:
            store.adopt_central(position.central)
        return False
    if fine and newest is None and (cursor == 0 or chain is not None):
        # The first contact, or a cache from before marks were kept (or a demo cache):
        # central's chain at the cursor is taken as the first mark.
        if known is None or chain is not None:
            store.adopt_central(position.central, Mark(cursor, chain) if chain else None)
        return False
    reached = max(cursor, store.highest_seq())
    fork = 0 if other else _last_agreed(client, marks, reached)
    notice = store.forget_after(fork, position.central, other)
    _log(position, cursor, fork, notice)
    return True


def _last_agreed(client: CentralClient, marks: list[Mark], reached: int) -> int:
    """The newest mark whose chain central still gives (0: none); tells central it was
    found behind this cache, which held seqs up to `reached` (an audit entry there)."""
    for start in range(0, max(len(marks), 1), ASK_AT_ONCE):
        part = marks[start : start + ASK_AT_ONCE]
        said = reached if start == 0 and reached > 0 else None
        found = client.history([m.seq for m in part], found_behind=said)
        if found is None:
            return 0
        for mark, chain in zip(part, found.chains, strict=True):
            if chain == mark.chain:
                return mark.seq
    return 0


def _log(position: CentralPosition, cursor: int, fork: int, notice: RestoreNotice) -> None:
    log.warning(
        "central (%s, head %d) is behind this cache (pulled up to seq %d): seqs after %d "
        "forgotten, %d event(s) of this user to send again, %d of others out until central "
        "has them again",
        position.central,
        position.head,
        cursor,
        fork,
        notice.resent,
        notice.lost,
    )
