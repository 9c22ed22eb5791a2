"""Related articles: for every article, up to five others that share its places, topics and tags.

Computed at build time from the front matter alone (no NLP stack), in time that grows about
linearly with the archive:

- every article has *keys*: each prefix of each of its place paths (``江西省``, ``江西省/赣州市``,
  ``江西省/赣州市/章贡区``), each topic and each tag, each with a weight. Nearer places count more:
  a shared province weighs 1, a city 2, a county 3, a town 4; a topic 3, a tag 2. Since a shared
  county implies a shared city and province, sharing a county scores 1 + 2 + 3 = 6.
- an inverted index maps each key to its articles (newest first). An article's candidates are the
  articles of its keys' postings; a posting longer than :data:`CAP` (a province every article
  shares, a popular topic) is only scanned over the :data:`CAP` articles nearest in time, so the
  work per article is bounded. Every candidate's score is then exact (the big keys are checked
  by membership), so which of them win does not depend on how they were found.
- a candidate needs :data:`MIN_SCORE` (more than a shared province: in a provincial archive that
  says nothing); the best :data:`LIMIT` are kept, higher score first, then newer, then by position,
  so the result is deterministic.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path

from newsgen import cachefile
from newsgen.site import Site

LIMIT = 5
TOPIC_WEIGHT = 3
TAG_WEIGHT = 2
MIN_SCORE = 2
#: Longest posting scanned whole; longer ones only over the CAP articles nearest in time.
CAP = 24


def place_weight(depth: int) -> int:
    """Weight of a shared place at ``depth`` (0 = the outermost, a province): nearer counts more."""
    return depth + 1


def article_keys(regions: Sequence[str], topics: Sequence[str], tags: Sequence[str]) -> dict[str, int]:
    """An article's keys and their weights (a key met twice, e.g. a province of two regions, once)."""
    keys: dict[str, int] = {}
    for region in regions:
        parts = region.split("/")
        for depth in range(len(parts)):
            keys["p\0" + "/".join(parts[: depth + 1])] = place_weight(depth)
    for topic in topics:
        keys["t\0" + topic] = TOPIC_WEIGHT
    for tag in tags:
        keys["g\0" + tag] = TAG_WEIGHT
    return keys


def related_indices(keys_of: Sequence[dict[str, int]], limit: int = LIMIT, cap: int = CAP,
                    min_score: int = MIN_SCORE) -> tuple[tuple[int, ...], ...]:
    """For articles ``0..n-1`` (newest first) with their keys, each one's related articles' indices."""
    postings: dict[str, list[int]] = {}
    for index, keys in enumerate(keys_of):
        for key in keys:
            postings.setdefault(key, []).append(index)   # ascending: newest first
    big_sets = {key: set(posting) for key, posting in postings.items() if len(posting) > cap}
    out: list[tuple[int, ...]] = []
    n = len(keys_of)
    for index, keys in enumerate(keys_of):
        scores: dict[int, int] = {}
        big: list[tuple[str, int]] = []
        for key, weight in keys.items():
            posting = postings[key]
            if len(posting) > cap:   # candidates: the cap articles nearest in time; scored below
                big.append((key, weight))
                at = bisect_left(posting, index)
                start = min(max(0, at - cap // 2), len(posting) - cap)
                scores.update(dict.fromkeys(posting[start:start + cap], 0))
        for key, weight in keys.items():
            posting = postings[key]
            if len(posting) <= cap:
                for other in posting:
                    scores[other] = scores.get(other, 0) + weight
        scores.pop(index, None)
        for key, weight in big:
            for other in scores.keys() & big_sets[key]:
                scores[other] += weight
        # one int per candidate orders by score (higher first), then by index (newer first)
        ranked = sorted([other - score * n for other, score in scores.items() if score >= min_score])
        out.append(tuple(value % n for value in ranked[:limit]))
    return tuple(out)


def related(site: Site, limit: int = LIMIT, cache: Path | None = None) -> tuple[tuple[int, ...], ...]:
    """Every article's related articles, as indices into ``site.posts``, best first.

    The result depends on nothing but the articles' keys in order, so with a ``cache`` file it is
    kept under a digest of them: an edit that changes no place, topic, tag or date order (a body,
    a title) reuses it instead of scoring 10,000 articles again. A cache that does not read back
    exactly (missing, truncated, another digest) is ignored and rewritten.
    """
    keys_of = [article_keys(p.article.regions, p.article.topics, p.article.tags) for p in site.posts]
    digest = hashlib.sha256(repr((limit, CAP, MIN_SCORE, TOPIC_WEIGHT, TAG_WEIGHT, keys_of)).encode()).hexdigest()
    if cache is not None:
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("digest") == digest and len(data["related"]) == len(keys_of):
                return tuple(tuple(int(i) for i in row) for row in data["related"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
    result = related_indices(keys_of, limit)
    if cache is not None:
        cachefile.write_json(cache, {"digest": digest, "related": result})
    return result
