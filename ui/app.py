"""Starts the desktop app: Qt application, language, the local store and the main window."""

from __future__ import annotations

import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from halt_desk.field import is_field_user
from halt_desk.paths import resources_dir
from halt_desk.store import Store
from halt_desk.sync import (
    ServerClock,
    SyncEngine,
    SyncError,
    client_factory,
    connect,
    load_settings,
    open_token_store,
)
from ui.main_window import MainWindow
from ui.sign_in import SignInDialog
from ui.sync_controller import SyncController
from ui.workers import run_in_background, wait_for_background

log = logging.getLogger(__name__)
LANGUAGES = ("nl", "en")
UI_SWITCH_INTERVAL = 0.001


def local_now() -> datetime:
    return datetime.now(UTC).astimezone()


def install_language(app: QApplication, language: str) -> None:
    """Dutch is the source language; English comes from resources/translations/*.qm."""
    locale = QLocale.Language.Dutch if language == "nl" else QLocale.Language.English
    QLocale.setDefault(QLocale(locale))
    if language == "nl":
        qt_base = QTranslator(app)
        if qt_base.load("qtbase_nl", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt_base)
        return
    translator = QTranslator(app)
    path = resources_dir() / "translations" / f"halt_desk_{language}.qm"
    if translator.load(str(path)):
        app.installTranslator(translator)
    else:
        log.warning("translation %s not found; the app stays Dutch", path.name)


def application(language: str = "nl") -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("HALT Desk")
    app.setOrganizationName("HALT Desk")
    # The UI thread shares Python's interpreter lock with the sync and worker threads: a
    # shorter switch interval lets it in sooner (keeps timers and repaints smooth).
    sys.setswitchinterval(UI_SWITCH_INTERVAL)
    icon = resources_dir() / "icons" / "halt-desk.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    install_language(app, language)
    return app


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
    settings = load_settings()
    tokens = open_token_store(notify=log.warning)
    if settings.server is None or tokens.get(settings.server) is None:
        dialog = SignInDialog(settings, tokens)
        if dialog.exec() == SignInDialog.DialogCode.Accepted:
            settings = dialog.settings
    clock = ServerClock()
    with Store.open(store_path, recording_clock=clock, clock=clock.now) as store:
        clock.attach(store)
        controller = SyncController()
        try:
            engine = connect(store, clock, settings, tokens, **controller.callbacks())
        except SyncError as exc:
            log.info("working offline: %s", exc)
            engine = None
        name = user or settings.user or os.environ.get("USER") or "medewerker"
        window = MainWindow(store, name, clock.now, controller if engine else None)
        if engine is not None:
            controller.start(engine)
        window.show()
        if field or is_field_user(name):
            window.open_field_view()
        # Home addresses of swaps closed 30+ days ago leave this cache (DESIGN §2.6).
        from halt_desk.swaps import purge_home_addresses

        run_in_background(lambda: purge_home_addresses(store, clock.now()), lambda _: None)
        try:
            return app.exec()
        finally:
            controller.stop()


def _language(language: str | None) -> str:
    chosen = language or os.environ.get("HALT_DESK_LANG", "nl")
    return chosen if chosen in LANGUAGES else "nl"


def run_demo_app(
    folder: Path,
    *,
    seed: int = 1,
    months: int = 3,
    tickets_per_month: int = 400,
    language: str | None = None,
) -> int:
    """`halt-desk demo`: a central API in this process with the demo data on a free loopback
    port, and the app signed in to it with a fresh demo cache. Nothing of the user's own
    settings, token or cache is touched."""
    from halt_desk.demo_central import DEMO_USER, DemoCentral, start_demo_central

    app = application(_language(language))
    clock = ServerClock()
    store_path = folder / "demo-cache.sqlite3"
    for stale in (store_path, Path(f"{store_path}-wal"), Path(f"{store_path}-shm")):
        stale.unlink(missing_ok=True)
    with Store.open(store_path, recording_clock=clock, clock=clock.now) as store:
        clock.attach(store)
        controller = SyncController(interval=5.0)
        window = MainWindow(store, DEMO_USER, clock.now, controller)
        window.setWindowTitle(window.windowTitle() + " — demo")
        window.connection.setText(window.tr("Demo wordt klaargezet…"))
        window.show()
        running: list[DemoCentral] = []

        def started(demo: DemoCentral) -> None:
            running.append(demo)
            make = client_factory(demo.url, demo.token)
            controller.start(SyncEngine(store, make, clock, **controller.callbacks()))

        def failed(exc: BaseException) -> None:
            window.connection.setText(window.tr("Demo kon niet starten: {error}").format(error=exc))

        run_in_background(
            lambda: start_demo_central(
                folder, seed=seed, months=months, tickets_per_month=tickets_per_month
            ),
            started,
            failed,
        )
        try:
            return app.exec()
        finally:
            controller.stop()
            wait_for_background()
            app.processEvents()  # a demo central that started while closing is stopped too
            for demo in running:
                demo.stop()
