"""The working state of the assembler: items (a block with its features and role) and sections.

A *section* is a headline (possibly none) and the body items printed after it, up to
the next headline or byline. Rules in :mod:`newsgen.bulletin.rules` merge, split and
re-attach sections; :mod:`newsgen.bulletin.drafts` turns the final sections into drafts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from newsgen.bulletin.blocks import Features, flat
from newsgen.bulletin.model import Block, ParseWarning
from newsgen.bulletin.similarity import Specifics, Vectorizer


class Role(Enum):
    """What an item is in its article: a headline line (引题, 主题, 副题), a subheading, or text."""

    KICKER = "kicker"
    TITLE = "title"
    SUBTITLE = "subtitle"
    SUB = "sub"
    BODY = "body"


@dataclass
class Item:
    block: Block
    feat: Features
    role: Role = Role.BODY
    candidate: bool = False      # could be a headline line, by its shape
    opening: bool = False        # a bare credit line printed under the headline, before the text
    own_line: bool = False       # a line of its own under the text (a related link): never joined to the next

    @property
    def text(self) -> str:
        return flat(self.block)

    @property
    def closes(self) -> bool:
        """A byline (or a bracketed sign-off, or a note line printed under the text) ends the article here."""
        return bool(self.feat.tail_byline) or self.feat.closing or self.feat.note or bool(self.feat.end_matter) or \
            (self.feat.credit and not self.opening and not self.feat.photo)


@dataclass
class Section:
    head: list[Item] = field(default_factory=list)
    body: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    fallback_title: bool = False

    @property
    def headless(self) -> bool:
        return not self.head

    @property
    def closed(self) -> bool:
        return bool(self.body) and self.body[-1].closes

    @property
    def ends_open(self) -> bool:
        return bool(self.body) and self.body[-1].role is Role.BODY and self.body[-1].feat.ends_open

    def text(self, head: bool = True) -> str:
        parts = [i.text for i in self.head] if head else []
        return "\n".join(parts + [i.text for i in self.body])

    def span(self) -> str:
        items = self.head + self.body
        if not items:
            return "-"
        return f"{items[0].block.first_line}-{items[-1].block.last_line}"

    def first_line(self) -> int:
        items = self.head + self.body
        return items[0].block.first_line if items else 0


@dataclass
class State:
    items: list[Item]
    sections: list[Section] = field(default_factory=list)
    vectorizer: Vectorizer = field(default_factory=lambda: Vectorizer([]))
    unplaced: list[Item] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    _specifics: Specifics | None = None
    #: The titles of the headline groups printed just before and after each group (by the block index
    #: of its first line), as first laid out: what a heading is printed among, before any decision.
    neighbours: dict[int, tuple[str, str]] = field(default_factory=dict)
    #: What the page is like as first laid out, before any decision (:func:`scorer.note_page`): how
    #: alike its consecutive sections are in general, and what its headline groups stand over.
    page: dict[str, float] = field(default_factory=dict)
    #: The page's headings that open with a column tag in brackets, as first laid out: (the block index
    #: of the group's first line, whether the paragraph under it opens with a lead).
    page_tags: list[tuple[int, bool]] = field(default_factory=list)
    #: Training only (``train/fit.py``): every scored decision is recorded here as (model name, cues,
    #: the items decided about), and ``oracle`` (given the same) answers it in place of the model.
    trace: list[tuple[str, dict[str, float], list[Item]]] | None = None
    oracle: Callable[[str, list[Item]], bool | None] | None = None

    def decide(self, name: str, cues: dict[str, float], items: list[Item], probability: float,
               threshold: float = 0.5) -> bool:
        """Whether a scored decision comes out true: the model's probability above its threshold, or
        the oracle's answer while training."""
        if self.trace is not None:
            self.trace.append((name, cues, items))
        if self.oracle is not None:
            answer = self.oracle(name, items)
            if answer is not None:
                return answer
        return probability > threshold

    def cosine(self, a: str, b: str) -> float:
        return self.vectorizer.cosine(a, b)

    def shared(self, part: list[Item], other: list[Item], ignore: frozenset[int] = frozenset()) -> int:
        """How many specifics (a name, a figure) ``part`` shares with ``other`` and with no other block
        (but the blocks of ``ignore``, by index)."""
        if self._specifics is None:
            self._specifics = Specifics({i.block.index: i.text for i in self.items})
        return self._specifics.shared({i.block.index for i in part}, {i.block.index for i in other}, ignore)
