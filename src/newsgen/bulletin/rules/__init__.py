"""The assembler's rules: an ordered list of small functions over a :class:`State`, one rule a module.

Each rule reads and rewrites ``state.sections`` and explains what it decided in the
section's ``notes`` (or warns). Rules use only the *kind* of evidence an editor uses —
headline shape, sign-offs, news-lead openings, mid-sentence ends and lexical
similarity — never a particular word, place or name.

``RULES`` below is the single registry (as markdown-it-py's Ruler): a plain list of the rule
functions, in the order they run. :func:`newsgen.bulletin.parse.assemble` looks it up at each
parse, so a test or ``make ablate`` switches a rule off by replacing the list. Each rule lives in
the module named for it; what several rules share is in :mod:`.common`. The thresholds and
helpers that tests and tools read are re-exported here.
"""

from __future__ import annotations

from newsgen.bulletin.rules.attach_runs import (
    ATTACH_SURE,
    HEADLINE_LEAD_BONUS,
    HEADLINE_WEIGHT,
    OPEN_JOIN_BONUS,
    WORD_JOIN_BONUS,
    _joins_word,
    _pair_score,
    attach_runs,
    opens_article,
)
from newsgen.bulletin.rules.build_sections import DECK_COMMAS, SPOKEN, build_sections
from newsgen.bulletin.rules.common import (
    ATTACH_MIN,
    COLUMN_TAG,
    FORMULA_SPAN,
    KICKER_MARGIN,
    LABEL_MAX,
    SUBHEAD_LINES,
    WINDOW,
    Rule,
    _labelled_subhead,
    _question_subhead,
)
from newsgen.bulletin.rules.detach_displaced_kickers import KICKER_OWN_MAX, detach_displaced_kickers
from newsgen.bulletin.rules.fallback_titles import fallback_titles
from newsgen.bulletin.rules.gather_columns import BRIEF_BLOCKS, BRIEF_MAX, COLUMN_LABEL, LEAD_TAG, gather_columns
from newsgen.bulletin.rules.gather_feature_parts import (
    ECHO_SPAN,
    PART_ALIKE,
    PART_RATIO,
    PART_RUN,
    PART_SPECIFICS,
    gather_feature_parts,
)
from newsgen.bulletin.rules.layout_stories import layout_stories
from newsgen.bulletin.rules.layout_subheads import layout_subheads
from newsgen.bulletin.rules.place_orphan_headlines import place_orphan_headlines
from newsgen.bulletin.rules.resolve_subheads import LIST_ITEM, SECTION_NUMBER, SUMMARY_MAX, _tag_again, resolve_subheads
from newsgen.bulletin.rules.return_end_matter import return_end_matter
from newsgen.bulletin.rules.return_stray_kickers import return_stray_kickers
from newsgen.bulletin.rules.set_aside_furniture import set_aside_furniture
from newsgen.bulletin.rules.split_glued_runs import (
    ADDRESS,
    GLUE_MARGIN,
    GLUE_MIN,
    GLUE_RATIO,
    LEAD_BONUS,
    MAX_GLUED_ITEMS,
    OWN_WEIGHT,
    SHORT_TAIL,
    SOURCE_NOTE,
    SPECIFIC_COS,
    SPECIFIC_MIN,
    STRANGER_OWN,
    Candidate,
    _after_lost_column,
    _shares_specifics,
    _signed_source,
    _stranger,
    _whole,
    split_glued_runs,
)
from newsgen.bulletin.rules.warn_noise import warn_noise
from newsgen.bulletin.rules.warn_open_ends import warn_open_ends

RULES: list[Rule] = [
    set_aside_furniture,
    build_sections,
    layout_stories,
    layout_subheads,
    gather_columns,
    resolve_subheads,
    gather_feature_parts,
    split_glued_runs,
    return_stray_kickers,
    detach_displaced_kickers,
    place_orphan_headlines,
    attach_runs,
    return_end_matter,
    fallback_titles,
    warn_open_ends,
    warn_noise,
]

__all__ = [
    "ADDRESS",
    "ATTACH_MIN",
    "ATTACH_SURE",
    "BRIEF_BLOCKS",
    "BRIEF_MAX",
    "COLUMN_LABEL",
    "COLUMN_TAG",
    "Candidate",
    "DECK_COMMAS",
    "ECHO_SPAN",
    "FORMULA_SPAN",
    "GLUE_MARGIN",
    "GLUE_MIN",
    "GLUE_RATIO",
    "HEADLINE_LEAD_BONUS",
    "HEADLINE_WEIGHT",
    "KICKER_MARGIN",
    "KICKER_OWN_MAX",
    "LABEL_MAX",
    "LEAD_BONUS",
    "LEAD_TAG",
    "LIST_ITEM",
    "MAX_GLUED_ITEMS",
    "OPEN_JOIN_BONUS",
    "OWN_WEIGHT",
    "PART_ALIKE",
    "PART_RATIO",
    "PART_RUN",
    "PART_SPECIFICS",
    "RULES",
    "Rule",
    "SECTION_NUMBER",
    "SHORT_TAIL",
    "SOURCE_NOTE",
    "SPECIFIC_COS",
    "SPECIFIC_MIN",
    "SPOKEN",
    "STRANGER_OWN",
    "SUBHEAD_LINES",
    "SUMMARY_MAX",
    "WINDOW",
    "WORD_JOIN_BONUS",
    "_after_lost_column",
    "_joins_word",
    "_labelled_subhead",
    "_question_subhead",
    "_pair_score",
    "_shares_specifics",
    "_signed_source",
    "_stranger",
    "_tag_again",
    "_whole",
    "attach_runs",
    "build_sections",
    "detach_displaced_kickers",
    "fallback_titles",
    "gather_columns",
    "gather_feature_parts",
    "layout_stories",
    "layout_subheads",
    "opens_article",
    "place_orphan_headlines",
    "resolve_subheads",
    "return_end_matter",
    "return_stray_kickers",
    "set_aside_furniture",
    "split_glued_runs",
    "warn_noise",
    "warn_open_ends",
]
