"""Lexical similarity between pieces of one bulletin: TF-IDF over Han character bigrams.

Character bigrams need no dictionary and no warm-up, and on news text they carry the
same signal an editor uses (shared names, places and topic words). Document
frequencies come from the bulletin's own blocks, so words every article uses
(发展, 工作) weigh little and a place or a name shared by two pieces weighs a lot.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

HAN_RUN = re.compile(r"[\u3400-\u9fff]+|[A-Za-z]+|\d+")


def grams(text: str) -> Counter[str]:
    """Han character bigrams (and whole Latin words / numbers) of a text.

    Bigrams never cross a line break, so a text's grams are the sum of its lines' grams;
    lines (blocks) are counted once each and cached.
    """
    out: Counter[str] = Counter()
    for line in text.split("\n"):
        out.update(_line_grams(line))
    return out


@lru_cache(maxsize=8192)
def _line_grams(text: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for run in HAN_RUN.findall(text):
        if run[0] < "\u3400":
            out[run.lower()] += 1
        elif len(run) == 1:
            out[run] += 1
        else:
            out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out


#: Texts whose vectors are kept at a time.
VECTOR_CACHE = 20_000


class Vectorizer:
    """IDF fitted on a bulletin's blocks; turns texts into unit TF-IDF vectors."""

    def __init__(self, documents: Iterable[str]) -> None:
        df: Counter[str] = Counter()
        n = 0
        for doc in documents:
            n += 1
            df.update(set(grams(doc)))
        self.idf = {g: math.log((1 + n) / (1 + c)) + 1.0 for g, c in df.items()}
        self.default_idf = math.log(1 + n) + 1.0
        self._vectors: dict[str, dict[str, float]] = {}

    def vector(self, text: str) -> dict[str, float]:
        cached = self._vectors.get(text)
        if cached is None:
            if len(self._vectors) >= VECTOR_CACHE:
                self._vectors.clear()       # bounded memory on a long bulletin; recomputing is cheap
            cached = self._vectors[text] = self._vector(text)
        return cached

    def _vector(self, text: str) -> dict[str, float]:
        return self.weigh(grams(text))

    def weigh(self, counts: Counter[str]) -> dict[str, float]:
        """The unit TF-IDF vector of gram counts (those of a text, or summed over several texts)."""
        vec = {g: (1 + math.log(c)) * self.idf.get(g, self.default_idf) for g, c in counts.items() if c > 0}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {g: v / norm for g, v in vec.items()}

    def cosine(self, a: str, b: str) -> float:
        return cosine(self.vector(a), self.vector(b))


def cosine(u: dict[str, float], v: dict[str, float]) -> float:
    if len(u) > len(v):
        u, v = v, u
    return sum(w * v.get(g, 0.0) for g, w in u.items())


#: A specific is a run of this many Han characters (a name, a place, an organisation)...
SPECIFIC_N = 3
SPECIFIC = re.compile(r"[\u3400-\u9fff]{3,}|\d{2,}")


def specific_grams(text: str) -> set[str]:
    """Han character trigrams and numbers of a text: the pieces a name or a figure is made of."""
    out: set[str] = set()
    for run in SPECIFIC.findall(text):
        if run[0] < "\u3400":
            out.add(run)
        else:
            out.update(run[i:i + SPECIFIC_N] for i in range(len(run) - SPECIFIC_N + 1))
    return out


class Specifics:
    """Where in a bulletin each specific occurs (by block index). Two pieces that share a specific
    found nowhere else — a name, a figure, an organisation — are about the same thing, however little
    else of their wording they share."""

    def __init__(self, blocks: dict[int, str]) -> None:
        self.grams = {index: specific_grams(text) for index, text in blocks.items()}
        self.where: dict[str, set[int]] = {}
        for index, grams in self.grams.items():
            for gram in grams:
                self.where.setdefault(gram, set()).add(index)

    def shared(self, part: set[int], other: set[int], ignore: frozenset[int] = frozenset()) -> int:
        """How many specifics of ``part`` occur in ``other`` and nowhere else outside ``part`` (nor
        outside ``ignore``: blocks whose use of a specific does not count against it)."""
        both = part | other | ignore
        grams = set().union(*(self.grams.get(i, set()) for i in part)) if part else set()
        return sum(1 for g in grams if self.where[g] <= both and not self.where[g].isdisjoint(other))
