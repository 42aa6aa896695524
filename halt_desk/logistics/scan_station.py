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
from halt_desk.domain.swaps import Leg, SwapMode
from halt_desk.i18n import N_, Words
from halt_desk.logistics.codes import MAX_CODE_LENGTH, CodeKind, ScanCode, classify
from halt_desk.logistics.refusals import DeviceRefused
from halt_desk.logistics.register import device_record
from halt_desk.logistics.swap_board import SwapBoard, load_board, swap_of
from halt_desk.logistics.swap_steps import issue_onsite, receive_device, ship_loaner
from halt_desk.logistics.words import state_words
from halt_desk.store import Store

#: States in which a swap may hold the scanned device: a loaner on its way, or an
#: employee's own device anywhere until its end state.
_MAY_BE_HELD = HELD_STATES | {DeviceState.RECEIVED, DeviceState.SANITISED}


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
    """What the scan station shows after a scan (`message()` in the reader's language)."""

    verdict: Verdict
    words: Words
    code: ScanCode
    device: str | None = None
    swap: str | None = None
    events: tuple[Event, ...] = ()

    def message(self, lang: str | None = None) -> str:
        return self.words.text(lang)

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
        if len(raw.strip()) > MAX_CODE_LENGTH:  # pasted text, not a code: never echoed whole
            too_long = N_("Too long for a code: {length} characters (at most {limit}).")
            words = Words.of(too_long, length=len(raw.strip()), limit=MAX_CODE_LENGTH)
            return _outcome(
                Verdict.UNKNOWN, words, ScanCode(raw[:MAX_CODE_LENGTH], CodeKind.UNKNOWN, "")
            )
        code = classify(raw)
        if code.problem == "check_digit":
            wrong = N_("The check digit of shipment label (SSCC) {code} is wrong; scan it again.")
            return _outcome(Verdict.UNKNOWN, Words.of(wrong, code=code.value), code)
        if code.kind is CodeKind.UNKNOWN or not code.value:
            shown = code.value or Words(N_("(empty)"))
            return _outcome(Verdict.UNKNOWN, Words.of(N_("Unknown code: {code}"), code=shown), code)
        try:
            if self.step is ScanStep.SHIP:
                return self._ship(code)
            if self.step is ScanStep.RECEIVE:
                return self._receive(code)
            return self._issue(code)
        except DeviceRefused as exc:
            return _outcome(
                Verdict.WRONG_STATE, exc.words, code, exc.error.asset_tag, exc.error.event_swap
            )
        except DeskInputError as exc:
            return _outcome(Verdict.WRONG_STATE, exc.words, code)
        except HaltDeskError as exc:  # e.g. a store error: shown, never swallowed silently
            failed = Words.of(N_("Failed: {error}"), error=exc.words or str(exc))
            return _outcome(Verdict.WRONG_STATE, failed, code)

    # ------------------------------------------------------------------ the steps

    def _device(self, code: ScanCode) -> tuple[str, str, str | None] | ScanOutcome:
        """(asset tag, state, swap) of a scanned asset tag or serial, or the outcome that
        says it is not in the register."""
        if code.kind is CodeKind.ASSET_TAG:
            view = self.store.device(code.value)
        else:
            view = self.store.device_by_serial(code.value)
        if view is None:
            if code.kind is CodeKind.ASSET_TAG:
                unknown = N_("Asset tag {code} is not in the register.")
            else:
                unknown = N_("Code {code} is not in the register.")
            return _outcome(Verdict.UNKNOWN, Words.of(unknown, code=code.value), code)
        swap = None
        if view.state in _MAY_BE_HELD:  # a loaner, or an employee's own device
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
            shipped = Words.of(
                N_("{tag} shipped with {carrier} ({code}) for swap {swap}."),
                tag=tag, carrier=carrier, code=code.value, swap=held_by,
            )  # fmt: skip
            return _outcome(Verdict.GOOD, shipped, code, tag, held_by, tuple(events))
        if code.kind is CodeKind.TRACKING:
            first = N_("Scan the loaner's asset tag first, then the shipping label.")
            return _outcome(Verdict.WRONG_STATE, Words(first), code)
        if code.kind is CodeKind.SSCC:
            sscc = N_(
                "{code} is a shipment label (SSCC) without a carrier: scan the carrier's "
                "track-and-trace barcode."
            )
            return _outcome(Verdict.WRONG_STATE, Words.of(sscc, code=code.value), code)
        found = self._device(code)
        if isinstance(found, ScanOutcome):
            return found
        tag, state, swap_id = found
        if state != DeviceState.RESERVED or swap_id is None:
            only = N_("{tag} is {state}; only a reserved loaner can be shipped.")
            return _outcome(
                Verdict.WRONG_STATE, Words.of(only, tag=tag, state=state_words(state)), code, tag
            )
        swap = swap_of(self.store, swap_id, self.clock(), tag, own=False)
        if swap.record is not None and swap.record.mode is SwapMode.ONSITE:
            onsite = N_("{tag} is reserved for onsite swap {swap}, not for a courier.")
            return _outcome(
                Verdict.WRONG_STATE, Words.of(onsite, tag=tag, swap=swap_id), code, tag, swap_id
            )
        self.pending = (tag, swap_id)
        label = N_("{tag} for swap {swap}: now scan the shipping label.")
        return _outcome(Verdict.NEXT, Words.of(label, tag=tag, swap=swap_id), code, tag, swap_id)

    def _receive(self, code: ScanCode) -> ScanOutcome:
        if code.kind in (CodeKind.TRACKING, CodeKind.SSCC):
            index = self.board().by_tracking
            hit = index.get(code.value.upper()) or index.get("00" + code.value)
            swap = self.board().swaps.get(hit[0]) if hit else None
            device = swap.device if swap is not None and hit is not None else None
            if swap is not None and hit is not None and hit[1] is Leg.OWN_DEVICE:
                device = swap.own_device
            if device is None:
                none = N_("No shipment with code {code} in this cache.")
                return _outcome(Verdict.UNKNOWN, Words.of(none, code=code.value), code)
            code = ScanCode(code.raw, CodeKind.ASSET_TAG, device)
        found = self._device(code)
        if isinstance(found, ScanOutcome):
            return found
        tag, state, swap_id = found
        events = receive_device(self.store, tag, self.depot, self.actor, self.clock())
        self.refresh()
        closed = any(e.type == "swap_closed" for e in events)
        if (
            state in (DeviceState.TAKEN_BACK, DeviceState.RETURN_SHIPPED)
            and swap_id
            and (device_record(self.store, tag).fold.owned)
        ):
            received = N_(
                "{tag}, the employee's own device of swap {swap}, received at {depot}. "
                "Next step: diagnosis."
            )
        elif swap_id and closed:
            received = N_("{tag} received at {depot}; swap {swap} closed. Next step: wiping.")
        elif swap_id:
            received = N_(
                "{tag} received at {depot}; swap {swap} stays open until the employee's own "
                "device is done. Next step: wiping."
            )
        else:
            received = N_("{tag} received at {depot}. Next step: wiping.")
        words = Words.of(received, tag=tag, depot=self.depot, swap=swap_id)
        return _outcome(Verdict.GOOD, words, code, tag, swap_id, tuple(events))

    def _issue(self, code: ScanCode) -> ScanOutcome:
        if code.kind in (CodeKind.TRACKING, CodeKind.SSCC):
            not_label = N_("For an onsite issue scan the asset tag, not a shipping label.")
            return _outcome(Verdict.WRONG_STATE, Words(not_label), code)
        found = self._device(code)
        if isinstance(found, ScanOutcome):
            return found
        tag, state, swap_id = found
        if state == DeviceState.IN_STOCK and self.selected_swap:
            swap_id = self.selected_swap
        if swap_id is None:
            no_swap = N_("{tag} is {state} and held by no swap; choose the swap first.")
            words = Words.of(no_swap, tag=tag, state=state_words(state))
            return _outcome(Verdict.WRONG_STATE, words, code, tag)
        events = issue_onsite(self.store, swap_id, self.actor, self.clock(), tag)
        self.refresh()
        issued = Words.of(
            N_("{tag} issued for swap {swap}; swap clock stopped."), tag=tag, swap=swap_id
        )
        return _outcome(Verdict.GOOD, issued, code, tag, swap_id, tuple(events))


def _outcome(
    verdict: Verdict,
    words: Words,
    code: ScanCode,
    device: str | None = None,
    swap: str | None = None,
    events: tuple[Event, ...] = (),
) -> ScanOutcome:
    return ScanOutcome(verdict, words, code, device, swap, events)
