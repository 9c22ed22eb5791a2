"""The search index: newsgen's own, of the articles' strings (character pairs): key files shared by every
year, and one bundle a year of the articles' cards and texts.

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

Layout of ``search-index/``: ``shards.json`` lists the number of key files, the year bundles (newest
first, each with its size in the key files) and the filter values with their counts. The key files
``keys/<n>.json`` are shared by every year: each key (a pair, or a single character of a title or
name) is in file ``fnv1a(key) % keys`` with its articles by year, and in each year by field (title,
names, body) as ascending ids, :func:`packed` (gaps, a run of consecutive ids as one number). So a
query downloads one file a pair, however many years the archive spans; the number of key files is
the power of two that keeps each near :data:`KEY_FILE_BYTES`. A bundle ``<year>/`` holds
``d/<id>.json``, each article's fragment (URL, title, date, places, names, body text);
``c/<id>.json``, its card (the same but only the body's opening: what a result holding the query in
its title or names needs, checked and shown without downloading its text); ``filters.json``, the
ids of each region (every level) and topic; ``docs.json``, each id's article page with its
fingerprint. Ids are the articles' positions in the year, oldest first, so a higher id is newer.

Incremental builds. Each file is claimed with its own fingerprint (its text's hash). A year whose
``docs.json`` is the last build's (the same pages, each with the same fingerprint) is left in the
output as it is. A year with the same pages in the same order but a few changed (a body
edited) is patched: its changed fragments and cards, ``filters.json`` and ``docs.json`` are written,
every other file left as it is, and the changed articles' old keys (from their old fragments) and new keys
give the key files that change: only those are written. A year made whole (an article added,
removed or moved), a year gone, or a patch that changes the number of key files makes every key
file again, from the last build's (the other years' entries kept as they are). Either way the
output is the same, byte for byte, as a cold build's.

Work and memory. The years made whole are indexed in worker processes, a year to a worker at a
time (see ``render.parallel``), each sending back what it wrote and its key entries. Whichever way the
key files are made, their entries are set aside on disk as each year comes back (or each last key
file is read), in :data:`GROUPS` parts by their key's hash, and the key files are written a part at a
time: a worker holds one year's ids (packed arrays), the build one part of the entries, not the whole
index (a quarter of a gigabyte at 100,000 long articles). What a year's files and counts need of the
site (its places' and topics' articles) comes from the site model, not from each article: a year
kept or patched reads none of its articles but those changed.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import operator
import os
import re
import struct
import tempfile
import unicodedata
from array import array
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import IO, TYPE_CHECKING

import orjson

from newsgen.content import passing
from newsgen.errors import Location, NewsgenError
from newsgen.output import Entries, Entry, Manifest, OutputWriter
from newsgen.render.pages import output_path
from newsgen.render.parallel import run_jobs
from newsgen.render.views import date_text
from newsgen.site import Post, Site, place_levels
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
FORMAT = 3
#: About how many bytes of entries a key file holds at most (the key files are as many as that takes,
#: a power of two): what a query downloads per pair, where no pair's own entry is larger.
KEY_FILE_BYTES = 3000
_SHARD_NAME = re.compile(r"[0-9A-Za-z_-]{1,32}")
_RUN = re.compile(r"[^\W_]+")   # letters and digits: str.isalnum


@dataclass
class SearchIndex:
    """What indexing did: the index's files with their manifest entries, and how."""

    pages: int = 0                                          # article pages indexed
    shards: list[str] = field(default_factory=list)         # every year bundle, newest first
    indexed: list[str] = field(default_factory=list)        # those made again (the rest reused)
    #: the files written, search-index/… -> manifest entry (its fingerprint, the hash of its text, and the
    #: write's own stat: the build need not look it up again)
    entries: dict[str, Entry] = field(default_factory=dict)
    #: the last output's files left as they are: their entries are the last manifest's
    kept: list[str] = field(default_factory=list)

    @property
    def reused(self) -> bool:
        """Every bundle kept as the previous output has it, none made again."""
        return bool(self.shards) and not self.indexed

    @property
    def summary(self) -> str:
        files = f"{len(self.entries) + len(self.kept)} files in /{SEARCH_DIR}/"
        if not self.shards:
            return f"no article pages to index: {files}"
        if self.reused:
            return f"{self.pages} article pages in {len(self.shards)} year bundles, unchanged, reused: {files}"
        return (f"{self.pages} article pages in {len(self.shards)} year bundles, {len(self.indexed)} indexed "
                f"({', '.join(self.indexed)}), {len(self.shards) - len(self.indexed)} unchanged, reused: {files}")


# --------------------------------------------------------------------------- text to keys

def normalize(text: str) -> str:
    """The text as both sides compare it: NFKC (full-width letters and digits as ASCII) and lower case.
    (``search.js`` does the same: ``normalize("NFKC").toLowerCase()``.)

    The full-width forms and the ideographic space (most of what NFKC changes in Chinese text: its
    punctuation) are put as their compatibility forms first, which leaves the text's NFKD, hence its
    NFKC, as it was; the text is then normalized only when it still needs it (rarely: a checked text
    costs a tenth of a normalized one)."""
    for ch in set(_WIDE.findall(text)):
        text = text.replace(ch, _WIDE_FORMS[ch])
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


_WIDE = re.compile("[\u3000\uFF01-\uFF5E]")
#: each full-width form (and the ideographic space) with its compatibility decomposition, one ASCII character
_WIDE_FORMS = {chr(c): unicodedata.normalize("NFKD", chr(c)) for c in (0x3000, *range(0xFF01, 0xFF5F))}


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
    """The key file a key is in: :func:`key_hash` modulo ``count`` (``search.js`` computes the same)."""
    return key_hash(key) % count


def key_hash(key: str) -> int:
    """FNV-1a (32 bits) over the key's UTF-16 code units, mixed by MurmurHash3's finalizer (``search.js``
    computes the same over ``charCodeAt``). The mixing matters: FNV-1a's low bits depend on its input's
    low bits only, and the number of key files is a power of two."""
    h = 0x811C9DC5
    if key.isascii() or all(ord(ch) < 0x10000 for ch in key):   # one code unit a character
        for ch in key:
            h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    else:
        data = key.encode("utf-16-le")
        for i in range(0, len(data), 2):
            h = ((h ^ (data[i] | (data[i + 1] << 8))) * 0x01000193) & 0xFFFFFFFF
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    h ^= h >> 16
    return h


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
    a = passing(post.article)
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


def filters_file(site: Site, indices: Sequence[int]) -> str:
    """A year's ``filters.json``: the ids of every region (at every level) and topic (``indices``: the
    year's articles as positions in ``site.posts``, oldest first; an id is a position in this list).
    Taken from the site model (each place's articles, its towns' included, and each topic's, as
    ascending positions), no article's fields read: a year patched reads none of its articles."""
    id_of = dict(zip(indices, range(len(indices)), strict=True))
    lo, hi = min(indices, default=0), max(indices, default=-1)
    filters: dict[str, dict[str, list[int]]] = {}
    for facet, named in (("region", [(place.path, place.posts) for place in site.places.values()]),
                         ("topic", [(term.name, term.posts) for term in site.topics])):
        found = filters[facet] = {}
        for name, held in sorted(named):
            ids = sorted(id_of[k] for k in held[bisect.bisect_left(held, lo):bisect.bisect_right(held, hi)]
                         if k in id_of)
            if ids:
                found[name] = gaps(ids)
    return dumps(filters) + "\n"


#: The key files' folder in ``search-index/`` (no year bundle has this name: see :func:`shard_of`).
KEYS_DIR = "keys"
_ONES = re.compile(rb"(?<=[\[,])1(?:,1)+(?=[,\]])")


def _ones(match: re.Match[bytes]) -> bytes:
    return b"-%d" % ((len(match.group()) + 1) // 2)


def packed(ids: Sequence[int]) -> bytes:
    """Ascending ids as a JSON array: each the gap from the last (the first from -1), and a run of
    ``n`` ids each one after the last as ``-n``: an article's pairs held by most of a year's
    articles cost a few bytes, not two an article. (``search.js``'s ``unpack`` reads it.)"""
    text = orjson.dumps(list(map(operator.sub, ids, [-1, *ids[:-1]])))
    return _ONES.sub(_ones, text) if b"1,1" in text else text


def unpacked(values: Sequence[int]) -> list[int]:
    """The ids of a :func:`packed` array (parsed)."""
    ids: list[int] = []
    last = -1
    for value in values:
        if value < 0:
            ids.extend(range(last + 1, last + 1 - value))
            last -= value
        else:
            last += value
            ids.append(last)
    return ids


def entry_text(title: Sequence[int], names: Sequence[int], body: Sequence[int]) -> bytes:
    """A key's entry for one year: its ids in the title, the names and the body, each :func:`packed`."""
    text = orjson.dumps([_gaps(title), _gaps(names), _gaps(body)])   # one call: most keys have an id or two
    # (copied: orjson's bytes keep the buffer it wrote into, some 4 kB, and a year holds 100,000 entries)
    return _ONES.sub(_ones, text) if b"1,1" in text else bytes(memoryview(text))


def _gaps(ids: Sequence[int]) -> Sequence[int]:
    if len(ids) < 2:
        return [ids[0] + 1] if ids else ids
    return list(map(operator.sub, ids, [-1, *ids[:-1]]))


def entry_size(key: str, entry: bytes) -> int:
    """What a key's entry for one year adds to the key files (about: the year's name and brackets counted
    as eight bytes), summed into each year's ``size`` in ``shards.json``."""
    return len(key.encode()) + len(entry) + 8


def key_file_count(size: int) -> int:
    """How many key files an index whose entries add up to ``size`` bytes (:func:`entry_size`) is cut
    into: the smallest power of two that keeps each near :data:`KEY_FILE_BYTES`."""
    count = 1
    while size / count > KEY_FILE_BYTES:
        count *= 2
    return count


#: A key file's part being made: each key with its entry by year (as written, or parsed to patch it).
Part = dict[str, dict[str, "bytes | list[list[int]]"]]


def key_file_text(part: Part) -> str:
    """A key file: its keys in order, each with its entry (:func:`entry_text`) by year, years in order."""
    items = []
    for key in sorted(part):
        years = part[key]
        items.append(orjson.dumps(key) + b":{" + b",".join(
            orjson.dumps(year) + b":" + (entry if isinstance(entry, bytes) else _entry_of(entry))
            for year, entry in sorted(years.items())) + b"}")
    return (b"{" + b",".join(items) + b"}\n").decode()


def _entry_of(parsed: list[list[int]]) -> bytes:
    """A parsed entry of a key file as its text: the key files are read only when on disk as this format
    wrote them (:func:`entry_text`'s packed arrays), whose JSON is that text again."""
    return orjson.dumps(parsed)


def year_entries(docs: Iterable[Document]) -> dict[str, bytes]:
    """Every key of ``docs`` (one year's articles, oldest first: ids are their positions) with its entry."""
    fields: tuple[dict[str, list[int]], ...] = (defaultdict(list), defaultdict(list), defaultdict(list))
    for i, doc in enumerate(docs):
        for postings, held in zip(fields, fields_of(doc), strict=True):
            # postings[key].append(i) for every key, in C: a million keys a thousand articles
            deque(map(list.append, map(postings.__getitem__, held), repeat(i)), maxlen=0)
    title, names, body = fields
    return {key: entry_text(title.get(key, ()), names.get(key, ()), body.get(key, ()))
            for key in set().union(*fields)}


#: How many parts the key files' entries are set aside in while a build makes them (a power of two):
#: the key files are written one part at a time, each from the entries of its keys alone, so that
#: what is held at once is about the index's size divided by this, not the whole index.
GROUPS = 64
#: How many bytes of a part's entries are held before they are appended to its file on disk.
_FLUSH = 1 << 18
_RECORD = struct.Struct("<IHHI")   # a set-aside entry: its key's hash, the lengths of key, year and entry


class _SetAside:
    """The entries of the key files being made, set aside by their key's :func:`key_hash` modulo
    :data:`GROUPS` in anonymous files (in ``folder``; an index smaller than :data:`_FLUSH` bytes a part
    never leaves memory), then read back part by part to write the key files (:func:`_write_key_files`)."""

    def __init__(self, folder: Path | str | None) -> None:
        self.folder = folder
        self.held = [bytearray() for _ in range(GROUPS)]
        self.files: list[IO[bytes] | None] = [None] * GROUPS

    def add(self, year: str, entries: Mapping[str, bytes]) -> int:
        """Set aside one year's entries (key -> entry); returns their size (the sum of their :func:`entry_size`)."""
        year_bytes = year.encode()
        size = 0
        for key, entry in entries.items():
            size += self.put(key_hash(key), key, year_bytes, entry)
        return size

    def put(self, h: int, key: str, year: bytes, entry: bytes) -> int:
        """Set aside ``key``'s entry for ``year`` (``h``: its :func:`key_hash`); returns its :func:`entry_size`."""
        g = h % GROUPS
        held = self.held[g]
        raw = key.encode()
        held += _RECORD.pack(h, len(raw), len(year), len(entry))
        held += raw
        held += year
        held += entry
        if len(held) > _FLUSH:
            self._flush(g)
        return entry_size(key, entry)

    def _flush(self, g: int) -> None:
        file = self.files[g]
        if file is None:
            file = self.files[g] = tempfile.TemporaryFile(dir=self.folder)
        file.write(self.held[g])
        self.held[g] = bytearray()

    def part(self, g: int) -> Iterator[tuple[int, str, str, bytes]]:
        """The entries set aside in part ``g``: each key's hash, the key, the year and the entry."""
        file = self.files[g]
        if file is None:
            data = bytes(self.held[g])
        else:
            self._flush(g)
            file.seek(0)
            data = file.read()
            file.close()
            self.files[g] = None
        self.held[g] = bytearray()
        at, end, head = 0, len(data), _RECORD.size
        while at < end:
            h, k, y, e = _RECORD.unpack_from(data, at)
            at += head
            key = data[at:at + k].decode()
            at += k
            year = data[at:at + y].decode()
            at += y
            yield h, key, year, data[at:at + e]
            at += e

    def parts(self) -> list[bytes]:
        """What is set aside, as its records by part (all read back: the files closed)."""
        found = []
        for g in range(GROUPS):
            file = self.files[g]
            if file is not None:
                self._flush(g)
                file.seek(0)
                found.append(file.read())
                file.close()
                self.files[g] = None
            else:
                found.append(bytes(self.held[g]))
            self.held[g] = bytearray()
        return found

    def extend(self, g: int, records: bytes) -> None:
        """Set aside the records of part ``g`` of another (see :meth:`parts`)."""
        self.held[g] += records
        if len(self.held[g]) > _FLUSH:
            self._flush(g)

    def close(self) -> None:
        for file in self.files:
            if file is not None:
                file.close()
        self.files = [None] * GROUPS
        self.held = [bytearray() for _ in range(GROUPS)]


def _write_key_files(keyring: _Bundle, count: int, *asides: _SetAside) -> None:
    """Write the ``count`` key files of the entries set aside in ``asides``, one part of the set-aside
    entries at a time: a key file (``key_hash % count``, ``count`` a power of two) takes its keys from
    the parts ``key_hash % GROUPS`` holds them in, ``GROUPS`` also a power of two."""
    step = min(count, GROUPS)
    for g in range(step):
        parts: dict[int, Part] = {n: {} for n in range(g, count, step)}
        for aside in asides:
            for bucket in range(g, GROUPS, step):
                for h, key, year, entry in aside.part(bucket):
                    parts[h % count].setdefault(key, {})[year] = entry
        for n, part in parts.items():
            keyring.write(f"{n}.json", key_file_text(part))
        del parts
    written = keyring.index.entries   # the key files in their numbers' order, as written at once
    for n in range(count):
        path = f"{keyring.prefix}{n}.json"
        if path in written:
            written[path] = written.pop(path)


def _index_years(writer: OutputWriter, manifest: Manifest, index: SearchIndex,
                 made: Sequence[tuple[str, list[Post], str, str]], thumbs: Mapping[str, object],
                 sizes: dict[str, int], aside: _SetAside) -> None:
    """Write the bundles of the years ``made`` whole (each its name, articles oldest first, ``docs.json``
    and ``filters.json``), two or more in worker processes (see ``render.parallel``), a year to a worker
    at a time. Each year's files are claimed here first (a worker only stores them); as each year comes
    back, its files' entries go to ``index``, its size to ``sizes`` and its key entries ``aside``."""
    for name, chosen, _, _ in made:
        writer.claim_files({f"{SEARCH_DIR}/{name}/{file}": CLAIM for file in _bundle_files(len(chosen))})

    def job(k: int) -> tuple[int, dict[str, Entry], list[bytes]]:
        name, chosen, docs_json, filters = made[k]
        bundle = _Bundle(writer, manifest, SearchIndex(), f"{SEARCH_DIR}/{name}/", [])
        bundle.claimed = True
        mine = _SetAside(aside.folder)
        try:
            size = _index_year(bundle, name, chosen, thumbs, docs_json, filters, mine)
            return size, bundle.index.entries, mine.parts()
        finally:
            mine.close()

    class Back(list):
        def append(self, result: tuple[int, dict[str, Entry], list[bytes]]) -> None:
            size, entries, parts = result
            sizes[made[len(self)][0]] = size
            index.entries.update(entries)
            for g, part in enumerate(parts):
                aside.extend(g, part)
            super().append(None)

        def extend(self, results: Iterable[tuple[int, dict[str, Entry], list[bytes]]]) -> None:
            for result in results:
                self.append(result)

    run_jobs(len(made), job, results=Back(), chunk=1, minimum=2)


def _bundle_files(count: int) -> list[str]:
    """The files of a year's bundle of ``count`` articles."""
    return [*(f"{kind}/{i}.json" for i in range(count) for kind in "dc"), "filters.json", "docs.json"]


def _index_year(bundle: _Bundle, name: str, chosen: Sequence[Post], thumbs: Mapping[str, object],
                docs_json: str, filters: str, aside: _SetAside) -> int:
    """Write one year's bundle whole (``chosen``: its articles, oldest first) and set its key entries
    aside; each article's document is let go once its files are written and its keys noted. Returns
    the year's size (the sum of its entries' :func:`entry_size`)."""
    # each key's ids by field, as packed arrays (two bytes an id in a year of at most 65,536 articles)
    made = partial(array, "H" if len(chosen) <= 0x10000 else "I")
    fields: tuple[dict[str, array[int]], ...] = (defaultdict(made), defaultdict(made), defaultdict(made))
    for i, post in enumerate(chosen):
        doc = document(post, thumbs)
        bundle.write(f"d/{i}.json", fragment(doc))
        bundle.write(f"c/{i}.json", card(doc))
        for postings, held in zip(fields, fields_of(doc), strict=True):
            # postings[key].append(i) for every key, in C: a million keys a thousand articles
            deque(map(array.append, map(postings.__getitem__, held), repeat(i)), maxlen=0)
    bundle.write("filters.json", filters)
    bundle.write("docs.json", docs_json)
    title, names, body = fields
    year = name.encode()
    size = 0
    for key in set().union(*fields):   # each key's ids let go once its entry is set aside
        entry = entry_text(title.pop(key, ()), names.pop(key, ()), body.pop(key, ()))
        size += aside.put(key_hash(key), key, year, entry)
    return size


def patch_year(year: str, old_docs: Mapping[int, Document], new_docs: Mapping[int, Document],
               parts: Mapping[int, Part], count: int) -> tuple[set[int], int]:
    """Patch one year's entries in the key files ``parts`` (file number -> part, parsed, changed in
    place; every file holding a key of the changed articles must be there: :func:`patch_files`) where
    the documents of ``new_docs`` (by id) replace ``old_docs`` (the same ids, as the last build indexed
    them). Returns the numbers of the files changed and how much the year's size changes."""
    ops: dict[str, list[tuple[int, int, bool]]] = defaultdict(list)   # key -> (field, id, added)
    for i, doc in new_docs.items():
        for f, (before, after) in enumerate(zip(fields_of(old_docs[i]), fields_of(doc), strict=True)):
            for key in before - after:
                ops[key].append((f, i, False))
            for key in after - before:
                ops[key].append((f, i, True))
    touched: set[int] = set()
    delta = 0
    for key, changes in ops.items():
        n = key_file(key, count)
        held = parts[n].setdefault(key, {})
        old = held.get(year)
        if old is not None:
            old = old if isinstance(old, bytes) else _entry_of(old)
            delta -= entry_size(key, old)
            fields = [unpacked(field) for field in orjson.loads(old)]
        else:
            fields = [[], [], []]
        for f, i, added in changes:
            if added:
                bisect.insort(fields[f], i)
            elif i in fields[f]:
                fields[f].remove(i)
        if any(fields):
            held[year] = entry = entry_text(*fields)
            delta += entry_size(key, entry)
        else:
            held.pop(year, None)
            if not held:
                del parts[n][key]
        touched.add(n)
    return touched, delta


def patch_files(old_docs: Mapping[int, Document], new_docs: Mapping[int, Document], count: int) -> set[int]:
    """The key files a :func:`patch_year` of these documents changes."""
    found: set[int] = set()
    for i, doc in new_docs.items():
        for before, after in zip(fields_of(old_docs[i]), fields_of(doc), strict=True):
            found.update(key_file(key, count) for key in before ^ after)
    return found


# --------------------------------------------------------------------------- the build's step

def ledger(paths: Sequence[str], prints: Mapping[str, str]) -> str:
    """A bundle's ``docs.json``: the index's format and each id's article page with its fingerprint.
    The same text, the same bundle; the same pages but some, a bundle the last one patched."""
    return dumps({"format": FORMAT, "docs": [[path, prints.get(path, "")] for path in paths]}) + "\n"


def shard_of(year: str) -> str:
    """The bundle an article goes to: its year (the ``year`` filter of the search page)."""
    return year if _SHARD_NAME.fullmatch(year) and year != KEYS_DIR else "other"


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
    so that a file the last build wrote the same is left in the output as it is, not written."""

    def __init__(self, writer: OutputWriter, manifest: Manifest, index: SearchIndex, prefix: str,
                 previous: list[str], stale: Set[str] | None = None, vouched: bool = False) -> None:
        self.writer, self.manifest, self.index, self.prefix = writer, manifest, index, prefix
        self.previous = previous   # the last build's files of this bundle
        self.stale = stale   # see OutputWriter.holds
        self.vouched = vouched   # see OutputWriter.claim_files
        self.claimed = False   # whether the files it writes are claimed already

    def reuse_all(self) -> bool:
        """Keep every file of the last build's bundle (claimed only if all of them are as written)."""
        return bool(self.previous) and self.keep(self.previous)

    def keep(self, paths: Sequence[str]) -> bool:
        """Keep these files of the last build's output as they are, and claim them, when all are on disk
        as written (else nothing claimed). When the build looked for the output's stale files, that is a
        set look-up, and they are claimed together: a year's bundle is tens of thousands of files."""
        if not (self.stale is not None and self.writer.in_place and self.stale.isdisjoint(paths)) and \
                not all(map(self.link, paths)):
            return False
        self.writer.claim_files(dict.fromkeys(paths, CLAIM), self.vouched)
        self.index.kept.extend(paths)
        return True

    def read(self, name: str) -> str | None:
        """A file of the last build's bundle, when it is on disk as that build wrote it."""
        path = self.prefix + name
        entry = self.manifest.pages.get(path)
        if entry is None or not self.writer.in_place:
            return None
        try:
            with open(os.path.join(self.writer.output, path), "rb") as f:
                st = os.fstat(f.fileno())
                if not entry.on_disk(st):
                    return None
                return f.read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def write(self, name: str, text: str) -> None:
        _write(self.writer, self.index, self.prefix + name, text, self.claimed)

    def link(self, path: str) -> bool:
        """Whether a file of the last build's output is on disk as written."""
        entry = self.manifest.pages.get(path)
        if entry is None:
            return False
        if self.stale is not None and self.writer.holds(path, self.stale):
            return True   # the output's file, as recorded, is the tree's already
        return self.writer.reuse(path, entry.fingerprint)


def _write(writer: OutputWriter, index: SearchIndex, path: str, text: str, claimed: bool = False) -> None:
    """Write one file of the index (claimed first, unless it is already), with its manifest entry."""
    if not claimed:
        writer.claim(path, CLAIM)
    writer.store(path, text)
    entry = writer.identity(path, _sha(text))   # (the write's stat: there)
    if entry is not None:
        index.entries[path] = entry


def index_articles(writer: OutputWriter, plan: Plan, prints: Mapping[str, str], manifest: Manifest,
                   stale: Set[str] | None = None, vouched: bool = False) -> SearchIndex:
    """Write the search index of ``plan``'s articles (their pages already written) into ``writer``'s
    ``search-index/``.

    ``prints`` are the pages' fingerprints and ``manifest`` the last build's: the bundle of a year
    whose article pages are all unchanged is kept as the last output has it; one whose pages are the
    same but a few changed is patched (their fragments and cards); any other is made whole. The key
    files are patched where they hold a changed article's keys (the rest kept), or made again from
    the last ones when a year was made whole or their number changes. ``stale``: the last output's
    files not on disk as recorded, when the build looked (index files the tree holds already are
    carried from one listing a folder: see :meth:`OutputWriter.holds`). ``vouched``: the manifest's paths
    are all ones a claim takes (see :meth:`OutputWriter.claim_files`)."""
    if writer.claimed(SEARCH_DIR):
        raise NewsgenError(f"/{SEARCH_DIR}/ is the search index's folder, but the site put a file there",
                           Location(Path(SEARCH_DIR)))
    years = plan.search_years()
    shards = shard_pages(years)   # newest year first
    posts = {output_path(post.url): post for post in plan.site.posts}
    index = SearchIndex(pages=len(years), shards=list(shards))
    listing: list[dict[str, object]] = []
    # (every article is indexed: the site model's counts, each article once in a place and those it lies in)
    counts: dict[str, dict[str, int]] = {"region": {path: place.count for path, place in plan.site.places.items()},
                                         "topic": {term.name: term.count for term in plan.site.topics}, "year": {}}
    last: dict[str, list[str]] = {}   # the last build's files of each bundle (and of the key files)
    pages = manifest.pages
    for path in pages.under(SEARCH_DIR) if isinstance(pages, Entries) else \
            [p for p in pages if p.startswith(SEARCH_DIR + "/")]:
        last.setdefault(path.split("/", 2)[1], []).append(path)
    keyring = _Bundle(writer, manifest, index, f"{SEARCH_DIR}/{KEYS_DIR}/", sorted(last.get(KEYS_DIR, [])), stale,
                      vouched)
    before = _last_listing(_Bundle(writer, manifest, index, f"{SEARCH_DIR}/", []))
    sizes: dict[str, int] = {}
    whole: set[str] = set()   # the years made whole: their entries set aside
    aside = _SetAside(writer.tmp)
    patched: dict[str, tuple[dict[int, Document], dict[int, Document]]] = {}
    ordered_of: dict[str, list[str]] = {}
    made: list[tuple[str, list[Post], str, str]] = []   # the years made whole
    for name, paths in shards.items():
        # oldest first (site.posts is newest first): an article's id is its place in its year
        ordered_of[name] = ordered = sorted(paths, key=lambda p: -posts[p].index)
        docs_json = ledger(ordered, prints)
        bundle = _Bundle(writer, manifest, index, f"{SEARCH_DIR}/{name}/", sorted(last.get(name, [])), stale,
                         vouched)
        entry = manifest.pages.get(bundle.prefix + "docs.json")
        known = before is not None and name in before[1]
        if known and entry is not None and entry.fingerprint == _sha(docs_json) and bundle.reuse_all():
            sizes[name] = before[1][name]   # type: ignore[index]
        else:
            index.indexed.append(name)
            filters = filters_file(plan.site, [posts[p].index for p in ordered])
            change = _patch(bundle, ordered, posts, prints, docs_json, filters, plan.views.photos) if known else None
            if change is not None:
                patched[name] = change
                sizes[name] = before[1][name]   # type: ignore[index]
            else:
                made.append((name, [posts[p] for p in ordered], docs_json, filters))
                whole.add(name)
        listing.append({"name": name, "bundle": f"{name}/", "pages": len(paths)})
        counts["year"][name] = len(paths)
    try:
        _index_years(writer, manifest, index, made, plan.views.photos, sizes, aside)
        count = _key_files(keyring, before, whole, patched, sizes, aside)
    except _Unreadable:   # the last key files are not there as written: every year's keys again
        for name in shards:
            if name not in whole:
                sizes[name] = aside.add(name, year_entries(document(posts[p]) for p in ordered_of[name]))
        count = key_file_count(sum(sizes.values()))
        _write_key_files(keyring, count, aside)
    finally:
        aside.close()
    for item in listing:
        item["size"] = sizes[str(item["name"])]
    text = json.dumps({"format": FORMAT, "keys": count, "shards": listing,
                       "filters": {facet: dict(sorted(values.items())) for facet, values in counts.items()}},
                      ensure_ascii=False, indent=1) + "\n"
    _write(writer, index, f"{SEARCH_DIR}/{SHARDS_FILE}", text)
    return index


class _Unreadable(Exception):
    """A key file of the last build is not on disk as it wrote it (or not parsed)."""


def _last_listing(root: _Bundle) -> tuple[int, dict[str, int]] | None:
    """The last build's number of key files and each year's size, from its ``shards.json`` (None when it
    is not there as written, or of another format)."""
    text = root.read(SHARDS_FILE)
    if text is None:
        return None
    try:
        data = json.loads(text)
        count = data["keys"]
        sizes = {str(s["name"]): s["size"] for s in data["shards"]}
    except (ValueError, TypeError, KeyError):
        return None
    if data.get("format") != FORMAT or not isinstance(count, int) or count < 1 or count & (count - 1) or \
            not all(isinstance(size, int) for size in sizes.values()):
        return None
    return count, sizes


def _key_files(keyring: _Bundle, before: tuple[int, dict[str, int]] | None, whole: Set[str],
               patched: Mapping[str, tuple[dict[int, Document], dict[int, Document]]], sizes: dict[str, int],
               aside: _SetAside) -> int:
    """Write the key files from the last build's (``keyring``'s previous files): ``patched`` years'
    changed articles patched in, ``whole`` years' entries (set ``aside``) in place of their old ones,
    the years that are gone left out; ``sizes`` (each year's, the patched ones as they were) updated.
    Returns their number. Raises :class:`_Unreadable` when the last ones cannot be read (nothing
    written or claimed)."""
    if before is None:
        raise _Unreadable
    old_count, old_sizes = before
    prefix = keyring.prefix
    if set(keyring.previous) != {f"{prefix}{n}.json" for n in range(old_count)}:
        raise _Unreadable
    parts: dict[int, Part] = {}

    def load(n: int) -> Part:
        text = keyring.read(f"{n}.json")
        if text is None:
            raise _Unreadable
        try:
            part: Part = orjson.loads(text)
        except ValueError:
            raise _Unreadable from None
        return part

    touched: set[int] = set()
    for year, (old_docs, new_docs) in patched.items():
        for n in sorted(patch_files(old_docs, new_docs, old_count) - set(parts)):
            parts[n] = load(n)
        changed, delta = patch_year(year, old_docs, new_docs, parts, old_count)
        touched |= changed
        sizes[year] += delta
    gone = set(old_sizes) - set(sizes)
    count = key_file_count(sum(sizes.values()))
    if count == old_count and not whole and not gone:   # patched: the files holding a changed key
        if not keyring.keep([f"{prefix}{n}.json" for n in range(count) if n not in touched]):
            raise _Unreadable
        for n in sorted(touched):
            keyring.write(f"{n}.json", key_file_text(parts[n]))
        return count
    kept = _SetAside(aside.folder)   # the other years' entries, read from the last key files one at a time
    try:
        for n in range(old_count):
            part = parts.pop(n, None)
            for key, held in (part if part is not None else load(n)).items():
                h = key_hash(key)
                for year, entry in held.items():
                    if year not in whole and year not in gone:
                        kept.put(h, key, year.encode(), entry if isinstance(entry, bytes) else _entry_of(entry))
        _write_key_files(keyring, count, kept, aside)
    finally:
        kept.close()
    return count


#: A year with more changed articles than this is made whole rather than patched.
PATCH_LIMIT = 64


def _patch(bundle: _Bundle, ordered: Sequence[str], posts: Mapping[str, Post], prints: Mapping[str, str],
           docs_json: str, filters: str, thumbs: Mapping[str, object],
           ) -> tuple[dict[int, Document], dict[int, Document]] | None:
    """Patch the last build's bundle into ``bundle`` when it indexed the same article pages in the same
    order and few of them changed: returns the changed articles by id, as the last build indexed them
    and as they are now (for the key files), or None (nothing claimed) when it cannot be patched."""
    old = bundle.read("docs.json")
    if old is None:
        return None
    try:
        data = orjson.loads(old)
        before = [path for path, _ in data["docs"]]
        changed = [i for i, (path, print_) in enumerate(data["docs"]) if prints.get(path, "") != print_]
    except (ValueError, TypeError, KeyError):
        return None
    if data.get("format") != FORMAT or before != list(ordered) or len(changed) > PATCH_LIMIT:
        return None
    try:
        old_docs = {}
        for i in changed:
            text = bundle.read(f"d/{i}.json")
            if text is None:
                return None
            d = orjson.loads(text)
            old_docs[i] = Document(d["u"], d["t"], "", "", (), (), tuple(d["n"]), d["x"])
    except (ValueError, TypeError, KeyError):
        return None
    new_docs = {i: document(posts[ordered[i]], thumbs) for i in changed}
    fresh = {f"{kind}/{i}.json" for i in changed for kind in "cd"} | {"docs.json", "filters.json"}
    expected = {f"{kind}/{i}.json" for i in range(len(ordered)) for kind in "cd"} | {"docs.json", "filters.json"}
    if {p[len(bundle.prefix):] for p in bundle.previous} != expected or \
            not bundle.keep([bundle.prefix + name for name in sorted(expected - fresh)]):
        return None
    for i, doc in new_docs.items():
        bundle.write(f"d/{i}.json", fragment(doc))
        bundle.write(f"c/{i}.json", card(doc))
    bundle.write("filters.json", filters)
    bundle.write("docs.json", docs_json)
    return old_docs, new_docs
