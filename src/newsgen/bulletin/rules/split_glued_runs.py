"""Rule ``split_glued_runs``: a section with another article's tail glued under it (no seam) is split."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from newsgen.bulletin.rules.common import (
    ATTACH_MIN,
    FORMULA_SPAN,
    WINDOW,
    _awaits_formula,
    _open_articles,
    _title,
    _trails,
)
from newsgen.bulletin.scorer import SPEAKER, glued_cues, model
from newsgen.bulletin.sections import Item, Role, Section, State
from newsgen.bulletin.similarity import cosine, grams

#: A last paragraph shorter than this (characters, a one-line closing sentence) is split off as a glued
#: tail only when it reads like another article at least GLUE_MIN: a name or two shared is no evidence.
SHORT_TAIL = 40
#: A glued tail is split off when it matches elsewhere at least this well...
GLUE_MIN = 0.10
#: ...and this many times better than its own start (plus this margin).
GLUE_RATIO = 2.5
#: ...the margin in that test: matches elsewhere >= GLUE_RATIO x likeness to its own start + this.
GLUE_MARGIN = 0.02
#: Where to cut a glued run: the tail's likeness elsewhere, less this many times its likeness to its own
#: start...
OWN_WEIGHT = 2.0
#: ...plus this bonus where the tail opens with a lead formula (it opens an article).
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

#: A bracketed note naming where an article was taken from (which may be printed away from it).
SOURCE_NOTE = re.compile(r"摘编|摘自|转载|来源|原题")


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


def _latest_seam(state: State, sec: Section, j: int, stop: int, start: dict[str, float],
                 home: dict[str, float]) -> int:
    """Move a glued tail's seam down over the paragraphs under it that read more like this section's
    start (up to the seam) than like the article the tail reads like. The pick weighs the whole tail
    against the start, and a start of a headline and a lead is short: it reads like little, and the
    pick falls too high, taking with the tail the paragraphs that go on with the lead. Each paragraph
    is weighed on its own, as a run (the seam goes where the summed preference for the start is
    highest; a tie keeps the higher seam); never past a subheading or a lead formula (a formula opens
    an article: the seam is at it or above it). ``start`` and ``home`` are the vectors of the start
    (the headline and the paragraphs above ``j``) and of the whole article the tail reads like."""
    best, total, seam = 0.0, 0.0, j
    for m in range(j, stop - 1):
        item = sec.body[m]
        if item.role is not Role.BODY or item.feat.wire_lead:
            break
        para = state.vectorizer.vector(item.text)
        total += cosine(para, start) - cosine(para, home)
        if total > best:
            best, seam = total, m + 1
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
        best: tuple[float, int, float, float, Candidate, dict[str, float]] | None = None
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
            start_vector = state.vectorizer.weigh(left_counts)
            own = cosine(tail_vector, start_vector)
            if own >= ATTACH_MIN and _own_formula(sec, j):
                continue     # the summary over its own formula lead: it reads like what follows
            other, where = max(((cosine(tail_vector, vector), o) for vector, o in other_vectors),
                               key=lambda p: p[0], default=(0.0, Candidate("", [], "")))
            lead = LEAD_BONUS if sec.body[j].feat.wire_lead else 0.0
            score = other - OWN_WEIGHT * own + lead
            if best is None or score > best[0]:
                best = (score, j, other, own, where, start_vector)
        if best is None:
            k += 1
            continue
        _, j, other, own, where, start_vector = best
        home = next((v for v, o in other_vectors if o is where and o.text == o.article), None) or \
            state.vectorizer.vector(where.article)
        later = _latest_seam(state, sec, j, stop, start_vector, home)
        if later != j:     # the paragraphs under the picked seam go on with this section: the seam is lower
            j = later
            tail_text = "\n".join(i.text for i in sec.body[j:])
            own = state.cosine(tail_text, "\n".join(i.text for i in sec.head + sec.body[:j]))
            other, where = max(((state.cosine(tail_text, o.text), o) for o in others),
                               key=lambda p: p[0], default=(0.0, Candidate("", [], "")))
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
            if not lead and _goes_on_with_speaker(sec, j):
                k += 1     # what the one its lead names said, under a short start: the report goes on
                continue   # (asked after the model, which is still fitted on every seam)
            if not lead and later == best[1]:
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


#: A start of at most this many paragraphs (a headline and its lead, perhaps one more) is too short to
#: weigh a tail against by wording: see :func:`_goes_on_with_speaker`.
SPEAKER_START = 2


def _goes_on_with_speaker(sec: Section, j: int) -> bool:
    """Whether the tail from ``j`` opens with what someone said (李某表示，, 某某指出，) whom the
    section's headline or lead names, under a start of at most SPEAKER_START paragraphs: a report's
    next paragraph after its lead ("X met Y" then "X said"). Such a start is too short for its likeness
    to the tail to mean anything (a lead and a quote share few words), and on a page of briefs about one
    person every open article names the speaker too, so the likeness elsewhere says nothing either:
    the paragraph stays with the lead that introduces its speaker. (A tail with a lead formula of its
    own is not asked about: it opens an article.)"""
    start = [i for i in sec.body[:j] if not i.feat.ends_open]
    if not sec.body[:j] or len(start) > SPEAKER_START:
        return False
    m = SPEAKER.match(sec.body[j].text)
    return bool(m) and any(m.group(1) in i.text for i in [*sec.head, sec.body[0]])


def _stays_put(sec: Section, j: int, other: float) -> bool:
    """Whether a last paragraph the model would split off at ``j`` (with no lead of its own) stays where
    it was printed: it reads like nothing anywhere (split off, it would only stand alone), or it is a
    one-line closing sentence (who attended) that reads only faintly like another article, too few
    words to say whose it is."""
    if len(sec.body) - j != 1:
        return False
    return other < ATTACH_MIN or (len(sec.body[j].text) < SHORT_TAIL and other < GLUE_MIN)


def _own_formula(sec: Section, j: int) -> bool:
    """Whether paragraph ``j``'s lead formula may be its own headline's: a headline over at most FORMULA_SPAN
    summary paragraphs with no lead of any kind, then the formula (some papers print a summary between
    a headline and 本报讯). When the summary also reads like the text from the formula on, there is no
    seam there: the formula opens the article the headline heads."""
    return bool(sec.head) and j <= FORMULA_SPAN and sec.body[j].feat.wire_lead and \
        _awaits_formula(Section(head=sec.head, body=sec.body[:j]))
