"""jieba set-up: a private tokenizer that knows place names, zone words and the site's aliases.

The tokenizer is built once per set of alias names (``functools.cache``) and never touches
jieba's global default tokenizer, so other users of jieba are not affected.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import jieba
    import jieba.posseg

#: Words that name a development zone or new district; kept whole so ``宜春经开区`` → 宜春 / 经开区.
ZONE_WORDS = ("高新技术产业开发区", "经济技术开发区", "经济开发区", "工业园区", "高新区", "经开区",
              "开发区", "工业园", "产业园", "新区")
#: Frequency given to place names and zone words: high enough to keep them whole.
PLACE_FREQ = 200_000
WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")


def _quiet_jieba() -> None:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" chatter is not our diagnostics


@cache
def tokenizer(extra_words: frozenset[str] = frozenset()) -> jieba.Tokenizer:
    """A jieba tokenizer whose dictionary holds every division name, zone word and ``extra_words``."""
    import jieba

    from newsgen.enrich.places import gazetteer

    _quiet_jieba()
    tok = jieba.Tokenizer()
    tok.initialize()
    for name in sorted(gazetteer().word_names | extra_words):
        tok.add_word(name, PLACE_FREQ, "ns")
    for word in ZONE_WORDS:
        tok.add_word(word, PLACE_FREQ, "n")
    return tok


@cache
def pos_tokenizer(extra_words: frozenset[str] = frozenset()) -> jieba.posseg.POSTokenizer:
    """A part-of-speech tokenizer over :func:`tokenizer` (for keyword extraction)."""
    import jieba.posseg

    return jieba.posseg.POSTokenizer(tokenizer(extra_words))


def word_tag(word: str, extra_words: frozenset[str] = frozenset()) -> str | None:
    """jieba's part-of-speech tag for a dictionary word (ns, n, v …), None for unknown words."""
    return pos_tokenizer(extra_words).word_tag_tab.get(word)


def is_word(token: str) -> bool:
    """True for tokens with a letter, digit or CJK character (not spaces or punctuation)."""
    return bool(WORDLIKE.search(token))


def tokenize(text: str, extra_words: Iterable[str] = ()) -> list[str]:
    """The jieba tokens of ``text`` (punctuation and spaces included, so adjacency is kept)."""
    return tokenizer(frozenset(extra_words)).lcut(text, HMM=True)


def words(text: str, extra_words: Iterable[str] = ()) -> list[str]:
    """Only the word tokens of ``text``."""
    return [t for t in tokenize(text, extra_words) if is_word(t)]
