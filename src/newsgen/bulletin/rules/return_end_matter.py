"""Rule ``return_end_matter``: end matter printed under an article that already has its own goes back
to the open article above that lacks it (a moved tail that is only end matter)."""

from __future__ import annotations

import re

from newsgen.bulletin import endmatter
from newsgen.bulletin.rules.common import WINDOW, _title
from newsgen.bulletin.sections import Item, Section, State

#: The end matter an article prints at most once, each a *slot*: one label pointing to its own fuller
#: text (更多, 详情, 全文: a read-on label), one source note, one credits line per editorial role. The
#: source is printed before the credits (来源：某某网 over 责任编辑：某某), never after them; a read-on
#: label is printed where the text shown stops (the rest, with its source and credits, is on the page it
#: points to), so nothing of the same article's end matter is printed under it.
READ_ON = "read-on label"
SOURCE = "source note"
#: Role words that are one role however a page writes them (责编 is short for 责任编辑).
SAME_ROLE = {"责编": "责任编辑"}
#: What a read-on label points to: the article's own fuller text (a label of page navigation, 上一篇,
#: 返回顶部, 分享, may stand beside one, and a page may print several of those).
READ_ON_WORDS = ("更多", "详情", "详细", "全文", "原文")
_ROLE = re.compile("|".join(sorted(endmatter.EDITORIAL_ROLES, key=len, reverse=True)))


def slots(item: Item) -> frozenset[str] | None:
    """The slots a line of end matter fills (a credits line: one for each editorial role it names),
    or None when it is no end matter this rule weighs (text, a sign-off, a list of links, a label of
    page navigation)."""
    kind = item.feat.end_matter
    if kind == endmatter.NAVIGATION and not endmatter.lists_links(item.text) and \
            any(w in item.text for w in READ_ON_WORDS):
        return frozenset({READ_ON})
    if kind == endmatter.SOURCE:
        return frozenset({SOURCE})
    if kind == endmatter.CREDITS:
        roles = {SAME_ROLE.get(m.group(0), m.group(0)) for m in _ROLE.finditer(item.text)}
        return frozenset(f"credits:{r}" for r in roles) or None
    return None


def _credits(filled: frozenset[str] | set[str]) -> bool:
    return any(s.startswith("credits:") for s in filled)


def _fits(filled: frozenset[str] | set[str], more: frozenset[str] | set[str]) -> bool:
    """Whether end matter filling ``more`` may follow end matter filling ``filled`` in one article: no
    slot twice, no source note under a credits line, and nothing under a read-on label."""
    return not (filled & more) and not (SOURCE in more and _credits(filled)) and not (more and READ_ON in filled)


def _trailing(sec: Section) -> int:
    """How many of the section's last items are end matter this rule weighs (see :func:`slots`)."""
    n = 0
    while n < len(sec.body) - 1 and slots(sec.body[len(sec.body) - 1 - n]) is not None:
        n += 1
    return n


def groups(items: list[Item]) -> list[list[Item]]:
    """A run of end matter as printed, cut where a line could not follow the lines above it in one
    article (a slot filled twice, a source note under a credits line): each group is one article's."""
    out: list[list[Item]] = []
    filled: set[str] = set()
    for item in items:
        more = slots(item) or frozenset()
        if not out or not _fits(filled, more):
            out.append([])
            filled = set()
        out[-1].append(item)
        filled |= more
    return out


def _filled(sec: Section) -> set[str]:
    n = _trailing(sec)
    return set().union(*(slots(i) or frozenset() for i in sec.body[len(sec.body) - n:])) if n else set()


def return_end_matter(state: State) -> None:
    """End matter closes the article it is printed under, but one article prints each kind once (one
    read-on label, one source note, one editor of each role) and its source before its credits. Under
    an article, a second group of end matter (a second source note, a second editor's line, a source
    note under the credits) is another article's: a tail that was only end matter, printed away from
    its article. It goes to the nearest open article above that it fits (one that lacks what the group
    fills and, for a source note, has no credits yet); an article whose text names the source note's
    outlet is taken first. With no such article it stays where it was printed."""
    sections = state.sections
    for k in range(len(sections) - 1, -1, -1):
        sec = sections[k]
        n = _trailing(sec)
        if n < 2:
            continue
        found = groups(sec.body[len(sec.body) - n:])
        if len(found) < 2:
            continue
        for group in reversed(found[1:]):
            owner = _owner(sections, k, group)
            if owner is None:
                break     # the groups above it stay too: end matter is not moved past end matter left
            sec.body = sec.body[:len(sec.body) - len(group)]
            owner.body += group
            span = f"{group[0].block.first_line}-{group[-1].block.last_line}"
            owner.notes.append(f"end matter at lines {span} returned from under '{_title(sec)}' (that article "
                               "has its own; this one lacked it)")


def _owner(sections: list[Section], k: int, group: list[Item]) -> Section | None:
    """The nearest article above section ``k`` (within WINDOW) with text that the group fits; one whose
    text names the group's source (its outlet's formula, 某某网消息) first."""
    more = set().union(*(slots(i) or frozenset() for i in group))
    fitting = [s for s in reversed(sections[max(0, k - WINDOW):k])
               if s.body and slots(s.body[0]) is None and _fits(_filled(s), more)]
    values = [m.group("value").strip() for i in group if (m := endmatter.SOURCE_NOTE.match(i.text.strip()))]
    named = [s for s in fitting if any(len(v) >= 2 and v in s.text() for v in values)]
    return (named or fitting or [None])[0]
