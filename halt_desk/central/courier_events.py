"""What a carrier reports, as events on the swap's stream: the open shipments as central's
events leave them, and the `shipment_status` events a carrier's answer (polled or pushed)
adds to them.

A carrier status becomes `shipment_status` {leg, carrier, tracking, status, code, text,
location, time, source, problem?, expected?} with the carrier's time as its `at`
(`status`, `leg` and `detail` as the desk has always read them). Its id is derived from
the carrier, tracking code, leg, carrier code and time (uuid5), so the same status is
never recorded twice: not by two rounds, not by a push and a poll, not by two processes
(central's idempotence on event ids decides). After a restore from a backup the statuses
central lost are simply new again and are recorded on the next poll, which always reads
the shipment's whole history.

Only statuses newer than the last one recorded on the leg are taken (an older one would
turn a fold back), up to the first final one. An outbound `delivered` is the delivery
itself, as when logistics records it by hand: `device_delivered` of the loaner and the
ticket's `swap_delivered` (which stops the swap clock), in the same batch.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select

from halt_desk.central.auth import Role, User
from halt_desk.central.schema import devices, events, swaps, tickets
from halt_desk.central.service import Central
from halt_desk.central.validation import EventResult
from halt_desk.couriers.base import TrackingResult, TrackingUpdate
from halt_desk.domain.events import Event
from halt_desk.domain.swaps import FINAL_SHIPMENT_STATUSES, Leg, ShipmentStatus

log = logging.getLogger(__name__)

#: The user central records carrier statuses as (logistics may record swap, device and
#: swap-ticket events); its name is the events' actor.
COURIER_USER = User(0, "koerier", Role.LOGISTICS)
#: The namespace of the ids of carrier statuses (uuid5).
_IDS = uuid.UUID("6d1f6c3e-2f0b-4b8e-9a53-1c3f6f2a9e10")
#: Streams asked per query (an IN list).
_CHUNK = 500


@dataclass(slots=True)
class OpenShipment:
    """One leg of an open swap whose shipment is not final, as its events leave it."""

    swap: str
    ticket: str
    leg: Leg
    carrier: str
    tracking: str
    status: ShipmentStatus
    status_at: datetime
    seen: set[tuple[str, str]] = field(default_factory=set)  # (code, time) recorded

    @property
    def key(self) -> tuple[str, str]:
        return self.carrier, self.tracking


def open_shipments(central: Central) -> list[OpenShipment]:
    """Every shipment of an open swap that is not final (delivered or returned)."""
    with central.reader.connect() as conn:
        open_swaps = dict(
            conn.execute(select(swaps.c.id, swaps.c.ticket).where(swaps.c.closed.is_(False))).all()
        )
        streams = [f"swap:{swap}" for swap in sorted(open_swaps)]
        rows: list[Any] = []
        for start in range(0, len(streams), _CHUNK):
            rows += conn.execute(
                select(events.c.stream, events.c.at, events.c.data)
                .where(events.c.stream.in_(streams[start : start + _CHUNK]))
                .where(events.c.type == "shipment_status")
                .order_by(events.c.seq)
            ).all()
    legs: dict[tuple[str, str], OpenShipment] = {}
    for stream, at, data_text in rows:
        swap = stream.partition(":")[2]
        data = orjson.loads(data_text)
        try:
            leg, status = Leg(data["leg"]), ShipmentStatus(data["status"])
            carrier, tracking = str(data["carrier"]), str(data["tracking"])
        except (KeyError, ValueError):
            continue  # central refused such an event; nothing to poll
        known = legs.get((swap, leg))
        shipment = OpenShipment(
            swap, open_swaps[swap], leg, carrier, tracking, status, datetime.fromisoformat(at)
        )
        if known is not None and known.key == shipment.key:
            shipment.seen = known.seen
        if data.get("code") and data.get("time"):
            shipment.seen.add((str(data["code"]), str(data["time"])))
        legs[(swap, leg)] = shipment
    return [s for s in legs.values() if s.status not in FINAL_SHIPMENT_STATUSES]


def new_updates(shipment: OpenShipment, result: TrackingResult) -> list[TrackingUpdate]:
    """The carrier's statuses not recorded yet: newer than the leg's last status, not seen
    (carrier, code, time), up to and including the first final one."""
    found: list[TrackingUpdate] = []
    for update in result.updates:
        if update.at <= shipment.status_at:
            continue
        if (update.code, update.at.isoformat()) in shipment.seen:
            continue
        found.append(update)
        if update.status in FINAL_SHIPMENT_STATUSES:
            break
    return found


def status_events(
    central: Central,
    shipment: OpenShipment,
    result: TrackingResult,
    source: str,
) -> list[Event]:
    """The events that record what `result` adds to `shipment` (none when nothing is new)."""
    updates = new_updates(shipment, result)
    made: list[Event] = []
    for update in updates:
        expected = result.expected if update is updates[-1] else None
        status = _status_event(shipment, update, source, expected)
        if shipment.leg is Leg.OUT and update.status is ShipmentStatus.DELIVERED:
            made += _delivery(central, shipment, status)
        else:
            made.append(status)
    return made


def _status_event(
    shipment: OpenShipment, update: TrackingUpdate, source: str, expected: datetime | None
) -> Event:
    time = update.at.isoformat()
    data: dict[str, Any] = {
        "leg": shipment.leg.value,
        "carrier": shipment.carrier,
        "tracking": shipment.tracking,
        "status": update.status.value,
        "code": update.code[:40],
        "text": update.description[:200],
        "time": time,
        "source": source,
    }
    if update.location:
        data["location"] = update.location[:100]
    if update.problem:
        data["problem"] = update.problem
    if expected is not None:
        data["expected"] = expected.isoformat()
    key = f"{shipment.carrier}|{shipment.tracking}|{shipment.leg.value}|{update.code}|{time}"
    return Event(
        id=str(uuid.uuid5(_IDS, key)),
        stream=f"swap:{shipment.swap}",
        type="shipment_status",
        at=update.at,
        actor=COURIER_USER.name,
        data=data,
    )


def _delivery(central: Central, shipment: OpenShipment, status: Event) -> list[Event]:
    """The outbound `delivered` with the loaner's `device_delivered` and the ticket's
    `swap_delivered`, where the loaner is still on its way and the ticket open."""
    with central.reader.connect() as conn:
        device = conn.execute(
            select(devices.c.asset_tag, devices.c.state).where(devices.c.swap == shipment.swap)
        ).first()
        closed = conn.execute(
            select(tickets.c.closed).where(tickets.c.id == shipment.ticket)
        ).scalar()
    made: list[Event] = []
    if device is not None and device.state == "shipped":
        made.append(_derived(status, f"device:{device.asset_tag}", "device_delivered", {}))
    made.append(status)
    if device is not None and closed is False:
        data = {"asset": device.asset_tag}
        made.append(_derived(status, f"ticket:{shipment.ticket}", "swap_delivered", data))
    return made


def _derived(status: Event, stream: str, kind: str, extra: Mapping[str, Any]) -> Event:
    data = {"swap": status.stream.partition(":")[2], **extra}
    return Event(
        id=str(uuid.uuid5(_IDS, f"{status.id}|{kind}")),
        stream=stream,
        type=kind,
        at=status.at,
        actor=status.actor,
        data=data,
    )


def record(central: Central, made: Sequence[Event], address: str) -> int:
    """Records `made` as the courier user; the number of events central took. A duplicate
    (recorded before, by a poll or a push) is no news; a refusal is logged with its reason."""
    if not made:
        return 0
    results = central.record(COURIER_USER, [event.to_json() for event in made], address)
    _log_refusals(made, results)
    return sum(1 for r in results if r.status == "accepted")


def _log_refusals(made: Iterable[Event], results: Iterable[EventResult]) -> None:
    for event, result in zip(made, results, strict=True):
        # The same id with other content: a push and a poll of the same status (source).
        if result.status == "rejected" and result.reason != "id reused with different content":
            log.warning("courier %s on %s refused: %s", event.type, event.stream, result.reason)
