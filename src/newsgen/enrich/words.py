"""jieba set-up: private tokenizers that know place names, zone words and the site's aliases.

The tokenizers never touch jieba's global default tokenizer, so other users of jieba are not
affected. Their dictionary is jieba's own with every division name and zone word added; adding
~40k words to a fresh ``jieba.Tokenizer`` costs a second, so the resulting prefix dictionary is
kept in the disk cache (:mod:`newsgen.enrich.cache`) and loaded from there in a third of that.
Only a site's few alias names are added per process.

Text is cut line by line (a newline always separates jieba's blocks, so this gives the very tokens
of cutting the whole text) and lines are memoized: the lead and body that places, topics and tags
each look at are cut once.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from newsgen.enrich.cache import cached

if TYPE_CHECKING:  # pragma: no cover
    import jieba

#: Words that name a development zone or new district; kept whole so ``宜春经开区`` → 宜春 / 经开区.
ZONE_WORDS = ("高新技术产业开发区", "经济技术开发区", "经济开发区", "工业园区", "高新区", "经开区",
              "开发区", "工业园", "产业园", "新区")
#: Frequency given to place names and zone words: high enough to keep them whole.
PLACE_FREQ = 200_000
PLACE_TAG = "ns"
ZONE_TAG = "n"
WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")
LINES_MEMO = 4096
#: The longest run of characters jieba is given in one piece. jieba joins characters its dictionary
#: cannot group into one buffer and tags it with an HMM whose Viterbi copies its path at every
#: character: quadratic, so one line of 60,000 unknown characters took 30 s and 200,000 minutes.
#: Longer runs (no real sentence has 1,000 characters without punctuation) are cut in pieces of this size.
MAX_RUN = 1000
_LONG_RUN = re.compile(r"[^\s，。！？；：、,.!?;:]{" + str(MAX_RUN + 1) + ",}")

#: jieba's prefix dictionary (word or prefix -> frequency, 0 for a mere prefix) and its total.
PrefixDict = tuple[dict[str, int], int]


def _quiet_jieba() -> None:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" chatter is not our diagnostics


def jieba_dir() -> Path:
    """jieba's package directory, found without importing it."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba is not installed; it cuts text into words for enrichment")
    return Path(next(iter(spec.submodule_search_locations)))


def jieba_dict_file() -> Path:
    """jieba's main dictionary (word, frequency, part of speech a line)."""
    return jieba_dir() / "dict.txt"


@cache
def place_dictionary() -> PrefixDict:
    """jieba's dictionary with every findable division name and zone word added (from the disk cache)."""
    from newsgen.enrich.places import division_file

    return cached("jieba-places", [jieba_dict_file(), division_file()], _build_place_dictionary)


def _build_place_dictionary() -> PrefixDict:
    import jieba

    from newsgen.enrich.places import gazetteer

    _quiet_jieba()
    tok = jieba.Tokenizer()
    tok.initialize()  # jieba's own cache of its dictionary, in the temp dir
    for name in sorted(gazetteer().word_names):
        tok.add_word(name, PLACE_FREQ, PLACE_TAG)
    for word in ZONE_WORDS:
        tok.add_word(word, PLACE_FREQ, ZONE_TAG)
    return tok.FREQ, tok.total


@cache
def tokenizer(extra_words: frozenset[str] = frozenset()) -> jieba.Tokenizer:
    """A jieba tokenizer whose dictionary holds every division name, zone word and ``extra_words``."""
    import jieba

    from newsgen.enrich.places import gazetteer, is_findable

    _quiet_jieba()
    freq, total = place_dictionary()
    places = gazetteer().paths
    tok = jieba.Tokenizer()
    # A ready prefix dictionary instead of tok.initialize(), which would load jieba's own (jieba 0.42).
    tok.FREQ, tok.total, tok.initialized = (dict(freq) if extra_words else freq), total, True
    # Words already added with the places count once; zone words twice, as when added in one go.
    for word in sorted(w for w in extra_words if not (w in places and is_findable(w))):
        tok.add_word(word, PLACE_FREQ, ZONE_TAG if word in ZONE_WORDS else PLACE_TAG)
    return tok


@cache
def dictionary_tags() -> dict[str, str]:
    """Part of speech of every word jieba's dictionary holds, place names and zone words as added.

    Read from jieba's text file, for building cached tables only (a third of a second).
    """
    from newsgen.enrich.places import gazetteer

    tags: dict[str, str] = {}
    with jieba_dict_file().open(encoding="utf-8") as lines:
        for line in lines:
            fields = line.split()
            if len(fields) == 3:
                tags[fields[0]] = fields[2]
    tags.update(dict.fromkeys(gazetteer().word_names, PLACE_TAG))
    tags.update(dict.fromkeys(ZONE_WORDS, ZONE_TAG))
    return tags


def extra_word_tag(word: str) -> str:
    """The part of speech a site word (alias) is given."""
    return ZONE_TAG if word in ZONE_WORDS else PLACE_TAG


def is_word(token: str) -> bool:
    """True for tokens with a letter, digit or CJK character (not spaces or punctuation)."""
    return bool(WORDLIKE.search(token))


@lru_cache(maxsize=LINES_MEMO)
def _line_tokens(line: str, extra_words: frozenset[str]) -> tuple[str, ...]:
    tok = tokenizer(extra_words)
    if len(line) <= MAX_RUN or not _LONG_RUN.search(line):
        return tuple(tok.cut(line, HMM=True))
    out: list[str] = []
    for piece in _pieces(line):
        out.extend(tok.cut(piece, HMM=True))
    return tuple(out)


def _pieces(line: str) -> Iterable[str]:
    """``line`` in order, each run of over :data:`MAX_RUN` characters without a space or punctuation
    cut in pieces of at most that size (the rest of the line as it is)."""
    start = 0
    for run in _LONG_RUN.finditer(line):
        if run.start() > start:
            yield line[start:run.start()]
        for i in range(run.start(), run.end(), MAX_RUN):
            yield line[i:min(i + MAX_RUN, run.end())]
        start = run.end()
    if start < len(line):
        yield line[start:]


def tokenize(text: str, extra_words: Iterable[str] = ()) -> list[str]:
    """The jieba tokens of ``text`` (punctuation and spaces included, so adjacency is kept)."""
    extra = frozenset(extra_words)
    if "\r" in text and not _LONG_RUN.search(text):  # "\r\n" is one token
        return tokenizer(extra).lcut(text, HMM=True)
    out: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("\n")
        out.extend(_line_tokens(line, extra))
    return out


def words(text: str, extra_words: Iterable[str] = ()) -> list[str]:
    """Only the word tokens of ``text``."""
    return [t for t in tokenize(text, extra_words) if is_word(t)]
