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
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from newsgen import cachefile
from newsgen.site import Site, place_levels

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
        for depth, level in enumerate(place_levels(region)):
            keys["p\0" + level] = place_weight(depth)
    for topic in topics:
        keys["t\0" + topic] = TOPIC_WEIGHT
    for tag in tags:
        keys["g\0" + tag] = TAG_WEIGHT
    return keys


def related_indices(keys_of: Sequence[dict[str, int]], limit: int = LIMIT, cap: int = CAP,
                    min_score: int = MIN_SCORE, only: Iterable[int] | None = None) -> tuple[tuple[int, ...], ...]:
    """For articles ``0..n-1`` (newest first) with their keys, each one's related articles' indices
    (with ``only``, just those articles', in its order)."""
    postings = _postings(keys_of)
    big_sets = {key: set(posting) for key, posting in postings.items() if len(posting) > cap}
    n = len(keys_of)
    return tuple(_related_one(index, keys_of[index], postings, big_sets, n, limit, cap, min_score)
                 for index in (range(n) if only is None else only))


def _postings(keys_of: Sequence[Iterable[str]]) -> dict[str, list[int]]:
    """Each key's articles, ascending (newest first)."""
    postings: dict[str, list[int]] = {}
    for index, keys in enumerate(keys_of):
        for key in keys:
            postings.setdefault(key, []).append(index)
    return postings


def _related_one(index: int, keys: dict[str, int], postings: dict[str, list[int]], big_sets: dict[str, set[int]],
                 n: int, limit: int, cap: int, min_score: int) -> tuple[int, ...]:
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
    return tuple(value % n for value in ranked[:limit])


def update_related(old_ids: Sequence[str], old_keys: Sequence[Iterable[str]], old_rows: Sequence[Sequence[int]],
                   ids: Sequence[str], keys_of: Sequence[dict[str, int]], limit: int = LIMIT, cap: int = CAP,
                   min_score: int = MIN_SCORE) -> tuple[tuple[int, ...], ...] | None:
    """:func:`related_indices` of ``keys_of`` (articles named ``ids``, newest first), from the last
    result ``old_rows`` (of articles ``old_ids`` with keys ``old_keys``): only the articles whose
    result can differ are scored again, the others' rows are the old ones renumbered. An article
    that moved (its date changed) counts as one deleted and added back: the articles both hold are
    split into the most that kept their order (:func:`_kept_order`) and the moved rest. None when the
    last result cannot be used: score them all.

    An article's result depends on its keys, on the postings of its keys (a long one only through
    the ``cap`` articles nearest it, and its length) and on the order of articles. So an article
    whose keys are unchanged, all of whose postings have the same articles, is unchanged; and in a
    posting longer than ``cap`` before and after, one whose position is more than ``cap`` + 1 from
    every article gained or lost, and more than ``cap`` + 1 from its end, is unchanged too.
    """
    where = {name: i for i, name in enumerate(ids)}
    was = {name: i for i, name in enumerate(old_ids)}
    if len(where) != len(ids) or len(was) != len(old_ids) or len(old_rows) != len(old_ids):
        return None
    common = [name for name in ids if name in was]
    moved = set(common) - _kept_order(common, was)
    changed = {i for i, name in enumerate(ids)
               if name not in was or name in moved or set(keys_of[i]) != set(old_keys[was[name]])}
    changed_names = {ids[i] for i in changed} | {name for name in old_ids if name not in where}
    old_postings = _postings(old_keys)
    postings = _postings(keys_of)
    dirty = set(changed)
    reach = cap + 1
    for key, posting in postings.items():
        before = old_postings.get(key, [])
        # articles gained, lost or with other keys, where they stand in the posting after and before
        came = [q for q, i in enumerate(posting) if ids[i] in changed_names]
        gone = [q for q, i in enumerate(before) if old_ids[i] in changed_names]
        if not came and not gone:
            continue   # the same articles: only renumbered
        if len(posting) <= cap or len(before) <= cap:
            dirty.update(posting)
            continue
        position = {old_ids[i]: q for q, i in enumerate(before)}
        for q, i in enumerate(posting):
            p = position.get(ids[i])
            if (p is None or q >= len(posting) - reach or p >= len(before) - reach
                    or _near(came, q, reach) or _near(gone, p, reach)):
                dirty.add(i)
    n = len(ids)
    renumber = [where.get(name, -1) for name in old_ids]
    rows: list[tuple[int, ...]] = []
    for i, name in enumerate(ids):
        if i in dirty:
            rows.append(())
            continue
        row = tuple(renumber[j] if 0 <= j < len(renumber) else -1 for j in old_rows[was[name]])
        if any(j < 0 for j in row):
            return None   # a row that names an article gone: never so for an unchanged article
        rows.append(row)
    if dirty:
        big_sets = {key: set(posting) for key, posting in postings.items() if len(posting) > cap}
        for i in sorted(dirty):
            rows[i] = _related_one(i, keys_of[i], postings, big_sets, n, limit, cap, min_score)
    return tuple(rows)


def _kept_order(names: Sequence[str], was: dict[str, int]) -> set[str]:
    """The most of ``names`` (in their new order) whose old positions (``was``) still rise: a
    longest increasing subsequence (patience sorting), O(n log n). The others moved."""
    tails: list[int] = []          # tails[k]: the least old position ending a rising run of k + 1
    ends: list[int] = []           # the index in names of that run's end
    back = [-1] * len(names)       # the index before each name in its run
    for k, name in enumerate(names):
        p = was[name]
        at = bisect_left(tails, p)
        if at == len(tails):
            tails.append(p)
            ends.append(k)
        else:
            tails[at], ends[at] = p, k
        back[k] = ends[at - 1] if at else -1
    kept: set[str] = set()
    k = ends[-1] if ends else -1
    while k >= 0:
        kept.add(names[k])
        k = back[k]
    return kept


def _near(positions: list[int], q: int, reach: int) -> bool:
    """Whether a position in the ascending ``positions`` is within ``reach`` of ``q``."""
    at = bisect_left(positions, q - reach)
    return at < len(positions) and positions[at] <= q + reach


def related(site: Site, limit: int = LIMIT, cache: Path | None = None) -> tuple[tuple[int, ...], ...]:
    """Every article's related articles, as indices into ``site.posts``, best first.

    The result depends on nothing but the articles' keys in order, so with a ``cache`` file it is
    kept under a digest of them: an edit that changes no place, topic, tag or date order (a body,
    a title) reuses it instead of scoring 10,000 articles again. Beside it, ``related.keys.json``
    names each article (by its file) with its keys, for the same digest, so that when they changed
    (an article added, deleted, retagged) only the articles whose result can differ are scored
    again (:func:`update_related`). A cache that does not read back exactly (missing, truncated,
    another digest or settings) is ignored and rewritten.
    """
    # the keys are a function of the places, topics and tags: the digest is of those (cheaper to
    # write out than the keys, made only when the result is not the cached one)
    named_by = [(p.article.regions, p.article.topics, p.article.tags) for p in site.posts]
    settings = [limit, CAP, MIN_SCORE, TOPIC_WEIGHT, TAG_WEIGHT]
    digest = hashlib.sha256(repr((*settings, named_by)).encode()).hexdigest()
    result: tuple[tuple[int, ...], ...] | None = None
    named = cache.with_name(cache.stem + ".keys" + cache.suffix) if cache is not None else None
    data: dict[str, Any] = {}
    if cache is not None:
        try:
            data = cachefile.read_json(cache)
            rows = [tuple(map(int, row)) for row in data["related"]]
            if data.get("digest") == digest and len(rows) == len(named_by):
                return tuple(rows)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            data = {}
    keys_of = [article_keys(*names) for names in named_by]
    ids = [p.article.path.as_posix() for p in site.posts]
    if data and named is not None:
        try:
            # the articles' names and keys, read only when they changed (of the same table: its digest)
            known = cachefile.read_json(named)
            old_ids, old_keys = known["ids"], known["keys"]
            if (known.get("digest") == data.get("digest") and data.get("settings") == settings
                    and isinstance(old_ids, list) and isinstance(old_keys, list)
                    and len(old_keys) == len(old_ids) == len(rows)
                    and all(isinstance(k, str) for k in old_ids + old_keys)
                    and all(0 <= i < len(rows) for row in rows for i in row)):
                result = update_related([str(i) for i in old_ids], [k.split("\x01") if k else [] for k in old_keys],
                                        rows, ids, keys_of, limit)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
    if result is None:
        result = related_indices(keys_of, limit)
    if cache is not None and named is not None:
        cachefile.write_json(named, {"digest": digest, "ids": ids, "keys": ["\x01".join(keys) for keys in keys_of]})
        cachefile.write_json(cache, {"digest": digest, "settings": settings, "related": result})
    return result
