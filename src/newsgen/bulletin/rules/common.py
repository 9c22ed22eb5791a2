"""What more than one rule reads: the shared thresholds (WINDOW, ATTACH_MIN...) and small helpers over
sections (a section's title, a subheading's roles, the open articles before a section).

The bottom of the rules package: it imports no rule module, so any rule module may import it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from newsgen.bulletin import layout
from newsgen.bulletin.sections import Item, Role, Section, State

Rule = Callable[[State], None]

#: How many sections either side a tail, a continuation or a displaced headline is looked for: a bulletin
#: prints an article's pieces within a page or two of each other, and the bound keeps the assembler linear
#: in the length of the bulletin (every search is over a window, never over all sections).
WINDOW = 40

#: A kicker line is a displaced headline when a headless run matches it this much better than its own body.
KICKER_MARGIN = 0.05
#: A subheading is at most this many lines (two lines under a running article are a new kicker and title).
SUBHEAD_LINES = 1
#: A headless run attaches to an open article (or a displaced headline) only above this.
ATTACH_MIN = 0.06

#: A column tag closing a headline line: …（办实事 解民忧）. Nothing follows it in the headline.
COLUMN_TAG = re.compile(r"[（(][^（）()]{2,20}[）)]$")


def _trails(item: Item) -> bool:
    """A block with no text of its own, printed under an article's last paragraph and never opening
    one: a bare credit line, a note line (label：value), a bracketed sign-off, end matter (a navigation
    label and the links it lists, a source note, a credits line: endmatter.kind)."""
    bare_credit = item.feat.credit and "\n" not in item.block.text
    return bare_credit or (item.feat.note and not item.feat.candidate) or item.feat.closing or \
        bool(item.feat.end_matter)


def _title(section: Section) -> str:
    return next((i.text for i in section.head if i.role is Role.TITLE), section.head[0].text if section.head else "")


def _open_articles(state: State, before: int) -> list[tuple[int, Section]]:
    """Headed articles not signed off, among the WINDOW sections before ``before``."""
    start = max(0, before - WINDOW)
    return [(start + n, s) for n, s in enumerate(state.sections[start:before]) if s.head and s.body and not s.closed]


#: A subheading with a comma in it is a pair of short phrases (一个政策，一盘大棋), well under this many
#: characters; a line of prose cut at a column break that holds a comma runs the column's width.
CUT_LINE_MIN = 22


def _cut_prose(item: Item) -> bool:
    """A heading-shaped line that is the first part of a paragraph cut at a column break: it holds a
    clause's comma, ends open (no sentence end) and is longer than a subheading with a comma is. It
    stays a paragraph, joined with the text it runs on into, never a subheading no editor wrote."""
    text = item.text.strip()
    return ("，" in text or "," in text) and len(text) >= CUT_LINE_MIN and item.feat.ends_open


def _as_subhead(section: Section) -> list[Item]:
    """A headline group kept inside the article above: its lines become subheadings, except a
    sentence-long line or a line of prose cut at a column break, which stay paragraphs."""
    for item in section.head:
        item.role = Role.BODY if item.feat.weak or _cut_prose(item) else Role.SUB
    return section.head + section.body


def _subhead_group(sec: Section) -> bool:
    """A headline group that may be a subheading: one or two lines (a label over a subheading), with
    text under it, no kicker's colon and no column tag (a column tag marks a headline)."""
    if any(layout.rank(i.feat) in layout.HEADLINE_RANKS for i in sec.head):
        return False     # set in a headline's type on the page: it heads an article
    return (1 <= len(sec.head) <= SUBHEAD_LINES or _labelled_subhead(sec) or _question_subhead(sec)) and \
        bool(sec.body) and \
        not any(i.feat.kicker_shaped for i in sec.head) and not COLUMN_TAG.search(sec.head[-1].text)


#: A label printed over a subheading (某某讲述 over the part's heading) is at most this long.
LABEL_MAX = 6


def _labelled_subhead(sec: Section) -> bool:
    """Two lines, a short label over a longer heading: a part of a feature may be labelled so (whose
    account it is), where a kicker over a headline is a phrase of its own. The fitted model decides."""
    return len(sec.head) == 2 and len(sec.head[0].text) <= LABEL_MAX < len(sec.head[1].text) and \
        not sec.head[1].feat.subtitle_shaped


#: Both lines of a two-line subheading that states and then asks are at most this long (characters).
QUESTION_PAIR_MAX = 14


def _question_subhead(sec: Section) -> bool:
    """Two short lines, a statement over a question (局势持续紧张 / 谁在推波助澜？): a feature or an
    interview heads its parts so, the question being what the part answers. A kicker over a headline
    names where or what and its title reports; two lines this short, the second asking, may as well
    be a part's heading, so the fitted model decides."""
    return len(sec.head) == 2 and all(len(i.text) <= QUESTION_PAIR_MAX for i in sec.head) and \
        sec.head[1].text.rstrip().endswith(("？", "?")) and \
        not any(i.feat.subtitle_shaped for i in sec.head)


#: Paragraphs under a headline in which its lead formula is looked for (summary paragraphs may come first).
FORMULA_SPAN = 4


def _awaits_formula(owner: Section) -> bool:
    """A headed article whose text so far is only a few summary paragraphs with no lead formula may
    still receive its formula lead (some papers print summaries between a headline and 本报讯)."""
    return bool(owner.head) and len(owner.body) <= FORMULA_SPAN and not any(i.feat.wire_lead for i in owner.body) \
        and not any(i.feat.starts_lead for i in owner.body)
