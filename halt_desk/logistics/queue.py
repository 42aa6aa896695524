"""The logistics queue: every open swap and swap request with the deadline that falls
first, most urgent on top, with countdowns. A swap whose carrier reports a problem
(delivery failed, an address problem, returned to sender) or expects to deliver after the
swap clock's deadline is flagged and comes first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from halt_desk.couriers.registry import carrier_name
from halt_desk.domain.swaps import Leg, Shipment
from halt_desk.i18n import N_, _
from halt_desk.logistics.swap_board import Swap, SwapBoard, SwapStep, load_board
from halt_desk.store import Store

#: Where a swap is in the logistics queue.
STEP_NAMES: Mapping[str, str] = {
    SwapStep.PLAN: N_("to plan"),
    SwapStep.RESERVE: N_("reserve a loaner"),
    SwapStep.SHIP: N_("to ship"),
    SwapStep.ISSUE: N_("issue onsite"),
    SwapStep.IN_TRANSIT: N_("in transit"),
    SwapStep.WITH_USER: N_("with the employee, return to follow"),
    SwapStep.RETURNING: N_("return in transit"),
    SwapStep.OWN_DEVICE: N_("own device in progress"),
    SwapStep.CLOSED: N_("closed"),
}
_NO_DEADLINE = float("inf")
#: Carrier exceptions the queue flags (couriers.base.ShipmentProblem, and "late").
LATE = "late"
EXCEPTION_NAMES: Mapping[str, str] = {
    "delivery_failed": N_("delivery failed"),
    "address_problem": N_("address problem"),
    "returned_to_sender": N_("returned to sender"),
    LATE: N_("will miss the swap deadline"),
}


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of the logistics queue."""

    swap: str
    ticket: str | None
    priority: str | None
    step: SwapStep
    due: datetime | None  # the deadline that falls first among the running clocks
    clock: str | None  # "swap" or "emergency_workplace"
    swap_due: datetime | None
    emergency_due: datetime | None
    device: str | None
    model: str | None
    depot: str | None
    mode: str | None
    shipment: Shipment | None  # the leg that is moving (outbound, then return)
    emergency_kind: str | None
    own_device: str | None = None  # the employee's own device taken back, and its state
    own_state: str | None = None
    exception: str | None = None  # a key of EXCEPTION_NAMES: flagged, on top

    def sort_key(self) -> tuple[bool, float, int, str]:
        due = self.due.timestamp() if self.due else _NO_DEADLINE
        return self.exception is None, due, _STEP_ORDER.get(self.step, 9), self.swap

    def exception_text(self) -> str:
        """The flag in words, e.g. "PostNL: bezorging mislukt (HALT-2026-000012)"."""
        if self.exception is None:
            return ""
        what = _(EXCEPTION_NAMES.get(self.exception, self.exception))
        carrier = carrier_name(self.shipment.carrier) if self.shipment else ""
        return _("{carrier}: {exception} ({ticket})").format(
            carrier=carrier, exception=what, ticket=self.ticket or self.swap
        )


_STEP_ORDER = {step: i for i, step in enumerate(SwapStep)}


def _row(swap: Swap) -> QueueRow:
    deadline = swap.open_deadline()
    facts, record = swap.ticket, swap.record
    shipment = None
    if record is not None:
        shipment = record.inbound or record.outbound
    return QueueRow(
        swap=swap.id,
        ticket=facts.ticket if facts else (record.ticket if record else None),
        priority=facts.priority if facts else None,
        step=swap.step,
        due=deadline[0] if deadline else None,
        clock=deadline[1] if deadline else None,
        swap_due=facts.swap_due if facts else None,
        emergency_due=facts.emergency_due if facts else None,
        device=swap.device,
        model=swap.device_model,
        depot=record.depot if record else None,
        mode=record.mode.value if record else None,
        shipment=shipment,
        emergency_kind=facts.emergency_kind if facts else None,
        own_device=swap.own_device,
        own_state=swap.own_device_state,
        exception=exception_of(shipment, facts.swap_due if facts else None),
    )


def exception_of(shipment: Shipment | None, swap_due: datetime | None) -> str | None:
    """What the queue flags about the moving shipment: the carrier's problem, or an
    outbound delivery the carrier expects after the swap clock's deadline."""
    if shipment is None or (shipment.is_final and shipment.problem is None):
        return None
    if shipment.problem is not None:
        return shipment.problem
    late = shipment.expected is not None and swap_due is not None and shipment.expected > swap_due
    return LATE if late and shipment.leg is Leg.OUT else None


def queue_rows(
    store: Store, now: datetime, *, board: SwapBoard | None = None, closed: bool = False
) -> list[QueueRow]:
    """Open swaps and swap requests, the one whose deadline falls first on top; swaps
    without a running clock (the return leg) after them. `closed`: include closed ones."""
    board = board or load_board(store, now)
    rows = [_row(s) for s in board.swaps.values() if closed or s.step is not SwapStep.CLOSED]
    return sorted(rows, key=QueueRow.sort_key)


def countdown_minutes(due: datetime | None, now: datetime) -> int | None:
    """Whole minutes left until `due` (negative when late); None without a deadline."""
    if due is None:
        return None
    return int((due - now).total_seconds() // 60)
