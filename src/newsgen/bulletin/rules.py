"""The assembler's rules: an ordered list of small functions over a :class:`State`.

Each rule reads and rewrites ``state.sections`` and explains what it decided in the
section's ``notes`` (or warns). Rules use only the *kind* of evidence an editor uses —
headline shape, sign-offs, news-lead openings, mid-sentence ends and lexical
similarity — never a particular word, place or name.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from newsgen.bulletin.blocks import HEAD_TAG, HEADLINE_LINES
from newsgen.bulletin.endmatter import LISTED_LINK, NAVIGATION, lists_links, under_text
from newsgen.bulletin.model import ParseWarning
from newsgen.bulletin.scorer import glued_cues, headline_cues, model, note_neighbours, orphan_cues
from newsgen.bulletin.sections import Item, Role, Section, State
from newsgen.bulletin.similarity import cosine, grams

Rule = Callable[[State], None]

#: How many sections either side a tail, a continuation or a displaced headline is looked for: a bulletin
#: prints an article's pieces within a page or two of each other, and the bound keeps the assembler linear
#: in the length of the bulletin (every search is over a window, never over all sections).
WINDOW = 40
#: A continuation whose article above was cut mid-sentence and which itself opens mid-sentence gains this.
OPEN_JOIN_BONUS = 0.03
#: ...and this more when the two characters either side of the cut make a word the bulletin writes
#: elsewhere: a paragraph cut mid-word is completed by the block that starts mid-word (chosen on the
#: generated training bulletins: 0.06 over 0.03 and 0.1).
WORD_JOIN_BONUS = 0.06
#: A kicker line is a displaced headline when a headless run matches it this much better than its own body.
KICKER_MARGIN = 0.05
#: A subheading is at most this many lines (two lines under a running article are a new kicker and title).
SUBHEAD_LINES = 1
#: A headless run attaches to an open article (or a displaced headline) only above this.
ATTACH_MIN = 0.06
#: A displaced headline is a handful of words: its cosine with the body it heads runs lower than a whole
#: article's with its own tail, so it is weighed up by this factor against continuations (chosen on
#: one-subject bulletins generated from the training articles, where the two compete most).
HEADLINE_WEIGHT = 1.5
#: A headless run that opens like a lead (a date, 据某社报道, 当地时间) is an article's start, as a displaced
#: headline's body is, more often than the middle of an article, as a moved tail is: it gains this
#: against a displaced headline.
HEADLINE_LEAD_BONUS = 0.05
#: Below this, an attachment is reported as low-confidence.
ATTACH_SURE = 0.12
#: A last paragraph shorter than this (characters, a one-line closing sentence) is split off as a glued
#: tail only when it reads like another article at least GLUE_MIN: a name or two shared is no evidence.
SHORT_TAIL = 40
#: A glued tail is split off when it matches elsewhere at least this well...
GLUE_MIN = 0.10
#: ...and this many times better than its own start (plus this margin).
GLUE_RATIO = 2.5
GLUE_MARGIN = 0.02
#: Where to cut a glued run: the tail's likeness elsewhere, less this many times its likeness to its own
#: start, plus this bonus where the tail opens with a lead formula (it opens an article).
OWN_WEIGHT = 2.0
LEAD_BONUS = 0.1
#: A tail whose likeness to its own start is at most this share of its likeness elsewhere is a stranger.
STRANGER_OWN = 0.25
#: A tail that shares this many specifics (name or figure trigrams found nowhere else) with an open
#: article, and none with its own start, is that article's continuation even when worded unlike it...
SPECIFIC_MIN = 2
#: ...provided it reads at least this much like that article, and at most half as much like its own start.
SPECIFIC_COS = 0.04
#: A web or mail address: a contact line, printed alike under every item of a column.
ADDRESS = re.compile(r"@|https?:|www\.|\.com|\.cn")
#: A kicker line this similar to the body under it is about that body: never a displaced headline.
KICKER_OWN_MAX = 0.06
#: A column label over a run of items (栏目名): a short plain line, no punctuation, no space.
COLUMN_LABEL = re.compile(r"^[\u3400-\u9fff]{2,6}$")
#: An item of a column of briefs is at most this long (its body, in characters) and this many blocks.
BRIEF_MAX = 320
BRIEF_BLOCKS = 3
#: A lead tag that opens a brief: the words before the first run of spaces, no date in them.
LEAD_TAG = re.compile(r"^([^\s\d，。：；！？“”（）()]{2,8})\s+\S")
#: A section number over a subheading (1, 二, 第3计, （四）, Part 2): it numbers the parts of one article.
SECTION_NUMBER = re.compile(r"^(?:[（(]?(?:\d{1,2}|[一二三四五六七八九十]{1,3})[）)]?[、.．]?|"
                            r"第[一二三四五六七八九十百\d]{1,4}[计章节部分篇回期季站]?)$")
#: The first item of a numbered list (1. 1、 （1） 一、 ①): text under a heading that opens with it is the
#: list's heading inside an article.
LIST_ITEM = re.compile(r"^(?:[1１][.．、]|[（(][1１一][)）]|一、|①)\s*\S")
#: A bracketed note naming where an article was taken from (which may be printed away from it).
SOURCE_NOTE = re.compile(r"摘编|摘自|转载|来源|原题")
#: A column tag closing a headline line: …（办实事 解民忧）. Nothing follows it in the headline.
COLUMN_TAG = re.compile(r"[（(][^（）()]{2,20}[）)]$")


#: A line wholly in quotation marks that ends a sentence inside them: something said.
SPOKEN = re.compile(r"“[^“”]+[！？。…!?]”")


def _reply(item: Item, prev: Item | None) -> bool:
    """A line that is wholly something said, right under a paragraph that ends with a quotation: a
    reply in a dialogue (“哪里哪里！” under “…以后向你多学习请教……”), not a headline."""
    return prev is not None and not prev.feat.candidate and prev.text.endswith("”") and \
        bool(SPOKEN.fullmatch(item.text))


def _is_candidate(item: Item, prev: Item | None, nxt: Item | None = None) -> bool:
    if not item.feat.candidate or _reply(item, prev):
        return False
    if item.feat.kicker_shaped and not (nxt is not None and nxt.feat.candidate):
        return False     # a line ending in ： over text introduces it (a speaker, a list): no headline under it
    if item.feat.long_head:   # longer than a headline line: only over an outlet's lead formula
        return nxt is not None and nxt.feat.wire_lead and (prev is None or not prev.feat.ends_open)
    if item.feat.weak:   # sentence-long: a headline only after a sign-off, at the top, over a wire lead,
        # or as the bulletin's last line after a closed sentence (a headline displaced to the end)
        if prev is None or prev.closes or (nxt is None and not prev.feat.ends_open):
            return True
        if item.feat.question:     # a question with a comma heads an article only over an outlet's formula
            return nxt is not None and nxt.feat.wire_lead
        return prev.feat.candidate or (nxt is not None and nxt.feat.starts_lead)
    return True


#: A headline line with this many commas is a run of clauses: a deck under the title, not the title.
DECK_COMMAS = 2


def _deck_line(item: Item) -> bool:
    return item.text.count("，") + item.text.count(",") >= DECK_COMMAS


def _split_group(group: list[Item]) -> tuple[list[Item], list[Item]]:
    """Headline lines of a group of headline-shaped blocks, and the deck lines after them."""
    heads = [group[0]]
    for item in group[1:]:
        last = heads[-1]
        if len(heads) >= HEADLINE_LINES or COLUMN_TAG.search(last.text) and not last.feat.kicker_shaped:
            break
        if item.feat.subtitle_shaped or last.feat.kicker_shaped:
            heads.append(item)
        elif len(heads) == 1 and not item.feat.weak:
            heads.append(item)   # a plain kicker line over the title
        else:
            break
    roles = {1: [Role.TITLE], 2: [Role.KICKER, Role.TITLE], 3: [Role.KICKER, Role.TITLE, Role.SUBTITLE]}[len(heads)]
    if len(heads) == 2 and (heads[1].feat.subtitle_shaped or _deck_line(heads[1]) and not _deck_line(heads[0])):
        roles = [Role.TITLE, Role.SUBTITLE]
    for item, role in zip(heads, roles, strict=True):
        item.role = role
    return heads, group[len(heads):]


def set_aside_furniture(state: State) -> None:
    """Page furniture (a date line, a page marker, an editors' line) is no article's text: it leaves
    the reading order before anything is assembled, so it can neither head an article nor sit between
    the two halves of a broken paragraph. Kept as an unplaced block, and reported. In a bulletin with
    no date line or page marker (a web page's text), an editors' line printed right under an article's
    text is that article's end matter instead (endmatter.under_text)."""
    kept: list[Item] = []
    # a bulletin with a date line or a page marker is a printed page's: its editors' line is furniture too
    printed = any(i.feat.furniture in ("date line", "page marker") for i in state.items)
    for n, item in enumerate(state.items):
        if not printed and under_text(item, state.items[n - 1] if n else None):
            kept.append(item)      # end matter of the article above, not page furniture
            continue
        if item.feat.furniture:
            state.unplaced.append(item)
            state.warnings.append(ParseWarning(item.block.first_line, f"page furniture ({item.feat.furniture}) "
                                               "set aside: not article text"))
        else:
            kept.append(item)
    state.items = kept


def _trails(item: Item) -> bool:
    """A block with no text of its own, printed under an article's last paragraph and never opening
    one: a bare credit line, a note line (label：value), a bracketed sign-off, end matter (a navigation
    label and the links it lists, a source note, a credits line: endmatter.kind)."""
    bare_credit = item.feat.credit and "\n" not in item.block.text
    return bare_credit or (item.feat.note and not item.feat.candidate) or item.feat.closing or \
        bool(item.feat.end_matter)


def build_sections(state: State) -> None:
    """Headline groups open sections; a sign-off (byline) ends one, so what follows it is headless.
    A bare credit line right under a headline is the article's opening byline; anywhere else it closes
    the article above it (a credit line, a note line or a sign-off printed after a sign-off still belongs
    to the article signed off)."""
    items, sections = state.items, state.sections
    current: Section | None = None
    i = 0
    while i < len(items):
        prev = items[i - 1] if i else None
        if _is_candidate(items[i], prev, items[i + 1] if i + 1 < len(items) else None):
            trailing = _trailing_lines(items, i) if current is not None and current.body else 0
            if trailing:
                listed = items[i - 1].feat.end_matter == NAVIGATION and lists_links(items[i - 1].text)
                for item in items[i:i + trailing]:
                    item.own_line = True
                    item.feat.end_matter = LISTED_LINK if listed else item.feat.end_matter
                current.body += items[i:i + trailing]   # type: ignore[union-attr]
                current.notes.append(f"lines {items[i].block.first_line}-{items[i + trailing - 1].block.last_line}: "
                                     f"{trailing} headline-shaped lines with no lead under them (links, notes): "
                                     "kept with the article above")
                i += trailing
                continue
            j = i + 1
            while j < len(items) and items[j].feat.candidate and j - i <= HEADLINE_LINES and \
                    not _introduces_text(items, j):
                j += 1
            if current is not None and current.body and not current.closed and \
                    (_end_matter_over(items[i:j]) or _question_over(items[i:j])):
                current.body.append(items[i])
                current.notes.append(f"line {items[i].block.first_line}: a sentence over a headline is the last "
                                     "paragraph of the article above, not a headline line")
                i += 1
                continue
            heads, deck = _split_group(items[i:j])
            current = Section(head=heads, body=list(deck))
            sections.append(current)
            i += len(heads) + len(deck)
            continue
        item = items[i]
        if item.feat.credit and current is not None and current.head and \
                all(b.feat.headline_shaped for b in current.body):
            item.opening = True
        elif current is None or current.closed and not ((item.feat.credit or _trails(item)) and current.body) \
                or _opens_unsigned(item, current):
            current = Section()
            sections.append(current)
        current.body.append(item)
        i += 1


def _end_matter_over(group: list[Item]) -> bool:
    """Three headline-shaped lines, none a kicker's (：) or a subtitle's (——), the last a short title
    with no comma, the first a clause and a comma: the first is a sentence ending the text above (a
    closing question, a quotation), printed over a kicker and its title. A third headline line is a
    deck under the title, never a short title under two lines."""
    if len(group) != HEADLINE_LINES or any(i.feat.kicker_shaped or i.feat.subtitle_shaped for i in group):
        return False
    first, last = group[0], group[-1]
    return "，" in first.text and "，" not in last.text and not last.feat.weak and \
        len(last.text) < len(group[1].text)


def _question_over(group: list[Item]) -> bool:
    """A question over more headline lines: a question asked at the end of the text above (a feature's
    turn to its next part), not a kicker; a kicker states where or what, it does not ask."""
    return len(group) >= 2 and group[0].text.endswith(("？", "?"))


def _introduces_text(items: list[Item], j: int) -> bool:
    """A line ending in ： under a headline with text (no headline line) under it introduces that text (a
    letter's salutation, a speaker, a list): a kicker always stands over a title, so it is no headline line."""
    return items[j].feat.kicker_shaped and not (j + 1 < len(items) and items[j + 1].feat.candidate)


def _trailing_lines(items: list[Item], i: int) -> int:
    """How many of the headline-shaped lines from ``i`` on are end matter of the article above (related
    links, notes) rather than a headline: a headline is at most HEADLINE_LINES lines over a lead, so of a
    longer run of such lines only the last line (with a kicker line over it) may head the next article."""
    j = i
    while j < len(items) and items[j].feat.candidate and not items[j].feat.weak:
        j += 1
    run = j - i
    if i and items[i - 1].feat.end_matter == NAVIGATION and lists_links(items[i - 1].text):
        # under a label that lists links (相关阅读, 延伸阅读：) headline-shaped lines, sentence-long or not, are the
        # links it lists: all of them but the last one or two, when text follows (the next article's
        # headline over its lead)
        j = i
        while j < len(items) and items[j].feat.candidate:
            j += 1
        run = j - i
        if j == len(items) or _trails(items[j]):
            return run
        # the next headline starts at its kicker (：, ——) among the run's last lines, else at its last line
        kicker = next((k for k in range(max(i, j - HEADLINE_LINES), j) if items[k].feat.kicker_shaped), None)
        keep = j - kicker if kicker is not None else 2 if run >= 2 and items[j - 1].feat.subtitle_shaped else 1
        return max(run - keep, 0)
    if run <= HEADLINE_LINES:
        return 0
    keep = 2 if items[j - 2].feat.kicker_shaped or items[j - 1].feat.subtitle_shaped else 1
    return run - keep


def _opens_unsigned(item: Item, current: Section) -> bool:
    """An outlet's lead formula (某网消息：, 本报讯, 某社X月X日电) starts an article even when the one
    before it was never signed off, when the running article has had its own formula lead: the
    formula opens each article of this bulletin, so a second one is the next article. (Under a
    headline, summary paragraphs may come before the formula: that is still the same article.)"""
    if not item.feat.wire_lead or not current.body or current.body[-1].feat.ends_open:
        return False
    return any(b.feat.wire_lead for b in current.body)


def _title(section: Section) -> str:
    return next((i.text for i in section.head if i.role is Role.TITLE), section.head[0].text if section.head else "")


def _open_articles(state: State, before: int) -> list[tuple[int, Section]]:
    """Headed articles not signed off, among the WINDOW sections before ``before``."""
    start = max(0, before - WINDOW)
    return [(start + n, s) for n, s in enumerate(state.sections[start:before]) if s.head and s.body and not s.closed]


def _as_subhead(section: Section) -> list[Item]:
    for item in section.head:
        item.role = Role.BODY if item.feat.weak else Role.SUB   # a sentence-long line is a paragraph, not a heading
    return section.head + section.body


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


def _subhead_group(sec: Section) -> bool:
    """A headline group that may be a subheading: one or two lines (a label over a subheading), with
    text under it, no kicker's colon and no column tag (a column tag marks a headline)."""
    return (1 <= len(sec.head) <= SUBHEAD_LINES or _labelled_subhead(sec)) and bool(sec.body) and \
        not any(i.feat.kicker_shaped for i in sec.head) and not COLUMN_TAG.search(sec.head[-1].text)


#: A label printed over a subheading (某某讲述 over the part's heading) is at most this long.
LABEL_MAX = 6


def _labelled_subhead(sec: Section) -> bool:
    """Two lines, a short label over a longer heading: a part of a feature may be labelled so (whose
    account it is), where a kicker over a headline is a phrase of its own. The fitted model decides."""
    return len(sec.head) == 2 and len(sec.head[0].text) <= LABEL_MAX < len(sec.head[1].text) and \
        not sec.head[1].feat.subtitle_shaped


#: Paragraphs under a headline in which its lead formula is looked for (summary paragraphs may come first).
FORMULA_SPAN = 4


#: An article's summary over its lead formula is at most this many paragraphs: an article above with
#: more text than that and no formula is not waiting for one.
SUMMARY_MAX = 2 * FORMULA_SPAN


def _formula_again(sec: Section, prev: Section) -> bool:
    """A lead formula (本报讯, 某社X月X日电) opens an article once: a headline with one among the first
    paragraphs under it, below an article that has had its own, opens the next article (some papers
    print summary paragraphs between a headline and its formula)."""
    return any(i.feat.wire_lead for i in sec.body[:FORMULA_SPAN]) and \
        (any(i.feat.wire_lead for i in prev.body) or len(prev.body) > SUMMARY_MAX)


def _under_summarised_lead(prev: Section) -> bool:
    """Whether the running article's last paragraph is its lead formula (本报讯…), printed after summary
    paragraphs under its headline: a report goes on under its lead before any subheading, so a heading
    right here is the next article's (the report's text was printed elsewhere, a moved tail)."""
    last = prev.body[-1]
    before = [i for i in prev.body[:-1] if i.role is Role.BODY]
    return bool(prev.head) and last.role is Role.BODY and last.feat.wire_lead and not last.feat.ends_open and \
        0 < len(before) <= FORMULA_SPAN and not any(i.feat.wire_lead or i.feat.starts_lead for i in before)


def _tag_again(sec: Section, prev: Section) -> bool:
    """A heading that opens with the column tag of the running article's headline is the column's next
    article: a subheading never repeats its own article's tag."""
    if not prev.head:
        return False
    m, n = HEAD_TAG.match(_title(sec)), HEAD_TAG.match(_title(prev))
    return bool(m and n and m.group(0) == n.group(0))


def _opens_by_rule(sec: Section, prev: Section) -> str | None:
    """Why the headline group ``sec`` opens an article under the running article ``prev`` whatever the
    fitted model would say, or None to let the model decide."""
    if _tag_again(sec, prev):
        return "the column tag of the article above's headline again"
    if _formula_again(sec, prev):
        return "a lead formula under it, and the article above had its own"
    if _under_summarised_lead(prev) and not sec.head[0].feat.weak:
        return "printed right under the summary and lead formula of the article above, whose text went elsewhere"
    return None


def resolve_subheads(state: State) -> None:
    """A headline group inside a running article is a subheading when the fitted model says it does
    not open an article (no lead under it, same topic and names, shorter than the article's title...).
    After a sign-off, a lone headline with no lead that reads like an open article is the first line
    of a continuation (a headless run that starts with a subheading)."""
    note_neighbours(state)
    k = 1
    while k < len(state.sections):
        sec, prev = state.sections[k], state.sections[k - 1]
        if sec.head and SECTION_NUMBER.match(sec.head[0].text) and prev.body:
            prev.notes.append(f"line {sec.head[0].block.first_line}: numbered part of the article "
                              f"('{sec.head[0].text}'), its headline lines kept as subheadings")
            prev.body += _as_subhead(sec)
            del state.sections[k]
            continue
        if not _subhead_group(sec):
            k += 1
            continue
        running = bool(prev.body) and not prev.closed
        if running and LIST_ITEM.match(sec.body[0].text):
            prev.notes.append(f"line {sec.head[0].block.first_line}: subheading over a numbered list "
                              f"('{sec.head[0].text}'): an article never opens with item 1")
            prev.body += _as_subhead(sec)
            del state.sections[k]
            continue
        if running:
            reason = _opens_by_rule(sec, prev)
            if reason:
                sec.notes.append(f"line {sec.head[0].block.first_line}: opens an article ({reason})")
            else:
                cues = headline_cues(state, k)
                p_new = model("opens_article").probability(cues)
                if not state.decide("opens_article", cues, sec.head, p_new):
                    prev.notes.append(f"line {sec.head[0].block.first_line}: subheading "
                                      f"(p(new article) {p_new:.2f}, cosine {cues['cohesion']:.2f} with the "
                                      "running article)")
                    prev.body += _as_subhead(sec)
                    del state.sections[k]
                    continue
        elif prev.closed and len(sec.head) == 1:
            opened = _open_articles(state, k)
            best = max(((state.cosine(sec.text(), o.text()), o) for _, o in opened), key=lambda p: p[0], default=None)
            if best is not None:
                cues = {"cohesion": best[0], "lead": float(sec.body[0].feat.starts_lead),
                        "wire": float(sec.body[0].feat.wire_lead)}
                p_new = model("opens_after_signoff").probability(cues)
                if not state.decide("opens_after_signoff", cues, sec.head, p_new):
                    state.sections[k] = Section(body=_as_subhead(sec), notes=[
                        f"line {sec.head[0].block.first_line}: subheading opening a continuation "
                        f"(p(new article) {p_new:.2f}, cosine {best[0]:.2f} with '{_title(best[1])}')"])
        k += 1


#: Paragraphs under a heading whose names are compared with the feature's.
ECHO_SPAN = 3
#: A part of a feature shares at least this many specifics (names, places, figures) with the article
#: above it that no text outside the run of parts holds...
PART_SPECIFICS = 3
#: ...in a series of at least this many parts (parallel subheadings), each heading shorter than this
#: share of the feature's title (a subheading is cut shorter than the title it serves).
PART_RUN = 2
PART_RATIO = 0.8
#: Parallel subheadings are cut alike: each within this many characters of the first one's length.
PART_ALIKE = 3


def _part_shaped(sec: Section) -> bool:
    """A heading that may head a part of a feature: one line (or a label over one), text under it that
    opens no news lead and has no lead formula in its first paragraphs, and no sign-off under its
    first paragraph (a part runs on)."""
    return _subhead_group(sec) and not sec.body[0].feat.starts_lead and \
        not any(i.feat.wire_lead or i.feat.lead_byline for i in sec.body[:FORMULA_SPAN])


def _feature(sec: Section) -> bool:
    """A headed article that reads as a feature, not as news: never signed off, and no lead of any kind
    (no formula, no dateline, no time word opening its first paragraph)."""
    return bool(sec.head) and bool(sec.body) and not sec.closed and not sec.body[0].feat.starts_lead and \
        not any(i.feat.wire_lead or i.feat.lead_byline for i in sec.body)


def gather_feature_parts(state: State) -> None:
    """A series of headings under a feature that is never signed off, whose texts open no news lead and
    keep naming what the feature names (names, places, organisations that no article outside the run
    names), the headings cut alike and each shorter than the feature's title, are the feature's parts:
    subheadings of one article, however each was decided alone (a part can read unlike the part before
    it and still name the same district or company)."""
    k = 0
    while k < len(state.sections):
        first = state.sections[k]
        if not _feature(first):
            k += 1
            continue
        end = k + 1
        while end < len(state.sections) and _part_shaped(state.sections[end]) and \
                not state.sections[end - 1].closed and \
                abs(len(_title(state.sections[end])) - len(_title(state.sections[k + 1]))) <= PART_ALIKE:
            end += 1
        if end - k - 1 < PART_RUN:
            k += 1
            continue
        run = frozenset(i.block.index for s in state.sections[k:end] for i in s.head + s.body)
        while k + 1 < end:
            part = state.sections[k + 1]
            shared = state.shared(part.body[:ECHO_SPAN], first.head + first.body, run)
            if shared < PART_SPECIFICS or len(_title(part)) >= PART_RATIO * len(_title(first)):
                break
            first.notes.append(f"line {part.head[0].block.first_line}: a part of the feature ('{_title(part)}'): "
                               f"no lead of its own, {shared} names shared with the article above and "
                               "none outside; kept as a subheading")
            first.body += _as_subhead(part)
            del state.sections[k + 1]
            end -= 1
        k += 1


@dataclass(frozen=True)
class Candidate:
    """Somewhere a glued tail may belong: its text (to compare with), the items it is made of (to
    count shared specifics) and the whole text of its section (to weigh a seam against)."""

    text: str
    items: list[Item]
    article: str


def _whole(sec: Section) -> Candidate:
    return Candidate(sec.text(), sec.head + sec.body, sec.text())


def _displaced_candidates(state: State, k: int) -> list[Candidate]:
    """What may be displaced headlines near section ``k`` (not ``k`` itself): headline-only sections
    and plain kicker lines."""
    out = []
    skip = state.sections[k]
    for sec in state.sections[max(0, k - WINDOW):k + WINDOW + 1]:
        if sec is skip:
            continue
        if sec.head and not sec.body:
            out.append(_whole(sec))
        elif len(sec.head) == 2 and sec.head[0].role is Role.KICKER and not sec.head[0].feat.kicker_shaped:
            out.append(Candidate(sec.head[0].text, sec.head[:1], sec.text()))
    return out


def _open_headless(state: State, before: int) -> list[Candidate]:
    """Headless runs printed earlier and left open: a body whose headline was displaced may
    itself have a tail printed further on."""
    return [_whole(s) for s in state.sections[max(0, before - WINDOW):before] if s.headless and s.body and not s.closed]


def _signed_source(item: Item) -> bool:
    """A bracketed source note that also signs off (（摘编自《某报》）（某某）): it closes the article
    its byline belongs to, which may be another than the text above it. A source line with no names
    ((来源:某网)) stays under the text it is printed under."""
    return item.feat.closing and bool(SOURCE_NOTE.search(item.text)) and bool(item.feat.tail_byline)


def _earliest_seam(state: State, sec: Section, j: int, where: str) -> int:
    """Move a glued tail's seam up over the body blocks that read more like the tail (and the
    article it belongs to) than like this section's own start. The first blocks of a tail are
    often weakly worded, so the blocks are weighed as a run: the seam goes where the summed
    preference for the tail is highest (strictly: a tie keeps the later seam)."""
    best, total, seam = 0.0, 0.0, j
    for m in range(j - 1, 0, -1):
        item = sec.body[m]
        if item.role is not Role.BODY or item.feat.lead_byline:
            break
        above = "\n".join([i.text for i in sec.head] + [i.text for i in sec.body[:m]])
        total += state.cosine(item.text, where) - state.cosine(item.text, above)
        if total > best:
            best, seam = total, m
    return seam


def _shares_specifics(state: State, sec: Section, j: int, where: Candidate, other: float, own: float) -> bool:
    """A tail that shares names or figures with an article left open elsewhere, and none with its
    own start, after a paragraph that ends a sentence: a continuation, even when it shares too few
    words with that article to match it on wording alone. Not when the start is a single paragraph
    (too little to share anything with), nor at a subheading (an item of a column is about something
    else than the item before it), nor for a contact line (the same under every item of a column)."""
    tail = sec.body[j:]
    if j < 2 or sec.body[j - 1].feat.ends_open or tail[0].feat.candidate or \
            other < SPECIFIC_COS or own > other / 2 or any(ADDRESS.search(i.text) for i in tail):
        return False
    return state.shared(tail, sec.head + sec.body[:j]) == 0 and \
        state.shared(tail, where.items) >= SPECIFIC_MIN


def _stranger(sec: Section, j: int, other: float, own: float) -> bool:
    """A tail with next to nothing in common with its own start, that reads like an article left open
    elsewhere, after a paragraph that ends a sentence: a continuation printed with no seam, even when
    it is too short to match the other article strongly."""
    return other >= ATTACH_MIN and own <= STRANGER_OWN * other and not sec.body[j - 1].feat.ends_open


def _after_lost_column(state: State, sec: Section, j: int, where: Candidate, other: float, own: float) -> bool:
    """A tail after a paragraph cut mid-sentence would continue that sentence, unless the rest of the
    column was lost: then it is a stranger to its own start (next to nothing in common, no name shared)
    that names what an article left open elsewhere names (SPECIFIC_MIN names found nowhere else)."""
    tail = sec.body[j:]
    return sec.body[j - 1].feat.ends_open and other >= ATTACH_MIN and own <= STRANGER_OWN * other and \
        state.shared(tail, sec.head + sec.body[:j]) == 0 and state.shared(tail, where.items) >= SPECIFIC_MIN


#: The most blocks a tail glued under another article is taken to have (a long article has about 60
#: paragraphs): in a longer run, only the seams this close to its end are tried. Hand-set, a bound on
#: time, not a fitted threshold: without it a bulletin of 30,000 lines and no headline took minutes.
MAX_GLUED_ITEMS = 200


def split_glued_runs(state: State) -> None:
    """A tail printed right after an article that has no byline shows no seam: split a section where
    the rest reads like an earlier open article (or a displaced headline) more than like its own start,
    or where a news lead with its own attribution starts mid-run."""
    k = 0
    while k < len(state.sections):
        sec = state.sections[k]
        if len(sec.body) < 2:
            k += 1
            continue
        others = [_whole(o) for _, o in _open_articles(state, k)] + _open_headless(state, k) + \
            _displaced_candidates(state, k)
        best: tuple[float, int, float, float, Candidate] | None = None
        # The start and the tail at each seam are weighed from running gram counts (a text's grams are
        # the sum of its lines'), so trying every seam of a long article costs linear, not quadratic, time.
        stop = len(sec.body)
        while stop > 1 and _trails(sec.body[stop - 1]) and not _signed_source(sec.body[stop - 1]):
            stop -= 1     # a bare credit, a note line or a sign-off under the text: nothing to split off there
            # (but a signed source note may close another article: 摘编自《…》（某某）, so it may go)
        item_grams = [grams(i.text) for i in sec.body]
        left_counts: Counter[str] = Counter()
        for i in sec.head:
            left_counts.update(grams(i.text))
        tail_counts: Counter[str] = Counter()
        for counts in item_grams:
            tail_counts.update(counts)
        other_vectors = [(state.vectorizer.vector(o.text), o) for o in others]
        first = max(1, stop - MAX_GLUED_ITEMS)   # a tail glued on is at most this long: seams before it are
        for j in range(1, first):                # not tried (each weighs the whole tail: quadratic on a run
            left_counts.update(item_grams[j - 1])   # of thousands of blocks with no headline)
            tail_counts.subtract(item_grams[j - 1])
        if first > 1:
            tail_counts = +tail_counts   # without the grams gone to zero, which weigh() would walk at every seam
        for j in range(first, stop):
            left_counts.update(item_grams[j - 1])
            tail_counts.subtract(item_grams[j - 1])
            tail_vector = state.vectorizer.weigh(tail_counts)
            own = cosine(tail_vector, state.vectorizer.weigh(left_counts))
            if own >= ATTACH_MIN and _own_formula(sec, j):
                continue     # the summary over its own formula lead: it reads like what follows
            other, where = max(((cosine(tail_vector, vector), o) for vector, o in other_vectors),
                               key=lambda p: p[0], default=(0.0, Candidate("", [], "")))
            lead = LEAD_BONUS if sec.body[j].feat.wire_lead else 0.0
            score = other - OWN_WEIGHT * own + lead
            if best is None or score > best[0]:
                best = (score, j, other, own, where)
        if best is None:
            k += 1
            continue
        _, j, other, own, where = best
        lead = sec.body[j].feat.wire_lead
        strong = other >= GLUE_MIN and other >= GLUE_RATIO * own + GLUE_MARGIN
        ruled = strong or (lead and other >= ATTACH_MIN) or _stranger(sec, j, other, own) or \
            _shares_specifics(state, sec, j, where, other, own) or _after_lost_column(state, sec, j, where, other, own)
        cues = glued_cues(state, sec, j, other, own, where.items)
        cues["ruled"] = float(ruled)     # the hand rules' answer, one cue among the others
        # A headless run (a tail, or a displaced headline's body) may have another tail glued under it:
        # the same cues, fitted apart (a run with no headline of its own starts anywhere in an article).
        name = "glued_headless" if sec.headless else "glued_tail"
        fitted = model(name)
        p = fitted.probability(cues) if fitted.cues else 0.0
        if state.decide(name, cues, [*sec.head[:1], *sec.body[:1], sec.body[j]], p):
            if not lead:
                j = _earliest_seam(state, sec, j, where.article)
            if not lead and _stays_put(sec, j, other):
                k += 1
                continue
            tail = Section(body=sec.body[j:], notes=[
                f"lines {sec.body[j].block.first_line}-{sec.body[-1].block.last_line} split from "
                f"'{_title(sec)}' (cosine {other:.2f} elsewhere vs {own:.2f} with its own start"
                f"{', a lead formula of its own' if lead else ''})"])
            sec.body = sec.body[:j]
            state.sections.insert(k + 1, tail)
            continue   # both pieces are looked at again: the head may hold another seam (the tail is next)
        k += 1


def _stays_put(sec: Section, j: int, other: float) -> bool:
    """Whether a last paragraph the model would split off at ``j`` (with no lead of its own) stays where
    it was printed: it reads like nothing anywhere (split off, it would only stand alone), or it is a
    one-line closing sentence (who attended) that reads only faintly like another article, too few
    words to say whose it is."""
    if len(sec.body) - j != 1:
        return False
    return other < ATTACH_MIN or (len(sec.body[j].text) < SHORT_TAIL and other < GLUE_MIN)


def return_stray_kickers(state: State) -> None:
    """Of two stacked headlines, the first is the last line of the article printed above it (a
    subheading whose part was printed elsewhere, a closing line), not a kicker, when that article is
    open and reads like the line more than the body under the title does: a kicker says something
    about its own article. The line goes back under the article above, as a subheading."""
    k = 1
    while k < len(state.sections):
        sec, prev = state.sections[k], state.sections[k - 1]
        if len(sec.head) == 2 and sec.head[0].role is Role.KICKER and not sec.head[0].feat.kicker_shaped and \
                prev.head and prev.body and not prev.closed:
            first = sec.head[0]
            own = state.cosine(first.text, sec.text(head=False))
            above = state.cosine(first.text, prev.text())
            if above >= ATTACH_MIN and above > own + KICKER_MARGIN:
                prev.body += _as_subhead(Section(head=[first]))
                sec.head = sec.head[1:]
                sec.head[0].role = Role.TITLE
                prev.notes.append(f"line {first.block.first_line}: a stray line over the next headline, not its "
                                  f"kicker (cosine {above:.2f} with this article vs {own:.2f} with the body there)")
        k += 1


def detach_displaced_kickers(state: State) -> None:
    """Of two stacked headlines, the first is a displaced headline (not a kicker) when a headless
    article elsewhere matches it better than the body under it."""
    k = 0
    while k < len(state.sections):
        sec = state.sections[k]
        if len(sec.head) == 2 and sec.head[0].role is Role.KICKER and not sec.head[0].feat.kicker_shaped:
            first = sec.head[0]
            own = state.cosine(first.text, sec.text(head=False))
            whole = sec.text(head=False)
            headless = [s for s in state.sections[max(0, k - WINDOW):k + WINDOW + 1] if s.headless]
            scored = [(state.cosine(first.text, h.text()), state.cosine(whole, h.text())) for h in headless]
            # a headless run that reads like this article's own body is its continuation, not its body
            best = max((a for a, b in scored if a > b), default=0.0)
            if best >= ATTACH_MIN and own <= KICKER_OWN_MAX and best > own + KICKER_MARGIN:
                first.role = Role.TITLE
                sec.head = sec.head[1:]
                sec.head[0].role = Role.TITLE
                state.sections.insert(k, Section(head=[first], notes=[
                    f"line {first.block.first_line}: displaced headline, not a kicker "
                    f"(cosine {best:.2f} with a headless run vs {own:.2f} with the body below)"]))
                k += 1
        k += 1


def place_orphan_headlines(state: State) -> None:
    """A headline left with no body (displaced) takes the body that was glued, with no seam, under
    another article: of the paragraphs near it that could open an article (not the first of their
    section, not after a cut sentence), the one whose wording (with the paragraphs after it) matches
    the headline best starts its article, when the fitted model takes it; the headline takes that
    paragraph and the rest of its section."""
    k = 0
    while k < len(state.sections):
        head = state.sections[k]
        if head.body or not head.head:
            k += 1
            continue
        candidates = _orphan_candidates(state, k)
        scored = [(cues, sec, j) for sec, j in candidates
                  # the headline must share vocabulary with the text it heads, more than with the text above
                  if (cues := orphan_cues(state, head, sec, j))["cosine"] >= ATTACH_MIN and
                  cues["cosine"] > cues["before"]]
        top = max((c["cosine"] for c, _, _ in scored), default=0.0)
        best: tuple[float, Section, int, dict[str, float]] | None = None
        fitted = model("orphan_start")
        for cues, sec, j in scored:
            cues["margin"] = cues["cosine"] - top
            p = fitted.probability(cues)
            if state.decide("orphan_start", cues, head.head + [sec.body[j]], p, fitted.threshold) and \
                    (best is None or p > best[0]):
                best = (p, sec, j, cues)
        if best is not None:
            p, sec, j, cues = best
            head.body = sec.body[j:]
            sec.body = sec.body[:j]
            head.notes.append(f"headline at line {head.head[0].block.first_line} was displaced: its body "
                              f"starts at line {head.body[0].block.first_line}, glued under '{_title(sec)}' "
                              f"(p {p:.2f}, cosine {cues['cosine']:.2f})")
        k += 1


def _orphan_candidates(state: State, k: int) -> list[tuple[Section, int]]:
    """Paragraphs near section ``k`` that could open an article glued under another one."""
    out = []
    for sec in state.sections[max(0, k - WINDOW):k + WINDOW + 1]:
        for j in range(1, len(sec.body)):
            item, before = sec.body[j], sec.body[j - 1]
            if item.role is Role.BODY and not before.feat.ends_open and not _trails(item) and \
                    before.role is Role.BODY:
                out.append((sec, j))
    return out


def _start(section: Section) -> int:
    return min((i.block.first_line for i in section.body), default=section.first_line())


def opens_article(run: Section) -> bool:
    """A headless run that opens with a credited lead (新华社某地X月X日电（记者X）, 本报讯 记者X) is
    the start of an article, never the middle of one: it continues no open article, however alike
    the wording (it may still be the body of a displaced headline)."""
    return bool(run.body) and run.body[0].role is Role.BODY and run.body[0].feat.wire_lead


def attach_runs(state: State) -> None:
    """Headless runs go to the open article they continue, or to a displaced headline (a headline
    with no body); best lexical match first, over the whole bulletin. A displaced headline that found
    its body is itself an open article that may have a continuation, so an owner's pairs are scored
    again whenever it grows. Pairs are kept in a heap, each scored within a WINDOW of sections, so the
    rule is linear in the bulletin's length (times the window), not quadratic."""
    sections = state.sections
    position = {id(s): n for n, s in enumerate(sections)}
    runs = [s for s in sections if s.headless and s.body]
    alive = {id(r) for r in runs}
    version: dict[int, int] = {}
    heap: list[tuple[float, int, int, int, str]] = []
    # A displaced headline's body opens like an article; while such a run is left, a run that does not
    # (a tail printed away from its article) is not matched to a displaced headline.
    leads = sum(1 for r in runs if opens_article(r))

    def push(run: Section, owners: list[Section] | None = None) -> None:
        r = position[id(run)]
        near = owners if owners is not None else sections[max(0, r - WINDOW):r + WINDOW + 1]
        for owner in near:
            scored = _pair_score(state, run, owner, leads > 0)
            if scored is not None and scored[0] >= ATTACH_MIN:
                o = position[id(owner)]
                heapq.heappush(heap, (-scored[0], r, o, version.get(id(owner), 0), scored[1]))

    for run in runs:
        push(run)
    attached: set[int] = set()
    while heap:
        neg, r, o, seen, kind = heapq.heappop(heap)
        run, owner = sections[r], sections[o]
        if id(run) not in alive or version.get(id(owner), 0) != seen:
            continue
        _attach(state, run, owner, -neg, kind)
        alive.discard(id(run))
        attached.add(id(run))
        version[id(owner)] = seen + 1
        if opens_article(run):
            leads -= 1
            if leads == 0:      # displaced headlines are open to any run now
                for other in runs:
                    if id(other) in alive:
                        push(other)
        for other in sections[max(0, o - WINDOW):o + WINDOW + 1]:
            if id(other) in alive:
                push(other, [owner])
    state.sections = [s for s in sections if id(s) not in attached]


def _pair_score(state: State, run: Section, owner: Section, leads: bool) -> tuple[float, str] | None:
    """How well a headless run continues an owner (or is the body of a displaced headline), and how."""
    if owner.headless or owner.closed:
        return None
    if not owner.body:
        if leads and not opens_article(run):
            return None
        lead = HEADLINE_LEAD_BONUS if run.body[0].role is Role.BODY and run.body[0].feat.starts_lead else 0.0
        return HEADLINE_WEIGHT * state.cosine(owner.text(), run.text()) + lead, "headline"
    if _start(owner) < _start(run) and (not opens_article(run) or _awaits_formula(owner)):
        score = state.cosine(owner.text(), run.text())
        if owner.ends_open and run.body[0].role is Role.BODY:
            score += OPEN_JOIN_BONUS
            if _joins_word(state, owner.body[-1], run.body[0]):
                score += WORD_JOIN_BONUS
        return score, "continuation"
    return None


def _own_formula(sec: Section, j: int) -> bool:
    """Whether paragraph ``j``'s lead formula may be its own headline's: a headline over at most FORMULA_SPAN
    summary paragraphs with no lead of any kind, then the formula (some papers print a summary between
    a headline and 本报讯). When the summary also reads like the text from the formula on, there is no
    seam there: the formula opens the article the headline heads."""
    return bool(sec.head) and j <= FORMULA_SPAN and sec.body[j].feat.wire_lead and \
        _awaits_formula(Section(head=sec.head, body=sec.body[:j]))


def _joins_word(state: State, before: Item, after: Item) -> bool:
    """Whether a paragraph cut mid-sentence reads on into ``after`` mid-word: the characters either side
    of the cut make a two-character word the bulletin writes elsewhere."""
    a, b = before.text[-1:], after.text[:1]
    return bool(a and b and "\u3400" <= a <= "\u9fff" and "\u3400" <= b <= "\u9fff" and
                (a + b) in state.vectorizer.idf)


def _awaits_formula(owner: Section) -> bool:
    """A headed article whose text so far is only a few summary paragraphs with no lead formula may
    still receive its formula lead (some papers print summaries between a headline and 本报讯)."""
    return bool(owner.head) and len(owner.body) <= FORMULA_SPAN and not any(i.feat.wire_lead for i in owner.body) \
        and not any(i.feat.starts_lead for i in owner.body)


def _attach(state: State, run: Section, owner: Section, score: float, kind: str) -> None:
    span = run.span()
    joined = owner.ends_open and run.body[0].role is Role.BODY
    owner.body += run.body
    owner.notes += run.notes
    if kind == "headline":
        owner.notes.append(f"headline at line {owner.head[0].block.first_line} was displaced: "
                           f"matched to headless lines {span} (cosine {score:.2f})")
    else:
        owner.notes.append(f"attached lines {span} (continuation, cosine {score:.2f}"
                           f"{', was open mid-sentence' if joined else ''})")
    if score < ATTACH_SURE:
        owner.warnings.append(ParseWarning(run.first_line(), f"low-confidence attachment of lines {span} "
                                           f"to '{_title(owner)}' (cosine {score:.2f})"))


def fallback_titles(state: State) -> None:
    """A headless run that matched nothing is an article of its own, titled from its first words.
    A headline-shaped line that matched no body, printed right under a paragraph of an article's text,
    is kept with that text, right after that paragraph (end matter such as a related link, a subheading
    whose part was printed elsewhere); anywhere else (under another headline) it is kept as unplaced."""
    kept: list[Section] = []
    # which article's text holds each block (a lone line is kept with the text printed right above it)
    holder = {i.block.index: s for s in state.sections if s.body for i in s.body}
    for sec in state.sections:
        if sec.headless:
            sec.fallback_title = True
            sec.warnings.append(ParseWarning(sec.first_line(), f"lines {sec.span()}: no headline and no open "
                                             "article to continue; kept as an article with a fallback title"))
        elif not sec.body:
            above = holder.get(sec.head[0].block.index - 1)
            if above is not None:
                for item in sec.head:
                    item.role = Role.BODY
                at = next(n for n, i in enumerate(above.body) if i.block.index == sec.head[0].block.index - 1)
                above.body[at + 1:at + 1] = sec.head
                above.warnings.append(ParseWarning(sec.first_line(), f"headline-shaped line '{_title(sec)}' "
                                                   "matched no body: kept with the text printed above it"))
                continue
            state.unplaced += sec.head
            state.warnings.append(ParseWarning(sec.first_line(), f"headline '{_title(sec)}' has no body "
                                               "and matched no headless run; left unplaced"))
            continue
        kept.append(sec)
    state.sections = kept


def warn_open_ends(state: State) -> None:
    """A block cut mid-sentence with nothing to continue it: a lost column. Kept, and flagged."""
    for sec in state.sections:
        for k, item in enumerate(sec.body):
            nxt = sec.body[k + 1] if k + 1 < len(sec.body) else None
            if item.role is Role.BODY and item.feat.ends_open and not item.own_line and \
                    (nxt is None or nxt.role is not Role.BODY):
                sec.warnings.append(ParseWarning(item.block.last_line, "ends mid-sentence and no continuation "
                                                 "was found (a lost column?)"))


def warn_noise(state: State) -> None:
    """A stray Latin word between Chinese characters is flagged, never removed."""
    for sec in state.sections:
        for item in sec.head + sec.body:
            for line, word in item.feat.noise:
                sec.warnings.append(ParseWarning(line, f"stray Latin word '{word}' inside Chinese text (left as is)"))


RULES: list[Rule] = [
    set_aside_furniture,
    build_sections,
    gather_columns,
    resolve_subheads,
    gather_feature_parts,
    split_glued_runs,
    return_stray_kickers,
    detach_displaced_kickers,
    place_orphan_headlines,
    attach_runs,
    fallback_titles,
    warn_open_ends,
    warn_noise,
]
