"""Rule ``attach_runs``: headless runs go to the open article they continue, or to a displaced headline."""

from __future__ import annotations

import heapq
import re

from newsgen.bulletin.model import ParseWarning
from newsgen.bulletin.rules.common import ATTACH_MIN, WINDOW, _awaits_formula, _title
from newsgen.bulletin.sections import Item, Role, Section, State

#: A continuation whose article above was cut mid-sentence and which itself opens mid-sentence gains this.
OPEN_JOIN_BONUS = 0.03
#: ...and this more when the two characters either side of the cut make a word the bulletin writes
#: elsewhere: a paragraph cut mid-word is completed by the block that starts mid-word (chosen on the
#: generated training bulletins: 0.06 over 0.03 and 0.1).
WORD_JOIN_BONUS = 0.06

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
#: A continuation goes on from where its article stopped: it is also compared with the article's headline
#: and last this many paragraphs, and the better of that and the whole article's cosine counts. A long
#: article's whole text is spread over many subjects, so a short closer that goes on with its last one
#: reads less like it than like a short article on one subject alike (on the generated training
#: bulletins, sets 8 and 9, 2, 3 and 4 change nothing or one block; 3 is a closing paragraph's context).
RECENT = 3


#: A list item's number as it opens a paragraph, in the notations lists are printed in: 4. 4、 4． （4）
#: 四、 （四） ④ (full-width digits too). The notation is part of the number: a list goes on in one notation.
LIST_NUMBER = re.compile(r"^(?:(?P<dot>[0-9０-９]{1,2})[.．、](?![0-9０-９])|[（(](?P<paren>[0-9０-９]{1,2})[）)]|"
                         r"(?P<han>[一二三四五六七八九十]{1,3})、|[（(](?P<hanparen>[一二三四五六七八九十]{1,3})[）)]|"
                         r"(?P<circled>[①-⑳]))")
#: How many paragraphs back from an article's end its last list item is looked for.
LIST_SPAN = 6
_HAN_DIGITS = "一二三四五六七八九"


def _han_number(text: str) -> int:
    """一 .. 九十九 as a number (0 when it is not one)."""
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_HAN_DIGITS.index(tens) + 1 if tens else 1) * 10 + (_HAN_DIGITS.index(ones) + 1 if ones else 0)
    return _HAN_DIGITS.index(text) + 1 if len(text) == 1 else 0


def list_number(text: str) -> tuple[str, int] | None:
    """The notation and the number of the list item a paragraph opens with (4. -> ("dot", 4)), or None."""
    m = LIST_NUMBER.match(text)
    if m is None:
        return None
    kind = next(k for k, v in m.groupdict().items() if v)
    value = m.group(kind)
    if kind in ("dot", "paren"):
        return kind, int(value.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    if kind == "circled":
        return kind, ord(value) - ord("①") + 1
    return kind, _han_number(value)


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
    rule is linear in the bulletin's length (times the window), not quadratic. First, a run that goes on
    with an article's numbered list (:func:`_list_owner`) goes to that article, whatever its wording.
    A continuation is weighed against the whole article and against its headline and last RECENT
    paragraphs (where it goes on from), the better of the two."""
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

    attached: set[int] = set()
    for run in runs:
        owner = _list_owner(run, sections[max(0, position[id(run)] - WINDOW):position[id(run)]])
        if owner is not None:
            _attach(state, run, owner, state.cosine(owner.text(), run.text()), "list")
            alive.discard(id(run))
            attached.add(id(run))
            version[id(owner)] = version.get(id(owner), 0) + 1
    for run in runs:
        if id(run) in alive:
            push(run)
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


def _list_owner(run: Section, before: list[Section]) -> Section | None:
    """The article a headless run goes on with when the run opens with a list item numbered n (n >= 2)
    and the nearest article before it whose last list item is numbered at all has item n - 1 in the
    same notation: a numbered list printed in two places is one article's, whatever the words, and
    even past a credit line printed between (a list goes on where its numbers go on)."""
    numbered = list_number(run.body[0].text) if run.body[0].role is Role.BODY else None
    if numbered is None or numbered[1] < 2:
        return None
    for owner in reversed(before):
        if not owner.body:
            continue
        last = next((n for i in reversed(owner.body[-LIST_SPAN:]) if (n := list_number(i.text)) is not None), None)
        if last is not None:
            return owner if last == (numbered[0], numbered[1] - 1) else None
    return None


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
        recent = "\n".join(i.text for i in owner.head + owner.body[-RECENT:])
        score = max(state.cosine(owner.text(), run.text()), state.cosine(recent, run.text()))
        if owner.ends_open and run.body[0].role is Role.BODY:
            score += OPEN_JOIN_BONUS
            if _joins_word(state, owner.body[-1], run.body[0]):
                score += WORD_JOIN_BONUS
        return score, "continuation"
    return None


def _joins_word(state: State, before: Item, after: Item) -> bool:
    """Whether a paragraph cut mid-sentence reads on into ``after`` mid-word: the characters either side
    of the cut make a two-character word the bulletin writes elsewhere."""
    a, b = before.text[-1:], after.text[:1]
    return bool(a and b and "\u3400" <= a <= "\u9fff" and "\u3400" <= b <= "\u9fff" and
                (a + b) in state.vectorizer.idf)


def _attach(state: State, run: Section, owner: Section, score: float, kind: str) -> None:
    span = run.span()
    joined = owner.ends_open and run.body[0].role is Role.BODY
    owner.body += run.body
    owner.notes += run.notes
    if kind == "headline":
        owner.notes.append(f"headline at line {owner.head[0].block.first_line} was displaced: "
                           f"matched to headless lines {span} (cosine {score:.2f})")
    elif kind == "list":
        owner.notes.append(f"attached lines {span} (its list goes on: the article's last item is numbered "
                           f"one before the run's first, cosine {score:.2f})")
    else:
        owner.notes.append(f"attached lines {span} (continuation, cosine {score:.2f}"
                           f"{', was open mid-sentence' if joined else ''})")
    if score < ATTACH_SURE:
        owner.warnings.append(ParseWarning(run.first_line(), f"low-confidence attachment of lines {span} "
                                           f"to '{_title(owner)}' (cosine {score:.2f})"))
