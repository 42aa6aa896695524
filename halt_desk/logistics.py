"""The logistics screens without a screen: the swap queue by deadline, and buffer stock.

`find_devices` answers the device register's search box (typed text or a scanned label).
`queue_rows` lists every open swap and swap request with the deadline that falls first
(the swap clock, or the emergency-workplace clock while it runs), most urgent on top, the
way the GUI shows it with countdowns. `buffer_stock` counts ready loaners per depot and
model against the depot's minimum; `record_mitigation` records what is done about a
shortage (seed 003 §10.1.5 item 4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from halt_desk.desk import DeskInputError
from halt_desk.domain.devices import DeviceState
from halt_desk.domain.events import Event, new_event
from halt_desk.domain.swaps import MITIGATION_KINDS, Shipment
from halt_desk.scan import CodeKind, classify
from halt_desk.store import DeviceView, Store
from halt_desk.swaps import Swap, SwapBoard, SwapStep, load_board

#: Dutch names of the queue steps.
STEP_NL: dict[str, str] = {
    SwapStep.PLAN: "plannen",
    SwapStep.RESERVE: "loaner reserveren",
    SwapStep.SHIP: "verzenden",
    SwapStep.ISSUE: "uitgeven op locatie",
    SwapStep.IN_TRANSIT: "onderweg",
    SwapStep.WITH_USER: "bij medewerker (retour volgt)",
    SwapStep.RETURNING: "retour onderweg",
    SwapStep.CLOSED: "gesloten",
}
_NO_DEADLINE = float("inf")


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

    def sort_key(self) -> tuple[float, int, str]:
        due = self.due.timestamp() if self.due else _NO_DEADLINE
        return due, _STEP_ORDER.get(self.step, 9), self.swap


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
    )


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


# ------------------------------------------------------------------ buffer stock


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
        raise DeskInputError("depot", "Kies een bestaand depot.", f"unknown depot {depot!r}")
    if not model.strip():
        raise DeskInputError("model", "Kies het model.", "model is empty")
    if kind not in MITIGATION_KINDS:
        raise DeskInputError(
            "kind",
            "Kies extra voorraad, ander depot of prioritering.",
            f"unknown mitigation {kind!r}",
        )
    if len(note.strip()) < 5:
        raise DeskInputError(
            "note", "Beschrijf de maatregel in een paar woorden.", "a mitigation needs a note"
        )
    level = next((s for s in buffer_stock(store) if s.depot == depot and s.model == model), None)
    data: dict[str, Any] = {"model": model.strip(), "kind": kind, "note": note.strip()}
    if level is not None:
        data.update(ready=level.ready, minimum=level.minimum)
    event = new_event(f"stock:{depot}", "stock_mitigation", now, actor, data)
    store.record_events([event], bulk=True)
    return event


def find_devices(
    devices: Iterable[DeviceView],
    text: str = "",
    depot: str | None = None,
    state: str | None = None,
) -> list[DeviceView]:
    """The register rows a logistics person is looking for, by asset tag.

    A scanned or typed whole asset tag finds exactly that device, whatever the scanner
    adds around it; other text finds every device whose asset tag, serial number or model
    contains it (case and spaces ignored). `depot` and `state` narrow further."""
    code = classify(text) if text.strip() else None
    needle = code.value if code is not None else ""

    def wanted(device: DeviceView) -> bool:
        if depot is not None and device.depot != depot:
            return False
        if state is not None and device.state != state:
            return False
        if code is None:
            return True
        if code.kind is CodeKind.ASSET_TAG:
            return device.asset_tag == needle
        fields = (device.asset_tag, device.serial or "", (device.model or "").replace(" ", ""))
        return any(needle in field.upper() for field in fields)

    return sorted((d for d in devices if wanted(d)), key=lambda d: d.asset_tag)
