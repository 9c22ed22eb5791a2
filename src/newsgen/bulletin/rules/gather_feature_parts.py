"""Rule ``gather_feature_parts``: a series of parallel headings under a feature are its parts' subheadings."""

from __future__ import annotations

from newsgen.bulletin.rules.common import FORMULA_SPAN, _as_subhead, _subhead_group, _title
from newsgen.bulletin.sections import Section, State

#: Paragraphs under a heading whose names are compared with the feature's.
ECHO_SPAN = 3
#: A part of a feature shares at least this many specifics (names, places, figures) with the article
#: above it that no text outside the run of parts holds...
PART_SPECIFICS = 3
#: ...in a series of at least this many parts (parallel subheadings), each heading shorter than this
#: share of the feature's title (a subheading is cut shorter than the title it serves).
PART_RUN = 2
#: ...and each part's heading is shorter than this share of the feature's title.
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
