"""Rule ``gather_columns``: a short label over items that open alike is one column article."""

from __future__ import annotations

import re

from newsgen.bulletin.sections import Item, Role, Section, State

#: A column label over a run of items (栏目名): a short plain line, no punctuation, no space.
COLUMN_LABEL = re.compile(r"^[\u3400-\u9fff]{2,6}$")
#: An item of a column of briefs is at most this long (its body, in characters)...
BRIEF_MAX = 320
#: ...and at most this many blocks (a lead, a paragraph or two, a sign-off): a longer item is an article.
BRIEF_BLOCKS = 3
#: A lead tag that opens a brief: the words before the first run of spaces, no date in them.
LEAD_TAG = re.compile(r"^([^\s\d，。：；！？“”（）()]{2,8})\s+\S")


def _item_opening(section: Section) -> str | None:
    """How an item under a column label opens, when that shape can be recognised again in the
    next item: a signature line under the headline (letters, commentary), or, in a short brief
    closed by a sign-off, the dateless lead tag before its first run of spaces."""
    if not section.body:
        return None
    first = section.body[0]
    if first.feat.signature:
        return "signature"
    m = LEAD_TAG.match(first.text)
    brief = section.closed and sum(len(i.text) for i in section.body) <= BRIEF_MAX and len(section.body) <= BRIEF_BLOCKS
    return f"lead {m.group(1)}" if m and brief else None


def gather_columns(state: State) -> None:
    """A short label over an item's headline, followed by more items that open the same way (each
    with a signature line, or each a short brief with the same lead tag), is a column: one article
    titled by the label, each item's headline a subheading. A single item stays kicker + title."""
    k = 0
    while k < len(state.sections):
        sec = state.sections[k]
        label = sec.head[0] if len(sec.head) == 2 and sec.head[0].role is Role.KICKER else None
        shape = _item_opening(sec)
        if label is None or shape is None or label.feat.kicker_shaped or not COLUMN_LABEL.match(label.text):
            k += 1
            continue
        items = [sec]
        while k + len(items) < len(state.sections):
            nxt = state.sections[k + len(items)]
            if len(nxt.head) != 1 or nxt.head[0].feat.kicker_shaped or _item_opening(nxt) != shape:
                break
            items.append(nxt)
        if len(items) >= 2:
            label.role = Role.TITLE
            body: list[Item] = []
            for item in items:
                for line in item.head[-1:]:
                    line.role = Role.SUB
                body += item.head[-1:] + item.body
            state.sections[k:k + len(items)] = [Section(head=[label], body=body, notes=[
                f"line {label.block.first_line}: column label over {len(items)} items that open alike "
                f"({shape}); item headlines kept as subheadings"])]
        k += 1
