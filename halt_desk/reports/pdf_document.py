"""The frame every HALT Desk report PDF shares (the monthly report, the quarterly
scorecard): A4 portrait, a cover page with the brand band, then body pages with a running
header, and on every page a footer with the generation time and "page N of M".
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from halt_desk.reports.pdf_style import (
    BRAND,
    CONTENT_WIDTH,
    FONT,
    FONT_BOLD,
    INK,
    MARGIN,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    register_fonts,
)
from halt_desk.reports.texts import Texts


def build_document(
    story: Sequence[Any], t: Texts, *, title: str, subject: str, header: str, generated: str
) -> bytes:
    """The PDF bytes of `story`: its first page is the cover (page template "cover"); a
    `NextPageTemplate("body")` in the story starts the body pages, headed by `header`.
    `generated` is the footer's left text. Reproducible (invariant) output."""
    register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="HALT Desk",
        subject=subject,
        creator="HALT Desk",
        invariant=1,
    )
    cover_frame = Frame(MARGIN, 16 * mm, CONTENT_WIDTH, PAGE_HEIGHT - 24 * mm, id="cover")
    body_frame = Frame(MARGIN, 16 * mm, CONTENT_WIDTH, PAGE_HEIGHT - 34 * mm, id="body")
    doc.addPageTemplates(
        [
            PageTemplate("cover", [cover_frame], onPage=_cover_background),
            PageTemplate("body", [body_frame]),
        ]
    )
    doc.build(list(story), canvasmaker=_canvas_class(t, header, generated))
    return buffer.getvalue()


def _canvas_class(t: Texts, header: str, generated: str) -> type[Canvas]:
    """A canvas that draws the header and "page N of M" once the page count is known."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, 12 * mm, PAGE_WIDTH - MARGIN, 12 * mm)
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.drawString(MARGIN, 8 * mm, generated)
            self.drawRightString(
                PAGE_WIDTH - MARGIN, 8 * mm, t("footer_page", page=number, pages=total)
            )
            if number > 1:
                self.setFillColor(BRAND)
                self.rect(0, PAGE_HEIGHT - 4 * mm, PAGE_WIDTH, 4 * mm, stroke=0, fill=1)
                self.setFont(FONT_BOLD, 8)
                self.setFillColor(INK)
                self.drawString(MARGIN, PAGE_HEIGHT - 11 * mm, header)
                self.setFont(FONT, 8)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 11 * mm, "HALT Desk")
                self.line(MARGIN, PAGE_HEIGHT - 13 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 13 * mm)
            self.restoreState()

    return NumberedCanvas


def _cover_background(canvas: Canvas, _doc: Any) -> None:
    canvas.saveState()
    canvas.setFillColor(BRAND)
    canvas.rect(0, PAGE_HEIGHT - 70 * mm, PAGE_WIDTH, 70 * mm, stroke=0, fill=1)
    canvas.setFillColor(colors.HexColor("#2d6aa3"))
    canvas.rect(0, PAGE_HEIGHT - 73 * mm, PAGE_WIDTH, 3 * mm, stroke=0, fill=1)
    canvas.restoreState()
