"""Rule ``place_orphan_headlines``: a headline with no body takes a body glued under another article."""

from __future__ import annotations

from newsgen.bulletin.rules.common import ATTACH_MIN, FORMULA_SPAN, WINDOW, _as_subhead, _subhead_group, _title, _trails
from newsgen.bulletin.scorer import headline_cues, model, orphan_cues
from newsgen.bulletin.sections import Role, Section, State


def place_orphan_headlines(state: State) -> None:
    """A headline left with no body (displaced) takes the body that was glued, with no seam, under
    another article: of the paragraphs near it that could open an article (not the first of their
    section, not after a cut sentence), the one whose wording (with the paragraphs after it) matches
    the headline best starts its article, when the fitted model takes it; the headline takes that
    paragraph and the rest of its section. A start that opens like no lead gives way to a lead further
    down the same run that the headline reads as much like (:func:`_lead_below`: what is between is
    another article's tail), and dated background over a formula goes with it (:func:`_background`).
    A headline printed last on the page whose start the model does not take is placed by rule
    (:func:`_unlike_lead`)."""
    k = 0
    while k < len(state.sections):
        head = state.sections[k]
        if head.body or not head.head:
            k += 1
            continue
        candidates = _orphan_candidates(state, k)
        # the headline must read the text it heads more like than the text above
        closer = [(cues, sec, j) for sec, j in candidates
                  if (cues := orphan_cues(state, head, sec, j))["cosine"] > cues["before"]]
        # ...and share vocabulary with it
        scored = [c for c in closer if c[0]["cosine"] >= ATTACH_MIN]
        top = max((c["cosine"] for c, _, _ in scored), default=0.0)
        best: tuple[float, Section, int, dict[str, float]] | None = None
        fitted = model("orphan_start")
        for cues, sec, j in scored:
            cues["margin"] = cues["cosine"] - top
            p = fitted.probability(cues)
            if state.decide("orphan_start", cues, head.head + [sec.body[j]], p, fitted.threshold) and \
                    (best is None or p > best[0]):
                best = (p, sec, j, cues)
        by_rule = False
        if best is None and k == len(state.sections) - 1:   # a headline printed last, at the page's end
            runs = [(orphan_cues(state, head, sec, 0), sec, 0) for sec in _headless_runs(state, k)]
            best = _unlike_lead(closer + runs)
            by_rule = best is not None
        if best is not None:
            p, sec, j, cues = best
            j, cues = _lead_below(sec, j, cues, scored)
            background = _background(sec, j, cues)
            if background:
                j = 0
            head.body = sec.body[j:]
            sec.body = sec.body[:j]
            where = f"glued under '{_title(sec)}'" if j else "a headless run"
            head.notes.append(f"headline at line {head.head[0].block.first_line} was displaced: its body "
                              f"starts at line {head.body[0].block.first_line}, {where} "
                              f"({'by rule: a lead reading unlike the text above it' if by_rule else f'p {p:.2f}'}, "
                              f"cosine {cues['cosine']:.2f}"
                              f"{', with the background paragraphs printed over its formula' if background else ''})")
            # a glued body's next heading was weighed against the article it was glued under
            nxt = _next_heading(state, sec) if j else None
            nxt = None if nxt is head else nxt
            if not sec.body:      # the whole run went to the headline
                state.sections.remove(sec)
            if nxt is not None:
                _reweigh_next_heading(state, head, nxt)
            k = state.sections.index(head)
        k += 1


def _next_heading(state: State, sec: Section) -> Section | None:
    """The headline group printed right under the run that ended section ``sec``, if it may be a
    subheading (one or two lines with text under it)."""
    at = state.sections.index(sec) + 1
    nxt = state.sections[at] if at < len(state.sections) else None
    return nxt if nxt is not None and nxt.body and _subhead_group(nxt) else None


def _reweigh_next_heading(state: State, head: Section, nxt: Section) -> None:
    """The heading right under a displaced headline's body was weighed, as new article or subheading,
    against the article the body was glued under: weighed again against the displaced article it now
    goes on from, it is that article's subheading when the fitted model says it opens none."""
    at = state.sections.index(head)
    state.sections.remove(head)
    k = state.sections.index(nxt)
    state.sections.insert(k, head)
    cues = headline_cues(state, k + 1)
    p_new = model("opens_article").probability(cues)
    subhead = not state.decide("opens_article", cues, nxt.head, p_new)
    state.sections.remove(head)
    state.sections.insert(at, head)
    if subhead:
        head.notes.append(f"line {nxt.head[0].block.first_line}: subheading of the displaced article "
                          f"(p(new article) {p_new:.2f}, cosine {cues['cohesion']:.2f})")
        head.body += _as_subhead(nxt)
        state.sections.remove(nxt)


def _unlike_lead(scored: list[tuple[dict[str, float], Section, int]]
                 ) -> tuple[float, Section, int, dict[str, float]] | None:
    """The start of the body of a headline displaced to the page's end, when the fitted model takes no
    start: a page prints nothing after its last article, so a headline there with no text under it has
    its article elsewhere on the page. Its body opens as an article opens (a lead: a formula, a date,
    a time word) after a closed paragraph, and it reads unlike the text it is glued under (cosine
    ``split`` under ATTACH_MIN: another article's text), while the headline reads it more like than
    that text. Of such starts, one led by an outlet's formula first (a date or a time word opens many a
    paragraph inside an article too; a formula opens only an article), then the one the headline reads
    most like; a comment's headline shares few words with its text, so no floor is set on that cosine."""
    fits = [(cues, sec, j) for cues, sec, j in scored
            if (sec.body[j].feat.starts_lead or sec.body[j].feat.wire_lead) and
            cues["split"] < ATTACH_MIN and cues["cosine"] > cues["split"]]
    if not fits:
        return None
    cues, sec, j = max(fits, key=lambda c: (c[1].body[c[2]].feat.wire_lead, c[0]["cosine"]))
    return 0.0, sec, j, cues


def _headless_runs(state: State, k: int) -> list[Section]:
    """The headless runs near section ``k`` (text after a closed article, with no headline over it)."""
    return [sec for sec in state.sections[max(0, k - WINDOW):k] if sec.headless and sec.body and
            sec.body[0].role is Role.BODY]


def _lead_below(sec: Section, j: int, cues: dict[str, float],
                scored: list[tuple[dict[str, float], Section, int]]) -> tuple[int, dict[str, float]]:
    """Where the displaced article starts, when the chosen start ``j`` opens like no lead and a paragraph
    further down the same run does (a date, a time word, a formula) and the headline reads at least as
    much like the text from there on: the paragraphs between are the end of another article printed
    before the displaced one (a moved tail glued on with no seam), and an article opens with its lead."""
    if sec.body[j].feat.starts_lead or sec.body[j].feat.wire_lead:
        return j, cues
    for other, where, m in sorted(scored, key=lambda c: c[2]):
        if where is sec and m > j and (sec.body[m].feat.starts_lead or sec.body[m].feat.wire_lead) and \
                other["cosine"] >= cues["cosine"]:
            return m, other
    return j, cues


def _background(sec: Section, j: int, cues: dict[str, float]) -> bool:
    """Whether the paragraphs of a headless run before its chosen start ``j`` are the displaced
    article's own background, printed over its lead formula (a dated sentence of context, then
    新华社某地某日电): the run opens with them, they are at most FORMULA_SPAN paragraphs with no
    formula of their own, the first opening as a lead opens (a date, a time word: context is dated;
    the rest of another article seldom opens so), paragraph ``j`` opens with a formula, and they read
    like the text from the formula on (cosine at least ATTACH_MIN). Cut there, they would stand as an
    article of their own, titled with their first words (a date)."""
    before = sec.body[:j]
    return sec.headless and 0 < j <= FORMULA_SPAN and sec.body[j].feat.wire_lead and before[0].feat.starts_lead and \
        all(i.role is Role.BODY and not i.feat.wire_lead for i in before) and cues["split"] >= ATTACH_MIN


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
