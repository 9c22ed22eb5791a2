"""The search index: newsgen's own, of the articles' strings (character pairs), one bundle a year.

Why its own. Chinese has no spaces: an index of *words* needs a segmenter, and the reader's query
must be cut the same way. Pagefind (1.5) cut the index with its segmenter and the query with the
browser's, which cut differently (习近平 -> 习 / 近平), and one mismatched cut lost the page; a
whole query that was not an indexed word fell back to loose matches. So the index holds no words:
it holds every *pair of adjacent characters* (bigrams, as Lucene's CJK analyzer does) of each
article's title, of its body, and of the names it is filed under (its places at every level, its
topics, tags and authors). A query is cut into pairs the same way in the browser, whatever it
holds, and an article holding the query holds all its pairs: a string copied from an article finds
it, with no vocabulary to agree on. The search page then checks the string itself against the
article's text (its fragment, fetched to show the result), so a page holding the pairs apart never
ranks as holding the string.

Ranking (``static/search.js``): an article whose title holds the whole query, then one whose body
holds it, then one filed under it (a place, topic, tag or author of that name: ``南康区`` lists the
articles placed there and in its towns), then those holding only parts of it (said so on the
page); newest first within each. Single characters are indexed in titles and names only.

Layout of ``search-index/``: ``shards.json`` lists the year bundles (newest first), each with its
number of key files, and the filter values with their counts. A bundle ``<year>/`` holds
``k/<n>.json``, the key files: each key (a pair, or a single character of a title or name) is in
file ``fnv1a(key) % keys`` with its articles, by field (title, names, body), as ascending ids given
as gaps; ``d/<id>.json``, each article's fragment (URL, title, date, places, names, body text);
``filters.json``, the ids of each region (every level) and topic. Ids are the articles' positions
in the year, oldest first, so a higher id is newer. The number of key files grows with the year's
index so that each stays a few kB: a query downloads one key file a pair a year, not the index.

Incremental builds: a year's bundle is a function of that year's article pages (and of this
module's :data:`FORMAT`), so its fingerprint is a hash of theirs. A year whose fingerprint is the
last build's, with its files on disk as written, is hard-linked from the previous output; the
others are made again, here, in Python (about a second for a thousand articles): editing an
article costs its year only.
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
import unicodedata
from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from newsgen.errors import Location, NewsgenError
from newsgen.output import Manifest, OutputWriter
from newsgen.render.pages import output_path
from newsgen.render.views import date_text
from newsgen.site import Post, place_levels
from newsgen.text import plain_text

if TYPE_CHECKING:
    from newsgen.render.pages import Plan

#: The folder of the output the index goes to (``/search-index/``); the search page loads it from there.
SEARCH_DIR = "search-index"
#: The list of the year bundles, newest first, and of the filters, that the search page reads first.
SHARDS_FILE = "shards.json"
#: How the index's files are claimed: as static files (neither pages nor feeds in the counts).
CLAIM = "static file (search index)"
#: The index's format: a bundle made by another format is made again. (The search page reads it.)
FORMAT = 1
#: About how many bytes of postings a key file holds at most (its year's key files are as many as
#: that takes, a power of two): what a query downloads per pair and year.
KEY_FILE_BYTES = 6000
FIELDS = ("title", "names", "body")
_SHARD_NAME = re.compile(r"[0-9A-Za-z_-]{1,32}")
_RUN = re.compile(r"[^\W_]+")   # letters and digits: str.isalnum


@dataclass
class SearchIndex:
    """What indexing did: the index's files with their fingerprint (for the manifest), and how."""

    prints: dict[str, str] = field(default_factory=dict)   # search-index/… -> fingerprint
    pages: int = 0                                          # article pages indexed
    shards: list[str] = field(default_factory=list)         # every year bundle, newest first
    indexed: list[str] = field(default_factory=list)        # those made again (the rest reused)

    @property
    def reused(self) -> bool:
        """Every bundle hard-linked from the previous output, none made again."""
        return bool(self.shards) and not self.indexed

    @property
    def summary(self) -> str:
        files = f"{len(self.prints)} files in /{SEARCH_DIR}/"
        if not self.shards:
            return f"no article pages to index: {files}"
        if self.reused:
            return f"{self.pages} article pages in {len(self.shards)} year bundles, unchanged, reused: {files}"
        return (f"{self.pages} article pages in {len(self.shards)} year bundles, {len(self.indexed)} indexed "
                f"({', '.join(self.indexed)}), {len(self.shards) - len(self.indexed)} unchanged, reused: {files}")


# --------------------------------------------------------------------------- text to keys

def normalize(text: str) -> str:
    """The text as both sides compare it: NFKC (full-width letters and digits as ASCII) and lower case.
    (``search.js`` does the same: ``normalize("NFKC").toLowerCase()``.)"""
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str) -> list[str]:
    """The runs of letters and digits of normalized ``text`` (any script): what lies between
    punctuation and spaces. (``search.js``: ``/[\\p{L}\\p{N}]+/gu``.)"""
    return _RUN.findall(text)


def keys(text: str, singles: bool) -> set[str]:
    """The keys of ``text``: every pair of adjacent characters within a run and, with ``singles``,
    every character (a one-character query finds titles and names only)."""
    found: set[str] = set()
    for run in runs(normalize(text)):
        found.update(map(operator.add, run, run[1:]))
        if singles or len(run) == 1:
            found.update(run)
    return found


def key_file(key: str, count: int) -> int:
    """The key file a key is in: FNV-1a (32 bits) over its UTF-16 code units, modulo ``count``
    (``search.js`` computes the same over ``charCodeAt``)."""
    h = 0x811C9DC5
    if key.isascii() or all(ord(ch) < 0x10000 for ch in key):   # one code unit a character
        for ch in key:
            h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
        return h % count
    data = key.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h = ((h ^ (data[i] | (data[i + 1] << 8))) * 0x01000193) & 0xFFFFFFFF
    return h % count


# --------------------------------------------------------------------------- a year's bundle

@dataclass(frozen=True, slots=True)
class Document:
    """One article as the index holds it."""

    url: str                    # 2025/08/<slug>/, under the site's base path
    title: str
    date: str                   # ISO
    date_text: str              # 2025年8月6日
    places: tuple[str, ...]     # the article's region paths
    topics: tuple[str, ...]
    names: tuple[str, ...]      # every name it is filed under: places at every level, topics, tags, authors
    body: str                   # plain text: kicker, subtitle and body


def document(post: Post) -> Document:
    """The index's view of an article (reads its body)."""
    a = post.article
    names: dict[str, None] = {}
    for region in a.regions:
        for level in place_levels(region):
            names[level.rsplit("/", 1)[-1]] = None
    for name in (*a.topics, *a.tags, *a.authors):
        names[name] = None
    body = "\n".join(part for part in (a.kicker, a.subtitle, plain_text(a.body)) if part)
    return Document(url=post.url, title=a.title, date=a.day.isoformat(), date_text=date_text(a.day),
                    places=tuple(a.regions), topics=tuple(a.topics), names=tuple(names), body=body)


def gaps(ids: list[int]) -> list[int]:
    """Ascending ids as the first and the gaps between them."""
    return list(map(operator.sub, ids, [0, *ids[:-1]])) if len(ids) > 1 else ids


def dumps(data: object) -> str:
    return orjson.dumps(data).decode()


def bundle_files(docs: Sequence[Document]) -> tuple[dict[str, str], int]:
    """The files of one year's bundle (path within it -> text) for ``docs``, oldest first (ids are
    their positions), and its number of key files."""
    fields: tuple[dict[str, list[int]], ...] = (defaultdict(list), defaultdict(list), defaultdict(list))
    files: dict[str, str] = {}
    filters: dict[str, dict[str, list[int]]] = {"region": {}, "topic": {}}
    for i, doc in enumerate(docs):
        for postings, held in zip(fields, (keys(doc.title, True), keys(" ".join(doc.names), True),
                                           keys(doc.body, False)), strict=True):
            # postings[key].append(i) for every key, in C: a million keys a thousand articles
            deque(map(list.append, map(postings.__getitem__, held), repeat(i)), maxlen=0)
        levels: dict[str, None] = {}
        for place in doc.places:
            levels.update(dict.fromkeys(place_levels(place)))
        for level in levels:
            filters["region"].setdefault(level, []).append(i)
        for topic in dict.fromkeys(doc.topics):
            filters["topic"].setdefault(topic, []).append(i)
        deepest = [p.rsplit("/", 1)[-1] for p in doc.places]
        files[f"d/{i}.json"] = dumps({"u": doc.url, "t": doc.title, "d": doc.date_text, "p": deepest,
                                      "n": list(doc.names), "x": doc.body}) + "\n"
    every = set().union(*fields)
    size = len(every) * 14 + sum(len(ids) for postings in fields for ids in postings.values()) * 3
    count = 1
    while size / count > KEY_FILE_BYTES:
        count *= 2
    parts: list[dict[str, list[list[int]]]] = [{} for _ in range(count)]
    title, names, body = fields
    for key in sorted(every):
        parts[key_file(key, count)][key] = [gaps(title[key]) if key in title else [],
                                            gaps(names[key]) if key in names else [],
                                            gaps(body[key]) if key in body else []]
    for n, part in enumerate(parts):
        files[f"k/{n}.json"] = dumps(part) + "\n"
    files["filters.json"] = dumps({facet: {value: gaps(ids) for value, ids in sorted(values.items())}
                                   for facet, values in filters.items()}) + "\n"
    return files, count


# --------------------------------------------------------------------------- the build's step

def fingerprint(article_paths: Sequence[str], prints: Mapping[str, str], shard: str = "") -> str:
    """A bundle's fingerprint: the index's format, its name and every article page's own fingerprint."""
    h = hashlib.sha256(f"newsgen search {FORMAT}\0{shard}\0".encode())
    for path in sorted(article_paths):
        h.update(f"{path}\0{prints.get(path, '')}\n".encode())
    return h.hexdigest()


def shard_of(year: str) -> str:
    """The bundle an article goes to: its year (the ``year`` filter of the search page)."""
    return year if _SHARD_NAME.fullmatch(year) else "other"


def shard_pages(articles: Mapping[str, str]) -> dict[str, list[str]]:
    """The article pages' paths (``articles``: each with its year) by bundle, newest year first."""
    shards: dict[str, list[str]] = {}
    for path, year in articles.items():
        shards.setdefault(shard_of(year), []).append(path)
    return {name: shards[name] for name in sorted(shards, reverse=True)}


def index_articles(writer: OutputWriter, plan: Plan, prints: Mapping[str, str], manifest: Manifest) -> SearchIndex:
    """Write the search index of ``plan``'s articles (their pages already written) into ``writer``'s
    ``search-index/``.

    ``prints`` are the pages' fingerprints and ``manifest`` the last build's, to reuse the bundle
    of every year whose article pages are all unchanged."""
    if writer.claimed(SEARCH_DIR):
        raise NewsgenError(f"/{SEARCH_DIR}/ is the search index's folder, but the site put a file there",
                           Location(Path(SEARCH_DIR)))
    years = plan.search_years()
    shards = shard_pages(years)   # newest year first
    posts = {output_path(post.url): post for post in plan.site.posts}
    index = SearchIndex(pages=len(years), shards=list(shards))
    listing: list[dict[str, object]] = []
    counts: dict[str, dict[str, int]] = {"region": {}, "topic": {}, "year": {}}
    for name, paths in shards.items():
        digest = fingerprint(paths, prints, name)
        prefix = f"{SEARCH_DIR}/{name}/"
        # oldest first (site.posts is newest first): an article's id is its place in its year
        ordered = sorted(paths, key=lambda p: -posts[p].index)
        previous = sorted(p for p, entry in manifest.pages.items() if p.startswith(prefix) and entry[0] == digest)
        count = _key_files(previous, prefix)
        if previous and count and all(writer.reuse(path, digest, manifest) for path in previous):
            for path in previous:
                writer.claim(path, CLAIM)
                index.prints[path] = digest
        else:
            files, count = bundle_files([document(posts[p]) for p in ordered])
            index.indexed.append(name)
            for path, text in files.items():
                writer.write_page(prefix + path, text, CLAIM)
                index.prints[prefix + path] = digest
        listing.append({"name": name, "bundle": f"{name}/", "pages": len(paths), "keys": count})
        counts["year"][name] = len(paths)
        for path in paths:
            article = posts[path].article
            levels: dict[str, None] = {}
            for region in article.regions:
                levels.update(dict.fromkeys(place_levels(region)))
            for level in levels:
                counts["region"][level] = counts["region"].get(level, 0) + 1
            for topic in dict.fromkeys(article.topics):
                counts["topic"][topic] = counts["topic"].get(topic, 0) + 1
    text = json.dumps({"format": FORMAT, "shards": listing,
                       "filters": {facet: dict(sorted(values.items())) for facet, values in counts.items()}},
                      ensure_ascii=False, indent=1) + "\n"
    path = f"{SEARCH_DIR}/{SHARDS_FILE}"
    writer.write_page(path, text, CLAIM)
    index.prints[path] = hashlib.sha256(text.encode()).hexdigest()
    return index


def _key_files(paths: Sequence[str], prefix: str) -> int:
    """How many key files a bundle's listed files hold (0: none, the bundle is not whole)."""
    count = sum(1 for p in paths if p.startswith(prefix + "k/"))
    return count if count and count & (count - 1) == 0 and f"{prefix}filters.json" in paths else 0
