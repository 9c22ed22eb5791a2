"""Rule ``resolve_subheads``: a headline group inside a running article is a subheading or a new article."""

from __future__ import annotations

import re

from newsgen.bulletin.blocks import HEAD_TAG
from newsgen.bulletin.leads import LEAD_CLAUSE
from newsgen.bulletin.rules.common import FORMULA_SPAN, _as_subhead, _open_articles, _subhead_group, _title
from newsgen.bulletin.scorer import NUMERAL, ORDINAL, headline_cues, model, note_neighbours, signoff_cues
from newsgen.bulletin.sections import Role, Section, State

#: A section number over a subheading (1, 二, 第3计, （四）, Part 2): it numbers the parts of one article.
SECTION_NUMBER = re.compile(r"^(?:[（(]?(?:\d{1,2}|[一二三四五六七八九十]{1,3})[）)]?[、.．]?|"
                            r"第[一二三四五六七八九十百\d]{1,4}[计章节部分篇回期季站]?)$")
#: The first of an article's numbered parts, as SECTION_NUMBER spells them (1, 01, 一, （一）, 第一).
FIRST_NUMBER = re.compile(r"^(?:[（(]?(?:0?1|一)[）)]?[、.．]?|第[一1][计章节部分篇回期季站]?)$")
#: At most this many paragraphs stand between an article's headline and its part 1 (its lead).
PART_ONE_AFTER = 3
#: The first item of a numbered list (1. 1、 （1） 一、 ①): text under a heading that opens with it is the
#: list's heading inside an article.
LIST_ITEM = re.compile(r"^(?:[1１][.．、]|[（(][1１一][)）]|一、|①)\s*\S")

#: The label of a box printed inside an article (背景链接, 【新闻链接】, 相关背景, 小贴士, 名词解释, 编后,
#: 记者手记): it heads the background, the note or the explainer the article carries, never an article
#: of its own (whose headline says what happened). Under a running article it is that article's subheading.
BOX_LABEL = re.compile(r"^[【\[［]?(?:(?:背景|新闻|知识|相关)?(?:链接|背景|资料)|小贴士|名词解释|编后|记者手记)"
                       r"[】\]］]?[：:]?$")

#: Chinese numerals' values, for ordinals (一 to 九; 十 is read apart).
DIGITS = {c: n for n, c in enumerate("一二三四五六七八九", start=1)}

#: An article's summary over its lead formula is at most this many paragraphs: an article above with
#: more text than that and no formula is not waiting for one.
SUMMARY_MAX = 2 * FORMULA_SPAN


def _formula_again(sec: Section, prev: Section) -> bool:
    """A lead formula (本报讯, 某社X月X日电) opens an article once: a headline with one among the first
    paragraphs under it, below an article that has had its own, opens the next article (some papers
    print summary paragraphs between a headline and its formula). Below a headless run (a tail printed
    away, a brief whose headline was lost) it opens one too: summary paragraphs stand under a headline."""
    return any(i.feat.wire_lead for i in sec.body[:FORMULA_SPAN]) and \
        (prev.headless or any(i.feat.wire_lead for i in prev.body) or len(prev.body) > SUMMARY_MAX)


#: A page prints its articles' formulas first (a page of briefs) when at least this share of its headline
#: groups, and at least FORMULA_PAGE_MIN of them, stand right over a lead formula, as first laid out.
#: Hand-set, not fitted: a page that prints summaries between a headline and its formula (the case
#: :func:`_formula_again` guards) has few headlines right over one, and a feature page none.
FORMULA_PAGE_SHARE = 0.5
FORMULA_PAGE_MIN = 3


def formula_page(state: State) -> bool:
    """Whether the page, as first laid out, prints its articles' lead formulas (本报讯, 某某网消息,
    某社某地X月X日电) right under their headlines: at least FORMULA_PAGE_MIN headline groups, and
    FORMULA_PAGE_SHARE of them, stand over a paragraph that opens with one."""
    headed = [s for s in state.sections if s.head and s.body]
    formulas = sum(s.body[0].feat.wire_lead for s in headed)
    return formulas >= FORMULA_PAGE_MIN and formulas >= FORMULA_PAGE_SHARE * len(headed)


def _formula_first(sec: Section, page: bool) -> bool:
    """On a page that prints its formulas right under its headlines (:func:`formula_page`), a heading
    right over a lead formula, or over a lead's dated opening clause (当地时间X日，, 昨天凌晨，,
    7月5日上午，: :data:`leads.LEAD_CLAUSE`), opens an article whatever the article above is: on such a
    page a part of an article never opens with an outlet's formula, nor says first when it happened, and
    the page prints no summary between a headline and its formula for the formula to be the article
    above's. (Alike headlines over alike leads are how such a page reports one event from several
    outlets; the "new article or subheading?" model reads them as one article's parts.)

    Tried for issue 19 and left out: on such a page, any heading under a short run with no subheading
    (a page of briefs prints none): the briefs set gained 0.02 pair_f1 and huanqiu lost 0.08, whose
    web articles print their first subheading after a lead or two on pages of formula-led news; a lead
    that names who first and when after (国务院总理某某5日在某地会见…), which opens the parts of a
    roundup of reactions too (huanqiu lost 0.04; on pages of at least 75% formula-led headlines it
    changed nothing on the briefs sets)."""
    if not page:
        return False
    text = sec.body[0].text
    return sec.body[0].feat.wire_lead or bool(LEAD_CLAUSE.match(text))


def _under_summarised_lead(prev: Section) -> bool:
    """Whether the running article's last paragraph is its lead formula (本报讯…), printed after summary
    paragraphs under its headline: a report goes on under its lead before any subheading, so a heading
    right here is the next article's (the report's text was printed elsewhere, a moved tail)."""
    last = prev.body[-1]
    before = [i for i in prev.body[:-1] if i.role is Role.BODY]
    return bool(prev.head) and last.role is Role.BODY and last.feat.wire_lead and not last.feat.ends_open and \
        0 < len(before) <= FORMULA_SPAN and not any(i.feat.wire_lead or i.feat.starts_lead for i in before)


#: A turn of an interview printed as a transcript: who speaks (问, 记者, an outlet's or a person's name, at
#: most six characters) and a colon, then the words.
TURN = re.compile(r"^([\u4e00-\u9fff·]{1,6})[：:]\S")


def _interview_ends(sec: Section, prev: Section) -> bool:
    """Whether the running article is an interview printed as turns (two speakers at least, one of them,
    the asker, speaking twice or more) and the text under the heading opens with no turn: an interview's
    parts each open with a turn (the next question), so a heading over plain text ends the interview and
    heads the next article. A lone paragraph under the heading is left to the model: an answer cut by a
    column break leaves its first words on a line of their own, headline-shaped, over the rest."""
    if len(sec.body) < 2:
        return False
    speakers = [m.group(1) for i in prev.body if i.role is Role.BODY and (m := TURN.match(i.text))]
    if len(set(speakers)) < 2 or max(speakers.count(s) for s in speakers) < 2:
        return False
    return not TURN.match(sec.body[0].text)


def _tag_again(sec: Section, prev: Section) -> bool:
    """A heading that opens with the column tag of the running article's headline is the column's next
    article: a subheading never repeats its own article's tag."""
    if not prev.head:
        return False
    m, n = HEAD_TAG.match(_title(sec)), HEAD_TAG.match(_title(prev))
    return bool(m and n and m.group(0) == n.group(0))


def _parts_follow(state: State, k: int) -> bool:
    """Whether the headline group after section ``k`` numbers the first part of an article (1, 一,
    第一): an article's parts are numbered from its top, so the heading over the text before part 1
    is that article's headline, not a subheading of the article above (when at most PART_ONE_AFTER
    paragraphs, a lead, stand between them)."""
    nxt = state.sections[k + 1] if k + 1 < len(state.sections) else None
    return bool(nxt and nxt.head and FIRST_NUMBER.match(nxt.head[0].text)
                and len(state.sections[k].body) <= PART_ONE_AFTER)


def _numeral(text: str) -> int | None:
    """The value of a numeral: 12, ⑤, 七, 十, 十二, 二十, 二十三."""
    if text.isdigit() and text.isascii():
        return int(text)
    if len(text) == 1 and "①" <= text <= "⑳":
        return ord(text) - ord("①") + 1
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return DIGITS.get(text) if len(text) == 1 else None
    if len(tens) > 1 or len(ones) > 1 or (tens and tens not in DIGITS) or (ones and ones not in DIGITS):
        return None
    return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[ones] if ones else 0)


def ordinal(text: str) -> tuple[str, int] | None:
    """A heading's opening ordinal as (notation, number): 三、 -> ("N、", 3), （二） -> ("（N）", 2)."""
    m = ORDINAL.match(text)
    if not m:
        return None
    value = _numeral(NUMERAL.search(m.group(0)).group(0))
    return (NUMERAL.sub("N", m.group(0)), value) if value else None


def _numbered_next(sec: Section, prev: Section) -> bool:
    """Whether the heading numbers the next part after a subheading the running article ``prev`` prints
    (二、 after 一、, （三） after （二）, 三是 after 二是): an article's parts are numbered in one
    notation, and the next number under it is its next part, whatever the text under it opens with."""
    here = ordinal(_title(sec))
    if here is None or here[1] < 2:
        return False
    return any(ordinal(i.text) == (here[0], here[1] - 1) for i in prev.body if i.role is Role.SUB)


def _opens_by_rule(sec: Section, prev: Section) -> str | None:
    """Why the headline group ``sec`` opens an article under the running article ``prev`` whatever the
    fitted model would say, or None to let the model decide."""
    if _tag_again(sec, prev):
        return "the column tag of the article above's headline again"
    if _formula_again(sec, prev):
        return "a lead formula under it, and the article above had its own"
    if _interview_ends(sec, prev) and not sec.head[0].feat.weak:
        return "plain text under it, below an interview printed as turns"
    if _under_summarised_lead(prev) and not sec.head[0].feat.weak:
        return "printed right under the summary and lead formula of the article above, whose text went elsewhere"
    return None


def resolve_subheads(state: State) -> None:
    """A headline group inside a running article is a subheading when the fitted model says it does
    not open an article (no lead under it, same topic and names, shorter than the article's title...).
    After a sign-off, a lone headline with no lead that reads like an open article is the first line
    of a continuation (a headless run that starts with a subheading)."""
    note_neighbours(state)
    page = formula_page(state)
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
        if running and len(sec.head) == 1 and BOX_LABEL.match(sec.head[0].text.strip()):
            prev.notes.append(f"line {sec.head[0].block.first_line}: subheading, the label of a box the "
                              f"article carries ('{sec.head[0].text}')")
            prev.body += _as_subhead(sec)
            del state.sections[k]
            continue
        if running and LIST_ITEM.match(sec.body[0].text):
            prev.notes.append(f"line {sec.head[0].block.first_line}: subheading over a numbered list "
                              f"('{sec.head[0].text}'): an article never opens with item 1")
            prev.body += _as_subhead(sec)
            del state.sections[k]
            continue
        if running:
            reason = _opens_by_rule(sec, prev) or \
                ("its article's numbered part 1 follows" if _parts_follow(state, k) else None)
            if reason:
                sec.notes.append(f"line {sec.head[0].block.first_line}: opens an article ({reason})")
            elif _numbered_next(sec, prev):
                prev.notes.append(f"line {sec.head[0].block.first_line}: subheading numbering the article's "
                                  f"next part ('{sec.head[0].text}')")
                prev.body += _as_subhead(sec)
                del state.sections[k]
                continue
            else:
                cues = headline_cues(state, k)
                p_new = model("opens_article").probability(cues)
                opens = state.decide("opens_article", cues, sec.head, p_new)
                # asked after the model, so that the model is still fitted on every heading: taken out of
                # its training, the many formula-led headlines of such pages left it the hard cases only,
                # and it learnt to distrust a lead on pages of every kind
                if not opens and _formula_first(sec, page):
                    sec.notes.append(f"line {sec.head[0].block.first_line}: opens an article (a lead right under "
                                     f"it, on a page that prints its formulas under its headlines; p {p_new:.2f})")
                    opens = True
                if not opens:
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
                cues = signoff_cues(state, k, best[0])
                p_new = model("opens_after_signoff").probability(cues)
                if not state.decide("opens_after_signoff", cues, sec.head, p_new):
                    state.sections[k] = Section(body=_as_subhead(sec), notes=[
                        f"line {sec.head[0].block.first_line}: subheading opening a continuation "
                        f"(p(new article) {p_new:.2f}, cosine {best[0]:.2f} with '{_title(best[1])}')"])
        k += 1
