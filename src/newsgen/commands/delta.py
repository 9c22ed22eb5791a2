"""What one build leaves the next so that an edit costs the pages it reaches, not every page.

Each page records what it read while its context was made (see :mod:`newsgen.render.views`): the
*names* of the values it was handed (``post:FILE``, ``pager:URL``, ``node:PATH``, …) with a digest
of each. A build keeps, for the next,

- its **shape**: the configuration, templates, options and static files (what every page depends
  on), and the **address** (URL) of every place, topic and tag: a build may find names added or
  gone (a new tag, a new town), but not one that kept its name under another URL (a slug another
  name now takes): that is the full path;
- every recorded name with the digest of its value, and which names each page read;
- each article's **source** (:meth:`newsgen.render.pages.Plan.sources`: its file's digest, URL and
  lead photo), of which the values recorded for one article
  (:data:`newsgen.render.views.ARTICLE_KINDS`) are a function;
- which pages it **wrote** anew, and which files its output **lost**: the spare the next build
  updates in place is the output before it (see :mod:`newsgen.output`), so those are exactly
  where the spare differs from the current output.

The next build, finding the same shape, computes every recorded name's value again (a name of
one article only when that article's source changed) by the accessor that recorded it
(:meth:`newsgen.render.pages.Plan.resolve`), and looks at exactly the pages that are new, read a
name whose value changed, or whose file on disk is not as written; it carries every other page
over as it is, and brings the spare up to date by linking the pages written last time and
dropping the files lost, instead of checking and sweeping all of it. Any doubt (another shape, a
record missing or unreadable, a spare not adopted) is the full path. Safe to delete: the next
build then takes the full path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence, Set
from dataclasses import dataclass, field

from newsgen.cachefile import State
from newsgen.output import Manifest, OutputWriter, StaleCheck
from newsgen.render.fingerprint import Fingerprints
from newsgen.render.pages import Page, Plan
from newsgen.render.views import ARTICLE_KINDS

#: what one page read: (name, digest of its value) pairs
Reads = Sequence[tuple[str, str]]


@dataclass
class Delta:
    """One output's record of its last build (see the module's docstring), kept in the build state
    as two sections beside the output's manifest: ``KEY.delta`` (all but which names each page
    read) and ``KEY.reads`` (bigger, put only when that changed)."""

    shape: str = ""
    addresses: dict[str, str] = field(default_factory=dict)   # place, topic, tag -> URL (Plan.addresses)
    sources: dict[str, str] = field(default_factory=dict)     # article file -> its source (Plan.sources)
    written: list[str] = field(default_factory=list)          # pages written anew (not linked)
    removed: list[str] = field(default_factory=list)          # files the output before had and it has not
    order: list[str] = field(default_factory=list)            # every page, in plan order
    names: list[str] = field(default_factory=list)            # every name a page read
    values: list[str] = field(default_factory=list)           # the digest of each name's value
    reads: list[list[int]] = field(default_factory=list)      # per page: the names it read (positions)

    @classmethod
    def load(cls, state: State, key: str, shape: str) -> Delta | None:
        """The last build's record when its shape is ``shape``; else None."""
        found, reads = state.get(f"{key}.delta"), state.get(f"{key}.reads")
        try:
            if found["shape"] != shape:
                return None
            delta = cls(shape, dict(found["addresses"]), dict(found["sources"]), list(found["written"]),
                        list(found["removed"]), list(reads["order"]), list(reads["names"]), list(found["values"]),
                        list(reads["reads"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        if len(delta.order) != len(delta.reads) or len(delta.names) != len(delta.values):
            return None
        return delta

    def save(self, state: State, key: str, reads: bool) -> None:
        """Put the record; with ``reads``, which names each page read too."""
        if reads:
            state.put(f"{key}.reads", {"order": self.order, "names": self.names, "reads": self.reads})
        state.put(f"{key}.delta", {"shape": self.shape, "addresses": self.addresses, "sources": self.sources,
                                   "values": self.values, "written": self.written, "removed": self.removed})

    def keeps_addresses(self, addresses: dict[str, str]) -> bool:
        """Whether every place, topic and tag of the last build that is still there has its URL."""
        return all(addresses.get(name, url) == url for name, url in self.addresses.items())

    def changed(self, plan: Plan) -> set[int]:
        """The positions (in :attr:`names`) of the names whose value is not the one recorded: each
        computed again by the accessor that recorded it, a name of one article only when the
        article's source changed."""
        sources = plan.sources()
        moved = {file for file, source in self.sources.items() if sources.get(file) != source}
        found: set[int] = set()
        resolve = plan.resolve
        for n, name in enumerate(self.names):
            kind, _, key = name.partition(":")
            if kind in ARTICLE_KINDS and key not in moved:
                continue
            if resolve(name) != self.values[n]:
                found.add(n)
        return found

    def record(self, pages: Sequence[str], looked: Sequence[tuple[int, Reads]]) -> bool:
        """Take this build's pages and what the pages looked at (``looked``: position, reads) read; the
        others read what they read. True when which names pages read changed."""
        values = dict(zip(self.names, self.values, strict=True))
        before = {path: i for i, path in enumerate(self.order)}
        held: list[list[int] | list[str]] = [self.reads[before[path]] if path in before else [] for path in pages]
        fresh: dict[int, list[str]] = {}
        for j, reads in looked:
            names = []
            for name, value in reads:
                values[name] = value
                names.append(name)
            fresh[j] = sorted(names)
        number = {name: n for n, name in enumerate(self.names)}
        same = list(pages) == self.order and all(
            all(name in number for name in names) and sorted(number[name] for name in names) == held[j]
            for j, names in fresh.items())
        if same:
            self.values = [values[name] for name in self.names]
            return False
        table: dict[str, int] = {}
        new_reads: list[list[int]] = []
        for j in range(len(pages)):
            names = fresh[j] if j in fresh else [self.names[n] for n in held[j]]   # type: ignore[index]
            new_reads.append(sorted(table.setdefault(name, len(table)) for name in names))
        self.order, self.names, self.reads = list(pages), list(table), new_reads
        self.values = [values[name] for name in self.names]
        return True


@dataclass
class Changes:
    """What a build found changed since the last one, and the pages it must look at (``todo``, in
    plan order); ``previous`` is the last build's record, None on the full path."""

    plan: Plan
    shape: str
    addresses: dict[str, str]
    previous: Delta | None
    todo: Sequence[int]
    #: no spare to update in place: the pages not in ``todo`` are to be linked from the last output
    carry: bool = False
    #: the last output's files not on disk as its manifest has them (edited, lost); None: not looked at
    stale: Set[str] | None = None

    def save(self, state: State, key: str, pages: Sequence[str], looked: Sequence[tuple[int, Reads]],
             dirty: list[str], lost: Set[str]) -> None:
        """Record this build for the next (``looked``: the pages looked at, each with what it read;
        ``dirty``: the pages written; ``lost``: the last output's files this one has not)."""
        delta = self.previous or Delta(self.shape)
        reads_changed = delta.record(pages, looked)
        delta.addresses, delta.sources = self.addresses, self.plan.sources()
        delta.written, delta.removed = dirty, sorted(lost)
        delta.save(state, key, reads=reads_changed)


def find_changes(plan: Plan, pages: Sequence[Page], fingerprints: Fingerprints, writer: OutputWriter,
                 manifest: Manifest, state: State, key: str, *, search: bool, incremental: bool,
                 stale: StaleCheck | None = None) -> Changes:
    """Which pages this build must look at. With the last build's record of the same shape and a spare
    adopted, the pages reading a name whose value changed and those the manifest does not vouch for,
    the spare brought up to date for the others; else every page (the full path). ``stale`` gives
    the manifest's :meth:`Manifest.stale` pages in the output, when the caller had them found already."""
    statics = sorted(p for p in writer.claimed_paths() if p.startswith("static/"))
    shape = hashlib.sha256(f"{fingerprints.common()}\0{search}\0{statics}".encode()).hexdigest()
    addresses = plan.addresses()
    paths_ = [page.path for page in pages]
    previous = Delta.load(state, key, shape) if incremental and manifest.pages else None
    if previous is not None and not previous.keeps_addresses(addresses):
        previous = None   # a name under another URL: the pages linking to it are not known
    todo: Sequence[int] = range(len(pages))
    if previous is None and stale is not None:
        stale.close()   # every page is looked at: no use for it
    if previous is not None:
        stale_pages = stale.result() if stale is not None else manifest.stale(writer.output)
        todo = sorted(_to_check(previous, paths_, previous.changed(plan), manifest, stale_pages))
        if not writer.in_place:   # no spare: the other pages are linked from the last output
            return Changes(plan, shape, addresses, previous, todo, carry=True, stale=stale_pages)
        if not _bring_up_to_date(writer, previous, manifest, {paths_[i] for i in todo}, set(paths_)):
            previous, todo = None, range(len(pages))   # the full path
        return Changes(plan, shape, addresses, previous, todo, stale=stale_pages)
    return Changes(plan, shape, addresses, previous, todo)


def _to_check(previous: Delta, paths: list[str], changed: set[int], manifest: Manifest, stale: set[str]) -> set[int]:
    """The pages this build must look at: new ones, those that read a name whose value changed
    (``changed``), and those the last build's manifest does not vouch for (no entry, or a file on
    disk not as written)."""
    before = {path: i for i, path in enumerate(previous.order)}
    todo: set[int] = set()
    for j, path in enumerate(paths):
        i = before.get(path)
        if i is None or path in stale or path not in manifest.pages or not changed.isdisjoint(previous.reads[i]):
            todo.add(j)
    return todo


def _bring_up_to_date(writer: OutputWriter, previous: Delta, manifest: Manifest, again: set[str],
                      paths: set[str]) -> bool:
    """Make the spare being updated in place (the output before last) the last output, but for the
    pages about to be looked at again (``again``): drop what the last build lost, link what it
    wrote. (What this build does not make again is dropped before the swap.) False when that cannot
    be done (a page to link is gone)."""
    writer.drop(previous.removed)
    for path in previous.written:
        entry = manifest.pages.get(path)
        if path not in again and path in paths and (entry is None
                                                    or not writer.reuse(path, entry.fingerprint, manifest)):
            return False
    return True
