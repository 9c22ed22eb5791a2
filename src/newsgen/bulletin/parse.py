"""``parse(text) -> Parsed``: blocks, features, the ordered rules, then drafts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from newsgen.bulletin import layout, rules
from newsgen.bulletin.blocks import FULL_DATE, features, flat, split_blocks
from newsgen.bulletin.drafts import draft
from newsgen.bulletin.layout import Layout
from newsgen.bulletin.model import Parsed
from newsgen.bulletin.sections import Item, State
from newsgen.bulletin.similarity import Vectorizer


def dateline(text: str) -> dt.date | None:
    """The first full, valid date written in the text (2025年8月6日)."""
    for m in FULL_DATE.finditer(text):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def assemble(text: str, state: State | None = None, cues: Mapping[int, Layout] | None = None) -> State:
    """Blocks, their features, and the ordered rules run over them (``state`` may carry a training trace).
    ``cues`` holds the layout of the block on each first line, for a bulletin read from a PDF."""
    blocks = split_blocks(text)
    state = state or State(items=[])
    state.items = [Item(block, features(block)) for block in blocks]
    for item in state.items if cues else ():
        cue = cues.get(item.block.first_line) if cues else None
        if cue is not None:
            layout.apply(item.feat, cue)
    state.vectorizer = Vectorizer(flat(b) for b in blocks)
    for rule in rules.RULES:   # looked up at each parse: a test or `make ablate` may switch one off
        rule(state)
    return state


def parse(text: str, cues: Mapping[int, Layout] | None = None) -> Parsed:
    """The drafts of a bulletin; ``cues`` (a PDF's layout, by a block's first line) when it has them."""
    return to_parsed(assemble(text, cues=cues), text)


def to_parsed(state: State, text: str) -> Parsed:
    """The drafts of assembled sections, in reading order, with what was left unplaced."""
    sections = sorted(state.sections, key=lambda s: min((i.block.first_line for i in s.body),
                                                         default=s.first_line()))
    drafts = [draft(s) for s in sections]
    # Parsed.warnings holds what belongs to no draft (each draft carries its own).
    warnings = sorted(state.warnings, key=lambda w: w.line)
    return Parsed(drafts=drafts, unplaced=[i.block for i in state.unplaced], warnings=warnings,
                  dateline=dateline(text))
