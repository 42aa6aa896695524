"""The demo's loaner stock: hands out the ready laptop that has waited longest and records
its trip as the logistics screens would: the swap opened with the loaner reserved, the
courier out with its shipment statuses, delivery, the secure pickup, the return to the
depot closing the swap, sanitisation and readiness (device and `swap:` events)."""

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
#: Fictitious home addresses (street, postcode letters, town) of the swaps' employees.
_STREETS = (
    "Lindelaan", "Kastanjestraat", "Molenweg", "Kerkstraat", "Beukenlaan", "Dorpsstraat",
    "Stationsweg", "Julianastraat", "Eikenhof", "Schoolstraat", "Vijverlaan", "Esdoornpad",
)  # fmt: skip
_TOWNS = {
    "Noord": ("Zwolle", "Kampen", "Deventer", "Assen"),
    "Oost": ("Utrecht", "Amersfoort", "Arnhem", "Zeist"),
    "Zuid": ("Eindhoven", "Tilburg", "Helmond", "Breda"),
    "West": ("Den Haag", "Rotterdam", "Delft", "Leiden"),
}
#: A courier's shipment between booking and delivery (statuses and the share of the trip).
_ON_THE_WAY = (("picked_up", 0.2), ("in_transit", 0.5), ("out_for_delivery", 0.85))


class LoanerStock:
    """The loaners of both depots and from when each is ready again; a `LoanerDesk`.

    `rng` draws the trips (as it always has, so the rest of the data set stays the same);
    `swaps` draws what the swap records add (home addresses)."""

    def __init__(
        self,
        rng: random.Random,
        cal: BusinessMinutes,
        devices: tuple[Device, ...],
        ready_from: dict[str, int],
        log: EventLog,
        swaps: random.Random | None = None,
    ) -> None:
        self._rng = rng
        self._swaps = swaps or random.Random(0)
        self._cal = cal
        self._log = log
        self._free_from = dict(ready_from)
        self._by_depot = {d.id: [dev for dev in devices if dev.depot == d.id] for d in DEPOTS}
        self._certificates = 0

    def __call__(self, ticket: HaltTicket, swap: str, requested: int, delivered: int) -> str | None:
        """The asset tag of the loaner sent for `swap`, or None when no depot has one ready."""
        found = self._ready(ticket.region, requested)
        if found is None:
            return None
        device, depot = found
        self._send(device, depot, ticket, swap, requested, delivered)
        return device.asset_tag

    def hold(self, region: str, requested: int) -> tuple[Device, str] | None:
        """A loaner ready at `requested` for a swap still open at the end of the data set
        (and its depot), kept out of stock from then on; None when none is ready."""
        found = self._ready(region, requested)
        if found is not None:
            self._free_from[found[0].asset_tag] = 1 << 62
        return found

    @staticmethod
    def depot_for(region: str) -> str:
        """The depot nearest to `region`."""
        return NEAREST_DEPOT.get(region, _FALLBACK_DEPOTS)[0]

    def home_address(self, region: str) -> str:
        rng = self._swaps
        town = rng.choice(_TOWNS.get(region, _TOWNS["Oost"]))
        letters = "".join(rng.choice("ABCDEGHJKLMNPRSTVXZ") for _ in range(2))
        postcode = f"{rng.randint(1000, 9999)} {letters}"
        return f"{rng.choice(_STREETS)} {rng.randint(1, 180)}, {postcode} {town}"

    def courier(self) -> dict[str, str]:
        """A carrier and a tracking code in that carrier's format."""
        rng = self._rng
        if rng.random() < 0.6:
            return {"carrier": "postnl", "tracking": f"3SHLTD{rng.randrange(10**8, 10**9)}"}
        return {"carrier": "dhl", "tracking": f"JVGL{rng.randrange(10**15, 10**16)}"}

    def _ready(self, region: str, requested: int) -> tuple[Device, str] | None:
        for depot in NEAREST_DEPOT.get(region, _FALLBACK_DEPOTS):
            ready = [
                dev
                for dev in self._by_depot[depot]
                if self._free_from.get(dev.asset_tag, requested + 1) <= requested
            ]
            if ready:
                device = min(ready, key=lambda dev: (self._free_from[dev.asset_tag], dev.asset_tag))
                return device, depot
        return None

    def _send(
        self,
        device: Device,
        depot: str,
        ticket: HaltTicket,
        swap: str,
        requested: int,
        delivered: int,
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
        outbound, inbound = self.courier(), self.courier()
        tag = device.asset_tag
        opened = {
            "ticket": ticket.id,
            "org": "halt",
            "mode": "courier",
            "depot": depot,
            "home_address": self.home_address(ticket.region),
        }
        trip: tuple[tuple[int, str, str, dict[str, Any]], ...] = (
            (reserved, "swap", "swap_opened", opened),
            (reserved, "device", "device_reserved", {"swap": swap, "ticket": ticket.id}),
            (shipped, "device", "device_shipped", {"swap": swap, **outbound}),
            *self.shipment(shipped, delivered, "out", outbound),
            (delivered, "device", "device_delivered", {"swap": swap}),
            (returned, "device", "device_return_shipped", {"swap": swap, **inbound}),
            (returned, "swap", "shipment_status", _status("return", inbound, "picked_up")),
            (received, "device", "device_received", {"depot": depot, "swap": swap}),
            (received, "swap", "shipment_status", _status("return", inbound, "delivered")),
            (received, "swap", "swap_closed", {"outcome": "returned", "device": tag}),
            (sanitised, "device", "device_sanitised", sanitisation),
            (checked, "device", "readiness_checked", dict(_READY)),
        )
        streams = {"swap": f"swap:{swap}", "device": f"device:{tag}"}
        for b, kind, event_type, data in trip:
            self._log.add(streams[kind], event_type, self._cal.at(b), staff, data)
        self._free_from[tag] = checked

    @staticmethod
    def shipment(
        booked: int, delivered: int | None, leg: str, courier: dict[str, str]
    ) -> list[tuple[int, str, str, dict[str, Any]]]:
        """A courier leg's statuses from booking on, up to its delivery (when given)."""
        steps = [(booked, "swap", "shipment_status", _status(leg, courier, "booked"))]
        if delivered is not None and delivered > booked:
            for status, share in _ON_THE_WAY:
                at = booked + max(1, round((delivered - booked) * share))
                if at < delivered:
                    steps.append((at, "swap", "shipment_status", _status(leg, courier, status)))
            steps.append((delivered, "swap", "shipment_status", _status(leg, courier, "delivered")))
        return steps


def _status(leg: str, courier: dict[str, str], status: str) -> dict[str, Any]:
    return {"leg": leg, **courier, "status": status, "source": "manual"}
