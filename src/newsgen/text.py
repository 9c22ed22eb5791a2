"""Small text helpers shared by import and build: pinyin slugs, summaries, reading time.

Nothing here loads jieba or jionlp: ``build`` uses this module on every run.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from slugify import slugify

#: Suffixes of administrative units, dropped from place slugs (罗家镇 -> luojia).
PLACE_SUFFIXES = ("特别行政区", "自治州", "自治县", "自治旗", "街道办事处", "街道", "省", "市", "区", "县",
                  "镇", "乡", "旗", "盟", "地区")
MAX_SLUG = 60
SENTENCE_END_RE = re.compile(r"[。！？!?…]+[”’」』）)]*")
CJK = re.compile(r"[\u3400-\u9fff]")
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
LATIN_WORD = re.compile(r"[A-Za-z0-9]+")
CJK_CHAR = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’]"
# Markdown that is not prose, removed in order: images, link targets, headings, HTML tags,
# table rows, emphasis and code marks, block quotes and list bullets. Linear time: each pattern stops
# at the next place it could start again (a '[' in link text, a '(' in a target, a '<' in a tag) and
# looks for a line's marks within the line (spaces and tabs, not '\s', which runs over blank lines).
# Otherwise each '[', '![' or '<' of a long line, or each of many blank lines, scanned to the end: a
# 100 kB body of them took 10 to 40 s (bench/pathological_markdown.py families through summarize).
MARKDOWN_STRIP: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\[\]]*\]\((?:[^()]|\([^()]*\))*\)"), ""),
    (re.compile(r"\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)"), r"\1"),
    (re.compile(r"^#{1,6}\s.*$", re.M), ""),
    (re.compile(r"<[^<>\n]+>"), ""),
    (re.compile(r"^[ \t]*\|.*$", re.M), ""),
    (re.compile(r"[*_`]+"), ""),
    (re.compile(r"^[ \t]*(>[ \t]*)+|^[ \t]*([-+]|\d+\.)[ \t]+", re.M), ""),
)
SPACE_BETWEEN_CJK = re.compile(rf"(?<={CJK_CHAR})\s+(?={CJK_CHAR})")
#: For each pattern of MARKDOWN_STRIP, what a text must hold (one of them) for it to match: a text with
#: none of them is left as it is without being scanned.
_STRIP_NEEDS = (("![",), ("](",), ("#",), ("<",), ("|",), ("*", "_", "`"), (">", "-", "+", "."))
_IS_CJK_CHAR = re.compile(CJK_CHAR).match
#: UTF-8 bytes of every character reading_minutes does not count by its first byte: all but E4 to E9, the
#: first bytes of U+4000 to U+9FFF (U+3400 to U+3FFF, first byte E3, are found by their second)
_NOT_CJK_FIRST = bytes(b for b in range(256) if not 0xE4 <= b <= 0xE9)
_CJK_EXT_A = re.compile(rb"\xe3[\x90-\xbf]")
_NOT_LATIN = re.compile(r"[^A-Za-z0-9]+")


#: readings known without pypinyin (from a build cache: see remember_readings), and those worked out here
_KNOWN: dict[str, list[str]] = {}
_LEARNED: dict[str, list[str]] = {}


def remember_readings(readings: Mapping[str, Any]) -> None:
    """Readings of words worked out by an earlier run with the same pypinyin (``learned_readings``),
    so that a build whose places and tags are all known never loads pypinyin's dictionaries
    (a third of a second)."""
    for word, syllables in readings.items():
        if isinstance(word, str) and isinstance(syllables, list) and all(isinstance(x, str) for x in syllables):
            _KNOWN[word] = syllables


def learned_readings() -> dict[str, list[str]]:
    """Every reading this process knows, given or worked out (to keep for the next run)."""
    return {**_KNOWN, **_LEARNED}


def pinyin_version() -> str:
    """Which pypinyin is installed, to key what was learned from it: its package file and that file's
    size and time, found without importing pypinyin (its dictionaries) or importlib.metadata (whose
    import, with the email package, is a tenth of a rebuild's start-up). '' when it is missing."""
    try:
        spec = importlib.util.find_spec("pypinyin")
        origin = spec.origin if spec is not None else None
        if not origin:
            return ""
        st = os.stat(origin)
    except (ImportError, ValueError, OSError):
        return ""
    return f"{origin}:{st.st_size}:{st.st_mtime_ns}"


def preload_pinyin() -> None:
    """Load pypinyin's dictionaries now when no reading is known (a cold build slugs every place, topic
    and tag name with them): the caller does it while it waits on something else (the article readers),
    rather than when the first name is slugged."""
    if not _KNOWN:
        try:
            import pypinyin  # noqa: F401
        except ImportError:   # (reported where it is used)
            pass


def forget_pinyin() -> None:
    """Let go of pypinyin's dictionaries (about 40 MB, held by a cold build to its end, and by every
    render worker it forks), once the caller has slugged what it needed: its modules are unloaded (their
    namespaces emptied, so that they go without a full collection: their functions and dictionaries
    refer to each other). A word asked for afterwards loads them again."""
    loaded = [sys.modules.pop(name) for name in list(sys.modules) if name == "pypinyin" or name.startswith("pypinyin.")]
    for module in loaded:
        vars(module).clear()


@lru_cache(maxsize=65536)
def _pinyin(word: str) -> list[str]:
    known = _KNOWN.get(word)
    if known is not None:
        return list(known)
    from pypinyin import Style, lazy_pinyin  # loaded on first use only

    syllables = lazy_pinyin(word, style=Style.NORMAL, errors=lambda chars: list(chars))
    _LEARNED[word] = list(syllables)
    return syllables


def pinyin_slug(words: str | Iterable[str], max_length: int = MAX_SLUG) -> str:
    """A URL slug in pinyin. ``words`` is a string, or the words of a segmented phrase.

    Syllables of one word are joined (长沙 -> changsha when given as one word); words are
    separated by '-'. pypinyin's phrase data picks polyphone readings (重庆 chong-qing).
    """
    if isinstance(words, str):
        words = [words]
    parts: list[str] = []
    for word in words:
        if CJK.search(word):
            syllables = _pinyin(word)
            parts.append("".join(s for s in syllables if s.strip()))
        else:
            parts.append(word)
    slug = slugify(" ".join(parts), max_length=max_length, word_boundary=True, save_order=True, separator="-")
    return slug or "x"


def place_slug(name: str) -> str:
    """Slug for one place name without its unit: 罗家镇 -> luojia, 南昌市 -> nanchang."""
    core = name
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            core = name[: -len(suffix)]
            break
    return pinyin_slug(core)


def unique_slug(slug: str, taken: set[str]) -> str:
    """``slug``, or ``slug-2``, ``slug-3`` … whichever is not in ``taken``: the next after a run of
    taken numbers (the first free one when they are taken from 2 up, as callers take them).

    Found in logarithmic time, by doubling and then halving: counting up one by one made 50,000
    articles of one title (a bulletin of one repeated line) take a quadratic time to name."""
    if slug not in taken:
        return slug
    low, high = 1, 2   # low: taken (1 stands for the bare slug); high: to be tried
    while f"{slug}-{high}" in taken:
        low, high = high, high * 2
    while high - low > 1:   # low taken, high free: find a free number right after a taken one
        middle = (low + high) // 2
        if f"{slug}-{middle}" in taken:
            low = middle
        else:
            high = middle
    return f"{slug}-{high}"


def plain_text(markdown: str) -> str:
    """Body text without headings and Markdown marks (for summaries and counts).

    Paragraphs are joined without a space between Chinese characters, with one elsewhere.
    """
    text = markdown
    for (pattern, replacement), needs in zip(MARKDOWN_STRIP, _STRIP_NEEDS, strict=True):
        if any(need in text for need in needs):
            text = pattern.sub(replacement, text)
    return _join_words(text.split())


def _join_words(words: list[str]) -> str:
    """``words`` (a text split at its runs of white space) joined as SPACE_BETWEEN_CJK and then one space
    for each run join them: nothing between two Chinese characters (CJK_CHAR), else one space. (U+3000 is
    both a space and a CJK_CHAR, but a run the pattern does not drop whole keeps one of its spaces: the
    U+3000 its match started after, or the one it ended before.)"""
    if len(words) < 2:
        return words[0] if words else ""
    out = [words[0]]
    before = _IS_CJK_CHAR(words[0][-1]) is not None
    for word in words[1:]:
        if not (before and _IS_CJK_CHAR(word[0]) is not None):
            out.append(" ")
        out.append(word)
        before = _IS_CJK_CHAR(word[-1]) is not None
    return "".join(out)


def summarize(markdown: str, limit: int = 120) -> str:
    """The first sentence(s) of the body, as many whole ones as fit in ``limit`` characters.

    A first sentence longer than that is cut at its last comma before the limit, with '……'.
    """
    text = plain_text(_opening(markdown, 3 * limit))
    if len(text) <= limit:
        return text
    fitting = [m.end() for m in SENTENCE_END_RE.finditer(text, 0, limit + 1) if m.end() <= limit]
    if fitting:
        return text[: fitting[-1]].strip()
    cut = max(text.rfind(c, 0, limit) for c in "，,；;、")
    return (text[:cut] if cut > limit // 3 else text[:limit]).strip() + "……"


def reading_minutes(markdown: str, per_minute: int = 400) -> int:
    """Reading time for Chinese text, by characters (about 400 a minute), at least 1.

    Counted on the Markdown itself: its marks are neither Chinese characters nor words.
    """
    return max(1, round((_cjk_count(markdown) + _latin_words(markdown)) / per_minute))


def _cjk_count(text: str) -> int:
    """How many characters of ``text`` are in CJK_RUN's range (U+3400 to U+9FFF), counted on its UTF-8
    bytes (each such character has one first byte, E3 followed by 90 to BF, or E4 to E9) rather than
    by a list of its runs: three times faster on a Chinese article."""
    data = text.encode("utf-8", "surrogatepass")
    return len(data.translate(None, _NOT_CJK_FIRST)) + len(_CJK_EXT_A.findall(data))


def _latin_words(text: str) -> int:
    """How many runs of LATIN_WORD ``text`` holds: the pieces between the runs of other characters,
    the empty ones at its ends not counted (a match for each of those long runs, not one at each
    Chinese character where a word could start)."""
    pieces = _NOT_LATIN.split(text)
    return max(0, len(pieces) - (pieces[0] == "") - (pieces[-1] == ""))


def _opening(markdown: str, size: int) -> str:
    """The first paragraphs of ``markdown``, at least ``size`` characters of them when there are."""
    end = 0
    while end < len(markdown) and end < size:
        nxt = markdown.find("\n\n", end + 1)
        end = len(markdown) if nxt < 0 else nxt
    return markdown[:end]
