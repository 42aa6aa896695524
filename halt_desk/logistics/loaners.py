"""Suggesting a loaner: the ready device that can reach the employee before the swap
deadline, from the depot with the most spare stock of its model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from halt_desk.domain.devices import (
    DeviceState,
)
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.messages import Msg
from halt_desk.domain.swaps import (
    SwapMode,
)
from halt_desk.logistics.swap_board import SwapBoard, load_board
from halt_desk.store import Store

#: Door-to-door courier time from a depot when its record does not say (minutes).
DEFAULT_LEAD_MINUTES = 240


@dataclass(frozen=True, slots=True)
class LoanerSuggestion:
    """A ready loaner for a swap: from which depot, when it can be there, and whether that
    meets the swap deadline. `device` None: no ready loaner anywhere."""

    device: str | None
    model: str | None
    depot: str | None
    eta: datetime | None
    due: datetime | None
    meets_deadline: bool
    spare: int = 0  # ready loaners of that model in that depot above its minimum


def depot_lead_time(depot_fields: Mapping[str, Any]) -> timedelta:
    """A depot's door-to-door courier time (`lead_minutes` in its record, else 4 hours)."""
    value = depot_fields.get("lead_minutes", DEFAULT_LEAD_MINUTES)
    minutes = value if isinstance(value, int) and value > 0 else DEFAULT_LEAD_MINUTES
    return timedelta(minutes=minutes)


def suggest_loaner(
    store: Store,
    ticket_id: str,
    now: datetime,
    *,
    mode: SwapMode = SwapMode.COURIER,
    model: str | None = None,
    board: SwapBoard | None = None,
) -> LoanerSuggestion:
    """The ready loaner that can reach the employee before the swap deadline: among depots
    whose courier time (onsite: the same) meets the deadline, the one with the most ready
    stock of the model above its minimum; within it, the loaner that waited longest. If no
    depot can make it, the fastest one with `meets_deadline` False (then record an
    alternative workplace)."""
    board = board or load_board(store, now)
    facts = next((s.ticket for s in board.for_ticket(ticket_id) if s.ticket), None)
    if facts is None:
        raise DeskInputError("ticket", Msg.NO_SWAP_REQUEST, ticket=ticket_id)
    due = facts.swap_due
    depots = store.references("depot")
    candidates: list[tuple[bool, int, timedelta, datetime, str, str, str]] = []
    stock = [d for d in store.devices() if d.state == DeviceState.IN_STOCK and d.depot in depots]
    ready_count: dict[tuple[str | None, str | None], int] = {}
    for device in stock:
        key = (device.depot, device.model)
        ready_count[key] = ready_count.get(key, 0) + 1
    for device in stock:
        assert device.depot is not None
        if model is not None and device.model != model:
            continue
        if device.org not in (None, facts.org):
            continue
        lead = depot_lead_time(depots[device.depot])
        eta = now + lead
        meets = due is None or eta <= due
        minimum = _minimum(depots[device.depot], device.model or "")
        ready = ready_count[(device.depot, device.model)]
        candidates.append(
            (
                not meets,
                -(ready - minimum),
                lead,
                device.updated_at,
                device.asset_tag,
                device.depot,
                device.model or "",
            )
        )
    if not candidates:
        return LoanerSuggestion(None, model, None, None, due, False)
    best = min(candidates)
    not_meets, negative_spare, lead, _, tag, depot, chosen_model = best
    return LoanerSuggestion(
        tag, chosen_model, depot, now + lead, due, not not_meets, max(0, -negative_spare)
    )


def _minimum(depot_fields: Mapping[str, Any], model: str) -> int:
    minimums = depot_fields.get("minimum")
    if isinstance(minimums, Mapping):
        value = minimums.get(model, 0)
        return value if isinstance(value, int) else 0
    return 0
