"""Layout cues: what the page says about a block, for a bulletin read from a PDF (:mod:`newsgen.pdf`).

A text bulletin has none of this and parses as before. From a PDF, each block comes with its size
rank (the type it is set in, against the page's text type), weight, frame, the columns it spans and
whether a rule is printed over it: what an editor sees before reading a word. :func:`apply` turns a
cue into the block's features, so the one parser's rules read it as they read text cues: a line set in
a headline's type is a headline line (a kicker over the title, a deck under it), a paragraph set in
the text type never is, page furniture and jump lines are set aside.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsgen.bulletin.blocks import Features

#: Size ranks.
TITLE = "title"            # the headline's main line(s): the largest type of its group
KICKER = "kicker"          # a headline line over the title, in smaller type (引题)
DECK = "deck"              # a headline line under the title, in smaller type (副题)
SUBHEADING = "subheading"  # a heading in running text: bold or a little larger than the text type
BODY = "body"              # the text type
CAPTION = "caption"        # smaller than the text type: a caption, a credit, a note
FURNITURE = "furniture"    # page furniture: the paper's name, the date, the page number, an advertisement
JUMP = "jump"              # a jump line: 下转第2版, 上接第1版
HEADLINE_RANKS = (TITLE, KICKER, DECK)


@dataclass(frozen=True)
class Layout:
    """Where and how a block is printed."""

    rank: str
    page: int = 1
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)   # x0, top, x1, bottom in points
    size: float = 0.0
    bold: bool = False
    framed: bool = False       # inside a box (a boxed article, a sidebar)
    spans: int = 1             # how many text columns it spans
    rule_above: bool = False   # a rule line printed right over it
    file: str = ""
    story: int | None = None   # the story it is printed in: a headline and what is printed under it


def apply(f: Features, cue: Layout) -> None:
    """The block's features, corrected by what its type says (the shape cues stay for the rest)."""
    f.layout = cue
    if cue.rank in HEADLINE_RANKS or cue.rank == SUBHEADING:
        f.candidate = f.headline_shaped = True
        f.weak = f.question = f.long_head = False
        f.furniture = f.end_matter = None
        f.credit = f.closing = f.note = f.signature = f.ends_open = False
        f.tail_byline, f.tail_authors = None, []
        f.starts_lead = f.wire_lead = False
        f.kicker_shaped = cue.rank == KICKER
        f.subtitle_shaped = cue.rank == DECK
    elif cue.rank in (BODY, CAPTION):
        # text type is never a headline line, however short: a paragraph, a caption, a credit
        f.candidate = f.weak = f.question = f.long_head = False
        f.kicker_shaped = f.subtitle_shaped = False
    elif cue.rank == FURNITURE:
        f.furniture = f.furniture or "page furniture"
        f.candidate = False
    elif cue.rank == JUMP:
        f.furniture = "jump line"
        f.candidate = False


def rank(item_feat: Features) -> str | None:
    """The size rank of a block read from a PDF; None in a text bulletin."""
    return item_feat.layout.rank if isinstance(item_feat.layout, Layout) else None
