"""Starts the desktop app: Qt application, language, the main window, then the local cache
and sync.

The window shows first: the store (SQLAlchemy), the contract rules, the keychain and the sync
client load after it, on a worker thread, and the list fills in when the cache is open. Sync
runs in a child process (`ui.sync_controller`).
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QToolBar

from halt_desk.i18n import _, chosen_language, set_language
from halt_desk.paths import resources_dir
from halt_desk.store.cache_file import default_path
from ui.focus_style import install_focus_style
from ui.main_window import MainWindow
from ui.workers import run_in_background, wait_for_background

if TYPE_CHECKING:
    from halt_desk.demo.desk_cache import DemoData
    from halt_desk.demo.desk_session import DemoCentral
    from halt_desk.demo.mailbox import DemoMailbox
    from halt_desk.store import Store
    from halt_desk.sync import ServerClock, SyncError, SyncSettings, TokenStore
    from halt_desk.sync.signin import SyncTarget
    from ui.sync_controller import SyncController

    #: The cache, its clock, the settings, the token store, and where to sync (None: not
    #: signed in; an error: signed in, but the settings are unusable).
    Loaded = tuple[Store, ServerClock, SyncSettings, TokenStore, SyncTarget | SyncError | None]

log = logging.getLogger(__name__)
UI_SWITCH_INTERVAL = 0.001


def local_now() -> datetime:
    return datetime.now(UTC).astimezone()


def install_language(app: QApplication, language: str) -> None:
    """Our texts speak `language` through the catalogue (halt_desk.i18n); Qt's own
    standard dialogs and buttons through Qt's translation of qtbase (English is built in)."""
    set_language(language)
    locale = QLocale.Language.Dutch if language == "nl" else QLocale.Language.English
    QLocale.setDefault(QLocale(locale))
    if language == "en":
        return
    qt_base = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_base.load(f"qtbase_{language}", path):
        app.installTranslator(qt_base)
    else:
        log.info(
            "Qt's own translation qtbase_%s not found; its standard buttons stay English", language
        )


def application(language: str = "nl") -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("HALT Desk")
    app.setOrganizationName("HALT Desk")
    # The UI thread shares Python's interpreter lock with the worker threads (list loads,
    # reminders; sync has a process of its own): a shorter switch interval lets it in
    # sooner (keeps timers and repaints smooth).
    sys.setswitchinterval(UI_SWITCH_INTERVAL)
    icon = resources_dir() / "icons" / "halt-desk.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    install_focus_style(app)  # where the keyboard is shows in every form
    install_language(app, language)
    return app


def open_local_cache(path: Path | None) -> tuple[Store, ServerClock]:
    """Opens (creating or migrating) the cache with a ServerClock that knows the last offset
    measured on this machine. Runs on a worker thread: it imports the store and sync."""
    from halt_desk.store import Store
    from halt_desk.sync import ServerClock

    clock = ServerClock()
    store = Store.open(path, recording_clock=clock, clock=clock.now)
    clock.attach(store)
    return store, clock


def _cache_failed(window: MainWindow, exc: BaseException) -> None:
    """A cache that cannot be opened (written by a newer version, unreadable): say so, stop."""
    log.error("cannot open the local cache: %s", exc)
    QMessageBox.critical(
        window,
        _("HALT Desk"),
        _("The local data cannot be opened: {error}").format(error=exc),
    )
    QApplication.exit(2)


def run_app(
    store_path: Path | None = None,
    user: str | None = None,
    language: str | None = None,
    field: bool = False,
) -> int:
    """Opens the main window on the local cache, synced with central when signed in (the
    first run asks for the server and a token, or works offline), until it is closed.
    A field engineer (`field`, or a user name starting with `field:`) gets the field view
    first."""
    app = application(_language(language))
    window = MainWindow(None, user or os.environ.get("USER") or "medewerker", local_now)
    window.show()
    # The first screenful straight from the cache file while the store opens (beside it).
    window.show_first_page(store_path or default_path())
    opened: list[Store] = []
    controllers: list[SyncController] = []

    def load() -> Loaded:
        # What `loaded` uses, imported here, off the UI thread (the contract rules alone
        # take a few hundred milliseconds), and the keychain read here too.
        import halt_desk.field.route
        import halt_desk.logistics.swap_steps  # noqa: F401
        from halt_desk.sync import NotSignedIn, SyncError, load_settings, open_token_store
        from halt_desk.sync.signin import signed_in_target

        store, clock = open_local_cache(store_path)
        settings, tokens = load_settings(), open_token_store(notify=log.warning)
        try:
            return store, clock, settings, tokens, signed_in_target(settings, tokens)
        except NotSignedIn:
            return store, clock, settings, tokens, None
        except SyncError as exc:
            return store, clock, settings, tokens, exc

    def loaded(result: Loaded) -> None:
        from halt_desk.field.route import is_field_user
        from halt_desk.sync import SyncError
        from halt_desk.sync.signin import SyncTarget, sign_out, signed_in_target
        from ui.sign_in import SignInDialog
        from ui.sync_controller import SyncController

        store, clock, settings, tokens, target = result
        opened.append(store)
        if target is None:  # the first run: ask for the server and a token
            dialog = SignInDialog(settings, tokens, window)
            if dialog.exec() == SignInDialog.DialogCode.Accepted:
                settings = dialog.settings
                try:
                    target = signed_in_target(settings, tokens)
                except SyncError as exc:
                    target = exc
        name = user or settings.user or os.environ.get("USER") or "medewerker"
        window.user, window.clock = name, clock.now
        window.attach_store(store)
        if not isinstance(target, SyncTarget):
            log.info("working offline: %s", target or "not signed in")
        else:
            controller = SyncController(store.path, clock)
            controllers.append(controller)
            window.attach_sync(controller)
            controller.start(target)
            window.enable_sign_out(functools.partial(sign_out, settings, tokens))
        if field or is_field_user(name):
            window.open_field_view()
        # Housekeeping (home addresses past their retention, DESIGN §2.6) runs in the sync
        # process (halt_desk.background.housekeeping), not here.

    # After the first paint: the window is on screen before the heavy imports start.
    QTimer.singleShot(
        0, lambda: run_in_background(load, loaded, lambda exc: _cache_failed(window, exc))
    )
    try:
        return app.exec()
    finally:
        for controller in controllers:
            controller.stop()
        wait_for_background()
        for store in opened:
            store.close()


def _language(language: str | None) -> str:
    return chosen_language(language)


class DemoSession:
    """`halt-desk demo` in this process: the main window on a fresh demo cache, then a
    central API with the demo data on a free loopback port and the sync process signed in
    to it. Nothing of the user's own settings, token or cache is touched.

    The list fills first: the demo cache is written as a first pull leaves it
    (`prepare_demo_cache`); once the list is on screen, central is filled and checked
    against it and the sync process starts (`halt_desk.demo.desk_session`). `close()`
    stops all of it (the app's exit does)."""

    def __init__(
        self, folder: Path, *, seed: int = 1, months: int = 3, tickets_per_month: int = 400
    ) -> None:
        self.folder = folder
        self.store_path = folder / "demo-cache.sqlite3"
        self._generation = (seed, months, tickets_per_month)
        self.window = MainWindow(None, "", local_now)
        self.window.setWindowTitle(_("{title} — demo").format(title=self.window.windowTitle()))
        self.window.connection.setText(_("Preparing the demo…"))
        self.store: Store | None = None
        self.central: DemoCentral | None = None
        self.controller: SyncController | None = None
        self._waiting = QTimer(self.window)
        self._waiting.timeout.connect(self._list_shown)
        self._data: DemoData | None = None
        self._clock: ServerClock | None = None
        self._closed = False

    def start(self) -> DemoSession:
        """Shows the window and starts filling the cache (on a worker thread)."""
        self.window.show()
        QTimer.singleShot(0, lambda: run_in_background(self._prepare, self._prepared, self._failed))
        return self

    def _prepare(self) -> tuple[Store, ServerClock, DemoData]:
        from halt_desk.demo.desk_cache import prepare_demo_cache
        from halt_desk.paths import private_dir

        private_dir(self.folder)
        path = self.store_path
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        store, clock = open_local_cache(path)
        try:
            seed, months, per_month = self._generation
            data = prepare_demo_cache(store, seed=seed, months=months, tickets_per_month=per_month)
        except BaseException:
            store.close()
            raise
        return store, clock, data

    def _prepared(self, result: tuple[Store, ServerClock, DemoData]) -> None:
        from halt_desk.demo.desk_cache import DEMO_USER

        store, self._clock, self._data = result
        self.store = store
        if self._closed:
            return
        window = self.window
        window.user, window.clock = DEMO_USER, self._clock.now
        window.attach_store(store)
        window.connection.setText(_("Starting the demo's central…"))
        self._waiting.start(20)

    def _list_shown(self) -> None:
        """Central's work waits until the list is on screen (it would slow the list down)."""
        if self.window.loaded and self._data is not None:
            self._waiting.stop()
            data = self._data
            run_in_background(lambda: self._start_central(data), self._started, self._failed)

    def _start_central(self, data: DemoData) -> DemoCentral:
        from halt_desk.demo.desk_session import start_demo_central

        return start_demo_central(self.folder, data)

    def _started(self, central: DemoCentral) -> None:
        from halt_desk.sync.signin import SyncTarget
        from ui.sync_controller import SyncController

        self.central = central
        if self._closed or self._clock is None:
            return
        if central.mailbox is not None:  # the demo's own mail server: its mailbox
            self._add_mailbox(central.mailbox)
        self.controller = SyncController(self.store_path, self._clock, interval=5.0)
        self.window.attach_sync(self.controller)
        self.controller.start(SyncTarget(central.url, central.token))

    def _add_mailbox(self, mailbox: DemoMailbox) -> None:
        """ "Verzonden mail (demo)" (Ctrl+Shift+I): what central mailed, as received."""
        from PySide6.QtGui import QAction, QKeySequence

        from ui.demo_mailbox import MailboxWindow

        action = QAction(_("Sent mail (demo)"), self.window)
        action.setShortcut(QKeySequence("Ctrl+Shift+I"))
        action.setToolTip(_("Sent mail (demo) (Ctrl+Shift+I)"))

        def open_mailbox() -> None:
            self.mailbox_window = MailboxWindow(mailbox, self.window)
            self.mailbox_window.show()

        action.triggered.connect(open_mailbox)
        toolbar = self.window.findChild(QToolBar)
        if toolbar is not None:  # after the window's own buttons, before the quick filters
            separator = next((a for a in toolbar.actions() if a.isSeparator()), None)
            if separator is not None:
                toolbar.insertAction(separator, action)
            else:
                toolbar.addAction(action)
        self.window.addAction(action)
        self.mailbox_action = action

    def _failed(self, exc: BaseException) -> None:
        self.window.connection.setText(_("The demo could not start: {error}").format(error=exc))

    def close(self) -> None:
        """Stops the sync process, waits for the workers, stops central, closes the cache."""
        self._closed = True
        self._waiting.stop()
        if self.controller is not None:
            self.controller.stop()
        wait_for_background()
        app = QApplication.instance()
        if app is not None:
            app.processEvents()  # a demo central that started while closing is stopped too
        if self.central is not None:
            self.central.stop()
            self.central = None
        if self.store is not None:
            self.store.close()
            self.store = None


def run_demo_app(
    folder: Path,
    *,
    seed: int = 1,
    months: int = 3,
    tickets_per_month: int = 400,
    language: str | None = None,
) -> int:
    """`halt-desk demo`: a `DemoSession` in folder `folder` until its window is closed."""
    app = application(_language(language))
    session = DemoSession(
        folder, seed=seed, months=months, tickets_per_month=tickets_per_month
    ).start()
    try:
        return app.exec()
    finally:
        session.close()
