"""Article slugs in pinyin, one group of syllables per jieba word.

``党建聚链成势 产业向新攀高`` -> ``dangjian-julian-chengshi-chanye-xiangxin-pangao``. Polyphones
come out right because each jieba word goes to pypinyin whole, so its phrase data applies
(长沙 changsha, 重庆 chongqing, 说了算 shuolesuan).
"""

from __future__ import annotations

from newsgen.enrich.words import words
from newsgen.text import MAX_SLUG, pinyin_slug, unique_slug


def phrase_slug(text: str, max_length: int = MAX_SLUG) -> str:
    """Pinyin slug of any phrase, grouped by jieba words, cut at a word boundary ('' without words)."""
    found = words(text)
    return pinyin_slug(found, max_length=max_length) if found else ""


def article_slug(title: str, taken: set[str]) -> str:
    """A fresh slug for an article title: not in ``taken`` (``-2``, ``-3`` … on collision)."""
    return unique_slug(phrase_slug(title) or "article", taken)
