"""The change broadcast: one `ChangeHub` per open cache runs every action off the UI thread
and then tells every window what changed (`changed(Changes)`), and does the same after each
sync round and each housekeeping run of the sync process. Windows subscribe with
`follow_changes` and refresh only what a change concerns; none wires its own reloads.

Anki's `CollectionOp` + `OpChanges`, in our terms: `hub.run(fn, on_done, on_error)` is the one
way an action leaves the UI thread; what it changed is read from the cache's change marker
(`halt_desk.changes.changes_since`), so a window never needs to know who wrote.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from halt_desk.changes import Changes, changes_since
from ui.workers import run_in_background

if TYPE_CHECKING:
    from halt_desk.store import Store
    from halt_desk.sync import SyncSummary
    from ui.sync_controller import SyncController

log = logging.getLogger(__name__)

#: Pause after a page of pulled events before it is broadcast (pages come in bursts).
PAGE_BROADCAST_MS = 2_000


class ChangeHub(QObject):
    """What changed in one cache, for every window on it. `ChangeHub.of(store)` is the hub
    of that cache (one per open store, made on first use)."""

    changed = Signal(object)  # Changes

    _hubs: ClassVar[weakref.WeakKeyDictionary[Store, ChangeHub]] = weakref.WeakKeyDictionary()

    @classmethod
    def of(cls, store: Store) -> ChangeHub:
        hub = cls._hubs.get(store)
        if hub is None:
            hub = cls._hubs[store] = cls(store)
        return hub

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = weakref.ref(store)  # the registry must not keep a closed cache alive
        # One indexed read (max of a unique column): where the cache stands at first use.
        self._marker = store.change_marker()
        self._deriving = False
        self._pending: Changes | None = None  # asked for while a derivation ran
        self._syncs: list[SyncController] = []
        self._page = QTimer(self)
        self._page.setSingleShot(True)
        self._page.setInterval(PAGE_BROADCAST_MS)
        self._page.timeout.connect(self.notice)

    # ------------------------------------------------------------------ actions
    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        extra: Changes | None = None,
        recorded: Callable[[Any], bool] | None = None,
    ) -> None:
        """Runs the action `fn()` on a worker thread; then, in the UI thread, `on_done(result)`
        (or `on_error(exc)`), the broadcast of what it changed (a failed action may have
        recorded part of its events) with `extra` (what the change marker cannot see, such
        as rows changed without a new event), and a sync round to send it. `recorded(result)`
        tells an action that may record nothing (a scan that only reads) when it did not."""

        def done(result: Any) -> None:
            try:
                on_done(result)
            finally:
                if recorded is None or recorded(result):
                    self._recorded(extra)

        def failed(exc: BaseException) -> None:
            try:
                if on_error is None:
                    log.error("an action failed", exc_info=exc)
                else:
                    on_error(exc)
            finally:
                self._recorded(extra)

        run_in_background(fn, done, failed)

    def _recorded(self, extra: Changes | None) -> None:
        self.notice(extra)
        for sync in self._syncs:
            sync.sync_now()

    # ------------------------------------------------------------------ sync
    def follow(self, sync: SyncController) -> None:
        """Broadcasts what each round of `sync` pulled, and what its housekeeping rewrote."""
        if sync in self._syncs:
            return
        self._syncs.append(sync)
        sync.data_changed.connect(self._page_pulled)
        sync.summary_ready.connect(self._round_done)
        sync.housekeeping_done.connect(self._housekept)

    def _page_pulled(self) -> None:
        if not self._page.isActive():
            self._page.start()

    def _round_done(self, summary: SyncSummary) -> None:
        self._page.stop()
        # A refusal or a conflict changes rows without a new event: every screen reads again.
        extra = Changes(
            sent=bool(summary.pushed or summary.duplicates or summary.rejected),
            everything=bool(summary.rejected or summary.conflicts),
        )
        if summary.pulled or extra:
            self.notice(extra)

    def _housekept(self, streams: list[str]) -> None:
        if streams:
            # Rewritten in place: no new event, so the change marker does not see it.
            self.notice(Changes.of_streams(streams, rewritten=True))

    # ------------------------------------------------------------------ the broadcast
    def notice(self, extra: Changes | None = None) -> None:
        """Reads what was written since the last look (off the UI thread) and broadcasts it
        with `extra` (what the marker cannot see). One read at a time; asked again
        meanwhile, it reads once more after."""
        wanted = extra or Changes()
        if self._deriving:
            self._pending = wanted if self._pending is None else self._pending | wanted
            return
        store = self._store()
        if store is None:
            return
        self._deriving = True
        marker = self._marker
        run_in_background(
            lambda: changes_since(store, marker),
            lambda found: self._derived(found, wanted),
            self._derive_failed,
        )

    def _derived(self, found: tuple[Changes, int], extra: Changes) -> None:
        changes, self._marker = found[0] | extra, max(self._marker, found[1])
        self._derive_done()
        self.broadcast(changes)

    def _derive_failed(self, exc: BaseException) -> None:
        log.warning("what changed could not be read: %s", exc)
        self._derive_done()

    def _derive_done(self) -> None:
        self._deriving = False
        again, self._pending = self._pending, None
        if again is not None:
            self.notice(again)

    def broadcast(self, changes: Changes) -> None:
        """Tells every window `changes` (nothing when they are empty)."""
        if changes:
            self.changed.emit(changes)


class _Follower(QObject):
    """Hands a hub's broadcasts to a window while it is shown. While it is hidden (another
    tab, a closed window kept for later) it only notes that something changed, and reads
    everything again when it shows (a closed dialog may never show again: it must not
    collect every change of the day). A window never shown yet gets them at once."""

    def __init__(self, widget: QWidget, on_changes: Callable[[Changes], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._on_changes = on_changes
        self._stale = False
        widget.installEventFilter(self)

    def changed(self, changes: Changes) -> None:
        top = self._widget.window()
        shown_before = top.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
        if self._widget.isVisible() or not shown_before:
            self._on_changes(changes)
        else:
            self._stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self._stale:
            self._stale = False
            # After the show: the widget is visible when it reads again.
            QTimer.singleShot(0, self, lambda: self._on_changes(Changes.all()))
        return False


def follow_changes(widget: QWidget, hub: ChangeHub, on_changes: Callable[[Changes], None]) -> None:
    """Calls `on_changes(changes)` for every broadcast of `hub` while `widget` lives; hidden,
    it gets `Changes.all()` once when it shows again if anything changed meanwhile.
    Disconnected with the widget."""
    follower = _Follower(widget, on_changes)
    hub.changed.connect(follower.changed)
