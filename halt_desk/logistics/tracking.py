"""Background polling of open shipments: ask each carrier, record what is new.

`poll_shipments` is a plain function the GUI runs on its worker (and a script in a loop):
for every shipment of an open swap that is not final it asks the carrier's adapter and
records the statuses newer than the last one known as `shipment_status` (source
`api:<carrier>`); an outbound `delivered` is the delivery itself (`swap_steps.deliver`). One
carrier failing never stops the others; errors come back in the summary, with the carrier
and tracking code but no key and no address.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from halt_desk.couriers.base import CourierAdapter, CourierError, Fetch, http_fetch
from halt_desk.couriers.registry import carriers
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.swaps import Leg, Shipment
from halt_desk.logistics.swap_board import SwapStep, load_board, swap_of
from halt_desk.logistics.swap_steps import record_shipment_status
from halt_desk.store import Store

log = logging.getLogger(__name__)


def keychain_entry(carrier: str) -> str:
    """The keychain entry of a carrier's API key (service `halt-desk`)."""
    return f"courier:{carrier}"


class KeySource(Protocol):
    """What `adapters_from_keychain` needs: `TokenStore.get` of halt_desk.sync.credentials
    (the OS keychain, or its encrypted fallback)."""

    def get(self, server: str) -> str | None: ...


def adapters_from_keychain(
    tokens: KeySource, fetch: Fetch | None = None
) -> dict[str, CourierAdapter]:
    """An adapter per carrier whose API key is in the keychain (`courier:<carrier>`);
    carriers without a key are left out (their statuses are typed in by hand)."""
    fetch = fetch or http_fetch()
    found: dict[str, CourierAdapter] = {}
    for code, carrier in carriers().items():
        key = tokens.get(keychain_entry(code))
        if key:
            found[code] = carrier.adapter(key, fetch)
    return found


@dataclass
class PollSummary:
    asked: int = 0
    recorded: int = 0
    errors: list[str] = field(default_factory=list)


def poll_shipments(
    store: Store,
    adapters: Mapping[str, CourierAdapter],
    actor: str,
    now: datetime,
) -> PollSummary:
    """Asks the carriers about every open shipment and records what is new."""
    summary = PollSummary()
    board = load_board(store, now)
    for swap in board.swaps.values():
        if swap.record is None or swap.step is SwapStep.CLOSED:
            continue
        for leg in Leg:  # the loaner out and back, the own device to the depot
            shipment = swap.record.shipment(leg)
            if shipment is None or shipment.is_final:
                continue
            adapter = adapters.get(shipment.carrier)
            if adapter is None:
                continue
            summary.asked += 1
            try:
                result = adapter.track(shipment.tracking)
            except CourierError as exc:
                summary.errors.append(str(exc))
                continue
            for update in result.updates:
                if update.at <= shipment.status_at or update.status == shipment.status:
                    continue
                try:
                    record_shipment_status(
                        store, swap.id, leg, update.status, actor, update.at,
                        source=f"api:{shipment.carrier}", detail=update.description,
                    )  # fmt: skip
                except HaltDeskError as exc:
                    summary.errors.append(f"{shipment.carrier} {shipment.tracking}: {exc}")
                    break
                summary.recorded += 1
                shipment = swap_shipment(store, swap.id, leg, now) or shipment
                if shipment.is_final:
                    break
    if summary.errors:
        log.warning("courier poll: %d problem(s)", len(summary.errors))
    return summary


def swap_shipment(store: Store, swap_id: str, leg: Leg, now: datetime) -> Shipment | None:
    """The shipment of one leg as recorded now."""
    record = swap_of(store, swap_id, now).record
    return record.shipment(leg) if record is not None else None
