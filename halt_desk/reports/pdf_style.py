"""The look of the service-level report's PDF: fonts, colours, paragraph styles, and the
cell helpers its tables share (`pdf.py` assembles the document from them).

Text is set in Bitstream Vera (shipped inside reportlab), which has every character the
report uses (ë, ≥, –) on any machine.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, Table, TableStyle

from halt_desk.reports.kpi import Share
from halt_desk.reports.texts import Texts

FONT = "HaltVera"
FONT_BOLD = "HaltVera-Bold"
FONT_ITALIC = "HaltVera-Italic"

INK = colors.HexColor("#1d2733")
MUTED = colors.HexColor("#667085")
BRAND = colors.HexColor("#1f4e79")
BRAND_LIGHT = colors.HexColor("#e8eef5")
ZEBRA = colors.HexColor("#f4f6f9")
RULE = colors.HexColor("#d0d7e1")
GREEN = colors.HexColor("#1e7b34")
GREEN_BG = colors.HexColor("#e3f4e6")
RED = colors.HexColor("#b42318")
RED_BG = colors.HexColor("#fde8e6")
GREY_BG = colors.HexColor("#eef0f3")

PAGE_WIDTH, PAGE_HEIGHT = A4
#: The breach list can run to thousands of rows: it is set in the PDF's built-in
#: Helvetica (WinAnsi: every Dutch letter, – and ‘’), which costs a fraction of an
#: embedded TrueType font; a cell with a character outside it falls back to Vera.
FAST_FONT, FAST_FONT_ITALIC = "Helvetica", "Helvetica-Oblique"
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN


@cache
def register_fonts() -> None:
    import reportlab

    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, file in (
        (FONT, "Vera.ttf"),
        (FONT_BOLD, "VeraBd.ttf"),
        (FONT_ITALIC, "VeraIt.ttf"),
        (f"{FONT}-BoldItalic", "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=f"{FONT}-BoldItalic"
    )


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12, textColor=INK)
    return {
        "body": base,
        "note": ParagraphStyle("note", base, fontSize=7.5, leading=10, textColor=MUTED),
        "title": ParagraphStyle(
            "title", base, fontName=FONT_BOLD, fontSize=26, leading=32, textColor=BRAND
        ),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=15, leading=20, textColor=INK),
        "h1": ParagraphStyle(
            "h1",
            base,
            fontName=FONT_BOLD,
            fontSize=13,
            leading=17,
            textColor=BRAND,
            spaceBefore=10,
            spaceAfter=5,
        ),
        "h2": ParagraphStyle(
            "h2", base, fontName=FONT_BOLD, fontSize=10, leading=13, spaceBefore=6, spaceAfter=3
        ),
        "cell": ParagraphStyle("cell", base, fontSize=7.5, leading=9.5),
        "cell_head": ParagraphStyle(
            "cell_head", base, fontName=FONT_BOLD, fontSize=7.5, leading=9, textColor=colors.white
        ),
        "cell_right": ParagraphStyle(
            "cell_right", base, fontSize=7.5, leading=9, alignment=TA_RIGHT
        ),
        "cell_missing": ParagraphStyle(
            "cell_missing", base, fontName=FONT_ITALIC, fontSize=7.5, leading=9.5, textColor=RED
        ),
    }


def para(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(text, styles()[style])


def when(t: Texts, instant: datetime | None, tz: Any, with_time: bool = True) -> str:
    if instant is None:
        return "—"
    local = instant.astimezone(tz)
    if t.lang == "nl":
        return local.strftime("%d-%m-%Y %H:%M" if with_time else "%d-%m-%Y")
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def duration(t: Texts, minutes: int | None) -> str:
    if minutes is None:
        return "—"
    hours, rest = divmod(max(minutes, 0), 60)
    unit = "u" if t.lang == "nl" else "h"
    return f"{hours} {unit} {rest:02d} m" if hours else f"{rest} m"


def hours(t: Texts, value: float | None) -> str:
    return "—" if value is None else t.number(value)


def norm_text(t: Texts, norm: float | None) -> str:
    if norm is None:
        return "—"
    decimals = 0 if float(norm).is_integer() else 1
    return f"≥ {t.number(norm, decimals)} %"


def share_cell(t: Texts, share: Share) -> Paragraph:
    if share.decided == 0:
        return para(f'<font color="#667085">{t("not_applicable")}</font>', "cell_right")
    return para(
        f"{t.percent(share.percent)}<br/>"
        f'<font size="6" color="#667085">{share.met}/{share.decided}</font>',
        "cell_right",
    )


def verdict(t: Texts, met: bool | None) -> tuple[str, Any, Any]:
    """Text, text colour and background of a met / not met mark."""
    if met is None:
        return t("not_applicable"), MUTED, GREY_BG
    if met:
        return t("met"), GREEN, GREEN_BG
    return t("not_met"), RED, RED_BG


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    extra: Sequence[tuple[Any, ...]] = (),
    total_row: bool = False,
) -> Table:
    table = Table(list(rows), colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7.5),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), BRAND),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
    ]
    if total_row:
        commands += [
            ("FONT", (0, -1), (-1, -1), FONT_BOLD, 7.5),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, BRAND),
            ("BACKGROUND", (0, -1), (-1, -1), BRAND_LIGHT),
        ]
    table.setStyle(TableStyle(commands + list(extra)))
    return table


def head(t: Texts, *keys: str, words: Mapping[str, str] | None = None) -> list[Paragraph]:
    """Header cells: a key in `words` (a section's own table) in its words, else the
    report's."""
    return [
        para(escape(t.word(words, key) if words and key in words else t(key)), "cell_head")
        for key in keys
    ]


def cover_facts(facts: Sequence[tuple[str, str]], padding: int = 5) -> Table:
    """The cover's facts (organisation, period, provider, profile, …): a bold name and its
    value per row, ruled beneath."""
    facts_table = Table(
        [[para(f"<b>{escape(k)}</b>"), para(escape(v), "body")] for k, v in facts],
        colWidths=[50 * mm, CONTENT_WIDTH - 50 * mm],
    )
    facts_table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), padding),
                ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return facts_table
