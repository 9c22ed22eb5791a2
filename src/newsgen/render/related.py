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
import operator
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from functools import cache as cache_calls
from itertools import chain, pairwise
from operator import attrgetter
from typing import Any

import orjson

from newsgen.cachefile import State
from newsgen.content import source_path
from newsgen.render.parallel import run_jobs
from newsgen.site import Site, place_levels

LIMIT = 5
TOPIC_WEIGHT = 3
TAG_WEIGHT = 2
MIN_SCORE = 2
#: Longest posting scanned whole; longer ones only over the CAP articles nearest in time.
CAP = 24
#: Articles scored in this process below this many; above, by worker processes, so many a task.
PARALLEL_MIN = 1000
PARALLEL_CHUNK = 500


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
                    min_score: int = MIN_SCORE, only: Iterable[int] | None = None,
                    meanwhile: Callable[[], None] | None = None) -> tuple[tuple[int, ...], ...]:
    """For articles ``0..n-1`` (newest first) with their keys, each one's related articles' indices
    (with ``only``, just those articles', in its order). ``meanwhile()`` is called while worker
    processes score them, if they do (see :func:`newsgen.render.parallel.run_jobs`)."""
    postings = _postings(keys_of)
    n = len(keys_of)
    indices = range(n) if only is None else list(only)
    rows: list[tuple[int, ...]] = []   # scored by worker processes for a big archive
    masks = _masks(keys_of, postings, cap)
    if masks is not None:
        members, queries = masks
        run_jobs(len(indices), lambda k: _related_masked(indices[k], keys_of[indices[k]], postings, members,
                                                         queries, n, limit, cap, min_score),
                 results=rows, chunk=PARALLEL_CHUNK, minimum=PARALLEL_MIN, meanwhile=meanwhile)
        return tuple(rows)
    big_sets = {key: set(posting) for key, posting in postings.items() if len(posting) > cap}
    run_jobs(len(indices), lambda k: _related_one(indices[k], keys_of[indices[k]], postings, big_sets, n, limit,
                                                  cap, min_score),
             results=rows, chunk=PARALLEL_CHUNK, minimum=PARALLEL_MIN, meanwhile=meanwhile)
    return tuple(rows)


#: The most bits :func:`_masks` gives the long postings' keys between them (each as many as its weight):
#: an article's mask is an int that wide at most (512 bytes; 1,014 bits at 10,000 generated articles).
MASK_BITS = 4096


def _masks(keys_of: Sequence[dict[str, int]], postings: dict[str, list[int]],
           cap: int) -> tuple[list[int], list[int]] | None:
    """Each article's keys of postings longer than ``cap`` as bits of an int, for :func:`_related_masked`:
    every such key has a run of bits as long as the largest weight any article gives it (the keys of the
    longest postings first, in the low bits); an article's *member* mask sets all of its keys' runs, its
    *query* mask the low ``weight`` bits of each. So ``(query[i] & member[j]).bit_count()`` is what the
    long postings article ``j`` shares with article ``i`` add to its score. None when the runs would
    be wider than :data:`MASK_BITS` between them, or a weight is not a whole number >= 0."""
    width: dict[str, int] = {}
    for keys in keys_of:
        for key, weight in keys.items():
            if type(weight) is not int or weight < 0:
                return None
            if len(postings[key]) > cap and weight > width.get(key, -1):
                width[key] = weight
    if sum(width.values()) > MASK_BITS:
        return None
    slots: dict[str, tuple[int, int]] = {}
    at = 0
    for key in sorted(width, key=lambda key: -len(postings[key])):
        slots[key] = (at, (1 << width[key]) - 1)
        at += width[key]
    members: list[int] = []
    queries: list[int] = []
    for keys in keys_of:
        member = query = 0
        for key, weight in keys.items():
            slot = slots.get(key)
            if slot is not None:
                member |= slot[1] << slot[0]
                query |= ((1 << weight) - 1) << slot[0]
        members.append(member)
        queries.append(member if query == member else query)
    return members, queries


def _related_masked(index: int, keys: dict[str, int], postings: dict[str, list[int]], members: list[int],
                    queries: list[int], n: int, limit: int, cap: int, min_score: int) -> tuple[int, ...]:
    """:func:`_related_one`'s result, the long postings' share of each candidate's score counted on the
    articles' masks (:func:`_masks`) in one pass over the candidates, rather than by a set
    intersection and a loop for each long posting (half the time at 10,000 articles)."""
    candidates: set[int] = set()
    small: dict[int, int] = {}
    for key, weight in keys.items():
        posting = postings[key]
        if len(posting) > cap:   # candidates: the cap articles nearest in time
            at = bisect_left(posting, index)
            start = min(max(0, at - cap // 2), len(posting) - cap)
            candidates.update(posting[start:start + cap])
        else:
            for other in posting:
                small[other] = small.get(other, 0) + weight
    candidates.update(small)
    candidates.discard(index)
    found = list(candidates)
    scores: Iterable[int] = map(int.bit_count, map(queries[index].__and__, map(members.__getitem__, found)))
    if small:
        scores = [score + small.get(other, 0) for score, other in zip(scores, found, strict=True)]
    # one int per candidate orders by score (higher first), then by index (newer first); a score of at
    # least min_score is an int below (1 - min_score) * n
    ranked = sorted(map(operator.sub, found, map(n.__mul__, scores)))
    below = (1 - min_score) * n
    return tuple(value % n for value in ranked[:limit] if value < below)


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


Postings = dict[str, list[int]]


def update_related(old_ids: Sequence[str], old_marks: Sequence[object], old_postings: Postings,
                   old_rows: Sequence[Sequence[int]], ids: Sequence[str], marks: Sequence[object],
                   keys_of: Callable[[int], dict[str, int]], limit: int = LIMIT, cap: int = CAP,
                   min_score: int = MIN_SCORE) -> tuple[tuple[tuple[int, ...], ...], Postings] | None:
    """:func:`related_indices` of the articles named ``ids`` (newest first), with the postings of
    their keys, from the last result ``old_rows`` (of articles ``old_ids``, whose keys' postings
    were ``old_postings``): only the articles whose result can differ are scored again, the
    others' rows are the old ones renumbered. ``marks`` (and ``old_marks``) hold for each article a
    value that is equal for two articles only when their keys are (their names); ``keys_of(i)`` is
    article ``i``'s keys, asked for only of the few articles changed or scored again. An article
    that moved (its date changed) counts as one deleted and added back: the articles both hold are
    split into the most that kept their order (:func:`_kept_order`) and the moved rest. None when
    the last result cannot be used: score them all.

    An article's result depends on its keys, on the postings of its keys (a long one only through
    the ``cap`` articles nearest it, its window, and its length) and on the order of articles. So
    an article whose keys are unchanged, all of whose postings have the same articles, is
    unchanged; and in a posting longer than ``cap`` before and after, so is one whose window after
    holds no article gained (or with other keys) and whose window before held none lost: both
    windows are then the same run of unchanged articles.
    """
    where = {name: i for i, name in enumerate(ids)}
    was = {name: i for i, name in enumerate(old_ids)}
    if (len(where) != len(ids) or len(was) != len(old_ids) or len(old_rows) != len(old_ids)
            or len(marks) != len(ids) or len(old_marks) != len(old_ids)):
        return None
    renumber = _renumbering(old_ids, old_marks, ids, marks, where, was)
    came = sorted(set(range(len(ids))).difference(renumber))
    gone = [j for j, i in enumerate(renumber) if i < 0]
    postings = _renumbered(old_postings, renumber, {i: keys_of(i) for i in came}, len(old_ids))
    dirty = set(came)
    for key, after in postings.items():   # the postings an article came to
        positions = _positions(after, came)
        if positions:
            dirty.update(_touched(after, positions, cap, before=len(old_postings.get(key, ()))))
    for key, before in old_postings.items():   # the postings an article left
        positions = _positions(before, gone)
        if positions:
            old = (renumber[j] for j in _touched(before, positions, cap, before=len(postings.get(key, ()))))
            dirty.update(i for i in old if i >= 0)
    rows = _rows(old_rows, renumber, dirty, len(ids), postings, keys_of, limit, cap, min_score)
    return None if rows is None else (rows, postings)


def _renumbered(old_postings: Postings, renumber: list[int], added: dict[int, dict[str, int]],
                old_count: int) -> Postings:
    """The postings after: those before without the articles gone (``renumber`` -1), the others
    renumbered (still ascending: they kept their order), with the ``added`` articles' keys.
    Raises ValueError for a posting that names no article before."""
    postings: Postings = {}
    for key, before in old_postings.items():
        if before and not (0 <= before[0] and before[-1] < old_count):
            raise ValueError(f"posting of {key!r} names articles that are not there")
        after = [i for i in map(renumber.__getitem__, before) if i >= 0]
        if after:
            postings[key] = after
    for i, keys in added.items():
        for key in keys:
            postings.setdefault(key, []).append(i)
    for key in {key for keys in added.values() for key in keys}:
        postings[key].sort()
    return postings


def _positions(posting: list[int], members: list[int]) -> list[int]:
    """Where the ascending ``members`` stand in the ascending ``posting`` (those in it)."""
    if len(members) > len(posting):
        wanted = set(members)
        return [q for q, i in enumerate(posting) if i in wanted]
    found = ((bisect_left(posting, i), i) for i in members)
    return [q for q, i in found if q < len(posting) and posting[q] == i]


def _touched(posting: list[int], positions: list[int], cap: int, before: int) -> list[int]:
    """The articles of ``posting`` whose result a change at ``positions`` (an article gained or
    lost there) can change: all of a posting of at most ``cap`` (now or ``before``, its length on
    the other side), else those whose window holds one of the positions."""
    if len(posting) <= cap or before <= cap:
        return posting
    touched: set[int] = set()
    for at in positions:
        for q in range(max(0, at - cap), min(len(posting), at + cap + 1)):
            start = _window_start(q, len(posting), cap)
            if start <= at < start + cap:
                touched.add(posting[q])
    return sorted(touched)


def _window_start(q: int, length: int, cap: int) -> int:
    """Where the window of the article at ``q`` of a posting longer than ``cap`` starts: the
    ``cap`` articles nearest it in time."""
    return min(max(0, q - cap // 2), length - cap)


def _rows(old_rows: Sequence[Sequence[int]], renumber: list[int], dirty: set[int], n: int, postings: Postings,
          keys_of: Callable[[int], dict[str, int]], limit: int, cap: int,
          min_score: int) -> tuple[tuple[int, ...], ...] | None:
    """The ``dirty`` articles scored again, the others' old rows renumbered; None when an old row
    names an article gone (never so for an article not dirty)."""
    rows: list[tuple[int, ...]] = [()] * n
    for j, i in enumerate(renumber):
        if i >= 0 and i not in dirty:
            row = tuple(map(renumber.__getitem__, old_rows[j]))
            if -1 in row:
                return None
            rows[i] = row
    big_sets = _BigSets(postings)
    for i in sorted(dirty):
        rows[i] = _related_one(i, keys_of(i), postings, big_sets, n, limit, cap, min_score)
    return tuple(rows)


class _BigSets(dict[str, set[int]]):
    """The articles of each posting, as a set, made when first asked for (only long ones are)."""

    def __init__(self, postings: Postings) -> None:
        super().__init__()
        self.postings = postings

    def __missing__(self, key: str) -> set[int]:
        value = self[key] = set(self.postings[key])
        return value


def _renumbering(old_ids: Sequence[str], old_marks: Sequence[object], ids: Sequence[str], marks: Sequence[object],
                 where: dict[str, int], was: dict[str, int]) -> list[int]:
    """For each old article its new index, or -1 when it is gone, moved or has other keys."""
    renumber = [where.get(name, -1) for name in old_ids]
    present = [i for i in renumber if i >= 0]
    if any(i > k for i, k in pairwise(present)):   # some moved: keep the most that kept their order
        kept = _kept_order([ids[i] for i in sorted(present)], was)
        renumber = [i if i >= 0 and ids[i] in kept else -1 for i in renumber]
    return [i if i >= 0 and marks[i] == mark else -1 for i, mark in zip(renumber, old_marks, strict=True)]


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


def related(site: Site, limit: int = LIMIT, cache: State | None = None,
            meanwhile: Callable[[], None] | None = None, structure: str | None = None) -> tuple[tuple[int, ...], ...]:
    """Every article's related articles, as indices into ``site.posts``, best first.

    The result depends on nothing but the articles' keys in order, so with a ``cache`` (the build
    state) it is kept (``related``) under a digest of them: an edit that changes no place, topic, tag
    or date order (a body, a title) reuses it instead of scoring 10,000 articles again. Beside it,
    ``related.keys`` names each article (by its file) with its places, topics and tags, and holds every key's
    posting, for the same digest, so that when they changed (an article added, deleted, retagged)
    only the articles whose result can differ are scored again (:func:`update_related`), and only
    their keys are made. A cache that does not read back exactly (missing, truncated, another
    digest or settings) is ignored and rewritten. ``meanwhile()`` is called while worker processes
    score every article, if they do.

    ``structure``: the digest of the rows the model's structure was made of (see
    :func:`newsgen.site.structure_key`), when the caller knows it. Those rows hold each article's
    places, topics, tags and what orders the posts, so a result kept under the same ``structure`` is
    the result: it is taken without a look at any article (a body or title edited, at 100,000
    articles, does not read every article's names again to find them unchanged).
    """
    settings = [limit, CAP, MIN_SCORE, TOPIC_WEIGHT, TAG_WEIGHT]
    last = _read_last(cache, settings) if cache is not None else None
    if last is not None and structure is not None and last[2] == structure and len(last[1]) == len(site.posts):
        return last[1]
    # the keys are a function of the places, topics and tags: the digest is of those, as JSON
    # (cheaper to write out than the keys, made only for articles whose result is not the cached one)
    articles = list(map(attrgetter("article"), site.posts))
    named_by = list(zip(*(map(attrgetter(name), articles) for name in ("regions", "topics", "tags")), strict=True)) \
        if articles else []
    table = orjson.dumps([settings, named_by])
    digest = hashlib.sha256(table).hexdigest()
    if last is not None and last[0] == digest and len(last[1]) == len(named_by):
        if cache is not None and structure != last[2]:   # the same names under another structure: kept under it
            cache.put("related", {"digest": digest, "settings": settings, "related": last[1], "structure": structure})
        return last[1]
    keys_of = cache_calls(lambda i: article_keys(*named_by[i]))
    ids = [source_path(p.article) for p in site.posts]
    marks = [_mark(*names) for names in named_by]
    updated = None
    if last is not None and cache is not None:
        updated = _update_last(cache.get("related.keys"), last, ids, marks, keys_of, limit)
    if updated is None:
        every = [keys_of(i) for i in range(len(named_by))]
        updated = related_indices(every, limit, meanwhile=meanwhile), _postings(every)
    result, postings = updated
    if cache is not None:
        if _plain(table):   # else names are not told apart by their marks: never updated
            cache.put("related.keys", {"digest": digest, "ids": ids, "names": marks, "postings": postings})
        cache.put("related", {"digest": digest, "settings": settings, "related": result, "structure": structure})
    return result


def _mark(regions: Sequence[str], topics: Sequence[str], tags: Sequence[str]) -> str:
    """An article's places, topics and tags as one string: equal marks, equal keys (for names that
    are not empty and hold no control character, as front matter's never do: see :func:`_plain`)."""
    return "\x1e".join(("\x1f".join(regions), "\x1f".join(topics), "\x1f".join(tags)))


def _plain(table: bytes) -> bool:
    """Whether the names in ``table`` (JSON) are none empty and hold no control character (JSON
    escapes those of :func:`_mark` as ``\\u001e``, ``\\u001f``); front matter's never do. ``""``
    is also found after a name ending in a quote (``\\"``): a false alarm, which only means
    that while such a name is there a change scores every article."""
    return b'""' not in table and b"\\u001" not in table


def _read_last(cache: State, settings: list[int]) -> tuple[str, tuple[tuple[int, ...], ...], str | None] | None:
    """The digest, rows and structure (None: not known) of the last result, if ``cache`` holds one of
    these ``settings``."""
    try:
        data = cache.get("related")
        rows = tuple(map(tuple, data["related"]))
        if data.get("settings") != settings or not isinstance(data.get("digest"), str):
            return None
        named = list(chain.from_iterable(rows))
        if not _all_of_type(named, int) or named and not (min(named) >= 0 and max(named) < len(rows)):
            return None
        structure = data.get("structure")
        return data["digest"], rows, structure if isinstance(structure, str) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _all_of_type(values: Iterable[object], kind: type) -> bool:
    """Whether every one of ``values`` is exactly of type ``kind`` (not a subclass: no bool for int)."""
    return set(map(type, values)) <= {kind}


def _update_last(known: Any, last: tuple[str, tuple[tuple[int, ...], ...], str | None], ids: list[str],
                 marks: list[str], keys_of: Callable[[int], dict[str, int]],
                 limit: int) -> tuple[tuple[tuple[int, ...], ...], Postings] | None:
    """:func:`update_related` from the ``last`` result and the articles and postings it was of
    (``known``, kept with it: of the same digest); None when they cannot be read."""
    digest, rows, _ = last
    try:
        old_ids, old_marks, old_postings = known["ids"], known["names"], known["postings"]
        if (known.get("digest") != digest or not isinstance(old_ids, list) or not isinstance(old_marks, list)
                or not isinstance(old_postings, dict) or len(old_ids) != len(rows)
                or not _all_of_type(old_ids + old_marks, str) or not _all_of_type(old_postings.values(), list)):
            return None
        return update_related(old_ids, old_marks, old_postings, rows, ids, marks, keys_of, limit)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None
