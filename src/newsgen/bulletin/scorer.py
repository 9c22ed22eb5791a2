"""Small learned scorers over cues the parser already computes.

A decision the rules cannot make from one cue alone is made by a logistic regression over named cues:

- ``opens_article``: is a headline-shaped line inside a running article a new article's headline, or
  a subheading of that article? (:func:`headline_cues`)
- ``opens_after_signoff``: after a sign-off, does a lone headline start a new article, or the
  continuation of an article left open above?
- ``glued_tail``: is the rest of a section, from its best seam on, another article's text glued on
  with no seam (a tail printed away from its article, a displaced headline's body)? The hand rules'
  answer (cosine ratios, a lead formula, shared names) is one cue of it. (:func:`glued_cues`)
- ``glued_headless``: the same question and cues for a headless run (a tail, a displaced headline's
  body), fitted apart: another article's tail may be glued under it too.
- ``orphan_start``: where does a displaced headline's body start, when it was glued with no seam under
  another article? (:func:`orphan_cues`; the best candidate is taken above a fitted threshold)

The weights are fitted on generated training bulletins by ``train/fit.py`` (``make train``) and ship
as ``weights.json`` beside this module; scoring is a pure-Python dot product, so importing the
parser stays fast and needs no numerical library.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from newsgen.bulletin.blocks import HEAD_TAG
from newsgen.bulletin.leads import FIRST_DATE, LEAD_TIME  # a lead's time words, in any notation
from newsgen.bulletin.sections import Item, Role, Section, State

WEIGHTS = Path(__file__).with_name("weights.json")

FIRST_SENTENCE = re.compile(r"[。！？]")
#: How far into a paragraph a lead's time word is looked for (characters).
LEAD_TIME_SPAN = 40
#: Caps that keep one cue from dominating the dot product.
SHARED_CAP = 5
RUN_CAP = 12
#: Text lengths (characters) are capped here and counted in hundreds: a cosine between short texts
#: (a one-line closing paragraph, a one-paragraph start) rests on a handful of words.
TEXT_CAP = 200
#: A headline this short (characters) reads like a subheading label.
SHORT_HEAD = 8
#: A heading's length (characters) is read up to this cap: subheadings are cut short, a headline says
#: who did what (at this length and over, any heading reads like a headline).
HEAD_LEN_CAP = 30
#: The page's baseline cosine between consecutive sections (or between a heading and the section above)
#: is their median once the page has this many pairs; with fewer, the pair decided about is most of the
#: evidence, and the baseline is the training bulletins' typical cosine instead (PAGE_COHESION,
#: PAGE_HEAD_COHESION, hand-set near the fitted models' mean cues).
PAGE_PAIRS = 3
PAGE_COHESION = 0.1
PAGE_HEAD_COHESION = 0.04
#: A cosine relative to the page's baseline is capped at this much either way: one pair far above a
#: page's usual likeness is evidence, how far above is not.
RELATIVE_CAP = 0.3
#: Openings that go on from text above them: a connective (此外, 与此同时, 不过, 对此, 其中) or a
#: pronoun or demonstrative as the subject (他, 她们, 这, 该, 此, 其). A news article's first paragraph
#: introduces its subject and never opens so; a part of an article under a subheading may.
#: 这 opening a time phrase (这两天, 这几天, 这些年, 这个月, 这段时间, 这阵子) is no pronoun: "in these
#: days" is how a lead often opens, and refers to nothing above it.
THIS_TIME = r"这(?![两几些一半个段阵]?个?(?:天|日|周|星期|月|年(?!轻)|时间|日子|子|时期))"
GOES_ON = re.compile(r"^(?:此外|另外|同时|与此同时|不过|但是?|然而|而且|因此|对此|为此|其中|"
                     rf"他们|她们|它们|{THIS_TIME}|[他她它该此其])")
#: Headings of one feature are cut alike: a neighbour heading within this many characters of a
#: heading's length is alike (the cue falls linearly to 0 at this difference).
ALIKE_SPAN = 6
#: A page's share of headings over a lead is smoothed towards even odds as if this many more headings
#: had been seen, half of each kind: a page of two headings says little.
SHARE_PRIOR = 2
#: An ordinal opening a heading (二、 三是 其四 （五） 第六 7. ⑧): a feature numbers its parts in one notation.
ORDINAL = re.compile(r"^(?:[（(](?:\d{1,2}|[一二三四五六七八九十]{1,3})[）)]|"
                     r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})[、.．是]|其[一二三四五六七八九十]|第[一二三四五六七八九十\d]{1,3}|[①-⑳])")
NUMERAL = re.compile(r"[\d一二三四五六七八九十①-⑳]+")
#: A column tag in brackets opening a heading: 【在希望的田野上】, 【新春走基层】.
BRACKET_TAG = re.compile(r"^【[^】]{1,24}】")
#: Plain subheadings of one series are cut to within this many characters of one length.
SIBLING_SPAN = 3
#: Two phrases set side by side with a space (将心比心 以心换心): a heading's form, kept across a series.
COUPLET = re.compile(r"\S\s+\S")


@dataclass(frozen=True)
class Model:
    """A logistic regression: named cues, standardised, weighted, summed and squashed."""

    cues: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float = 0.5       # a decision is taken above this probability (fitted for ranked choices)

    def probability(self, cues: dict[str, float]) -> float:
        z = self.bias
        for name, w, m, s in zip(self.cues, self.weights, self.mean, self.scale, strict=True):
            z += w * (cues.get(name, 0.0) - m) / s
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@cache
def model(name: str) -> Model:
    """The fitted model called ``name`` in ``weights.json`` (an even-odds one before ``make train``)."""
    data = json.loads(WEIGHTS.read_text(encoding="utf-8")).get(name)
    if data is None:
        return Model((), (), 0.0, (), ())
    return Model(tuple(data["cues"]), tuple(data["weights"]), float(data["bias"]),
                 tuple(data["mean"]), tuple(data["scale"]), float(data.get("threshold", 0.5)))


def _since_heading(section: Section) -> int:
    """Paragraphs of the running article since its headline or its last subheading."""
    n = 0
    for item in reversed(section.body):
        if item.role is Role.SUB:
            break
        n += 1
    return n


def headline_cues(state: State, k: int) -> dict[str, float]:
    """Cues for "the headline group of section ``k`` opens a new article" against "it is a subheading
    of the article running above it" (section ``k - 1``)."""
    sec, prev = state.sections[k], state.sections[k - 1]
    head = "".join(i.text for i in sec.head)
    first = sec.body[0]
    text = first.text
    # (tried for issue 19 and left out: names and figures only, no trigram holding a particle such as
    # 的 在 与; a long article above shares such wording with any text, but so does an article's next
    # part, and after a refit wide fell to 0.945; nor against the article above's headline, first
    # and last three paragraphs only: gmw-000:57 right, four subheadings of people, xinhua and
    # xinmin split off, wide 0.9514 -> 0.9491 pair_f1)
    shared = state.shared(sec.body[:3], prev.head + prev.body)
    head_cohesion = state.cosine(head, prev.text())
    title = _title_text(sec)
    cohesion = state.cosine(sec.text(), prev.text())
    return {
        "cohesion": cohesion,
        "head_cohesion": head_cohesion,
        "lead": float(first.feat.starts_lead),
        "wire": float(first.feat.wire_lead),
        "lead_time": float(bool(LEAD_TIME.search(text[:LEAD_TIME_SPAN]))),
        # the paragraph under the heading goes on from text above it (a connective, a pronoun): a
        # part of an article, never the first paragraph of one
        "goes_on": float(bool(GOES_ON.match(text))),
        # a short label reads like a subheading when its part goes on naming what the article above
        # names; over a part about something else it is a short headline
        "short_head": float(len(head) <= SHORT_HEAD and (shared > 0 or head_cohesion > 0)),
        "date_first": float(_dated_lead(sec)),
        "headless_prev": float(prev.headless),
        "since_heading": min(_since_heading(prev), RUN_CAP) / 4,
        "prev_open": float(prev.body[-1].feat.ends_open) if prev.body else 0.0,
        "shared": min(shared, SHARED_CAP) / SHARED_CAP,
        "next_len": min(len(text), TEXT_CAP) / 100,
        # the part goes on with what someone the article above names said (朴某指出，): an interview's
        # or a feature's next part, where a new article introduces who speaks
        "speaker_above": float(_speaks_again(sec.body[:2], prev)),
        "alike": _alike(state, sec),
        # a subheading is cut shorter than a headline
        "head_len": min(len(title), HEAD_LEN_CAP) / HEAD_LEN_CAP,
        # a column tag or a source opening the heading (社评：, 外媒：, 【解局】) marks a page's headlines;
        # a part of an article is seldom tagged so. (The training subheadings include a series of labels
        # and colons, so this now counts for little. Tried and left out for issue 19: a cue of its own for
        # a tag in brackets, which only training headlines carry: briefs regained 0.009 pair_f1 and dev
        # lost its bracketed subheading, a form features do print; a bracketed tag counts on a page that
        # tags its briefs so instead: the page-level cue column_page)
        "tagged": float(bool(HEAD_TAG.match(title))),
        # page-level evidence: the running article already prints a subheading of this heading's form
        # (the same ordinal notation, the same tag, or the same shape and near its length): a feature's
        # subheadings come in a series cut alike
        "sibling": _sibling(title, prev),
        # page-level evidence: this pair's likeness against how alike this page's sections are in
        # general (a page of briefs on one subject is alike throughout: only more alike than that
        # says "the same article"), capped
        "rel_cohesion": _relative(cohesion, state.page.get("cohesion", PAGE_COHESION)),
        "rel_head_cohesion": _relative(head_cohesion, state.page.get("head_cohesion", PAGE_HEAD_COHESION)),
        **_page_cues(state, k, lead=first.feat.starts_lead),
    }


#: A first paragraph this short (characters) and of one sentence may be a summary printed between a
#: headline and its lead (a deck line): the paragraph after it is read for the lead's date too.
SUMMARY_LINE = 40


def _dated(text: str) -> bool:
    return bool(FIRST_DATE.search(FIRST_SENTENCE.split(text, maxsplit=1)[0]))


def _dated_lead(sec: Section) -> bool:
    """Whether the first sentence under the heading names a date or a time, or, under a one-sentence
    summary of at most SUMMARY_LINE characters, the first sentence of the paragraph after it: a
    headline may stand over a summary line and then its lead."""
    first = sec.body[0].text
    if _dated(first):
        return True
    short = len(first) <= SUMMARY_LINE and len([x for x in FIRST_SENTENCE.split(first) if x.strip()]) == 1
    return short and len(sec.body) > 1 and sec.body[1].role is Role.BODY and _dated(sec.body[1].text)


def signoff_cues(state: State, k: int, cohesion: float) -> dict[str, float]:
    """Cues for "the lone headline of section ``k``, after a sign-off, opens a new article" against "it
    is the first subheading of a continuation of an article left open above" (``cohesion``: its cosine
    with the likest open article).

    A continuation goes on from its article's text; a new article opens with a lead, which need not be
    a formula: a time or a date in its first sentence (8时11分，…; 3月5日，…) opens a report too. The
    likeness is also read against the page's (``rel_cohesion``): on a page of briefs on one subject
    every article is alike, and only more alike than that says "the same article". A bracketed column
    tag counts as on a running article (``column_page``)."""
    text = state.sections[k].body[0].text
    first = state.sections[k].body[0]
    return {
        "cohesion": cohesion,
        "lead": float(first.feat.starts_lead),
        "wire": float(first.feat.wire_lead),
        "lead_time": float(bool(LEAD_TIME.search(text[:LEAD_TIME_SPAN]))),
        "date_first": float(bool(FIRST_DATE.search(FIRST_SENTENCE.split(text, maxsplit=1)[0]))),
        "rel_cohesion": _relative(cohesion, state.page.get("cohesion", PAGE_COHESION)),
        "column_page": _column_page(state, _title_text(state.sections[k]), state.sections[k].head[0].block.index),
    }


def _page_cues(state: State, k: int, lead: bool) -> dict[str, float]:
    """Page-level cues for the heading of section ``k`` (issue 19), so that one pair is read against
    the page it is printed on (:func:`note_page`, as first laid out, before any decision).

    - ``lead_page``: a lead under this heading times the page's share of headings standing over a lead.
      On a page of briefs every heading stands over a lead, and one more is strong evidence of a new
      article; on a feature page a part may well open with a date, and a lead under a heading counts
      for less (a linear model needs the product to say so).

    The page's share is not a cue on its own: as a page-wide shift it would be learned from the kinds
    of page the training bulletins happen to hold (pages of briefs, pages laid out with subheadings)
    and carried to pages of other kinds, where it turned headlines into subheadings. Tried for issue 19
    and left out: the page's share of signed articles (it learnt "an unsigned page prints subheadings"
    from the training mix), the run above against the page's typical article length, a signed article
    above, a plain lead (no formula) times the page's share of formula-led articles, a lead of the same
    kind as the article above's; after refits each left wide within the refit's noise or lower.
    """
    sec = state.sections[k]
    title = _title_text(sec)
    return {"lead_page": float(lead) * state.page.get("leads", 0.5),
            "column_page": _column_page(state, title, sec.head[0].block.index)}


def _column_page(state: State, title: str, index: int) -> float:
    """``column_page``: the heading opens with a column tag in brackets (【在希望的田野上】) and the page
    prints other bracket-tagged headings, standing over a lead: the share of those others that do
    (0 with none). A page that runs its briefs under column tags tags each brief's headline, and each
    brief opens with a lead; a feature's parts under bracketed labels (【现场】, 【声音】) go on from the
    text above and open with no lead, and a tag printed once on the page says nothing either way."""
    if not BRACKET_TAG.match(title):
        return 0.0
    others = [lead for at, lead in state.page_tags if at != index]
    return sum(others) / len(others) if others else 0.0


def _form(text: str) -> tuple[str | None, bool, bool, bool, bool]:
    """A heading's form: its ordinal's notation (the numeral blanked: 二、 and 三、 alike), whether it
    opens with a tag, ends with a question, sets two phrases side by side, or holds a comma."""
    m = ORDINAL.match(text)
    return (NUMERAL.sub("N", m.group(0)) if m else None, bool(HEAD_TAG.match(text)), text.endswith(("？", "?")),
            bool(COUPLET.search(text)), "，" in text or "," in text)


def form_alike(a: str, b: str) -> float:
    """How alike two headings are in form, 0 to 1: 0 for different forms (:func:`_form`); 1 for the
    same marked form (an ordinal notation, a tag, a question, a couplet, a comma); two plain headings
    by how near in length they are (1 for the same, 0 at SIBLING_SPAN characters or more: a series of
    plain subheadings is cut to one length, as headlines seldom are)."""
    fa, fb = _form(a), _form(b)
    if fa != fb:
        return 0.0
    if any(fa):
        return 1.0
    return max(0.0, 1 - abs(len(a) - len(b)) / SIBLING_SPAN)


def _sibling(title: str, prev: Section) -> float:
    """How alike in form the heading is to the subheadings the running article ``prev`` already prints
    (:func:`form_alike`); 0 when it prints none. A marked form (an ordinal's notation, a tag, a
    question, a couplet, a comma) is read against every subheading; a plain heading against the last
    one only: a series of plain subheadings is cut to one length as it runs, while a page's next
    headline, of any length, is often near the length of one of several subheadings above it by
    chance (a 14-character headline under subheadings of 15, 15 and 10).

    Tried for issue 19 and left out: the same likeness to the heading printed next (the first of a
    series has its sibling below it); after a refit wide was unchanged and dev lost two headlines
    (a page's next headline is as often of a headline's form). Tried too (against a refit of main,
    wide 0.9507 pair_f1 with this cue as it is): the part's likeness to the running article against
    the median likeness of that article's own parts to the text above each (fitted with the wrong
    sign, wide 0.947); a cue "the article prints a series of one form and the heading is of none of
    them" (fitted near 0); this cue times min(1, that likeness ratio) (its weight doubled, wide
    0.948). The training bulletins hold few headlines under an article that prints subheadings (21
    of 1874 decisions: a formula under a heading opens an article by rule), all on other subjects
    than the article above, where cohesion alone tells them apart; a training set of the subheaded
    articles with their formulas dropped, teaching only the decisions under a subheaded article,
    brought such headlines to the model, but subheadings over dated paragraphs then split off (wide
    0.939 to 0.942 at weights 0.1 to 0.5)."""
    subs = [i.text for i in prev.body if i.role is Role.SUB]
    marked = max((form_alike(title, t) for t in subs if any(_form(t))), default=0.0)
    return max(marked, form_alike(title, subs[-1])) if subs else 0.0


def _share(hits: int, total: int) -> float:
    """``hits`` of ``total``, smoothed towards one half by SHARE_PRIOR imagined cases."""
    return (hits + SHARE_PRIOR / 2) / (total + SHARE_PRIOR)


def _relative(value: float, baseline: float) -> float:
    return max(-RELATIVE_CAP, min(RELATIVE_CAP, value - baseline))


def _median(values: list[float]) -> float:
    values = sorted(values)
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def note_page(state: State) -> None:
    """Record what the page is like as first laid out (``state.page``), before any decision: the median
    cosine between consecutive sections and between a heading and the section above it (the page's
    baseline likeness); and the share of its headings that stand over a lead (``leads``, smoothed:
    :func:`_share`)."""
    secs = state.sections
    pairs = [state.cosine(secs[k].text(), secs[k - 1].text()) for k in range(1, len(secs))]
    heads = [state.cosine("".join(i.text for i in secs[k].head), secs[k - 1].text())
             for k in range(1, len(secs)) if secs[k].head]
    headed = [s for s in secs if s.head and s.body]
    state.page_tags[:] = [(s.head[0].block.index, s.body[0].feat.starts_lead) for s in headed
                          if BRACKET_TAG.match(_title_text(s))]
    state.page.update({
        "cohesion": _median(pairs) if len(pairs) >= PAGE_PAIRS else PAGE_COHESION,
        "head_cohesion": _median(heads) if len(heads) >= PAGE_PAIRS else PAGE_HEAD_COHESION,
        "leads": _share(sum(s.body[0].feat.starts_lead for s in headed), len(headed)),
    })


def _alike(state: State, sec: Section) -> float:
    """How close in length this heading is to the nearer in length of the headings printed just
    before and after it (a feature's subheadings are cut alike; headlines of different articles
    vary). 1 for the same length, 0 at ALIKE_SPAN characters or more, or with no neighbour."""
    head = _title_text(sec)
    around = state.neighbours.get(sec.head[0].block.index, ("", ""))
    diffs = [abs(len(head) - len(t)) for t in around if t]
    return max(0.0, 1 - min(diffs) / ALIKE_SPAN) if diffs else 0.0


def _title_text(sec: Section) -> str:
    return next((i.text for i in sec.head if i.role is Role.TITLE), sec.head[-1].text)


def note_neighbours(state: State) -> None:
    """Record, for every headline group, the titles of the groups printed before and after it, and
    what the page is like as first laid out (:func:`note_page`)."""
    note_page(state)
    heads = [s for s in state.sections if s.head]
    titles = [_title_text(s) for s in heads]
    for n, s in enumerate(heads):
        state.neighbours[s.head[0].block.index] = (titles[n - 1] if n else "",
                                                    titles[n + 1] if n + 1 < len(heads) else "")



#: Paragraphs from a candidate start on (and before it) that are compared with an orphan headline.
ORPHAN_SPAN = 3


def orphan_cues(state: State, head: Section, sec: Section, j: int) -> dict[str, float]:
    """Cues for "paragraph ``j`` of ``sec`` is where the displaced headline ``head``'s article starts"
    (``margin``, the cosine less the best cosine of all candidates, is filled in by the caller)."""
    title = head.text()
    item = sec.body[j]
    after = "\n".join(i.text for i in sec.body[j:j + ORPHAN_SPAN])
    before = "\n".join(i.text for i in sec.head + sec.body[max(0, j - ORPHAN_SPAN):j])
    return {
        "cosine": state.cosine(title, after),
        "before": state.cosine(title, before),
        "split": state.cosine(after, before),
        "lead": float(item.feat.starts_lead),
        "wire": float(item.feat.wire_lead),
        "lead_time": float(bool(LEAD_TIME.search(item.text[:LEAD_TIME_SPAN]))),
        "headless": float(sec.headless),
        "margin": 0.0,
    }



def glued_cues(state: State, sec: Section, j: int, other: float, own: float, where: list[Item]) -> dict[str, float]:
    """Cues for "the rest of ``sec`` from paragraph ``j`` on is another article's, glued on with no
    seam": how it reads against its own start and against the best other place (``other``, ``own``,
    cosines), whether it opens as an article opens, what it shares in names and figures with either,
    whether the paragraph before it ends a sentence, and how long the start and the tail are (in
    paragraphs, and in characters up to TEXT_CAP: cosines between short texts are weak evidence).
    ``shared_page`` counts the specifics the tail shares with any text printed outside its section (a
    paragraph that names whom and what another article names, not its own: its home may be closed,
    signed off, and so no candidate ``where``)."""
    tail, start = sec.body[j:], sec.head + sec.body[:j]
    inside = {id(i) for i in start + tail}
    outside = [i for i in state.items if id(i) not in inside]
    item, before = sec.body[j], sec.body[j - 1]
    return {
        "other": other,
        "own": own,
        "ratio": min(other / (own + 0.01), 10.0) / 10,
        "lead": float(item.feat.starts_lead),
        "wire": float(item.feat.wire_lead),
        "lead_time": float(bool(LEAD_TIME.search(item.text[:LEAD_TIME_SPAN]))),
        "cut_before": float(before.feat.ends_open),
        "shared_other": min(state.shared(tail, where), SHARED_CAP) / SHARED_CAP,
        "shared_own": min(state.shared(tail, start), SHARED_CAP) / SHARED_CAP,
        "shared_page": min(state.shared(tail, outside), SHARED_CAP) / SHARED_CAP,
        # in paragraphs, not blocks: a paragraph broken by a column break is one paragraph
        "start_len": min(sum(1 for i in sec.body[:j] if not i.feat.ends_open), RUN_CAP) / 4,
        "tail_len": min(len(tail), RUN_CAP) / 4,
        "tail_chars": min(sum(len(i.text) for i in tail), TEXT_CAP) / 100,
        "start_chars": min(sum(len(i.text) for i in start), TEXT_CAP) / 100,
        "sub": float(item.role is Role.SUB or before.role is Role.SUB),
        "speaker_above": float(_speaker_above(item.text, start)),
    }


#: The verbs of saying both speaker patterns below know (each adds a few of its own).
SAYING = "表示|指出|强调|认为|说|介绍"

#: A paragraph that reports what someone said, opening with who (a name, a body: 李强表示，会议认为，
#: 他强调): the speaker is 1-6 characters before a verb of saying (the glued-run models' cue).
SPEAKER = re.compile(rf"^([\u4e00-\u9fff]{{1,6}}?)(?:{SAYING}|提出|要求|希望)[，,：:]")


#: Who says something, anywhere in a paragraph: 2-6 characters before a verb of saying and a comma or colon
#: (after a quotation too: “…。”某某指出，; the headline model's cue).
SPEAKS = re.compile(rf"(?:^|[”。，])([\u4e00-\u9fff]{{2,6}}?)(?:{SAYING}|分析)[，,：:]")


def _speaks_again(items: list[Item], prev: Section) -> bool:
    """Whether the first paragraphs under a heading report what someone said who is named (as that
    someone, two characters at least) in the running article ``prev``."""
    above = prev.text()
    return any(m.group(1) in above and m.group(1)[0] not in "他她这该其"
               for i in items for m in SPEAKS.finditer(i.text))


def _speaker_above(text: str, start: list[Item]) -> bool:
    """Whether a paragraph opens with what someone said and that someone is named in the start above
    it (the headline or the lead): an article goes on with what the one it is about said."""
    m = SPEAKER.match(text)
    return bool(m) and any(m.group(1) in i.text for i in start)
