"""Typeset small newspaper pages with reportlab for the PDF import tests (STSong-Light: a CID font with
no embedded glyphs and no ToUnicode map). Each article is typeset in a slot of the page, its headline
across its columns over its text flowed down them, so the truth of every page is known."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
WIDTH, HEIGHT = 842.0, 1191.0
MARGIN = 40.0
GUTTER = 12.0
BODY = 10.0
LEADING = 15.0


@dataclass
class Story:
    title: str
    paras: list[str]
    kicker: str | None = None
    deck: str | None = None
    subheads: dict[int, str] = field(default_factory=dict)   # a subheading printed before paragraph N
    framed: bool = False
    bold_title: bool = True
    jump_out: str | None = None     # 下转第2版: the text stops here, printed under its last line
    jump_in: str | None = None      # 上接第1版: printed over the text


@dataclass
class Slot:
    story: Story
    col: int          # first column
    cols: int         # columns spanned
    top: float        # from the page's top
    height: float     # the room it has
    title_size: float = 24.0
    photo: bool = False


def _wrap(text: str, per_line: int) -> list[str]:
    return [text[i:i + per_line] for i in range(0, len(text), per_line)] or [""]


def _draw(c: canvas.Canvas, text: str, x: float, top: float, size: float, bold: bool = False) -> None:
    c.saveState()            # the text render mode is graphics state: restored after a bold line
    t = c.beginText(x, HEIGHT - top - size)
    t.setFont(FONT, size)
    if bold:
        t.setTextRenderMode(2)   # fill and stroke: the fake bold of a font with no bold face
    t.textLine(text)
    c.drawText(t)
    c.restoreState()


def page(c: canvas.Canvas, columns: int, slots: list[Slot], number: int, date: str = "2025年8月6日 星期三",
         paper: str = "江西县域新闻") -> None:
    """One page: the furniture over a rule, then each slot's story."""
    _draw(c, paper, MARGIN, MARGIN, 30, bold=True)
    _draw(c, f"{date}  第{number}版", WIDTH - MARGIN - 200, MARGIN + 14, 10)
    c.setLineWidth(1.5)
    c.line(MARGIN, HEIGHT - MARGIN - 50, WIDTH - MARGIN, HEIGHT - MARGIN - 50)
    col_w = (WIDTH - 2 * MARGIN - (columns - 1) * GUTTER) / columns
    for slot in slots:
        _slot(c, slot, col_w)
    c.setLineWidth(0.8)
    c.line(MARGIN, HEIGHT - (HEIGHT - MARGIN + 5), WIDTH - MARGIN, HEIGHT - (HEIGHT - MARGIN + 5))
    _draw(c, f"责任编辑：张三  第{number}版", MARGIN, HEIGHT - MARGIN + 10, 8)
    c.showPage()


def _slot(c: canvas.Canvas, slot: Slot, col_w: float) -> None:
    s = slot.story
    pad = 8.0 if s.framed else 0.0
    x = MARGIN + slot.col * (col_w + GUTTER) + pad
    width = slot.cols * col_w + (slot.cols - 1) * GUTTER - 2 * pad
    y = slot.top + pad + 4
    if s.framed:
        c.setLineWidth(1)
        c.rect(x - pad, HEIGHT - slot.top - slot.height, width + 2 * pad, slot.height - 4, stroke=1, fill=0)
    if s.jump_in:
        _draw(c, f"（{s.jump_in}）", x, y, BODY)
        y += LEADING + 4
    if s.kicker:
        _draw(c, s.kicker, x, y, 14)
        y += 20
    title_lines = _wrap(s.title, max(4, int(width // slot.title_size)))
    for line in title_lines:
        _draw(c, line, x, y, slot.title_size, bold=s.bold_title)
        y += slot.title_size * 1.3
    if s.deck:
        _draw(c, s.deck, x, y, 13)
        y += 20
    y += 6
    if slot.photo:
        c.setFillGray(0.8)
        c.rect(x, HEIGHT - y - 90, width * 0.6, 90, stroke=0, fill=1)
        c.setFillGray(0)
        y += 96
    # the text, flowed down the columns; a paragraph's first line indented two characters
    inner = (width - (slot.cols - 1) * GUTTER) / slot.cols
    per_line = int(inner // BODY)
    lines: list[tuple[str, float, bool, bool]] = []   # text, size, bold, indented
    for n, para in enumerate(s.paras):
        if n in s.subheads:
            lines.append((s.subheads[n], BODY + 1, True, False))
        first = para[: per_line - 2]
        lines.append((first, BODY, False, True))
        lines += [(w, BODY, False, False) for w in _wrap(para[len(first):], per_line) if w]
    if s.jump_out:
        lines.append((f"（{s.jump_out}）", BODY, False, False))
    per_col = math.ceil(len(lines) / slot.cols)
    for k, (text, size, bold, indented) in enumerate(lines):
        col, row = divmod(k, per_col)
        cx = x + col * (inner + GUTTER)
        _draw(c, text, cx + (2 * BODY if indented else 0), y + row * LEADING, size, bold=bold)


def issue(path: Path, pages: list[tuple[int, list[Slot]]]) -> Path:
    """Write the pages (columns, slots) to ``path``."""
    # (registered again: train/pages.py, the page generator, registers its own font under this name,
    # which may write its codes as CIDs no reader maps to Unicode)
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=(WIDTH, HEIGHT))
    for number, (columns, slots) in enumerate(pages, 1):
        page(c, columns, slots, number)
    c.save()
    return path
