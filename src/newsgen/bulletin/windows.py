"""A huge bulletin parsed in windows, so import time grows linearly with its size.

The parser compares every headless run with every open article, which is quadratic in the number
of blocks: fine for a newspaper page (5,000 to 20,000 characters), hopeless for a 10 MB file of a
year's bulletins pasted together. Such a text is cut at paragraph breaks into windows of about
:data:`WINDOW` characters, each parsed alone; an article's pieces are printed on the same page, so
they stay in one window, and a tail that a cut strands starts an article of its own in the next
window (flagged as headless, as the parser does). Line numbers stay those of the whole file:
each window is parsed with the lines before it left blank.
"""

from __future__ import annotations

from collections.abc import Iterator

from newsgen.bulletin.model import Parsed
from newsgen.bulletin.parse import dateline, parse

#: Characters in one window: above the largest page seen (17,000), small enough to parse in ~1 s.
WINDOW = 30_000


def windows(text: str, size: int = WINDOW) -> Iterator[tuple[int, str]]:
    """``(lines before, text)`` pieces of at most about ``size`` characters, cut at blank lines.

    Where the window's second half has no blank line (paragraphs one a line), at a line break; a
    single line longer than ``size`` is its own window. Joined with ``"\\n"``, the pieces are the text.
    """
    lines = text.split("\n")
    start = 0
    while start < len(lines):
        length, end, blank = 0, start, None
        while end < len(lines) and (length + len(lines[end]) + 1 <= size or end == start):
            length += len(lines[end]) + 1
            if not lines[end].strip() and length > size // 2:
                blank = end
            end += 1
        if end < len(lines) and blank is not None:
            end = blank + 1
        yield start, "\n".join(lines[start:end])
        start = end


def parse_windows(text: str, size: int = WINDOW) -> Parsed:
    """:func:`parse` for a text of any size: one parse when it fits one window, else one per window."""
    if len(text) <= size:
        return parse(text)
    merged = Parsed(drafts=[], dateline=dateline(text))
    for before, piece in windows(text, size):
        if not piece.strip():
            continue
        part = parse("\n" * before + piece)
        merged.drafts += part.drafts
        merged.unplaced += part.unplaced
        merged.warnings += part.warnings
    return merged
