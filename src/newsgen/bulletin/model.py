"""What the bulletin parser produces. Plain data, no behaviour."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines of the bulletin, with its 1-based line span."""

    index: int
    first_line: int
    last_line: int
    text: str


@dataclass(frozen=True)
class ParseWarning:
    line: int
    message: str


@dataclass
class Draft:
    """One reassembled article."""

    title: str
    body: str                                   # Markdown: paragraphs, '## ' subheadings
    blocks: list[Block]                         # every block used, in reading order
    kicker: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    byline: str | None = None                   # attribution text taken out of the body, verbatim
    headline: list[str] = field(default_factory=list)  # the headline lines as printed (kicker's '：' kept)
    notes: list[str] = field(default_factory=list)   # decisions: what was attached and why (with scores)
    warnings: list[ParseWarning] = field(default_factory=list)


@dataclass
class Parsed:
    drafts: list[Draft]
    unplaced: list[Block] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    dateline: dt.date | None = None             # a full date found in the text (YYYY年M月D日), if any
