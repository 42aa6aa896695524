"""Errors of the local store; each names the file, event or stream at fault."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from halt_desk.domain.errors import HaltDeskError
from halt_desk.i18n import N_, Words


class StoreError(HaltDeskError):
    """Base of the errors the local store reports."""


class SchemaTooNew(StoreError):
    """The cache file was written by a newer HALT Desk; it is refused and left untouched."""

    def __init__(self, path: Path, revision: str) -> None:
        self.path = path
        self.revision = revision
        super().__init__(
            f"local cache {str(path)!r} has schema revision {revision!r}, which this version of "
            "HALT Desk does not know (it was written by a newer version); the file was not "
            "changed — update HALT Desk or move the file away"
        )


class StoreUnreadable(StoreError):
    """The cache file exists but is not a SQLite database HALT Desk can read."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"local cache {str(path)!r} cannot be read: {problem}")


class EventConflict(StoreError):
    """An event id that is already stored with other content (a reused id is never merged)."""

    def __init__(self, event_id: str, difference: str) -> None:
        self.event_id = event_id
        self.difference = difference
        super().__init__(f"event {event_id}: already stored with different content ({difference})")


class UnknownStream(StoreError):
    """An event that refers to a stream (ticket, device, organisation …) the store lacks."""

    def __init__(self, stream: str, problem: str) -> None:
        self.stream = stream
        self.problem = problem
        super().__init__(f"stream {stream!r}: {problem}")


class UnknownConflict(StoreError):
    """A conflict id that is not here, or that cannot be resolved as asked."""

    def __init__(self, conflict_id: str, problem: str) -> None:
        self.conflict_id = conflict_id
        self.problem = problem
        super().__init__(f"conflict {conflict_id}: {problem}")


class StoreDiskError(StoreError):
    """The disk refused a write to the cache: full, failing, or read-only.

    SQLite rolled the whole transaction back, so nothing of the action is stored, and
    everything committed before is intact. The person is told in their language (`message()`),
    keeps what they typed, and can try again once the disk has room."""

    _PROBLEMS: ClassVar[dict[str, str]] = {
        "full": "the disk holding it is full",
        "io": "the disk reported an error while writing",
        "read_only": "the file or its folder is read-only",
    }
    _PROBLEMS_WORDS: ClassVar[dict[str, str]] = {
        "full": N_("The disk is full"),
        "io": N_("The disk reported an error while writing"),
        "read_only": N_("The file or its folder is read-only"),
    }
    _ADVICE = N_(
        "{problem}: this change was not saved. Work saved earlier is safe. Free some space "
        "(or solve the problem) and try again."
    )

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(
            f"local cache {str(path)!r} could not be written: {self._PROBLEMS[problem]}; "
            "this change was not saved and nothing else changed"
        )
        self.words = Words.of(self._ADVICE, problem=Words(self._PROBLEMS_WORDS[problem]))


class HistoryConflict(StoreError):
    """Central gave a `seq` that an other event here holds: central's history is no longer
    the one this cache pulled (restored from a backup). Nothing was written; the sync
    engine finds the point where they part and recovers (history_marks.py)."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"central's history differs from this cache's: {problem}")
