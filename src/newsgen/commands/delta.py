"""What one build leaves the next so that an edit costs the pages it reaches, not every page.

Each page records what it read while its context was made (see :mod:`newsgen.render.views`): the
*names* of the values it was handed (``post:FILE``, ``pager:URL``, ``node:PATH``, …) with a digest
of each. A build keeps, for the next (:class:`Record`): its **shape** (configuration, templates,
options, static files) and the **address** of every place, topic and tag (one under another URL,
or another shape, is the full path); each article's file with its **source** (its file's digest:
what the values recorded for one article, :data:`newsgen.render.views.ARTICLE_KINDS`, are made
of) and its **structure** (URL, date, places, topics, tags: what listings, counts and related
articles are made of); every name with its value's digest and the pages that read it, the names
of one article in one of a few hundred *buckets* (by file), the others in one table of their own;
every page by number with a digest of which names it read. Each is a
:class:`~newsgen.cachefile.Table`: what a rebuild changed of it is written as its journal.

The next build computes again (:meth:`newsgen.render.pages.Plan.resolve`) the names of the
articles whose source changed, and every other name only when an article's structure changed or
one came or went; it looks at the pages that are new, read a name whose value changed, or whose
file is not as written, and leaves every other page in the output as it is. A body edited costs one
bucket read and a journal of a few rows written. A page looked at that read other names than before
is added to theirs (not taken off the names it no longer reads: it is then looked at once more than
needed). Any doubt (a part missing or unreadable, an output not updated in place) is the full path.
Safe to delete.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

from newsgen.cachefile import Damaged, State, Table
from newsgen.output import Entries, Manifest, OutputWriter, StaleCheck
from newsgen.render.fingerprint import Keys
from newsgen.render.pages import Plan
from newsgen.render.views import ARTICLE_KINDS, digest
from newsgen.site import Post

#: about how many articles share a bucket of the index
BUCKET = 400
#: the kinds of recorded name that name an article's file (``KIND:FILE``): those of
#: :data:`newsgen.render.views.ARTICLE_KINDS`, and which articles are around one (older, newer, related)
FILE_KINDS = (*sorted(ARTICLE_KINDS), "around")


class Looked:
    """What the pages looked at read, kept compactly as their results come back from the render
    workers (a page's reads were a tuple of (name, digest) strings, made again for every page: about
    590 MB of a cold build's peak at 100,000 articles). Each (name, digest) pair is kept once, as a
    number; each page as its position, a digest of the names it read (made by the worker) and the
    numbers of its pairs, in an array.

    A name of an article (``KIND:FILE``, ``FILE`` one of ``files``, ``KIND`` one of :data:`FILE_KINDS`)
    with a digest of 16 hexadecimal digits, most of what pages read, is kept as two numbers, not as
    strings: its *code* (kind and file) and its digest's value (a string each and a dict entry was
    about 230 bytes a pair, 200 MB at 100,000 articles). :meth:`pack` makes them in the worker; the
    other names are kept as text. Takes the render jobs' results (``reused, entry, names, reads``:
    ``reads`` as :meth:`pack` or :func:`pack_reads` packs them, or the pairs) through :meth:`append`
    and :meth:`extend`, as :func:`newsgen.render.parallel.run_jobs` gives them, keeping the first two
    in :attr:`results`. A digest kept as a number is given back as 16 lowercase hexadecimal digits
    (:meth:`pair`): what :func:`newsgen.render.views.digest` makes."""

    def __init__(self, positions: Sequence[int], files: Sequence[str] = ()) -> None:
        self.positions = positions   # the position of the page of each result, in order
        self.results: list[tuple[Any, Any]] = []
        self.files = files
        self._file_numbers = {file: i for i, file in enumerate(files)}
        self._kind_numbers = {kind: k for k, kind in enumerate(FILE_KINDS)}
        #: by article name's code (kind * len(files) + file), the number of its pair; -1: none yet
        self._slots = array("i", [-1]) * (len(FILE_KINDS) * len(files))
        self.numbers: dict[str, int] = {}   # another name -> the number of its pair (its value is one per build)
        self.codes = array("q")    # by pair: its name's code, or -1 - its index in others
        self.values = array("Q")   # by pair: its digest's value (a name kept as text: 0)
        self.others: list[str] = []
        self.texts: dict[int, str] = {}   # by pair of a name kept as text: its digest
        self.sets: list[str] = []
        self.reads: list[array[int]] = []

    def __len__(self) -> int:
        return len(self.results)

    @property
    def count(self) -> int:
        """How many pairs are kept."""
        return len(self.codes)

    def pack(self, record: dict[str, str]) -> tuple[bytes, bytes, str | tuple[tuple[str, str], ...]]:
        """What a page read (name -> digest), as a render worker sends it back for :meth:`append`:
        the codes and digests of the names of articles, as arrays' bytes, and the other pairs as
        :func:`pack_reads` packs them."""
        files, kinds = self._file_numbers, self._kind_numbers
        width = len(self.files)
        codes, values = array("q"), array("Q")
        rest: dict[str, str] = {}
        for name, value in record.items():
            kind, _, file = name.partition(":")
            k, f = kinds.get(kind), files.get(file)
            if k is not None and f is not None and len(value) == 16:
                try:
                    number = int(value, 16)
                except ValueError:
                    number = -1
                if number < 0:
                    rest[name] = value
                    continue
                codes.append(k * width + f)
                values.append(number)
            else:
                rest[name] = value
        return codes.tobytes(), values.tobytes(), pack_reads(rest)

    def append(self, result: tuple[Any, Any, str, Any]) -> None:
        reused, entry, names, reads = result
        self.results.append((reused, entry))
        ids = array("I")
        if isinstance(reads, tuple) and len(reads) == 3 and isinstance(reads[0], bytes):   # (see pack)
            codes, values = array("q"), array("Q")
            codes.frombytes(reads[0])
            values.frombytes(reads[1])
            slots, known = self._slots, self.values
            for code, value in zip(codes, values, strict=True):
                n = slots[code]
                if n < 0 or known[n] != value:   # (a name read with another value: a pair of its own)
                    if n < 0:
                        slots[code] = len(known)
                    n = len(known)
                    self.codes.append(code)
                    known.append(value)
                ids.append(n)
            reads = reads[2]
        if isinstance(reads, str):   # packed (see pack_reads)
            parts = reads.split("\0") if reads else []
            reads = zip(parts[::2], parts[1::2], strict=True)
        numbers, texts = self.numbers, self.texts
        for name, value in reads:
            n = numbers.get(name)
            if n is None or texts[n] != value:
                n = len(self.codes)
                numbers.setdefault(name, n)
                self.codes.append(-1 - len(self.others))
                self.others.append(name)
                self.values.append(0)
                texts[n] = value
            ids.append(n)
        self.sets.append(names)
        self.reads.append(ids)

    def extend(self, results: Iterable[tuple[Any, Any, str, Any]]) -> None:
        for result in results:
            self.append(result)

    def pair(self, n: int) -> tuple[str, str, str]:
        """Pair ``n``: the kind of its name and the file it names (the kind ``""`` and the whole name
        when it is kept as text), and its digest."""
        code = self.codes[n]
        if code < 0:
            return "", self.others[-1 - code], self.texts[n]
        kind, file = divmod(code, len(self.files))
        return FILE_KINDS[kind], self.files[file], f"{self.values[n]:016x}"

    def where(self, n: int) -> tuple[str, str]:
        """:meth:`pair` without its digest: the kind of its name and the file it names."""
        code = self.codes[n]
        if code < 0:
            return "", self.others[-1 - code]
        kind, file = divmod(code, len(self.files))
        return FILE_KINDS[kind], self.files[file]

    def name(self, n: int) -> tuple[str, str]:
        """Pair ``n`` as the name and the digest the page recorded."""
        kind, name, value = self.pair(n)
        return (f"{kind}:{name}" if kind else name), value

    def forget(self) -> None:
        """Let go of the reads (kept: :attr:`results`), once indexed: before the state is encoded,
        the peak of a cold build."""
        self.positions, self.numbers, self.sets, self.reads, self.others, self.texts = (), {}, [], [], [], {}
        self._slots, self.codes, self.values, self._file_numbers = array("i"), array("q"), array("Q"), {}

    def pages(self) -> Iterable[tuple[int, str, array[int]]]:
        """Each page looked at: its position, the digest of the names it read, and its pairs' numbers."""
        return zip(self.positions, self.sets, self.reads, strict=True)


def pack_reads(record: dict[str, str]) -> str | tuple[tuple[str, str], ...]:
    """What a page read (name -> digest), as a render worker sends it back for :meth:`Looked.append`:
    one string, each name and digest followed by a NUL but the last (one object to pickle and unpickle,
    not three a pair: a tenth of a second of the parent's time at 10,000 articles); the pairs as they
    are when a name holds a NUL itself (a place or tag may: front matter can write one)."""
    packed = "\0".join([part for pair in record.items() for part in pair])
    return packed if packed.count("\0") == max(0, 2 * len(record) - 1) else tuple(record.items())


def names_digest(names: Iterable[str]) -> str:
    """The digest of which names a page read (``Record.sets``)."""
    return digest("\0".join(sorted(names)))


class _Unknown(Exception):
    """A part of the record is missing or not as written: the full path."""


@dataclass
class Record:
    """One output's record of its last build (see the module's docstring), kept in the build state
    beside the output's manifest as three tables (:class:`~newsgen.cachefile.Table`) and a section:
    ``KEY.sources`` (each article's file with its source, in model order; its meta: the shape and
    the addresses), ``KEY.reads`` (each article's file with the digest of each of its names and the
    numbers of the pages reading it, ``""``: its structure; in buckets), ``KEY.names`` (every other
    name so) and ``KEY.pages`` (every page by number, with a digest of which names it read)."""

    state: State
    key: str
    shape: str
    addresses: dict[str, str] = field(default_factory=dict)   # place, topic, tag -> URL (Plan.addresses)
    sources: Table = field(default_factory=Table)   # article file -> its source (Plan.sources)
    reads: Table = field(default_factory=Table)     # article file -> {kind: [digest, pages], "": [structure, []]}
    names: Table = field(default_factory=Table)     # another name -> [digest, pages]
    #: on the full path, every article's structure (its row of the reads is made by :meth:`add`)
    structures: dict[str, str] = field(default_factory=dict)
    order: list[str | None] = field(default_factory=list)     # every page by number (None: gone since)
    sets: list[str] = field(default_factory=list)             # per page: a digest of the names it read
    pages_changed: bool = False

    @classmethod
    def load(cls, state: State, key: str, shape: str) -> Record | None:
        """The last build's record when its shape is ``shape``; else None."""
        sources, reads, names = (Table.load(state, f"{key}.{name}") for name in ("sources", "reads", "names"))
        pages = state.get(f"{key}.pages")
        try:
            if sources is None or reads is None or names is None or sources.meta["shape"] != shape:
                return None
            record = cls(state, key, shape, dict(sources.meta["addresses"]), sources, reads, names,
                         order=list(pages["order"]), sets=list(pages["sets"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        return record if len(record.order) == len(record.sets) else None

    @classmethod
    def new(cls, state: State, key: str, shape: str, articles: int) -> Record:
        """An empty record (the full path): every table of it made afresh."""
        return cls(state, key, shape, sources=Table().bind(state, f"{key}.sources"),
                   reads=Table(buckets=articles // BUCKET).bind(state, f"{key}.reads"),
                   names=Table().bind(state, f"{key}.names"), pages_changed=True)

    def reached(self, plan: Plan, files: list[str], sources: list[str]) -> set[int]:
        """The numbers of the pages that read a name whose value changed since the last build; the
        record brought up to date for those names and for the articles' sources and structure. Raises
        :class:`_Unknown` when a part of it is not as written."""
        found: set[int] = set()

        def again(row: list[Any], name: str) -> list[Any]:   # (one gone is kept, as None: its readers are not lost)
            now = plan.resolve(name)
            if now == row[0]:
                return row
            found.update(row[1])
            return [now, row[1]]
        try:
            known, (old,) = self.sources.whole()
            structural = files != known
            if structural:   # (the sources written again, in model order)
                was, new = dict(zip(known, old, strict=True)), dict(zip(files, sources, strict=True))
                moved = [file for file in was.keys() | new.keys() if was.get(file) != new.get(file)]
                self.sources = Table().bind(self.state, f"{self.key}.sources")
                self.sources.changed = new
            else:
                changed = [(file, now) for file, was, now in zip(files, old, sources, strict=True) if was != now]
                for file, source in changed:
                    self.sources[file] = source
                moved = [file for file, _ in changed]
            for file in moved:
                entries = dict(self.reads.get(file) or {})
                index = plan.views.numbers.get(file)
                now = _structure(plan.site.posts[index]) if index is not None else None
                structural |= entries.pop("", [None])[0] != now
                if now is not None:
                    self.reads[file] = {**{kind: again(row, f"{kind}:{file}") for kind, row in entries.items()},
                                        "": [now, []]}
                elif file in self.reads:
                    del self.reads[file]
                    for kind, row in entries.items():
                        again(row, f"{kind}:{file}")
            for name, row in list(self.names.items()) if structural else ():
                if (new := again(row, name)) is not row:
                    self.names[name] = new
        except Damaged as exc:
            raise _Unknown(str(exc)) from exc
        return found

    def number(self, paths: Sequence[str]) -> tuple[list[int], list[int]]:
        """Each page's number, and the positions of the pages new since the last build (each given one)."""
        if paths == self.order or not self.order:   # (a new record: each page its position)
            new = [] if self.order else list(range(len(paths)))
            self.order, self.sets = list(paths), self.sets or [""] * len(paths)
            return list(range(len(paths))), new
        known = {path: n for n, path in enumerate(self.order) if path is not None}
        numbers, new = [], []
        for j, path in enumerate(paths):
            n = known.pop(path, None)
            if n is None:
                n = len(self.order)
                new.append(j)
                self.order.append(path)
                self.sets.append("")
            numbers.append(n)
        for n in known.values():   # gone: its number is not given again
            self.order[n], self.sets[n] = None, ""
        self.pages_changed = True
        return numbers, new

    def add(self, numbers: Sequence[int], looked: Looked) -> None:
        """Index what the pages looked at read, for those whose names changed."""
        # by pair's number, the first page reading it, and all when several do (most pairs are read by
        # one page: no array kept for them), in arrays, 4 bytes a page: as lists (9 bytes a page with their
        # room to grow), held until every bucket was written, they were the peak of a template edit at
        # 100,000 articles
        first = array("i", [-1]) * looked.count
        more: list[array[int] | None] = [None] * looked.count
        for j, names, reads in looked.pages():
            n = numbers[j]
            if self.sets[n] == names:
                continue
            self.sets[n], self.pages_changed = names, True
            for pair in reads:
                if first[pair] < 0:
                    first[pair] = n
                else:
                    found = more[pair]
                    if found is None:
                        more[pair] = array("I", (first[pair], n))
                    else:
                        found.append(n)
        # by bucket of the reads, its articles' pairs; then the other names': on the full path each
        # bucket is filled, written and let go in turn (the record of a cold build at 100,000 articles,
        # whole, was about 200 MB at its peak)
        groups: dict[int, array[int]] = {}
        others = array("I")
        for pair in range(looked.count):
            if first[pair] < 0:
                continue
            kind, file = looked.where(pair)
            if kind in ARTICLE_KINDS:
                groups.setdefault(self.reads.bucket(file), array("I")).append(pair)
            else:
                others.append(pair)
        homes: dict[int, list[str]] = {}   # (on the full path, each bucket's articles: every row made here)
        for file in self.structures:
            homes.setdefault(self.reads.bucket(file), []).append(file)

        def fill(table: Table, pairs: array[int], bucket: int | None) -> None:
            rows: dict[str, Any] = {file: {"": [self.structures[file], []]} for file in homes.pop(bucket, ())} \
                if bucket is not None else {}   # (the rows changed, each set once)
            for pair in pairs:
                several, more[pair] = more[pair], None
                pages = several.tolist() if several is not None else [first[pair]]
                kind, file, value = looked.pair(pair)
                if bucket is None:   # another name: its row is [digest, pages]
                    entries, key = rows, f"{kind}:{file}" if kind else file
                    if key not in rows:
                        rows[key] = table.get(key)
                else:   # an article's: {kind: [digest, pages]}
                    entries, key = rows.get(file), kind
                    if entries is None:
                        entries = rows[file] = dict(table.get(file) or {})
                item = entries.get(key)
                if item is None:
                    entries[key] = [value, pages]
                else:
                    known = set(item[1])
                    entries[key] = [value, item[1] + [n for n in pages if n not in known]]
            for key, row in rows.items():
                table[key] = row
            if bucket is not None and self.structures:   # (the full path: written now, and let go)
                table.flush(bucket)
            elif bucket is not None:   # (its changed rows kept for the journal: one bucket read at a time)
                table.release(bucket)
        for n in range(self.reads.buckets) if self.structures else list(groups):
            fill(self.reads, groups.pop(n, array("I")), n)
        fill(self.names, others, None)
        self.structures = {}

    def save(self) -> None:
        """Put the record: its tables' changes, and its pages when they changed."""
        self.sources.meta = {"shape": self.shape, "addresses": self.addresses}
        for name in ("sources", "reads", "names"):
            getattr(self, name).keep(self.state, f"{self.key}.{name}")
        if self.pages_changed:
            self.state.put(f"{self.key}.pages", {"order": self.order, "sets": self.sets})

    def forget(self) -> None:
        """Let go of the tables read (in a render worker: it does not keep the record)."""
        self.sources = self.reads = self.names = Table()


@dataclass
class Changes:
    """What a build found changed since the last one, and the pages it must look at (``todo``, in
    plan order); ``previous`` is the last build's record, None on the full path."""

    record: Record
    numbers: list[int]
    previous: Record | None
    todo: Sequence[int]
    #: the last output's files not on disk as its manifest has them (edited, lost); None: not looked at
    stale: Set[str] | None = None

    def save(self, looked: Looked) -> None:
        """Record this build for the next (``looked``: the pages looked at, each with what it read)."""
        record = self.record
        record.add(self.numbers, looked)
        looked.forget()
        record.save()


def find_changes(plan: Plan, paths: Sequence[str], keys: Keys, writer: OutputWriter, manifest: Manifest,
                 state: State, key: str, *, search: bool, incremental: bool, stale: StaleCheck | None = None
                 ) -> Changes:
    """Which pages this build must look at. With the last build's record of the same shape and the output
    updated in place, the pages reading a name whose value changed and those the manifest does not
    vouch for (the others are left as they are); else every page (the full path). ``stale`` gives
    the manifest's :meth:`Manifest.stale` pages in the output, when the caller had them found already."""
    statics = sorted(p for p in writer.claimed_paths() if p.startswith("static/"))
    shape = hashlib.sha256(f"{keys.shape()}\0{search}\0{statics}".encode()).hexdigest()
    addresses = plan.addresses()
    files, sources = plan.files, plan.sources()
    previous = Record.load(state, key, shape) if incremental and writer.in_place else None
    if previous is not None and any(addresses.get(name, url) != url for name, url in previous.addresses.items()):
        previous = None   # a name under another URL: the pages linking to it are not known
    try:
        reached = previous.reached(plan, files, sources) if previous is not None else set()
    except _Unknown:
        previous = None
    stale_pages: Set[str] | None = None
    if previous is None and stale is not None:
        stale.close()   # every page is looked at: no use for it
    if previous is not None:
        same = paths == previous.order   # (then a page's number is its position)
        numbers, todo = previous.number(paths)
        stale_pages = stale.result() if stale is not None else manifest.stale(writer.output)
        if same:
            todo.extend(reached)
        elif reached:
            position = {n: j for j, n in enumerate(numbers)}
            todo.extend(position[n] for n in reached if n in position)
        had = manifest.pages
        holds = had.holds(paths) if isinstance(had, Entries) else all(map(had.__contains__, paths))
        if stale_pages or not same or not holds:
            todo.extend(j for j, path in enumerate(paths) if path not in had or path in stale_pages)
        previous.addresses = addresses
        return Changes(previous, numbers, previous, sorted(set(todo)), stale=stale_pages)
    record = Record.new(state, key, shape, len(files))   # the full path
    record.addresses = addresses
    record.sources.changed = dict(zip(files, sources, strict=True))   # (every row new)
    record.structures = {file: _structure(post) for file, post in zip(files, plan.site.posts, strict=True)}
    return Changes(record, record.number(paths)[0], None, range(len(paths)), stale=stale_pages)


def _structure(post: Post) -> str:
    """What the model's listings, counts and related articles take of an article."""
    article = post.article
    return digest(repr((post.url, article.date, article.regions, article.topics, article.tags)))

