"""Keeps this desk stocked with ticket numbers: at every sync round (the first one is at
sign-in), each organisation in the cache whose numbers of this year run low gets a new
block from central, so tickets recorded offline still get their number in the series.
From mid-December the next year's series is stocked too, for a desk offline at New Year.
"""

from __future__ import annotations

import logging
from collections.abc import MutableSet
from datetime import datetime

from halt_desk.domain.ticket_numbers import reservable_years
from halt_desk.store import Store
from halt_desk.sync.client import CentralClient
from halt_desk.sync.errors import ProtocolError

log = logging.getLogger(__name__)

#: Numbers reserved at a time per organisation.
BLOCK = 50
#: A new block is reserved when fewer than this many numbers are left.
REFILL_BELOW = 20


def top_up_numbers(
    store: Store, client: CentralClient, now: datetime, refused: MutableSet[str]
) -> int:
    """Reserves a block for every organisation of the cache (the organisations this user
    works for: central sends no others) with fewer than REFILL_BELOW numbers left of a
    year whose series can be reserved at `now` (this year; from mid-December the next
    too); returns how many numbers came in. An organisation central refuses numbers for
    (the user's role does not report tickets) goes into `refused` and is not asked again
    by this engine; network trouble ends the round as any other call does."""
    left = {(n.org, n.year): n.left for n in store.numbers_left()}
    added = 0
    for org in sorted(store.references("org")):
        for year in reservable_years(now):
            if org in refused or left.get((org, year), 0) >= REFILL_BELOW:
                continue
            try:
                block = client.reserve_numbers(org, BLOCK, year)
            except ProtocolError as exc:  # e.g. central's calendar is in another year: later
                log.warning("no ticket numbers of %s %d this round: %s", org, year, exc)
                continue
            if block is None:
                log.info("central reserves no ticket numbers of %s for this user", org)
                refused.add(org)
                continue
            store.add_number_block(block.org, block.year, block.first, block.last)
            added += block.last - block.first + 1
    if added:
        log.info("reserved %d ticket numbers", added)
    return added
