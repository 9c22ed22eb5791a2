"""Rule ``build_sections``: headline groups open sections, sign-offs close them."""

from __future__ import annotations

import re

from newsgen.bulletin.blocks import HEADLINE_LINES
from newsgen.bulletin.endmatter import LISTED_LINK, NAVIGATION, lists_links
from newsgen.bulletin.rules.common import COLUMN_TAG, _trails
from newsgen.bulletin.sections import Item, Role, Section, State

#: A line wholly in quotation marks that ends a sentence inside them: something said.
SPOKEN = re.compile(r"“[^“”]+[！？。…!?]”")


def _reply(item: Item, prev: Item | None) -> bool:
    """A line that is wholly something said, right under a paragraph that ends with a quotation: a
    reply in a dialogue (“哪里哪里！” under “…以后向你多学习请教……”), not a headline."""
    return prev is not None and not prev.feat.candidate and prev.text.endswith("”") and \
        bool(SPOKEN.fullmatch(item.text))


#: How a person's post ends (队长, 行长, 副局长, 主任, 书记, 经理, 教授, 负责人...): a line naming a post is
#: the caption of who speaks next in a transcript.
POST_END = re.compile(r"(?:[长任记理授人员师生表席裁事]|专家|院士|干事)$")
#: A transcript's turn opening with the speaker's name (2-4 characters) and a colon: 卓星：我们…
NAMED_TURN = re.compile(r"^([\u4e00-\u9fff·]{2,4})[：:]\S")
#: Who asks in an interview (记者：, 问：, 主持人：): a turn by them may follow an interview's headline.
ASKERS = ("记者", "主持人", "本报", "编者")


def _speaker_caption(item: Item, nxt: Item | None) -> bool:
    """A line naming a person's post (某某检查站执勤二队队长) right over a turn that opens with a name and a
    colon (卓星：…): the caption of who speaks, printed above the words as a broadcast transcript prints
    it, not a headline (an interview's headline over a transcript stands over the asker's turn)."""
    if nxt is None or not POST_END.search(item.text):
        return False
    m = NAMED_TURN.match(nxt.text)
    return bool(m) and not m.group(1).startswith(ASKERS)


def _is_candidate(item: Item, prev: Item | None, nxt: Item | None = None) -> bool:
    if not item.feat.candidate or _reply(item, prev) or _speaker_caption(item, nxt):
        return False
    if item.feat.kicker_shaped and not (nxt is not None and nxt.feat.candidate):
        return False     # a line ending in ： over text introduces it (a speaker, a list): no headline under it
    if item.feat.long_head:   # longer than a headline line: only where an article may begin
        return _long_head_opens(prev, nxt)
    if item.feat.weak:   # sentence-long: a headline only after a sign-off, at the top, over a wire lead,
        # or as the bulletin's last line after a closed sentence (a headline displaced to the end)
        if prev is None or prev.closes or (nxt is None and not prev.feat.ends_open):
            return True
        if item.feat.question:     # a question with a comma heads an article only over an outlet's formula
            return nxt is not None and nxt.feat.wire_lead
        return prev.feat.candidate or (nxt is not None and nxt.feat.starts_lead)
    return True


def _long_head_opens(prev: Item | None, nxt: Item | None) -> bool:
    """Where a long headline (one line of phrases, longer than a headline line) heads an article: never
    under a sentence cut short; over a lead (a formula, a date, a relative day, a cue: leads.opens_lead);
    over a paragraph that is complete and no headline or end matter, at the top or right after a closed
    article (signed off, end matter); or as the bulletin's last line after a closed paragraph (a headline
    displaced to the end). Under a paragraph that is not signed off, over a plain paragraph, it is text."""
    if prev is not None and prev.feat.ends_open:
        return False
    if nxt is None:
        return prev is not None
    if nxt.feat.starts_lead:
        return True
    return (prev is None or prev.closes) and not nxt.feat.candidate and not nxt.feat.ends_open and \
        not _trails(nxt)


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
        if item.feat.subtitle_shaped or last.feat.kicker_shaped or item.feat.long_head:
            heads.append(item)   # a long line of phrases under a headline line is its subtitle (副题)
        elif len(heads) == 1 and not item.feat.weak:
            heads.append(item)   # a plain kicker line over the title
        else:
            break
    roles = {1: [Role.TITLE], 2: [Role.KICKER, Role.TITLE], 3: [Role.KICKER, Role.TITLE, Role.SUBTITLE]}[len(heads)]
    if len(heads) == 2 and (heads[1].feat.subtitle_shaped or heads[1].feat.long_head or
                            _deck_line(heads[1]) and not _deck_line(heads[0])):
        roles = [Role.TITLE, Role.SUBTITLE]
    for item, role in zip(heads, roles, strict=True):
        item.role = role
    return heads, group[len(heads):]


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
