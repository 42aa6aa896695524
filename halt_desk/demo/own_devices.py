"""The demo's employees' own (broken) devices (issue 22): in two of the open courier swaps
the courier that brought the loaner took the old laptop back to the depot, where it was
received and diagnosed; in one of them it was also wiped, and the loaner is back already,
so the swap waits for the old device alone (the queue's step "own device in progress").

Deterministic from the swap's place in the list (no draw of the data set's randomness):
the rest of the demo stays as it was.
"""

from __future__ import annotations

from typing import Any

#: How far the old device of a scenario got: "diagnosed", or "wiped" (loaner back too).
OWN_DEVICE_STEPS = ("diagnosed", "wiped")
_MODEL = "HP EliteBook 840 G8"
_FINDINGS = (
    "Moederbord defect na vochtschade; reparatie via leverancier aangevraagd.",
    "SSD defect, gegevens niet leesbaar; vervanging of afvoer.",
)
Move = tuple[int, str, str, str, dict[str, Any]]


def own_device_moves(
    how_far: str,
    number: int,
    swap: str,
    ticket: str,
    delivered: int,
    last: int,
    staff: str,
    depot: str,
) -> list[Move]:
    """The old device's events from the loaner's delivery on (minutes on the business
    calendar, at most `last`): registered on the spot by its serial, taken back at home,
    shipped to `depot` by courier, received and diagnosed; `wiped`: sanitised too."""
    serial = f"5CG{9100 + number:04d}OLD"
    stream = f"device:SN-{serial}"
    tracking = f"JVGL06{9100 + number:014d}"
    courier = {"carrier": "dhl", "tracking": tracking}
    received = min(delivered + 90, last - 4)
    diagnosed = min(received + 30, last - 3)
    registered = {"serial": serial, "model": _MODEL, "type": "laptop", "org": "halt",
                  "owned": True, "depot": depot}  # fmt: skip
    taken = {"swap": swap, "ticket": ticket, "by": staff, "location": "home"}
    leg = {"leg": "own_device", **courier, "source": "manual"}
    moves: list[Move] = [
        (delivered, stream, "device_registered", staff, registered),
        (delivered, stream, "device_taken_back", staff, taken),
        (delivered + 1, stream, "device_return_shipped", staff, {"swap": swap, **courier}),
        (delivered + 1, f"swap:{swap}", "shipment_status", staff, {**leg, "status": "picked_up"}),
        (received, f"swap:{swap}", "shipment_status", staff, {**leg, "status": "delivered"}),
        (received, stream, "device_received", staff, {"depot": depot, "swap": swap}),
        (diagnosed, stream, "device_diagnosed", staff,
         {"swap": swap, "finding": _FINDINGS[number % len(_FINDINGS)]}),
    ]  # fmt: skip
    if how_far == "wiped":
        wiped = {"method": "nist_purge", "method_name": "NIST SP 800-88 Purge",
                 "operator": staff, "certificate": f"SAN-2026-{9100 + number:05d}"}  # fmt: skip
        moves.append((min(diagnosed + 10, last - 2), stream, "device_sanitised", staff, wiped))
    return moves


def loaner_back(swap: str, tag: str, depot: str, last: int, staff: str) -> list[Move]:
    """The loaner received at the depot after its return leg (the swap stays open: the
    old device is not done)."""
    return [(last - 1, f"device:{tag}", "device_received", staff, {"depot": depot, "swap": swap})]
