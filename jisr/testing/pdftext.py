"""Reading back a PDF in tests: every glyph with its text, glyph id and position.

Text extraction alone cannot tell shaped Arabic from isolated letters (both map back to
the same characters) nor right-to-left from left-to-right (extractors reorder). So this
keeps what the page really holds: the glyph ids (a letter shaped in context uses several
glyphs, one per form) and the positions (right-to-left text starts at the right).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage


@dataclass(frozen=True)
class Glyph:
    text: str
    cid: int
    font: str
    x0: float
    x1: float
    y: float  # baseline


class _Recorder(PDFPageAggregator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.glyphs: list[Glyph] = []

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
        advance = super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs,
                                      graphicstate)
        item = self.cur_item._objs[-1]
        # The baseline (the text matrix's origin), not the glyph box: glyphs of one line
        # may come from fonts of different depths (an Arabic font, a Latin one).
        self.glyphs.append(Glyph(item.get_text(), cid, item.fontname, item.x0, item.x1,
                                 round(matrix[5], 1)))
        return advance


def pages(data: bytes) -> list[list[Glyph]]:
    """The glyphs of each page, in the order the PDF draws them."""
    manager = PDFResourceManager()
    result = []
    for page in PDFPage.get_pages(io.BytesIO(data)):
        device = _Recorder(manager, laparams=LAParams())
        PDFPageInterpreter(manager, device).process_page(page)
        result.append(device.glyphs)
    return result


def lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped by baseline, top of the page first, each line left to right."""
    rows: dict[float, list[Glyph]] = {}
    for glyph in glyphs:
        rows.setdefault(glyph.y, []).append(glyph)
    return [sorted(row, key=lambda g: g.x0) for _y, row in sorted(rows.items(), reverse=True)]


def visual_text(line: list[Glyph]) -> str:
    """The line as it reads left to right on paper."""
    return "".join(g.text for g in line)


def right_to_left_text(line: list[Glyph]) -> str:
    """The line read from right to left, glyph by glyph (a ligature keeps its letters in
    order): right-to-left text comes out in its logical order."""
    return "".join(g.text for g in reversed(line))


def line_with(pages: list[list[Glyph]], text: str, *, rtl: bool) -> list[Glyph]:
    """The first line of the document holding ``text``, read right to left or as drawn."""
    read = right_to_left_text if rtl else visual_text
    for page in pages:
        for line in lines(page):
            if text in read(line):
                return line
    raise AssertionError(f"{text!r} is not on any line")
