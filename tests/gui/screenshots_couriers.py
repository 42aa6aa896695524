"""Screenshot of the logistics queue with carrier exceptions, under a real X server:

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python -m tests.gui.screenshots_couriers OUT

Four courier swaps: one going well, one whose delivery failed at an incomplete address
(DHL), one the carrier expects after the swap's deadline (PostNL), one returned to sender
(DPD) — as central's poller records them. Saves logistics-queue-carrier-exception.png.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from halt_desk.domain.events import new_event
from halt_desk.domain.swaps import SwapMode
from halt_desk.logistics.queue import queue_rows
from halt_desk.logistics.swap_steps import SwapPlan, open_swap, ship_loaner
from halt_desk.store import Store
from tests.desk_data import NOW, reference_events
from tests.gui.screenshots import run_main, scratch_cache, settle, shoot
from tests.swap_data import DEPOT, depot_events, loaner_events, swap_ticket

SHIPMENTS = [  # tag, carrier, tracking, status, extra data of the carrier's status
    ("HALT-LT-00001", "postnl", "3SHLTD100000001", "in_transit", {"text": "Zending gesorteerd"}),
    ("HALT-LT-00002", "dhl", "JVGL0612345678901234", "failed_attempt",
     {"text": "Adres onvolledig, bezorging niet gelukt", "location": "Zwolle",
      "problem": "address_problem"}),
    ("HALT-LT-00003", "postnl", "3SHLTD100000003", "in_transit", {"text": "Zending gesorteerd"}),
    ("HALT-LT-00004", "dpd", "05212345678901", "returned",
     {"text": "Retour afzender", "problem": "returned_to_sender"}),
]  # fmt: skip


def build(store: Store) -> None:
    store.record_events([*reference_events(), *depot_events(), *loaner_events(4)], bulk=True)
    early = NOW.replace(hour=9, minute=0)
    for tag, carrier, tracking, status, extra in SHIPMENTS:
        ticket = swap_ticket(store, early)
        swap, _ = open_swap(store, ticket, SwapPlan(SwapMode.COURIER, DEPOT, tag), "d", early)
        ship_loaner(store, swap, carrier, tracking, "d", early.replace(minute=30))
        data: dict[str, Any] = {"leg": "out", "carrier": carrier, "tracking": tracking,
                                "status": status, "source": "carrier", **extra}  # fmt: skip
        if tag == "HALT-LT-00003":
            due = next(r.swap_due for r in queue_rows(store, NOW) if r.swap == swap)
            assert due is not None
            data["expected"] = (due + timedelta(hours=20)).isoformat()
        at = NOW.replace(hour=11)
        store.record_events([new_event(f"swap:{swap}", "shipment_status", at, "koerier", data)])


def main(out: Path) -> int:
    from ui.logistics_window import LogisticsWindow

    with scratch_cache(out, lambda: NOW) as (app, store):
        build(store)
        now = NOW.replace(hour=12)
        window = LogisticsWindow(store, "logistics:kees.brouwer", lambda: now, DEPOT)
        window.move(0, 0)
        window.show()
        while not window.loaded:
            settle(app, 100)
        settle(app)
        path = out / "logistics-queue-carrier-exception.png"
        shoot(window, path)
        print(path)
        print(window.last_notification)
        window.close()
    return 0


if __name__ == "__main__":
    run_main(main)
