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
``c/<id>.json``, its card (the same but only the body's opening: what a result holding the query in
its title or names needs, checked and shown without downloading its text);
``filters.json``, the ids of each region (every level) and topic; ``docs.json``, each id's article
page with its fingerprint. Ids are the articles' positions in the year, oldest first, so a higher
id is newer. The number of key files grows with the year's index so that each stays a few kB: a
query downloads one key file a pair and a year, not the index.

Incremental builds. Each file is claimed with its own fingerprint (its text's hash). A year whose
``docs.json`` is the last build's (the same pages, each with the same fingerprint) is hard-linked
from the previous output. A year with the same pages in the same order but a few changed (a body
edited) is patched: the changed articles' old keys (from their old fragments) and new keys give
the key files that change; those, the changed fragments, ``filters.json`` and ``docs.json`` are
written, every other file linked. Any other year (an article added, removed or moved, or a patch
that would change the number of key files) is made whole, in Python: about a second for a
thousand articles. A patched bundle is the same, byte for byte, as one made whole.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import operator
import os
import re
import unicodedata
from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from newsgen.errors import Location, NewsgenError
from newsgen.output import Manifest, OutputWriter, remove_tree
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
FORMAT = 2
#: About how many bytes of postings a key file holds at most (its year's key files are as many as
#: that takes, a power of two): what a query downloads per pair and year.
KEY_FILE_BYTES = 3000
_SHARD_NAME = re.compile(r"[0-9A-Za-z_-]{1,32}")
_RUN = re.compile(r"[^\W_]+")   # letters and digits: str.isalnum


@dataclass
class SearchIndex:
    """What indexing did: the index's files with their fingerprint (for the manifest), and how."""

    prints: dict[str, str] = field(default_factory=dict)   # search-index/… -> fingerprint
    pages: int = 0                                          # article pages indexed
    shards: list[str] = field(default_factory=list)         # every year bundle, newest first
    indexed: list[str] = field(default_factory=list)        # those made again (the rest reused)
    #: the manifest entries of the files linked from the last output, read as each was linked
    #: (the build need not stat them again)
    entries: dict[str, list] = field(default_factory=dict)

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
    thumb: tuple[str, int, int] | None = None   # the lead photo's thumbnail: URL, width, height


def document(post: Post, thumbs: Mapping[str, object] | None = None) -> Document:
    """The index's view of an article (reads its body); ``thumbs``: each article's lead photo (a
    :class:`~newsgen.render.views.PhotoView`) by its file's path, shown beside its result."""
    a = post.article
    names: dict[str, None] = {}
    for region in a.regions:
        for level in place_levels(region):
            names[level.rsplit("/", 1)[-1]] = None
    for name in (*a.topics, *a.tags, *a.authors):
        names[name] = None
    body = "\n".join(part for part in (a.kicker, a.subtitle, plain_text(a.body)) if part)
    photo = (thumbs or {}).get(a.path.as_posix())
    thumb = (photo.src, photo.width, photo.height) if photo is not None else None  # type: ignore[attr-defined]
    return Document(url=post.url, title=a.title, date=a.day.isoformat(), date_text=date_text(a.day),
                    places=tuple(a.regions), topics=tuple(a.topics), names=tuple(names), body=body, thumb=thumb)


def gaps(ids: list[int]) -> list[int]:
    """Ascending ids as the first and the gaps between them."""
    return list(map(operator.sub, ids, [0, *ids[:-1]])) if len(ids) > 1 else ids


def dumps(data: object) -> str:
    return orjson.dumps(data).decode()


def fields_of(doc: Document) -> tuple[set[str], set[str], set[str]]:
    """A document's keys by field: title (and its characters), names (and theirs), body."""
    return keys(doc.title, True), keys(" ".join(doc.names), True), keys(doc.body, False)


#: How much of an article's body its card holds (what a result holding the query in its title or its
#: names shows under the title: the opening of the text).
CARD_TEXT = 120


def card(doc: Document) -> str:
    """A document's card file: what the search page shows of a result and checks a title's or a name's
    hold of the query against, without the body (a few hundred bytes, where the fragment is the text)."""
    deepest = [p.rsplit("/", 1)[-1] for p in doc.places]
    data: dict[str, object] = {"u": doc.url, "t": doc.title, "d": doc.date_text, "p": deepest,
                               "n": list(doc.names), "s": doc.body[:CARD_TEXT]}
    if doc.thumb is not None:   # the lead photo's thumbnail (its URL, width and height)
        data["i"] = list(doc.thumb)
    return dumps(data) + "\n"


def fragment(doc: Document) -> str:
    """A document's fragment file: what the search page shows of it and checks the query against."""
    deepest = [p.rsplit("/", 1)[-1] for p in doc.places]
    return dumps({"u": doc.url, "t": doc.title, "d": doc.date_text, "p": deepest, "n": list(doc.names),
                  "x": doc.body}) + "\n"


def filters_file(filed: Sequence[tuple[Sequence[str], Sequence[str]]]) -> str:
    """The ids of every region (at every level) and topic, from each id's places and topics."""
    filters: dict[str, dict[str, list[int]]] = {"region": {}, "topic": {}}
    for i, (places, topics) in enumerate(filed):
        levels: dict[str, None] = {}
        for place in places:
            levels.update(dict.fromkeys(place_levels(place)))
        for level in levels:
            filters["region"].setdefault(level, []).append(i)
        for topic in dict.fromkeys(topics):
            filters["topic"].setdefault(topic, []).append(i)
    return dumps({facet: {value: gaps(ids) for value, ids in sorted(values.items())}
                  for facet, values in filters.items()}) + "\n"


def key_file_count(keys_held: int, ids: int) -> int:
    """How many key files a bundle of ``keys_held`` keys and ``ids`` postings in all is cut into: the
    smallest power of two that keeps each near :data:`KEY_FILE_BYTES` (an estimate: a key about 14
    bytes, an id 3)."""
    size = keys_held * 14 + ids * 3
    count = 1
    while size / count > KEY_FILE_BYTES:
        count *= 2
    return count


def key_file_text(part: Mapping[str, list[list[int]]]) -> str:
    """A key file: its keys in order, each with its ids by field as gaps."""
    return orjson.dumps(part, option=orjson.OPT_SORT_KEYS).decode() + "\n"


def bundle_files(docs: Sequence[Document]) -> tuple[dict[str, str], int]:
    """The files of one year's bundle (path within it -> text) for ``docs``, oldest first (ids are
    their positions), and its number of key files."""
    fields: tuple[dict[str, list[int]], ...] = (defaultdict(list), defaultdict(list), defaultdict(list))
    files: dict[str, str] = {}
    for i, doc in enumerate(docs):
        for postings, held in zip(fields, fields_of(doc), strict=True):
            # postings[key].append(i) for every key, in C: a million keys a thousand articles
            deque(map(list.append, map(postings.__getitem__, held), repeat(i)), maxlen=0)
        files[f"d/{i}.json"] = fragment(doc)
        files[f"c/{i}.json"] = card(doc)
    every = set().union(*fields)
    count = key_file_count(len(every), sum(len(ids) for postings in fields for ids in postings.values()))
    parts: list[dict[str, list[list[int]]]] = [{} for _ in range(count)]
    title, names, body = fields
    for key in every:
        parts[key_file(key, count)][key] = [gaps(title[key]) if key in title else [],
                                            gaps(names[key]) if key in names else [],
                                            gaps(body[key]) if key in body else []]
    for n, part in enumerate(parts):
        files[f"k/{n}.json"] = key_file_text(part)
    files["filters.json"] = filters_file([(doc.places, doc.topics) for doc in docs])
    return files, count


def patch_bundle(old_docs: Mapping[int, Document], new_docs: Mapping[int, Document],
                 old_parts: Sequence[dict[str, list[list[int]]]]) -> dict[int, str] | None:
    """The key files that change when the documents of ``new_docs`` (by id) replace ``old_docs`` (the
    same ids, as the last build indexed them) in a bundle whose key files were ``old_parts`` (parsed;
    changed in place): {file number: text}. None when the bundle would need another number of key
    files: it is then made whole, as a cold build makes it."""
    count = len(old_parts)
    touched: set[int] = set()
    for i, doc in new_docs.items():
        for f, (before, after) in enumerate(zip(fields_of(old_docs[i]), fields_of(doc), strict=True)):
            for key in before - after:
                n = key_file(key, count)
                entry = old_parts[n][key]
                ids = _ungap(entry[f])
                ids.remove(i)
                entry[f] = gaps(ids)
                if not any(entry):
                    del old_parts[n][key]
                touched.add(n)
            for key in after - before:
                n = key_file(key, count)
                entry = old_parts[n].setdefault(key, [[], [], []])
                ids = _ungap(entry[f])
                bisect.insort(ids, i)
                entry[f] = gaps(ids)
                touched.add(n)
    held = sum(len(part) for part in old_parts)
    ids = sum(len(field) for part in old_parts for entry in part.values() for field in entry)
    if key_file_count(held, ids) != count:
        return None
    return {n: key_file_text(old_parts[n]) for n in sorted(touched)}


def _ungap(gapped: list[int]) -> list[int]:
    return list(accumulate(gapped))


# --------------------------------------------------------------------------- the build's step

def ledger(paths: Sequence[str], prints: Mapping[str, str]) -> str:
    """A bundle's ``docs.json``: the index's format and each id's article page with its fingerprint.
    The same text, the same bundle; the same pages but some, a bundle the last one patched."""
    return dumps({"format": FORMAT, "docs": [[path, prints.get(path, "")] for path in paths]}) + "\n"


def shard_of(year: str) -> str:
    """The bundle an article goes to: its year (the ``year`` filter of the search page)."""
    return year if _SHARD_NAME.fullmatch(year) else "other"


def shard_pages(articles: Mapping[str, str]) -> dict[str, list[str]]:
    """The article pages' paths (``articles``: each with its year) by bundle, newest year first."""
    shards: dict[str, list[str]] = {}
    for path, year in articles.items():
        shards.setdefault(shard_of(year), []).append(path)
    return {name: shards[name] for name in sorted(shards, reverse=True)}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class _Bundle:
    """One year's bundle being written: each file claimed with its own fingerprint (its text's hash),
    so that a file the last build wrote the same is hard-linked from its output, not written."""

    def __init__(self, writer: OutputWriter, manifest: Manifest, index: SearchIndex, prefix: str,
                 previous: list[str]) -> None:
        self.writer, self.manifest, self.index, self.prefix = writer, manifest, index, prefix
        self.previous = previous   # the last build's files of this bundle
        self.linked: dict[str, list] = {}   # those linked, with their manifest entries

    def reuse_all(self) -> bool:
        """Link every file of the last build's bundle (claimed only if all of them are as written)."""
        if not self.previous or not all(map(self.link, self.previous)):
            self.clear()
            return False
        for path in self.previous:
            self.claim(path)
        return True

    def clear(self) -> None:
        """Forget files linked into a fresh output and not claimed (a tree updated in place keeps them:
        each is replaced when written, swept when not)."""
        if not self.writer.in_place:
            remove_tree(self.writer.tmp / self.prefix)

    def read(self, name: str) -> str | None:
        """A file of the last build's bundle, when it is on disk as that build wrote it."""
        path = self.prefix + name
        entry = self.manifest.pages.get(path)
        if entry is None or not self.writer.has_output:
            return None
        try:
            with open(os.path.join(self.writer.output, path), "rb") as f:
                st = os.fstat(f.fileno())
                if [st.st_size, st.st_mtime_ns, st.st_ino] != entry[1:4]:
                    return None
                return f.read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def claim(self, path: str) -> None:
        """Claim a file :meth:`link` linked."""
        self.writer.claim(path, CLAIM)
        self.index.prints[path] = self.linked[path][0]
        self.index.entries[path] = self.linked[path]

    def write(self, name: str, text: str) -> None:
        path = self.prefix + name
        if not self.writer.in_place:   # never write into a file linked from the published output
            (self.writer.tmp / path).unlink(missing_ok=True)
        self.writer.write_page(path, text, CLAIM)
        self.index.prints[path] = _sha(text)

    def link(self, path: str) -> bool:
        """Link a file of the last build's bundle, when it is on disk as written (its entry kept)."""
        entry = self.manifest.pages.get(path)
        if entry is None or not self.writer.reuse(path, entry[0], self.manifest):
            return False
        self.linked[path] = identity = self.writer.identity(path, entry[0])
        return bool(identity)


def index_articles(writer: OutputWriter, plan: Plan, prints: Mapping[str, str], manifest: Manifest) -> SearchIndex:
    """Write the search index of ``plan``'s articles (their pages already written) into ``writer``'s
    ``search-index/``.

    ``prints`` are the pages' fingerprints and ``manifest`` the last build's: the bundle of a year
    whose article pages are all unchanged is linked from the last output; one whose pages are the
    same but a few changed is patched (their fragments and the key files their keys are in); any
    other is made whole."""
    if writer.claimed(SEARCH_DIR):
        raise NewsgenError(f"/{SEARCH_DIR}/ is the search index's folder, but the site put a file there",
                           Location(Path(SEARCH_DIR)))
    years = plan.search_years()
    shards = shard_pages(years)   # newest year first
    posts = {output_path(post.url): post for post in plan.site.posts}
    index = SearchIndex(pages=len(years), shards=list(shards))
    listing: list[dict[str, object]] = []
    counts: dict[str, dict[str, int]] = {"region": {}, "topic": {}, "year": {}}
    last: dict[str, list[str]] = {}   # the last build's files of each bundle
    for path in manifest.pages:
        if path.startswith(SEARCH_DIR + "/"):
            last.setdefault(path.split("/", 2)[1], []).append(path)
    for name, paths in shards.items():
        # oldest first (site.posts is newest first): an article's id is its place in its year
        ordered = sorted(paths, key=lambda p: -posts[p].index)
        docs_json = ledger(ordered, prints)
        bundle = _Bundle(writer, manifest, index, f"{SEARCH_DIR}/{name}/", sorted(last.get(name, [])))
        entry = manifest.pages.get(bundle.prefix + "docs.json")
        if entry is not None and entry[0] == _sha(docs_json) and bundle.reuse_all():
            count = sum(1 for p in bundle.previous if p.startswith(bundle.prefix + "k/"))
        else:
            index.indexed.append(name)
            count = _patch(bundle, ordered, posts, prints, docs_json, plan.views.photos)
            if not count:
                bundle.clear()
                files, count = bundle_files([document(posts[p], plan.views.photos) for p in ordered])
                for path, text in files.items():
                    bundle.write(path, text)
                bundle.write("docs.json", docs_json)
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
    index.prints[path] = _sha(text)
    return index


#: A year with more changed articles than this is made whole rather than patched.
PATCH_LIMIT = 64


def _patch(bundle: _Bundle, ordered: Sequence[str], posts: Mapping[str, Post], prints: Mapping[str, str],
           docs_json: str, thumbs: Mapping[str, object]) -> int:
    """Patch the last build's bundle into ``bundle`` when it indexed the same article pages in the same
    order and few of them changed: returns its number of key files, or 0 (nothing claimed) when it
    cannot be patched."""
    old = bundle.read("docs.json")
    if old is None:
        return 0
    try:
        data = orjson.loads(old)
        before = [path for path, _ in data["docs"]]
        changed = [i for i, (path, print_) in enumerate(data["docs"]) if prints.get(path, "") != print_]
    except (ValueError, TypeError, KeyError):
        return 0
    if data.get("format") != FORMAT or before != list(ordered) or len(changed) > PATCH_LIMIT:
        return 0
    count = sum(1 for p in bundle.previous if p.startswith(bundle.prefix + "k/"))
    if not count or count & (count - 1):
        return 0
    try:
        parts = []
        for n in range(count):
            text = bundle.read(f"k/{n}.json")
            if text is None:
                return 0
            parts.append(orjson.loads(text))
        old_docs = {}
        for i in changed:
            text = bundle.read(f"d/{i}.json")
            if text is None:
                return 0
            d = orjson.loads(text)
            old_docs[i] = Document(d["u"], d["t"], "", "", (), (), tuple(d["n"]), d["x"])
    except (ValueError, TypeError, KeyError):
        return 0
    new_docs = {i: document(posts[ordered[i]], thumbs) for i in changed}
    rewritten = patch_bundle(old_docs, new_docs, parts)
    if rewritten is None:
        return 0
    fresh = {f"k/{n}.json" for n in rewritten} | {f"{kind}/{i}.json" for i in changed for kind in "cd"} | \
        {"docs.json", "filters.json"}
    expected = {f"k/{n}.json" for n in range(count)} | \
        {f"{kind}/{i}.json" for i in range(len(ordered)) for kind in "cd"} | {"docs.json", "filters.json"}
    kept = [bundle.prefix + name for name in sorted(expected - fresh)]
    if {p[len(bundle.prefix):] for p in bundle.previous} != expected or not all(map(bundle.link, kept)):
        bundle.clear()
        return 0
    for path in kept:
        bundle.claim(path)
    for n, text in rewritten.items():
        bundle.write(f"k/{n}.json", text)
    for i, doc in new_docs.items():
        bundle.write(f"d/{i}.json", fragment(doc))
        bundle.write(f"c/{i}.json", card(doc))
    articles = [posts[path].article for path in ordered]
    bundle.write("filters.json", filters_file([(a.regions, a.topics) for a in articles]))
    bundle.write("docs.json", docs_json)
    return count
