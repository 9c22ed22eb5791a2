"""Characters -> lines: the characters of one baseline, cut where a gap is wider than a column's gutter
or the size changes (two columns, or a headline beside text, are never one line)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from newsgen.pdf.chars import Char


def text_size(chars: list[Char]) -> float:
    """The text type's size: the size most characters are set in."""
    sizes: Counter[float] = Counter(round(c.size, 1) for c in chars if not c.text.isspace())
    return sizes.most_common(1)[0][0] if sizes else 10.0

#: Characters whose bottoms differ by at most this share of their size sit on one baseline.
BASELINE_SLACK = 0.3
#: A gap wider than this many times the size between two characters cuts the line (a gutter): text is
#: set solid or letter-spaced by far less; a headline's words may stand a space or two apart.
GAP_CUT = 0.8
HEAD_GAP_CUT = 2.2
#: A gap wider than this many times the size inside a line is a space (a headline's words set apart).
SPACE_GAP = 0.4
#: A gutter under a headline's line is looked for in the text this many text sizes under it, where
#: lines end (and start) at most this many text sizes from it.
GUTTER_DEPTH = 40
GUTTER_REACH = 3
#: A line is bold when this share of its characters is (a lead's dateline in bold leaves its line light).
BOLD_SHARE = 0.9
#: Sizes that differ by more than this share are two lines (a headline beside text).
SIZE_CUT = 0.12


@dataclass
class Line:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    font: str

    @property
    def width(self) -> float:
        return self.x1 - self.x0


def _line(chars: list[Char]) -> Line:
    """One line of characters (in order); a wide gap between two is written as a space."""
    sizes = Counter(c.size for c in chars if not c.text.isspace())
    size = sizes.most_common(1)[0][0] if sizes else chars[0].size
    ink = [c for c in chars if not c.text.isspace()] or chars
    bold = sum(1 for c in ink if c.bold) >= BOLD_SHARE * len(ink)   # a bold dateline opening a lead is not
    font = Counter(c.font for c in ink).most_common(1)[0][0]
    parts = [chars[0].text]
    for prev, c in zip(chars, chars[1:], strict=False):
        if c.x0 - prev.x1 > SPACE_GAP * max(c.size, prev.size) and not (c.text.isspace() or prev.text.isspace()):
            parts.append(" ")
        parts.append(c.text)
    text = "".join(parts).strip()
    return Line(text, min(c.x0 for c in ink), min(c.top for c in ink), max(c.x1 for c in ink),
                max(c.bottom for c in ink), size, bold, font)


def make_lines(chars: list[Char], body: float = 0.0) -> list[Line]:
    """The page's lines, top to bottom and left to right; ``body`` is the text type's size (type much
    larger than it, a headline's, may set its words further apart)."""
    rows: list[list[Char]] = []
    for c in sorted(chars, key=lambda c: (c.bottom, c.x0)):
        if rows and abs(rows[-1][-1].bottom - c.bottom) <= BASELINE_SLACK * max(c.size, rows[-1][-1].size):
            rows[-1].append(c)
        else:
            rows.append([c])
    runs: list[list[Char]] = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        run: list[Char] = [row[0]]
        for c in row[1:]:
            ink = next((x for x in reversed(run) if not x.text.isspace()), run[-1])
            size = max(ink.size, c.size)
            cut = HEAD_GAP_CUT if body and size > 1.3 * body else GAP_CUT
            if c.x0 - run[-1].x1 > cut * size or \
                    not c.text.isspace() and abs(c.size - ink.size) > SIZE_CUT * size:
                if any(not x.text.isspace() for x in run):
                    runs.append(run)
                run = []
            run.append(c)
        if any(not c.text.isspace() for c in run):
            runs.append(run)
    if body:
        runs = _cut_at_gutters(runs, body)
    return sorted((_line(run) for run in runs), key=lambda ln: (ln.top, ln.x0))


def _over_gutter(text_runs: list[list[Char]], x: float, below: float, body: float) -> bool:
    """Whether ``x`` lies over a gutter of the text printed under ``below``: text lines end just left of
    it and start just right of it, and hardly any runs across it (an advertisement further down may)."""
    near = [r for r in text_runs if below <= r[0].top <= below + GUTTER_DEPTH * body]
    across = sum(1 for r in near if r[0].x0 < x < r[-1].x1)
    ends = sum(1 for r in near if x - GUTTER_REACH * body < r[-1].x1 <= x)
    starts = sum(1 for r in near if x <= r[0].x0 < x + GUTTER_REACH * body)
    return ends >= 2 and starts >= 2 and across * 2 < min(ends, starts)


def _cut_at_gutters(runs: list[list[Char]], body: float) -> list[list[Char]]:
    """Lines in a headline's type cut where a gap between two characters (no space character in it)
    lies over a gutter between the text columns under it: two headlines printed side by side on one
    baseline (their gap, a gutter, is narrower than a headline's word space)."""
    text_runs = [r for r in runs if abs(r[0].size - body) <= SIZE_CUT * body and len(r) >= 4]
    out: list[list[Char]] = []
    for run in runs:
        if run[0].size <= 1.3 * body:
            out.append(run)
            continue
        piece = [run[0]]
        below = max(c.bottom for c in run)
        for prev, c in zip(run, run[1:], strict=False):
            if c.x0 - prev.x1 > SPACE_GAP * body and not prev.text.isspace() and not c.text.isspace() and \
                    _over_gutter(text_runs, (prev.x1 + c.x0) / 2, below, body):
                out.append(piece)
                piece = []
            piece.append(c)
        out.append(piece)
    return out
