"""Scanning with the webcam, for a laptop without a keyboard-wedge scanner: QtMultimedia
(QCamera into a QMediaCaptureSession into a QVideoSink) for the picture, zxing-cpp for the
codes (`halt_desk.logistics.barcode_reader`) on a worker thread. Frames are thinned out
(a preview at most 15 times and a decode at most 8 times a second, never two decodes at
once), and a code read is emitted once (`decoded`), not once per frame: the scan station
and the field view hand it to the same path as a code typed or sent by a scanner."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCameraPermission, QCoreApplication, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtMultimedia import (
    QCamera,
    QMediaCaptureSession,
    QMediaDevices,
    QVideoFrame,
    QVideoSink,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from halt_desk.i18n import _
from halt_desk.logistics.barcode_reader import ReadCode, first_code
from ui.elided_label import ElidedLabel
from ui.workers import run_in_background

PREVIEW_W, PREVIEW_H = 320, 240
#: Seconds between two previews and between the starts of two decodes.
PREVIEW_EVERY, DECODE_EVERY = 1 / 15, 1 / 8
#: The same code again counts as a new scan only after this many seconds.
REPEAT_AFTER = 2.5
#: Frames wider than this are scaled down before decoding (a label fills much of a
#: frame held up to a webcam; smaller frames decode several times faster).
DECODE_WIDTH = 1280


def decode_frame(image: QImage) -> ReadCode | None:
    """The code nearest the middle of a frame (on a worker thread: QImage is reentrant)."""
    if image.width() > DECODE_WIDTH:
        image = image.scaledToWidth(DECODE_WIDTH, Qt.TransformationMode.SmoothTransformation)
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    pixels = bytes(grey.constBits())
    return first_code(pixels, grey.width(), grey.height(), grey.bytesPerLine())


class CameraScanner(QWidget):
    """The camera's preview with what it read underneath; `decoded(text)` per code read.
    Frames come through `sink`: from the camera once started, or from anyone who sets
    frames on it (the tests feed label pictures that way)."""

    decoded = Signal(str)

    def __init__(
        self, parent: QWidget | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.sink = QVideoSink(self)
        self.sink.videoFrameChanged.connect(self.frame)
        self.camera: QCamera | None = None
        self._session: QMediaCaptureSession | None = None
        self._decoding = False
        self._last_preview = self._last_decode = -1e9
        self._last_code: tuple[str, float] = ("", -1e9)
        self.frames_seen = self.frames_decoded = 0
        self.codes: list[str] = []  # every code emitted, in order

        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW_W, PREVIEW_H)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)
        self.preview.setAccessibleName(_("Camera picture"))
        self.preview.setStyleSheet("background: #202124; color: white; padding: 12px")
        self.status = ElidedLabel(_("Camera off."))
        self.status.setAccessibleName(_("Camera status"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.setFixedWidth(PREVIEW_W)

    # --- the camera --------------------------------------------------------------------------
    def start(self) -> bool:
        """Starts the default camera; says so in Dutch (or the reader's language) if there
        is none. True when a camera is starting."""
        if self.camera is not None:
            return True
        if not self._allowed():
            return False
        if not QMediaDevices.videoInputs():
            self._say(
                _("No camera found. Connect a webcam, or type or scan the code in the field."),
                on_picture=True,
            )
            return False
        device = QMediaDevices.defaultVideoInput()
        self.camera = QCamera(device, self)
        self.camera.errorOccurred.connect(self._camera_error)
        self._session = QMediaCaptureSession(self)
        self._session.setCamera(self.camera)
        self._session.setVideoSink(self.sink)
        self.camera.start()
        self._say(
            _("Hold the code in front of the camera ({camera}).").format(
                camera=device.description()
            )
        )
        return True

    def _allowed(self) -> bool:
        """macOS and Windows ask the user once whether the app may use the camera."""
        app = QCoreApplication.instance()
        if app is None:
            return False
        permission = QCameraPermission()
        status = app.checkPermission(permission)
        if status == Qt.PermissionStatus.Undetermined:
            self._say(_("Allow HALT Desk to use the camera…"), on_picture=True)
            app.requestPermission(permission, self, lambda _answer: self.start())
            return False
        if status == Qt.PermissionStatus.Denied:
            self._say(
                _("HALT Desk may not use the camera: allow it in the system's privacy settings."),
                on_picture=True,
            )
            return False
        return True

    def stop(self) -> None:
        if self.camera is not None:
            self.camera.stop()
            self.camera.deleteLater()
            self.camera = None
        if self._session is not None:
            self._session.deleteLater()
            self._session = None
        self._say(_("Camera off."))

    def _camera_error(self, _error: QCamera.Error, text: str) -> None:
        self._say(_("The camera does not work: {error}").format(error=text), on_picture=True)

    def _say(self, text: str, *, on_picture: bool = False) -> None:
        """A line under the picture; or, `on_picture`, a message in its place (wrapped:
        why there is no picture) with "Camera off." under it."""
        if on_picture:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(text)
            text = _("Camera off.")
        self.status.set_full_text(text)

    # --- frames ------------------------------------------------------------------------------
    def frame(self, frame: QVideoFrame) -> None:
        """A frame from the sink: shown (thinned out), decoded on a worker (thinned out,
        one at a time); the rest are dropped."""
        self.frames_seen += 1
        now = self.clock()
        wants_preview = now - self._last_preview >= PREVIEW_EVERY
        wants_decode = not self._decoding and now - self._last_decode >= DECODE_EVERY
        if not (wants_preview or wants_decode):
            return
        image = frame.toImage()
        if image.isNull():
            return
        if wants_preview:
            self._last_preview = now
            shown = image.scaled(
                PREVIEW_W, PREVIEW_H, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )  # fmt: skip
            self.preview.setPixmap(QPixmap.fromImage(shown))
        if wants_decode:
            self._last_decode = now
            self._decoding = True
            run_in_background(lambda: decode_frame(image), self._decoded, self._failed)

    def _decoded(self, code: ReadCode | None) -> None:
        self._decoding = False
        self.frames_decoded += 1
        if code is None:
            return
        now = self.clock()
        last, at = self._last_code
        self._last_code = (code.text, now)
        if code.text == last and now - at < REPEAT_AFTER:
            return  # the same label still in front of the camera
        self.status.set_full_text(_("Read: {code}").format(code=code.text))
        self.codes.append(code.text)
        self.decoded.emit(code.text)

    def _failed(self, exc: BaseException) -> None:
        self._decoding = False
        self.frames_decoded += 1
        self._say(_("The camera picture could not be read: {error}").format(error=exc))
