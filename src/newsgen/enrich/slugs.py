"""Article slugs in pinyin, one group of syllables per jieba word.

``党建聚链成势 产业向新攀高`` -> ``dangjian-julian-chengshi-chanye-xiangxin-pangao``. Polyphones
come out right because each jieba word goes to pypinyin whole, so its phrase data applies
(长沙 changsha, 重庆 chongqing, 说了算 shuolesuan).
"""

from __future__ import annotations

from newsgen.enrich.words import words
from newsgen.text import MAX_SLUG, pinyin_slug, unique_slug


def cut_at_word(slug: str, max_length: int = MAX_SLUG) -> str:
    """``slug`` cut to at most ``max_length`` at a '-' (a single over-long word is cut hard).

    Done here rather than by slugify's ``word_boundary``, which skips an over-long word and
    goes on with later, shorter ones: the words would come out of order.
    """
    if len(slug) <= max_length:
        return slug
    head = slug[: max_length + 1]
    cut = head.rfind("-")
    return head[:cut] if cut > 0 else slug[:max_length]


def phrase_slug(text: str, max_length: int = MAX_SLUG) -> str:
    """Pinyin slug of any phrase, grouped by jieba words, cut at a word boundary ('' without words)."""
    found = words(text)
    return cut_at_word(pinyin_slug(found, max_length=0), max_length) if found else ""


def article_slug(title: str, taken: set[str]) -> str:
    """A fresh slug for an article title: not in ``taken`` (``-2``, ``-3`` … on collision)."""
    return unique_slug(phrase_slug(title) or "article", taken)
