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
#: Sizes that differ by more than this share are two lines (a headline beside text; an 8-point caption
#: beside 9-point text, a ninth smaller; an 18-point headline beside a 20-point one, a tenth).
SIZE_CUT = 0.08


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
        # measured from the row's first (highest) bottom, not its last character's: baselines a little
        # apart across the page (columns, captions) must not chain two lines of one column into a row
        if rows and abs(rows[-1][0].bottom - c.bottom) <= BASELINE_SLACK * max(c.size, rows[-1][0].size):
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


def _over_gutter(text_runs: list[list[Char]], left: float, right: float, below: float, body: float) -> bool:
    """Whether the gap from ``left`` to ``right`` holds a gutter of the text printed under ``below``: text
    lines end in it (or just left of it) and start in it (or just right of it), left of where they
    start, and hardly any runs across it (an advertisement further down may). A headline may end short
    of its column, so the gutter need not lie at the gap's middle; the column right of it starts where
    its lines start furthest left (a paragraph's indented first line starts right of that)."""
    near = [r for r in text_runs if below <= r[0].top <= below + GUTTER_DEPTH * body]
    ends = sorted(r[-1].x1 for r in near if left - GUTTER_REACH * body < r[-1].x1 <= right)
    starts = sorted(r[0].x0 for r in near if left <= r[0].x0 < right + GUTTER_REACH * body)
    if len(ends) < 2 or len(starts) < 2:
        return False
    end, start = ends[len(ends) // 2], starts[0]     # the column's left edge: first lines start indented
    if end > start:
        return False
    x = (end + start) / 2
    across = sum(1 for r in near if r[0].x0 < x < r[-1].x1)
    return across * 2 < min(len(ends), len(starts))


def _gaps(run: list[Char], body: float) -> list[tuple[float, float]]:
    """The gaps between two characters of a run (no space character in them) wider than a space."""
    return [(prev.x1, c.x0) for prev, c in zip(run, run[1:], strict=False)
            if c.x0 - prev.x1 > SPACE_GAP * body and not prev.text.isspace() and not c.text.isspace()]


def _stacked_gap(gap: tuple[float, float], run: list[Char], heads: list[list[Char]], body: float) -> bool:
    """Whether the line in a headline's type right over or under ``run`` (its type, a line apart) has a
    gap overlapping ``gap``: a white channel down the lines of two headlines printed side by side,
    line by line on shared baselines (one headline's word spaces never line up so)."""
    size = run[0].size
    for other in heads:
        if other is run or abs(other[0].size - size) > SIZE_CUT * size or \
                not 0 < abs(other[0].bottom - run[0].bottom) <= 2 * size:
            continue
        if any(min(a1, gap[1]) - max(a0, gap[0]) > 0 for a0, a1 in _gaps(other, body)):
            return True
    return False


def _cut_at_gutters(runs: list[list[Char]], body: float) -> list[list[Char]]:
    """Lines in a headline's type cut where a gap between two characters (no space character in it)
    lies over a gutter between the text columns under it, or lines up with a gap of the headline line
    over or under it: two headlines printed side by side on one baseline (their gap, a gutter, is
    narrower than a headline's word space)."""
    text_runs = [r for r in runs if abs(r[0].size - body) <= SIZE_CUT * body and len(r) >= 4]
    heads = [r for r in runs if r[0].size > 1.3 * body]
    out: list[list[Char]] = []
    for run in runs:
        if run[0].size <= 1.3 * body:
            out.append(run)
            continue
        piece = [run[0]]
        below = max(c.bottom for c in run)
        ink = run[0]            # the last character with ink
        for prev, c in zip(run, run[1:], strict=False):
            # a gap wider than a space, not filled by a space character (a headline's word space is):
            # from the last ink, for a space ending the headline left of it does not fill the gap
            if not c.text.isspace():
                gap = (ink.x1, c.x0)
                if c.x0 - prev.x1 > SPACE_GAP * body and not ink.text.isspace() and \
                        (_over_gutter(text_runs, ink.x1, c.x0, below, body) or _stacked_gap(gap, run, heads, body)):
                    out.append(piece)
                    piece = []
                ink = c
            piece.append(c)
        out.append(piece)
    return out
