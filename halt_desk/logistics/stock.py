"""Buffer stock: ready loaners per depot and model against the depot's minimum, and the
mitigations recorded for a shortage (seed 003 §10.1.5 item 4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from halt_desk.domain.devices import DeviceState
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.messages import Msg
from halt_desk.domain.swaps import MITIGATION_KINDS
from halt_desk.store import Store


@dataclass(frozen=True, slots=True)
class StockLevel:
    """Ready loaners of one model in one depot against the agreed minimum."""

    depot: str
    depot_name: str
    model: str
    ready: int
    minimum: int
    total: int  # every device of this model registered to the depot, whatever its state
    mitigation: Mapping[str, Any] | None  # the latest recorded mitigation, if any

    @property
    def shortage(self) -> int:
        return max(0, self.minimum - self.ready)


def buffer_stock(store: Store) -> list[StockLevel]:
    """Per depot and model: ready loaners (in stock, every check passed) against the
    minimum from the depot record (`minimum`: {model: count}); shortages first."""
    depots = store.references("depot")
    counts: dict[tuple[str, str], list[int]] = {}
    for device in store.devices():
        if device.depot is None or device.model is None:
            continue
        if device.state in (DeviceState.RETIRED, DeviceState.RETURNED_TO_LESSOR):
            continue
        entry = counts.setdefault((device.depot, device.model), [0, 0])
        entry[1] += 1
        if device.state == DeviceState.IN_STOCK:
            entry[0] += 1
    for depot_id, fields in depots.items():
        minimums = fields.get("minimum")
        if isinstance(minimums, Mapping):
            for model in minimums:
                counts.setdefault((depot_id, str(model)), [0, 0])
    mitigations = _latest_mitigations(store, list(depots))
    levels: list[StockLevel] = []
    for (depot_id, model), (ready, total) in counts.items():
        fields = depots.get(depot_id, {})
        minimums = fields.get("minimum")
        minimum = minimums.get(model, 0) if isinstance(minimums, Mapping) else 0
        levels.append(
            StockLevel(
                depot=depot_id,
                depot_name=str(fields.get("name") or depot_id),
                model=model,
                ready=ready,
                minimum=int(minimum) if isinstance(minimum, int) else 0,
                total=total,
                mitigation=mitigations.get((depot_id, model)),
            )
        )
    return sorted(levels, key=lambda s: (-s.shortage, s.depot, s.model))


def _latest_mitigations(
    store: Store, depots: list[str]
) -> dict[tuple[str, str], Mapping[str, Any]]:
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    streams = [f"stock:{d}" for d in depots]
    for stream, events in store.events_for_streams(streams).items():
        for event in events:
            model = event.data.get("model")
            if isinstance(model, str):
                found[(stream.partition(":")[2], model)] = {
                    **event.data,
                    "at": event.at.isoformat(),
                    "actor": event.actor,
                }
    return found


def record_mitigation(
    store: Store,
    depot: str,
    model: str,
    kind: str,
    note: str,
    actor: str,
    now: datetime,
) -> Event:
    """Records what is done about a shortage (`stock_mitigation` on `stock:<depot>`):
    extra stock, another depot covering, or priority for the most urgent swaps."""
    if store.reference(f"depot:{depot}") is None:
        raise DeskInputError("depot", Msg.CHOOSE_DEPOT)
    if not model.strip():
        raise DeskInputError("model", Msg.CHOOSE_MODEL)
    if kind not in MITIGATION_KINDS:
        raise DeskInputError("kind", Msg.CHOOSE_MITIGATION)
    if len(note.strip()) < 5:
        raise DeskInputError("note", Msg.DESCRIBE_MITIGATION)
    level = next((s for s in buffer_stock(store) if s.depot == depot and s.model == model), None)
    data: dict[str, Any] = {"model": model.strip(), "kind": kind, "note": note.strip()}
    if level is not None:
        data.update(ready=level.ready, minimum=level.minimum)
    event = new_event(f"stock:{depot}", "stock_mitigation", now, actor, data)
    store.record_events([event], bulk=True)
    return event
