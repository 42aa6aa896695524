"""Printable asset labels: a PDF sheet with, per device, the asset tag as Code128 and as a
QR code, plus model and serial (reportlab). A4, 3 × 8 labels of 70 × 37 mm (the common
label sheet format), so the scanner at the depot reads what the printer made."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128, qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from halt_desk.domain.errors import HaltDeskError
from halt_desk.store import DeviceView, Store

COLUMNS, ROWS = 3, 8
LABEL_W, LABEL_H = 70 * mm, 37 * mm


def devices_for_labels(
    store: Store, depot: str | None = None, tags: Sequence[str] = ()
) -> list[DeviceView]:
    """The devices of one depot (or the named asset tags), by asset tag; raises if none."""
    if tags:
        found = [store.device(tag.strip().upper()) for tag in tags]
        missing = [t for t, d in zip(tags, found, strict=True) if d is None]
        if missing:
            raise HaltDeskError(f"--tags: not in the register: {', '.join(missing)}")
        return [d for d in found if d is not None]
    if depot is not None and store.reference(f"depot:{depot}") is None:
        raise HaltDeskError(f"--depot: unknown depot {depot!r}")
    devices = store.devices(depot)
    if not devices:
        raise HaltDeskError(f"--depot: no devices registered to {depot!r}")
    return devices


#: (labels done, labels in all): after each label, from the thread that writes the sheet.
LabelProgress = Callable[[int, int], None]


def write_label_sheet(
    devices: Sequence[DeviceView],
    out: Path,
    title: str = "",
    progress: LabelProgress | None = None,
) -> int:
    """Writes the labels of `devices` to `out` (PDF); returns the number of pages.
    `progress(done, total)` is told after each label (a window shows it)."""
    canvas = Canvas(str(out), pagesize=A4)
    canvas.setTitle(title or "HALT Desk asset labels")
    width, height = A4
    left = (width - COLUMNS * LABEL_W) / 2
    top = height - (height - ROWS * LABEL_H) / 2
    per_page = COLUMNS * ROWS
    pages = 0
    for index, device in enumerate(devices):
        slot = index % per_page
        if slot == 0:
            if index:
                canvas.showPage()
            pages += 1
        column, row = slot % COLUMNS, slot // COLUMNS
        _label(canvas, device, left + column * LABEL_W, top - (row + 1) * LABEL_H)
        if progress is not None:
            progress(index + 1, len(devices))
    if not devices:
        pages = 1
    canvas.save()
    return pages


def _label(canvas: Canvas, device: DeviceView, x: float, y: float) -> None:
    pad = 3 * mm
    tag = device.asset_tag
    canvas.setLineWidth(0.2)
    canvas.setStrokeGray(0.8)
    canvas.rect(x, y, LABEL_W, LABEL_H)
    # QR on the right, square, most of the label's height.
    size = LABEL_H - 2 * pad
    widget = qr.QrCodeWidget(tag, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x + LABEL_W - size - pad, y + pad)
    # Code128 on the left: the asset tag, as the scanner at the depot reads it.
    text_width = LABEL_W - size - 3 * pad
    barcode = code128.Code128(tag, barHeight=12 * mm, barWidth=0.26 * mm, quiet=False)
    scale = min(1.0, text_width / barcode.width)
    canvas.saveState()
    canvas.translate(x + pad, y + LABEL_H - pad - 12 * mm)
    canvas.scale(scale, 1)
    barcode.drawOn(canvas, 0, 0)
    canvas.restoreState()
    canvas.setFillGray(0)
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(x + pad, y + LABEL_H - pad - 16 * mm, tag)
    canvas.setFont("Helvetica", 6.5)
    canvas.drawString(x + pad, y + pad + 6 * mm, (device.model or "")[:34])
    canvas.drawString(x + pad, y + pad + 2.5 * mm, f"S/N {device.serial or '-'}")
