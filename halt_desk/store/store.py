"""The local cache as one object, `Store`: opening and closing it, and each call handed to
the module that does that job. `Store.record_event()` is the one way to change state here."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine

from halt_desk.domain.events import Event
from halt_desk.domain.profiles import Profile
from halt_desk.store import (
    conflicts,
    history_marks,
    housekeeping,
    ingest,
    number_blocks,
    outbox,
    queries,
    recording,
    sync_state,
)
from halt_desk.store.cache import Cache, RecordingClock
from halt_desk.store.cache_file import CACHE_FILE_NAME, default_path
from halt_desk.store.conflicts import ConflictView
from halt_desk.store.engine import create_store_engine, report_disk_errors
from halt_desk.store.history_marks import Mark, RestoreNotice
from halt_desk.store.list_rows import TicketListEntry
from halt_desk.store.number_blocks import NumbersLeft
from halt_desk.store.outbox import RejectedEvent
from halt_desk.store.projections import Clock
from halt_desk.store.queries import DeviceView, TicketView
from halt_desk.store.schema import upgrade_schema
from halt_desk.store.sync_state import ClockOffset

log = logging.getLogger(__name__)

__all__ = ["CACHE_FILE_NAME", "Store", "default_path"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    """The local SQLite cache of one user. Safe to share between threads; each call uses
    its own session. Open with `Store.open()`, close with `close()` or a `with` block.

    Each method hands over to the module that does the job: `recording` (this user's
    events), `ingest` (pulled pages), `outbox`, `conflicts`, `sync_state` (pull cursor,
    clock offset), `queries` (reads), `housekeeping` (folding again, purging); `eventlog`
    holds what they share. An event, its outbox row and the projections it changes are
    written in one SQLite transaction (BEGIN IMMEDIATE), so the timeline, the outbox and
    the clocks never disagree. Reads use deferred transactions and never wait for a
    writer (WAL)."""

    def __init__(
        self,
        path: Path,
        engine: Engine,
        clock: Clock,
        backup: Path | None,
        recording_clock: RecordingClock | None = None,
    ) -> None:
        self._path = path
        self._engine = engine
        self._backup = backup
        self._cache = Cache(engine, clock, recording_clock)

    @classmethod
    def open(
        cls,
        path: Path | None = None,
        *,
        clock: Clock | None = None,
        recording_clock: RecordingClock | None = None,
    ) -> Store:
        """Opens (creating or migrating) the cache at `path`, default `default_path()`.

        `clock` gives the moment ticket clocks are evaluated at (default: the system time).
        `recording_clock` stamps events made with `record()` (device time + offset to
        central; default: the system time, no offset).
        Raises SchemaTooNew, without touching the file, if a newer HALT Desk wrote it.
        """
        target = Path(path) if path is not None else default_path()
        engine = create_store_engine(target)  # makes the file 0600 (and a new folder 0700)
        report_disk_errors(engine, target)
        try:
            backup = upgrade_schema(target, engine)
        except BaseException:
            engine.dispose()
            raise
        log.debug("opened the local cache %s", target.name)
        store = cls(target, engine, clock or _utc_now, backup, recording_clock)
        try:
            housekeeping.fold_unknown_overdue(store._cache)
            housekeeping.fold_pending(store._cache)
        except BaseException:
            engine.dispose()
            raise
        return store

    @property
    def path(self) -> Path:
        return self._path

    @property
    def backup_path(self) -> Path | None:
        """The copy made before this open migrated the file, if it did."""
        return self._backup

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ recording.py

    def record_event(self, event: Event) -> bool:
        return recording.record_event(self._cache, event)

    def record_events(self, events: Iterable[Event], *, bulk: bool = False) -> int:
        return recording.record_events(self._cache, events, bulk=bulk)

    def record_ticket(self, events: Sequence[Event]) -> str:
        return recording.record_ticket(self._cache, events)

    def record(
        self,
        stream: str,
        event_type: str,
        actor: str,
        data: Mapping[str, Any] | None = None,
        *,
        clock: RecordingClock | None = None,
    ) -> Event:
        return recording.record(self._cache, stream, event_type, actor, data, clock=clock)

    def stamped_event(
        self,
        stream: str,
        event_type: str,
        actor: str,
        data: Mapping[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> Event:
        return recording.stamped_event(self._cache, stream, event_type, actor, data, at=at)

    # ------------------------------------------------------------------ ingest.py

    def ingest_remote(
        self,
        events_with_seq: Iterable[tuple[int, Event]],
        *,
        parsed: bool = False,
        mark: tuple[int, str] | None = None,
    ) -> int:
        return ingest.ingest_remote(self._cache, events_with_seq, parsed=parsed, mark=mark)

    # ------------------------------------------------------------------ outbox.py

    def pending_outbox(self, limit: int = 100) -> list[Event]:
        return outbox.pending_outbox(self._cache, limit)

    def mark_sent(self, ids: Iterable[str] | Mapping[str, int | None]) -> int:
        """Removes the outbox rows of events central confirmed; returns how many. Given a
        mapping of id → central `seq`, the events also get their seq."""
        return outbox.apply_push_results(self._cache, ids, {})

    def apply_push_results(
        self, confirmed: Iterable[str] | Mapping[str, int | None], rejected: Mapping[str, str]
    ) -> int:
        return outbox.apply_push_results(self._cache, confirmed, rejected)

    def record_send_failure(self, ids: Iterable[str], error: str) -> None:
        outbox.record_send_failure(self._cache, ids, error)

    def outbox_size(self) -> int:
        return outbox.outbox_size(self._cache)

    def rejected_events(self) -> list[RejectedEvent]:
        return outbox.rejected_events(self._cache)

    def dismiss_rejected(self, event_id: str, actor: str, note: str = "") -> Event | None:
        return outbox.dismiss_rejected(self._cache, event_id, actor, note)

    def send_again(self, ids: Iterable[str]) -> int:
        return outbox.send_again(self._cache, ids)

    # ------------------------------------------------------------------ sync_state.py

    def last_pulled_seq(self) -> int:
        return sync_state.last_pulled_seq(self._cache)

    def clock_offset(self) -> ClockOffset | None:
        return sync_state.clock_offset(self._cache)

    def save_clock_offset(self, offset: timedelta, measured_at: datetime) -> None:
        sync_state.save_clock_offset(self._cache, offset, measured_at)

    # ------------------------------------------------------------------ history_marks.py

    def history_marks(self) -> list[Mark]:
        return history_marks.marks(self._cache)

    def newest_mark(self) -> Mark | None:
        return history_marks.newest_mark(self._cache)

    def highest_seq(self) -> int:
        return history_marks.highest_seq(self._cache)

    def central_identity(self) -> str | None:
        return history_marks.central_identity(self._cache)

    def adopt_central(self, central: str, mark: Mark | None = None) -> None:
        history_marks.adopt(self._cache, central, mark)

    def forget_after(self, seq: int, central: str, other_central: bool) -> RestoreNotice:
        return history_marks.forget_after(self._cache, seq, central, other_central)

    def restore_notice(self) -> RestoreNotice | None:
        return history_marks.restore_notice(self._cache)

    def clear_restore_notice(self) -> None:
        history_marks.clear_restore_notice(self._cache)

    # ------------------------------------------------------------------ number_blocks.py

    def held_numbers(self) -> list[tuple[str, int, int]]:
        return number_blocks.held(self._cache)

    def add_number_block(self, org: str, year: int, first: int, last: int) -> None:
        number_blocks.add_block(self._cache, org, year, first, last)

    def numbers_left(self) -> list[NumbersLeft]:
        return number_blocks.numbers_left(self._cache)

    # ------------------------------------------------------------------ conflicts.py

    def conflicts(self, open_only: bool = False) -> list[ConflictView]:
        return conflicts.conflicts(self._cache, open_only)

    def resolve_conflict(
        self,
        conflict_id: str,
        chosen_event_id: str,
        actor: str,
        *,
        clock: RecordingClock | None = None,
    ) -> list[Event]:
        return conflicts.resolve_conflict(
            self._cache, conflict_id, chosen_event_id, actor, clock=clock
        )

    # ------------------------------------------------------------------ housekeeping.py

    def refresh_tickets(self) -> int:
        return housekeeping.refresh_tickets(self._cache)

    def purge_personal(self, event_ids: Iterable[str]) -> int:
        return housekeeping.purge_personal(self._cache, event_ids)

    # ------------------------------------------------------------------ queries.py

    def events_for(self, stream: str) -> list[Event]:
        return queries.events_for(self._cache, stream)

    def events_for_streams(self, streams: Sequence[str]) -> dict[str, list[Event]]:
        return queries.events_for_streams(self._cache, streams)

    def streams_of_kind(self, kind: str, types: Iterable[str] | None = None) -> list[str]:
        return queries.streams_of_kind(self._cache, kind, types)

    def latest_notifying(self, not_by: str | None, limit: int) -> list[tuple[int, Event]]:
        return queries.latest_notifying(self._cache, not_by, limit)

    def has_event_before(self, event_type: str, moment: datetime) -> bool:
        return queries.has_event_before(self._cache, event_type, moment)

    def change_marker(self) -> int:
        return queries.change_marker(self._cache)

    def tickets_changed_since(self, marker: int) -> set[str] | None:
        return queries.tickets_changed_since(self._cache, marker)

    def ticket(self, ticket_id: str) -> TicketView | None:
        return queries.ticket(self._cache, ticket_id)

    def tickets_by_id(self, ids: Iterable[str]) -> list[TicketView]:
        return queries.tickets_by_id(self._cache, ids)

    def open_ticket_ids(self, due_before: datetime) -> set[str]:
        return queries.open_ticket_ids(self._cache, due_before)

    def tickets(
        self, open_only: bool = False, due_before: datetime | None = None
    ) -> list[TicketView]:
        return queries.tickets(self._cache, open_only, due_before)

    def streams_written_since(self, marker: int) -> set[tuple[str, str]]:
        return queries.streams_written_since(self._cache, marker)

    def ticket_list(self, ids: Iterable[str] | None = None) -> list[TicketListEntry]:
        return queries.ticket_list(self._cache, ids)

    def device(self, asset_tag: str) -> DeviceView | None:
        return queries.device(self._cache, asset_tag)

    def devices(self, depot: str | None = None) -> list[DeviceView]:
        return queries.devices(self._cache, depot)

    def device_by_serial(self, serial: str) -> DeviceView | None:
        return queries.device_by_serial(self._cache, serial)

    def organisation_profile(self, org_id: str) -> str:
        return queries.organisation_profile(self._cache, org_id)

    def profile(self, name: str) -> Profile:
        return queries.profile(self._cache, name)

    def organisation_contract(self, org_id: str) -> Profile:
        """The contract profile an organisation's tickets are evaluated with."""
        return self.profile(self.organisation_profile(org_id))

    def caller_contract(self, employee_id: str) -> tuple[dict[str, Any], Profile] | None:
        return queries.caller_contract(self._cache, employee_id)

    def employees(self) -> list[dict[str, Any]]:
        return queries.employees(self._cache)

    def references(self, kind: str) -> dict[str, dict[str, Any]]:
        return queries.references(self._cache, kind)

    def reference(self, stream: str) -> dict[str, Any] | None:
        return queries.reference(self._cache, stream)
