"""Starts the desktop app: Qt application, language, the local store and the main window."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from halt_desk.paths import resources_dir
from halt_desk.store import Store
from halt_desk.swaps import purge_home_addresses
from ui.main_window import MainWindow
from ui.workers import run_in_background

log = logging.getLogger(__name__)
LANGUAGES = ("nl", "en")


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
    icon = resources_dir() / "icons" / "halt-desk.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    install_language(app, language)
    return app


def run_app(
    store_path: Path | None = None,
    user: str | None = None,
    language: str | None = None,
    clock: Callable[[], datetime] = local_now,
) -> int:
    """Opens the main window on the local store and runs until it is closed."""
    language = language or os.environ.get("HALT_DESK_LANG", "nl")
    if language not in LANGUAGES:
        language = "nl"
    app = application(language)
    with Store.open(store_path) as store:
        window = MainWindow(store, user or os.environ.get("USER", "medewerker"), clock)
        window.show()
        # Home addresses of swaps closed 30+ days ago leave this cache (DESIGN §2.6).
        run_in_background(lambda: purge_home_addresses(store, clock()), lambda _: None)
        return app.exec()
