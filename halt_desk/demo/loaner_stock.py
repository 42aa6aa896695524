"""The demo's loaner stock: hands out the ready laptop that has waited longest and records
its trip (reserve, courier, delivery, return, sanitisation, readiness) as device events."""

from __future__ import annotations

import random
from typing import Any

from halt_desk.demo.business_minutes import BusinessMinutes
from halt_desk.demo.event_log import EventLog
from halt_desk.demo.halt_plan import HaltTicket
from halt_desk.demo.reference import DEPOTS, LOGISTICS_STAFF, NEAREST_DEPOT, Device

#: Where a ticket's region has no nearest depot of its own.
_FALLBACK_DEPOTS = ("depot-utrecht", "depot-zwolle")
_READY = {"autopilot": True, "bitlocker": True, "base_apps": True, "mfa": True}


class LoanerStock:
    """The loaners of both depots and from when each is ready again; a `LoanerDesk`."""

    def __init__(
        self,
        rng: random.Random,
        cal: BusinessMinutes,
        devices: tuple[Device, ...],
        ready_from: dict[str, int],
        log: EventLog,
    ) -> None:
        self._rng = rng
        self._cal = cal
        self._log = log
        self._free_from = dict(ready_from)
        self._by_depot = {d.id: [dev for dev in devices if dev.depot == d.id] for d in DEPOTS}
        self._certificates = 0

    def __call__(self, ticket: HaltTicket, swap: str, requested: int, delivered: int) -> str | None:
        """The asset tag of the loaner sent for `swap`, or None when no depot has one ready."""
        for depot in NEAREST_DEPOT.get(ticket.region, _FALLBACK_DEPOTS):
            ready = [
                dev
                for dev in self._by_depot[depot]
                if self._free_from.get(dev.asset_tag, requested + 1) <= requested
            ]
            if ready:
                device = min(ready, key=lambda dev: (self._free_from[dev.asset_tag], dev.asset_tag))
                self._send(device, depot, ticket.id, swap, requested, delivered)
                return device.asset_tag
        return None

    def _send(
        self, device: Device, depot: str, ticket: str, swap: str, requested: int, delivered: int
    ) -> None:
        """Records the loaner's trip to the user and back, ready again after the check."""
        rng, width = self._rng, self._cal.width
        staff = rng.choice(LOGISTICS_STAFF)
        reserved = requested + rng.randint(2, 15)
        shipped = reserved + max(1, min(rng.randint(20, 60), (delivered - reserved) // 2))
        returned = delivered + rng.randint(5 * width, 15 * width)
        received = returned + rng.randint(width // 2, 2 * width)
        sanitised = received + rng.randint(60, width)
        checked = sanitised + rng.randint(30, 120)
        self._certificates += 1
        certificate = f"SAN-{self._cal.at(sanitised).year}-{self._certificates:05d}"
        sanitisation = {
            "method": "BitLocker crypto-erase en Autopilot-reset",
            "operator": staff,
            "certificate": certificate,
        }
        trip: tuple[tuple[int, str, dict[str, Any]], ...] = (
            (reserved, "device_reserved", {"swap": swap, "ticket": ticket}),
            (shipped, "device_shipped", {"swap": swap, **self._courier()}),
            (delivered, "device_delivered", {"swap": swap}),
            (returned, "device_return_shipped", {"swap": swap, **self._courier()}),
            (received, "device_received", {"depot": depot}),
            (sanitised, "device_sanitised", sanitisation),
            (checked, "readiness_checked", dict(_READY)),
        )
        stream = f"device:{device.asset_tag}"
        for b, event_type, data in trip:
            self._log.add(stream, event_type, self._cal.at(b), staff, data)
        self._free_from[device.asset_tag] = checked

    def _courier(self) -> dict[str, str]:
        rng = self._rng
        if rng.random() < 0.6:
            return {"carrier": "postnl", "tracking": f"3SHLTD{rng.randrange(10**8, 10**9)}"}
        return {"carrier": "dhl", "tracking": f"JVGL{rng.randrange(10**15, 10**16)}"}
