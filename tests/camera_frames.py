"""Pictures a webcam would see: a label held up in front of a desk, as a QImage to feed
into the camera view's QVideoSink (only the camera itself is replaced). The labels are the
real printed ones (`halt-desk labels` rendered by pdftoppm) or a carrier's code made by
zxing-cpp's writer."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import zxingcpp
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from halt_desk.cli import main
from halt_desk.logistics.asset_labels import COLUMNS, LABEL_H, LABEL_W, ROWS

FRAME_W, FRAME_H = 1280, 720
HAS_PDFTOPPM = shutil.which("pdftoppm") is not None


def printed_labels(cache: Path, tags: list[str], folder: Path, dpi: int = 200) -> list[QImage]:
    """The printed labels of `tags` (first page of the sheet), one QImage each."""
    pdf = folder / "labels.pdf"
    args = ["labels", "--tags", ",".join(tags), "--store", str(cache), "--out", str(pdf)]
    assert main(args) == 0
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", str(pdf), str(folder / "p")],
        check=True,
    )
    page = QImage(str(next(folder.glob("p*.png"))))
    assert not page.isNull()
    scale = dpi / 72
    left = (page.width() - COLUMNS * LABEL_W * scale) / 2
    top = (page.height() - ROWS * LABEL_H * scale) / 2
    images = []
    for index in range(len(tags)):
        column, row = index % COLUMNS, index // COLUMNS
        x, y = left + column * LABEL_W * scale, top + row * LABEL_H * scale
        images.append(page.copy(int(x), int(y), int(LABEL_W * scale), int(LABEL_H * scale)))
    return images


def carrier_code(text: str, kind: zxingcpp.BarcodeFormat, scale: int = 6) -> QImage:
    """A carrier's code (e.g. a DataMatrix or Code128 on a parcel label) on white."""
    image = zxingcpp.write_barcode_to_image(zxingcpp.create_barcode(text, kind), scale=scale)
    view = memoryview(image)
    height, width = view.shape[0], view.shape[1]
    grey = QImage(bytes(view), width, height, width, QImage.Format.Format_Grayscale8)
    return grey.copy()  # owns its pixels


def held_up(label: QImage, angle: float = 4.0, width_share: float = 0.55) -> QImage:
    """`label` as a webcam sees it held up: on a grey-brown desk, slightly turned, filling
    about `width_share` of a 1280×720 frame."""
    frame = QImage(FRAME_W, FRAME_H, QImage.Format.Format_RGB32)
    frame.fill(QColor("#7a6f63"))
    painter = QPainter(frame)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.translate(QPointF(FRAME_W / 2, FRAME_H / 2))
    painter.rotate(angle)
    width = FRAME_W * width_share
    height = width * label.height() / label.width()
    target = QRectF(-width / 2, -height / 2, width, height)
    painter.fillRect(target.adjusted(-12, -12, 12, 12), Qt.GlobalColor.white)
    painter.drawImage(target, label)
    painter.end()
    return frame


def empty_desk() -> QImage:
    frame = QImage(FRAME_W, FRAME_H, QImage.Format.Format_RGB32)
    frame.fill(QColor("#7a6f63"))
    return frame
