"""The scan station without a screen: a classified code acts on a swap according to the
step (ship, receive, issue), reading only the local store, so it works offline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from halt_desk.couriers.registry import carriers
from halt_desk.domain.devices import HELD_STATES, DeviceState
from halt_desk.domain.errors import DeskInputError, HaltDeskError
from halt_desk.domain.events import Event
from halt_desk.domain.swaps import SwapMode
from halt_desk.logistics.codes import CodeKind, ScanCode, classify
from halt_desk.logistics.refusals import STATE_NL, DeviceRefused
from halt_desk.logistics.register import device_record
from halt_desk.logistics.swap_board import SwapBoard, load_board, swap_of
from halt_desk.logistics.swap_steps import issue_onsite, receive_device, ship_loaner
from halt_desk.store import Store


class ScanStep(StrEnum):
    SHIP = "ship"  # scan the reserved loaner, then the courier label
    RECEIVE = "receive"  # scan a device (or its return label) arriving at the depot
    ISSUE = "issue"  # an engineer scans the loaner handed over onsite


class Verdict(StrEnum):
    GOOD = "good"  # done: recorded
    NEXT = "next"  # recognised; the step needs one more scan
    UNKNOWN = "unknown"  # not a code this desk knows
    WRONG_STATE = "wrong_state"  # a known device that may not make this move now


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """What the scan station shows after a scan, in Dutch and English."""

    verdict: Verdict
    message_nl: str
    message_en: str
    code: ScanCode
    device: str | None = None
    swap: str | None = None
    events: tuple[Event, ...] = ()

    @property
    def ok(self) -> bool:
        return self.verdict in (Verdict.GOOD, Verdict.NEXT)


class ScanSession:
    """One scan station: its step, its depot and (while shipping) the loaner waiting for
    its courier label. `handle` never raises for a bad scan: it says what was wrong."""

    def __init__(
        self,
        store: Store,
        actor: str,
        depot: str,
        clock: Callable[[], datetime],
        step: ScanStep = ScanStep.SHIP,
    ) -> None:
        self.store, self.actor, self.depot, self.clock = store, actor, depot, clock
        self.step = step
        self.pending: tuple[str, str] | None = None  # (asset tag, swap) waiting for a label
        self.selected_swap: str | None = None  # ISSUE from the engineer's own stock
        self._board: SwapBoard | None = None

    def set_step(self, step: ScanStep) -> None:
        self.step = step
        self.pending = None

    def refresh(self) -> None:
        """Forgets the index of tracking codes (after a sync brought new shipments)."""
        self._board = None

    def board(self) -> SwapBoard:
        if self._board is None:
            self._board = load_board(self.store, self.clock())
        return self._board

    def handle(self, raw: str) -> ScanOutcome:
        code = classify(raw)
        if code.kind is CodeKind.UNKNOWN or not code.value:
            return _outcome(
                Verdict.UNKNOWN,
                f"Onbekende code: {code.value or '(leeg)'}",
                f"Unknown code: {code.value or '(empty)'}",
                code,
            )
        try:
            if self.step is ScanStep.SHIP:
                return self._ship(code)
            if self.step is ScanStep.RECEIVE:
                return self._receive(code)
            return self._issue(code)
        except DeviceRefused as exc:
            return _outcome(
                Verdict.WRONG_STATE,
                exc.message_nl,
                str(exc),
                code,
                exc.error.asset_tag,
                exc.error.event_swap,
            )
        except DeskInputError as exc:
            return _outcome(Verdict.WRONG_STATE, exc.message_nl, str(exc), code)
        except HaltDeskError as exc:  # e.g. a store error: shown, never swallowed silently
            return _outcome(Verdict.WRONG_STATE, f"Niet gelukt: {exc}", str(exc), code)

    # ------------------------------------------------------------------ the steps

    def _device(self, code: ScanCode) -> tuple[str, str, str | None] | ScanOutcome:
        """(asset tag, state, swap) of a scanned asset tag or serial, or the outcome that
        says it is not in the register."""
        if code.kind is CodeKind.ASSET_TAG:
            view = self.store.device(code.value)
        else:
            view = self.store.device_by_serial(code.value)
        if view is None:
            what = "Assettag" if code.kind is CodeKind.ASSET_TAG else "Code"
            return _outcome(
                Verdict.UNKNOWN,
                f"{what} {code.value} staat niet in het register.",
                f"{code.value} is not in the device register",
                code,
            )
        swap = None
        if view.state in HELD_STATES:
            swap = device_record(self.store, view.asset_tag).fold.swap
        return view.asset_tag, view.state, swap

    def _ship(self, code: ScanCode) -> ScanOutcome:
        if code.kind is CodeKind.TRACKING and self.pending is not None:
            tag, held_by = self.pending
            assert code.carrier is not None
            events = ship_loaner(
                self.store, held_by, code.carrier, code.value, self.actor, self.clock(),
                device=tag,
            )  # fmt: skip
            self.pending = None
            self.refresh()
            carrier = carriers()[code.carrier].name
            return _outcome(
                Verdict.GOOD,
                f"{tag} verzonden met {carrier} ({code.value}) voor swap {held_by}.",
                f"{tag} shipped with {carrier} ({code.value}) for swap {held_by}.",
                code, tag, held_by, tuple(events),
            )  # fmt: skip
        if code.kind is CodeKind.TRACKING:
            return _outcome(
                Verdict.WRONG_STATE,
                "Scan eerst de assettag van de loaner, daarna het verzendlabel.",
                "Scan the loaner's asset tag first, then the shipping label.",
                code,
            )
        found = self._device(code)
        if isinstance(found, ScanOutcome):
            return found
        tag, state, swap_id = found
        if state != DeviceState.RESERVED or swap_id is None:
            return _outcome(
                Verdict.WRONG_STATE,
                f"{tag} is {STATE_NL.get(state, state)}; alleen een gereserveerde loaner "
                "kan worden verzonden.",
                f"{tag} is {state}; only a reserved loaner can be shipped.",
                code, tag,
            )  # fmt: skip
        swap = swap_of(self.store, swap_id, self.clock(), tag)
        if swap.record is not None and swap.record.mode is SwapMode.ONSITE:
            return _outcome(
                Verdict.WRONG_STATE,
                f"{tag} is gereserveerd voor swap {swap_id} met uitgifte op locatie, "
                "niet voor de koerier.",
                f"{tag} is reserved for onsite swap {swap_id}, not for a courier.",
                code, tag, swap_id,
            )  # fmt: skip
        self.pending = (tag, swap_id)
        return _outcome(
            Verdict.NEXT,
            f"{tag} voor swap {swap_id}: scan nu het verzendlabel.",
            f"{tag} for swap {swap_id}: now scan the shipping label.",
            code, tag, swap_id,
        )  # fmt: skip

    def _receive(self, code: ScanCode) -> ScanOutcome:
        if code.kind is CodeKind.TRACKING:
            hit = self.board().by_tracking.get(code.value.upper())
            swap = self.board().swaps.get(hit[0]) if hit else None
            if swap is None or swap.device is None:
                return _outcome(
                    Verdict.UNKNOWN,
                    f"Geen zending met code {code.value} in deze cache.",
                    f"No shipment with code {code.value} in this cache.",
                    code,
                )
            code = ScanCode(code.raw, CodeKind.ASSET_TAG, swap.device)
        found = self._device(code)
        if isinstance(found, ScanOutcome):
            return found
        tag, _, swap_id = found
        events = receive_device(self.store, tag, self.depot, self.actor, self.clock())
        self.refresh()
        closed = f"; swap {swap_id} gesloten" if swap_id else ""
        return _outcome(
            Verdict.GOOD,
            f"{tag} ontvangen in {self.depot}{closed}. Volgende stap: wissen.",
            f"{tag} received at {self.depot}" + (f"; swap {swap_id} closed" if swap_id else ""),
            code, tag, swap_id, tuple(events),
        )  # fmt: skip

    def _issue(self, code: ScanCode) -> ScanOutcome:
        if code.kind is CodeKind.TRACKING:
            return _outcome(
                Verdict.WRONG_STATE,
                "Bij uitgifte op locatie scant u de assettag, geen verzendlabel.",
                "For an onsite issue scan the asset tag, not a shipping label.",
                code,
            )
        found = self._device(code)
        if isinstance(found, ScanOutcome):
            return found
        tag, state, swap_id = found
        if state == DeviceState.IN_STOCK and self.selected_swap:
            swap_id = self.selected_swap
        if swap_id is None:
            return _outcome(
                Verdict.WRONG_STATE,
                f"{tag} is {STATE_NL.get(state, state)} en hoort bij geen swap; kies eerst "
                "de swap.",
                f"{tag} is {state} and held by no swap; choose the swap first.",
                code, tag,
            )  # fmt: skip
        events = issue_onsite(self.store, swap_id, self.actor, self.clock(), tag)
        self.refresh()
        return _outcome(
            Verdict.GOOD,
            f"{tag} uitgegeven voor swap {swap_id}; swap-klok gestopt.",
            f"{tag} issued for swap {swap_id}; swap clock stopped.",
            code, tag, swap_id, tuple(events),
        )  # fmt: skip


def _outcome(
    verdict: Verdict,
    message_nl: str,
    message_en: str,
    code: ScanCode,
    device: str | None = None,
    swap: str | None = None,
    events: tuple[Event, ...] = (),
) -> ScanOutcome:
    return ScanOutcome(verdict, message_nl, message_en, code, device, swap, events)
