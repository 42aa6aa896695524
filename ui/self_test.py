"""The desktop part of `halt-desk --self-test`: the main window shown and closed offscreen.

Called by `halt_desk.cli.self_test` through importlib (the core never imports Qt). Needs no
screen: the Qt platform is forced to `offscreen`, so it runs the same on a build server,
over Intune's system context or in an SSH session.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from gettext import GNUTranslations
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import (
    QEventLoop,
    QMessageLogContext,
    QThreadPool,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)

from halt_desk.i18n import DOMAIN, LANGUAGES, locale_dir, translator
from halt_desk.store import Store

WINDOW_TIMEOUT_S = 30.0
#: What the offscreen platform says about every window, and QtMultimedia about optional
#: libraries (VA-API, PipeWire, PulseAudio) and its FFmpeg: noise in the report.
_OFFSCREEN_NOISE = (
    "does not support propagateSizeHints",
    "Couldn't load ",  # VA-API, PipeWire: optional, looked up at run time
    "Couldn't resolve ",
    "Qt multimedia with FFmpeg",
    "pa_context_connect",
    "No RHI backend",
)


def _quiet_offscreen(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if not any(noise in message for noise in _OFFSCREEN_NOISE):
        sys.stderr.write(message + "\n")


def check_main_window(store_path: Path, timeout_s: float = WINDOW_TIMEOUT_S) -> str:
    """Opens the main window on a fresh store at `store_path`, waits until its ticket list
    has loaded, closes it; returns a one-line description or raises RuntimeError."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before the QApplication exists
    previous = qInstallMessageHandler(_quiet_offscreen)
    try:
        return _show_and_close(store_path, timeout_s)
    finally:
        qInstallMessageHandler(previous)


def _show_and_close(store_path: Path, timeout_s: float) -> str:
    from ui.app import application
    from ui.main_window import MainWindow

    app = application("nl")
    for lang in LANGUAGES:
        mo = locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if not mo.is_file() or not isinstance(translator(lang), GNUTranslations):
            raise RuntimeError(f"the message catalogue {mo} cannot be loaded")
    if app.windowIcon().isNull():
        raise RuntimeError("the application icon did not load (SVG image plugin missing?)")
    started = time.perf_counter()
    with Store.open(store_path) as store:
        window = MainWindow(store, "self-test", lambda: datetime.now(UTC).astimezone())
        window.show()
        loop = QEventLoop()
        poll = QTimer()

        def quit_when_loaded() -> None:
            if window.loaded:
                loop.quit()

        poll.timeout.connect(quit_when_loaded)
        poll.start(10)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        loop.exec()
        poll.stop()
        loaded, visible = window.loaded, window.isVisible()
        window.close()
        app.processEvents()
        # Background loads must end before the store closes under them.
        QThreadPool.globalInstance().waitForDone()
        window.deleteLater()
        app.processEvents()
    if not visible:
        raise RuntimeError("the main window did not show")
    if not loaded:
        raise RuntimeError(f"the main window did not load its tickets within {timeout_s:.0f} s")
    shown_ms = (time.perf_counter() - started) * 1000
    where = f"{app.platformName()}, Qt {pyside_version}"
    return f"main window shown, loaded in {shown_ms:.0f} ms and closed ({where})"


def check_scanning() -> str:
    """QtMultimedia loads (the bundle carries it) and a generated QR code, put through a
    QVideoSink as a camera frame, is read back by zxing-cpp on the camera view's path."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    previous = qInstallMessageHandler(_quiet_offscreen)
    try:
        return _read_back()
    finally:
        qInstallMessageHandler(previous)


def _read_back() -> str:
    import zxingcpp
    from PySide6.QtGui import QImage
    from PySide6.QtMultimedia import QMediaDevices, QVideoFrame, QVideoSink

    from ui.app import application
    from ui.camera_scanner import decode_frame

    application("nl")
    tag = "HALT-LT-00042"
    code = zxingcpp.create_barcode(tag, zxingcpp.BarcodeFormat.QRCode)
    view = memoryview(zxingcpp.write_barcode_to_image(code, scale=4))  # type: ignore[arg-type]
    height, width = view.shape or (0, 0)
    image = QImage(bytes(view), width, height, width, QImage.Format.Format_Grayscale8).copy()
    frames: list[QImage] = []
    sink = QVideoSink()
    sink.videoFrameChanged.connect(lambda frame: frames.append(frame.toImage()))
    sink.setVideoFrame(QVideoFrame(image))
    read = decode_frame(frames[0]) if frames else None
    if read is None or read.text != tag:
        raise RuntimeError("a QR code put through the camera's path was not read back")
    cameras = len(QMediaDevices.videoInputs())
    return f"a QR code read back through QtMultimedia and zxing-cpp; {cameras} camera(s)"
