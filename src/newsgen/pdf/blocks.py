"""Lines -> blocks: a paragraph (or a headline printed on several lines) is the lines of one column,
one size and one weight, each close under the one before; an indented line opens a new paragraph, and
a short line closes one. Jump lines (下转第2版, 上接第1版) are blocks of their own."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsgen.pdf.lines import Line

#: Two lines of one block are at most this many times their size apart (the gap between them).
LINE_GAP = 0.9
#: A line starting this many times its size right of its block's left edge is indented: a new paragraph.
INDENT = 1.2
#: A line ending this many times its size short of its block's right edge ends its paragraph.
SHORT_END = 1.5
_NUM = r"(?:\d{1,3}|[一二三四五六七八九十]{1,3}|[A-Z]\d{0,2})"
#: A jump line: where an article goes on (下转第2版, 转第A3版) or where it came from (上接第1版, 接第1版).
JUMP = re.compile(rf"^[（(]?\s*(?P<dir>下转|转|上接|接)\s*第?\s*(?P<page>{_NUM})\s*版\s*[^）)]{{0,12}}[）)]?$")


@dataclass
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.top <= y <= self.bottom


@dataclass
class TextBlock:
    lines: list[Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)

    @property
    def size(self) -> float:
        return max(line.size for line in self.lines)

    @property
    def bold(self) -> bool:
        return all(line.bold for line in self.lines)      # a bold first line over light text is text

    @property
    def box(self) -> Box:
        return Box(min(ln.x0 for ln in self.lines), min(ln.top for ln in self.lines),
                   max(ln.x1 for ln in self.lines), max(ln.bottom for ln in self.lines))

    @property
    def jump(self) -> tuple[str, str] | None:
        """('out' or 'in', the page, its numerals made digits: 第四版 -> '4') for a jump line."""
        m = JUMP.match(self.text.strip())
        if not m:
            return None
        return ("out" if m.group("dir") in ("下转", "转") else "in"), page_number(m.group("page"))


_DIGITS = {c: n for n, c in enumerate("〇一二三四五六七八九")}


def page_number(text: str) -> str:
    """A page number as printed, its Chinese numerals made digits (四 -> 4, 十二 -> 12, 二十 -> 20)."""
    if not text or not all(c in _DIGITS or c == "十" for c in text):
        return text
    if "十" not in text:
        return str(int("".join(str(_DIGITS[c]) for c in text)))
    tens, _, ones = text.partition("十")
    return str((_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0))


#: Lines up to this many times the body size are text, set flush left in their column (a larger line
#: is a headline's, perhaps centred): just under the type :mod:`.front` ranks a deck's (``MID_SIZE``),
#: so a deck wrapped on two lines, the second centred, is not cut in two as paragraphs are.
TEXT_SIZE = 1.07


def _continues(chain: list[Line], line: Line, body: float) -> bool:
    """Whether ``line`` is printed under the run ``chain`` in the same column, in the same type (a short
    line under an indented one is still under the column the run is printed in, even when the run is
    that indented line alone: a paragraph's last word or two start at the column's edge left of it)."""
    prev = chain[-1]
    size = max(prev.size, line.size)
    left, right = min(ln.x0 for ln in chain[-3:]), max(ln.x1 for ln in chain[-3:])
    if 0 < left - line.x0 <= INDENT * 2.5 * size and line.x1 >= left - size:
        left = line.x0                  # the column's edge, an indent left of the paragraph's first line
    overlap = min(right, line.x1) - max(left, line.x0)
    flush = size > TEXT_SIZE * body or abs(prev.x0 - line.x0) <= INDENT * 2.5 * size
    return (0 <= line.top - prev.bottom <= LINE_GAP * size and abs(prev.size - line.size) <= 0.05 * size
            and (prev.bold == line.bold or _run_in(prev, line))
            and overlap > 0.5 * min(right - left, line.width) and flush)


def _run_in(prev: Line, line: Line) -> bool:
    """A paragraph's first line set in bold (a lead's dateline, 本报讯（记者X）) over the rest of it in light
    type: the bold line is indented and runs to the column's edge, the next line starts at the column's
    left. A subheading is a line of its own: short, or centred, with its paragraph indented under it."""
    return prev.bold and not line.bold and prev.x0 - line.x0 >= 0.8 * prev.size and \
        prev.x1 >= line.x1 - prev.size


def make_blocks(lines: list[Line], body: float) -> list[list[TextBlock]]:
    """The page's runs of lines down one column, each cut into its blocks (paragraphs, a headline), in
    order; ``body`` is the size of the text type. A run is read as one piece: what is in it is in order."""
    chains: list[list[Line]] = []
    open_ends: list[list[Line]] = []            # chains whose last line may still be continued
    for line in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        if JUMP.match(line.text):
            chains.append([line])
            continue
        best = None
        for chain in open_ends:
            if _continues(chain, line, body) and (best is None or chain[-1].bottom > best[-1].bottom):
                best = chain
        if best is None:
            best = []
            chains.append(best)
            open_ends.append(best)
        best.append(line)
        open_ends = [c for c in open_ends if c[-1].bottom >= line.top - 3 * line.size]
    return [_paragraphs(chain) if chain[0].size <= TEXT_SIZE * body else [TextBlock(chain)] for chain in chains]


def _paragraphs(chain: list[Line]) -> list[TextBlock]:
    """A column's run of lines cut into paragraphs at an indented line or after a short one."""
    left = min(ln.x0 for ln in chain)
    right = max(ln.x1 for ln in chain)
    out = [TextBlock([chain[0]])]
    for prev, line in zip(chain, chain[1:], strict=False):
        indented = line.x0 - left >= INDENT * line.size
        short = right - prev.x1 >= SHORT_END * prev.size
        if (indented or short) and len(chain) > 1:
            out.append(TextBlock([line]))
        else:
            out[-1].lines.append(line)
    return out
