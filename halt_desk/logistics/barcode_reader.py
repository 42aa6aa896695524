"""Codes read from a picture: a webcam frame or a rendered label sheet, as 8-bit grey
pixels, decoded by zxing-cpp for the symbologies our labels and the carriers' labels use
(Code128, QR code, DataMatrix). Without a window: the camera view hands its frames here
on a worker, the label test its rendered pages."""

from __future__ import annotations

from dataclasses import dataclass

import zxingcpp

#: What a depot's camera reads: our asset labels (Code128, QR) and courier labels
#: (Code128, DataMatrix).
FORMATS = ("Code128", "QRCode", "DataMatrix")


@dataclass(frozen=True, slots=True)
class ReadCode:
    """One code found in a picture: its text, symbology and centre (pixels)."""

    text: str
    symbology: str  # "Code128", "QRCode", "DataMatrix"
    x: int
    y: int


def read_codes(pixels: bytes, width: int, height: int, stride: int = 0) -> list[ReadCode]:
    """Every Code128, QR and DataMatrix code in a grey picture (one byte a pixel, rows of
    `stride` bytes, default `width`), by their centres top to bottom."""
    if width <= 0 or height <= 0:
        return []
    row = stride or width
    if len(pixels) < row * (height - 1) + width:
        raise ValueError(f"{len(pixels)} bytes is not a {width}×{height} picture")
    view = zxingcpp.ImageView(pixels, width, height, zxingcpp.ImageFormat.Lum, row)
    found = []
    # Made per call: a zxing-cpp object kept until exit is reported as a leak by nanobind.
    formats = zxingcpp.BarcodeFormats([getattr(zxingcpp.BarcodeFormat, f) for f in FORMATS])
    for code in zxingcpp.read_barcodes(view, formats=formats):
        if not code.valid or not code.text:
            continue
        corners = code.position
        points = (corners.top_left, corners.top_right, corners.bottom_right, corners.bottom_left)
        x = sum(p.x for p in points) // 4
        y = sum(p.y for p in points) // 4
        found.append(ReadCode(code.text, code.format.name, x, y))
    found.sort(key=lambda c: (c.y, c.x))
    return found


def first_code(pixels: bytes, width: int, height: int, stride: int = 0) -> ReadCode | None:
    """The code a person holds in front of the camera: the one nearest the middle."""
    codes = read_codes(pixels, width, height, stride)
    if not codes:
        return None
    return min(codes, key=lambda c: (c.x - width / 2) ** 2 + (c.y - height / 2) ** 2)
